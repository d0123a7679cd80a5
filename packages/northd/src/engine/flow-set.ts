// Logical flows as the incremental engine holds them: every datapath's flows are split into units
// (its core pipeline, one unit per ACL, per load balancer, …), each an immutable array of flow specs
// that is memoized and shared between datapaths with the same inputs. The global set counts, per
// flow and datapath, how many units contribute it, so replacing one unit touches only the flows that
// differ between its old and new arrays; the touched flows are what the SB writer revisits.
import { LflowTable, flowKey, type LogicalFlow } from '../lflow-table.js';
import { stage, type Pipeline, type StageName } from '../stages.js';

export interface FlowSpec {
  readonly key: string;
  readonly stageName: StageName;
  readonly pipeline: Pipeline;
  readonly tableId: number;
  readonly priority: number;
  readonly match: string;
  readonly actions: string;
}

export type Add = (st: StageName, prio: number, match: string, actions: string) => void;

/** Collects one unit's flows (the datapath argument of LflowTable.add is ignored). */
export class UnitCollector extends LflowTable {
  readonly specs: FlowSpec[] = [];
  private readonly seen = new Set<string>();
  /** Keys to leave out (flows another unit of the same datapath always contributes). */
  constructor(private readonly exclude?: ReadonlySet<string>) {
    super();
  }

  override add(_dp: string, stageName: StageName, priority: number, match: string, actions: string): void {
    const key = flowKey({ stageName, priority, match, actions });
    if (this.seen.has(key) || this.exclude?.has(key)) return;
    this.seen.add(key);
    const st = stage(stageName);
    this.specs.push({ key, stageName, pipeline: st.pipeline, tableId: st.table, priority, match, actions });
  }

  readonly fn: Add = (st, prio, match, actions) => this.add('', st, prio, match, actions);
}

/** Run `build` and return its flows as a unit. */
export function collect(build: (add: Add, t: LflowTable) => void, exclude?: ReadonlySet<string>): readonly FlowSpec[] {
  const c = new UnitCollector(exclude);
  build(c.fn, c);
  return c.specs;
}

export const NO_FLOWS: readonly FlowSpec[] = Object.freeze([]);

interface Entry {
  readonly spec: FlowSpec;
  /** Datapath → number of its units contributing this flow. */
  readonly dps: Map<string, number>;
}

interface UnitDiff {
  readonly added: readonly FlowSpec[];
  readonly removed: readonly FlowSpec[];
}

export class FlowSet {
  private readonly entries = new Map<string, Entry>();
  /** Datapath → unit id → its flows. */
  private readonly units = new Map<string, Map<string, readonly FlowSpec[]>>();
  /** Flow keys whose datapath set may have changed since takeTouched(). */
  private touched = new Set<string>();
  /** The same (old, new) unit transition on many datapaths is diffed once. */
  private diffs = new WeakMap<readonly FlowSpec[], WeakMap<readonly FlowSpec[], UnitDiff>>();

  get size(): number {
    return this.entries.size;
  }

  unitsOf(dp: string): ReadonlyMap<string, readonly FlowSpec[]> | undefined {
    return this.units.get(dp);
  }

  /** Replace (or create) one unit of a datapath. */
  setUnit(dp: string, id: string, specs: readonly FlowSpec[]): void {
    let u = this.units.get(dp);
    if (!u) this.units.set(dp, (u = new Map()));
    const old = u.get(id) ?? NO_FLOWS;
    if (old === specs) return;
    if (specs.length) u.set(id, specs);
    else u.delete(id);
    const d = this.diff(old, specs);
    for (const f of d.removed) this.dec(dp, f);
    for (const f of d.added) this.inc(dp, f);
  }

  dropUnit(dp: string, id: string): void {
    this.setUnit(dp, id, NO_FLOWS);
  }

  /** Remove every unit of a datapath (deleted datapath, or before a full rebuild of it). */
  dropDatapath(dp: string): void {
    const u = this.units.get(dp);
    if (!u) return;
    for (const specs of u.values()) for (const f of specs) this.dec(dp, f);
    this.units.delete(dp);
  }

  /** Unit ids of a datapath not in `keep` are dropped. */
  retainUnits(dp: string, keep: ReadonlySet<string>): void {
    const u = this.units.get(dp);
    if (!u) return;
    for (const id of [...u.keys()]) if (!keep.has(id)) this.dropUnit(dp, id);
  }

  takeTouched(): Set<string> {
    const t = this.touched;
    this.touched = new Set();
    return t;
  }

  /** The flow with `key` as it should be in the SB now, or undefined if no datapath has it. */
  flow(key: string): LogicalFlow | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    return toLogical(e);
  }

  /** Every flow (for full diffs and tests). */
  toArray(): LogicalFlow[] {
    const out: LogicalFlow[] = [];
    for (const e of this.entries.values()) out.push(toLogical(e));
    return out;
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

  private inc(dp: string, f: FlowSpec): void {
    let e = this.entries.get(f.key);
    if (!e) this.entries.set(f.key, (e = { spec: f, dps: new Map() }));
    const n = e.dps.get(dp) ?? 0;
    e.dps.set(dp, n + 1);
    if (n === 0) this.touched.add(f.key);
  }

  private dec(dp: string, f: FlowSpec): void {
    const e = this.entries.get(f.key);
    const n = e?.dps.get(dp);
    if (!e || !n) return;
    if (n > 1) {
      e.dps.set(dp, n - 1);
      return;
    }
    e.dps.delete(dp);
    if (!e.dps.size) this.entries.delete(f.key);
    this.touched.add(f.key);
  }
}

function toLogical(e: Entry): LogicalFlow {
  const dps = [...e.dps.keys()].sort();
  const s = e.spec;
  return {
    datapaths: dps,
    dpKey: dps.join(','),
    pipeline: s.pipeline,
    tableId: s.tableId,
    stageName: s.stageName,
    priority: s.priority,
    match: s.match,
    actions: s.actions,
    key: s.key,
  };
}
