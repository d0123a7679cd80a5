// Address normalization as ovn-nbctl applies it to prefixes, next hops and NAT addresses.
import { isIPv4, isIPv6, networkAddress, normalizeIPv6, parseCidr } from './validate.js';

/** "A.B.C.D[/LEN]" → normalized network ("A.B.C.0/24", or the host address for /32). */
export function normalizeIPv4Prefix(s: string): string | undefined {
  const c = parseCidr(s);
  if (!c || c.family !== 4) return undefined;
  const net = networkAddress(c);
  return c.plen === 32 ? net : `${net}/${c.plen}`;
}

export function normalizeIPv6Prefix(s: string): string | undefined {
  const c = parseCidr(s);
  if (!c || c.family !== 6) return undefined;
  const net = networkAddress(c);
  return c.plen === 128 ? net : `${net}/${c.plen}`;
}

export function normalizePrefix(s: string): string | undefined {
  return normalizeIPv4Prefix(s) ?? normalizeIPv6Prefix(s);
}

export function normalizeIPv4Addr(s: string): string | undefined {
  return isIPv4(s) ? s.split('.').map(Number).join('.') : undefined;
}

export function normalizeIPv6Addr(s: string): string | undefined {
  return isIPv6(s) ? normalizeIPv6(s) : undefined;
}

/** IPv4 address as a number (for sorting). */
export function ipv4ToNumber(s: string): number {
  return s.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}
