// An address of either family, for code that handles both (router networks, NAT, load-balancer VIPs).
import { formatIpv4, parseIpv4 } from './ipv4.js';
import { formatIpv6, parseIpv6 } from './ipv6.js';

export interface Ipv4Addr {
  readonly family: 4;
  readonly value: number; // unsigned 32-bit
}
export interface Ipv6Addr {
  readonly family: 6;
  readonly value: bigint; // unsigned 128-bit
}
export type IpAddr = Ipv4Addr | Ipv6Addr;

/** IPv6 if the text has a colon, else IPv4; null if malformed. */
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

/** Bits in an address of the family. */
export function widthOf(family: 4 | 6): 32 | 128 {
  return family === 4 ? 32 : 128;
}
