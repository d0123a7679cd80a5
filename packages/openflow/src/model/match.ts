// A match is a list of field=value[/mask] entries. Values are bigints in network bit order (the field's
// value read as one big-endian unsigned integer), so a MAC, an IPv4/IPv6 address or a 128-bit label are all
// just numbers. Order is irrelevant: the codec and the text format put entries into OVS's canonical order.
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

/** Parses dotted IPv4 into its bigint value. */
export function ipv4(text: string): bigint {
  const parts = text.split('.');
  if (parts.length !== 4) throw new Error(`bad IPv4 address ${text}`);
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) throw new Error(`bad IPv4 address ${text}`);
    v = (v << 8n) | BigInt(p);
  }
  return v;
}

export function mac(text: string): bigint {
  const parts = text.split(':');
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) throw new Error(`bad MAC ${text}`);
  return parts.reduce((v, p) => (v << 8n) | BigInt(parseInt(p, 16)), 0n);
}

export function ipv6(text: string): bigint {
  let t = text;
  const tail: bigint[] = [];
  // A trailing dotted quad (::ffff:1.2.3.4) is two groups.
  const v4 = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(t);
  if (v4) {
    const x = ipv4(v4[2]!);
    tail.push(x >> 16n, x & 0xffffn);
    t = v4[1]!.endsWith('::') ? v4[1]! : v4[1]!.slice(0, -1);
  }
  const halves = t.split('::');
  if (halves.length > 2) throw new Error(`bad IPv6 address ${text}`);
  const groups = (s: string) =>
    s === ''
      ? []
      : s.split(':').map((g) => {
          if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw new Error(`bad IPv6 address ${text}`);
          return BigInt(parseInt(g, 16));
        });
  const head = groups(halves[0]!);
  let all: bigint[];
  if (halves.length === 2) {
    const rest = [...groups(halves[1]!), ...tail];
    if (head.length + rest.length > 7) throw new Error(`bad IPv6 address ${text}`);
    all = [...head, ...Array<bigint>(8 - head.length - rest.length).fill(0n), ...rest];
  } else all = [...head, ...tail];
  if (all.length !== 8) throw new Error(`bad IPv6 address ${text}`);
  return all.reduce((v, g) => (v << 16n) | g, 0n);
}

/** The all-ones value of a width. */
const onesCache: bigint[] = [];
export function ones(bits: number): bigint {
  return (onesCache[bits] ??= (1n << BigInt(bits)) - 1n);
}
