// What northd knows about NAT on one router, shared by the gateway-router (router-nat.ts) and distributed
// gateway port (dgp-nat.ts) flow builders.
import type { NAT } from '@ovnts/schema/nb';

/** What the core router builder needs to know about NAT on a router. */
export interface RouterNatFlags {
  /** options:chassis is set: the router runs on one chassis and owns conntrack there. */
  readonly isGatewayRouter: boolean;
  /**
   * External IPs of SNAT rules and load balancer VIPs: router addresses among them are not dropped
   * at IP input (unSNAT/un-DNAT needs them) but only late, in ARP resolution.
   */
  readonly natIps: ReadonlySet<string>;
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
}

export interface RouterNat extends RouterNatFlags {
  readonly entries: readonly NatEntry[];
  /** A load balancer with VIPs applies to the router. */
  readonly hasLbVip: boolean;
}
