// Node `switches`: per bound switch its flow units in its own FlowSet: the core pipeline (with DHCP, DNS,
// external and virtual ports' flows and the answers for its routers' NAT addresses), one unit per port, the ACL stages' aggregate and one unit
// per ACL, the balancing aggregate and one unit per load balancer. Units are memoized and shared between
// switches with the same inputs (one VIP's flows are built once for the 300 switches applying it; a
// non-router port's flows are kept per NB row). Also which switches apply each load balancer.
import type { ACL, LoadBalancer, LogicalSwitchPort } from '@ovnts/schema/nb';
import { aclOptions, DEFAULT_ACL_OPTIONS, sameAclOptions, type AclOptions } from '../../stateful/switch-config.js';
import type { ChassisFeaturesNode } from './chassis-features.js';
import { buildSwitchCoreFlows, buildSwitchPortFlows, onlyRouterPortsOf } from '../../switch-flows.js';
import { hasLocalnet } from '../../stateful/gateway-bindings.js';
import { buildDhcpFlows } from '../../stateful/dhcp.js';
import { buildDnsFlows } from '../../stateful/dns.js';
import { buildExternalPortFlows } from '../../external-ports.js';
import { buildVirtualPortBindFlows } from '../../virtual-ports.js';
import type { ResolvedPortGroup } from '../../stateful/port-groups.js';
import { buildRouterNatArpFlows } from '../../stateful/switch-router-arp.js';
import { switchStateful, withLbs, type SwitchStateful } from '../../stateful/switch-config.js';
import { reportUnsupportedAcl } from '../../stateful/unsupported.js';
import type { SwitchDatapath, SwitchPort } from '../../topology.js';
import { collect, FlowSet, type FlowSpec } from '../flow-set.js';
import { AclUnitMemo, flagsSig, LbUnitMemo } from './switch-unit-memos.js';
import type { NodeData } from '../inc-engine.js';
import type { BindingsNode } from './bindings.js';
import type { EngineContext, NbInputs } from './inputs.js';
import type { LoadBalancersNode } from './load-balancers.js';
import type { MetersNode } from './meters.js';
import type { PortGroupsNode } from './port-groups.js';
import type { RoutersNode } from './routers.js';
import type { TopologyNode } from './topology.js';
import { addTo, delFrom, sameRows, unitId } from './util.js';
import { DatapathCopps } from './copp.js';

const sameList = (a: readonly string[], b: readonly string[]) =>
  a === b || (a.length === b.length && a.every((x, i) => x === b[i]));

/**
 * What a switch's core unit was built from, but for its plain ports (see coreReadsPort): a port added to or
 * removed from a switch of 100 leaves it as it was, and building it again (DHCP, DNS, the port loops)
 * was most of that switch's work.
 */
interface CoreInputs {
  readonly nb: SwitchDatapath['nb'];
  readonly flags: string;
  readonly ct: SwitchStateful['ct'];
  readonly natMacs: SwitchStateful['routerNatMacs'];
  readonly onlyRouterPorts: boolean;
  /** Per port the core unit reads: its row, its peer router port and that router's row. */
  readonly ports: readonly unknown[];
}

/**
 * Whether the core unit reads port `p` (the builders of compute()'s core unit): a VIF with no options, no
 * DHCP options and no unknown address adds nothing to it, and only counts towards onlyRouterPortsOf.
 */
const coreReadsPort = (p: SwitchPort): boolean =>
  p.type !== '' ||
  p.hasUnknown ||
  p.nb.dhcpv4_options !== null ||
  p.nb.dhcpv6_options !== null ||
  Object.keys(p.nb.options).length > 0;

function coreInputs(sw: SwitchDatapath, st: SwitchStateful): CoreInputs {
  const ports: unknown[] = [];
  for (const p of sw.ports) {
    if (!coreReadsPort(p)) continue;
    ports.push(p.nb, p.enabled, p.peer, p.peer?.dp, p.peer?.dp.nb, p.peer?.enabled);
    // A virtual port's flows name those of its parents that are on the switch, plain ports included.
    if (p.type === 'virtual') ports.push({});
  }
  return {
    nb: sw.nb,
    flags: flagsSig(st),
    ct: st.ct,
    natMacs: st.routerNatMacs,
    onlyRouterPorts: onlyRouterPortsOf(sw),
    ports,
  };
}

/** The switch row's columns other than `ports` are the same values (the replica keeps unchanged ones). */
function sameButPorts(a: SwitchDatapath['nb'], b: SwitchDatapath['nb']): boolean {
  if (a === b) return true;
  for (const k of Object.keys(b) as (keyof typeof b)[])
    if (k !== 'ports' && k !== '_version' && a[k] !== b[k]) return false;
  return true;
}

function sameCore(a: CoreInputs, b: CoreInputs): boolean {
  return (
    sameButPorts(a.nb, b.nb) &&
    a.flags === b.flags &&
    a.ct === b.ct &&
    a.natMacs === b.natMacs &&
    a.onlyRouterPorts === b.onlyRouterPorts &&
    a.ports.length === b.ports.length &&
    a.ports.every((x, i) => x === b.ports[i])
  );
}

export class SwitchesNode implements NodeData {
  flows = new FlowSet();
  private readonly state = new Map<string, SwitchStateful>();
  /** Per switch: its own acls column when its state was last computed (stateOf). */
  private readonly aclCols = new Map<string, readonly string[]>();
  /** Per switch: each port's NB row → its unit id (unchanged rows are skipped; units of rows gone are dropped). */
  private readonly portUnits = new Map<string, Map<LogicalSwitchPort, string>>();
  /** Per switch: what its core unit was last built from. */
  private readonly coreOf = new Map<string, CoreInputs>();
  /** Load balancer → bound switches applying it (its SB row's datapaths). */
  readonly lbSwitches = new Map<string, Set<string>>();
  /** ACL rows already checked for unsupported columns (by row: UUIDs of deleted ACLs would pile up). */
  private reportedAcls = new WeakSet<ACL>();
  // Memoized units, shared between switches.
  private lspUnits = new WeakMap<LogicalSwitchPort, readonly FlowSpec[]>();
  /** Router-type ports' units, with what they were built from (routerPortUnit). */
  private routerPortUnits = new WeakMap<LogicalSwitchPort, { inputs: readonly unknown[]; unit: readonly FlowSpec[] }>();
  /** Whether the memoized port units were built with ports' `up` deciding (topology.lspUp). */
  private memoLspUp = false;
  private readonly aclMemo = new AclUnitMemo();
  private readonly lbMemo = new LbUnitMemo();
  /** During a recompute: per balancer list (SwitchStateful.lbs), its unit ids and units (lbListUnits). */
  private recomputing = false;
  private readonly lbLists = new Map<readonly LoadBalancer[], { ids: string[]; units: (readonly FlowSpec[])[] }>();
  /** NB_Global's ACL options (a change recomputes the switches). */
  private aclOpts: AclOptions = DEFAULT_ACL_OPTIONS;

  private readonly full = new Set<string>();
  private readonly aclSw = new Set<string>();
  private readonly lbAll = new Set<string>();
  private readonly lbRowUnits = new Map<string, ReadonlySet<string>>();
  /** Switches whose core unit reads something else that changed (peer routers' NAT, DHCP, DNS rows). */
  private readonly coreDirty = new Set<string>();
  private readonly copps: DatapathCopps;

  // Tracked output.
  recomputed = false;
  /** Load balancers whose set of switches changed. */
  readonly lbMembership = new Set<string>();
  private unitsChanged = false;

  constructor(
    private readonly ctx: EngineContext,
    private readonly nb: NbInputs,
    private readonly topo: TopologyNode,
    private readonly bindings: BindingsNode,
    private readonly pgs: PortGroupsNode,
    private readonly lbs: LoadBalancersNode,
    private readonly routers: RoutersNode,
    private readonly features: ChassisFeaturesNode,
    private readonly meters: MetersNode,
  ) {
    this.copps = new DatapathCopps(nb);
  }

  clearTracked(): void {
    this.recomputed = this.unitsChanged = false;
    for (const s of [this.full, this.aclSw, this.lbAll, this.lbMembership, this.coreDirty]) s.clear();
    this.lbRowUnits.clear();
  }

  updated(): boolean {
    return this.recomputed || this.unitsChanged || this.lbMembership.size > 0;
  }

  clear(): void {
    for (const m of [this.state, this.aclCols, this.portUnits, this.lbSwitches, this.coreOf]) m.clear();
    this.reportedAcls = new WeakSet();
    this.flows = new FlowSet();
  }

  recompute(): void {
    this.clear();
    this.copps.reset();
    this.recomputed = true;
    this.lbMemo.useCt(this.features.ct);
    if (this.topo.lspUp !== this.memoLspUp) {
      this.memoLspUp = this.topo.lspUp;
      this.lspUnits = new WeakMap();
    }
    this.aclOpts = this.globalAclOptions();
    this.aclMemo.sizeAggregates(this.topo.switches.size);
    this.recomputing = true;
    try {
      this.flows.rebuild(() => {
        for (const sw of this.topo.switches.values())
          if (this.bindings.dpKeys.has(sw.uuid)) {
            this.compute(sw);
            this.ctx.onStep?.({ kind: 'computed', dp: sw.uuid });
          }
      });
    } finally {
      this.recomputing = false;
      this.lbLists.clear();
    }
  }

  // ---- handlers ----

  /** NB_Global: only its ACL options matter here, and a change of them reshapes every switch's ACL stages. */
  onGlobal(): boolean {
    return sameAclOptions(this.globalAclOptions(), this.aclOpts);
  }

  private globalAclOptions(): AclOptions {
    return aclOptions([...this.nb.view.NB_Global.values()][0]?.options ?? {}, this.meters.fair);
  }

  /** Meters: which of them are fair (see onGlobal), and their names (the switches' Copp meters). */
  onMeters(): boolean {
    this.copps.onMeters();
    return !this.meters.fairChanged && sameAclOptions(this.globalAclOptions(), this.aclOpts);
  }

  /** A Copp row changed: the meters of the switches naming it. */
  onCopp(): boolean {
    this.copps.onCopp();
    return true;
  }

  onTopology(): boolean {
    const t = this.topo;
    if (t.recomputed) return false;
    this.aclMemo.sizeAggregates(t.switches.size);
    for (const s of t.rebuiltSw) this.full.add(s);
    for (const s of t.switchesChanged) this.full.add(s);
    return true;
  }

  /** Port bindings are not read here; datapath keys move only in a recompute. */
  onBindings(): boolean {
    return !this.bindings.recomputed;
  }

  onPortGroups(): boolean {
    if (this.pgs.recomputed) return false;
    for (const s of this.pgs.aclSwitches) this.aclSw.add(s);
    return true;
  }

  onLoadBalancers(): boolean {
    const l = this.lbs;
    if (l.recomputed) return false;
    for (const dp of l.lbAll) this.lbAll.add(dp);
    for (const [dp, lbs] of l.lbUnits) this.lbRowUnits.set(dp, lbs);
    return true;
  }

  /** Peer routers whose NAT or balancer addresses changed. */
  onRouters(): boolean {
    if (this.routers.recomputed) return false;
    for (const s of this.routers.peerSwitches) (this.full.add(s), this.coreDirty.add(s));
    return true;
  }

  /** An ACL row: its unit on the switches naming it or one of its port groups. */
  onAcl(): boolean {
    for (const c of this.nb.tables.ACL.changes) {
      for (const s of this.topo.index.aclSwitches.get(c.uuid) ?? []) this.aclSw.add(s);
      for (const pg of this.pgs.aclPgs.get(c.uuid) ?? [])
        for (const s of this.pgs.pgs.get(pg)?.bySwitch.keys() ?? []) this.aclSw.add(s);
    }
    return true;
  }

  onDhcpOptions(): boolean {
    for (const c of this.nb.tables.DHCP_Options.changes)
      for (const p of this.topo.lsps.values())
        if (p.nb.dhcpv4_options === c.uuid || p.nb.dhcpv6_options === c.uuid)
          (this.full.add(p.dp.uuid), this.coreDirty.add(p.dp.uuid));
    return true;
  }

  /** A DNS row's records: the core unit (DNS flows) of the switches naming it. */
  onDns(): boolean {
    for (const c of this.nb.tables.DNS.changes)
      for (const sw of this.topo.switches.values())
        if (sw.nb.dns_records.includes(c.uuid)) (this.full.add(sw.uuid), this.coreDirty.add(sw.uuid));
    return true;
  }

  settle(): boolean {
    const bound = (uuid: string) => (this.bindings.dpKeys.has(uuid) ? this.topo.switches.get(uuid) : undefined);
    if (this.copps.dirty) {
      this.copps.dirty = false;
      for (const sw of this.topo.switches.values())
        if (this.bindings.dpKeys.has(sw.uuid)) {
          this.flows.setCopp(sw.uuid, this.copps.ofSwitch(sw.nb));
          this.unitsChanged = true;
        }
    }
    const full = new Set<string>();
    for (const uuid of this.full) {
      const sw = bound(uuid);
      if (!sw) continue;
      this.compute(sw);
      full.add(uuid);
    }
    for (const uuid of new Set([...this.aclSw, ...this.lbAll])) {
      const sw = full.has(uuid) ? undefined : bound(uuid);
      if (!sw) continue;
      const prev = this.state.get(uuid);
      const st = this.stateOf(sw, prev);
      this.unitsChanged = true;
      if (!prev || flagsSig(prev) !== flagsSig(st)) {
        this.compute(sw);
        full.add(uuid);
        continue;
      }
      this.state.set(uuid, st);
      if (this.aclSw.has(uuid)) this.updateAclUnits(sw, st, prev);
      if (this.lbAll.has(uuid)) this.setLbUnits(sw, st, prev, false);
    }
    /** Balancer → the switches taking its new unit: placed on all of them at once. */
    const lbDps = new Map<string, Set<string>>();
    for (const [dp, lbs] of this.lbRowUnits) {
      const sw = this.lbAll.has(dp) ? undefined : bound(dp);
      if (!sw) continue;
      this.unitsChanged = true;
      // compute() keeps the units of balancers whose rows did not change (a health check's verdict did).
      const applied = full.has(dp) ? new Set<string>(this.state.get(dp)?.lbs.map((l) => l._uuid)) : undefined;
      for (const lb of lbs) if (!applied || applied.has(lb)) addTo(lbDps, lb, dp);
      if (applied) continue;
      // The switch's remembered balancers now hold the new rows too; else its next port change would
      // see "balancers changed" and revisit all 5000 of them.
      const st = this.state.get(dp);
      if (st) this.state.set(dp, withLbs(st, this.lbs.switchLbs(sw).lbs));
    }
    for (const [lb, dps] of lbDps) {
      const row = this.nb.view.Load_Balancer.get(lb as LoadBalancer['_uuid']);
      if (row) this.flows.setUnitOn(dps, unitId('lb', lb), this.lbMemo.unit(this.lbs.parsed(row)));
    }
    if (full.size) this.unitsChanged = true;
    return true;
  }

  // ---- computing one switch ----

  /**
   * The switch's stateful config. Its ACL rows are those of `prev` unless an ACL, its groups or their
   * members on it changed (aclSw) or its own acls column did: a port added to a switch with hundreds of
   * policy ACLs does not gather them again.
   */
  private stateOf(sw: SwitchDatapath, prev: SwitchStateful | undefined): SwitchStateful {
    const own = this.aclCols.get(sw.uuid);
    const keep = prev && !this.aclSw.has(sw.uuid) && own !== undefined && sameList(own, sw.nb.acls);
    const pgs: ResolvedPortGroup[] = [];
    if (!keep)
      for (const u of this.pgs.pgsOfSwitch.get(sw.uuid) ?? []) {
        const pg = this.pgs.pgs.get(u);
        if (pg) pgs.push(pg);
      }
    this.aclCols.set(sw.uuid, sw.nb.acls);
    return switchStateful(sw, {
      acls: keep ? prev.acls : undefined,
      nb: this.nb.view,
      portGroups: pgs,
      routerNatMacs: this.topo.natMacs,
      switchLbs: (s) => this.lbs.switchLbs(s),
      ct: this.lbMemo.ct,
      acl: this.aclOpts,
    });
  }

  private compute(sw: SwitchDatapath): void {
    // No units yet (a full recompute): none to drop, so no ids to keep are listed (100 × 1000 balancers).
    const fresh = !this.flows.unitsOf(sw.uuid);
    const prev = this.state.get(sw.uuid);
    const st = this.stateOf(sw, prev);
    this.state.set(sw.uuid, st);
    this.flows.setCopp(sw.uuid, this.copps.ofSwitch(sw.nb));
    this.setCoreUnit(sw, st);
    this.setPortUnits(sw, st);
    // A port change leaves the switch's ACLs and load balancers as they were: skip their units.
    const sameFlags = !!prev && flagsSig(prev) === flagsSig(st);
    if (
      !sameFlags ||
      !sameRows(prev.acls, st.acls) ||
      this.aclMemo.aggregate(sw, st) !== this.flows.unitsOf(sw.uuid)?.get('acl')
    )
      this.setAclUnits(sw, st, fresh);
    if (!sameFlags || !sameRows(prev.lbs, st.lbs)) this.setLbUnits(sw, st, prev, fresh);
  }

  /** The core pipeline, built again unless only plain ports came, went or changed (coreReadsPort). */
  private setCoreUnit(sw: SwitchDatapath, st: SwitchStateful): void {
    const inputs = coreInputs(sw, st);
    const before = this.coreOf.get(sw.uuid);
    this.coreOf.set(sw.uuid, inputs);
    if (before && !this.coreDirty.has(sw.uuid) && this.flows.unitsOf(sw.uuid)?.has('core') && sameCore(before, inputs))
      return;
    const nb = this.nb.view;
    this.flows.setUnit(
      sw.uuid,
      'core',
      collect((add, t) => {
        buildSwitchCoreFlows(sw, t, st);
        buildDhcpFlows(sw, nb, st.hasStatefulAcl || st.hasLbVip, add);
        buildDnsFlows(sw, nb, st.hasStatefulAcl || st.hasLbVip, add);
        buildExternalPortFlows(sw, add);
        buildVirtualPortBindFlows(sw, add);
        buildRouterNatArpFlows(
          sw,
          (u) => this.routers.natOf(u),
          (u) => this.routers.lbsOfRouter(u),
          add,
        );
      }),
    );
  }

  /**
   * One unit per port: a port added to a switch of 100 builds its own few flows, not the switch's.
   * A non-router port's flows are kept per NB row (they depend on nothing else); router ports, whose
   * flows name their peers, are built again.
   */
  private setPortUnits(sw: SwitchDatapath, st: SwitchStateful): void {
    const onlyRouterPorts = onlyRouterPortsOf(sw);
    const localnet = hasLocalnet(sw);
    const prev = this.portUnits.get(sw.uuid);
    const now = new Map<LogicalSwitchPort, string>();
    let changed = !prev || prev.size !== sw.ports.length;
    for (const p of sw.ports) {
      // The same non-router row as last time: its unit is in place (one lookup, no flow-set work).
      const before = p.type === 'router' ? undefined : prev?.get(p.nb);
      if (before !== undefined) {
        now.set(p.nb, before);
        continue;
      }
      changed = true;
      const id = unitId('lsp', p.name);
      now.set(p.nb, id);
      let u = p.type === 'router' ? this.routerPortUnit(p, onlyRouterPorts, st, localnet) : this.lspUnits.get(p.nb);
      if (!u) {
        u = collect((add) => buildSwitchPortFlows(p, onlyRouterPorts, add, st, this.memoLspUp));
        if (p.type !== 'router') this.lspUnits.set(p.nb, u);
      }
      this.flows.setUnit(sw.uuid, id, u);
    }
    if (prev && changed) {
      const ids = new Set(now.values());
      for (const [row, id] of prev) if (!now.has(row) && !ids.has(id)) this.flows.dropUnit(sw.uuid, id);
    }
    this.portUnits.set(sw.uuid, now);
  }

  /**
   * A router-type port's unit: its flows name its peer router port (addresses, MAC, the router's
   * distributed NAT MACs and gateway ports) and depend on its switch's shape; kept while those are the
   * same objects (a rebuilt router has new ports, a refreshed one a new row), so a port added next to
   * it does not build it again.
   */
  private routerPortUnit(
    p: SwitchPort,
    onlyRouterPorts: boolean,
    st: SwitchStateful,
    localnet: boolean,
  ): readonly FlowSpec[] {
    const rp = p.peer;
    const inputs = [
      p.dp,
      rp,
      rp?.dp,
      rp?.dp.nb,
      rp?.dp.ports,
      rp?.dp.ports.length,
      onlyRouterPorts,
      st.routerNatMacs,
      localnet,
    ];
    const m = this.routerPortUnits.get(p.nb);
    if (m && m.inputs.length === inputs.length && m.inputs.every((x, i) => x === inputs[i])) return m.unit;
    const unit = collect((add) => buildSwitchPortFlows(p, onlyRouterPorts, add, st, this.memoLspUp));
    this.routerPortUnits.set(p.nb, { inputs, unit });
    return unit;
  }

  private setAclUnits(sw: SwitchDatapath, st: SwitchStateful, fresh: boolean): void {
    this.flows.setUnit(sw.uuid, 'acl', this.aclMemo.aggregate(sw, st));
    const keep = fresh ? undefined : new Set<string>();
    for (const a of st.acls) {
      if (!this.reportedAcls.has(a)) {
        this.reportedAcls.add(a);
        reportUnsupportedAcl(a, this.ctx.diag);
      }
      const id = unitId('acl', a._uuid);
      keep?.add(id);
      this.flows.setUnit(sw.uuid, id, this.aclMemo.unit(a, st));
    }
    if (keep) this.dropUnits(sw.uuid, 'acl:', keep);
  }

  /**
   * The ACL units of a switch whose flags did not change: only the rows that came, went or changed (a
   * rule added to a policy's port group touches its ~10 switches, each with hundreds of other ACLs whose
   * memoized units stay as they are).
   */
  private updateAclUnits(sw: SwitchDatapath, st: SwitchStateful, prev: SwitchStateful): void {
    this.flows.setUnit(sw.uuid, 'acl', this.aclMemo.aggregate(sw, st));
    const before = new Set<ACL>(prev.acls);
    const now = new Set<string>();
    for (const a of st.acls) {
      now.add(a._uuid);
      if (before.has(a)) continue;
      if (!this.reportedAcls.has(a)) {
        this.reportedAcls.add(a);
        reportUnsupportedAcl(a, this.ctx.diag);
      }
      this.flows.setUnit(sw.uuid, unitId('acl', a._uuid), this.aclMemo.unit(a, st));
    }
    for (const a of prev.acls) if (!now.has(a._uuid)) this.flows.dropUnit(sw.uuid, unitId('acl', a._uuid));
  }

  /** `fresh`: the switch has no units yet (see compute). */
  private setLbUnits(sw: SwitchDatapath, st: SwitchStateful, prev: SwitchStateful | undefined, fresh: boolean): void {
    this.flows.setUnit(sw.uuid, 'lb', this.lbMemo.aggregate(st.hasLbVip));
    // Without earlier balancers or units there is nothing to compare with or drop.
    const keep = prev || !fresh ? new Set<string>() : undefined;
    if (keep) for (const lb of st.lbs) keep.add(unitId('lb', lb._uuid));
    // The SB Load_Balancer rows name their switches: only membership changes touch them.
    for (const lb of prev?.lbs ?? []) {
      if (keep?.has(unitId('lb', lb._uuid))) continue;
      delFrom(this.lbSwitches, lb._uuid, sw.uuid);
      this.lbMembership.add(lb._uuid);
    }
    if (!prev && fresh && this.recomputing) {
      // A full recompute: the list's ids and units are shared with the other switches applying it.
      const l = this.lbListUnits(st.lbs);
      for (const lb of st.lbs) {
        addTo(this.lbSwitches, lb._uuid, sw.uuid);
        this.lbMembership.add(lb._uuid);
      }
      this.flows.setUnits(sw.uuid, l.ids, l.units);
      return;
    }
    const had = prev && new Set<string>(prev.lbs.map((lb) => lb._uuid));
    for (const lb of st.lbs) {
      if (!had?.has(lb._uuid)) {
        addTo(this.lbSwitches, lb._uuid, sw.uuid);
        this.lbMembership.add(lb._uuid);
      }
      this.flows.setUnit(sw.uuid, unitId('lb', lb._uuid), this.lbMemo.unit(this.lbs.parsed(lb)));
    }
    if (keep) this.dropUnits(sw.uuid, 'lb:', keep);
  }

  /** A balancer list's unit ids and units, once per list (lists are shared by switches with the same balancers) in a recompute. */
  private lbListUnits(lbs: readonly LoadBalancer[]): { ids: string[]; units: (readonly FlowSpec[])[] } {
    let l = this.lbLists.get(lbs);
    if (!l) {
      l = { ids: [], units: [] };
      for (const lb of lbs) {
        l.ids.push(unitId('lb', lb._uuid));
        l.units.push(this.lbMemo.unit(this.lbs.parsed(lb)));
      }
      this.lbLists.set(lbs, l);
    }
    return l;
  }

  private dropUnits(dp: string, prefix: string, keep: ReadonlySet<string>): void {
    for (const id of this.flows.unitIds(dp, prefix)) if (!keep.has(id)) this.flows.dropUnit(dp, id);
  }
}
