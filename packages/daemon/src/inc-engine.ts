// A small incremental-processing engine in the manner of OVN's lib/inc-proc-eng, shared by ovnts-northd and
// ovnts-controller: named nodes with explicit input edges, run in dependency order once per round. An input
// node is updated when its table had changes. A computing node whose inputs are all unchanged is skipped; otherwise the handler of each
// updated input edge is called, and a handler returning false (or an edge without one) makes the node
// recompute from its inputs' whole data. The engine keeps per-node counters for `inc-engine/show-stats`.

/** A computing node's data and the operations the engine calls. */
export interface NodeData {
  /** Forget the tracked changes of the previous round (called before every round). */
  clearTracked(): void;
  /** Rebuild everything from the inputs' whole data (the tracked changes then say "everything"). */
  recompute(): void;
  /**
   * After every updated input's handler succeeded: apply what they noted, in an order of the node's
   * choosing. False asks for a recompute.
   */
  settle?(): boolean;
  /** Whether this round changed the node's data (after handlers or a recompute). */
  updated(): boolean;
}

/** An input node: a table whose rows the caller replaces each round, updated when it had changes. */
export interface InputData {
  updated(): boolean;
}

/** A handler for one input edge: brings the node up to date from that input's tracked changes. */
export type Handler = () => boolean;

export interface InputEdge {
  readonly from: string;
  /** Absent: any change of the input recomputes the node. */
  readonly handler?: Handler;
  /** The handler's name, as the graph file spells it (for the diagram). */
  readonly name?: string;
}

export type NodeDecl =
  | { readonly kind: 'input'; readonly name: string; readonly data: InputData }
  | {
      readonly kind: 'node';
      readonly name: string;
      readonly data: NodeData;
      readonly inputs: readonly InputEdge[];
      /**
       * Its recompute still reports exactly what changed (and nothing reads it but the SB writer), so
       * it leaves the round incremental.
       */
      readonly exactRecompute?: boolean;
    };

/** What a node did in one round. */
export type NodeOutcome = 'recompute' | 'compute' | 'unchanged';

export interface NodeStats {
  recompute: number;
  compute: number;
  unchanged: number;
  /** Milliseconds spent in the node's recomputes and handlers. */
  ms: number;
}

const zero = (): NodeStats => ({ recompute: 0, compute: 0, unchanged: 0, ms: 0 });

export class IncEngine {
  private readonly stats = new Map<string, NodeStats>();
  /** The first node that recomputed in the last round and why (for logs); '' when none did. */
  lastRecompute = '';
  /** Milliseconds each node took in the last round (for debug logs: where a round's time went). */
  readonly lastRoundMs = new Map<string, number>();

  constructor(readonly nodes: readonly NodeDecl[]) {
    const seen = new Set<string>();
    for (const n of nodes) {
      if (seen.has(n.name)) throw new Error(`engine node ${n.name} declared twice`);
      if (n.kind === 'node')
        for (const e of n.inputs)
          if (!seen.has(e.from)) throw new Error(`engine node ${n.name}: input ${e.from} is not declared before it`);
      seen.add(n.name);
      this.stats.set(n.name, zero());
    }
  }

  /** One round in dependency order. With `force`, every computing node recomputes. */
  run(force: boolean): Map<string, NodeOutcome> {
    const out = new Map<string, NodeOutcome>();
    const updated = new Set<string>();
    this.lastRecompute = '';
    for (const n of this.nodes) if (n.kind === 'node') n.data.clearTracked();
    for (const n of this.nodes) {
      const st = this.stats.get(n.name)!;
      const t0 = performance.now();
      let outcome: NodeOutcome;
      if (n.kind === 'input') {
        outcome = force || n.data.updated() ? 'compute' : 'unchanged';
        if (outcome !== 'unchanged') updated.add(n.name);
      } else {
        outcome = force
          ? this.recompute(n.data)
          : this.handle(n.name, n.data, n.inputs, updated, n.exactRecompute ?? false);
        if (outcome === 'recompute' && !force && !this.lastRecompute && !n.exactRecompute) this.lastRecompute = n.name;
        if (outcome === 'recompute' || n.data.updated()) updated.add(n.name);
      }
      st[outcome]++;
      const ms = performance.now() - t0;
      st.ms += ms;
      this.lastRoundMs.set(n.name, ms);
      out.set(n.name, outcome);
    }
    return out;
  }

  private recompute(d: NodeData): NodeOutcome {
    d.recompute();
    return 'recompute';
  }

  private handle(
    name: string,
    d: NodeData,
    inputs: readonly InputEdge[],
    updated: ReadonlySet<string>,
    exact: boolean,
  ): NodeOutcome {
    let any = false;
    for (const e of inputs) {
      if (!updated.has(e.from)) continue;
      any = true;
      if (!e.handler || !e.handler()) {
        if (!exact) this.noteReason(name, e);
        return this.recompute(d);
      }
    }
    if (!any) return 'unchanged';
    if (d.settle && !d.settle()) {
      this.noteReason(name, undefined);
      return this.recompute(d);
    }
    return 'compute';
  }

  private noteReason(name: string, e: InputEdge | undefined): void {
    if (!this.lastRecompute) this.lastRecompute = `${name} (${e ? `input ${e.from}` : 'settle'})`;
  }

  /**
   * The counters in ovn-northd's `inc-engine/show-stats` format (recompute, compute, abort per node;
   * this engine never aborts), followed by what OVN does not count: the rounds a node was skipped as
   * unchanged and the milliseconds its recomputes and handlers took.
   */
  showStats(): string {
    let out = '';
    for (const n of this.nodes) {
      const s = this.stats.get(n.name)!;
      out +=
        `Node: ${n.name}\n` +
        `- recompute: ${String(s.recompute).padStart(12)}\n` +
        `- compute:   ${String(s.compute).padStart(12)}\n` +
        `- abort:     ${String(0).padStart(12)}\n` +
        `- unchanged: ${String(s.unchanged).padStart(12)}\n` +
        `- time ms:   ${s.ms.toFixed(3).padStart(12)}\n`;
    }
    return out;
  }

  clearStats(): void {
    for (const s of this.stats.values()) Object.assign(s, zero());
  }

  /** The graph's edges (for the diagram). */
  edges(): { from: string; to: string; handler: string | undefined }[] {
    const out: { from: string; to: string; handler: string | undefined }[] = [];
    for (const n of this.nodes)
      if (n.kind === 'node') for (const e of n.inputs) out.push({ from: e.from, to: n.name, handler: e.name });
    return out;
  }
}
