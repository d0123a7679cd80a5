// A one-to-many index (key → set of values) that holds a key's only value bare, without a Set: most keys of
// the engine's look-up indexes have one member (a port name read by one logical flow, a port in one multicast
// group), and a Set costs ~250 bytes even when small (10k of them at 100×50: ~2.6 MB for lflow_output's
// look-ups alone). Values must not be Sets themselves.

const NONE: readonly never[] = [];

export class SetIndex<K, V> {
  private readonly m = new Map<K, V | Set<V>>();

  /** The values under `k` (empty when none). */
  get(k: K): Iterable<V> {
    const cur = this.m.get(k);
    if (cur === undefined) return NONE;
    return cur instanceof Set ? cur : [cur];
  }

  add(k: K, v: V): void {
    const cur = this.m.get(k);
    if (cur === undefined) this.m.set(k, v);
    else if (cur instanceof Set) cur.add(v);
    else if (cur !== v) this.m.set(k, new Set([cur, v]));
  }

  /** Takes `v` out from under `k`; the key goes with its last value (keys come and go for as long as the controller runs). */
  delete(k: K, v: V): void {
    const cur = this.m.get(k);
    if (cur === undefined) return;
    if (!(cur instanceof Set)) {
      if (cur === v) this.m.delete(k);
      return;
    }
    cur.delete(v);
    if (cur.size === 0) this.m.delete(k);
    else if (cur.size === 1) for (const only of cur) this.m.set(k, only);
  }

  /** Every key with the number of its values (for the stale-entry checks). */
  *entries(): IterableIterator<[K, Iterable<V>, number]> {
    for (const [k, cur] of this.m) yield cur instanceof Set ? [k, cur, cur.size] : [k, [cur], 1];
  }

  get size(): number {
    return this.m.size;
  }

  clear(): void {
    this.m.clear();
  }
}
