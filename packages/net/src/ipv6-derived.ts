// IPv6 addresses derived from others, as the router and neighbour-discovery pipelines need them.
import type { Mac } from './mac.js';

/** The EUI-64 link-local address (fe80::/64) of a MAC: the universal/local bit flipped, ff:fe in the middle. */
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

/** Solicited-node multicast address ff02::1:ffXX:XXXX (RFC 4291 §2.7.1). */
export function solicitedNode(a: bigint): bigint {
  return (0xff02n << 112n) | (1n << 32n) | (0xffn << 24n) | (a & 0xffffffn);
}

/** Ethernet multicast of a solicited-node address: 33:33:ff:XX:XX:XX. */
export function solicitedNodeMac(a: bigint): Mac {
  return (0x3333ffn << 24n) | (a & 0xffffffn);
}

/** In fe80::/10? */
export function isLinkLocal6(a: bigint): boolean {
  return a >> 118n === 0x3fan;
}
