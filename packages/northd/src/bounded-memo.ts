// A memo with a hard bound on its size that keeps its working set: two generations of at most `generation`
// entries each. New entries go into the current generation; when it is full it becomes the old one (the
// previous old one is dropped) and an empty one starts. A hit in the old generation moves the entry into the
// current one, so an entry in use survives every turn and one unused for two generations is forgotten.
// Unlike cap-and-clear, a full memo does not lose everything it holds at once; unlike a plain Map, keys that
// come and go (row UUIDs, names of deleted rows) cannot pile up in a long-running daemon.

export class BoundedMemo<K, V> {
  private current = new Map<K, V>();
  private old = new Map<K, V>();

  private gen: number;

  /** Holds at most 2 × `generation` entries. */
  constructor(generation: number) {
    this.gen = checked(generation);
  }

  /** Entries per generation. */
  get generation(): number {
    return this.gen;
  }

  /**
   * Sizes the generation to the owner's working set (e.g. the rows that can use an entry now), so the memo
   * holds about twice what is in use rather than a fixed count, mostly keys of rows gone. Takes effect at the
   * next turn; a smaller generation never drops entries before then.
   */
  resize(generation: number): void {
    this.gen = checked(generation);
  }

  /** The value memoised for `key`, computed (and memoised) by `compute` when absent. */
  get(key: K, compute: (key: K) => V): V {
    if (this.current.has(key)) return this.current.get(key)!;
    const v = this.old.has(key) ? this.old.get(key)! : compute(key);
    this.old.delete(key);
    if (this.current.size >= this.gen) {
      this.old = this.current;
      this.current = new Map();
    }
    this.current.set(key, v);
    return v;
  }

  /** The value memoised for `key` in the current generation, without computing or moving anything. */
  peek(key: K): V | undefined {
    return this.current.get(key);
  }

  /** Entries held now (≤ 2 × generation). */
  get size(): number {
    return this.current.size + this.old.size;
  }

  clear(): void {
    this.current = new Map();
    this.old = new Map();
  }
}

function checked(generation: number): number {
  if (!(generation >= 1)) throw new Error(`BoundedMemo: generation must be ≥ 1, got ${generation}`);
  return Math.ceil(generation);
}
