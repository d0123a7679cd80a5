// The order in which ovn-northd iterates an OVS string set (`struct sset`), where a flow's text depends
// on it (e.g. a `{mac1, mac2}` list built by walking a set): the set is a hash map keyed by OVS's
// `hash_string` (the murmur-based `hash_bytes` of a build without SSE4.2, as Debian's x86-64 packages
// are), iterated bucket by bucket, each bucket newest first, and rehashed as it grows.

const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

function mhashAdd(hash: number, data: number): number {
  if (data !== 0) {
    let d = Math.imul(data, 0xcc9e2d51) >>> 0;
    d = rotl(d, 15);
    d = Math.imul(d, 0x1b873593) >>> 0;
    hash = (hash ^ d) >>> 0;
  }
  hash = rotl(hash, 13);
  return (Math.imul(hash, 5) + 0xe6546b64) >>> 0;
}

function mhashFinish(hash: number): number {
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b) >>> 0;
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35) >>> 0;
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** OVS `hash_string(s, 0)`: 32-bit little-endian words of the UTF-8 bytes, the tail zero-padded. */
export function ovsHashString(s: string, basis = 0): number {
  const b = Buffer.from(s, 'utf8');
  let hash = basis >>> 0;
  let i = 0;
  for (; i + 4 <= b.length; i += 4) hash = mhashAdd(hash, b.readUInt32LE(i));
  if (i < b.length) {
    let tail = 0;
    for (let j = b.length - 1; j >= i; j--) tail = ((tail << 8) | b[j]!) >>> 0;
    hash = mhashAdd(hash, tail);
  }
  return mhashFinish((hash ^ b.length) >>> 0);
}

/** OVS `calc_mask`: the bucket mask a map of `n` entries grows to. */
function calcMask(n: number): number {
  let mask = Math.floor(n / 2);
  for (const s of [1, 2, 4, 8, 16]) mask |= mask >>> s;
  return mask | ((mask & 1) << 1);
}

/** The iteration order of an sset after adding `items` in this order (duplicates ignored). */
export function ssetOrder(items: Iterable<string>): string[] {
  let mask = 0;
  let buckets: { key: string; hash: number }[][] = [[]];
  let n = 0;
  const seen = new Set<string>();
  for (const key of items) {
    if (seen.has(key)) continue;
    seen.add(key);
    const hash = ovsHashString(key);
    buckets[hash & mask]!.unshift({ key, hash });
    n++;
    if (Math.floor(n / 2) > mask) {
      const newMask = calcMask(n);
      if (newMask > mask) {
        const old = buckets;
        mask = newMask;
        buckets = Array.from({ length: mask + 1 }, () => []);
        for (const bucket of old) for (const node of bucket) buckets[node.hash & mask]!.unshift(node);
      }
    }
  }
  return buckets.flatMap((b) => b.map((node) => node.key));
}
