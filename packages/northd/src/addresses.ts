// Address parsing and formatting as OVN writes it into logical flows: MACs in lower-case colon form,
// IPv4 dotted quads, IPv6 in RFC 5952 canonical form, link-local and solicited-node addresses derived
// the way the router pipeline needs them. Pure functions; invalid input yields null, never throws.

import { formatIPv6 as formatIpv6 } from '@ovnts/nb/validate';

export type Mac = bigint;

const MAC_RE =
  /^([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})$/;

export function parseMac(s: string): Mac | null {
  const m = MAC_RE.exec(s);
  if (!m) return null;
  let v = 0n;
  for (let i = 1; i <= 6; i++) v = (v << 8n) | BigInt(parseInt(m[i]!, 16));
  return v;
}

export function formatMac(mac: Mac): string {
  const parts: string[] = [];
  for (let i = 5; i >= 0; i--) parts.push(((mac >> BigInt(i * 8)) & 0xffn).toString(16).padStart(2, '0'));
  return parts.join(':');
}

export function isMulticastMac(mac: Mac): boolean {
  return ((mac >> 40n) & 1n) === 1n;
}

export interface Ipv4Addr {
  readonly family: 4;
  readonly value: number; // unsigned 32-bit
}
export interface Ipv6Addr {
  readonly family: 6;
  readonly value: bigint; // unsigned 128-bit
}
export type IpAddr = Ipv4Addr | Ipv6Addr;

export function parseIpv4(s: string): number | null {
  // Four dot-separated groups of 1-3 decimal digits, each ≤ 255; scanned by char code (this runs
  // for every address of a large NB, and split + regex per group dominated it).
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

export function formatIpv4(v: number): string {
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
}

export function parseIpv6(s: string): bigint | null {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return null;
  let head = s;
  let tailV4: number | null = null;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.')) {
    tailV4 = parseIpv4(s.slice(lastColon + 1));
    if (tailV4 === null) return null;
    head = s.slice(0, lastColon + 1) + '0:0';
  }
  const dbl = head.split('::');
  if (dbl.length > 2) return null;
  const parseGroups = (x: string): number[] | null => {
    if (x === '') return [];
    const gs = x.split(':');
    const out: number[] = [];
    for (const g of gs) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const left = parseGroups(dbl[0]!);
  const right = dbl.length === 2 ? parseGroups(dbl[1]!) : [];
  if (!left || !right) return null;
  let groups: number[];
  if (dbl.length === 2) {
    const fill = 8 - left.length - right.length;
    if (fill < 1) return null;
    groups = [...left, ...new Array<number>(fill).fill(0), ...right];
  } else {
    groups = left;
  }
  if (groups.length !== 8) return null;
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  if (tailV4 !== null) v = (v & ~0xffffffffn) | BigInt(tailV4);
  return v;
}

// RFC 5952 text (IPv4-mapped addresses as ::ffff:a.b.c.d, as ovn-northd prints them): one formatter, @ovnts/nb's.
export { formatIpv6 };

export function parseIp(s: string): IpAddr | null {
  if (s.includes(':')) {
    const v = parseIpv6(s);
    return v === null ? null : { family: 6, value: v };
  }
  const v = parseIpv4(s);
  return v === null ? null : { family: 4, value: v };
}

export function formatIp(a: IpAddr): string {
  return a.family === 4 ? formatIpv4(a.value) : formatIpv6(a.value);
}

/** An address with its prefix, as in router port networks and static routes. */
export interface IpNet {
  readonly addr: IpAddr;
  readonly plen: number;
}

export function parseCidr(s: string, defaultFull = false): IpNet | null {
  const slash = s.indexOf('/');
  const addr = parseIp(slash < 0 ? s : s.slice(0, slash));
  if (!addr) return null;
  const max = addr.family === 4 ? 32 : 128;
  if (slash < 0) return defaultFull ? { addr, plen: max } : null;
  const p = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(p)) return null;
  const plen = Number(p);
  if (plen > max) return null;
  return { addr, plen };
}

function mask4(plen: number): number {
  return plen === 0 ? 0 : (0xffffffff << (32 - plen)) >>> 0;
}
function mask6(plen: number): bigint {
  const all = (1n << 128n) - 1n;
  return plen === 0 ? 0n : (all << BigInt(128 - plen)) & all;
}

/** The network address (host bits cleared). */
export function networkOf(n: IpNet): IpAddr {
  return n.addr.family === 4
    ? { family: 4, value: (n.addr.value & mask4(n.plen)) >>> 0 }
    : { family: 6, value: n.addr.value & mask6(n.plen) };
}

export function broadcastOf4(n: IpNet & { addr: Ipv4Addr }): number {
  return (n.addr.value | ~mask4(n.plen)) >>> 0;
}

export function netContains(n: IpNet, a: IpAddr): boolean {
  if (n.addr.family !== a.family) return false;
  if (a.family === 4) return (a.value & mask4(n.plen)) >>> 0 === ((n.addr.value as number) & mask4(n.plen)) >>> 0;
  return (a.value & mask6(n.plen)) === ((n.addr.value as bigint) & mask6(n.plen));
}

export function formatNetwork(n: IpNet): string {
  return `${formatIp(networkOf(n))}/${n.plen}`;
}

/** EUI-64 link-local address derived from a MAC (fe80::/64). */
export function linkLocalOf(mac: Mac): bigint {
  const b = (i: number) => (mac >> BigInt((5 - i) * 8)) & 0xffn;
  const iid =
    ((b(0) ^ 2n) << 56n) |
    (b(1) << 48n) |
    (b(2) << 40n) |
    (0xffn << 32n) |
    (0xfen << 24n) |
    (b(3) << 16n) |
    (b(4) << 8n) |
    b(5);
  return (0xfe80n << 112n) | iid;
}

/** Solicited-node multicast address ff02::1:ffXX:XXXX. */
export function solicitedNode(a: bigint): bigint {
  return (0xff02n << 112n) | (1n << (16n + 16n)) | (0xffn << 24n) | (a & 0xffffffn);
}

/** Ethernet multicast for a solicited-node address: 33:33:ff:XX:XX:XX. */
export function solicitedNodeMac(a: bigint): Mac {
  return (0x3333ffn << 24n) | (a & 0xffffffn);
}

export function isLinkLocal6(a: bigint): boolean {
  return a >> 118n === 0x3fan; // fe80::/10
}
