// A small incremental-processing engine in the manner of OVN's: named nodes with explicit inputs,
// each either recomputed from scratch or brought up to date by the change handler it has for an input
// (a handler may refuse, which forces that node's recompute). Nodes run in dependency order once per
// round; the engine keeps per-node counters and timings for `inc-engine/show-stats`.

/** What a node did in one round. */
export type NodeOutcome = 'recompute' | 'compute' | 'unchanged';

export interface NodeStats {
  recompute: number;
  compute: number;
  unchanged: number;
  /** Total milliseconds spent in the node (recompute or handlers). */
  ms: number;
  /** Milliseconds of the most recent run. */
  lastMs: number;
}

export interface EngineNode {
  readonly name: string;
  readonly inputs: readonly string[];
  /** Rebuild this node's data from its inputs; returns whether the data changed. */
  recompute(): boolean;
  /**
   * Bring the data up to date from its inputs' tracked changes. Returns 'unchanged', 'changed', or
   * false when it cannot (the engine then recomputes). Absent: every change forces a recompute.
   */
  handle?(changedInputs: ReadonlySet<string>): 'unchanged' | 'changed' | false;
}

export class IncEngine {
  private readonly nodes: EngineNode[] = [];
  private readonly stats = new Map<string, NodeStats>();
  private readonly changedNodes = new Set<string>();
  /** Why the last forced recompute happened (for logs). */
  lastRecomputeReason = '';

  add(node: EngineNode): void {
    for (const i of node.inputs)
      if (!this.nodes.some((n) => n.name === i)) throw new Error(`engine node ${node.name}: unknown input ${i}`);
    this.nodes.push(node);
    this.stats.set(node.name, { recompute: 0, compute: 0, unchanged: 0, ms: 0, lastMs: 0 });
  }

  /** Mark input nodes (those with no inputs) as changed for the next run. */
  inputChanged(name: string): void {
    this.changedNodes.add(name);
  }

  /**
   * One round. With `force`, every node recomputes. Input nodes are "run" by the caller beforehand
   * (their data is the replica); the engine only records that they changed.
   */
  run(force: boolean): Map<string, NodeOutcome> {
    const out = new Map<string, NodeOutcome>();
    const changed = new Set(this.changedNodes);
    this.changedNodes.clear();
    for (const node of this.nodes) {
      const st = this.stats.get(node.name)!;
      const t0 = performance.now();
      let outcome: NodeOutcome;
      if (node.inputs.length === 0) {
        outcome = force || changed.has(node.name) ? 'compute' : 'unchanged';
      } else {
        const inChanged = new Set(node.inputs.filter((i) => changed.has(i)));
        if (force) {
          node.recompute();
          outcome = 'recompute';
        } else if (!inChanged.size) {
          outcome = 'unchanged';
        } else {
          const r = node.handle ? node.handle(inChanged) : false;
          if (r === false) {
            node.recompute();
            outcome = 'recompute';
          } else outcome = r === 'changed' ? 'compute' : 'unchanged';
        }
      }
      if (outcome !== 'unchanged') changed.add(node.name);
      st[outcome]++;
      st.lastMs = performance.now() - t0;
      st.ms += st.lastMs;
      out.set(node.name, outcome);
    }
    return out;
  }

  /** The node graph and counters, one node per line (what `inc-engine/show-stats` prints). */
  showStats(): string {
    const lines: string[] = [];
    for (const n of this.nodes) {
      const s = this.stats.get(n.name)!;
      lines.push(
        `Node: ${n.name}`,
        `- inputs: ${n.inputs.length ? n.inputs.join(', ') : '(input node)'}`,
        `- recompute: ${String(s.recompute).padStart(12)}`,
        `- compute:   ${String(s.compute).padStart(12)}`,
        `- unchanged: ${String(s.unchanged).padStart(12)}`,
        `- total ms:  ${s.ms.toFixed(3).padStart(12)}`,
        `- last ms:   ${s.lastMs.toFixed(3).padStart(12)}`,
      );
    }
    return lines.join('\n') + '\n';
  }

  clearStats(): void {
    for (const s of this.stats.values()) Object.assign(s, { recompute: 0, compute: 0, unchanged: 0, ms: 0, lastMs: 0 });
  }
}
