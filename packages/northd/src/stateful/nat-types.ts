// What northd knows about NAT on one router, shared by the gateway-router (router-nat.ts) and distributed
// gateway port (dgp-nat.ts) flow builders.
import type { NAT } from '@ovnts/schema/nb';
import type { ForceSnatIps } from '../router-options.js';

/** Membership of addresses (a Set, or a view over several). */
export interface AddressLookup {
  has(ip: string): boolean;
}

/** What the core router builder needs to know about NAT on a router. */
export interface RouterNatFlags {
  /** options:chassis is set: the router runs on one chassis and owns conntrack there. */
  readonly isGatewayRouter: boolean;
  /**
   * External IPs of SNAT rules and load balancer VIPs: router addresses among them are not dropped
   * at IP input (unSNAT/un-DNAT needs them) but only late, in ARP resolution.
   */
  readonly natIps: AddressLookup;
  /** Distributed gateway port → its chassisredirect port. */
  readonly redirect: ReadonlyMap<string, string>;
}

export interface NatEntry {
  readonly nb: NAT;
  readonly family: 4 | 6;
  readonly externalIp: string;
  /** Prefix length of logical_ip (32/128 for a single address). */
  readonly logicalPlen: number;
  readonly stateless: boolean;
  /**
   * allowed_ext_ips / exempted_ext_ips: the name of the address set the rule is limited to, or of the
   * one it does not apply to (never both: such a rule is skipped).
   */
  readonly extIps: { readonly kind: 'allowed' | 'exempted'; readonly set: string } | undefined;
}

export interface RouterNat extends RouterNatFlags {
  /** dnat_force_snat_ip / lb_force_snat_ip addresses (undefined when unset or invalid). */
  readonly forceSnat: { readonly dnat: ForceSnatIps | undefined; readonly lb: ForceSnatIps | undefined };
  readonly entries: readonly NatEntry[];
  /** A load balancer with VIPs applies to the router. */
  readonly hasLbVip: boolean;
}
