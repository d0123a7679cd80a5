// Node `routers`: per bound router its flow units (core pipeline with NAT, one ARP-resolution unit and one
// routable-address unit per router port, load balancing aggregate and one unit per balancer) in its own FlowSet, its NAT and
// balancers as its peer switches consult them, and its reachable-VIP address sets. A router whose
// topology, NAT or balancers changed is computed again; a balancer backend change replaces one unit.
import type { LogicalSwitchPort } from '@ovnts/schema/nb';
import { CT_MARK, type CtDialect } from '../../chassis-features.js';
import type { ChassisFeaturesNode } from './chassis-features.js';
import { lbForcesSnat } from '../../router-options.js';
import { lbAddressSetName, buildRouterLbFlows, routerLbs, type RouterLbs } from '../../stateful/router-lb.js';
import { buildRouterNatFlows, routerNat, type RouterNat } from '../../stateful/router-nat.js';
import { reportUnsupportedRouter } from '../../stateful/unsupported.js';
import { redirectPorts } from '../../stateful/gateway-bindings.js';
import { isVirtualBindingChange } from '../../change-filter.js';
import type { ParsedLb } from '../../stateful/lb-vip.js';
import { arpResolveAdd, buildArpResolveFor, buildRouterFlows } from '../../router-flows.js';
import { buildRouterPolicyFlows, routerPolicies } from '../../router-policy.js';
import { buildRouterBfdFlows, routerBfd, type RouterBfd } from '../../router-bfd.js';
import type { RouterDatapath, RouterPort } from '../../topology.js';
import type { VirtualParentOf } from '../../virtual-ports.js';
import { collect, FlowSet, NO_FLOWS, type FlowSpec } from '../flow-set.js';
import type { NodeData } from '../inc-engine.js';
import type { BindingsNode } from './bindings.js';
import type { EngineContext, NbInputs, SbInputs } from './inputs.js';
import type { LoadBalancersNode } from './load-balancers.js';
import type { TopologyNode } from './topology.js';
import { DatapathCopps } from './copp.js';
import { unitId } from './util.js';
import { RoutablesIndex } from './routables.js';
import { RouterLbUnitMemo, routerLbShape } from './router-lb-units.js';
import { buildRoutableFlows } from '../../stateful/routable-addresses.js';

export const NO_LBS: RouterLbs = { lbs: [], ips: new Set(), reachable4: [], reachable6: [] };

/** A balancer list's unit ids (lists are shared by routers with the same balancers and groups). */
function lbUnitIds(lbs: readonly ParsedLb[]): readonly string[] {
  let ids = lbIdsOfList.get(lbs);
  if (!ids) lbIdsOfList.set(lbs, (ids = lbs.map((p) => unitId('lb', p.nb._uuid))));
  return ids;
}
const lbIdsOfList = new WeakMap<readonly ParsedLb[], readonly string[]>();

export class RoutersNode implements NodeData {
  flows = new FlowSet();
  private readonly lbsOf = new Map<string, RouterLbs>();
  private readonly natOfRouter = new Map<string, RouterNat>();
  /** Per router: its NAT external IPs (a balancer unit depends on those among its VIPs). */
  private readonly external = new Map<string, ReadonlySet<string>>();
  private readonly sets = new Map<string, readonly string[]>();
  private readonly setNames = new Map<string, string[]>();
  // Memoized units.
  private readonly lbMemo = new RouterLbUnitMemo();
  /** Static ARP/ND resolution parts: switch port row → the router port it was built for and its flows. */
  private readonly arpParts = new WeakMap<LogicalSwitchPort, { rp: RouterPort; flows: readonly FlowSpec[] }>();

  private readonly pending = new Set<string>();
  private readonly pendingLbUnits = new Map<string, Set<string>>();
  private readonly arpRefresh = new Set<RouterPort>();
  /** Router ports whose neighbours' routable addresses changed. */
  private readonly routableRefresh = new Set<RouterPort>();
  private readonly routables: RoutablesIndex;
  private readonly copps: DatapathCopps;
  private coppChanged = false;
  /** The NB BFD sessions as routing reads them, built when a router is computed. */
  private bfd: RouterBfd | undefined;

  // Tracked output.
  recomputed = false;
  /** Routers computed this round (their peer switches' NAT/ARP flows read them). */
  readonly computed = new Set<string>();
  /** Switches to compute again (a peer router's NAT, balancer addresses or shape changed). */
  readonly peerSwitches = new Set<string>();
  readonly touchedSets = new Set<string>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly nb: NbInputs,
    private readonly topo: TopologyNode,
    private readonly bindings: BindingsNode,
    private readonly lbs: LoadBalancersNode,
    private readonly features: ChassisFeaturesNode,
    private readonly sb: SbInputs,
  ) {
    this.routables = new RoutablesIndex(
      (u) => this.nb.view.NAT.get(u),
      (lr) => this.lbs.routerLbs(lr),
    );
    this.copps = new DatapathCopps(nb);
  }

  clearTracked(): void {
    this.recomputed = this.coppChanged = false;
    for (const s of [this.pending, this.computed, this.peerSwitches, this.touchedSets]) s.clear();
    this.pendingLbUnits.clear();
    this.arpRefresh.clear();
    this.routableRefresh.clear();
  }

  updated(): boolean {
    const units = this.pendingLbUnits.size + this.arpRefresh.size + this.routableRefresh.size;
    return (
      this.recomputed ||
      this.coppChanged ||
      this.computed.size + this.peerSwitches.size + this.touchedSets.size + units > 0
    );
  }

  clear(): void {
    for (const m of [this.lbsOf, this.natOfRouter, this.external, this.sets, this.setNames]) m.clear();
    this.flows = new FlowSet();
    this.routables.clear();
  }

  recompute(): void {
    this.clear();
    this.copps.reset();
    this.bfd = undefined;
    this.recomputed = true;
    this.lbMemo.useCt(this.features.ct);
    this.flows.rebuild(() => {
      for (const lr of this.topo.routers.values())
        if (this.bindings.dpKeys.has(lr.uuid)) {
          this.compute(lr);
          this.ctx.onStep?.({ kind: 'computed', dp: lr.uuid });
        }
    });
  }

  // ---- handlers ----

  /** Routers whose rows, ports, routes, peering or NAT shape changed; ARP units of rebuilt switches' peers. */
  onTopology(): boolean {
    const t = this.topo;
    if (t.recomputed) return false;
    for (const uuid of t.routersChanged) this.pending.add(uuid);
    for (const uuid of t.rebuiltSw)
      for (const p of t.switches.get(uuid)?.routerPorts ?? []) if (p.peer) this.arpRefresh.add(p.peer);
    return true;
  }

  /**
   * ovn-controller claimed or released a virtual port: the ARP-resolution units of the router ports facing
   * its switch (one of them resolves the virtual IP to the parent's MAC). Any other binding change recomputes.
   */
  onPortBinding(): boolean {
    for (const c of this.sb.portBindings) {
      if (c.kind !== 'modify' || !isVirtualBindingChange(c)) return false;
      for (const p of this.topo.lsps.get(c.new.logical_port)?.dp.routerPorts ?? [])
        if (p.peer) this.arpRefresh.add(p.peer);
    }
    return true;
  }

  /** Balancer address sets are named by datapath keys, which move only in a recompute. */
  onBindings(): boolean {
    return !this.bindings.recomputed;
  }

  onLoadBalancers(): boolean {
    const l = this.lbs;
    if (l.recomputed) return false;
    for (const [dp, lbs] of l.lbUnits)
      if (this.topo.routers.has(dp) && !l.lbAll.has(dp)) this.pendingLbUnits.set(dp, lbs);
    for (const dp of [...l.lbAll, ...l.routersReshaped]) if (this.topo.routers.has(dp)) this.pending.add(dp);
    for (const dp of l.routerPeers) {
      const lr = this.topo.routers.get(dp);
      if (lr) for (const s of this.topo.peerSwitches(lr)) this.peerSwitches.add(s);
    }
    return true;
  }

  /** A NAT row's routers, and their peers (which answer ARP for its external addresses). */
  onNat(): boolean {
    for (const c of this.nb.tables.NAT.changes)
      for (const uuid of this.topo.index.natRouter.get(c.uuid) ?? []) {
        this.pending.add(uuid);
        const lr = this.topo.routers.get(uuid);
        if (lr) for (const s of this.topo.peerSwitches(lr)) this.peerSwitches.add(s);
      }
    return true;
  }

  /** A renamed, new or deleted address set: the routers whose NAT rules name it (ext-IP limits). */
  onAddressSet(): boolean {
    const renamed = new Set<string>();
    for (const c of this.nb.tables.Address_Set.changes) if (c.old?.name !== c.new?.name) renamed.add(c.uuid);
    if (!renamed.size) return true;
    for (const uuid of this.topo.routers.keys())
      for (const n of this.natOfRouter.get(uuid)?.entries ?? [])
        if (renamed.has(n.nb.allowed_ext_ips ?? n.nb.exempted_ext_ips ?? '')) this.pending.add(uuid);
    return true;
  }

  /** A Copp row changed: the meters of the routers naming it. */
  onCopp(): boolean {
    this.copps.onCopp();
    return true;
  }

  /**
   * A BFD session came, went, moved or changed status: the routers of the ports it names (old and new)
   * and the routers with a route naming it.
   */
  onBfd(): boolean {
    const names = new Set<string>();
    const rows = new Set<string>();
    for (const c of this.nb.tables.BFD.changes) {
      rows.add(c.uuid);
      if (c.old) names.add(c.old.logical_port);
      if (c.new) names.add(c.new.logical_port);
    }
    this.bfd = undefined;
    for (const lr of this.topo.routers.values())
      if (lr.ports.some((p) => names.has(p.name)) || lr.routes.some((r) => r.nb.bfd !== null && rows.has(r.nb.bfd)))
        this.pending.add(lr.uuid);
    return true;
  }

  private routerBfd(): RouterBfd {
    return (this.bfd ??= routerBfd(this.nb.view.BFD));
  }

  /** A meter came or went: a Copp naming it meters more or fewer flows. */
  onMeters(): boolean {
    this.copps.onMeters();
    return true;
  }

  settle(): boolean {
    if (this.copps.dirty) {
      this.copps.dirty = false;
      for (const lr of this.topo.routers.values())
        if (this.bindings.dpKeys.has(lr.uuid) && !this.pending.has(lr.uuid)) {
          this.flows.setCopp(lr.uuid, this.copps.ofRouter(lr.nb));
          this.coppChanged = true;
        }
    }
    this.updateLbUnits();
    for (const uuid of this.pending) {
      const lr = this.topo.routers.get(uuid);
      if (!lr || !this.bindings.dpKeys.has(uuid)) {
        this.routables.forget(uuid);
        continue;
      }
      const ips = this.lbsOf.get(uuid)?.ips;
      this.compute(lr);
      this.computed.add(uuid);
      const now = this.lbsOf.get(uuid)!.ips;
      if (!ips || ips.size !== now.size || [...now].some((ip) => !ips.has(ip)))
        for (const s of this.topo.peerSwitches(lr)) this.peerSwitches.add(s);
    }
    for (const p of this.arpRefresh)
      if (this.bindings.dpKeys.has(p.dp.uuid) && !this.computed.has(p.dp.uuid)) {
        this.setArpUnit(p);
        this.setRoutableUnit(p);
      }
    // After every router above: their routable addresses are current.
    for (const p of this.routableRefresh)
      if (this.bindings.dpKeys.has(p.dp.uuid) && this.topo.routers.get(p.dp.uuid) === p.dp) this.setRoutableUnit(p);
    return true;
  }

  // ---- outputs ----

  /** A router's NAT; routers without a key are not computed, but their peers still consult it. */
  natOf(uuid: string): RouterNat {
    let nat = this.natOfRouter.get(uuid);
    if (!nat) {
      const lr = this.topo.routers.get(uuid)!;
      const rl = routerLbs(lr, this.lbs.routerLbs(lr));
      this.lbsOf.set(uuid, rl);
      nat = routerNat(lr, this.nb.view, this.ctx.diag, rl.ips);
      this.natOfRouter.set(uuid, nat);
    }
    return nat;
  }

  lbsOfRouter(uuid: string): RouterLbs {
    return this.lbsOf.get(uuid) ?? NO_LBS;
  }

  addressSet(name: string): readonly string[] | undefined {
    return this.sets.get(name);
  }
  addressSets(): Iterable<[string, readonly string[]]> {
    return this.sets.entries();
  }

  // ---- computing one router ----

  /** A router port's tunnel key (the symmetric ECMP reply flows name it). */
  private portKey(dp: string, name: string): number | undefined {
    return this.bindings.portBindings(dp).find((pb) => pb.logicalPort === name)?.tunnelKey;
  }

  private compute(lr: RouterDatapath): void {
    // No units yet (a full recompute): none to drop, so no ids to keep are listed (100 × 1000 balancers).
    const fresh = !this.flows.unitsOf(lr.uuid);
    const rl = routerLbs(lr, this.lbs.routerLbs(lr));
    this.lbsOf.set(lr.uuid, rl);
    reportUnsupportedRouter(lr, rl.lbs.length, this.ctx.diag);
    const nat = routerNat(lr, this.nb.view, this.ctx.diag, rl.ips);
    this.natOfRouter.set(lr.uuid, nat);
    this.flows.setCopp(lr.uuid, this.copps.ofRouter(lr.nb));
    this.flows.setUnit(
      lr.uuid,
      'core',
      collect((add, t) => {
        const bfd = this.routerBfd();
        buildRouterFlows(lr, t, nat, { ct: this.features.ct, portKey: (n) => this.portKey(lr.uuid, n) }, bfd);
        buildRouterBfdFlows(lr, bfd.ports, add);
        buildRouterNatFlows(lr, nat, this.features.ct, add);
        buildRouterPolicyFlows(lr, routerPolicies(lr, this.nb.view.Logical_Router_Policy), add);
      }),
    );
    const arp = fresh ? undefined : new Set<string>();
    const routable = fresh ? undefined : new Set<string>();
    for (const p of lr.ports) {
      arp?.add(unitId('arp', p.name));
      this.setArpUnit(p);
      routable?.add(unitId('routable', p.name));
      this.setRoutableUnit(p);
    }
    if (arp) this.dropUnits(lr.uuid, 'arp:', arp);
    if (routable) this.dropUnits(lr.uuid, 'routable:', routable);
    // Neighbours on its switches route to (and resolve) its routable addresses; a switch may reach one
    // of its ports through a second switch port naming it (peerSwitches counts those too).
    if (this.routables.update(lr))
      for (const s of this.topo.peerSwitches(lr))
        for (const lsp of this.topo.switches.get(s)?.routerPorts ?? [])
          if (lsp.peer) this.routableRefresh.add(lsp.peer);
    // Address sets of reachable VIPs (named by the router's key).
    const key = this.bindings.dpKeys.get(lr.uuid);
    for (const name of this.setNames.get(lr.uuid) ?? []) {
      this.sets.delete(name);
      this.touchedSets.add(name);
    }
    const names: string[] = [];
    if (key !== undefined) {
      if (rl.reachable4.length)
        (names.push(lbAddressSetName(key, 4)), this.sets.set(lbAddressSetName(key, 4), rl.reachable4));
      if (rl.reachable6.length)
        (names.push(lbAddressSetName(key, 6)), this.sets.set(lbAddressSetName(key, 6), rl.reachable6));
    }
    for (const n of names) this.touchedSets.add(n);
    this.setNames.set(lr.uuid, names);
    const keep = fresh ? undefined : new Set<string>();
    const external = new Set(nat.entries.map((e) => e.externalIp));
    this.external.set(lr.uuid, external);
    this.flows.setUnit(
      lr.uuid,
      'lb',
      collect((add) => buildRouterLbFlows(lr, { ...rl, lbs: [] }, key, external, this.features.ct, add)),
    );
    const shape = routerLbShape(lr);
    const ids = lbUnitIds(rl.lbs);
    const units: (readonly FlowSpec[])[] = [];
    for (const p of rl.lbs) units.push(this.lbMemo.unit(lr, p, external, shape));
    if (keep) for (const id of ids) keep.add(id);
    this.flows.setUnits(lr.uuid, ids, units);
    if (keep) this.dropUnits(lr.uuid, 'lb:', keep);
  }

  /** A virtual port's binding as the SB holds it (ovn-controller writes it; onPortBinding follows it). */
  private readonly virtualParentOf: VirtualParentOf = (vport) => {
    const parent = this.sb.virtualParent(vport);
    return parent === null ? null : { parent: this.topo.lsps.get(parent) };
  };

  private dropUnits(dp: string, prefix: string, keep: ReadonlySet<string>): void {
    for (const id of this.flows.unitIds(dp, prefix)) if (!keep.has(id)) this.flows.dropUnit(dp, id);
  }

  /**
   * A router port's static resolution of its peer switch's addresses: one part per switch port, kept
   * per switch port row (with the router port it was built for) for non-router ports, so a port added
   * to the switch builds one part.
   */
  private setArpUnit(p: RouterPort): void {
    const sw = p.peer?.dp;
    const specs: FlowSpec[] = [];
    const seen = new Set<string>();
    for (const lsp of sw && p.peer ? sw.ports : []) {
      // One cached part per switch-port row: a port almost always has one router port resolving it.
      // A virtual port's part follows its SB binding: built every time.
      const cached = lsp.type === 'router' || lsp.type === 'virtual' ? undefined : this.arpParts.get(lsp.nb);
      let part = cached?.rp === p ? cached.flows : undefined;
      if (!part) {
        part = collect((add) => buildArpResolveFor(p, lsp, arpResolveAdd(add), this.virtualParentOf));
        if (lsp.type !== 'router' && lsp.type !== 'virtual') this.arpParts.set(lsp.nb, { rp: p, flows: part });
      }
      for (const f of part)
        if (!seen.has(f.key)) {
          seen.add(f.key);
          specs.push(f);
        }
    }
    this.flows.setUnit(p.dp.uuid, unitId('arp', p.name), specs);
  }

  /** Router port `p`'s routes to, and resolution of, the routable addresses of its switch's other routers. */
  private setRoutableUnit(p: RouterPort): void {
    const specs = collect((add) => buildRoutableFlows(p, (o) => this.routables.of(o), add, this.routerBfd().ports));
    // Almost every port has none: the shared empty unit costs nothing to set again.
    this.flows.setUnit(p.dp.uuid, unitId('routable', p.name), specs.length ? specs : NO_FLOWS);
  }

  /** The balancer units of routers not computed again; each unit is placed on all its routers at once. */
  private updateLbUnits(): void {
    const placed = new Map<string, Map<readonly FlowSpec[], string[]>>(); // balancer → unit → routers
    /** Each changed balancer's row, parsed once for all the routers applying it (undefined: deleted). */
    const parsed = new Map<string, ParsedLb | undefined>();
    const parse = (lb: string): ParsedLb | undefined => {
      if (parsed.has(lb)) return parsed.get(lb);
      const row = this.nb.view.Load_Balancer.get(lb as ParsedLb['nb']['_uuid']);
      const p = row && this.lbs.parsed(row);
      parsed.set(lb, p);
      return p;
    };
    for (const [uuid, lbs] of this.pendingLbUnits) {
      const lr = this.topo.routers.get(uuid);
      const ext = this.external.get(uuid);
      if (this.pending.has(uuid) || !lr || !ext) continue; // computed again, or no load balancing
      // The router's parsed list keeps the old rows: only VIP addresses are read from it, and those did
      // not change (a VIP change reshapes the router, which is computed again).
      const shape = routerLbShape(lr);
      for (const lb of lbs) {
        const p = parse(lb);
        if (!p) continue;
        const unit = this.lbMemo.unit(lr, p, ext, shape);
        const byUnit = placed.get(lb) ?? placed.set(lb, new Map()).get(lb)!;
        const dps = byUnit.get(unit);
        if (dps) dps.push(uuid);
        else byUnit.set(unit, [uuid]);
      }
    }
    for (const [lb, byUnit] of placed)
      for (const [unit, dps] of byUnit) this.flows.setUnitOn(dps, unitId('lb', lb), unit);
  }
}
