// Node `bfd`: the NB BFD sessions and which of them a static route uses (sync/bfd.ts writes the SB rows
// and the NB status from them). A session is used by a route of the topology (one whose next hop a
// router port reaches) that names it with the same destination IP; any change of the NB table or of a
// router's routes rebuilds both (a handful of rows).
import type { BfdInput } from '../../sync/bfd.js';
import type { NodeData } from '../inc-engine.js';
import type { NbInputs } from './inputs.js';
import type { TopologyNode } from './topology.js';

export class BfdNode implements NodeData {
  input: BfdInput = { sessions: [], referenced: new Set() };
  // Tracked output.
  recomputed = false;
  changed = false;

  constructor(
    private readonly nb: NbInputs,
    private readonly topo: TopologyNode,
  ) {}

  clearTracked(): void {
    this.recomputed = this.changed = false;
  }
  updated(): boolean {
    return this.recomputed || this.changed;
  }
  recompute(): void {
    this.build();
    this.recomputed = true;
  }

  onBfd(): boolean {
    this.build();
    return true;
  }
  /** Routes come, go or change with their routers. */
  onTopology(): boolean {
    const t = this.topo;
    if (t.recomputed) return false;
    if (t.routersChanged.size && (this.input.sessions.length || this.nb.view.BFD.size)) this.build();
    return true;
  }

  private build(): void {
    const bfd = this.nb.view.BFD;
    const referenced = new Set<string>();
    if (bfd.size)
      for (const lr of this.topo.routers.values())
        for (const r of lr.routes) {
          const u = r.nb.bfd;
          if (u !== null && bfd.get(u)?.dst_ip === r.nb.nexthop) referenced.add(u);
        }
    this.input = { sessions: [...bfd.values()], referenced };
    this.changed = true;
  }
}
