// The set of logical flows being built. Every flow is identified by (pipeline, table, priority, match,
// actions); the same flow added for several datapaths is stored once with the set of datapaths, which is
// exactly what Logical_DP_Group sharing needs and what an incremental engine can diff against.
import type { CoppProtocol as CoppProto } from '@ovnts/nb';
import { stage, type Pipeline, type StageName } from './stages.js';

export interface LogicalFlow {
  /** Datapath identities (NB UUIDs), sorted. One → logical_datapath; several → a Logical_DP_Group. */
  readonly datapaths: readonly string[];
  readonly pipeline: Pipeline;
  readonly tableId: number;
  readonly stageName: StageName;
  readonly priority: number;
  readonly match: string;
  readonly actions: string;
  /** flowKey() of this flow, computed once. */
  readonly key: string;
  /** The datapaths joined with ',' (the identity of the datapath set). */
  readonly dpKey: string;
  /** The logical port the flow is about (SB tags:in_out_port, written when the row is inserted). */
  readonly ioPort?: string;
  /** SB controller_meter: the meter of the flow's controller actions (CoPP), part of its identity. */
  readonly meter?: string;
}

/**
 * Stable identity of a flow's content, independent of its datapaths. The stage name stands for
 * (datapath kind, pipeline, table): switch and router flows never merge.
 */
export function flowKey(f: Pick<LogicalFlow, 'stageName' | 'priority' | 'match' | 'actions' | 'meter'>): string {
  return flowKeyOf(f.stageName, f.priority, f.match, f.actions, f.meter);
}

/**
 * flowKey of the parts themselves. The builders' paths (flowText, LflowTable.add) call this one, not
 * flowKey with an object: flowKey's property loads see objects of many shapes, some short-lived (copp.ts
 * passes a spread copy), and V8 inlined them with those shapes into the builders' optimized code, which it
 * then discarded whenever such a shape had no object left ('weak objects') and optimized again later.
 */
export function flowKeyOf(stageName: string, priority: number, match: string, actions: string, meter?: string): string {
  // join() builds one flat string; a template literal would build a rope of small heap objects.
  const parts: (string | number)[] = [stageName, priority, match, actions];
  if (meter !== undefined) parts.push(meter);
  return parts.join('\u0000');
}

/**
 * A flow's content (without a meter) with its match and actions as slices of its key: one copy of the
 * text per flow, however the builder concatenated it (a match built from ten pieces is a rope of ten
 * heap objects until flattened; a slice of the flat key is one small object).
 */
export function flowText(
  stageName: StageName,
  priority: number,
  match: string,
  actions: string,
): { key: string; match: string; actions: string } {
  const key = flowKeyOf(stageName, priority, match, actions);
  const at = key.length - actions.length - match.length - 1;
  return { key, match: key.slice(at, at + match.length), actions: key.slice(key.length - actions.length) };
}

/**
 * How builders add a flow: `ioPort` is the logical port it is about (LogicalFlow.ioPort), `copp` the
 * control protocol its controller actions carry (FlowSpec.copp).
 */
export type AddFlow = (
  st: StageName,
  prio: number,
  match: string,
  actions: string,
  ioPort?: string,
  copp?: CoppProto,
) => void;

/** A flow's content and identity, apart from where it applies. */
export interface FlowSpec {
  readonly key: string;
  readonly stageName: StageName;
  readonly pipeline: Pipeline;
  readonly tableId: number;
  readonly priority: number;
  readonly match: string;
  readonly actions: string;
  /** See LogicalFlow.ioPort; not part of the identity: the first unit adding the flow names it. */
  readonly ioPort?: string;
  /** The control protocol its controller actions carry (the datapath's Copp may meter it, copp.ts). */
  readonly copp?: CoppProto;
  /** See LogicalFlow.meter: set when a datapath's Copp applies to the flow (part of `key`). */
  readonly meter?: string;
}

interface Entry extends FlowSpec {
  readonly datapaths: Set<string>;
}

export class LflowTable {
  private readonly flows = new Map<string, Entry>();

  add(
    datapath: string,
    stageName: StageName,
    priority: number,
    match: string,
    actions: string,
    ioPort?: string,
    copp?: CoppProto,
  ): void {
    const st = stage(stageName);
    const key = flowKeyOf(stageName, priority, match, actions);
    let e = this.flows.get(key);
    if (!e) {
      e = { key, stageName, pipeline: st.pipeline, tableId: st.table, priority, match, actions, datapaths: new Set() };
      if (ioPort !== undefined) e = { ...e, ioPort };
      if (copp !== undefined) e = { ...e, copp };
      this.flows.set(key, e);
    }
    e.datapaths.add(datapath);
  }

  get size(): number {
    return this.flows.size;
  }

  /**
   * All flows in insertion order, which is deterministic because the builders walk the topology in
   * sorted order (a full sort of ~50k flows would cost more than the rest of the output step).
   */
  toArray(): LogicalFlow[] {
    const out: LogicalFlow[] = [];
    // Most flows share a few datapath sets (skeletons on every switch): build each sorted set once.
    const sets = new Map<string, { dps: readonly string[]; key: string }>();
    for (const e of this.flows.values()) {
      let set: { dps: readonly string[]; key: string } | undefined;
      if (e.datapaths.size === 1) {
        const only = e.datapaths.values().next().value as string;
        set = sets.get(only);
        if (!set) sets.set(only, (set = { dps: [only], key: only }));
      } else {
        const dps = [...e.datapaths].sort();
        const key = dps.join(',');
        set = sets.get(key);
        if (!set) sets.set(key, (set = { dps, key }));
      }
      out.push({
        datapaths: set.dps,
        dpKey: set.key,
        pipeline: e.pipeline,
        tableId: e.tableId,
        stageName: e.stageName,
        priority: e.priority,
        match: e.match,
        actions: e.actions,
        key: e.key,
        ...(e.ioPort !== undefined ? { ioPort: e.ioPort } : {}),
        ...(e.meter !== undefined ? { meter: e.meter } : {}),
      });
    }
    return out;
  }
}

function cmp(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareFlows(a: LogicalFlow, b: LogicalFlow): number {
  return (
    cmp(a.pipeline, b.pipeline) ||
    cmp(a.tableId, b.tableId) ||
    cmp(b.priority, a.priority) ||
    cmp(a.match, b.match) ||
    cmp(a.actions, b.actions) ||
    cmp(a.meter ?? '', b.meter ?? '') ||
    cmp(a.datapaths.join(','), b.datapaths.join(','))
  );
}
