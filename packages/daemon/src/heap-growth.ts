// The heap policy of the ovnts daemons: a tight old-generation growth limit while the heap is small. V8 lets
// the old generation grow to up to 4× what survived its last full collection before the next one (its growing
// factor rises with the collector's speed), so a daemon whose rounds allocate fast (a controller recompiling flows,
// northd's incremental rounds) sawtooths far above its live size, and the resident size follows the peaks: over
// issue 24's soak (200k NB edits) a controller's used heap reached ~350 MB over ~60–90 MB live, its RSS
// 191 → 483 MB. Both daemons' bins apply it at start and check it on a timer (startHeapGrowthPolicy).
import { getHeapStatistics, setFlagsFromString } from 'node:v8';

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
 * The growth limit while a cold start computes (relaxHeapGrowth). Its heap only grows (the SB it builds is
 * live): at 20 % a 100×50 cold start ran ~11 full collections that each marked the whole, mostly live,
 * heap to free a few MB; at 100 % it runs 4. The full collection after the round (northd's heap-trim) sizes
 * the next limit with HEAP_GROWING_PERCENT again.
 */
const COLD_GROWING_PERCENT = 100;

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
let relaxed = false;

/** The growth limit as the used heap asks for; V8 reads the flag at each limit computation, so setting it at run time works. */
function setGrowthLimit(limited: boolean): void {
  if (limited === growthLimited) return;
  growthLimited = limited;
  applyFlag();
}

/** The `--heap-growing-percent` last set (0: V8's own factor). */
export function heapGrowingPercent(): number {
  return !growthLimited ? 0 : relaxed ? COLD_GROWING_PERCENT : HEAP_GROWING_PERCENT;
}

function applyFlag(): void {
  setFlagsFromString(`--heap-growing-percent=${heapGrowingPercent()}`);
}

/**
 * While `on`, the limit (when the used heap is small) is COLD_GROWING_PERCENT: for a computation that only
 * builds live data, whose end a full collection follows. No effect unless the daemon applies the policy.
 */
export function relaxHeapGrowth(on: boolean): void {
  if (!policyOn || on === relaxed) return;
  relaxed = on;
  if (growthLimited) applyFlag();
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

/** How often the daemons' timer checks the heap size against the thresholds. */
export const HEAP_CHECK_MS = 250;

/** limitHeapGrowth, then adjustHeapGrowth every HEAP_CHECK_MS on a timer that keeps no process alive. */
export function startHeapGrowthPolicy(): void {
  limitHeapGrowth();
  setInterval(adjustHeapGrowth, HEAP_CHECK_MS).unref();
}
