// The snooping group table: joins, leaves, aging, router ports, the table size.
import { describe, expect, it } from 'vitest';
import { McastSnoopTable, MROUTER_IDLE_S } from './mcast-snooping.js';

const groups = (t: McastSnoopTable) => [...t.entries()].map((g) => [g.address, [...g.ports.keys()].sort()]);

describe('multicast snooping table', () => {
  it('joins, refreshes and leaves', () => {
    const t = new McastSnoopTable(2048, 300);
    expect(t.join('239.0.1.68', 1, 0)).toBe(true);
    expect(t.join('239.0.1.68', 2, 0)).toBe(false);
    expect(groups(t)).toEqual([['239.0.1.68', [1, 2]]]);
    expect(t.leave('239.0.1.68', 1)).toBe(true);
    expect(t.leave('239.0.1.68', 1)).toBe(false);
    expect(t.leave('239.0.1.68', 2)).toBe(true);
    expect(groups(t)).toEqual([]);
  });

  it('ages memberships out after the idle time (at least 15 s)', () => {
    const t = new McastSnoopTable(2048, 1);
    t.join('239.0.1.68', 1, 0);
    t.join('239.0.1.68', 2, 10_000);
    expect(t.nextExpiry()).toBe(15_000);
    expect(t.expire(14_999)).toBe(false);
    expect(t.expire(15_000)).toBe(true);
    expect(groups(t)).toEqual([['239.0.1.68', [2]]]);
    expect(t.expire(25_000)).toBe(true);
    expect(groups(t)).toEqual([]);
  });

  it('keeps the age of memberships when the idle time changes', () => {
    const t = new McastSnoopTable(2048, 300);
    t.join('239.0.1.68', 1, 0);
    t.configure(2048, 30, 1000);
    expect(t.nextExpiry()).toBe(30_000);
  });

  it('learns multicast routers from queries; their reports join nothing', () => {
    const t = new McastSnoopTable(2048, 300);
    expect(t.addMrouter(5, 0)).toBe(true);
    expect(t.addMrouter(5, 1)).toBe(false);
    expect(t.join('239.0.1.68', 5, 0)).toBe(false);
    expect(groups(t)).toEqual([]);
    expect(t.mrouters()).toEqual([5]);
    t.expire(1 + MROUTER_IDLE_S * 1000);
    expect(t.mrouters()).toEqual([]);
  });

  it('forgets the least recently reported group past the table size (at least 10)', () => {
    const t = new McastSnoopTable(1, 300);
    for (let i = 0; i < 10; i++) t.join(`239.0.0.${i}`, 1, i);
    t.join('239.0.0.0', 2, 20); // refreshed: now the most recent
    t.join('239.0.0.99', 1, 30);
    expect(groups(t).map(([a]) => a)).not.toContain('239.0.0.1');
    expect(groups(t).map(([a]) => a)).toContain('239.0.0.0');
    expect(groups(t)).toHaveLength(10);
  });

  it('flushes', () => {
    const t = new McastSnoopTable(2048, 300);
    t.join('ff0a:dead:beef::1', 1, 0);
    t.addMrouter(2, 0);
    t.flush();
    expect(groups(t)).toEqual([]);
    expect(t.mrouters()).toEqual([]);
  });
});
