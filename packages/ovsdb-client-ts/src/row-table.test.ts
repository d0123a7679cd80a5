import { describe, expect, it } from 'vitest';
import { COPY_BELOW, copyMap, overlayLimit, RowTable } from './row-table.js';

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Row = { readonly v: number };

/** Everything a reader can see of a table, through every read method (which must agree). */
function contents(t: ReadonlyMap<string, Row>): unknown {
  const each: [string, Row][] = [];
  t.forEach((v, k, m) => {
    if (m !== t) throw new Error('forEach: not the table');
    each.push([k, v]);
  });
  const entries = [...t];
  const views = {
    entries: [...t.entries()],
    keys: [...t.keys()],
    values: [...t.values()],
    each,
    got: entries.map(([k]) => [k, t.get(k)]),
    has: entries.every(([k]) => t.has(k)),
  };
  expect(views).toEqual({
    entries,
    keys: entries.map((e) => e[0]),
    values: entries.map((e) => e[1]),
    each: entries,
    got: entries,
    has: true,
  });
  return { size: t.size, entries };
}

describe('copyMap', () => {
  it('copies a Map with its rows in their order, sharing nothing with it', () => {
    const from = new Map<string, Row>();
    for (let i = 0; i < 50; i++) from.set(`k${(i * 37) % 101}`, { v: i });
    from.delete('k37');
    from.set('k0', { v: -1 }); // changed in place: keeps its position
    const copy = copyMap(from);
    expect([...copy]).toEqual([...from]);
    copy.set('new', { v: 1 });
    copy.delete('k0');
    expect(from.has('new')).toBe(false);
    expect(from.get('k0')).toEqual({ v: -1 });
    expect(copyMap(new Map()).size).toBe(0);
  });
});

describe('RowTable', () => {
  it('reads like the Map it was written like, in the same order, and a fork never changes what it forked', () => {
    // A small table (forks copy it) and a big one (forks share its base and hold their changes in an overlay).
    for (const [seed, prefill] of [
      [1, 0],
      [2, COPY_BELOW],
    ] as const) {
      const next = rng(seed);
      const ref = new Map<string, Row>(Array.from({ length: prefill }, (_, i) => [`k${i}`, { v: -i }]));
      let t = new RowTable<Row>(ref);
      const frozen: { t: RowTable<Row>; want: unknown }[] = [];
      // Few keys, so rows are modified, deleted and inserted again (which puts them last, as a Map does).
      for (let i = 0; i < 4000; i++) {
        const k = `k${Math.floor(next() * 300)}`;
        const r = next();
        if (r < 0.55) {
          const row = { v: i };
          ref.set(k, row);
          t.set(k, row);
        } else {
          expect(t.delete(k)).toBe(ref.delete(k));
        }
        expect(t.size).toBe(ref.size);
        if (next() < 0.02) {
          // A snapshot: the table handed out stays as it is; writing goes on in its fork. Read whole before
          // the fork (it merges its overlay, which the fork then takes as its base) or only after it.
          t.freeze();
          const early = next() < 0.5;
          const want = [...ref];
          if (early) expect([...t]).toEqual(want);
          frozen.push({ t, want: { size: want.length, entries: want } });
          t = t.fork();
        }
        if (i % 500 === 0) {
          expect(contents(t)).toEqual(contents(ref));
          expect(t.get('absent')).toBeUndefined();
          expect(t.has('absent')).toBe(false);
        }
      }
      expect(contents(t)).toEqual(contents(ref));
      // Each frozen table still reads as it did: the same rows (objects), in the same order.
      const same = (t: ReadonlyMap<string, Row>, want: readonly (readonly [string, Row])[]) => {
        const got = [...t];
        return (
          got.length === want.length &&
          t.size === want.length &&
          got.every(([k, v], i) => k === want[i]![0] && v === want[i]![1] && t.get(k) === v)
        );
      };
      expect(frozen.filter((f) => !same(f.t, (f.want as { entries: [string, Row][] }).entries)).length).toBe(0);
      expect(contents(frozen.at(-1)!.t)).toEqual(frozen.at(-1)!.want);
    }
  });

  it('a fork holds what changed since its base in a small overlay, merged into a new base past its bound', () => {
    const n = 20_000;
    const t0 = new RowTable<Row>(Array.from({ length: n }, (_, i) => [`r${i}`, { v: i }] as const));
    let t = t0.fork();
    t.set('r5', { v: -5 });
    t.delete('r6');
    t.set('new', { v: 1 });
    expect(t.overlaySize).toBe(3);
    expect(t0.get('r5')).toEqual({ v: 5 });
    expect(t0.get('r6')).toEqual({ v: 6 });
    expect(t0.has('new')).toBe(false);
    expect([...t.keys()].slice(4, 7)).toEqual(['r4', 'r5', 'r7']);
    expect([...t.keys()].at(-1)).toBe('new');
    // Forks of forks copy the overlay only, until it passes the bound.
    const limit = overlayLimit(n);
    for (let i = 0; i < limit; i++) {
      t = t.fork();
      t.set(`r${1000 + i}`, { v: -i });
    }
    expect(t.overlaySize).toBeLessThan(limit);
    expect(t.size).toBe(n);
    expect(t.get('r1000')).toEqual({ v: -0 });
    expect(t0.get('r1000')).toEqual({ v: 1000 });
  });

  it('a table deleted from and inserted into after a fork puts the row last, as a Map does', () => {
    const rest = Array.from({ length: COPY_BELOW }, (_, i) => [`r${i}`, { v: i }] as const);
    const t0 = new RowTable<Row>([['a', { v: 1 }], ['b', { v: 2 }], ['c', { v: 3 }], ...rest]);
    const t = t0.fork();
    t.delete('a');
    expect(t.get('a')).toBeUndefined();
    t.set('a', { v: 4 });
    t.set('b', { v: 5 });
    expect(t.overlaySize).toBe(3);
    expect([...t].slice(0, 2)).toEqual([
      ['b', { v: 5 }],
      ['c', { v: 3 }],
    ]);
    expect([...t].at(-1)).toEqual(['a', { v: 4 }]);
    expect(t.delete('a')).toBe(true);
    expect(t.delete('a')).toBe(false);
    expect(t.size).toBe(COPY_BELOW + 2);
    expect([...t0.keys()].slice(0, 3)).toEqual(['a', 'b', 'c']);
    expect(() => t0.set('d', { v: 6 })).toThrow(/frozen/);
  });

  it('a frozen table read whole merges its overlay once, and its forks start from that', () => {
    const t0 = new RowTable<Row>(Array.from({ length: COPY_BELOW }, (_, i) => [`r${i}`, { v: i }] as const));
    const t1 = t0.fork();
    t1.set('r1', { v: -1 });
    t1.freeze();
    expect(t1.overlaySize).toBe(1);
    expect([...t1.values()].slice(0, 3)).toEqual([{ v: 0 }, { v: -1 }, { v: 2 }]);
    expect(t1.overlaySize).toBe(0);
    const t2 = t1.fork();
    expect(t2.overlaySize).toBe(0);
    t2.delete('r0');
    expect(t2.overlaySize).toBe(1);
    expect([...t2.keys()].slice(0, 2)).toEqual(['r1', 'r2']);
    expect(t1.get('r0')).toEqual({ v: 0 });
  });

  it('a small table is copied whole by a fork, with no overlay', () => {
    const t0 = new RowTable<Row>([['a', { v: 1 }]]);
    const t1 = t0.fork();
    t1.set('b', { v: 2 });
    expect(t1.overlaySize).toBe(0);
    expect([...t0.keys()]).toEqual(['a']);
    expect([...t1.keys()]).toEqual(['a', 'b']);
  });
});
