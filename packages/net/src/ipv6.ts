// IPv6 addresses as unsigned 128-bit bigints and their text: parsing (with an embedded dotted-quad tail)
// and the canonical form glibc's inet_ntop writes, which is what OVN and OVS print.
import { uintFromBytes, uintToBytes } from './bytes.js';
import { formatIpv4, parseIpv4 } from './ipv4.js';

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function groupsOf(x: string): number[] | null {
  if (x === '') return [];
  const out: number[] = [];
  for (const g of x.split(':')) {
    if (!HEX_GROUP.test(g)) return null;
    out.push(parseInt(g, 16));
  }
  return out;
}

/** "X:X::X" (at most one "::", optionally ending in a dotted quad); null if malformed. */
export function parseIpv6(s: string): bigint | null {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return null;
  let head = s;
  let tailV4: number | null = null;
  if (s.includes('.')) {
    // The dotted quad stands for the last two groups: parse it as two zero groups, then fill them in.
    const lastColon = s.lastIndexOf(':');
    tailV4 = parseIpv4(s.slice(lastColon + 1));
    if (tailV4 === null) return null;
    head = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const left = groupsOf(halves[0]!);
  const right = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (!left || !right) return null;
  let groups: number[];
  if (halves.length === 2) {
    const fill = 8 - left.length - right.length;
    if (fill < 1) return null;
    groups = [...left, ...new Array<number>(fill).fill(0), ...right];
  } else groups = left;
  if (groups.length !== 8) return null;
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  if (tailV4 !== null) v = (v & ~0xffffffffn) | BigInt(tailV4);
  return v;
}

/**
 * inet_ntop's text: lower-case groups, the first longest run of two or more zero groups as "::", and a
 * dotted-quad tail for IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) addresses.
 */
export function formatIpv6(v: bigint): string {
  const g: number[] = [];
  for (let i = 7; i >= 0; i--) g.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best === 0 && (bestLen === 6 || (bestLen === 5 && g[5] === 0xffff))) {
    return `::${bestLen === 5 ? 'ffff:' : ''}${formatIpv4(v & 0xffffffffn)}`;
  }
  const hex = (a: number[]) => a.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

/** An address from the 16 network-order bytes a packet carries. */
export function ipv6FromBytes(b: Uint8Array): bigint {
  return uintFromBytes(b, 16);
}

export function ipv6ToBytes(v: bigint): Buffer {
  return uintToBytes(v, 16);
}
