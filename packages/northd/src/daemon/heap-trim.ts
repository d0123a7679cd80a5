// A full garbage collection after a full round (issue 18: peak RSS vs ovn-northd). A cold start builds the whole
// SB (hundreds of MB of temporaries) and V8 sizes its next old-generation limit from that peak, so the garbage
// of the incremental rounds that follow piles up on top of it before V8 collects again. One collection once
// the full round is published, off the latency path, resets both. The old generation's growth limit is the
// daemons' shared policy (@ovnts/daemon heap-growth.ts).
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type GcFunction = () => void;

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
