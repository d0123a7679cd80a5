// Node `sync_to_sb_addr_set` (ovn-northd 23.03's name and inputs): which SB Address_Set rows the writer
// revisits. As in ovn-northd, only an edit of existing NB address sets or port groups is handled in place;
// a set created or deleted, any change of the flows' nodes (port groups' members, routers) or of the
// NB_Global row (`--wait=sb` included) recomputes it. A recompute after a full round of `address_sets`
// looks at every set (a pointer comparison each: a set whose addresses are the very array last handed to
// the writer is skipped, a changed set always gets a new array); otherwise it takes the sets that node
// tracked, which are exactly those that moved.
import type { NodeData } from '../inc-engine.js';
import type { NbInputs } from './inputs.js';
import type { AddressSetsNode } from './sb-rows.js';

export class SyncAddrSetsNode implements NodeData {
  /** Set name → the addresses last handed to the writer. */
  private handed = new Map<string, readonly string[]>();
  /** Names whose SB rows may differ. */
  readonly touched = new Set<string>();
  recomputed = false;
  /** `handed` holds every set once a full scan ran. */
  private primed = false;

  constructor(
    private readonly nb: NbInputs,
    private readonly sets: AddressSetsNode,
  ) {}

  clearTracked(): void {
    this.recomputed = false;
    this.touched.clear();
  }
  updated(): boolean {
    return this.recomputed || this.touched.size > 0;
  }

  recompute(): void {
    this.recomputed = true;
    // Counted as a recompute, as ovn-northd's (its stats are part of the upstream tests), but when the
    // `address_sets` node did not recompute, its tracked names are exactly the sets that moved: the
    // per-round cost stays with the change, not with the 10k+ sets of a big NB (each `--wait=sb` bumps
    // NB_Global.nb_cfg and lands here).
    if (this.primed && !this.sets.recomputed) {
      this.takeTouched();
      return;
    }
    this.primed = true;
    const now = new Map<string, readonly string[]>();
    for (const { name, addresses } of this.sets.all()) {
      now.set(name, addresses);
      if (this.handed.get(name) !== addresses) this.touched.add(name);
    }
    for (const name of this.handed.keys()) if (!now.has(name)) this.touched.add(name);
    this.handed = now;
  }

  /** Only edits of existing NB address sets are handled. */
  onNbAddressSet(): boolean {
    return this.nb.tables.Address_Set.changes.every((c) => c.kind === 'modify');
  }
  /** Only edits of existing port groups are handled (their sets follow through `address_sets`). */
  onNbPortGroup(): boolean {
    return this.nb.tables.Port_Group.changes.every((c) => c.kind === 'modify');
  }
  onAddressSets(): boolean {
    if (this.sets.recomputed) return false;
    this.takeTouched();
    return true;
  }

  /** The names `address_sets` tracked this round, handed to the writer as they are now. */
  private takeTouched(): void {
    for (const name of this.sets.touched) {
      const a = this.sets.get(name);
      if (a) this.handed.set(name, a);
      else this.handed.delete(name);
      this.touched.add(name);
    }
  }
}
