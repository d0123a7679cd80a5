// Constants of the language: up to 128-bit unsigned integers held as bigint, with the textual format
// they were written in (which decides e.g. CIDR rendering and whether a string or number is expected).

export type ConstFormat = 'decimal' | 'hex' | 'ipv4' | 'ipv6' | 'mac';

export interface IntConst {
  readonly kind: 'int';
  readonly value: bigint;
  /** Present for masked constants (`10.0.0.0/8`, `0x10/0xf0`); 1-bits are the compared bits. */
  readonly mask?: bigint;
  readonly format: ConstFormat;
}

export interface StrConst {
  readonly kind: 'string';
  readonly value: string;
}

export type Constant = IntConst | StrConst;

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

export function formatMac(v: bigint): string {
  const h = v.toString(16).padStart(12, '0');
  return h.match(/../g)!.join(':');
}

export function formatIpv4(v: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join('.');
}

/** RFC 5952 text (longest zero run compressed), as inet_ntop prints it. */
export function formatIpv6(v: bigint): string {
  const g: number[] = [];
  for (let i = 7; i >= 0; i--) g.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number[]) => a.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(g);
  return `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`;
}

/** Number of leading 1-bits if `mask` is a CIDR mask of `width` bits, else undefined. */
export function cidrBits(mask: bigint, width: number): number | undefined {
  for (let p = 0; p <= width; p++) if (prefixMask(p, width) === mask) return p;
  return undefined;
}
