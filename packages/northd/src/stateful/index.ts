// Stateful services on top of the core builders (ACLs, load balancers, NAT, DHCP, port groups): the flow
// builders live in the modules of this directory, the engine's nodes call them; this module names the
// types and vocabularies the compiler's output uses.
export { NO_CONNTRACK, type ConntrackFlags } from './switch-config.js';
export type { SbAddressSetOut, SbPortGroupOut } from './port-groups.js';
export type { SbLoadBalancerOut } from './sb-load-balancers.js';
export { DHCPV4_OPTION_CODES, DHCPV6_OPTION_CODES, type DhcpOptionCode } from './dhcp-codes.js';
