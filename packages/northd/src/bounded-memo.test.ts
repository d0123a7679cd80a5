import { describe, expect, it } from 'vitest';
import { BoundedMemo } from './bounded-memo.js';

describe('BoundedMemo', () => {
  it('never holds more than two generations, however many keys pass through', () => {
    const m = new BoundedMemo<number, string>(100);
    let computed = 0;
    for (let i = 0; i < 100_000; i++) m.get(i, (k) => (computed++, `v${k}`));
    expect(computed).toBe(100_000);
    expect(m.size).toBeLessThanOrEqual(200);
  });

  it('keeps the entries in use across generation turns (no recompute), forgets the unused', () => {
    const m = new BoundedMemo<string, { n: number }>(10);
    const hot = m.get('hot', () => ({ n: 1 }));
    let computed = 0;
    for (let i = 0; i < 1000; i++) {
      // Each turn of the generation, `hot` is used again.
      expect(m.get('hot', () => (computed++, { n: 2 }))).toBe(hot);
      m.get(`cold${i}`, () => ({ n: 0 }));
    }
    expect(computed).toBe(0);
    let recomputed = false;
    m.get('cold0', () => ((recomputed = true), { n: 0 }));
    expect(recomputed).toBe(true);
  });

  it('resized to a working set, holds at most twice it from the next turn on', () => {
    const m = new BoundedMemo<number, number>(1000);
    for (let i = 0; i < 1500; i++) m.get(i, (k) => k);
    m.resize(50);
    expect(m.generation).toBe(50);
    for (let i = 0; i < 10_000; i++) m.get(10_000 + i, (k) => k);
    expect(m.size).toBeLessThanOrEqual(100);
    expect(() => m.resize(0)).toThrow(/generation must be ≥ 1/);
  });

  it('memoises undefined values too, and refuses a generation < 1', () => {
    const m = new BoundedMemo<string, number | undefined>(4);
    let calls = 0;
    m.get('x', () => (calls++, undefined));
    m.get('x', () => (calls++, undefined));
    expect(calls).toBe(1);
    expect(() => new BoundedMemo(0)).toThrow(/generation must be ≥ 1/);
  });

  it('peek answers from the current generation only, computing and moving nothing', () => {
    const m = new BoundedMemo<string, number>(2);
    m.get('a', () => 1);
    expect(m.peek('a')).toBe(1);
    expect(m.peek('b')).toBeUndefined();
    m.get('b', () => 2);
    m.get('c', () => 3); // turn: a and b are the old generation
    expect(m.peek('a')).toBeUndefined();
    expect(m.get('a', () => 9)).toBe(1); // still memoised, moved back
    expect(m.peek('a')).toBe(1);
    expect(m.size).toBe(3);
  });
});
