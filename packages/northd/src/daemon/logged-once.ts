// Which diagnostics have been logged, so that each distinct one is logged once. A long run (the soak's random
// NB) produces thousands of distinct messages; kept as text they were ~100 bytes each, ~1 MB at the bound.
// Here each is a 53-bit hash (two FNV-1a variants), so the set costs a number per message: two distinct
// messages share a hash with odds ~n²/2⁵⁴ (~6·10⁻⁹ for 10 000), and then the second is not logged.

/** Remembers the last `limit` distinct messages (by hash), forgetting the oldest first. */
export class LoggedOnce {
  private readonly seen = new Set<number>();

  constructor(private readonly limit: number) {}

  /** True the first time `msg` is seen (or again once it has been forgotten); it is remembered from then on. */
  first(msg: string): boolean {
    const h = hash53(msg);
    if (this.seen.has(h)) return false;
    this.seen.add(h);
    // A Set iterates in insertion order: drop the oldest.
    if (this.seen.size > this.limit) this.seen.delete(this.seen.values().next().value!);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }
}

function hash53(s: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  // 32 bits of one, 21 of the other: an exact integer in a double.
  return (a >>> 0) * 0x200000 + (b >>> 11);
}
