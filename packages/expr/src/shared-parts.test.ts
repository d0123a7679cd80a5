import { describe, expect, it } from 'vitest';
import type { Action, MatchEntry } from '@ovnts/openflow';
import {
  SHARED_PARTS_MAX_GENERATION,
  SHARED_PARTS_MIN_GENERATION,
  sharedAction,
  sharedEntry,
  sharedPartsSize,
  sizeSharedParts,
} from './shared-parts.js';

const entry = (value: bigint, mask?: bigint): MatchEntry =>
  mask === undefined ? { field: 'reg14', value } : { field: 'reg14', value, mask };

describe('shared flow parts', () => {
  it('hands out one object per distinct entry and action', () => {
    const a = sharedEntry(entry(7n));
    expect(sharedEntry(entry(7n))).toBe(a);
    expect(sharedEntry(entry(8n))).not.toBe(a);
    const m = sharedEntry(entry(7n, 0xffn));
    expect(sharedEntry(entry(7n, 0xffn))).toBe(m);
    expect(m).not.toBe(a);
    const load: Action = { type: 'set_field', field: 'reg15', value: 3n };
    expect(sharedAction({ ...load })).toBe(sharedAction(load));
    const mv = (): Action => ({
      type: 'move',
      src: { field: 'reg14', start: 0, nBits: 16 },
      dst: { field: 'reg15', start: 0, nBits: 16 },
    });
    expect(sharedAction(mv())).toBe(sharedAction(mv()));
    expect(sharedAction({ type: 'resubmit', table: 8 })).toBe(sharedAction({ type: 'resubmit', table: 8 }));
    expect(sharedAction({ type: 'output', port: 3 })).toBe(sharedAction({ type: 'output', port: 3 }));
  });

  it('keeps parts in use and forgets the rest: at most two generations', () => {
    sizeSharedParts(1); // the smallest generation
    const gen = SHARED_PARTS_MIN_GENERATION;
    const hot = sharedEntry(entry(1n << 40n));
    // A stream of distinct values (texts of flows that come and go), the hot one still in use.
    for (let i = 0; i < 10 * gen; i++) {
      sharedEntry(entry(BigInt(i)));
      if (i % 100 === 0) {
        expect(sharedEntry(entry(1n << 40n))).toBe(hot);
        expect(sharedPartsSize()).toBeLessThanOrEqual(2 * gen);
      }
    }
    expect(sharedEntry(entry(1n << 40n))).toBe(hot);
    // A value unused for two generations is forgotten: a new equal entry is handed out as itself.
    const cold = entry(0n);
    expect(sharedEntry(cold)).toBe(cold);
  });

  it('sizes its generation to the flows held, within its bounds', () => {
    sizeSharedParts(1e9);
    for (let i = 0; i < 3 * SHARED_PARTS_MIN_GENERATION; i++) sharedEntry({ field: 'reg13', value: BigInt(i) });
    // A generation larger than the minimum: nothing turned yet.
    const first = { field: 'reg13', value: 0n } as const;
    expect(sharedEntry(first)).not.toBe(first);
    expect(SHARED_PARTS_MAX_GENERATION).toBeGreaterThan(3 * SHARED_PARTS_MIN_GENERATION);
    // Shrunk to the minimum again, the tables come back to at most two generations of it.
    sizeSharedParts(0);
    for (let i = 0; i < 2 * SHARED_PARTS_MIN_GENERATION; i++) sharedEntry({ field: 'reg12', value: BigInt(i) });
    expect(sharedPartsSize()).toBeLessThanOrEqual(2 * SHARED_PARTS_MIN_GENERATION);
  });
});
