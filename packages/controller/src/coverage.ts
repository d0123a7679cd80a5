// Event counters in the manner of OVS's coverage module (`coverage/read-counter NAME`): OVN's tests read
// `lflow_run` (rounds that translated every logical flow, not only the new or changed ones).
export class Coverage {
  private readonly counts = new Map<string, number>();

  inc(name: string, by = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + by);
  }

  get(name: string): number {
    return this.counts.get(name) ?? 0;
  }

  all(): ReadonlyMap<string, number> {
    return this.counts;
  }
}
