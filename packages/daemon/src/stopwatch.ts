// Named timers of a daemon's work, as OVS daemons keep them: `stopwatch/show [NAME]` prints each one's
// statistics in OVS's words ("Statistics for 'NAME'", samples, maximum, minimum, 95th percentile, short and
// long term averages, in msec), `stopwatch/reset [NAME]` clears them. Tools such as OVN's perf tests read
// those lines, so the text is OVS's; the numbers are this module's own estimates.
import { UnixctlError, type UnixctlServer } from './unixctl.js';

/** The most recent samples the percentile is taken over (a window keeps memory bounded). */
const PERCENTILE_WINDOW = 1000;
/** Weight of a new sample in the short term and the long term averages (exponential moving averages). */
const SHORT_TERM_WEIGHT = 0.5;
const LONG_TERM_WEIGHT = 0.01;

/** One named timer: whole milliseconds per sample, as OVS's millisecond stopwatches count them. */
export class Stopwatch {
  private samples = 0;
  private max = 0;
  private min = 0;
  private shortTerm = 0;
  private longTerm = 0;
  private readonly recent: number[] = [];
  private started: number | undefined;

  /** Starts a sample (ignored while one is running, as a nested start would be). */
  start(now = performance.now()): void {
    if (this.started === undefined) this.started = now;
  }

  /** Ends the running sample, if any, and records it. */
  stop(now = performance.now()): void {
    if (this.started === undefined) return;
    this.add(now - this.started);
    this.started = undefined;
  }

  add(ms: number): void {
    const v = Math.max(0, Math.round(ms));
    if (this.samples === 0) {
      this.max = this.min = this.shortTerm = this.longTerm = v;
    } else {
      this.max = Math.max(this.max, v);
      this.min = Math.min(this.min, v);
      this.shortTerm += SHORT_TERM_WEIGHT * (v - this.shortTerm);
      this.longTerm += LONG_TERM_WEIGHT * (v - this.longTerm);
    }
    this.samples++;
    this.recent.push(v);
    if (this.recent.length > PERCENTILE_WINDOW) this.recent.shift();
  }

  reset(): void {
    this.samples = this.max = this.min = this.shortTerm = this.longTerm = 0;
    this.recent.length = 0;
    this.started = undefined;
  }

  /** The 95th percentile of the recent samples (0 without any). */
  percentile95(): number {
    if (!this.recent.length) return 0;
    const sorted = [...this.recent].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))]!;
  }

  format(name: string): string {
    return (
      `Statistics for '${name}'\n` +
      `  Total samples: ${this.samples}\n` +
      `  Maximum: ${this.max} msec\n` +
      `  Minimum: ${this.min} msec\n` +
      `  95th percentile: ${this.percentile95().toFixed(6)} msec\n` +
      `  Short term average: ${this.shortTerm.toFixed(6)} msec\n` +
      `  Long term average: ${this.longTerm.toFixed(6)} msec\n`
    );
  }
}

/** A daemon's stopwatches by name, in creation order, and the two control commands that read them. */
export class Stopwatches {
  private readonly byName = new Map<string, Stopwatch>();

  constructor(names: readonly string[] = []) {
    for (const n of names) this.create(n);
  }

  create(name: string): Stopwatch {
    let sw = this.byName.get(name);
    if (!sw) this.byName.set(name, (sw = new Stopwatch()));
    return sw;
  }

  get(name: string): Stopwatch | undefined {
    return this.byName.get(name);
  }

  /** Records `ms` on stopwatch `name` (created if new). */
  add(name: string, ms: number): void {
    this.create(name).add(ms);
  }

  show(name?: string): string {
    if (name === undefined) return [...this.byName].map(([n, sw]) => sw.format(n)).join('');
    const sw = this.byName.get(name);
    if (!sw) throw new UnixctlError('No such stopwatch');
    return sw.format(name);
  }

  reset(name?: string): void {
    if (name === undefined) for (const sw of this.byName.values()) sw.reset();
    else this.byName.get(name)?.reset();
  }

  register(ctl: UnixctlServer): void {
    ctl.register('stopwatch/show', '[NAME]', 0, 1, (args) => this.show(args[0]));
    ctl.register('stopwatch/reset', '[NAME]', 0, 1, (args) => this.reset(args[0]));
  }
}
