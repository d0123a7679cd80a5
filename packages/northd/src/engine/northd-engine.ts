// The incremental northd: the same output as compile(), kept up to date from tracked NB changes.
// Change handlers map each changed NB row to what it can affect (a datapath's topology, its core
// flows, one ACL or load balancer unit on the datapaths it applies to, a port group's SB rows, …);
// only that is recomputed, and what differs from before is reported as touched identities for the
// SB writer. Anything a handler does not understand (datapaths added or deleted, duplicate names,
// NB_Global, encapsulation changes) falls back to a full recompute through the very same code.
import type { ACL, LoadBalancer, LogicalSwitchPort } from '@ovnts/schema/nb';
import { buildBindings, vxlanMode, type MulticastGroupOut, type PortBindingOut } from '../bindings.js';
import type { CompiledSb } from '../compile.js';
import { sbGlobalOptions } from '../global-options.js';
import { Diagnostics, type Diagnostic } from '../diagnostics.js';
import type { NbInput, SbKeyInput } from '../input.js';
import { arpResolveAdd, buildArpResolveFor, buildRouterFlows } from '../router-flows.js';
import { buildSwitchCoreFlows, buildSwitchPortFlows, onlyRouterPortsOf } from '../switch-flows.js';
import {
  buildRoute,
  buildRouterPort,
  buildSwitchPort,
  buildTopology,
  type Datapath,
  type RouterDatapath,
  type RouterPort,
  type SwitchDatapath,
  type SwitchPort,
  type Topology,
} from '../topology.js';
import { buildAclFlows } from '../stateful/acl.js';
import { buildDhcpFlows } from '../stateful/dhcp.js';
import { DHCPV4_OPTION_CODES, DHCPV6_OPTION_CODES } from '../stateful/dhcp-codes.js';
import { distributedNatMacs, routersWithDistributedNat } from '../stateful/gateway-bindings.js';
import { parseLb, type ParsedLb } from '../stateful/lb-vip.js';
import {
  resolvePortGroups,
  sbAddressSets,
  sbPortGroups,
  type ResolvedPortGroup,
  type SbPortGroupOut,
} from '../stateful/port-groups.js';
import { buildRouterLbFlows, lbAddressSetName, routerLbs, type RouterLbs } from '../stateful/router-lb.js';
import { buildRouterNatFlows, routerNat, type RouterNat } from '../stateful/router-nat.js';
import { sbLoadBalancer, type SbLoadBalancerOut } from '../stateful/sb-load-balancers.js';
import { buildSwitchLbFlows } from '../stateful/switch-lb.js';
import { buildRouterNatArpFlows } from '../stateful/switch-router-arp.js';
import { switchLbs, switchStateful, withLbs, type SwitchLbs, type SwitchStateful } from '../stateful/switch-config.js';
import {
  hasDistributedGatewayPort,
  reportUnsupportedAcl,
  reportUnsupportedLb,
  reportUnsupportedRouter,
} from '../stateful/unsupported.js';
import { affectsCompile } from '../change-filter.js';
import { collect, FlowSet, type FlowSpec } from './flow-set.js';
import { IncEngine } from './inc-engine.js';

/** A tracked row change, as the replica's takeChanges() reports it. */
export interface EngineChange {
  readonly kind: 'insert' | 'modify' | 'delete';
  readonly table: string;
  readonly uuid: string;
  readonly old: unknown;
  readonly new: unknown;
}

/** The tunnel key an existing SB Port_Binding has, and the NB datapath it is on. */
export type SbPortLookup = (
  logicalPort: string,
) => { readonly datapath: string; readonly tunnelKey: number } | undefined;

/** Identities whose SB rows may differ from what was last written. */
export interface Touched {
  readonly flows: Set<string>;
  readonly ports: Set<string>;
  /** Datapaths whose Multicast_Group rows to revisit. */
  readonly mcDatapaths: Set<string>;
  readonly portGroups: Set<string>;
  readonly addressSets: Set<string>;
  /** NB Load_Balancer UUIDs. */
  readonly loadBalancers: Set<string>;
}

/** Where a streamed full recompute stands (see recomputeStream). */
export type RecomputeStep = { readonly kind: 'datapaths' } | { readonly kind: 'computed'; readonly dp: string };

export interface RoundResult {
  /** The whole output was recomputed (the SB writer must diff everything). */
  readonly full: boolean;
  readonly reason: string;
  readonly touched: Touched;
}

type Row = Record<string, unknown>;
type MutableSwitch = SwitchDatapath & { ports: SwitchPort[]; routerPorts: SwitchPort[] };
type Writable<T> = { -readonly [K in keyof T]: T[K] };
type MutableRouter = RouterDatapath & { ports: RouterPort[]; routes: RouterDatapath['routes'] };

const EMPTY_SWITCH = {
  kind: 'switch',
  uuid: '',
  name: '',
  nb: { ports: [], acls: [], other_config: {} },
  ports: [],
  routerPorts: [],
} as unknown as SwitchDatapath;
const NO_LBS: RouterLbs = { lbs: [], ips: new Set(), reachable4: [], reachable6: [] };

function emptyTouched(): Touched {
  return {
    flows: new Set(),
    ports: new Set(),
    mcDatapaths: new Set(),
    portGroups: new Set(),
    addressSets: new Set(),
    loadBalancers: new Set(),
  };
}

const flagsSig = (st: SwitchStateful) => `${+st.hasAcls}${+st.hasStatefulAcl}${+st.hasLbVip}`;

/** Set-valued index helpers. */
function addTo<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(v);
}
function delFrom<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  const s = m.get(k);
  if (!s) return;
  s.delete(v);
  if (!s.size) m.delete(k);
}
function changedColumns(o: Row, n: Row): string[] {
  const out: string[] = [];
  for (const k of Object.keys(n)) {
    if (k === '_version') continue;
    const a = o[k];
    const b = n[k];
    if (a === b) continue;
    if (typeof a !== 'object' || typeof b !== 'object' || JSON.stringify(a) !== JSON.stringify(b)) out.push(k);
  }
  return out;
}
const sameKeys = (a: Record<string, unknown>, b: Record<string, unknown>) => {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => k in b);
};

/** Marks collected from one round's changes. */
class Dirty {
  full = '';
  readonly rebuildSw = new Set<string>();
  readonly rebuildLr = new Set<string>();
  readonly routesLr = new Set<string>();
  readonly recomputeLr = new Set<string>();
  readonly recomputeSw = new Set<string>();
  /** Switches whose ACL set (or ACL rows) changed. */
  readonly aclSw = new Set<string>();
  /** Datapaths whose whole load balancer set changed. */
  readonly lbAll = new Set<string>();
  /** Datapath → load balancers whose rows changed (their units only). */
  readonly lbUnits = new Map<string, Set<string>>();
  readonly pgs = new Set<string>();
  readonly addressSets = new Set<string>();
  readonly lbRows = new Set<string>();
  natGlobal = false;
  fullRecompute(reason: string): void {
    if (!this.full) this.full = reason;
  }
  get any(): boolean {
    return (
      !!this.full ||
      this.rebuildSw.size +
        this.rebuildLr.size +
        this.routesLr.size +
        this.recomputeLr.size +
        this.recomputeSw.size +
        this.aclSw.size +
        this.lbAll.size +
        this.lbUnits.size +
        this.pgs.size +
        this.addressSets.size +
        this.lbRows.size >
        0 ||
      this.natGlobal
    );
  }
}

export class NorthdEngine {
  private nb!: NbInput;
  private sbPort: SbPortLookup = () => undefined;
  private diag = new Diagnostics();
  private readonly engine = new IncEngine();
  private dirty = new Dirty();
  private touched = emptyTouched();
  private initialized = false;

  // Topology.
  private readonly switches = new Map<string, MutableSwitch>();
  private readonly routers = new Map<string, MutableRouter>();
  private readonly lsps = new Map<string, SwitchPort>();
  private readonly lrps = new Map<string, RouterPort>();
  private readonly dupNames = new Set<string>();
  private readonly lspSwitch = new Map<string, string>();
  private readonly lrpRouter = new Map<string, string>();
  private readonly routeRouter = new Map<string, Set<string>>();
  private readonly natRouter = new Map<string, Set<string>>();
  /** Router port name → switches whose router-type ports name it. */
  private readonly rpClaims = new Map<string, Set<string>>();

  // Bindings.
  private vxlan = false;
  private dpKeys = new Map<string, number>();
  private readonly bindings = new Map<
    string,
    { ports: readonly PortBindingOut[]; mcs: readonly MulticastGroupOut[] }
  >();
  private natMacs = new Map<string, string[]>();
  private distNat = new Set<string>();

  // Stateful inputs and indexes.
  private readonly pgs = new Map<string, ResolvedPortGroup>();
  private readonly pgsOfSwitch = new Map<string, Set<string>>();
  private readonly lspPgs = new Map<string, Set<string>>();
  private readonly aclPgs = new Map<string, Set<string>>();
  private readonly aclSwitches = new Map<string, Set<string>>();
  private readonly groupDps = new Map<string, Set<string>>();
  private readonly lbDirect = new Map<string, Set<string>>();
  private readonly lbGroups = new Map<string, Set<string>>();
  private readonly switchSt = new Map<string, SwitchStateful>();
  private readonly routerLb = new Map<string, RouterLbs>();
  private readonly routerNatOf = new Map<string, RouterNat>();
  /** Load balancer → bound switches applying it (its SB row's datapaths). */
  private readonly lbSwitches = new Map<string, Set<string>>();
  private readonly reportedAcls = new Set<string>();

  // Memoized flow units, shared between datapaths.
  private readonly parsedLbs = new WeakMap<LoadBalancer, ParsedLb>();
  /**
   * Load balancer lists by a datapath's balancers and groups (lbConfigSig), shared by the 300 switches
   * or routers that apply one service group; kept until a balancer or group changes (noteLbChanges).
   */
  private readonly rtrLbLists = new Map<string, readonly ParsedLb[]>();
  private readonly swLbLists = new Map<string, SwitchLbs>();
  private readonly aclUnits = new WeakMap<ACL, Map<string, readonly FlowSpec[]>>();
  /**
   * Per switch port UUID, the row object the engine built it from. A newer row that differs only in
   * columns that never affect flows (`up`, which northd itself writes for every port after a cold start)
   * stands for the same port, so the per-row memos below keep hitting.
   */
  private readonly lspSeen = new Map<string, LogicalSwitchPort>();
  /** Static ARP/ND resolution parts: switch port row → the router port it was built for and its flows. */
  private readonly arpParts = new WeakMap<LogicalSwitchPort, { rp: RouterPort; flows: readonly FlowSpec[] }>();
  /** A non-router switch port's own flows, by its NB row. */
  private readonly lspUnits = new WeakMap<LogicalSwitchPort, readonly FlowSpec[]>();
  /** Per switch: each port's NB row → its unit id (unchanged rows are skipped; units of rows gone are dropped). */
  private readonly portUnits = new Map<string, Map<LogicalSwitchPort, string>>();
  private readonly aclAggKeys = new Map<string, ReadonlySet<string>>();
  private readonly swLbUnits = new WeakMap<ParsedLb, readonly FlowSpec[]>();
  private readonly rtrLbUnits = new WeakMap<ParsedLb, Map<string, readonly FlowSpec[]>>();
  private rtrLbAggKeys: ReadonlySet<string> | undefined;
  private readonly aclAggs = new Map<string, readonly FlowSpec[]>();
  private readonly swLbAggs = new Map<boolean, readonly FlowSpec[]>();
  /** Per router: its NAT external IPs and their signature (router LB units depend on them). */
  private readonly routerExternal = new Map<string, { ips: ReadonlySet<string>; sig: string }>();

  private flows = new FlowSet();

  // SB rows other than flows and bindings.
  private readonly pgRows = new Map<string, SbPortGroupOut>();
  private readonly pgRowNames = new Map<string, string[]>();
  private readonly asRows = new Map<string, readonly string[]>();
  private readonly asNamesOf = new Map<string, string[]>();
  private readonly lbRows = new Map<string, SbLoadBalancerOut>();
  private globalOptions: Record<string, string> = {};

  constructor() {
    // The node graph: what each stage reads. Handlers live in the methods below; the engine keeps the
    // graph and the per-node counters that inc-engine/show-stats prints.
    const node = (name: string, inputs: string[], recompute: () => void, handle: () => boolean) =>
      this.engine.add({
        name,
        inputs,
        recompute: () => (recompute(), true),
        handle: () => (handle() ? 'changed' : 'unchanged'),
      });
    const noop = () => {};
    this.engine.add({ name: 'NB_data', inputs: [], recompute: () => true });
    this.engine.add({ name: 'SB_data', inputs: [], recompute: () => true });
    node('change_handlers', ['NB_data', 'SB_data'], noop, () => this.dirty.any);
    node('topology', ['change_handlers'], noop, () => this.runTopology());
    node('port_groups', ['change_handlers', 'topology'], noop, () => this.runPortGroups());
    node('routers', ['change_handlers', 'topology', 'port_groups'], noop, () => this.runRouters());
    node('switches', ['change_handlers', 'routers', 'port_groups'], noop, () => this.runSwitches());
    node('sb_rows', ['change_handlers', 'switches', 'routers', 'port_groups'], noop, () => this.runRows());
  }

  /** Per-node counters and timings (`inc-engine/show-stats`). */
  showStats(): string {
    return this.engine.showStats();
  }
  clearStats(): void {
    this.engine.clearStats();
  }

  /** Full recompute from `nb` and the SB's keys. */
  recompute(nb: NbInput, sb: SbKeyInput | undefined): RoundResult {
    const steps = this.recomputeStream(nb, sb);
    let step;
    while (!(step = steps.next()).done);
    return step.value;
  }

  /**
   * One incremental round: `nb` is the NB after `changes`; `sbPort` answers existing SB port keys.
   * `sb` is consulted only if the round falls back to a full recompute.
   */
  run(nb: NbInput, changes: readonly EngineChange[], sb: SbKeyInput, sbPort: SbPortLookup): RoundResult {
    if (!this.initialized) return { ...this.recompute(nb, sb), reason: 'first round' };
    this.nb = nb;
    this.noteLbChanges(changes);
    this.sbPort = sbPort;
    this.dirty = new Dirty();
    this.touched = emptyTouched();
    for (const c of changes) {
      this.handleChange(c);
      if (this.dirty.full) break;
    }
    if (!this.dirty.full && vxlanMode(sb) !== this.vxlan) this.dirty.fullRecompute('encapsulation type changed');
    if (this.dirty.full) {
      const reason = this.dirty.full;
      this.recomputeEverything(sb);
      return { full: true, reason, touched: emptyTouched() };
    }
    this.engine.inputChanged('NB_data');
    try {
      this.engine.run(false);
    } catch (e) {
      if (!(e instanceof NeedsRecompute)) throw e;
      this.recomputeEverything(sb);
      return { full: true, reason: e.message, touched: emptyTouched() };
    }
    const t = this.touched;
    for (const k of this.flows.takeTouched()) t.flows.add(k);
    return { full: false, reason: '', touched: t };
  }

  /** Everything, in compile()'s shape (for full SB diffs and the equivalence tests). */
  compiled(): CompiledSb {
    const portBindings: PortBindingOut[] = [];
    const multicastGroups: MulticastGroupOut[] = [];
    const datapaths = this.datapaths();
    for (const dp of datapaths) {
      const b = this.bindings.get(dp.id);
      if (b) (portBindings.push(...b.ports), multicastGroups.push(...b.mcs));
    }
    return {
      datapaths,
      portBindings,
      multicastGroups,
      logicalFlows: this.flows.toArray(),
      sbGlobalOptions: this.globalOptions,
      addressSets: [...this.asRows].map(([name, addresses]) => ({ name, addresses })),
      portGroups: [...this.pgRows.values()],
      loadBalancers: [...this.lbRows.values()],
      dhcpOptions: DHCPV4_OPTION_CODES,
      dhcpv6Options: DHCPV6_OPTION_CODES,
      diagnostics: this.diag.list,
    };
  }

  /** Diagnostics found since the last call. */
  takeDiagnostics(): Diagnostic[] {
    const d = this.diag.list.splice(0);
    return d;
  }

  /** The SB datapaths, routers first (compile()'s order). */
  datapaths(): CompiledSb['datapaths'][number][] {
    const out: CompiledSb['datapaths'][number][] = [];
    for (const dp of [...this.routers.values(), ...this.switches.values()]) {
      const key = this.dpKeys.get(dp.uuid);
      if (key !== undefined) out.push(this.datapathOut(dp, key));
    }
    return out;
  }

  /** A datapath's flow units (unit id → flows): `core`, `acl`, `lb`, and `<kind>:<id>` per row. */
  unitsOf(dp: string): ReadonlyMap<string, readonly FlowSpec[]> | undefined {
    return this.flows.unitsOf(dp);
  }

  // ---- outputs by identity, for the incremental SB writer ----

  datapathIds(): Iterable<string> {
    return this.dpKeys.keys();
  }
  portBinding(dp: string): readonly PortBindingOut[] {
    return this.bindings.get(dp)?.ports ?? [];
  }
  /** The port binding named `name`, or undefined. */
  portBindingByName(name: string): PortBindingOut | undefined {
    const p: SwitchPort | RouterPort | undefined = this.lsps.get(name) ?? this.lrps.get(name);
    const dp = p ? p.dp.uuid : name.startsWith('cr-') ? this.lrps.get(name.slice(3))?.dp.uuid : undefined;
    if (!dp) return undefined;
    return this.bindings.get(dp)?.ports.find((b) => b.logicalPort === name);
  }
  multicastGroups(dp: string): readonly MulticastGroupOut[] {
    return this.bindings.get(dp)?.mcs ?? [];
  }
  flow(key: string) {
    return this.flows.flow(key);
  }
  portGroupRow(name: string): SbPortGroupOut | undefined {
    return this.pgRows.get(name);
  }
  addressSet(name: string): readonly string[] | undefined {
    return this.asRows.get(name);
  }
  loadBalancerRow(uuid: string): SbLoadBalancerOut | undefined {
    return this.lbRows.get(uuid);
  }
  datapathKey(dp: string): number | undefined {
    return this.dpKeys.get(dp);
  }
  datapathKind(dp: string): 'switch' | 'router' | undefined {
    return this.switches.has(dp) ? 'switch' : this.routers.has(dp) ? 'router' : undefined;
  }

  private datapathOut(dp: Datapath, key: number): CompiledSb['datapaths'][number] {
    return {
      id: dp.uuid,
      kind: dp.kind,
      tunnelKey: key,
      externalIds:
        dp.kind === 'switch'
          ? { 'logical-switch': dp.uuid, name: dp.name }
          : { 'logical-router': dp.uuid, name: dp.name },
    };
  }

  // ---- full recompute ----

  /** Everything, every node; the flow set tracks no changes meanwhile (a full round diffs it all). */
  private recomputeEverything(sb: SbKeyInput | undefined): void {
    for (const _ of this.recomputeSteps(sb));
  }

  /**
   * A full recompute from `nb` in steps, for a writer that streams a cold SB meanwhile: after the
   * datapaths and their keys are known (`datapaths`), and after each router and switch is computed
   * (`computed`, its units then in `unitsOf`). Running it to the end is `recompute`.
   */
  *recomputeStream(nb: NbInput, sb: SbKeyInput | undefined): Generator<RecomputeStep, RoundResult> {
    this.nb = nb;
    yield* this.recomputeSteps(sb);
    return { full: true, reason: 'recompute', touched: emptyTouched() };
  }

  private *recomputeSteps(sb: SbKeyInput | undefined): Generator<RecomputeStep> {
    try {
      yield* this.recomputeAll(sb);
      this.engine.run(true);
    } finally {
      this.flows.endBulk();
      this.flows.takeTouched();
    }
  }

  private *recomputeAll(sb: SbKeyInput | undefined): Generator<RecomputeStep> {
    const nb = this.nb;
    this.diag = new Diagnostics();
    this.initialized = true;
    for (const m of [
      this.switches,
      this.routers,
      this.lsps,
      this.lrps,
      this.dupNames,
      this.lspSwitch,
      this.lrpRouter,
      this.routeRouter,
      this.natRouter,
      this.rpClaims,
      this.bindings,
      this.pgs,
      this.pgsOfSwitch,
      this.lspPgs,
      this.aclPgs,
      this.aclSwitches,
      this.groupDps,
      this.lbDirect,
      this.lbGroups,
      this.switchSt,
      this.portUnits,
      this.lspSeen,
      this.routerLb,
      this.routerNatOf,
      this.routerExternal,
      this.lbSwitches,
      this.reportedAcls,
      this.pgRows,
      this.pgRowNames,
      this.asRows,
      this.asNamesOf,
      this.lbRows,
    ] as { clear(): void }[])
      m.clear();
    this.swLbLists.clear();
    this.rtrLbLists.clear();
    // A fresh flow set, counted in bulk until recomputeEverything ends the round.
    this.flows = new FlowSet();
    this.flows.beginBulk();

    const topo = buildTopology(nb, this.diag);
    for (const lr of topo.routers) this.routers.set(lr.uuid, lr as MutableRouter);
    for (const ls of topo.switches) {
      this.switches.set(ls.uuid, ls as MutableSwitch);
      for (const p of ls.ports) this.lspSeen.set(p.nb._uuid, p.nb);
    }
    for (const [n, p] of topo.lsps) this.lsps.set(n, p);
    for (const [n, p] of topo.lrps) this.lrps.set(n, p);
    const seen = new Set<string>();
    const note = (name: string) => (seen.has(name) ? this.dupNames.add(name) : seen.add(name));
    for (const lr of nb.Logical_Router.values())
      for (const u of lr.ports) {
        const r = nb.Logical_Router_Port.get(u);
        if (r) note(r.name);
      }
    for (const ls of nb.Logical_Switch.values())
      for (const u of ls.ports) {
        const r = nb.Logical_Switch_Port.get(u);
        if (r) note(r.name);
      }

    this.natMacs = distributedNatMacs(nb);
    this.distNat = routersWithDistributedNat(nb);
    this.vxlan = vxlanMode(sb);
    const b = buildBindings(topo, sb, this.diag, this.distNat);
    this.dpKeys = new Map(b.dpKeys);
    const ports = new Map<string, PortBindingOut[]>();
    const mcs = new Map<string, MulticastGroupOut[]>();
    for (const p of b.ports) addToList(ports, p.datapath, p);
    for (const m of b.multicastGroups) addToList(mcs, m.datapath, m);
    for (const dp of this.dpKeys.keys()) this.bindings.set(dp, { ports: ports.get(dp) ?? [], mcs: mcs.get(dp) ?? [] });
    yield { kind: 'datapaths' };

    for (const lr of this.routers.values()) this.indexRouter(lr.nb, true);
    for (const ls of this.switches.values()) this.indexSwitch(ls, true);
    for (const pg of nb.Port_Group.values()) this.indexPg(pg, true);
    for (const g of nb.Load_Balancer_Group.values())
      for (const lb of g.load_balancer) addTo(this.lbGroups, lb as string, g._uuid as string);

    // Routers read no port group: computed first, their flows reach a streaming writer sooner.
    for (const lr of this.routers.values())
      if (this.dpKeys.has(lr.uuid)) {
        this.computeRouter(lr);
        yield { kind: 'computed', dp: lr.uuid };
      }
    for (const pg of resolvePortGroups(nb, topo, this.diag)) this.setPg(pg);
    for (const ls of this.switches.values())
      if (this.dpKeys.has(ls.uuid)) {
        this.computeSwitch(ls);
        yield { kind: 'computed', dp: ls.uuid };
      }
    for (const as of nb.Address_Set.values()) this.setAddressSet(as._uuid, as.name, as.addresses);
    for (const lb of this.lbSwitches.keys()) this.setLbRow(lb);
    this.globalRows(sb);
  }

  private globalRows(sb: SbKeyInput | undefined): void {
    const global = [...this.nb.NB_Global.values()][0];
    const mac = global?.options['svc_monitor_mac'];
    this.asRows.set('svc_monitor_mac', mac ? [mac] : []);
    this.globalOptions = sbGlobalOptions(global?.options ?? {}, vxlanMode(sb));
  }

  // ---- indexes ----

  private indexSwitch(ls: SwitchDatapath, add: boolean): void {
    const f = add ? addTo : delFrom;
    for (const p of ls.ports) if (add) this.lspSwitch.set(p.nb._uuid, ls.uuid);
    for (const u of ls.nb.ports) if (add) this.lspSwitch.set(u, ls.uuid);
    if (!add) for (const u of ls.nb.ports) if (this.lspSwitch.get(u) === ls.uuid) this.lspSwitch.delete(u);
    for (const a of ls.nb.acls) f(this.aclSwitches, a as string, ls.uuid);
    for (const p of ls.routerPorts) f(this.rpClaims, p.nb.options['router-port'] ?? '', ls.uuid);
    for (const lb of ls.nb.load_balancer) f(this.lbDirect, lb as string, ls.uuid);
    for (const g of ls.nb.load_balancer_group) f(this.groupDps, g as string, ls.uuid);
  }

  private indexRouter(lr: RouterDatapath['nb'], add: boolean): void {
    const f = add ? addTo : delFrom;
    for (const u of lr.ports) {
      if (add) this.lrpRouter.set(u, lr._uuid);
      else if (this.lrpRouter.get(u) === lr._uuid) this.lrpRouter.delete(u);
    }
    for (const r of lr.static_routes) f(this.routeRouter, r as string, lr._uuid as string);
    for (const n of lr.nat) f(this.natRouter, n as string, lr._uuid as string);
    for (const lb of lr.load_balancer) f(this.lbDirect, lb as string, lr._uuid as string);
    for (const g of lr.load_balancer_group) f(this.groupDps, g as string, lr._uuid as string);
  }

  private indexPg(pg: { _uuid: string; ports: readonly string[]; acls: readonly string[] }, add: boolean): void {
    const f = add ? addTo : delFrom;
    for (const p of pg.ports) f(this.lspPgs, p, pg._uuid);
    for (const a of pg.acls) f(this.aclPgs, a, pg._uuid);
  }

  /** Datapaths a load balancer applies to (directly or through groups). */
  private lbDps(lb: string): Set<string> {
    const out = new Set(this.lbDirect.get(lb) ?? []);
    for (const g of this.lbGroups.get(lb) ?? []) for (const dp of this.groupDps.get(g) ?? []) out.add(dp);
    return out;
  }

  /** Switches with a router-type port naming one of the router's ports (peered or not). */
  private peerSwitches(lr: RouterDatapath): string[] {
    const out = new Set<string>();
    for (const p of lr.ports) {
      if (p.peer) out.add(p.peer.dp.uuid);
      for (const s of this.rpClaims.get(p.name) ?? []) out.add(s);
    }
    return [...out];
  }

  // ---- change handlers ----

  /**
   * Map one change to what it can affect. `this.nb` is already the new state (it may be the replica's
   * live tables), so what was there before comes from the change itself or from the topology.
   */
  private handleChange(c: EngineChange): void {
    const d = this.dirty;
    const o = c.old as Row | undefined;
    const n = c.new as Row | undefined;
    switch (c.table) {
      case 'NB_Global':
        if (affectsCompile(c)) d.fullRecompute('NB_Global changed');
        return;
      case 'Logical_Switch': {
        if (c.kind !== 'modify') return d.fullRecompute(`logical switch ${c.kind}`);
        const cols = changedColumns(o!, n!);
        if (cols.includes('name') || (cols.includes('other_config') && tnlKeyChanged(o!, n!, 'other_config')))
          return d.fullRecompute('logical switch renamed or re-keyed');
        if (cols.includes('ports')) {
          const before = new Set(o!['ports'] as string[]);
          for (const u of n!['ports'] as string[]) {
            if (before.has(u)) continue;
            const row = this.nb.Logical_Switch_Port.get(u as never);
            if (row && this.nameTaken(row.name, u)) return d.fullRecompute(`duplicate port name ${row.name}`);
          }
          const after = new Set(n!['ports'] as string[]);
          for (const u of before) {
            if (after.has(u)) continue;
            const row = this.switches.get(c.uuid)?.ports.find((p) => p.nb._uuid === u)?.nb;
            if (row && this.dupNames.has(row.name)) return d.fullRecompute(`duplicate port name ${row.name}`);
            for (const pg of this.lspPgs.get(u) ?? []) d.pgs.add(pg);
          }
        }
        d.rebuildSw.add(c.uuid);
        return;
      }
      case 'Logical_Switch_Port': {
        const sw = this.lspSwitch.get(c.uuid);
        if (c.kind === 'insert') return; // its switch's ports column changes too
        if (c.kind === 'delete') this.lspSeen.delete(c.uuid);
        if (o && this.dupNames.has(o['name'] as string)) return d.fullRecompute(`duplicate port name ${o['name']}`);
        if (n && o && n['name'] !== o['name'] && this.nameTaken(n['name'] as string, c.uuid))
          return d.fullRecompute(`duplicate port name ${n['name']}`);
        for (const pg of this.lspPgs.get(c.uuid) ?? []) d.pgs.add(pg);
        if (sw) d.rebuildSw.add(sw);
        for (const r of [o, n]) {
          if (!r || r['type'] !== 'router') continue;
          const rp = this.lrps.get(((r['options'] as Record<string, string>) ?? {})['router-port'] ?? '');
          if (rp) d.recomputeLr.add(rp.dp.uuid);
        }
        return;
      }
      case 'Logical_Router': {
        if (c.kind !== 'modify') return d.fullRecompute(`logical router ${c.kind}`);
        const cols = changedColumns(o!, n!);
        if (cols.includes('name') || (cols.includes('options') && tnlKeyChanged(o!, n!, 'options')))
          return d.fullRecompute('logical router renamed or re-keyed');
        if (cols.includes('ports')) {
          const before = new Set(o!['ports'] as string[]);
          for (const u of n!['ports'] as string[]) {
            if (before.has(u)) continue;
            const r = this.nb.Logical_Router_Port.get(u as never);
            if (r && this.nameTaken(r.name, u)) return d.fullRecompute(`duplicate port name ${r.name}`);
          }
          for (const u of before) {
            const r = this.routers.get(c.uuid)?.ports.find((p) => p.nb._uuid === u)?.nb;
            if (r && this.dupNames.has(r.name)) return d.fullRecompute(`duplicate port name ${r.name}`);
          }
          d.rebuildLr.add(c.uuid);
        }
        if (cols.includes('static_routes')) d.routesLr.add(c.uuid);
        if (cols.includes('nat')) d.natGlobal = true;
        if (cols.some((k) => k !== 'static_routes' && k !== 'policies' && k !== 'ports')) {
          d.recomputeLr.add(c.uuid);
          const lr = this.routers.get(c.uuid);
          if (lr) for (const s of this.peerSwitches(lr)) d.recomputeSw.add(s);
        }
        if (cols.includes('policies')) d.recomputeLr.add(c.uuid);
        return;
      }
      case 'Logical_Router_Port': {
        if (c.kind === 'insert') return;
        if (o && this.dupNames.has(o['name'] as string)) return d.fullRecompute(`duplicate port name ${o['name']}`);
        if (n && o && n['name'] !== o['name'] && this.nameTaken(n['name'] as string, c.uuid))
          return d.fullRecompute(`duplicate port name ${n['name']}`);
        const lr = this.lrpRouter.get(c.uuid);
        if (lr) d.rebuildLr.add(lr);
        return;
      }
      case 'Logical_Router_Static_Route':
        for (const lr of this.routeRouter.get(c.uuid) ?? []) d.routesLr.add(lr);
        return;
      case 'NAT':
        d.natGlobal = true;
        for (const lr of this.natRouter.get(c.uuid) ?? []) {
          d.recomputeLr.add(lr);
          const r = this.routers.get(lr);
          if (r) for (const s of this.peerSwitches(r)) d.recomputeSw.add(s);
        }
        return;
      case 'ACL':
        for (const s of this.aclSwitches.get(c.uuid) ?? []) d.aclSw.add(s);
        for (const pg of this.aclPgs.get(c.uuid) ?? [])
          for (const s of this.pgs.get(pg)?.bySwitch.keys() ?? []) d.aclSw.add(s);
        return;
      case 'Port_Group':
        d.pgs.add(c.uuid);
        return;
      case 'Address_Set':
        d.addressSets.add(c.uuid);
        return;
      case 'Load_Balancer': {
        if (c.kind === 'insert') return;
        d.lbRows.add(c.uuid);
        const dps = this.lbDps(c.uuid);
        if (c.kind === 'delete') {
          for (const dp of dps) d.lbAll.add(dp);
          return;
        }
        const ov = o!['vips'] as Record<string, string>;
        const nv = n!['vips'] as Record<string, string>;
        const emptiness = Object.keys(ov).length === 0 || Object.keys(nv).length === 0;
        const routerShape = !sameKeys(ov, nv) || changedColumns(o!, n!).some((k) => k !== 'vips' && k !== 'name');
        for (const dp of dps) {
          const lr = this.routers.get(dp);
          if (emptiness) d.lbAll.add(dp);
          else if (lr && routerShape) {
            d.recomputeLr.add(dp);
            for (const s of this.peerSwitches(lr)) d.recomputeSw.add(s);
          } else addTo(d.lbUnits, dp, c.uuid);
          if (lr && emptiness) for (const s of this.peerSwitches(lr)) d.recomputeSw.add(s);
        }
        return;
      }
      case 'Load_Balancer_Group': {
        for (const lb of (o?.['load_balancer'] as string[]) ?? []) delFrom(this.lbGroups, lb, c.uuid);
        for (const lb of (n?.['load_balancer'] as string[]) ?? []) addTo(this.lbGroups, lb, c.uuid);
        for (const lb of new Set([
          ...((o?.['load_balancer'] as string[]) ?? []),
          ...((n?.['load_balancer'] as string[]) ?? []),
        ]))
          d.lbRows.add(lb);
        for (const dp of this.groupDps.get(c.uuid) ?? []) {
          d.lbAll.add(dp);
          const lr = this.routers.get(dp);
          if (lr) for (const s of this.peerSwitches(lr)) d.recomputeSw.add(s);
        }
        return;
      }
      case 'DHCP_Options':
        for (const p of this.lsps.values())
          if (p.nb.dhcpv4_options === c.uuid || p.nb.dhcpv6_options === c.uuid) d.recomputeSw.add(p.dp.uuid);
        return;
      default:
        return d.fullRecompute(`change in ${c.table}`);
    }
  }

  /** A port name used by a row other than `uuid` (or by any router port). */
  private nameTaken(name: string, uuid: string): boolean {
    const lsp = this.lsps.get(name);
    const lrp = this.lrps.get(name);
    return (!!lsp && lsp.nb._uuid !== uuid) || (!!lrp && lrp.nb._uuid !== uuid) || this.dupNames.has(name);
  }

  // ---- incremental stages (engine nodes) ----

  private runTopology(): boolean {
    const d = this.dirty;
    let wantPeer: Map<string, string> | undefined;
    for (const uuid of d.rebuildLr) {
      const lr = this.routers.get(uuid);
      if (!lr) continue;
      for (const s of this.peerSwitches(lr)) d.rebuildSw.add(s);
      this.rebuildRouter(lr);
      const now = this.routers.get(uuid)!;
      for (const s of this.peerSwitches(now)) d.rebuildSw.add(s);
      // Switch ports naming one of its ports as router-port, not yet peered.
      wantPeer ??= this.routerPortRefs();
      for (const p of now.ports) {
        const s = wantPeer.get(p.name);
        if (s) d.rebuildSw.add(s);
      }
    }
    for (const uuid of d.routesLr) {
      const lr = this.routers.get(uuid);
      if (lr && !d.rebuildLr.has(uuid)) this.rebuildRoutes(lr);
    }
    for (const uuid of d.rebuildSw) {
      const sw = this.switches.get(uuid);
      if (sw) this.rebuildSwitch(sw);
    }
    return d.rebuildLr.size + d.routesLr.size + d.rebuildSw.size > 0;
  }

  /** Router port name → the switch whose router-type port names it. */
  private routerPortRefs(): Map<string, string> {
    const out = new Map<string, string>();
    for (const sw of this.switches.values())
      for (const p of sw.routerPorts) {
        const rp = p.nb.options['router-port'];
        if (rp !== undefined) out.set(rp, sw.uuid);
      }
    return out;
  }

  private rebuildRouter(old: MutableRouter): void {
    const nbRow = this.nb.Logical_Router.get(old.uuid as never);
    if (!nbRow) throw new NeedsRecompute('router vanished');
    this.indexRouter(old.nb, false);
    for (const p of old.ports) {
      if (this.lrps.get(p.name) === p) this.lrps.delete(p.name);
      if (p.peer && p.peer.peer === p) p.peer.peer = null;
    }
    const dp: MutableRouter = { kind: 'router', uuid: old.uuid, name: nbRow.name, nb: nbRow, ports: [], routes: [] };
    const rows = nbRow.ports
      .map((u) => this.nb.Logical_Router_Port.get(u))
      .filter((r) => r !== undefined)
      .sort(byNameThenUuid);
    for (const row of rows) {
      if (this.lsps.has(row.name) || this.lrps.has(row.name))
        throw new NeedsRecompute(`duplicate port name ${row.name}`);
      const port = buildRouterPort(row, dp, this.diag);
      if (!port) continue;
      dp.ports.push(port);
      this.lrps.set(port.name, port);
    }
    this.routers.set(dp.uuid, dp);
    this.indexRouter(nbRow, true);
    this.rebuildRoutes(dp);
    this.dirty.recomputeLr.add(dp.uuid);
  }

  /** Point a router at its current NB row (options, NAT, LBs change without a topology rebuild). */
  private refreshRouterRow(lr: MutableRouter): void {
    const nbRow = this.nb.Logical_Router.get(lr.uuid as never) ?? lr.nb;
    if (nbRow === lr.nb) return;
    this.indexRouter(lr.nb, false);
    (lr as { nb: RouterDatapath['nb'] }).nb = nbRow;
    this.indexRouter(nbRow, true);
  }

  private rebuildRoutes(lr: MutableRouter): void {
    this.refreshRouterRow(lr);
    const nbRow = lr.nb;
    const routes = [];
    for (const u of nbRow.static_routes) {
      const r = this.nb.Logical_Router_Static_Route.get(u);
      if (!r) continue;
      const route = buildRoute(r, lr, this.lrps, this.diag);
      if (route) routes.push(route);
    }
    lr.routes = routes;
    this.dirty.recomputeLr.add(lr.uuid);
  }

  /** The row the engine knows for this port, when `row` differs from it only in columns flows ignore. */
  private seenLsp(row: LogicalSwitchPort): LogicalSwitchPort {
    const seen = this.lspSeen.get(row._uuid);
    if (seen === row) return row;
    if (seen && !affectsCompile({ kind: 'modify', table: 'Logical_Switch_Port', old: seen, new: row })) return seen;
    this.lspSeen.set(row._uuid, row);
    return row;
  }

  /**
   * Re-read a switch and its ports, in place (its datapath object stays, so the ports kept point at it).
   * A non-router port whose NB row is the same object as before is kept as it is: adding one port to a
   * switch of 100 builds one port, and the port maps are touched only for ports that came or went.
   */
  private rebuildSwitch(dp: MutableSwitch): void {
    const nbRow = this.nb.Logical_Switch.get(dp.uuid as never);
    if (!nbRow) throw new NeedsRecompute('switch vanished');
    this.indexSwitch(dp, false);
    const rows = nbRow.ports
      .map((u) => this.nb.Logical_Switch_Port.get(u))
      .filter((r) => r !== undefined)
      .map((r) => this.seenLsp(r))
      .sort(byNameThenUuid);
    const present = new Set<LogicalSwitchPort>(rows);
    const oldPeers = new Set<RouterPort>();
    const oldRows = new Map<string, unknown>();
    const kept = new Map<LogicalSwitchPort, SwitchPort>();
    for (const p of dp.ports) {
      if (p.peer) {
        oldPeers.add(p.peer);
        if (p.peer.peer === p) p.peer.peer = null;
      }
      oldRows.set(p.nb._uuid, p.nb);
      const mine = this.lsps.get(p.name) === p;
      if (mine && p.type !== 'router' && present.has(p.nb)) kept.set(p.nb, p);
      else if (mine) this.lsps.delete(p.name);
    }
    const ports: SwitchPort[] = [];
    const routerPorts: SwitchPort[] = [];
    for (const row of rows) {
      const same = kept.get(row);
      if (same) {
        ports.push(same);
        oldRows.delete(row._uuid);
        continue;
      }
      if (this.lsps.has(row.name) || this.lrps.has(row.name))
        throw new NeedsRecompute(`duplicate port name ${row.name}`);
      // A router port claimed by switch ports of two switches: the full build's order decides.
      const claimed = row.type === 'router' ? this.lrps.get(row.options['router-port'] ?? '')?.peer : null;
      if (claimed && claimed.dp.uuid !== dp.uuid) throw new NeedsRecompute(`router port claimed twice`);
      const port = buildSwitchPort(row, dp, this.lrps, this.diag);
      ports.push(port);
      if (port.type === 'router') routerPorts.push(port);
      this.lsps.set(port.name, port);
      // Port groups resolve members by name and UUID: only ports that came, went or were renamed.
      const before = oldRows.get(row._uuid) as { name: string } | undefined;
      if (!before || before.name !== row.name)
        for (const pg of this.lspPgs.get(row._uuid) ?? []) this.dirty.pgs.add(pg);
      oldRows.delete(row._uuid);
    }
    for (const u of oldRows.keys()) for (const pg of this.lspPgs.get(u) ?? []) this.dirty.pgs.add(pg);
    const w = dp as Writable<MutableSwitch>;
    w.name = nbRow.name;
    w.nb = nbRow;
    w.ports = ports;
    w.routerPorts = routerPorts;
    this.indexSwitch(dp, true);
    // Routers whose peering changed: their bindings and flows name the peer.
    const newPeers = new Set(dp.routerPorts.map((p) => p.peer).filter((p) => p !== null));
    for (const rp of oldPeers) {
      if (newPeers.has(rp)) continue;
      // Another switch port may name it too and would take over in a full build.
      for (const sw of this.switches.values())
        if (sw.routerPorts.some((p) => p.nb.options['router-port'] === rp.name))
          throw new NeedsRecompute('router port claimed twice');
      this.dirty.recomputeLr.add(rp.dp.uuid);
    }
    for (const rp of newPeers) if (!oldPeers.has(rp)) this.dirty.recomputeLr.add(rp.dp.uuid);
    this.dirty.recomputeSw.add(dp.uuid);
  }

  private runPortGroups(): boolean {
    const d = this.dirty;
    if (!d.pgs.size) return false;
    for (const uuid of d.pgs) {
      const old = this.pgs.get(uuid);
      if (old) {
        this.indexPg(old.nb, false);
        for (const s of old.bySwitch.keys()) {
          delFrom(this.pgsOfSwitch, s, uuid);
          d.aclSw.add(s);
        }
        this.pgs.delete(uuid);
      }
      for (const name of this.pgRowNames.get(uuid) ?? []) {
        this.pgRows.delete(name);
        this.touched.portGroups.add(name);
      }
      this.pgRowNames.delete(uuid);
      for (const name of this.asNamesOf.get(`pg:${uuid}`) ?? []) {
        this.asRows.delete(name);
        this.touched.addressSets.add(name);
      }
      this.asNamesOf.delete(`pg:${uuid}`);
      const row = this.nb.Port_Group.get(uuid as never);
      if (!row) continue;
      const view = { ...this.nb, Port_Group: new Map([[row._uuid, row]]) } as NbInput;
      const [pg] = resolvePortGroups(view, { lsps: this.lsps } as unknown as Topology, this.diag);
      this.indexPg(row, true);
      this.setPg(pg!);
      for (const s of pg!.bySwitch.keys()) d.aclSw.add(s);
    }
    return true;
  }

  /** Record a resolved port group and its SB rows (Port_Group per switch, `<pg>_ip4/6` sets). */
  private setPg(pg: ResolvedPortGroup): void {
    const uuid = pg.nb._uuid;
    this.pgs.set(uuid, pg);
    for (const s of pg.bySwitch.keys()) addTo(this.pgsOfSwitch, s, uuid);
    const rows = sbPortGroups([pg], this.dpKeys);
    this.pgRowNames.set(
      uuid,
      rows.map((r) => r.name),
    );
    for (const r of rows) {
      this.pgRows.set(r.name, r);
      this.touched.portGroups.add(r.name);
    }
    const view = { ...this.nb, Address_Set: new Map(), Port_Group: new Map([[pg.nb._uuid, pg.nb]]) } as NbInput;
    const sets = sbAddressSets(view);
    this.asNamesOf.set(
      `pg:${uuid}`,
      sets.map((s) => s.name),
    );
    for (const s of sets) {
      this.asRows.set(s.name, s.addresses);
      this.touched.addressSets.add(s.name);
    }
  }

  private setAddressSet(uuid: string, name: string, addresses: readonly string[]): void {
    this.asNamesOf.set(`as:${uuid}`, [name]);
    this.asRows.set(name, [...addresses]);
    this.touched.addressSets.add(name);
  }

  private runRouters(): boolean {
    const d = this.dirty;
    if (d.natGlobal) {
      const macs = distributedNatMacs(this.nb);
      const dist = routersWithDistributedNat(this.nb);
      for (const lr of new Set([...this.natMacs.keys(), ...macs.keys(), ...this.distNat, ...dist])) {
        if (
          JSON.stringify(this.natMacs.get(lr) ?? null) === JSON.stringify(macs.get(lr) ?? null) &&
          this.distNat.has(lr) === dist.has(lr)
        )
          continue;
        d.recomputeLr.add(lr);
        const r = this.routers.get(lr);
        if (r) for (const s of this.peerSwitches(r)) d.recomputeSw.add(s);
      }
      this.natMacs = macs;
      this.distNat = dist;
    }
    for (const [dp, lbs] of d.lbUnits) if (this.routers.has(dp) && !d.lbAll.has(dp)) this.updateRouterLbUnits(dp, lbs);
    for (const dp of d.lbAll) if (this.routers.has(dp)) d.recomputeLr.add(dp);
    let any = false;
    for (const uuid of d.recomputeLr) {
      const lr = this.routers.get(uuid);
      if (!lr || !this.dpKeys.has(uuid)) continue;
      this.refreshRouterRow(lr);
      const ips = this.routerLb.get(uuid)?.ips;
      this.computeRouter(lr);
      this.bind(lr);
      const now = this.routerLb.get(uuid)!.ips;
      if (!ips || ips.size !== now.size || [...now].some((ip) => !ips.has(ip)))
        for (const s of this.peerSwitches(lr)) d.recomputeSw.add(s);
      any = true;
    }
    return any || d.lbUnits.size > 0;
  }

  private runSwitches(): boolean {
    const d = this.dirty;
    const full = new Set([...d.recomputeSw, ...d.rebuildSw]);
    for (const uuid of full) {
      const sw = this.switches.get(uuid);
      if (!sw || !this.dpKeys.has(uuid)) continue;
      this.computeSwitch(sw);
      this.bind(sw);
      // The routers on a rebuilt switch resolve its addresses statically.
      if (d.rebuildSw.has(uuid))
        for (const p of sw.routerPorts)
          if (p.peer && this.dpKeys.has(p.peer.dp.uuid) && !d.recomputeLr.has(p.peer.dp.uuid)) this.setArpUnit(p.peer);
    }
    for (const uuid of new Set([...d.aclSw, ...d.lbAll])) {
      if (full.has(uuid)) continue;
      const sw = this.switches.get(uuid);
      if (!sw || !this.dpKeys.has(uuid)) continue;
      const st = this.stateOf(sw);
      const prev = this.switchSt.get(uuid);
      if (!prev || flagsSig(prev) !== flagsSig(st)) {
        this.computeSwitch(sw);
        full.add(uuid);
        continue;
      }
      this.switchSt.set(uuid, st);
      if (d.aclSw.has(uuid)) this.setAclUnits(sw, st);
      if (d.lbAll.has(uuid)) this.setLbUnits(sw, st, prev);
    }
    for (const [dp, lbs] of d.lbUnits) {
      const sw = this.switches.get(dp);
      if (full.has(dp) || d.lbAll.has(dp) || !sw || !this.dpKeys.has(dp)) continue;
      for (const lb of lbs) {
        const row = this.nb.Load_Balancer.get(lb as never);
        if (row) this.flows.setUnit(dp, unitId('lb', lb), this.swLbUnit(this.parsed(row)));
      }
      // The switch's remembered balancers now hold the new rows too; else its next port change would
      // see "balancers changed" and revisit all 5000 of them.
      const st = this.switchSt.get(dp);
      if (st) this.switchSt.set(dp, withLbs(st, this.switchLbsOf(sw).lbs));
    }
    return full.size + d.aclSw.size + d.lbAll.size + d.lbUnits.size > 0;
  }

  private runRows(): boolean {
    const d = this.dirty;
    for (const uuid of d.addressSets) {
      for (const name of this.asNamesOf.get(`as:${uuid}`) ?? []) {
        this.asRows.delete(name);
        this.touched.addressSets.add(name);
      }
      this.asNamesOf.delete(`as:${uuid}`);
      const row = this.nb.Address_Set.get(uuid as never);
      if (row) this.setAddressSet(uuid, row.name, row.addresses);
    }
    for (const lb of d.lbRows) this.setLbRow(lb);
    return true;
  }

  // ---- per-datapath computation ----

  private stateOf(sw: SwitchDatapath): SwitchStateful {
    const pgs: ResolvedPortGroup[] = [];
    for (const u of this.pgsOfSwitch.get(sw.uuid) ?? []) {
      const pg = this.pgs.get(u);
      if (pg) pgs.push(pg);
    }
    return switchStateful(sw, {
      nb: this.nb,
      portGroups: pgs,
      routerNatMacs: this.natMacs,
      switchLbs: (s) => this.switchLbsOf(s),
    });
  }

  /**
   * Keep the shared load balancer lists current. A balancer whose row changed (a backend added) is
   * replaced in place in the switch lists; anything else about balancers or groups starts them over.
   * Router lists hold parsed balancers and are simply dropped (routers are recomputed rarely).
   */
  private noteLbChanges(changes: readonly EngineChange[]): void {
    for (const c of changes) {
      if (c.table !== 'Load_Balancer' && c.table !== 'Load_Balancer_Group') continue;
      this.rtrLbLists.clear();
      if (c.table === 'Load_Balancer_Group' || c.kind !== 'modify') {
        this.swLbLists.clear();
        continue;
      }
      const old = c.old as unknown as LoadBalancer;
      const now = c.new as unknown as LoadBalancer;
      for (const [sig, l] of this.swLbLists) {
        const i = l.lbs.indexOf(old);
        if (i < 0) {
          if (l.lbs.some((lb) => lb._uuid === old._uuid)) this.swLbLists.delete(sig);
          continue;
        }
        const lbs = [...l.lbs];
        lbs[i] = now;
        const hasVip = (lb: LoadBalancer) => Object.keys(lb.vips).length > 0;
        // Only a balancer losing its last VIP can change the answer to false.
        const hasLbVip = hasVip(now) || (l.hasLbVip && (!hasVip(old) || lbs.some(hasVip)));
        this.swLbLists.set(sig, { lbs, hasLbVip });
      }
    }
  }

  /** A switch's load balancers, shared by switches with the same balancers and groups. */
  private switchLbsOf(sw: SwitchDatapath): SwitchLbs {
    const sig = lbConfigSig(sw.nb);
    let l = this.swLbLists.get(sig);
    if (!l) this.swLbLists.set(sig, (l = switchLbs(sw, this.nb)));
    return l;
  }

  private computeSwitch(sw: SwitchDatapath): void {
    const st = this.stateOf(sw);
    const prev = this.switchSt.get(sw.uuid);
    this.switchSt.set(sw.uuid, st);
    const nb = this.nb;
    this.flows.setUnit(
      sw.uuid,
      'core',
      collect((add, t) => {
        buildSwitchCoreFlows(sw, t, st);
        buildDhcpFlows(sw, nb, st.hasStatefulAcl || st.hasLbVip, add);
        buildRouterNatArpFlows(
          sw,
          (u) => this.natOf(u),
          (u) => this.routerLb.get(u) ?? NO_LBS,
          add,
        );
      }),
    );
    this.setPortUnits(sw, st);
    // A port change leaves the switch's ACLs and load balancers as they were: skip their units.
    const sameFlags = !!prev && flagsSig(prev) === flagsSig(st);
    if (!sameFlags || !sameRows(prev.acls, st.acls) || this.aclAggChanged(sw, st)) this.setAclUnits(sw, st);
    if (!sameFlags || !sameRows(prev.lbs, st.lbs)) this.setLbUnits(sw, st, prev);
  }

  /**
   * One unit per port: a port added to a switch of 100 builds its own few flows, not the switch's.
   * A non-router port's flows are kept per NB row (they depend on nothing else); router ports, whose
   * flows name their peers, are built again.
   */
  private setPortUnits(sw: SwitchDatapath, st: SwitchStateful): void {
    const onlyRouterPorts = onlyRouterPortsOf(sw);
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
      let u = p.type === 'router' ? undefined : this.lspUnits.get(p.nb);
      if (!u) {
        u = collect((add) => buildSwitchPortFlows(p, onlyRouterPorts, add, st));
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

  /** Whether the ACL aggregate (it names the switch's router and localnet ports) would change. */
  private aclAggChanged(sw: SwitchDatapath, st: SwitchStateful): boolean {
    return this.aclAggUnit(sw, st) !== this.flows.unitsOf(sw.uuid)?.get('acl');
  }

  /** The ACL stages' fixed flows of a switch, shared by switches with the same flags and port names. */
  private aclAggUnit(sw: SwitchDatapath, st: SwitchStateful): readonly FlowSpec[] {
    let names = '';
    for (const p of sw.ports) if (p.type === 'router' || p.type === 'localnet') names += `${p.name}\u0000`;
    const key = `${flagsSig(st)}|${names}`;
    let u = this.aclAggs.get(key);
    if (!u) {
      u = collect((add) => buildAclFlows(sw, { ...st, acls: [] }, add));
      if (this.aclAggs.size > 10_000) this.aclAggs.clear();
      this.aclAggs.set(key, u);
    }
    return u;
  }

  /** A router's NAT; routers without a key are not computed, but their peers still consult it. */
  private natOf(uuid: string): RouterNat {
    let nat = this.routerNatOf.get(uuid);
    if (!nat) {
      const lr = this.routers.get(uuid)!;
      const rl = routerLbs(lr, this.routerLbList(lr));
      this.routerLb.set(uuid, rl);
      nat = routerNat(lr, this.nb, this.diag, rl.ips);
      this.routerNatOf.set(uuid, nat);
    }
    return nat;
  }

  private setAclUnits(sw: SwitchDatapath, st: SwitchStateful): void {
    this.flows.setUnit(sw.uuid, 'acl', this.aclAggUnit(sw, st));
    const keep = new Set<string>();
    for (const a of st.acls) {
      if (!this.reportedAcls.has(a._uuid)) {
        this.reportedAcls.add(a._uuid);
        reportUnsupportedAcl(a, this.diag);
      }
      keep.add(unitId('acl', a._uuid));
      this.flows.setUnit(sw.uuid, unitId('acl', a._uuid), this.aclUnit(a, st));
    }
    this.dropUnits(sw.uuid, 'acl:', keep);
  }

  private setLbUnits(sw: SwitchDatapath, st: SwitchStateful, prev: SwitchStateful | undefined): void {
    this.flows.setUnit(sw.uuid, 'lb', this.swLbAgg(st.hasLbVip));
    const keep = new Set<string>();
    for (const lb of st.lbs) keep.add(unitId('lb', lb._uuid));
    // The SB Load_Balancer rows name their switches: only membership changes touch them.
    for (const lb of prev?.lbs ?? []) {
      if (keep.has(unitId('lb', lb._uuid))) continue;
      delFrom(this.lbSwitches, lb._uuid as string, sw.uuid);
      this.dirty.lbRows.add(lb._uuid);
    }
    const had = new Set((prev?.lbs ?? []).map((lb) => lb._uuid as string));
    for (const lb of st.lbs) {
      if (!had.has(lb._uuid)) {
        addTo(this.lbSwitches, lb._uuid as string, sw.uuid);
        this.dirty.lbRows.add(lb._uuid);
      }
      this.flows.setUnit(sw.uuid, unitId('lb', lb._uuid), this.swLbUnit(this.parsed(lb)));
    }
    this.dropUnits(sw.uuid, 'lb:', keep);
  }

  private dropUnits(dp: string, prefix: string, keep: ReadonlySet<string>): void {
    const units = this.flows.unitsOf(dp);
    if (!units) return;
    const drop: string[] = [];
    for (const id of units.keys()) if (id.startsWith(prefix) && !keep.has(id)) drop.push(id);
    for (const id of drop) this.flows.dropUnit(dp, id);
  }

  private aclUnit(a: ACL, st: SwitchStateful): readonly FlowSpec[] {
    const sig = flagsSig(st);
    let m = this.aclUnits.get(a);
    if (!m) this.aclUnits.set(a, (m = new Map()));
    let u = m.get(sig);
    if (!u) {
      const flags = {
        hasAcls: true,
        hasStatefulAcl: st.hasStatefulAcl,
        hasLbVip: st.hasLbVip,
        routerNatMacs: st.routerNatMacs,
      };
      let agg = this.aclAggKeys.get(sig);
      if (!agg) {
        agg = new Set(
          collect((add) => buildAclFlows(EMPTY_SWITCH, { ...flags, acls: [], lbs: [] }, add)).map((f) => f.key),
        );
        this.aclAggKeys.set(sig, agg);
      }
      u = collect((add) => buildAclFlows(EMPTY_SWITCH, { ...flags, acls: [a], lbs: [] }, add), agg);
      m.set(sig, u);
    }
    return u;
  }

  private parsed(lb: LoadBalancer): ParsedLb {
    let p = this.parsedLbs.get(lb);
    if (!p) {
      reportUnsupportedLb(lb, this.diag);
      p = parseLb(lb, this.diag);
      this.parsedLbs.set(lb, p);
    }
    return p;
  }

  private swLbAgg(hasLbVip: boolean): readonly FlowSpec[] {
    let u = this.swLbAggs.get(hasLbVip);
    if (!u) this.swLbAggs.set(hasLbVip, (u = collect((add) => buildSwitchLbFlows([], hasLbVip, add))));
    return u;
  }

  private swLbUnit(p: ParsedLb): readonly FlowSpec[] {
    let u = this.swLbUnits.get(p);
    if (!u) this.swLbUnits.set(p, (u = collect((add) => buildSwitchLbFlows([p], false, add))));
    return u;
  }

  private routerLbRows(lr: RouterDatapath): LoadBalancer[] {
    const uuids = new Set<string>(lr.nb.load_balancer);
    for (const g of lr.nb.load_balancer_group)
      for (const u of this.nb.Load_Balancer_Group.get(g)?.load_balancer ?? []) uuids.add(u);
    return [...uuids]
      .sort()
      .map((u) => this.nb.Load_Balancer.get(u as never))
      .filter((r) => r !== undefined);
  }

  /** A router's load balancers, parsed, in UUID order; shared by routers with the same balancers and groups. */
  private routerLbList(lr: RouterDatapath): readonly ParsedLb[] {
    const sig = lbConfigSig(lr.nb);
    let l = this.rtrLbLists.get(sig);
    if (!l) this.rtrLbLists.set(sig, (l = this.routerLbRows(lr).map((r) => this.parsed(r))));
    return l;
  }

  private computeRouter(lr: RouterDatapath): void {
    const rl = routerLbs(lr, this.routerLbList(lr));
    this.routerLb.set(lr.uuid, rl);
    reportUnsupportedRouter(lr, rl.lbs.length, this.diag);
    const nat = routerNat(lr, this.nb, this.diag, rl.ips);
    this.routerNatOf.set(lr.uuid, nat);
    this.flows.setUnit(
      lr.uuid,
      'core',
      collect((add, t) => {
        buildRouterFlows(lr, t, nat, false);
        buildRouterNatFlows(lr, nat, add);
      }),
    );
    const arp = new Set<string>();
    for (const p of lr.ports) {
      arp.add(unitId('arp', p.name));
      this.setArpUnit(p);
    }
    this.dropUnits(lr.uuid, 'arp:', arp);
    const keep = new Set<string>();
    // Address sets of reachable VIPs (named by the router's key).
    const key = this.dpKeys.get(lr.uuid);
    for (const name of this.asNamesOf.get(`lr:${lr.uuid}`) ?? []) {
      this.asRows.delete(name);
      this.touched.addressSets.add(name);
    }
    const names: string[] = [];
    if (key !== undefined) {
      if (rl.reachable4.length)
        (names.push(lbAddressSetName(key, 4)), this.asRows.set(lbAddressSetName(key, 4), rl.reachable4));
      if (rl.reachable6.length)
        (names.push(lbAddressSetName(key, 6)), this.asRows.set(lbAddressSetName(key, 6), rl.reachable6));
    }
    for (const n of names) this.touched.addressSets.add(n);
    this.asNamesOf.set(`lr:${lr.uuid}`, names);
    if (nat.isGatewayRouter || !hasDistributedGatewayPort(lr)) {
      const external = new Set(nat.entries.map((e) => e.externalIp));
      this.routerExternal.set(lr.uuid, { ips: external, sig: [...external].sort().join(',') });
      this.flows.setUnit(
        lr.uuid,
        'lb',
        collect((add) => buildRouterLbFlows(lr, { ...rl, lbs: [] }, key, external, add)),
      );
      const extSig = [...external].sort().join(',');
      for (const p of rl.lbs) {
        keep.add(unitId('lb', p.nb._uuid));
        this.flows.setUnit(lr.uuid, unitId('lb', p.nb._uuid), this.rtrLbUnit(lr, p, external, extSig));
      }
    } else {
      this.flows.dropUnit(lr.uuid, 'lb');
      this.routerExternal.delete(lr.uuid);
    }
    this.dropUnits(lr.uuid, 'lb:', keep);
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
      const cached = lsp.type === 'router' ? undefined : this.arpParts.get(lsp.nb);
      let part = cached?.rp === p ? cached.flows : undefined;
      if (!part) {
        part = collect((add) => buildArpResolveFor(p, lsp, arpResolveAdd(add)));
        if (lsp.type !== 'router') this.arpParts.set(lsp.nb, { rp: p, flows: part });
      }
      for (const f of part)
        if (!seen.has(f.key)) {
          seen.add(f.key);
          specs.push(f);
        }
    }
    this.flows.setUnit(p.dp.uuid, unitId('arp', p.name), specs);
  }

  private updateRouterLbUnits(uuid: string, lbs: ReadonlySet<string>): void {
    const lr = this.routers.get(uuid)!;
    const ext = this.routerExternal.get(uuid);
    if (!ext) return; // no load balancing on this router
    // routerLb's parsed list keeps the old rows: only VIP addresses are read from it, and those
    // did not change (a handler sends VIP changes to a full router recompute).
    for (const lb of lbs) {
      const row = this.nb.Load_Balancer.get(lb as never);
      if (row) this.flows.setUnit(uuid, unitId('lb', lb), this.rtrLbUnit(lr, this.parsed(row), ext.ips, ext.sig));
    }
  }

  private rtrLbUnit(
    lr: RouterDatapath,
    p: ParsedLb,
    external: ReadonlySet<string>,
    extSig: string,
  ): readonly FlowSpec[] {
    let m = this.rtrLbUnits.get(p);
    if (!m) this.rtrLbUnits.set(p, (m = new Map()));
    let u = m.get(extSig);
    if (!u) {
      if (!this.rtrLbAggKeys)
        this.rtrLbAggKeys = new Set(
          collect((add) =>
            buildRouterLbFlows(
              lr,
              { lbs: [], ips: new Set(['0.0.0.0']), reachable4: [], reachable6: [] },
              undefined,
              new Set(),
              add,
            ),
          ).map((f) => f.key),
        );
      u = collect(
        (add) =>
          buildRouterLbFlows(
            lr,
            { lbs: [p], ips: new Set(['0.0.0.0']), reachable4: [], reachable6: [] },
            undefined,
            external,
            add,
          ),
        this.rtrLbAggKeys,
      );
      m.set(extSig, u);
    }
    return u;
  }

  /** Port bindings and multicast groups of one datapath, keeping every existing key. */
  private bind(dp: Datapath): void {
    const key = this.dpKeys.get(dp.uuid);
    if (key === undefined) return;
    const sbDp = {
      _uuid: 'dp',
      tunnel_key: key,
      external_ids: { [dp.kind === 'switch' ? 'logical-switch' : 'logical-router']: dp.uuid },
    };
    const pbs = new Map<string, Row>();
    const names: string[] = dp.ports.map((p) => p.name);
    if (dp.kind === 'router') for (const p of dp.ports) names.push(`cr-${p.name}`);
    // Ports this datapath already bound keep the keys the SB has from us (an SB changed by anyone else
    // forces a full recompute); only new ones are looked up in the SB.
    const old = new Map((this.bindings.get(dp.uuid)?.ports ?? []).map((p) => [p.logicalPort, p]));
    for (const name of names) {
      const had = old.get(name);
      const e = had ? { datapath: had.datapath, tunnelKey: had.tunnelKey } : this.sbPort(name);
      if (e && e.datapath === dp.uuid)
        pbs.set(name, { _uuid: name, logical_port: name, datapath: 'dp', tunnel_key: e.tunnelKey });
    }
    const sb = { Datapath_Binding: new Map([['dp', sbDp]]), Port_Binding: pbs, Chassis: new Map(), Encap: new Map() };
    const topo = {
      switches: dp.kind === 'switch' ? [dp] : [],
      routers: dp.kind === 'router' ? [dp] : [],
      lsps: new Map(),
      lrps: new Map(),
    } as Topology;
    const b = buildBindings(topo, sb as unknown as SbKeyInput, this.diag, this.distNat);
    if (b.dpKeys.get(dp.uuid) !== key) throw new NeedsRecompute('datapath key moved');
    // Only bindings that came, went or differ are written (a port add rebinds the switch's 100 ports).
    for (const p of b.ports) {
      const o = old.get(p.logicalPort);
      old.delete(p.logicalPort);
      if (!o || !samePortBinding(o, p)) this.touched.ports.add(p.logicalPort);
    }
    for (const name of old.keys()) this.touched.ports.add(name);
    this.touched.mcDatapaths.add(dp.uuid);
    this.bindings.set(dp.uuid, { ports: b.ports, mcs: b.multicastGroups });
  }

  private setLbRow(lb: string): void {
    const row = this.nb.Load_Balancer.get(lb as never);
    const sws = this.lbSwitches.get(lb);
    if (row && sws?.size) this.lbRows.set(lb, sbLoadBalancer(row, sws));
    else this.lbRows.delete(lb);
    this.touched.loadBalancers.add(lb);
  }
}

class NeedsRecompute extends Error {}

/** A datapath's load balancer configuration: its direct balancers and its groups. */
function lbConfigSig(row: {
  readonly load_balancer: readonly string[];
  readonly load_balancer_group: readonly string[];
}) {
  return `${row.load_balancer.join(',')}|${row.load_balancer_group.join(',')}`;
}

/**
 * Unit ids, interned: the same few thousand ids are used on hundreds of datapaths. Looked up by the row
 * UUID string (the same string object every time, its hash computed once), never by a new concatenation.
 */
const unitIds = {
  acl: new Map<string, string>(),
  lb: new Map<string, string>(),
  arp: new Map<string, string>(),
  lsp: new Map<string, string>(),
};
function unitId(kind: keyof typeof unitIds, id: string): string {
  const m = unitIds[kind];
  let u = m.get(id);
  if (u === undefined) {
    if (m.size > 1_000_000) m.clear();
    m.set(id, (u = `${kind}:${id}`));
  }
  return u;
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const sameMap = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) =>
  sameKeys(a, b) && Object.keys(a).every((k) => a[k] === b[k]);

type Same<T> = (a: T, b: T) => boolean;
const eq = <T>(a: T, b: T) => a === b;
/** How each binding column compares (a column added to PortBindingOut must be listed: a type error otherwise). */
const PB_COLUMNS: { readonly [K in keyof PortBindingOut]-?: Same<PortBindingOut[K]> } = {
  logicalPort: eq,
  datapath: eq,
  tunnelKey: eq,
  type: eq,
  parentPort: eq,
  tag: eq,
  mac: sameList,
  portSecurity: sameList,
  options: sameMap,
  externalIds: sameMap,
};
const PB_KEYS = Object.keys(PB_COLUMNS) as (keyof PortBindingOut)[];

function samePortBinding(a: PortBindingOut, b: PortBindingOut): boolean {
  return PB_KEYS.every((k) => (PB_COLUMNS[k] as Same<unknown>)(a[k], b[k]));
}

/** Same rows, in the same order, by identity. */
function sameRows(a: readonly object[], b: readonly object[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function tnlKeyChanged(o: Row, n: Row, col: string): boolean {
  return (
    (o[col] as Record<string, string>)['requested-tnl-key'] !== (n[col] as Record<string, string>)['requested-tnl-key']
  );
}

function addToList<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

const byNameThenUuid = <T extends { name: string; _uuid: string }>(a: T, b: T) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a._uuid < b._uuid ? -1 : a._uuid > b._uuid ? 1 : 0;
