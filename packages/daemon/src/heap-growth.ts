// The heap policy of the ovnts daemons: a tight old-generation growth limit while the heap is small. V8 lets
// the old generation grow to up to 4× what survived its last full collection before the next one (its growing
// factor rises with the collector's speed), so a daemon whose rounds allocate fast (a controller recompiling flows,
// northd's incremental rounds) sawtooths far above its live size, and the resident size follows the peaks: over
// issue 24's soak (200k NB edits) a controller's used heap reached ~350 MB over ~60–90 MB live, its RSS
// 191 → 483 MB. Both daemons' bins apply it at start (startHeapGrowthPolicy) and their Daemon checks it on its timer.
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
 * Above this many MB of used heap the limit is BIG_GROWING_PERCENT. On a big NB every full collection
 * marks a live heap of ~1 GB: at 20 % growth they come every ~200 MB of allocation, which cost a
 * 300×100 cold start ~40 % more CPU and doubled its single-change latency (northd bench: cold CPU 32 →
 * 22.5 s). The limit comes back below LIMIT_BELOW_MB (hysteresis: no flapping around one threshold).
 */
const UNLIMIT_ABOVE_MB = 320;
const LIMIT_BELOW_MB = 224;

/**
 * The limit while the used heap is big. V8's own factor (~1.9× there) let a 300×100 cold start's heap
 * reach ~1120 MB over ~590 MB survived before its next full collection, or not, depending on whether the
 * round ended first: peak RSS came out bimodal, ~1240 or ~1410 MB, from run to run (northd bench, three
 * runs each way; ovn-northd 1466). At 50 % the collection comes at ~880 MB: northd bench 300×100, same
 * minutes (load ~14): peak RSS 1204 / 1240 MB against 1383 / 1420 with V8's factor; cold CPU and
 * single-change CPU within the noise (one more full collection, mostly concurrent, per cold start).
 */
const BIG_GROWING_PERCENT = 50;

/** Whether the daemon asked for the policy (limitHeapGrowth): a process embedding Northd keeps V8's own. */
let policyOn = false;
let growthLimited = false;
let relaxed = false;
/** Whether the young generation follows the policy too (HeapPolicyOptions.youngGeneration). */
let youngPolicy = false;

export interface HeapPolicyOptions {
  /**
   * The young generation also follows the heap's size: while the heap is small it keeps the size it starts
   * with (`--semi-space-growth-factor=1`), above UNLIMIT_ABOVE_MB V8 may grow it (factor 2) up to the
   * launcher's `--max-semi-space-size`. For a launcher with `--min-semi-space-size=4 --max-semi-space-size=16`
   * (ovnts-northd): a small NB's daemon keeps 2 × 4 MB (its peak RSS under ovn-northd's), while on a
   * 300×100 NB (~1 GB live) a 4 MB semi-space filled every few single changes and each scavenge walked the
   * big heap's old-to-new references. Northd bench 300×100 (ovn-kubernetes shape), 2 × 4 MB against 2 × 16 MB
   * in the same minutes (machine load ~20): daemon CPU per lsp / LB backend / ACL change 30.5 / 37.0 / 19.5 →
   * 24.0 / 34.5 / 12.5 ms, cold CPU 35.0 → 31.1 s, peak RSS 1287 → 1140 MB (fewer objects promoted early);
   * 100×50 peak RSS with this policy 255 MB (2 × 4 MB: 254, 2 × 16 MB: 281). V8 reads the factor each time
   * it grows the space, so setting it at run time works.
   */
  readonly youngGeneration?: boolean;
}

/** The growth limits as the used heap asks for; V8 reads the flags when it computes them, so setting them at run time works. */
function setGrowthLimit(limited: boolean): void {
  if (limited !== growthLimited) {
    growthLimited = limited;
    applyFlag();
  }
  // Every time: V8's flags are per process, and each new isolate (a worker thread, e.g. the SB client's
  // socket thread) raises a growth factor under 2 back to 2 when it configures its heap.
  if (youngPolicy) setFlagsFromString(`--semi-space-growth-factor=${limited ? 1 : 2}`);
}

/** The `--heap-growing-percent` last set (0: V8's own factor, a process without the policy). */
export function heapGrowingPercent(): number {
  return !policyOn ? 0 : !growthLimited ? BIG_GROWING_PERCENT : relaxed ? COLD_GROWING_PERCENT : HEAP_GROWING_PERCENT;
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

let scavengeHelpers = false;

/**
 * Young-generation collections on helper threads too (`--parallel-scavenge`) while `on`. The launchers run them
 * on the main thread only (`--no-parallel-scavenge`: once ovnts-northd writes its cold SB, the SB server needs
 * the other core), but until a daemon's first round writes, it computes alone and the other core is idle:
 * ovnts-northd decodes the NB's monitor reply and builds its topology and bindings with most of what it allocates
 * surviving, ~27 scavenges before a 100×50 cold start's first SB transaction. V8 reads the flag at each
 * scavenge, so setting it at run time works. No effect unless the daemon applies the policy.
 */
export function parallelScavenge(on: boolean): void {
  if (!policyOn || on === scavengeHelpers) return;
  scavengeHelpers = on;
  setFlagsFromString(on ? '--parallel-scavenge' : '--no-parallel-scavenge');
}

/** Whether parallelScavenge last turned the helpers on. */
export function parallelScavengeOn(): boolean {
  return scavengeHelpers;
}

/** Applies HEAP_GROWING_PERCENT (the heap of a starting daemon is small). */
export function limitHeapGrowth(opts: HeapPolicyOptions = {}): void {
  policyOn = true;
  youngPolicy = opts.youngGeneration ?? false;
  growthLimited = false;
  setGrowthLimit(true);
}

/**
 * Lifts or restores the growth limit from the used heap size. Cheap (one heap statistics read); the
 * daemon calls it between rounds, on a timer and at each datapath of a cold start's computation (one
 * synchronous stretch of tens of seconds on a big NB, during which no timer runs).
 */
export function adjustHeapGrowth(usedMb = getHeapStatistics().used_heap_size / 2 ** 20): boolean {
  if (!policyOn) return false;
  setGrowthLimit(usedMb > UNLIMIT_ABOVE_MB ? false : usedMb < LIMIT_BELOW_MB ? true : growthLimited);
  return growthLimited;
}

/** How often the daemons check the heap size against the thresholds (on their loop monitor's tick, daemon.ts). */
export const HEAP_CHECK_MS = 250;

/** Whether the process applies the policy (limitHeapGrowth ran): its daemon then also compacts when idle. */
export function heapPolicyOn(): boolean {
  return policyOn;
}

/**
 * limitHeapGrowth; the Daemon then runs adjustHeapGrowth every HEAP_CHECK_MS on the timer it already has (its
 * loop monitor's tick), and its idle compaction (idle-trim.ts).
 */
export function startHeapGrowthPolicy(opts: HeapPolicyOptions = {}): void {
  limitHeapGrowth(opts);
}
