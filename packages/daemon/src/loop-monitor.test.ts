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
});
