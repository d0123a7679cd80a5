// Addresses as users type them into ovn-nbctl and the NB model: validated with ip-num (inet_pton's rules),
// prefixes read the way OVS's CIDR scanner reads them, and the canonical text OVN stores. ip-num is loaded
// on first use: it costs ~60 ms to load and most one-shot commands never validate an address. The bulk
// parsers (parseIpv4/parseIpv6) stay hand-written: ip-num takes ~30 µs an IPv6 address, too slow for the
// thousands of addresses northd reads.
import { createRequire } from 'node:module';
import { formatIp, type IpAddr } from './ip.js';
import { formatIpv4, parseIpv4, scanIpv4 } from './ipv4.js';
import { formatIpv6, parseIpv6 } from './ipv6.js';
import { netContains, networkOf, prefixLength, type IpNet } from './prefix.js';

type IpNum = typeof import('ip-num');
let ipnum: IpNum | undefined;
function ip(): IpNum {
  ipnum ??= createRequire(import.meta.url)('ip-num') as IpNum;
  return ipnum;
}

/** A dotted quad as inet_pton accepts it (four decimal octets, no sign, no spaces). */
export function isIpv4Text(s: string): boolean {
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(s)) return false;
  return ip().Validator.isValidIPv4String(s)[0];
}

/** IPv6 text as inet_pton accepts it (no zone index). */
export function isIpv6Text(s: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(':')) return false;
  return ip().Validator.isValidIPv6String(s)[0] && parseIpv6(s) !== null;
}

/**
 * "A.B.C.D[/LEN|/MASK]" or "X:X::X[/LEN]", as OVS's ip_parse_cidr/ipv6_parse_cidr read them: a missing
 * length is a host prefix, IPv4 octets are taken modulo 256 (see scanIpv4). Null if malformed.
 */
export function parsePrefixText(s: string): IpNet | null {
  const slash = s.indexOf('/');
  const addr = slash >= 0 ? s.slice(0, slash) : s;
  const lenText = slash >= 0 ? s.slice(slash + 1) : undefined;
  const v4 = scanIpv4(addr);
  if (v4 !== null) {
    const a: IpAddr = { family: 4, value: v4 };
    if (lenText === undefined) return { addr: a, plen: 32 };
    let plen: number | undefined;
    if (/^\d+$/.test(lenText)) plen = Number(lenText);
    else {
      const mask = scanIpv4(lenText);
      plen = mask === null ? undefined : prefixLength(BigInt(mask), 32);
    }
    if (plen === undefined || plen > 32) return null;
    return { addr: a, plen };
  }
  if (!isIpv6Text(addr)) return null;
  const a: IpAddr = { family: 6, value: parseIpv6(addr)! };
  if (lenText === undefined) return { addr: a, plen: 128 };
  if (!/^\d+$/.test(lenText)) return null;
  const plen = Number(lenText);
  if (plen > 128) return null;
  return { addr: a, plen };
}

/** Is the address `s` (read as parsePrefixText reads it) inside `net`? */
export function prefixContainsText(net: IpNet, s: string): boolean {
  const other = parsePrefixText(s);
  return !!other && netContains(net, other.addr);
}

/** A prefix's canonical text: the network address, with "/LEN" unless it is a host prefix. */
export function formatPrefix(n: IpNet): string {
  const net = formatIp(networkOf(n));
  return n.plen === (n.addr.family === 4 ? 32 : 128) ? net : `${net}/${n.plen}`;
}

/** "A.B.C.D[/LEN]" → its canonical prefix ("192.168.1.5/24" → "192.168.1.0/24"); undefined if not IPv4. */
export function normalizeIpv4Prefix(s: string): string | undefined {
  const n = parsePrefixText(s);
  return n && n.addr.family === 4 ? formatPrefix(n) : undefined;
}

export function normalizeIpv6Prefix(s: string): string | undefined {
  const n = parsePrefixText(s);
  return n && n.addr.family === 6 ? formatPrefix(n) : undefined;
}

export function normalizePrefix(s: string): string | undefined {
  return normalizeIpv4Prefix(s) ?? normalizeIpv6Prefix(s);
}

/** A valid dotted quad in canonical form (leading zeros dropped), else undefined. */
export function normalizeIpv4(s: string): string | undefined {
  return isIpv4Text(s) ? formatIpv4(parseIpv4(s)!) : undefined;
}

/** A valid IPv6 address in inet_ntop's form, else undefined. */
export function normalizeIpv6(s: string): string | undefined {
  return isIpv6Text(s) ? formatIpv6(parseIpv6(s)!) : undefined;
}
