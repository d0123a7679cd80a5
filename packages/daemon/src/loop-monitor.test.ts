import { describe, expect, it } from 'vitest';
import { LoopMonitor, formatLoopStats } from './loop-monitor.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const busy = (ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end);
};

describe('LoopMonitor', () => {
  it('measures a blocked loop as one stall and reports those past the threshold', async () => {
    const seen: number[] = [];
    const m = new LoopMonitor({ tickMs: 10, warnMs: 150, onLongStall: (ms) => seen.push(ms) }).start();
    try {
      await sleep(30);
      busy(250);
      await sleep(40);
      const s = m.stats();
      expect(s.longStalls).toBe(1);
      expect(seen).toHaveLength(1);
      expect(seen[0]).toBeGreaterThanOrEqual(240);
      expect(s.longestMs).toBeGreaterThanOrEqual(200);
      expect(s.maxMs).toBeGreaterThanOrEqual(200);
      expect(formatLoopStats(s, 150)).toContain('stalls of 150 ms or more: 1');
      m.reset();
      expect(m.stats().longStalls).toBe(0);
    } finally {
      m.stop();
    }
  });

  it('takes the delay percentiles from its own ticks (no sampling timer of its own)', async () => {
    const m = new LoopMonitor({ tickMs: 10 }).start();
    try {
      expect(m.stats().maxMs).toBe(0);
      await sleep(60);
      busy(120);
      await sleep(30);
      const s = m.stats();
      expect(s.maxMs).toBeGreaterThanOrEqual(100);
      expect(s.p50Ms).toBeLessThanOrEqual(s.p99Ms);
      expect(s.p99Ms).toBeLessThanOrEqual(s.maxMs);
    } finally {
      m.stop();
    }
  });
  it('runs the periodic checks it shares its timer with at each tick', async () => {
    let ticks = 0;
    const m = new LoopMonitor({ tickMs: 10, onTick: () => ticks++ }).start();
    try {
      await sleep(100);
      expect(ticks).toBeGreaterThanOrEqual(3);
    } finally {
      m.stop();
    }
    const seen = ticks;
    await sleep(40);
    expect(ticks).toBe(seen);
  });
});
