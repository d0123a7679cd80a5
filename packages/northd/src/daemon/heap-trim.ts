// A full garbage collection after a full round (issue 18: peak RSS vs ovn-northd). A cold start builds the whole
// SB (hundreds of MB of temporaries) and V8 sizes its next old-generation limit from that peak, so the garbage
// of the incremental rounds that follow piles up on top of it before V8 collects again. One collection once
// the full round is published, off the latency path, resets both. The old generation's growth limit is the
// daemons' shared policy (@ovnts/daemon heap-growth.ts).
import { getHeapStatistics } from 'node:v8';
import { gcFunction } from '@ovnts/daemon';

/** Collect all garbage now; returns the used heap in MB before and after, for the log. */
export function fullGc(): { beforeMb: number; afterMb: number } {
  const before = getHeapStatistics().used_heap_size;
  gcFunction()();
  const after = getHeapStatistics().used_heap_size;
  return { beforeMb: Math.round(before / 2 ** 20), afterMb: Math.round(after / 2 ** 20) };
}
