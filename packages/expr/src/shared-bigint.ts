// One bigint object per value for the few values repeated across tens of thousands of compiled flows (field
// masks, datapath keys as metadata): a chassis holds every flow it installs, and each copy costs ~24 bytes.
const MAX_SHARED = 4096;
const shared = new Map<bigint, bigint>();

/** `x`, or an equal bigint handed out before (values past the first MAX_SHARED distinct ones are not kept). */
export function sharedBigint(x: bigint): bigint {
  const have = shared.get(x);
  if (have !== undefined) return have;
  if (shared.size < MAX_SHARED) shared.set(x, x);
  return x;
}
