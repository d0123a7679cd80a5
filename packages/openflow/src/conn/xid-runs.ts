// The xids of a batch of fire-and-forget messages whose errors the batch collects, kept as runs of consecutive
// xids rather than one map entry per message: a start's bundle sends ~44k flow mods, whose per-xid Map (~1.8 MB
// of hash table, plus an array of the xids) was alive at the moment of a chassis's peak RSS. A batch takes its
// xids in order, a few other requests (echo replies, probes) possibly between its write slices: a handful of runs.

/** One batch's xids in the order taken, and the errors the switch returned for them. */
export class XidBatch<E> {
  /** Flat [first, last, first, last, …] of the runs, in the order the xids were taken. */
  private readonly runs: number[] = [];
  readonly errors: E[] = [];

  /** Records the batch's next xid. */
  add(xid: number): void {
    const n = this.runs.length;
    if (n > 0 && this.runs[n - 1] === xid - 1) this.runs[n - 1] = xid;
    else this.runs.push(xid, xid);
  }

  has(xid: number): boolean {
    return this.indexOf(xid) >= 0;
  }

  /** The position of `xid` among the batch's xids in the order taken, -1 if not the batch's. */
  indexOf(xid: number): number {
    let before = 0;
    for (let i = 0; i < this.runs.length; i += 2) {
      const lo = this.runs[i]!;
      const hi = this.runs[i + 1]!;
      if (xid >= lo && xid <= hi) return before + (xid - lo);
      before += hi - lo + 1;
    }
    return -1;
  }
}

/** The batches in flight on a connection. */
export class XidWatch<E extends { readonly xid: number }> {
  private readonly batches = new Set<XidBatch<E>>();

  open(): XidBatch<E> {
    const b = new XidBatch<E>();
    this.batches.add(b);
    return b;
  }

  close(b: XidBatch<E>): void {
    this.batches.delete(b);
  }

  /** Hands the error to the batch that sent its message; false if none did. */
  take(err: E): boolean {
    for (const b of this.batches)
      if (b.has(err.xid)) {
        b.errors.push(err);
        return true;
      }
    return false;
  }
}
