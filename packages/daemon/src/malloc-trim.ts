// glibc's malloc_trim(0), called through koffi (as pidfile.ts calls fcntl): hands the free pages of the C heaps
// back to the system. glibc trims its main heap only from the top and only past a threshold that its dynamic
// mmap threshold raises; memory freed in the middle stays resident. A chassis's SB download (~10 MB of JSON at
// 100×50) is read in 64 kB socket chunks that live until the message is parsed: they left ~10 MB free but
// resident in the heap, through the chassis's peak RSS (the rounds after its first install). ovnts-controller,
// gdb-called malloc_trim(0) after its first install (chassis bench 100×50): [heap] 14.7 → 4.4 MB, RSS 155.5 →
// 143.3 MB.
import { libc } from './libc.js';

type Trim = (pad: number) => number;

let trimFn: Trim | null | undefined;

async function mallocTrim(): Promise<Trim | null> {
  if (trimFn !== undefined) return trimFn;
  const c = process.platform === 'linux' ? await libc() : null;
  if (!c) return (trimFn = null);
  try {
    const fn = c.lib.func('int malloc_trim(size_t pad)');
    trimFn = (pad) => fn(pad) as number;
  } catch {
    trimFn = null;
  }
  return trimFn;
}

/**
 * Returns the free memory of the C heaps to the system (malloc_trim(0)): after a burst of C allocations has
 * been freed (a big download's socket chunks). Whether it ran: false where there is no glibc or koffi. Costs
 * a walk of the heaps' free lists (well under a millisecond for tens of MB).
 */
export async function trimMalloc(): Promise<boolean> {
  const fn = await mallocTrim();
  if (!fn) return false;
  fn(0);
  return true;
}
