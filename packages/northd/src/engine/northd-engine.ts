// The incremental northd: the engine graph (graph.ts) fed with each round's NB view and tracked
// changes, and its output read by identity for the SB writer. A full recompute is the same graph run
// with every node recomputing; compile() is exactly that on a fresh engine.
import { datapathExternalIds, type MulticastGroupOut, type PortBindingOut } from '../bindings.js';
import type { CompiledSb } from '../compiled-sb.js';
import { withLearnedGroups } from '../igmp-mc-rows.js';
import { affectsCompile, lspUpMatters } from '../change-filter.js';
import { Diagnostics, type Diagnostic } from '../diagnostics.js';
import type { NbChange, NbInput, SbChange, SbKeyInput } from '../input.js';
import { DHCPV4_OPTION_CODES, DHCPV6_OPTION_CODES } from '../stateful/dhcp-codes.js';
import type { SbLoadBalancerOut } from '../stateful/sb-load-balancers.js';
import type { SbPortGroupOut } from '../stateful/port-groups.js';
import type { SbMeterOut } from '../stateful/meters.js';
import type { Datapath } from '../topology.js';
import type { HaGroupOut } from '../ha-chassis-groups.js';
import type { FlowSpec } from './flow-set.js';
import type { BfdInput } from '../sync/bfd.js';
import { perKeyedTable, type KeyedRow, type KeyedTable, type KeyedTouched } from '../sync/keyed-rows.js';
import { buildGraph, type EngineGraph } from './graph.js';
import { sizeUnitIds } from './nodes/util.js';
import type { EngineContext, RecomputeStep, SbPortLookup } from './nodes/inputs.js';

export type { RecomputeStep, SbPortLookup } from './nodes/inputs.js';

/** A tracked NB row change, as the replica's takeChanges() reports it. */
export type EngineChange = NbChange;

/** Identities whose SB rows may differ from what was last written. */
export interface Touched {
  readonly flows: ReadonlySet<string>;
  readonly ports: ReadonlySet<string>;
  /** Datapaths whose Multicast_Group rows to revisit. */
  readonly mcDatapaths: ReadonlySet<string>;
  readonly portGroups: ReadonlySet<string>;
  readonly addressSets: ReadonlySet<string>;
  /** NB Load_Balancer UUIDs. */
  readonly loadBalancers: ReadonlySet<string>;
  /** SB_Global.options may differ. */
  readonly sbGlobal: boolean;
  /** SB HA_Chassis_Group names whose rows (or their HA_Chassis rows) may differ. */
  readonly haGroups: ReadonlySet<string>;
  /** SB Meter names. */
  readonly meters: ReadonlySet<string>;
  /** Keys of Mirror, Static_MAC_Binding, Chassis_Template_Var and IP_Multicast rows. */
  readonly keyed: KeyedTouched;
  /** The BFD sessions or the routes using them changed. */
  readonly bfd: boolean;
}

export interface RoundResult {
  /** The whole output was recomputed (the SB writer must diff everything). */
  readonly full: boolean;
  readonly reason: string;
  readonly touched: Touched;
}

const NOTHING: Touched = {
  flows: new Set(),
  ports: new Set(),
  mcDatapaths: new Set(),
  portGroups: new Set(),
  addressSets: new Set(),
  loadBalancers: new Set(),
  sbGlobal: false,
  haGroups: new Set(),
  meters: new Set(),
  keyed: perKeyedTable(() => new Set<string>()),
  bfd: false,
};

export class NorthdEngine {
  private readonly ctx: EngineContext = { diag: new Diagnostics(), onStep: undefined };
  private readonly g: EngineGraph = buildGraph(this.ctx);
  private initialized = false;

  /** Per-node counters in ovn-northd's `inc-engine/show-stats` format. */
  showStats(): string {
    return this.g.engine.showStats();
  }
  clearStats(): void {
    this.g.engine.clearStats();
  }
  /** The graph's nodes and edges (for the diagram). */
  graph(): EngineGraph['engine'] {
    return this.g.engine;
  }

  /**
   * Full recompute from `nb` and the SB's keys: every node recomputes. `onStep` hears when the datapaths
   * have their keys and when each router and switch is computed (its units then in `unitsOf`), for a
   * writer that streams a cold SB meanwhile.
   */
  recompute(nb: NbInput, sb: SbKeyInput | undefined, onStep?: (s: RecomputeStep) => void): RoundResult {
    sizeMemos(nb);
    this.g.nb.set(nb, []);
    this.g.sb.set(sb, () => undefined, []);
    this.ctx.diag = new Diagnostics();
    this.ctx.onStep = onStep;
    this.initialized = true;
    try {
      this.g.engine.run(true);
    } finally {
      this.ctx.onStep = undefined;
    }
    return { full: true, reason: 'recompute', touched: NOTHING };
  }

  /**
   * One incremental round: `nb` is the NB after `changes`; `sbPort` answers existing SB port keys;
   * `sbChanges` are the chassis and encapsulation changes (undefined: not tracked, so looked at).
   * A node that cannot handle a change recomputes, and so do the nodes after it: the round is then full.
   */
  run(
    nb: NbInput,
    changes: readonly EngineChange[],
    sb: SbKeyInput,
    sbPort: SbPortLookup,
    sbChanges?: readonly SbChange[],
  ): RoundResult {
    if (!this.initialized) return { ...this.recompute(nb, sb), reason: 'first round' };
    sizeMemos(nb);
    const lspUp = lspUpMatters([...nb.NB_Global.values()][0]);
    this.g.nb.set(
      nb,
      changes.filter((c) => affectsCompile(c, lspUp)),
      changes.some((c) => c.table === 'NB_Global'),
    );
    this.g.sb.set(sb, sbPort, sbChanges);
    this.g.engine.run(false);
    const why = this.g.engine.lastRecompute;
    if (why) return { full: true, reason: `${why} recomputed`, touched: NOTHING };
    const g = this.g;
    return {
      full: false,
      reason: '',
      touched: {
        flows: g.lflows.touched,
        ports: g.bindings.ports,
        mcDatapaths: new Set([...g.bindings.mcDatapaths, ...g.igmpGroups.mcDatapaths]),
        portGroups: g.portGroups.touchedRows,
        addressSets: g.syncAddrSets.touched,
        loadBalancers: g.sbLoadBalancers.touched,
        sbGlobal: g.sbGlobal.updated(),
        haGroups: g.haGroups.touched,
        meters: g.meters.touched,
        keyed: g.keyedRows.touched,
        bfd: g.bfd.updated(),
      },
    };
  }

  /**
   * Everything, in compile()'s shape (for full SB diffs and the equivalence tests). `flows: false`: without
   * the logical flows (`logicalFlows` empty), for a writer that takes them from forEachFlow.
   */
  compiled(opts: { readonly flows?: boolean } = {}): CompiledSb {
    const g = this.g;
    const datapaths = this.datapaths();
    const portBindings: PortBindingOut[] = [];
    const multicastGroups: MulticastGroupOut[] = [];
    for (const dp of datapaths) {
      portBindings.push(...g.bindings.portBindings(dp.id));
      multicastGroups.push(...this.multicastGroups(dp.id));
    }
    return {
      datapaths,
      portBindings,
      multicastGroups,
      logicalFlows: opts.flows === false ? [] : g.lflows.toArray(),
      sbGlobalOptions: g.sbGlobal.options,
      keyedRows: g.keyedRows.all(),
      mirrorNames: g.keyedRows.mirrorNames,
      bfd: g.bfd.input,
      addressSets: g.addressSets.all(),
      portGroups: [...g.portGroups.allRows()],
      loadBalancers: [...g.sbLoadBalancers.all()].sort((a, b) =>
        a.externalIds['lb_id']! < b.externalIds['lb_id']! ? -1 : 1,
      ),
      meters: [...g.meters.all()].sort((a, b) => (a.name < b.name ? -1 : 1)),
      dhcpOptions: DHCPV4_OPTION_CODES,
      dhcpv6Options: DHCPV6_OPTION_CODES,
      haChassisGroups: [...g.haGroups.groups.values()],
      diagnostics: this.ctx.diag.list,
    };
  }

  /** Diagnostics found since the last call. */
  takeDiagnostics(): Diagnostic[] {
    return this.ctx.diag.list.splice(0);
  }

  // ---- outputs by identity, for the SB writer ----

  /** The SB datapaths, routers first. */
  datapaths(): CompiledSb['datapaths'][number][] {
    const t = this.g.topology;
    const out: CompiledSb['datapaths'][number][] = [];
    for (const dp of [...t.routers.values(), ...t.switches.values()]) {
      const key = this.g.bindings.dpKeys.get(dp.uuid);
      if (key !== undefined) out.push(datapathOut(dp, key));
    }
    return out;
  }
  /** A datapath's flow units (unit id → flows): `core`, `acl`, `lb`, and `<kind>:<id>` per row. */
  unitsOf(dp: string): ReadonlyMap<string, readonly FlowSpec[]> | undefined {
    return this.g.lflows.unitsOf(dp);
  }

  /**
   * Every logical flow, in compiled()'s order, as its spec (content and key) and its datapath set, with
   * no LogicalFlow object built per flow; `datapaths` and `dpKey` are shared by the flows of one set.
   */
  forEachFlow(fn: (spec: FlowSpec, datapaths: readonly string[], dpKey: string) => void): void {
    this.g.lflows.forEachFlow(fn);
  }
  datapathIds(): Iterable<string> {
    return this.g.bindings.dpKeys.keys();
  }
  portBinding(dp: string): readonly PortBindingOut[] {
    return this.g.bindings.portBindings(dp);
  }
  /** The port binding named `name`, or undefined. */
  portBindingByName(name: string): PortBindingOut | undefined {
    const t = this.g.topology;
    const p = t.lsps.get(name) ?? t.lrps.get(name);
    const dp = p ? p.dp.uuid : name.startsWith('cr-') ? t.lrps.get(name.slice(3))?.dp.uuid : undefined;
    if (!dp) return undefined;
    return this.g.bindings.portBindings(dp).find((b) => b.logicalPort === name);
  }
  /** A datapath's Multicast_Group rows: its own, and the groups snooping learned (igmp_groups). */
  multicastGroups(dp: string): readonly MulticastGroupOut[] {
    const own = this.g.bindings.multicastGroups(dp);
    const igmp = this.g.igmpGroups;
    const learned = igmp.groupsOf(dp);
    const mrouters = igmp.mroutersOf(dp);
    if (!learned.length && !mrouters) return own;
    return withLearnedGroups(dp, own, learned, mrouters);
  }
  flow(key: string) {
    return this.g.lflows.flow(key);
  }
  portGroupRow(name: string): SbPortGroupOut | undefined {
    return this.g.portGroups.row(name);
  }
  addressSet(name: string): readonly string[] | undefined {
    return this.g.addressSets.get(name);
  }
  loadBalancerRow(uuid: string): SbLoadBalancerOut | undefined {
    return this.g.sbLoadBalancers.row(uuid);
  }
  haChassisGroup(name: string): HaGroupOut | undefined {
    return this.g.haGroups.groups.get(name);
  }
  /** Per HA chassis group of 2+ chassis, the switches whose bound ports make up its ref_chassis. */
  haRefSwitches(): ReadonlyMap<string, readonly string[]> {
    return this.g.haGroups.refSwitches;
  }
  meterRow(name: string): SbMeterOut | undefined {
    return this.g.meters.row(name);
  }
  bfdInput(): BfdInput {
    return this.g.bfd.input;
  }
  keyedRow(table: KeyedTable, key: string): KeyedRow | undefined {
    return this.g.keyedRows.row(table, key);
  }
  /** The name of an NB Mirror (Port_Binding.mirror_rules names the SB Mirror of that name). */
  mirrorName(uuid: string): string | undefined {
    return this.g.keyedRows.mirrorNames.get(uuid);
  }
  sbGlobalOptions(): Readonly<Record<string, string>> {
    return this.g.sbGlobal.options;
  }
  datapathKey(dp: string): number | undefined {
    return this.g.bindings.dpKeys.get(dp);
  }
  datapathKind(dp: string): 'switch' | 'router' | undefined {
    const t = this.g.topology;
    return t.switches.has(dp) ? 'switch' : t.routers.has(dp) ? 'router' : undefined;
  }
}

function datapathOut(dp: Datapath, key: number): CompiledSb['datapaths'][number] {
  return {
    id: dp.uuid,
    kind: dp.kind,
    tunnelKey: key,
    externalIds: datapathExternalIds(dp),
  };
}

/** The process-wide memos follow the NB's size (bounded state, README). */
function sizeMemos(nb: NbInput): void {
  sizeUnitIds({
    switchPorts: nb.Logical_Switch_Port.size,
    acls: nb.ACL.size,
    balancersAndRouters: nb.Load_Balancer.size + nb.Logical_Router.size,
    routerPorts: nb.Logical_Router_Port.size,
  });
}
