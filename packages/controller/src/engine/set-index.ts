// A one-to-many index (key → set of values) sized to its keys' few members: a key's only value is held bare,
// a handful in a small array, a Set only past SMALL values. Most keys of the engine's look-up indexes have one
// to a few members (a port name read by the few logical flows of its port, a port in one multicast group),
// and a Set costs ~215 bytes even when small (15.5k of them at 100×50: 3.3 MB). Values must be neither
// arrays nor Sets themselves.

const NONE: readonly never[] = [];
/** Up to this many values in an array (a linear search is as fast as a hash at this size). */
const SMALL = 8;

export class SetIndex<K, V> {
  private readonly m = new Map<K, V | V[] | Set<V>>();

  /** The values under `k` (empty when none); not to be held across changes of the index. */
  get(k: K): Iterable<V> {
    const cur = this.m.get(k);
    if (cur === undefined) return NONE;
    return cur instanceof Set || Array.isArray(cur) ? cur : [cur];
  }

  add(k: K, v: V): void {
    const cur = this.m.get(k);
    if (cur === undefined) this.m.set(k, v);
    else if (cur instanceof Set) cur.add(v);
    else if (Array.isArray(cur)) {
      if (cur.includes(v)) return;
      if (cur.length < SMALL) cur.push(v);
      else this.m.set(k, new Set([...cur, v]));
    } else if (cur !== v) this.m.set(k, [cur, v]);
  }

  /** Takes `v` out from under `k`; the key goes with its last value (keys come and go for as long as the controller runs). */
  delete(k: K, v: V): void {
    const cur = this.m.get(k);
    if (cur === undefined) return;
    if (cur instanceof Set) {
      cur.delete(v);
      if (cur.size <= SMALL / 2) this.m.set(k, [...cur]);
    } else if (Array.isArray(cur)) {
      const i = cur.indexOf(v);
      if (i < 0) return;
      cur.splice(i, 1);
      if (cur.length === 1) this.m.set(k, cur[0]!);
      else if (cur.length === 0) this.m.delete(k);
    } else if (cur === v) this.m.delete(k);
  }

  /** Every key with the number of its values (for the stale-entry checks). */
  *entries(): IterableIterator<[K, Iterable<V>, number]> {
    for (const [k, cur] of this.m)
      yield cur instanceof Set ? [k, cur, cur.size] : Array.isArray(cur) ? [k, cur, cur.length] : [k, [cur], 1];
  }

  get size(): number {
    return this.m.size;
  }

  clear(): void {
    this.m.clear();
  }
}
