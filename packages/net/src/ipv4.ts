// IPv4 addresses as unsigned 32-bit numbers and dotted-quad text.

/**
 * Four dot-separated groups of 1–3 decimal digits, each ≤ 255; null otherwise. Scanned by char code: this
 * runs for every address of a large NB, where split + regex per group dominated.
 */
export function parseIpv4(s: string): number | null {
  const n = s.length;
  if (n < 7 || n > 15) return null;
  let v = 0;
  let part = 0;
  let digits = 0;
  let groups = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || part > 255) return null;
      v = v * 256 + part;
      groups++;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (++digits > 3) return null;
      part = part * 10 + (c - 48);
    } else return null;
  }
  return groups === 4 ? v : null;
}

/** Dotted quad of a 32-bit value (number or bigint; higher bits are ignored). */
export function formatIpv4(v: number | bigint): string {
  const n = typeof v === 'bigint' ? Number(v & 0xffffffffn) : v >>> 0;
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/**
 * An IPv4 address the way OVS's CIDR scanner reads it: four decimal numbers, each taken modulo 256
 * (so "10.0.0.300" is 10.0.0.44). Null if not four decimal numbers.
 */
export function scanIpv4(s: string): number | null {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (!m) return null;
  let v = 0;
  for (let i = 1; i <= 4; i++) v = v * 256 + Number(BigInt(m[i]!) % 256n);
  return v;
}
