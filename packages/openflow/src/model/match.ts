// A match is a list of field=value[/mask] entries. Values are bigints in network bit order (the field's
// value read as one big-endian unsigned integer), so a MAC, an IPv4/IPv6 address or a 128-bit label are all
// just numbers. Order is irrelevant: the codec and the text format put entries into OVS's canonical order.
import { ones, parseIpv4, parseIpv6, parseMac } from '@ovnts/net';
import type { FieldName } from './fields.js';

export interface MatchEntry {
  readonly field: FieldName;
  readonly value: bigint;
  /** Absent = exact match. A mask of all ones is normalised away by the codec. */
  readonly mask?: bigint;
}

export type Match = readonly MatchEntry[];

/** One entry; `mask` only when partial. */
export function m(field: FieldName, value: bigint | number, mask?: bigint | number): MatchEntry {
  return mask === undefined ? { field, value: BigInt(value) } : { field, value: BigInt(value), mask: BigInt(mask) };
}

/** A run of bits inside a field, as in `NXM_NX_REG13[0..15]` (start = 0, nBits = 16). */
export interface Subfield {
  readonly field: FieldName;
  readonly start: number;
  readonly nBits: number;
}

export function sub(field: FieldName, start: number, nBits: number): Subfield {
  return { field, start, nBits };
}

// Ethernet types and IP protocols that shorthands such as `ip`, `tcp6`, `arp` stand for.
export const ETH_TYPE = {
  IP: 0x0800,
  ARP: 0x0806,
  RARP: 0x8035,
  IPV6: 0x86dd,
  MPLS: 0x8847,
  MPLS_MCAST: 0x8848,
  VLAN: 0x8100,
} as const;
export const IP_PROTO = { ICMP: 1, TCP: 6, UDP: 17, ICMPV6: 58, SCTP: 132 } as const;

/** Dotted IPv4 as a bigint (throws on malformed text; @ovnts/net reads it). */
export function ipv4(text: string): bigint {
  const v = parseIpv4(text);
  if (v === null) throw new Error(`bad IPv4 address ${text}`);
  return BigInt(v);
}

export function mac(text: string): bigint {
  const v = parseMac(text);
  if (v === null) throw new Error(`bad MAC ${text}`);
  return v;
}

export function ipv6(text: string): bigint {
  const v = parseIpv6(text);
  if (v === null) throw new Error(`bad IPv6 address ${text}`);
  return v;
}

/** The all-ones value of a width. */
export { ones };
