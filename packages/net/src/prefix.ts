// Prefixes ("address/length"): masks, network and broadcast addresses, containment, and their text.
import { formatIp, parseIp, widthOf, type IpAddr, type Ipv4Addr } from './ip.js';

/** An address with its prefix length, as in router port networks and static routes. */
export interface IpNet {
  readonly addr: IpAddr;
  readonly plen: number;
}

const ALL128 = (1n << 128n) - 1n;

/** All-ones in the low `bits` bits (cached: flow encoding asks for the same few widths millions of times). */
const onesCache: bigint[] = [];
export function ones(bits: number): bigint {
  return (onesCache[bits] ??= (1n << BigInt(bits)) - 1n);
}

/** The top `plen` bits of a `width`-bit field set. */
export function prefixMask(plen: number, width: number): bigint {
  return ones(width) ^ ones(width - plen);
}

/** The length of a contiguous prefix mask of `width` bits ("255.255.255.0" → 24), or undefined. */
export function prefixLength(mask: bigint, width: number): number | undefined {
  if (mask < 0n || mask > ones(width)) return undefined;
  const inv = ones(width) ^ mask;
  if ((inv & (inv + 1n)) !== 0n) return undefined; // not a contiguous run of leading ones
  return width - (inv === 0n ? 0 : inv.toString(2).length);
}

/** The IPv4 netmask of a prefix length as a 32-bit number. */
export function mask4(plen: number): number {
  return plen === 0 ? 0 : (0xffffffff << (32 - plen)) >>> 0;
}

export function mask6(plen: number): bigint {
  return plen === 0 ? 0n : (ALL128 << BigInt(128 - plen)) & ALL128;
}

/**
 * "ADDR/LEN"; without a length, a host prefix when `defaultFull`, else null. The address must be written
 * strictly (see parseIp); for the looser text ovn-nbctl accepts, see parsePrefixText.
 */
export function parseCidr(s: string, defaultFull = false): IpNet | null {
  const slash = s.indexOf('/');
  const addr = parseIp(slash < 0 ? s : s.slice(0, slash));
  if (!addr) return null;
  const max = widthOf(addr.family);
  if (slash < 0) return defaultFull ? { addr, plen: max } : null;
  const p = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(p)) return null;
  const plen = Number(p);
  if (plen > max) return null;
  return { addr, plen };
}

/** The network address (host bits cleared). */
export function networkOf(n: IpNet): IpAddr {
  return n.addr.family === 4
    ? { family: 4, value: (n.addr.value & mask4(n.plen)) >>> 0 }
    : { family: 6, value: n.addr.value & mask6(n.plen) };
}

/** The IPv4 broadcast address of the prefix (host bits set). */
export function broadcastOf4(n: IpNet & { addr: Ipv4Addr }): number {
  return (n.addr.value | ~mask4(n.plen)) >>> 0;
}

/** Is every host bit of the prefix's address zero? */
export function isNetworkPrefix(n: IpNet): boolean {
  return networkOf(n).value === n.addr.value;
}

export function netContains(n: IpNet, a: IpAddr): boolean {
  if (n.addr.family !== a.family) return false;
  if (a.family === 4) return (a.value & mask4(n.plen)) >>> 0 === ((n.addr.value as number) & mask4(n.plen)) >>> 0;
  return (a.value & mask6(n.plen)) === ((n.addr.value as bigint) & mask6(n.plen));
}

/** "NETWORK/LEN" with the host bits cleared. */
export function formatNetwork(n: IpNet): string {
  return `${formatIp(networkOf(n))}/${n.plen}`;
}
