// Stateful services on top of the core compiler: per-compile context (resolved port groups, parsed
// load balancers), per-switch flows, and the SB rows they need (Port_Group, Address_Set).
import type { Diagnostics } from '../diagnostics.js';
import type { NbInput } from '../input.js';
import type { LflowTable } from '../lflow-table.js';
import type { StageName } from '../stages.js';
import type { RouterDatapath, SwitchDatapath, Topology } from '../topology.js';
import { buildRouterNatFlows, routerNat, type RouterNat } from './router-nat.js';
import { buildAclFlows } from './acl.js';
import { parseLb, type ParsedLb } from './lb-vip.js';
import {
  resolvePortGroups,
  sbAddressSets,
  sbPortGroups,
  type SbAddressSetOut,
  type SbPortGroupOut,
} from './port-groups.js';
import { sbLoadBalancer, type SbLoadBalancerOut } from './sb-load-balancers.js';
import { buildSwitchLbFlows } from './switch-lb.js';
import { buildRouterNatArpFlows } from './switch-router-arp.js';
import { buildDhcpFlows } from './dhcp.js';
import { distributedNatMacs } from './gateway-bindings.js';
import {
  hasDistributedGatewayPort,
  reportUnsupportedAcl,
  reportUnsupportedLb,
  reportUnsupportedRouter,
} from './unsupported.js';
import { buildRouterLbFlows, lbAddressSetName, routerLbs, type RouterLbs } from './router-lb.js';
import { switchStateful, type ConntrackFlags, type StatefulContext, type SwitchStateful } from './switch-config.js';

export { NO_CONNTRACK, type ConntrackFlags } from './switch-config.js';
export type { SbAddressSetOut, SbPortGroupOut } from './port-groups.js';
export type { SbLoadBalancerOut } from './sb-load-balancers.js';
export { DHCPV4_OPTION_CODES, DHCPV6_OPTION_CODES, type DhcpOptionCode } from './dhcp-codes.js';

export class Stateful {
  private readonly ctx: StatefulContext;
  private readonly routers: ReadonlyMap<string, RouterDatapath>;
  private readonly lbs = new Map<string, ParsedLb>();
  /** Load balancer → the bound switches it applies to (for the SB rows). */
  private readonly lbSwitches = new Map<string, Set<string>>();
  private readonly perSwitch = new Map<string, SwitchStateful>();
  private readonly perRouter = new Map<string, RouterNat>();
  private readonly perRouterLbs = new Map<string, RouterLbs>();
  private readonly reportedAcls = new Set<string>();

  constructor(
    private readonly nb: NbInput,
    topo: Topology,
    private readonly diag: Diagnostics,
    /** Datapath tunnel keys (router LB address sets are named by them). */
    private readonly dpKeys: ReadonlyMap<string, number>,
  ) {
    this.ctx = { nb, portGroups: resolvePortGroups(nb, topo, diag), routerNatMacs: distributedNatMacs(nb) };
    this.routers = new Map(topo.routers.map((r) => [r.uuid, r]));
  }

  /** What the core switch builder must know to leave out its "nothing stateful" flows. */
  flags(sw: SwitchDatapath): ConntrackFlags {
    return this.of(sw);
  }

  private of(sw: SwitchDatapath): SwitchStateful {
    let st = this.perSwitch.get(sw.uuid);
    if (!st) this.perSwitch.set(sw.uuid, (st = switchStateful(sw, this.ctx)));
    return st;
  }

  buildSwitchFlows(sw: SwitchDatapath, t: LflowTable): void {
    const st = this.of(sw);
    for (const acl of st.acls) {
      if (this.reportedAcls.has(acl._uuid)) continue;
      this.reportedAcls.add(acl._uuid);
      reportUnsupportedAcl(acl, this.diag);
    }
    for (const lb of st.lbs) {
      const set = this.lbSwitches.get(lb._uuid);
      if (set) set.add(sw.uuid);
      else this.lbSwitches.set(lb._uuid, new Set([sw.uuid]));
    }
    const add = (s: StageName, prio: number, match: string, actions: string) => t.add(sw.uuid, s, prio, match, actions);
    buildAclFlows(sw, st, add);
    buildSwitchLbFlows(
      st.lbs.map((lb) => this.parsed(lb._uuid)),
      st.hasLbVip,
      add,
    );
    buildDhcpFlows(sw, this.nb, st.hasStatefulAcl || st.hasLbVip, add);
    buildRouterNatArpFlows(
      sw,
      (uuid) => this.routerNat(this.routers.get(uuid)!),
      (uuid) => this.routerLbs(this.routers.get(uuid)!),
      add,
    );
  }

  /** NAT of a router, parsed once per compile (switches consult their peer routers' NAT too). */
  routerNat(lr: RouterDatapath): RouterNat {
    let nat = this.perRouter.get(lr.uuid);
    if (!nat) {
      const lbs = this.routerLbs(lr);
      reportUnsupportedRouter(lr, lbs.lbs.length, this.diag);
      this.perRouter.set(lr.uuid, (nat = routerNat(lr, this.nb, this.diag, lbs.ips)));
    }
    return nat;
  }

  buildRouterFlows(lr: RouterDatapath, nat: RouterNat, t: LflowTable): void {
    const add = (s: StageName, prio: number, match: string, actions: string) => t.add(lr.uuid, s, prio, match, actions);
    buildRouterNatFlows(lr, nat, add);
    const external = new Set(nat.entries.map((e) => e.externalIp));
    // Routers with a distributed gateway port balance differently (not implemented; reported).
    if (nat.isGatewayRouter || !hasDistributedGatewayPort(lr)) {
      buildRouterLbFlows(lr, this.routerLbs(lr), this.dpKeys.get(lr.uuid), external, add);
    }
  }

  /** Load balancers applied to a router (directly or through groups), parsed once per compile. */
  private routerLbs(lr: RouterDatapath): RouterLbs {
    let rl = this.perRouterLbs.get(lr.uuid);
    if (!rl) {
      const uuids = new Set<string>(lr.nb.load_balancer);
      for (const g of lr.nb.load_balancer_group)
        for (const u of this.nb.Load_Balancer_Group.get(g)?.load_balancer ?? []) uuids.add(u);
      const lbs = [...uuids]
        .filter((u) => this.nb.Load_Balancer.has(u as never))
        .sort()
        .map((u) => this.parsed(u));
      this.perRouterLbs.set(lr.uuid, (rl = routerLbs(lr, lbs)));
    }
    return rl;
  }

  portGroups(dpKeys: ReadonlyMap<string, number>): SbPortGroupOut[] {
    return sbPortGroups(this.ctx.portGroups, dpKeys);
  }

  /** Call after the switch flows were built: the SB rows of the load balancers they used. */
  loadBalancers(): SbLoadBalancerOut[] {
    return [...this.lbSwitches]
      .map(([uuid, switches]) => sbLoadBalancer(this.nb.Load_Balancer.get(uuid as never)!, switches))
      .sort((a, b) => (a.externalIds['lb_id']! < b.externalIds['lb_id']! ? -1 : 1));
  }

  /** NB and port-group address sets, plus each bound router's reachable VIPs. */
  addressSets(): SbAddressSetOut[] {
    const out = sbAddressSets(this.nb);
    for (const [uuid, lr] of this.routers) {
      const key = this.dpKeys.get(uuid);
      if (key === undefined) continue;
      const rl = this.routerLbs(lr);
      if (rl.reachable4.length) out.push({ name: lbAddressSetName(key, 4), addresses: rl.reachable4 });
      if (rl.reachable6.length) out.push({ name: lbAddressSetName(key, 6), addresses: rl.reachable6 });
    }
    return out;
  }

  private parsed(uuid: string): ParsedLb {
    let p = this.lbs.get(uuid);
    if (!p) {
      const lb = this.nb.Load_Balancer.get(uuid as never)!;
      reportUnsupportedLb(lb, this.diag);
      p = parseLb(lb, this.diag);
      this.lbs.set(uuid, p);
    }
    return p;
  }
}
