import { describe, expect, it } from 'vitest';
import { SetIndex } from './set-index.js';

const values = (ix: SetIndex<string, string>, k: string) => [...ix.get(k)].sort();

describe('SetIndex', () => {
  it('holds each key as a set through bare, small-array and Set forms, both ways', () => {
    const ix = new SetIndex<string, string>();
    const want = new Set<string>();
    for (let i = 0; i < 20; i++) {
      ix.add('k', `v${i}`);
      ix.add('k', `v${i}`); // a repeated add changes nothing
      want.add(`v${i}`);
      expect(values(ix, 'k')).toEqual([...want].sort());
    }
    for (let i = 19; i >= 0; i--) {
      ix.delete('k', `v${i}`);
      ix.delete('k', 'absent');
      want.delete(`v${i}`);
      expect(values(ix, 'k')).toEqual([...want].sort());
      expect([...ix.entries()].map(([k, , n]) => [k, n])).toEqual(want.size ? [['k', want.size]] : []);
    }
    expect(ix.size).toBe(0);
  });

  it('keeps keys apart and forgets a key with its last value', () => {
    const ix = new SetIndex<string, string>();
    ix.add('a', 'x');
    ix.add('b', 'x');
    ix.add('b', 'y');
    ix.delete('a', 'y');
    expect(values(ix, 'a')).toEqual(['x']);
    expect(values(ix, 'b')).toEqual(['x', 'y']);
    ix.delete('a', 'x');
    expect(values(ix, 'a')).toEqual([]);
    expect(ix.size).toBe(1);
    ix.clear();
    expect(values(ix, 'b')).toEqual([]);
  });
});
