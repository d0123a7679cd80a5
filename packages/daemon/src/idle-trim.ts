// One memory-reducing collection when a daemon goes quiet (issue 24's soak). Between its own full collections
// V8 keeps the pages it has (its next limit is sized from the heap it held) and compacts only its most
// fragmented ones, so a daemon's held heap creeps above its used heap over a long run, and its RSS follows:
// over 200k NB edits a controller's held heap went 42–46 → 49–51 MB while its used heap went 25 → 31. When a
// daemon has been quiet for a while after some work and holds much more heap than it uses, a full collection
// that compacts every page it can (V8's --compact-on-every-full-gc, for that one collection) gives the
// free pages back. Quiet is measured, not announced: the process's CPU time (all its threads) over the last
// ticks, so the collection never runs while a round is under way, and it is rate-limited.
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type GcFunction = () => void;

let exposedGc: GcFunction | undefined;

/** V8's gc(), exposed once: the flag alone only affects contexts created after it, hence the fresh context. */
export function gcFunction(): GcFunction {
  if (exposedGc) return exposedGc;
  const own = (globalThis as { gc?: unknown }).gc; // node --expose-gc
  if (typeof own === 'function') return (exposedGc = own as GcFunction);
  setFlagsFromString('--expose-gc');
  const exposed: unknown = runInNewContext('gc');
  if (typeof exposed !== 'function') throw new Error('V8 did not expose gc() with --expose-gc');
  return (exposedGc = exposed as GcFunction);
}

/**
 * One full collection that also compacts: V8's full collections move objects out of a page only when the
 * page is among the most fragmented (and only up to a budget); with --compact-on-every-full-gc every page
 * with free space is an evacuation candidate, so the survivors end up dense and the emptied pages are freed.
 * The flag is read at each collection, so it is set for this one only.
 */
export function compactingGc(): void {
  setFlagsFromString('--compact-on-every-full-gc');
  try {
    gcFunction()();
  } finally {
    setFlagsFromString('--no-compact-on-every-full-gc');
  }
}

export interface IdleTrimOptions {
  /** How long the process must have been quiet, ms (default 400). */
  readonly quietMs?: number;
  /** A tick during which the process used less CPU than this share of one core counts as quiet (default 0.1). */
  readonly quietCpuShare?: number;
  /** CPU of busy ticks since the last collection for there to have been work worth one, ms (default 250). */
  readonly workCpuMs?: number;
  /**
   * At least this long between two collections, ms (default 10 000), and at least `cpuShareInverse` times the
   * last one's CPU (default 100: at most ~1 % of a core, however big the heap; a controller's ~25 MB heap
   * takes ~0.1 s of CPU to compact, a 1 GB one seconds).
   */
  readonly minIntervalMs?: number;
  readonly cpuShareInverse?: number;
  /** Only when V8 holds at least this many MB more heap than it uses (default 8), and this share of it (default 0.15). */
  readonly marginMb?: number;
  readonly marginShare?: number;
  /** The collection (default compactingGc); tests pass their own. */
  readonly collect?: () => void;
  /** Clock in ms, process CPU in ms, heap and RSS in bytes (defaults: the process's own). */
  readonly now?: () => number;
  readonly cpuMs?: () => number;
  readonly heap?: () => { used: number; held: number };
  readonly rss?: () => number;
  /** The process's peak RSS so far, bytes (default: getrusage's maxrss). */
  readonly peakRss?: () => number;
  /**
   * Called with what each collection did, RSS_SETTLE_MS after it: V8 gives the emptied pages back to the
   * system from a background task, and the evacuated objects' new pages are touched first, so the RSS right
   * after the collection is higher than before it.
   */
  readonly onCollect?: (r: IdleTrimResult) => void;
}

/** How long after a collection its RSS is read (IdleTrimOptions.onCollect). */
export const RSS_SETTLE_MS = 1000;

/** What one idle collection returned. */
export interface IdleTrimResult {
  readonly heldBeforeKb: number;
  readonly heldAfterKb: number;
  readonly usedBeforeKb: number;
  readonly usedAfterKb: number;
  readonly rssBeforeKb: number;
  /** RSS_SETTLE_MS after the collection. */
  readonly rssAfterKb: number;
  /** CPU of the whole process (V8's helper threads included) during the collection. */
  readonly cpuMs: number;
}

/** The idle collections so far (memory/show). */
export interface IdleTrimStats {
  readonly collections: number;
  readonly cpuMs: number;
  /** Sums over the collections of held heap and RSS (RSS_SETTLE_MS after) before minus after, kB. */
  readonly heldFreedKb: number;
  readonly rssFreedKb: number;
}

const defaultCpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const defaultHeap = () => {
  const h = getHeapStatistics();
  return { used: h.used_heap_size, held: h.total_heap_size };
};

/** Decides, at each tick of the daemon's timer, whether to collect now (see the module comment). */
export class IdleTrim {
  private readonly quietMs: number;
  private readonly quietCpuShare: number;
  private readonly workCpuMs: number;
  private readonly minIntervalMs: number;
  private readonly marginBytes: number;
  private readonly marginShare: number;
  private readonly cpuShareInverse: number;
  /** The earliest time of the next collection. */
  private nextAllowed = -Infinity;
  private readonly now: () => number;
  private readonly cpuMs: () => number;
  private readonly heap: () => { used: number; held: number };
  private readonly rss: () => number;
  private readonly peakRss: () => number;
  private lastTick: number;
  private lastCpu: number;
  /** Since when the process has been quiet (NaN: it is not). */
  private quietSince = NaN;
  /** CPU of the busy ticks since the last collection (or the start). */
  private workCpu = 0;
  private lastCollect = -Infinity;
  private totals = { collections: 0, cpuMs: 0, heldFreedKb: 0, rssFreedKb: 0 };
  /** The last collection's result until its RSS has settled. */
  private pending: Omit<IdleTrimResult, 'rssAfterKb'> | undefined;

  constructor(private readonly opts: IdleTrimOptions = {}) {
    this.quietMs = opts.quietMs ?? 400;
    this.quietCpuShare = opts.quietCpuShare ?? 0.1;
    this.workCpuMs = opts.workCpuMs ?? 250;
    this.minIntervalMs = opts.minIntervalMs ?? 10_000;
    this.marginBytes = (opts.marginMb ?? 8) * 2 ** 20;
    this.marginShare = opts.marginShare ?? 0.15;
    this.cpuShareInverse = opts.cpuShareInverse ?? 100;
    this.now = opts.now ?? (() => performance.now());
    this.cpuMs = opts.cpuMs ?? defaultCpuMs;
    this.heap = opts.heap ?? defaultHeap;
    this.rss = opts.rss ?? (() => process.memoryUsage.rss());
    this.peakRss = opts.peakRss ?? (() => process.resourceUsage().maxRSS * 1024);
    this.lastTick = this.now();
    this.lastCpu = this.cpuMs();
  }

  /** One tick of the daemon's timer; returns what a collection whose RSS settled by now did. */
  tick(): IdleTrimResult | undefined {
    const now = this.now();
    const settled = this.pending && now - this.lastCollect >= RSS_SETTLE_MS ? this.settle() : undefined;
    const cpu = this.cpuMs();
    const wall = now - this.lastTick;
    const used = cpu - this.lastCpu;
    this.lastTick = now;
    this.lastCpu = cpu;
    if (wall <= 0 || used > wall * this.quietCpuShare) {
      this.workCpu += used;
      this.quietSince = NaN;
      return settled;
    }
    if (Number.isNaN(this.quietSince)) this.quietSince = now - wall;
    if (now - this.quietSince < this.quietMs) return settled;
    if (this.workCpu < this.workCpuMs || now < this.nextAllowed) return settled;
    const before = this.heap();
    if (before.held - before.used < Math.max(this.marginBytes, before.held * this.marginShare)) return settled;
    // Compaction copies live objects into new pages before the emptied ones go back, so RSS briefly rises by
    // up to the used heap: run it only within the peak the process has already had. Right after a 100×50
    // cold start (~130 MB live) it raised northd's peak RSS 245 → 331–336 MB (northd bench, 3 runs each way).
    if (this.rss() + before.used > this.peakRss()) return settled;
    this.collect(before);
    return settled;
  }

  private settle(): IdleTrimResult {
    const r: IdleTrimResult = { ...this.pending!, rssAfterKb: Math.round(this.rss() / 1024) };
    this.pending = undefined;
    this.totals.rssFreedKb += r.rssBeforeKb - r.rssAfterKb;
    this.opts.onCollect?.(r);
    return r;
  }

  private collect(before: { used: number; held: number }): void {
    const rssBefore = this.rss();
    const c0 = this.cpuMs();
    (this.opts.collect ?? compactingGc)();
    const c1 = this.cpuMs();
    const after = this.heap();
    const kb = (b: number) => Math.round(b / 1024);
    const r = {
      heldBeforeKb: kb(before.held),
      heldAfterKb: kb(after.held),
      usedBeforeKb: kb(before.used),
      usedAfterKb: kb(after.used),
      rssBeforeKb: kb(rssBefore),
      cpuMs: Math.round(c1 - c0),
    };
    this.lastCollect = this.now();
    this.nextAllowed = this.lastCollect + Math.max(this.minIntervalMs, (c1 - c0) * this.cpuShareInverse);
    this.lastTick = this.lastCollect;
    this.lastCpu = c1;
    this.workCpu = 0;
    this.quietSince = NaN;
    this.totals.collections++;
    this.totals.cpuMs += r.cpuMs;
    this.totals.heldFreedKb += r.heldBeforeKb - r.heldAfterKb;
    this.pending = r;
  }

  stats(): IdleTrimStats {
    return { ...this.totals };
  }
}

/** The dbg line of one idle collection. */
export function formatIdleTrim(r: IdleTrimResult): string {
  const mb = (kb: number) => (kb / 1024).toFixed(1);
  return (
    `idle heap compaction: held ${mb(r.heldBeforeKb)} -> ${mb(r.heldAfterKb)} MB, used ${mb(r.usedBeforeKb)} -> ` +
    `${mb(r.usedAfterKb)} MB, RSS ${mb(r.rssBeforeKb)} -> ${mb(r.rssAfterKb)} MB, ${r.cpuMs} ms CPU`
  );
}
