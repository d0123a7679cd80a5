// The daemon's heap policy (issue 18: peak RSS vs ovn-northd): a tight old-generation growth limit, set
// at start, and a full garbage collection after a full round. A cold start builds the whole SB (hundreds of MB of
// temporaries) and V8 sizes its next old-generation limit from that peak, so the garbage of the
// incremental rounds that follow piles up on top of it before V8 collects again. One collection once the
// full round is published, off the latency path, resets both.
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type GcFunction = () => void;

/**
 * How far V8 lets the old generation grow past what survived its last full collection before the next
 * one, in percent, while the heap is small. V8's own factor (up to 4× on a fast collector) let a 100×50
 * cold start's heap reach ~180 MB over ~120 MB live; at 20 % the heap stays near its live size for the
 * price of more, mostly concurrent, collections. 100×50 cold start (cold-profile.ts): peak RSS 308–330 →
 * 288 MB, 257 MB with the launcher's smaller young generation (ovn-northd: 301 MB); cold CPU within the
 * run-to-run noise.
 */
const HEAP_GROWING_PERCENT = 20;

/**
 * Above this many MB of used heap V8's own growing factor is back. On a big NB every full collection
 * marks a live heap of ~1 GB: at 20 % growth they come every ~200 MB of allocation, which cost a
 * 300×100 cold start ~40 % more CPU and doubled its single-change latency (northd bench: cold CPU 32 →
 * 22.5 s). A heap this large is far over ovn-northd's size anyway; a small one keeps the tight limit.
 * The limit comes back below LIMIT_BELOW_MB (hysteresis: no flapping around one threshold).
 */
const UNLIMIT_ABOVE_MB = 320;
const LIMIT_BELOW_MB = 224;

/** Whether the daemon asked for the policy (limitHeapGrowth): a process embedding Northd keeps V8's own. */
let policyOn = false;
let growthLimited = false;

/** The growth limit as the used heap asks for; V8 reads the flag at each limit computation, so setting it at run time works. */
function setGrowthLimit(limited: boolean): void {
  if (limited === growthLimited) return;
  growthLimited = limited;
  setFlagsFromString(`--heap-growing-percent=${limited ? HEAP_GROWING_PERCENT : 0}`);
}

/** Applies HEAP_GROWING_PERCENT (the heap of a starting daemon is small). */
export function limitHeapGrowth(): void {
  policyOn = true;
  setGrowthLimit(true);
}

/**
 * Lifts or restores the growth limit from the used heap size. Cheap (one heap statistics read); the
 * daemon calls it between rounds, on a timer and at each datapath of a cold start's computation (one
 * synchronous stretch of tens of seconds on a big NB, during which no timer runs).
 */
export function adjustHeapGrowth(): boolean {
  if (!policyOn) return false;
  const usedMb = getHeapStatistics().used_heap_size / 2 ** 20;
  if (usedMb > UNLIMIT_ABOVE_MB) setGrowthLimit(false);
  else if (usedMb < LIMIT_BELOW_MB) setGrowthLimit(true);
  return growthLimited;
}

let collect: GcFunction | undefined;

/** V8's gc(), exposed once: the flag alone only affects contexts created after it, hence the fresh context. */
function gcFunction(): GcFunction {
  if (collect) return collect;
  const own = (globalThis as { gc?: unknown }).gc; // node --expose-gc
  if (typeof own === 'function') return (collect = own as GcFunction);
  setFlagsFromString('--expose-gc');
  const exposed: unknown = runInNewContext('gc');
  if (typeof exposed !== 'function') throw new Error('V8 did not expose gc() with --expose-gc');
  return (collect = exposed as GcFunction);
}

/** Collect all garbage now; returns the used heap in MB before and after, for the log. */
export function fullGc(): { beforeMb: number; afterMb: number } {
  const before = getHeapStatistics().used_heap_size;
  gcFunction()();
  const after = getHeapStatistics().used_heap_size;
  return { beforeMb: Math.round(before / 2 ** 20), afterMb: Math.round(after / 2 ** 20) };
}
