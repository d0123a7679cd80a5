// Engine node lflow_output: the OpenFlow of each (logical flow, local datapath), under its own owner in the
// desired flow table. A compilation records what it looked up (port names, port keys' relatedness, chassis
// residency, address sets, port groups, meters), so a round recompiles only the pairs whose logical flow
// changed, whose datapath became local or changed, or whose recorded look-ups the round's changes touch —
// what ovn-controller calls resource references. DHCP option tables have no handler (recompute).
import type { Uuid } from 'ovsdb-client-ts';
import type { NodeData } from '@ovnts/daemon';
import {
  Compiler,
  sizeSharedParts,
  type CompiledFlow,
  type DatapathContext,
  type LogicalFlow as ExprFlow,
} from '@ovnts/expr';
import type { Group } from '@ovnts/openflow';
import type { DatapathBinding, LogicalFlow, MulticastGroup, PortBinding } from '@ovnts/schema/sb';
import type { DesiredFlows } from '../flow-table.js';
import type { GroupTable } from '../groups.js';
import { RELATED_TYPES, SbIndex, datapathsOf, retarget } from '../logical.js';
import { VIF_TYPES } from '../view.js';
import { MeterIds } from '../meters.js';
import type { RoundInput, SbTablesInput } from './inputs.js';
import type { RuntimeData } from './runtime-data.js';
import { SetIndex } from './set-index.js';
import { LflowTemplates, abstractFlow, type AbstractFlow, type TemplateScope } from './lflow-template.js';

type DpUuid = Uuid<'Datapath_Binding'>;
/** One shared empty list for the entries with no groups or look-ups (most of them: 24k at 100×50). */
const NONE: readonly never[] = [];
type LfUuid = Uuid<'Logical_Flow'>;

interface Entry {
  readonly lf: LfUuid;
  readonly dp: DpUuid;
  readonly flows: readonly CompiledFlow[];
  readonly groups: readonly Omit<Group, 'groupId'>[];
  readonly error?: string;
  /** Look-ups, datapath-neutral: `n:<port name>`, `r:<port name>`, `k:<port key>`, `as:<set>`, `pg:<group>`, `meter`. */
  readonly deps: readonly string[];
}

interface DpContext {
  readonly ctx: DatapathContext;
  /**
   * Flows of one shape learnt on this datapath (a router's per-port shapes: the shared store needs two datapaths;
   * shapes whose output holds something of the datapath's own).
   */
  readonly templates: LflowTemplates;
  /** What the templates read of the datapath. */
  readonly scope: TemplateScope;
  /** Its templates' kind in the shared store (what the compiler reads of a datapath besides its key). */
  readonly kind: string;
  /** Where the look-ups of the compilation in progress are recorded. */
  deps: string[];
  groups: Omit<Group, 'groupId'>[];
}

export class LflowOutput implements NodeData {
  private readonly entries = new Map<string, Entry>();
  /** Recorded SB-wide look-up (`r:`, `as:`, `pg:`, `meter`) → entry keys. */
  private readonly byDep = new SetIndex<string, string>();
  /**
   * Per datapath, its port look-ups (`n:`, `k:`) → entry keys. Keyed by the recorded strings themselves, which
   * a datapath context makes once per name or key (their hashes computed once), where one index of
   * `<datapath>|<look-up>` keys built a new string per look-up of each stored entry (~100k at a 100×50 start),
   * to be flattened and hashed again.
   */
  private readonly byDpDep = new Map<DpUuid, SetIndex<string, string>>();
  private readonly byDp = new Map<DpUuid, Set<string>>();
  private readonly withGroups = new Set<string>();
  private readonly withErrors = new Set<string>();
  private wanted: Group[] = [];
  /** Logical flows by datapath and by datapath group (from the SB; kept up to date by the handlers). */
  private readonly lflowsByDp = new Map<DpUuid, Set<LfUuid>>();
  private readonly lflowsByGroup = new Map<Uuid<'Logical_DP_Group'>, Set<LfUuid>>();
  /**
   * The datapaths each logical flow is indexed under in lflowsByDp: unindexing must not look its group up in the
   * SB, which may have changed or deleted the group in the same update (its members then stayed in lflowsByDp
   * for good: 5.8 MB after 20k edits of issue 24's soak, growing).
   */
  private readonly lflowDps = new Map<LfUuid, DpUuid | readonly DpUuid[]>(); // one datapath bare (most flows)
  /** Work the handlers noted for settle(). */
  private readonly queuedLflows = new Set<LfUuid>();
  /**
   * Queued flows that came in as new rows and have no entries (none queued before): entriesOfLflow, which
   * tries the flow on every datapath holding entries, is skipped for them. A slice arriving in parts (a start's
   * widening in steps) adds 24k flows to a chassis already holding entries on 100 datapaths.
   */
  private readonly freshLflows = new Set<LfUuid>();
  private readonly queuedEntries = new Set<string>();
  private readonly queuedDps = new Set<DpUuid>();
  /**
   * Pairs a time-sliced settle left for the next one (`sliceMs`): the engine runs again while any are left,
   * and the controller installs only once none are.
   */
  private readonly backlog = new Map<LfUuid, Set<DpUuid>>();
  /**
   * A recompute's logical flows not yet indexed and queued (their uuids as of the recompute): settle() takes
   * them a slice at a time, so a start's 20k-flow set-up does not hold the event loop either.
   */
  private scan: LfUuid[] = [];
  private scanAt = 0;
  /** Compile for at most about this long per settle (wall ms), then leave the rest in the backlog. */
  sliceMs: number | undefined;
  private nextConj = 1;
  private compiler = new Compiler();
  private contexts = new Map<DpUuid, DpContext>();
  /**
   * Flows of one shape compiled once for every datapath of a kind (a switch's per-port flows, the same text on
   * every switch), one store per kind: kept while the SB index is (meter ids, DHCP options are in what they copy).
   */
  private sharedTemplates = new Map<string, LflowTemplates>();
  /** The local view the contexts were built from. */
  private contextsView: object | undefined;
  /**
   * Set by the engine for a round that only continues a sliced one (same snapshot, no change): nothing of the
   * datapath contexts and the SB index can be stale (see dropStaleContexts).
   */
  keepContexts = false;
  private index: SbIndex | undefined;
  private changed = false;
  /** Meter name → OpenFlow meter id, stable while the name exists (kept across recomputes, as the switch's meters are). */
  readonly meters = new MeterIds();
  errors: { lflow: string; error: string }[] = [];
  /** (logical flow, datapath) pairs compiled in the last round, and since the start. */
  lastCompiled = 0;
  compiledTotal = 0;
  /**
   * How the pairs were compiled, as coverage counters (`coverage/show`): `lflow_compile_full` (parsed and
   * compiled; `_untemplated` of them had no abstract form, the rest had no learnt shape), `lflow_compile_skipped`
   * (a switch's flow tagged with a port not related here: nothing to compile), `lflow_compile_template`
   * (copied from a learnt shape), `lflow_compile_dp_copy` (a datapath group's flow moved from its first datapath of
   * the kind).
   */
  readonly counts = new Map<string, number>();

  /** Compiled (logical flow, datapath) pairs held. */
  get size(): number {
    return this.entries.size;
  }

  /** Compilations a sliced settle left for the next round. */
  /**
   * Index keys left with no members, and logical flows indexed under a datapath or group they are no longer on
   * (none when the indexes shrink as keys go; the random walk checks).
   */
  staleIndexEntries(): string[] {
    const out: string[] = [];
    for (const [k, , n] of this.byDep.entries()) if (n === 0) out.push(`byDep ${k}`);
    for (const [dp, deps] of this.byDpDep) {
      if (deps.size === 0) out.push(`byDpDep ${dp}`);
      for (const [k, , n] of deps.entries()) if (n === 0) out.push(`byDpDep ${dp}|${k}`);
    }
    const idx = { byDp: this.byDp, lflowsByDp: this.lflowsByDp, lflowsByGroup: this.lflowsByGroup };
    for (const [name, m] of Object.entries(idx))
      for (const [k, set] of m as Map<string, Set<string>>) if (set.size === 0) out.push(`${name} ${k}`);
    const { sb } = this.input();
    for (const [d, lfs] of this.lflowsByDp)
      for (const lf of lfs) {
        const row = sb.Logical_Flow.get(lf);
        if (!row || !datapathsOf(row, sb).includes(d)) out.push(`lflowsByDp ${d} ${lf}`);
      }
    for (const [g, lfs] of this.lflowsByGroup)
      for (const lf of lfs) if (sb.Logical_Flow.get(lf)?.logical_dp_group !== g) out.push(`lflowsByGroup ${g} ${lf}`);
    for (const lf of this.lflowDps.keys()) if (!sb.Logical_Flow.has(lf)) out.push(`lflowDps ${lf}`);
    return out;
  }

  get pending(): boolean {
    const queued = this.rt.view !== undefined && this.queuedLflows.size > 0;
    return this.backlog.size > 0 || this.scanAt < this.scan.length || queued;
  }

  constructor(
    private readonly input: () => RoundInput,
    private readonly rt: RuntimeData,
    private readonly sbIn: SbTablesInput,
    private readonly desired: DesiredFlows,
    private readonly groups: GroupTable,
  ) {}

  clearTracked(): void {
    this.changed = false;
    if (!this.keepContexts) this.dropStaleContexts();
    this.lastCompiled = 0;
  }

  /**
   * The datapath contexts and the SB index outlive a round (rebuilding them for every pod's few compilations
   * cost more than compiling): a round drops what its changes reach — the index (and every context, which
   * holds its maps) for an address set, port group, meter, DHCP option or a group's name or key, a datapath's
   * context for a change of the datapath or of one of its ports; contextFor drops all for a new local view.
   */
  private dropStaleContexts(): void {
    const changes = this.sbIn;
    const indexMoved =
      changes.changes('Address_Set').length > 0 ||
      changes.changes('Port_Group').length > 0 ||
      changes.changes('Meter').length > 0 ||
      changes.changes('DHCP_Options').length > 0 ||
      changes.changes('DHCPv6_Options').length > 0 ||
      changes.changes('Multicast_Group').some((c) => !(c.old && c.new && sameGroupIdentity(c.old, c.new)));
    if (indexMoved) {
      this.contexts = new Map();
      this.index = undefined;
      this.sharedTemplates = new Map();
      return;
    }
    for (const c of changes.changes('Port_Binding'))
      for (const pb of [c.old, c.new]) if (pb) this.contexts.delete(pb.datapath);
    for (const c of changes.changes('Datapath_Binding')) this.contexts.delete(c.uuid);
  }

  recompute(): void {
    this.contexts = new Map();
    this.index = undefined;
    this.sharedTemplates = new Map();
    for (const k of this.entries.keys()) this.desired.delete(k);
    this.entries.clear();
    this.byDep.clear();
    this.byDpDep.clear();
    this.byDp.clear();
    this.withGroups.clear();
    this.withErrors.clear();
    this.lflowsByDp.clear();
    this.lflowsByGroup.clear();
    this.lflowDps.clear();
    this.queuedLflows.clear();
    this.freshLflows.clear();
    this.queuedEntries.clear();
    this.queuedDps.clear();
    this.backlog.clear();
    this.compiler = new Compiler(); // DHCP option tables may have changed (the compiler caches parses)
    this.syncMeterIds();
    this.scan = [...this.input().sb.Logical_Flow.keys()];
    this.scanAt = 0;
    this.settle();
    this.changed = true;
  }

  updated(): boolean {
    return this.changed;
  }

  // ---- handlers (note work; settle() does it) ----

  /** Datapaths that became local get all their flows; those that stopped being local lose them. */
  handleRuntimeData(): boolean {
    if (this.rt.chassisChanged) return false; // which ports are ours: relatedness of every port
    for (const d of this.rt.changedDps) this.queuedDps.add(d);
    return true;
  }

  handleLogicalFlows(): boolean {
    for (const c of this.sbIn.changes('Logical_Flow')) {
      if (c.old) this.indexLflow(c.old, false);
      if (c.new) this.indexLflow(c.new, true);
      if (!c.old && !this.queuedLflows.has(c.uuid)) this.freshLflows.add(c.uuid);
      else this.freshLflows.delete(c.uuid);
      this.queuedLflows.add(c.uuid);
    }
    return true;
  }

  handleDpGroups(): boolean {
    for (const c of this.sbIn.changes('Logical_DP_Group'))
      for (const lf of this.lflowsByGroup.get(c.uuid) ?? []) {
        this.indexOnDps(lf, c.new?.datapaths ?? []);
        this.queuedLflows.add(lf);
      }
    return true;
  }

  handleDatapaths(): boolean {
    for (const c of this.sbIn.changes('Datapath_Binding')) this.queuedDps.add(c.uuid);
    return true;
  }

  /** A port's name, key, relatedness or residency changed: the compilations that looked it up. */
  handlePorts(): boolean {
    const me = this.rt.view?.chassis?._uuid;
    for (const c of this.sbIn.changes('Port_Binding')) {
      // A port that keeps its name, key and datapath changes only what its residency and relatedness look-ups
      // answer, and only when it moves to or from this chassis: another chassis's claim of a pod, or its `up`,
      // recompiles nothing (every chassis sees every pod's claim).
      if (c.old && c.new && samePortIdentity(c.old, c.new)) {
        if (isResident(c.old, me) !== isResident(c.new, me)) this.queueDep(`r:${c.new.logical_port}`);
        if (isRelated(c.old, me) !== isRelated(c.new, me)) this.queuePortDep(c.new.datapath, `k:${c.new.tunnel_key}`);
        continue;
      }
      for (const pb of [c.old, c.new])
        if (pb) {
          this.queuePortDep(pb.datapath, `n:${pb.logical_port}`);
          this.queuePortDep(pb.datapath, `k:${pb.tunnel_key}`);
          this.queueDep(`r:${pb.logical_port}`);
        }
    }
    return true;
  }

  /** A group's name → key look-up; a change of its members (every pod added or removed) compiles nothing. */
  handleMulticastGroups(): boolean {
    for (const c of this.sbIn.changes('Multicast_Group')) {
      const { old, new: now } = c;
      if (old && now && sameGroupIdentity(old, now)) continue;
      for (const mc of [old, now]) if (mc) this.queuePortDep(mc.datapath, `n:${mc.name}`);
    }
    return true;
  }

  handleAddressSets(): boolean {
    for (const c of this.sbIn.changes('Address_Set'))
      for (const r of [c.old, c.new]) if (r) this.queueDep(`as:${r.name}`);
    return true;
  }

  handlePortGroups(): boolean {
    for (const c of this.sbIn.changes('Port_Group'))
      for (const r of [c.old, c.new]) if (r) this.queueDep(`pg:${r.name}`);
    return true;
  }

  /** The backlog input: settle() compiles the next slice. */
  handleBacklog(): boolean {
    return true;
  }

  /** A meter name that appears or goes changes what `meter=` compiles to; band changes need no recompile. */
  handleMeters(): boolean {
    if (this.syncMeterIds()) this.queueDep('meter');
    return true;
  }

  private syncMeterIds(): boolean {
    return this.meters.sync([...this.input().sb.Meter.values()].map((m) => m.name));
  }

  private queueDep(dep: string): void {
    for (const k of this.byDep.get(dep)) this.queuedEntries.add(k);
  }

  /** The entries that looked up a port's name or key (`n:`, `k:`) on its datapath. */
  private queuePortDep(dp: DpUuid, dep: string): void {
    const deps = this.byDpDep.get(dp);
    if (deps) for (const k of deps.get(dep)) this.queuedEntries.add(k);
  }

  // ---- settle: recompile what was queued ----

  settle(): boolean {
    const { sb } = this.input();
    const deadline = this.sliceMs === undefined ? Infinity : performance.now() + this.sliceMs;
    // A recompute's flows, indexed and queued a slice at a time. A flow a later round's handler indexed already
    // is indexed again (sets: no change); one deleted since is skipped.
    while (this.scanAt < this.scan.length) {
      const row = sb.Logical_Flow.get(this.scan[this.scanAt++]!);
      if (row) {
        this.indexLflow(row, true);
        this.queuedLflows.add(row._uuid);
      }
      if ((this.scanAt & 255) === 0 && performance.now() > deadline) break;
    }
    if (this.scanAt >= this.scan.length) {
      this.scan = [];
      this.scanAt = 0;
    }
    const view = this.rt.view;
    if (!view) return true;
    // Contexts read the local view they were built from: a rebuilt view (or a datapath that came or went)
    // builds them again.
    if (view !== this.contextsView) {
      this.contexts = new Map();
      this.contextsView = view;
    }
    for (const d of this.rt.changedDps) this.contexts.delete(d);
    // The compiler's cache holds about the texts of the flows we have (README: bounded state).
    this.compiler.sizeCache(sb.Logical_Flow.size);
    // So do the tables of shared flow parts, of the flows we hold (README: bounded state).
    sizeSharedParts(this.desired.size);
    this.groups.begin();
    // Pairs to (re)build: a logical flow on every local datapath of it, or single pairs. They join what a
    // sliced settle left (the backlog), which is checked again when its turn comes.
    const pairs = this.backlog;
    const want = (lf: LfUuid, dp: DpUuid) => {
      let s = pairs.get(lf);
      if (!s) pairs.set(lf, (s = new Set()));
      s.add(dp);
    };
    // Queued flows are taken a slice at a time too (a recompute queues all of them), each whole.
    let n = 0;
    for (const lf of this.queuedLflows) {
      if (this.scan.length || ((++n & 255) === 0 && performance.now() > deadline)) break;
      this.queuedLflows.delete(lf);
      if (!this.freshLflows.delete(lf)) for (const k of this.entriesOfLflow(lf)) this.drop(k);
      const row = sb.Logical_Flow.get(lf);
      if (row) for (const d of datapathsOf(row, sb)) if (view.localDps.has(d)) want(lf, d);
    }
    for (const d of this.queuedDps) {
      for (const k of [...(this.byDp.get(d) ?? [])]) this.drop(k);
      // The index may hold a flow whose datapath group changed since: check against the row.
      if (view.localDps.has(d))
        for (const lf of this.lflowsByDp.get(d) ?? []) {
          const row = sb.Logical_Flow.get(lf);
          if (row && datapathsOf(row, sb).includes(d)) want(lf, d);
        }
    }
    for (const k of this.queuedEntries) {
      const e = this.entries.get(k);
      if (!e) continue;
      this.drop(k);
      if (view.localDps.has(e.dp) && sb.Logical_Flow.has(e.lf)) want(e.lf, e.dp);
    }
    this.queuedDps.clear();
    this.queuedEntries.clear();

    // Nothing compiles before every queued flow is placed (a pair is compiled once, with what was queued).
    for (const [lf, dps] of this.queuedLflows.size || this.scan.length ? [] : pairs) {
      pairs.delete(lf);
      // A pair left from an earlier slice may be gone or no longer local by now.
      const row = sb.Logical_Flow.get(lf);
      if (!row) continue;
      const of = new Set(datapathsOf(row, sb));
      const still = [...dps].filter((d) => view.localDps.has(d) && of.has(d));
      for (const d of still) this.drop(entryKey(lf, d));
      // Past the slice: the rest waits for the next settle (at least one pair compiles each time); a flow on
      // many datapaths (a port-group ACL on every switch) may stop part-way, its other pairs left for later.
      const left = still.length ? this.compileOn(row, still, deadline) : [];
      if (left.length) pairs.set(lf, new Set(left));
      if (performance.now() > deadline) break;
    }
    for (const k of this.withGroups) for (const g of this.entries.get(k)!.groups) this.groups.id(g);
    this.wanted = this.groups.end();
    this.errors = [...this.withErrors].map((k) => errorOf(sb, this.entries.get(k)!));
    return true;
  }

  /** The groups the installed logical flows use. */
  wantedGroups(): Group[] {
    return this.wanted;
  }

  private entriesOfLflow(lf: LfUuid): string[] {
    const out: string[] = [];
    const row = this.input().sb.Logical_Flow.get(lf);
    const dps = new Set<DpUuid>(row ? datapathsOf(row, this.input().sb) : []);
    for (const d of this.byDp.keys()) dps.add(d);
    for (const d of dps) {
      const k = entryKey(lf, d);
      if (this.entries.has(k)) out.push(k);
    }
    return out;
  }

  private drop(k: string): void {
    const e = this.entries.get(k);
    if (!e) return;
    this.entries.delete(k);
    this.withGroups.delete(k);
    this.withErrors.delete(k);
    unindex(this.byDp, e.dp, k);
    if (e.deps.length) {
      const deps = this.byDpDep.get(e.dp);
      for (const d of e.deps)
        if (!isPortDep(d)) this.byDep.delete(d, k);
        else if (deps) deps.delete(d, k);
      if (deps?.size === 0) this.byDpDep.delete(e.dp);
    }
    this.desired.delete(k);
    this.changed = true;
  }

  private store(e: Entry): void {
    const k = entryKey(e.lf, e.dp);
    this.entries.set(k, e);
    if (e.groups.length) this.withGroups.add(k);
    if (e.error !== undefined) this.withErrors.add(k);
    this.changed = true;
    let s = this.byDp.get(e.dp);
    if (!s) this.byDp.set(e.dp, (s = new Set()));
    s.add(k);
    if (e.deps.length) {
      let deps: SetIndex<string, string> | undefined;
      for (const d of e.deps)
        if (!isPortDep(d)) this.byDep.add(d, k);
        else {
          if (!deps) {
            deps = this.byDpDep.get(e.dp);
            if (!deps) this.byDpDep.set(e.dp, (deps = new SetIndex()));
          }
          deps.add(d, k);
        }
    }
    if (e.error === undefined) this.desired.set(k, e.flows);
    this.lastCompiled++;
    this.compiledTotal++;
  }

  private indexLflow(lf: LogicalFlow, add: boolean): void {
    if (lf.logical_dp_group) {
      if (add) addTo(this.lflowsByGroup, lf.logical_dp_group, lf._uuid);
      else unindex(this.lflowsByGroup, lf.logical_dp_group, lf._uuid);
    }
    this.indexOnDps(lf._uuid, add ? datapathsOf(lf, this.input().sb) : []);
  }

  /** Indexes a logical flow under `dps` (none: unindexed), out of the datapaths it was under. */
  private indexOnDps(lf: LfUuid, dps: readonly DpUuid[]): void {
    const was = this.lflowDps.get(lf) ?? NONE;
    for (const d of typeof was === 'string' ? [was] : was) unindex(this.lflowsByDp, d, lf);
    for (const d of dps) addTo(this.lflowsByDp, d, lf);
    if (dps.length) this.lflowDps.set(lf, dps.length === 1 ? dps[0]! : dps);
    else this.lflowDps.delete(lf);
  }

  /**
   * Compiles one logical flow on some of its datapaths. As the full computation does, a flow that names no
   * port (no string literal, no port group) is compiled once per datapath kind and moved to the others.
   */
  private compileOn(lf: LogicalFlow, dps: readonly DpUuid[], deadline = Infinity): DpUuid[] {
    const view = this.rt.view!;
    const shared = dps.length > 1 && !/["@]/.test(lf.match) && !/["@]/.test(lf.actions);
    const cacheText = Boolean(lf.logical_dp_group);
    const templates = new Map<string, Entry>();
    const input: ExprFlow = {
      uuid: lf._uuid,
      pipeline: lf.pipeline,
      table: lf.table_id,
      priority: lf.priority,
      match: lf.match,
      actions: lf.actions,
      ...(lf.controller_meter ? { controllerMeter: lf.controller_meter } : {}),
      ...(lf.tags['in_out_port'] !== undefined ? { ioPort: lf.tags['in_out_port'] } : {}),
    };
    // Its shape with literals abstracted: a flow of a shape learnt on a datapath copies the learnt output. Made
    // when first needed: a pod's flows tagged with its port are skipped on every chassis but the pod's (5k of
    // the 23.6k logical flows at 100×50), and abstracting a text is a few regular expressions over it.
    let abs: AbstractFlow | undefined | null = null;
    let cookie = 0n;
    for (const [i, d] of dps.entries()) {
      // Past the deadline: the datapaths not compiled yet are returned (at least one compiles).
      if (i > 0 && performance.now() > deadline) return dps.slice(i);
      const dp = view.localDps.get(d)!;
      const c = this.contextFor(dp);
      const kind = c.kind;
      const template = shared ? templates.get(kind) : undefined;
      let e: Entry;
      let got: ReturnType<LflowTemplates['instantiate']>;
      let io = -1;
      if (template && template.error === undefined) {
        e = {
          lf: lf._uuid,
          dp: d,
          flows: retarget(template.flows, dp.tunnel_key, this),
          groups: template.groups,
          deps: template.deps,
        };
        for (const g of e.groups) this.groups.id(g);
        this.count('lflow_compile_dp_copy');
      } else if (input.ioPort !== undefined && c.ctx.isSwitch && !c.scope.isRelated!((io = ioKey(c, input.ioPort)))) {
        // A switch's flow tagged with a port not related here compiles to nothing, with the look-ups the compiler
        // would record for it (Compiler.compile's port check: the port's name, then its key's relatedness).
        e = {
          lf: lf._uuid,
          dp: d,
          flows: NONE,
          groups: NONE,
          deps: io === -1 ? [c.scope.nameDep(input.ioPort)] : [c.scope.nameDep(input.ioPort), c.scope.keyDep(io)],
        };
        this.count('lflow_compile_skipped');
      } else if (
        (abs ??= abstractFlow(input)) &&
        (got =
          this.sharedOf(kind).instantiate(abs, (cookie ||= cookieOf(lf._uuid)), c.scope) ??
          c.templates.instantiate(abs, cookie, c.scope))
      ) {
        e = { lf: lf._uuid, dp: d, flows: got.flows, groups: NONE, deps: got.deps.length ? got.deps : NONE };
        this.count('lflow_compile_template');
      } else {
        this.count('lflow_compile_full');
        if (!abs) this.count('lflow_compile_full_untemplated');
        c.deps = [];
        c.groups = [];
        // (groups, deps: copies at their final size, the pushed-to arrays keep ~120 bytes of slack each.)
        // Only a datapath group's texts are cached: they compile again on each of its datapaths; a flow of one
        // datapath (most of them: a pod's, a router port's) compiles once, and holding its parse cost ~20 MB.
        const r = this.compiler.compile(input, c.ctx, { cache: cacheText });
        const deps = c.deps.length ? c.deps.slice() : NONE;
        e = r.ok
          ? { lf: lf._uuid, dp: d, flows: r.value, groups: c.groups.length ? c.groups.slice() : NONE, deps }
          : { lf: lf._uuid, dp: d, flows: NONE, groups: NONE, error: r.error.describe(), deps };
        if (shared && !templates.has(kind)) templates.set(kind, e);
        if (abs && r.ok && !c.groups.length) {
          this.sharedOf(kind).learn(abs, r.value, c.deps, c.scope);
          c.templates.learn(abs, r.value, c.deps, c.scope);
        }
      }
      this.store(e);
    }
    return [];
  }

  /**
   * The shared store of a datapath kind: one per kind, so that a shape's key is the abstract text itself (made
   * once per logical flow, hashed once), not a new `<kind><text>` string for each datapath's look-up.
   */
  private sharedOf(kind: string): LflowTemplates {
    let t = this.sharedTemplates.get(kind);
    if (!t) this.sharedTemplates.set(kind, (t = new LflowTemplates(true)));
    return t;
  }

  private count(name: string): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }

  allocConj(n: number): number {
    const first = this.nextConj;
    this.nextConj += n;
    if (this.nextConj > 0xf0000000) this.nextConj = 1;
    return first;
  }

  private contextFor(dp: DatapathBinding): DpContext {
    let c = this.contexts.get(dp._uuid);
    if (c) return c;
    const view = this.rt.view!;
    const { sb } = this.input();
    this.index ??= new SbIndex(sb, this.meters.table);
    const idx = this.index;
    const me = view.chassis?._uuid;
    const ports = view.portsByDp.get(dp._uuid) ?? [];
    const byName = new Map(ports.map((p) => [p.logical_port, p.tunnel_key]));
    const mcs = idx.mcByDp.get(dp._uuid);
    const related = new Set(ports.filter((p) => isRelated(p, me)).map((p) => p.tunnel_key));
    // One look-up string per name or key and datapath context, shared by the entries that record it (a pod's
    // name is looked up by ~8 of its flows: 76k strings at 100×50 otherwise).
    const nameDeps = new Map<string, string>();
    const keyDeps = new Map<number, string>();
    const nameDep = (name: string) => {
      let d = nameDeps.get(name);
      if (d === undefined) nameDeps.set(name, (d = `n:${name}`));
      return d;
    };
    const keyDep = (key: number) => {
      let d = keyDeps.get(key);
      if (d === undefined) keyDeps.set(key, (d = `k:${key}`));
      return d;
    };
    const isSwitch = dp.external_ids['logical-switch'] !== undefined;
    const dc: DpContext = {
      templates: new LflowTemplates(),
      scope: {
        dpKey: dp.tunnel_key,
        lookupPort: (name) => byName.get(name) ?? mcs?.get(name),
        isRelated: (key) => related.has(key),
        nameDep,
        keyDep,
      },
      kind: `${isSwitch}|${dp.external_ids['snat-ct-zone'] !== undefined}|`,
      deps: [],
      groups: [],
      ctx: {
        dpKey: dp.tunnel_key,
        isSwitch,
        lookupPort: (name) => {
          dc.deps.push(nameDep(name));
          return byName.get(name) ?? mcs?.get(name);
        },
        isChassisResident: (name) => {
          dc.deps.push(`r:${name}`);
          const pb = view.pbByName.get(name);
          return pb !== undefined && isResident(pb, me);
        },
        isPortRelated: (key) => {
          dc.deps.push(keyDep(key));
          return related.has(key);
        },
        addressSet: (n) => {
          dc.deps.push(`as:${n}`);
          return idx.addressSets.get(n);
        },
        portGroup: (n) => {
          dc.deps.push(`pg:${n}`);
          return idx.portGroups.get(n);
        },
        groupId: (g) => {
          dc.groups.push(g);
          return this.groups.id(g);
        },
        meterId: (n) => {
          dc.deps.push('meter');
          return idx.meters.get(n);
        },
        allocConjIds: (n) => this.allocConj(n),
        ...(dp.external_ids['snat-ct-zone'] !== undefined ? { snatCtZone: true } : {}),
        dhcpOptions: idx.dhcp,
        dhcpv6Options: idx.dhcp6,
      },
    };
    this.contexts.set(dp._uuid, dc);
    return dc;
  }
}

type ChassisUuid = Uuid<'Chassis'>;

/** What `is_chassis_resident` answers for a port (compilations record it as `r:<name>`). */
const isResident = (pb: PortBinding, me: ChassisUuid | undefined) => me !== undefined && pb.chassis === me;

/** Whether a port's key counts as related here (`k:<key>`): a VIF bound here, or a patch-like port. */
const isRelated = (pb: PortBinding, me: ChassisUuid | undefined) =>
  (VIF_TYPES.has(pb.type) && isResident(pb, me)) || RELATED_TYPES.has(pb.type);

/** What a group's name look-up (`n:<name>`, its key) reads. */
const sameGroupIdentity = (a: MulticastGroup, b: MulticastGroup) =>
  a.name === b.name && a.tunnel_key === b.tunnel_key && a.datapath === b.datapath;

/** What the name and key look-ups (`n:`, and `k:`'s scope) of a port read. */
const samePortIdentity = (a: PortBinding, b: PortBinding) =>
  a.logical_port === b.logical_port && a.tunnel_key === b.tunnel_key && a.datapath === b.datapath;

/** A compiled flow's cookie: its logical flow's first 32 bits (as the compiler sets it). */
const cookieOf = (lf: LfUuid) => BigInt('0x' + lf.replaceAll('-', '').slice(0, 8));

/** The key of the port a flow is tagged with on a datapath, -1 when it has none there (no look-up recorded). */
const ioKey = (c: DpContext, port: string): number => c.scope.lookupPort(port) ?? -1;

/** An entry's key, also its owner in the desired flows (one string for both: 40k of them at 100×50). */
const entryKey = (lf: LfUuid, dp: DpUuid) => `lf|${lf}|${dp}`;

/** Port look-ups (`n:`, `k:`) are per datapath; the rest are SB-wide. */
function isPortDep(dep: string): boolean {
  const c = dep.charCodeAt(0);
  return (c === 0x6e || c === 0x6b) && dep.charCodeAt(1) === 0x3a; // n: k:
}

function errorOf(sb: RoundInput['sb'], e: Entry): { lflow: string; error: string } {
  const lf = sb.Logical_Flow.get(e.lf);
  return { lflow: `${e.lf} ${lf?.match ?? ''} => ${lf?.actions ?? ''}`, error: e.error ?? '' };
}

/**
 * Take `v` out of the set indexed by `k`, and the set out of the index once empty: the keys (datapaths, DP
 * groups, dependency names) come and go for as long as the controller runs, so empty sets would pile up.
 */
function addTo<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(v);
}

function unindex<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  const s = m.get(k);
  if (!s) return;
  s.delete(v);
  if (s.size === 0) m.delete(k);
}
