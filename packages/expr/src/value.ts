// Constants of the language: up to 128-bit unsigned integers held as bigint, tagged with the textual
// format they were written in (which decides e.g. how a decimal mask is read: a CIDR prefix for addresses).

export type ConstFormat = 'decimal' | 'hex' | 'ipv4' | 'ipv6' | 'mac';

export function ones(bits: number): bigint {
  return (1n << BigInt(bits)) - 1n;
}

/** A mask of the top `prefix` bits of a `width`-bit field. */
export function prefixMask(prefix: number, width: number): bigint {
  return ones(width) ^ ones(width - prefix);
}

/** Bits needed to hold v (0 for 0). */
export function bitLength(v: bigint): number {
  let n = 0;
  while (v > 0n) {
    v >>= 1n;
    n++;
  }
  return n;
}

export function parseIpv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

export function parseIpv6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  let tail: bigint[] = [];
  let text = s;
  // An embedded IPv4 tail (::ffff:1.2.3.4) stands for the last two groups.
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [v4 >> 16n, v4 & 0xffffn];
    text = text.slice(0, lastColon + 1);
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }
  const dbl = text.split('::');
  if (dbl.length > 2) return undefined;
  const parse = (part: string): bigint[] | undefined => {
    if (part === '') return [];
    const groups = part.split(':');
    const out: bigint[] = [];
    for (const g of groups) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(BigInt('0x' + g));
    }
    return out;
  };
  const head = parse(dbl[0]!);
  if (!head) return undefined;
  let groups: bigint[];
  if (dbl.length === 2) {
    const rest = parse(dbl[1]!);
    if (!rest) return undefined;
    const known = head.length + rest.length + tail.length;
    if (known > 7) return undefined;
    groups = [...head, ...new Array<bigint>(8 - known).fill(0n), ...rest, ...tail];
  } else {
    groups = [...head, ...tail];
    if (groups.length !== 8) return undefined;
  }
  let v = 0n;
  for (const g of groups) v = (v << 16n) | g;
  return v;
}

export function parseMac(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(s)) return undefined;
  return BigInt('0x' + s.replaceAll(':', ''));
}

/** Number of leading 1-bits if `mask` is a CIDR mask of `width` bits, else undefined. */
export function cidrBits(mask: bigint, width: number): number | undefined {
  for (let p = 0; p <= width; p++) if (prefixMask(p, width) === mask) return p;
  return undefined;
}
