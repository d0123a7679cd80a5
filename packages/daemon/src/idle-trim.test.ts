import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { compactingGc, formatIdleTrim, IdleTrim } from './idle-trim.js';

const MB = 2 ** 20;

/** An IdleTrim on a fake clock, CPU counter and heap; `step(wallMs, cpuMs)` advances them and ticks. */
function fake(opts: { held?: number; used?: number; peakRss?: number } = {}) {
  let now = 0;
  let cpu = 0;
  const heap = { used: (opts.used ?? 30) * MB, held: (opts.held ?? 50) * MB };
  const runs: number[] = [];
  const trim = new IdleTrim({
    now: () => now,
    cpuMs: () => cpu,
    heap: () => ({ ...heap }),
    rss: () => heap.held + 40 * MB,
    peakRss: () => (opts.peakRss ?? 1000) * MB,
    collect: () => {
      runs.push(now);
      cpu += 30;
      heap.held = heap.used + 2 * MB;
    },
  });
  const step = (wallMs: number, cpuMs: number) => {
    now += wallMs;
    cpu += cpuMs;
    return trim.tick();
  };
  return { trim, step, runs, heap };
}

describe('IdleTrim', () => {
  it('does not collect when the copy could raise the peak RSS (RSS + used heap above the peak so far)', () => {
    // RSS 90 MB (held 50 + 40), used 30 MB: a peak of 110 MB leaves no room, 120 MB does.
    for (const [peak, expected] of [
      [110, 0],
      [120, 1],
    ] as const) {
      const { step, runs } = fake({ peakRss: peak });
      for (let i = 0; i < 10; i++) step(100, 80);
      for (let i = 0; i < 6; i++) step(100, 2);
      expect(runs.length).toBe(expected);
    }
  });

  it('collects once the process has been quiet for a while after work, and reports what it returned', () => {
    const { trim, step, runs } = fake();
    for (let i = 0; i < 10; i++) expect(step(100, 80)).toBeUndefined(); // busy: 800 ms of CPU
    expect(step(100, 2)).toBeUndefined();
    expect(step(100, 2)).toBeUndefined();
    expect(step(100, 2)).toBeUndefined();
    expect(step(100, 2)).toBeUndefined(); // 400 ms quiet: collects
    expect(runs).toEqual([1400]);
    for (let i = 0; i < 9; i++) expect(step(100, 2)).toBeUndefined();
    const r = step(100, 2); // the RSS a second later
    expect(r).toMatchObject({ heldBeforeKb: 50 * 1024, heldAfterKb: 32 * 1024, cpuMs: 30 });
    expect(r!.rssBeforeKb - r!.rssAfterKb).toBe(18 * 1024);
    expect(trim.stats()).toEqual({ collections: 1, cpuMs: 30, heldFreedKb: 18 * 1024, rssFreedKb: 18 * 1024 });
    expect(formatIdleTrim(r!)).toBe(
      'idle heap compaction: held 50.0 -> 32.0 MB, used 30.0 -> 30.0 MB, RSS 90.0 -> 72.0 MB, 30 ms CPU',
    );
  });

  it('never collects while the process is busy', () => {
    const { step, runs } = fake();
    for (let i = 0; i < 1000; i++) step(100, 50);
    expect(runs).toEqual([]);
  });

  it('a busy tick restarts the quiet period', () => {
    const { step, runs } = fake();
    step(100, 500);
    step(100, 1);
    step(100, 1);
    step(100, 1);
    step(100, 60); // a round
    step(100, 1);
    step(100, 1);
    step(100, 1);
    expect(runs).toEqual([]);
    step(100, 1);
    expect(runs).toEqual([900]);
  });

  it('needs work since the last collection and respects the minimum interval', () => {
    const { step, runs, heap } = fake();
    for (let i = 0; i < 10; i++) step(100, 1); // idle from the start: no work yet
    expect(runs).toEqual([]);
    step(100, 300);
    for (let i = 0; i < 5; i++) step(100, 1);
    expect(runs).toHaveLength(1);
    heap.held = heap.used + 20 * MB;
    // More work soon after: the interval holds it back until 10 s after the first.
    step(100, 300);
    for (let i = 0; i < 20; i++) step(100, 1);
    expect(runs).toHaveLength(1);
    for (let i = 0; i < 100; i++) step(100, 1);
    expect(runs).toHaveLength(2);
    expect(runs[1]! - runs[0]!).toBeGreaterThanOrEqual(10_000);
    // Quiet with no work since: no more.
    heap.held = heap.used + 20 * MB;
    for (let i = 0; i < 300; i++) step(100, 1);
    expect(runs).toHaveLength(2);
  });

  it('waits longer after a costly collection (at most ~1 % of a core)', () => {
    let now = 0;
    let cpu = 0;
    const runs: number[] = [];
    const trim = new IdleTrim({
      now: () => now,
      cpuMs: () => cpu,
      heap: () => ({ used: 600 * MB, held: 900 * MB }),
      rss: () => 0,
      peakRss: () => 2000 * MB,
      collect: () => {
        runs.push(now);
        cpu += 500; // a big heap: half a second to compact
      },
    });
    for (let i = 0; i < 2000; i++) {
      now += 100;
      cpu += i % 50 < 5 ? 100 : 1; // a round every 5 s
      trim.tick();
    }
    expect(runs.length).toBeGreaterThan(1);
    for (let k = 1; k < runs.length; k++) expect(runs[k]! - runs[k - 1]!).toBeGreaterThanOrEqual(50_000);
  });

  it('leaves a heap held close to its use alone', () => {
    const { step, runs } = fake({ used: 30, held: 36 });
    step(100, 500);
    for (let i = 0; i < 20; i++) step(100, 1);
    expect(runs).toEqual([]);
  });

  it('compactingGc collects and restores the compaction flag', () => {
    let junk: object[] | undefined = Array.from({ length: 200_000 }, (_, i) => ({ i }));
    expect(junk.length).toBe(200_000);
    junk = undefined;
    const before = getHeapStatistics().used_heap_size;
    compactingGc();
    expect(getHeapStatistics().used_heap_size).toBeLessThan(before);
    compactingGc(); // the flag is set and cleared each time
  });
});
