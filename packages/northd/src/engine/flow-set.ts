// Logical flows as the incremental engine holds them: every datapath's flows are split into units
// (its core pipeline, one unit per ACL, per load balancer, …), each an immutable array of flow specs
// that is memoized and shared between datapaths with the same inputs. The global set counts, per
// flow and datapath, how many units contribute it, so replacing one unit touches only the flows that
// differ between its old and new arrays; the touched flows are what the SB writer revisits.
import { applyCopp, type CoppMeters, type CoppProto } from '../copp.js';
import { LflowTable, flowText, type AddFlow, type FlowSpec, type LogicalFlow } from '../lflow-table.js';
import { stage, type Pipeline, type StageName } from '../stages.js';

export type { FlowSpec };

/** See AddFlow. */
export type Add = AddFlow;

/** Collects one unit's flows (the datapath argument of LflowTable.add is ignored). */
export class UnitCollector extends LflowTable {
  readonly specs: FlowSpec[] = [];
  private readonly seen = new Set<string>();
  /** Keys to leave out (flows another unit of the same datapath always contributes). */
  constructor(private readonly exclude?: ReadonlySet<string>) {
    super();
  }

  override add(
    _dp: string,
    stageName: StageName,
    priority: number,
    match: string,
    actions: string,
    ioPort?: string,
    copp?: CoppProto,
  ): void {
    const text = flowText(stageName, priority, match, actions);
    const key = text.key;
    if (this.seen.has(key) || this.exclude?.has(key)) return;
    this.seen.add(key);
    const st = stage(stageName);
    const { pipeline, table: tableId } = st;
    const m = text.match;
    const a = text.actions;
    // One literal per shape, not a spread of the plain spec: a spec spread again for its ioPort (every
    // port's flows) took ~2x the memory, live for the flow's life, and ~3x the CPU to build.
    this.specs.push(
      ioPort === undefined
        ? copp === undefined
          ? { key, stageName, pipeline, tableId, priority, match: m, actions: a }
          : { key, stageName, pipeline, tableId, priority, match: m, actions: a, copp }
        : copp === undefined
          ? { key, stageName, pipeline, tableId, priority, match: m, actions: a, ioPort }
          : { key, stageName, pipeline, tableId, priority, match: m, actions: a, ioPort, copp },
    );
  }

  readonly fn: Add = (st, prio, match, actions, ioPort, copp) => this.add('', st, prio, match, actions, ioPort, copp);
}

/**
 * One collector kept for the process's life. V8 reaches a collector's shape (its hidden class, built by
 * adding its fields one by one) only through weak transitions, so when a round's collectors were all
 * collected, the shape went too, and with it every optimized function that had been specialized to it
 * (UnitCollector.add, collect, the builders that inline them): V8 discards such code ('weak objects'),
 * and the next round optimized it all again. Over a soak that was most of northd's ~100 deoptimizations a
 * minute, each leaving its code behind in the code space until a compaction (issue 24). A live instance
 * holds the shape.
 */
export const KEPT_COLLECTOR = new UnitCollector();

/** Run `build` and return its flows as a unit. */
export function collect(build: (add: Add, t: LflowTable) => void, exclude?: ReadonlySet<string>): readonly FlowSpec[] {
  const c = new UnitCollector(exclude);
  build(c.fn, c);
  return c.specs;
}

export const NO_FLOWS: readonly FlowSpec[] = Object.freeze([]);

/**
 * Unit ids kept per id, then per datapath, instead of per datapath: a load balancer's unit is on the
 * hundreds of switches and routers applying it, and a backend change replaces it on all of them at once
 * (setUnitOn). Looked up per datapath in its map of ~6000 units, that cost a few random memory reads per
 * datapath (300 switches: most of such a round's engine time); per id, it is one small map of indexes.
 */
const BY_ID_PREFIX = 'lb:';
const byIdUnit = (id: string) => id.startsWith(BY_ID_PREFIX);

/**
 * A flow and how many units of each datapath contribute it. Most flows live on one datapath (a
 * number and a count); flows shared by many (load balancer VIPs on every node switch) count per
 * datapath index in a typed array, a few bytes per datapath instead of a map entry.
 */
interface Entry {
  readonly spec: FlowSpec;
  single: number;
  singleCount: number;
  counts: Uint16Array | null;
  /** Datapaths with a non-zero count. */
  size: number;
}

interface UnitDiff {
  readonly added: readonly FlowSpec[];
  readonly removed: readonly FlowSpec[];
}

export class FlowSet {
  private readonly entries = new Map<string, Entry>();
  /**
   * Datapath → unit id → its flows (as built, without the datapath's meters); units with ids of
   * BY_ID_PREFIX are in `byId` instead (a datapath with units of either kind has an entry here).
   */
  private readonly units = new Map<string, Map<string, readonly FlowSpec[]>>();
  /** Unit id (BY_ID_PREFIX) → datapath index → its flows. */
  private readonly byId = new Map<string, Map<number, readonly FlowSpec[]>>();
  /** Datapath → its Copp meters, applied to its units' tagged flows as they are counted. */
  private readonly copps = new Map<string, CoppMeters>();
  /** Flow keys whose datapath set may have changed since takeTouched(). */
  private touched = new Set<string>();
  /** Off during full recomputes: nobody reads what they touch, and they touch every flow on every datapath. */
  private tracking = true;
  /**
   * During full recomputes, units put on datapaths that had none are gathered per flow array (one VIP's
   * array on 300 switches) and counted flow by flow in one pass: one lookup per flow, not per datapath.
   */
  private pending = new Map<readonly FlowSpec[], number[]>();
  /** The same (old, new) unit transition on many datapaths is diffed once. */
  private readonly dpIdx = new Map<string, number>();
  private readonly dpNames: string[] = [];
  private diffs = new WeakMap<readonly FlowSpec[], WeakMap<readonly FlowSpec[], UnitDiff>>();

  /**
   * A full recompute: `compute` sets every datapath's units, gathered and counted in bulk (one lookup per
   * flow, not per flow and datapath); nothing is reported as touched, since the consumers recompute too.
   */
  rebuild(compute: () => void): void {
    this.tracking = false;
    try {
      compute();
    } finally {
      this.flushPending();
      this.tracking = true;
      this.takeTouched();
    }
  }

  get size(): number {
    this.flushPending();
    return this.entries.size;
  }

  /**
   * A datapath's units, except those with ids of BY_ID_PREFIX (see unitIds); undefined until one unit of
   * either kind was set on it.
   */
  unitsOf(dp: string): ReadonlyMap<string, readonly FlowSpec[]> | undefined {
    return this.units.get(dp);
  }

  /** The unit ids of a datapath starting with `prefix`, whichever way they are kept. */
  unitIds(dp: string, prefix: string): string[] {
    const out: string[] = [];
    if (byIdUnit(prefix)) {
      const i = this.dpIdx.get(dp);
      if (i === undefined) return out;
      for (const [id, m] of this.byId) if (id.startsWith(prefix) && m.has(i)) out.push(id);
      return out;
    }
    for (const id of this.units.get(dp)?.keys() ?? []) if (id.startsWith(prefix)) out.push(id);
    if (BY_ID_PREFIX.startsWith(prefix)) out.push(...this.unitIds(dp, BY_ID_PREFIX));
    return out;
  }

  /** Every unit of datapath `dp` (index `i`), both kinds. */
  private allUnits(dp: string, i: number): (readonly FlowSpec[])[] {
    const out = [...(this.units.get(dp)?.values() ?? [])];
    for (const m of this.byId.values()) {
      const specs = m.get(i);
      if (specs) out.push(specs);
    }
    return out;
  }

  /** Set unit `id` of datapath `dp` (index `i`) to `specs`; returns the unit it replaces. */
  private swapUnit(dp: string, i: number, id: string, specs: readonly FlowSpec[]): readonly FlowSpec[] {
    let u = this.units.get(dp);
    if (!u) this.units.set(dp, (u = new Map()));
    if (byIdUnit(id)) {
      let m = this.byId.get(id);
      if (!m) {
        if (!specs.length) return NO_FLOWS;
        this.byId.set(id, (m = new Map()));
      }
      const old = m.get(i) ?? NO_FLOWS;
      if (old === specs) return old;
      if (specs.length) m.set(i, specs);
      else if (m.delete(i) && !m.size) this.byId.delete(id);
      return old;
    }
    const old = u.get(id) ?? NO_FLOWS;
    if (old === specs) return old;
    if (specs.length) u.set(id, specs);
    else u.delete(id);
    return old;
  }

  /** Replace (or create) one unit of a datapath. */
  setUnit(dp: string, id: string, specs: readonly FlowSpec[]): void {
    const i = this.dpIndex(dp);
    const old = this.swapUnit(dp, i, id, specs);
    if (old === specs) return;
    const copp = this.copps.get(dp);
    const now = applyCopp(specs, copp);
    if (!this.tracking && old === NO_FLOWS) {
      let l = this.pending.get(now);
      if (!l) this.pending.set(now, (l = []));
      l.push(i);
      return;
    }
    this.flushPending();
    this.replace(i, applyCopp(old, copp), now);
  }

  /**
   * Units `ids[k]` → `units[k]` (ids of BY_ID_PREFIX: a balancer list, the same on the hundreds of switches
   * or routers applying it) on datapath `dp`, as setUnit on each would. During a full recompute, on a
   * datapath with no Copp meters, each is put in place with its id's map and the pending count only: the
   * datapath's index, maps and meters are looked up once for the list, not once per unit (100x50: ~200k
   * units on 200 datapaths).
   */
  setUnits(dp: string, ids: readonly string[], units: readonly (readonly FlowSpec[])[]): void {
    if (this.tracking || this.copps.has(dp) || !ids.every(byIdUnit)) {
      for (let k = 0; k < ids.length; k++) this.setUnit(dp, ids[k]!, units[k]!);
      return;
    }
    const i = this.dpIndex(dp);
    if (!this.units.has(dp)) this.units.set(dp, new Map());
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      const specs = units[k]!;
      let m = this.byId.get(id);
      const old = m?.get(i);
      if (old !== undefined || !specs.length) {
        // Not new on this datapath (or no flows): the general path.
        if (old !== specs) this.setUnit(dp, id, specs);
        continue;
      }
      if (!m) this.byId.set(id, (m = new Map()));
      m.set(i, specs);
      let l = this.pending.get(specs);
      if (!l) this.pending.set(specs, (l = []));
      l.push(i);
    }
  }

  /**
   * The same unit on many datapaths at once (a balancer's new flows on the 300 switches and 300 routers
   * applying it). Datapaths with the same old unit share one diff, and each flow of that diff is looked
   * up once for all of them, not once per datapath. Each datapath must appear once in `dps`.
   */
  setUnitOn(dps: Iterable<string>, id: string, specs: readonly FlowSpec[]): void {
    if (!this.tracking) {
      for (const dp of dps) this.setUnit(dp, id, specs);
      return;
    }
    this.flushPending();
    /** (old, new) unit as counted (meters applied) → datapath indexes making that transition. */
    const moves = new Map<readonly FlowSpec[], Map<readonly FlowSpec[], number[]>>();
    for (const dp of dps) {
      const i = this.dpIndex(dp);
      const old = this.swapUnit(dp, i, id, specs);
      if (old === specs) continue;
      const copp = this.copps.get(dp);
      const from = applyCopp(old, copp);
      const to = applyCopp(specs, copp);
      if (from === to) continue;
      let byNew = moves.get(from);
      if (!byNew) moves.set(from, (byNew = new Map()));
      let idx = byNew.get(to);
      if (!idx) byNew.set(to, (idx = []));
      idx.push(i);
    }
    for (const [from, byNew] of moves)
      for (const [to, idx] of byNew) {
        const d = this.diff(from, to);
        for (const f of d.removed) {
          const e = this.entries.get(f.key);
          if (!e) continue;
          let lost = false;
          for (const i of idx) if (this.uncount(e, i)) lost = true;
          if (lost) this.dropIfGone(e);
        }
        for (const f of d.added) {
          const e = this.entry(f, idx[0]!);
          let gained = false;
          for (const i of idx) if (this.count(e, i)) gained = true;
          if (gained) this.touched.add(f.key);
        }
      }
  }

  /**
   * A datapath's Copp meters (undefined: none). Its units' tagged flows are counted again with the
   * new meters; untagged units are untouched.
   */
  setCopp(dp: string, copp: CoppMeters | undefined): void {
    const before = this.copps.get(dp);
    if (before?.sig === copp?.sig) return;
    if (copp) this.copps.set(dp, copp);
    else this.copps.delete(dp);
    if (!this.units.has(dp)) return;
    this.flushPending();
    const i = this.dpIndex(dp);
    for (const specs of this.allUnits(dp, i)) this.replace(i, applyCopp(specs, before), applyCopp(specs, copp));
  }

  private replace(i: number, old: readonly FlowSpec[], now: readonly FlowSpec[]): void {
    if (old === now) return;
    const d = this.diff(old, now);
    for (const f of d.removed) this.dec(i, f);
    for (const f of d.added) this.inc(i, f);
  }

  dropUnit(dp: string, id: string): void {
    this.setUnit(dp, id, NO_FLOWS);
  }

  /** Remove every unit of a datapath (deleted datapath, or before a full rebuild of it). */
  dropDatapath(dp: string): void {
    if (!this.units.has(dp)) return;
    this.flushPending();
    const i = this.dpIndex(dp);
    const copp = this.copps.get(dp);
    for (const specs of this.allUnits(dp, i)) for (const f of applyCopp(specs, copp)) this.dec(i, f);
    for (const [id, m] of [...this.byId]) if (m.delete(i) && !m.size) this.byId.delete(id);
    this.units.delete(dp);
    this.copps.delete(dp);
  }

  /** Unit ids of a datapath not in `keep` are dropped. */
  retainUnits(dp: string, keep: ReadonlySet<string>): void {
    for (const id of this.unitIds(dp, '')) if (!keep.has(id)) this.dropUnit(dp, id);
  }

  takeTouched(): Set<string> {
    this.flushPending();
    const t = this.touched;
    this.touched = new Set();
    return t;
  }

  /** The flow with `key` as it should be in the SB now, or undefined if no datapath has it. */
  flow(key: string): LogicalFlow | undefined {
    this.flushPending();
    const e = this.entries.get(key);
    if (!e) return undefined;
    return this.toLogical(e);
  }

  /** Every flow (for full diffs and tests). */
  toArray(): LogicalFlow[] {
    this.flushPending();
    const out: LogicalFlow[] = [];
    for (const e of this.entries.values()) out.push(this.toLogical(e));
    return out;
  }

  /**
   * Every flow, in toArray's order, as its spec (meters applied) and its datapath set, without a
   * LogicalFlow object per flow (a cold start's last pass visits ~45k flows at 100x50 to write the few it
   * has not streamed yet). `datapaths` and `dpKey` are interned: the same objects for the same set.
   */
  forEachFlow(fn: (spec: FlowSpec, datapaths: readonly string[], dpKey: string) => void): void {
    this.flushPending();
    // forEach: no [key, entry] pair per flow.
    this.entries.forEach((e) => {
      const d = this.dpSetOf(e);
      fn(e.spec, d.dps, d.key);
    });
  }

  private diff(old: readonly FlowSpec[], now: readonly FlowSpec[]): UnitDiff {
    if (!old.length) return { added: now, removed: NO_FLOWS };
    if (!now.length) return { added: NO_FLOWS, removed: old };
    let m = this.diffs.get(old);
    if (!m) this.diffs.set(old, (m = new WeakMap()));
    let d = m.get(now);
    if (!d) {
      const oldKeys = new Set(old.map((f) => f.key));
      const newKeys = new Set(now.map((f) => f.key));
      d = { added: now.filter((f) => !oldKeys.has(f.key)), removed: old.filter((f) => !newKeys.has(f.key)) };
      m.set(now, d);
    }
    return d;
  }

  private dpIndex(dp: string): number {
    let i = this.dpIdx.get(dp);
    if (i === undefined) {
      i = this.dpNames.length;
      this.dpIdx.set(dp, i);
      this.dpNames.push(dp);
    }
    return i;
  }

  private flushPending(): void {
    if (!this.pending.size) return;
    // forEach: no [key, value] pair per entry (tens of thousands of unit arrays in a full recompute).
    // Indexed loops: this runs once per full recompute, often before it is optimized, and an unoptimized
    // for-of allocates an iterator result per element (~5 MB at 100x50).
    this.pending.forEach((idx, specs) => {
      for (let k = 0; k < specs.length; k++) {
        const e = this.entry(specs[k]!, idx[0]!);
        for (let j = 0; j < idx.length; j++) this.bump(e, idx[j]!);
      }
    });
    this.pending.clear();
  }

  private inc(i: number, f: FlowSpec): void {
    this.bump(this.entry(f, i), i);
  }

  /** The entry of `f`'s key, created (first seen on datapath `i`) if new. */
  private entry(f: FlowSpec, i: number): Entry {
    let e = this.entries.get(f.key);
    if (!e) this.entries.set(f.key, (e = { spec: f, single: i, singleCount: 0, counts: null, size: 0 }));
    return e;
  }

  private bump(e: Entry, i: number): void {
    if (this.count(e, i) && this.tracking) this.touched.add(e.spec.key);
  }

  /** One more unit of datapath `i` contributes `e`; true if `i` did not have it. */
  private count(e: Entry, i: number): boolean {
    if (!e.counts) {
      if (e.single === i) {
        if (e.singleCount++ !== 0) return false;
        e.size = 1;
        return true;
      }
      e.counts = new Uint16Array(Math.max(this.dpNames.length, 8));
      e.counts[e.single] = e.singleCount;
    }
    if (i >= e.counts.length) {
      const grown = new Uint16Array(Math.max(this.dpNames.length, i + 1) * 2);
      grown.set(e.counts);
      e.counts = grown;
    }
    if (e.counts[i]!++ !== 0) return false;
    e.size++;
    return true;
  }

  private dec(i: number, f: FlowSpec): void {
    const e = this.entries.get(f.key);
    if (e && this.uncount(e, i)) this.dropIfGone(e);
  }

  /** One unit fewer of datapath `i` contributes `e`; true if `i` no longer has it. */
  private uncount(e: Entry, i: number): boolean {
    if (!e.counts) {
      if (e.single !== i || e.singleCount === 0) return false;
      if (--e.singleCount > 0) return false;
      e.size = 0;
      return true;
    }
    const n = e.counts[i] ?? 0;
    if (!n) return false;
    e.counts[i] = n - 1;
    if (n > 1) return false;
    e.size--;
    return true;
  }

  /** After a datapath lost `e`: forgotten when no datapath has it; touched either way. */
  private dropIfGone(e: Entry): void {
    if (!e.size) this.entries.delete(e.spec.key);
    if (this.tracking) this.touched.add(e.spec.key);
  }

  /**
   * Datapath sets, interned: the flows of 5000 VIPs on the same 300 switches share one sorted name list
   * and one joined key (not 20k copies of an 11 kB string, each hashed again by the SB writer).
   * Bucketed by a hash of the datapath indexes; singles by index.
   */
  private readonly dpSets = new Map<number, DpSet[]>();
  private dpSetCount = 0;
  private readonly singles: DpSet[] = [];

  private dpSet(c: Uint16Array): DpSet {
    // The hash and the count first: the set is almost always known (every flow of a VIP on the same
    // switches), and its index list is built only for a new one.
    let h = 0;
    let n = 0;
    for (let i = 0; i < c.length; i++)
      if (c[i]) {
        n++;
        h = (Math.imul(h, 31) + i + 1) | 0;
      }
    let bucket = this.dpSets.get(h);
    if (bucket) {
      for (let b = 0; b < bucket.length; b++) if (sameDps(bucket[b]!.idx, n, c)) return bucket[b]!;
    } else {
      // Sets come and go with edits: start over past a bound rather than keep every one ever seen.
      if (this.dpSetCount > 50_000) (this.dpSets.clear(), (this.dpSetCount = 0));
      this.dpSets.set(h, (bucket = []));
    }
    const idx: number[] = [];
    for (let i = 0; i < c.length; i++) if (c[i]) idx.push(i);
    const dps = idx.map((i) => this.dpNames[i]!).sort();
    const d: DpSet = { idx, dps, key: dps.join(',') };
    bucket.push(d);
    this.dpSetCount++;
    return d;
  }

  private dpSetOf(e: Entry): DpSet {
    if (e.counts) return this.dpSet(e.counts);
    return (this.singles[e.single] ??= {
      idx: [e.single],
      dps: [this.dpNames[e.single]!],
      key: this.dpNames[e.single]!,
    });
  }

  private toLogical(e: Entry): LogicalFlow {
    const d = this.dpSetOf(e);
    const s = e.spec;
    return {
      datapaths: d.dps,
      dpKey: d.key,
      pipeline: s.pipeline,
      tableId: s.tableId,
      stageName: s.stageName,
      priority: s.priority,
      match: s.match,
      actions: s.actions,
      key: s.key,
      ...(s.ioPort !== undefined ? { ioPort: s.ioPort } : {}),
      ...(s.meter !== undefined ? { meter: s.meter } : {}),
    };
  }
}

/** Whether `idx` lists exactly the `n` non-zero indexes of `c`. */
function sameDps(idx: readonly number[], n: number, c: Uint16Array): boolean {
  if (idx.length !== n) return false;
  for (let k = 0; k < n; k++) if (!c[idx[k]!]) return false;
  return true;
}

interface DpSet {
  readonly idx: readonly number[];
  readonly dps: readonly string[];
  readonly key: string;
}
