import { describe, expect, it } from 'vitest';
import { XidBatch, XidWatch } from './xid-runs.js';

describe('XidBatch', () => {
  it('keeps consecutive xids as runs and gives their position in the order taken', () => {
    const b = new XidBatch<{ xid: number }>();
    for (const x of [10, 11, 12, 20, 21, 5]) b.add(x);
    expect([10, 11, 12, 20, 21, 5].map((x) => b.indexOf(x))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(b.has(13)).toBe(false);
    expect(b.has(19)).toBe(false);
    expect(b.indexOf(4)).toBe(-1);
  });

  it('starts a new run when the xids wrap', () => {
    const b = new XidBatch<{ xid: number }>();
    for (const x of [0xfffffff0, 1, 2]) b.add(x);
    expect([0xfffffff0, 1, 2].map((x) => b.indexOf(x))).toEqual([0, 1, 2]);
    expect(b.has(0xfffffff1)).toBe(false);
  });
});

describe('XidWatch', () => {
  it('hands an error to the open batch that sent its xid, and to none once closed', () => {
    const w = new XidWatch<{ xid: number; name: string }>();
    const a = w.open();
    const b = w.open();
    a.add(1);
    a.add(2);
    b.add(3);
    a.add(4);
    expect(w.take({ xid: 3, name: 'x' })).toBe(true);
    expect(w.take({ xid: 4, name: 'y' })).toBe(true);
    expect(w.take({ xid: 9, name: 'z' })).toBe(false);
    expect(b.errors.map((e) => e.name)).toEqual(['x']);
    expect(a.errors.map((e) => e.name)).toEqual(['y']);
    expect(a.indexOf(4)).toBe(2);
    w.close(a);
    expect(w.take({ xid: 1, name: 'late' })).toBe(false);
  });
});
