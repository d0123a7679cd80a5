// How long the event loop went without running: a daemon that computes for seconds on its one thread
// answers neither the switch's echo nor the database's inactivity probe meanwhile, and both connections drop.
// A ticking timer measures each stall (how late it fired); OVS daemons warn the same way ("Unreasonably long
// …ms poll interval") when their loop iteration passes a second. The delay percentiles come from the same
// ticks: perf_hooks' monitorEventLoopDelay runs a timer of its own every 10 ms, 100 wake-ups a second of an
// idle daemon (~7 ms of CPU a second each on a loaded 2-core box, times every controller of a density run).
import { createHistogram, performance, type RecordableHistogram } from 'node:perf_hooks';

/** The histogram's range in ns (an hour); a longer stall is recorded as that. */
const HIST_HIGHEST_NS = 3600e9;

export interface LoopStats {
  /** The longest stall seen since the start (or the last reset), in ms. */
  readonly longestMs: number;
  /** Stalls of at least `warnMs`. */
  readonly longStalls: number;
  /** Event-loop delay percentiles (how late the ticks fired), in ms. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface LoopMonitorOptions {
  /** Tick period (default 100 ms; a stall is measured to within one tick). */
  readonly tickMs?: number;
  /** A stall at least this long is counted and reported (default 1000 ms). */
  readonly warnMs?: number;
  /** Called for each long stall. */
  readonly onLongStall?: (ms: number) => void;
  /** Called at each tick: the daemon's other periodic checks share this timer (one wake-up per tick). */
  readonly onTick?: () => void;
}

export class LoopMonitor {
  private readonly tickMs: number;
  private readonly warnMs: number;
  private readonly hist: RecordableHistogram;
  private timer: NodeJS.Timeout | undefined;
  private last = 0;
  private longestMs = 0;
  private longStalls = 0;

  constructor(private readonly opts: LoopMonitorOptions = {}) {
    this.tickMs = opts.tickMs ?? 100;
    this.warnMs = opts.warnMs ?? 1000;
    // Two significant digits up to an hour: ~30 kB; the defaults (three digits up to 2^53 ns) take ~350 kB of
    // every daemon's memory (native, outside the V8 heap) for percentiles reported in whole ms.
    this.hist = createHistogram({ lowest: 1, highest: HIST_HIGHEST_NS, figures: 2 });
  }

  start(): this {
    if (this.timer) return this;
    this.last = performance.now();
    this.timer = setInterval(() => this.tick(), this.tickMs).unref();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const now = performance.now();
    const stall = now - this.last - this.tickMs;
    this.last = now;
    // In ns as perf_hooks' loop-delay histogram kept them (it takes integers from 1).
    this.hist.record(Math.min(HIST_HIGHEST_NS, Math.max(1, Math.round(stall * 1e6))));
    if (stall > this.longestMs) this.longestMs = stall;
    if (stall >= this.warnMs) {
      this.longStalls++;
      this.opts.onLongStall?.(Math.round(stall + this.tickMs));
    }
    this.opts.onTick?.();
  }

  stats(): LoopStats {
    const ms = (ns: number) => (Number.isFinite(ns) ? ns / 1e6 : 0);
    return {
      longestMs: Math.max(0, Math.round(this.longestMs)),
      longStalls: this.longStalls,
      p50Ms: Math.round(ms(this.hist.percentile(50))),
      p99Ms: Math.round(ms(this.hist.percentile(99))),
      maxMs: Math.round(ms(this.hist.max)),
    };
  }

  reset(): void {
    this.longestMs = 0;
    this.longStalls = 0;
    this.hist.reset();
  }
}

/** `event-loop/show` text. */
export function formatLoopStats(s: LoopStats, warnMs = 1000): string {
  return (
    `longest stall: ${s.longestMs} ms\n` +
    `stalls of ${warnMs} ms or more: ${s.longStalls}\n` +
    `loop delay p50/p99/max: ${s.p50Ms}/${s.p99Ms}/${s.maxMs} ms\n`
  );
}
