// Random (version 4) UUIDs as flat strings, for clients that choose their rows' UUIDs (an insert's
// "uuid"). crypto.randomUUID joins its text from two-digit pieces: a rope of small heap objects, flattened
// (a second copy) when first hashed, ~470 bytes a UUID held as a Map key against ~60 here (100k held:
// 46.7 vs 6.2 MB). ovnts-northd's cold start keeps one per SB row it inserts (~50k at 100×50).

import { randomFillSync } from 'node:crypto';

const HEX = Buffer.from('0123456789abcdef', 'latin1');
/** UUIDs per refill of the random bytes (one native call for many). */
const POOL = 256;
const random = Buffer.alloc(16 * POOL);
let used = POOL;
const text = Buffer.alloc(36);

/** A new random UUID, `xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`, as one flat string. */
export function newUuid(): string {
  if (used === POOL) {
    randomFillSync(random);
    used = 0;
  }
  const at = used++ * 16;
  let j = 0;
  for (let i = 0; i < 16; i++) {
    let b = random[at + i]!;
    if (i === 6)
      b = (b & 0x0f) | 0x40; // version 4
    else if (i === 8) b = (b & 0x3f) | 0x80; // RFC 4122 variant
    if (i === 4 || i === 6 || i === 8 || i === 10) text[j++] = 0x2d;
    text[j++] = HEX[b >> 4]!;
    text[j++] = HEX[b & 15]!;
  }
  // One native copy into a sequential one-byte string.
  return text.toString('latin1', 0, 36);
}
