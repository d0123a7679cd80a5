// Address validation for the NB model: MACs (strict), IPv4/IPv6 addresses, CIDRs and prefixes, and the
// "MAC IP..." strings of Logical_Switch_Port.addresses. IP parsing uses ip-num, loaded on first use
// because it is costly to load and most one-shot commands never validate an address.
import { createRequire } from 'node:module';

type IpNum = typeof import('ip-num');
let ipnum: IpNum | undefined;
function ip(): IpNum {
  ipnum ??= createRequire(import.meta.url)('ip-num') as IpNum;
  return ipnum;
}

const MAC_RE = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;
const MAC_PREFIX_RE = /^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){5}/;

/** A MAC as "xx:xx:xx:xx:xx:xx" (exactly two hex digits per byte). */
export function isMac(s: string): boolean {
  return MAC_RE.test(s);
}

/** True if `s` starts with a MAC the way ovn-nbctl's scanner accepts it (1–2 hex digits per byte). */
export function startsWithMac(s: string): boolean {
  return MAC_PREFIX_RE.test(s);
}

/** Normalized MAC (lower case, two digits per byte), or undefined. */
export function parseMac(s: string): string | undefined {
  const m = MAC_PREFIX_RE.exec(s);
  if (!m || m[0].length !== s.length) return undefined;
  return s
    .split(':')
    .map((b) => b.toLowerCase().padStart(2, '0'))
    .join(':');
}

export function isIPv4(s: string): boolean {
  // inet_pton's rules: four decimal octets, no leading "+" or spaces.
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(s)) return false;
  return ip().Validator.isValidIPv4String(s)[0];
}

export function isIPv6(s: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(':')) return false;
  return ip().Validator.isValidIPv6String(s)[0];
}

export interface Cidr {
  readonly family: 4 | 6;
  /** The address as written (host bits may be set). */
  readonly address: string;
  readonly plen: number;
}

/**
 * An IPv4 address the way OVS's CIDR scanner reads it: four decimal numbers, each taken modulo 256
 * (so "10.0.0.300" is accepted as 10.0.0.44). Returns the canonical dotted quad.
 */
export function scanIPv4(s: string): string | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (!m) return undefined;
  return m
    .slice(1)
    .map((o) => Number(BigInt(o) % 256n))
    .join('.');
}

function ipv4MaskBits(mask: string): number | undefined {
  const m = scanIPv4(mask);
  if (!m) return undefined;
  const bin = m
    .split('.')
    .map((o) => Number(o).toString(2).padStart(8, '0'))
    .join('');
  const r = /^(1*)0*$/.exec(bin);
  return r ? r[1]!.length : undefined;
}

/**
 * "A.B.C.D[/LEN|/MASK]" or "X:X::X[/LEN]" (OVS's ip_parse_cidr/ipv6_parse_cidr); a missing length
 * means a host address. IPv4 addresses come back canonical (see scanIPv4).
 */
export function parseCidr(s: string): Cidr | undefined {
  const slash = s.indexOf('/');
  const addr = slash >= 0 ? s.slice(0, slash) : s;
  const lenText = slash >= 0 ? s.slice(slash + 1) : undefined;
  const v4 = scanIPv4(addr);
  if (v4) {
    if (lenText === undefined) return { family: 4, address: v4, plen: 32 };
    const plen = /^\d+$/.test(lenText) ? Number(lenText) : ipv4MaskBits(lenText);
    if (plen === undefined || plen > 32) return undefined;
    return { family: 4, address: v4, plen };
  }
  if (!isIPv6(addr)) return undefined;
  if (lenText === undefined) return { family: 6, address: addr, plen: 128 };
  if (!/^\d+$/.test(lenText)) return undefined;
  const plen = Number(lenText);
  if (plen > 128) return undefined;
  return { family: 6, address: addr, plen };
}

/** Is `ip` inside the network of `cidr` ("10.0.0.1/24" contains 10.0.0.7)? */
export function cidrContains(cidr: Cidr, ip: string): boolean {
  const other = parseCidr(ip);
  if (!other || other.family !== cidr.family) return false;
  return networkAddress({ ...other, plen: cidr.plen }) === networkAddress(cidr);
}

/** The network address of a CIDR with host bits cleared, e.g. "10.0.0.5/24" → "10.0.0.0". */
export function networkAddress(c: Cidr): string {
  if (c.family === 4) {
    const n = c.address.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
    const mask = c.plen === 0 ? 0 : (0xffffffff << (32 - c.plen)) >>> 0;
    const v = (n & mask) >>> 0;
    return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
  }
  const big = ip().IPv6.fromString(c.address).getValue();
  const mask = c.plen === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - c.plen)) - 1n);
  return formatIPv6(big & mask);
}

/** Canonical text of an IPv6 address, as inet_ntop writes it (RFC 5952 "::" compression). */
export function normalizeIPv6(s: string): string {
  return formatIPv6(ip().IPv6.fromString(s).getValue());
}

export function formatIPv6(v: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  // IPv4-mapped and -compatible forms keep the dotted quad, as glibc prints them.
  const dotted = () => `${groups[6]! >> 8}.${groups[6]! & 255}.${groups[7]! >> 8}.${groups[7]! & 255}`;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return `::ffff:${dotted()}`;
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (best < 0) return hex(groups);
  return `${hex(groups.slice(0, best))}::${hex(groups.slice(best + bestLen))}`;
}

/** Is every host bit of the CIDR zero? */
export function isNetworkAddress(c: Cidr): boolean {
  return c.family === 4 ? networkAddress(c) === c.address : networkAddress(c) === normalizeIPv6(c.address);
}

export interface LspAddresses {
  readonly mac: string;
  readonly ipv4: readonly string[];
  readonly ipv6: readonly string[];
}

/**
 * Parse a Logical_Switch_Port address string "MAC [IP[/LEN]]...". Returns undefined for the keywords
 * ("unknown", "router", "dynamic"...) and anything malformed.
 */
export function parseLspAddresses(s: string): LspAddresses | undefined {
  const words = s.trim().split(/\s+/);
  const mac = words[0] && parseMac(words[0]);
  if (!mac) return undefined;
  const ipv4: string[] = [];
  const ipv6: string[] = [];
  for (const w of words.slice(1)) {
    const c = parseCidr(w);
    if (!c) return undefined;
    if (c.family === 4) ipv4.push(c.address);
    else ipv6.push(normalizeIPv6(c.address));
  }
  return { mac, ipv4, ipv6 };
}
