// The logical-field symbol table as data: every name the match/action language knows, what OpenFlow
// field (or bit range of another symbol) it stands for, its prerequisites, and its "level" — nominal
// fields (not maskable in OpenFlow) may only be tested for equality, ordinal ones also by ranges.
// Register layout (the same as OVN 23.03): reg0..3 are the 32-bit quarters of xxreg0 (reg0 = top),
// reg4..7 of xxreg1, reg8/reg9 the halves of xreg4; xreg0..3 are the 64-bit halves of xxreg0/1.
import { REG } from './tables.js';

import type { FieldName } from '@ovnts/openflow';

/** OpenFlow field names, spelled as ovs-ofctl prints them. */
export type OfFieldName = FieldName;

export type Level = 'nominal' | 'boolean' | 'ordinal';

/** Where a field may be written: nowhere, anywhere, or only inside `ct_commit { … }`. */
export type WriteScope = 'ro' | 'rw' | 'ct_commit';

interface SymbolBase {
  readonly name: string;
  /** Bits; 0 for string fields (inport/outport). */
  readonly width: number;
  /** Match text that must hold whenever the symbol is used. */
  readonly prereqs?: string;
  readonly level: Level;
  readonly rw: WriteScope;
}

/** A whole OpenFlow field. */
export interface FieldSymbol extends SymbolBase {
  readonly kind: 'field';
  readonly of: OfFieldName;
  /** Never a conjunctive-match dimension: always expanded into a cross product instead. */
  readonly mustCrossproduct: boolean;
}

/** A string field holding a logical port, stored in a 32-bit register as the port's tunnel key. */
export interface StringSymbol extends SymbolBase {
  readonly kind: 'string';
  readonly of: OfFieldName;
}

export interface SubfieldSymbol extends SymbolBase {
  readonly kind: 'subfield';
  readonly parent: string;
  /** Offset of bit 0 of this symbol within the parent. */
  readonly ofs: number;
}

export interface PredicateSymbol extends SymbolBase {
  readonly kind: 'predicate';
  readonly expansion: string;
}

/** OVN-specific values carried to pinctrl (icmp4.frag_mtu); only assignable inside icmp4_error etc. */
export interface OvnFieldSymbol extends SymbolBase {
  readonly kind: 'ovn_field';
  readonly id: number;
}

export type Sym = FieldSymbol | StringSymbol | SubfieldSymbol | PredicateSymbol | OvnFieldSymbol;

type FieldSpec = [
  name: string,
  of: OfFieldName,
  width: number,
  prereqs: string | null,
  maskable: boolean,
  crossproduct: boolean,
  rw: WriteScope,
];

// name, OpenFlow field, width, prerequisites, maskable in OpenFlow (ordinal), must-crossproduct, write scope
const FIELDS: readonly FieldSpec[] = [
  ['xxreg0', 'xxreg0', 128, null, true, false, 'rw'],
  ['xxreg1', 'xxreg1', 128, null, true, false, 'rw'],
  ['xreg4', 'xreg4', 64, null, true, false, 'rw'],
  ['flags', `reg${REG.flags}` as FieldName, 32, null, true, false, 'rw'],
  ['ct_mark', 'ct_mark', 32, null, true, false, 'ct_commit'],
  ['ct_label', 'ct_label', 128, null, true, false, 'ct_commit'],
  ['ct_state', 'ct_state', 32, null, true, false, 'ro'],
  ['eth.src', 'eth_src', 48, null, true, false, 'rw'],
  ['eth.dst', 'eth_dst', 48, null, true, false, 'rw'],
  ['eth.type', 'eth_type', 16, null, false, true, 'ro'],
  ['vlan.tci', 'vlan_tci', 16, null, true, false, 'rw'],
  ['ip.proto', 'nw_proto', 8, 'ip', false, true, 'ro'],
  ['ip.dscp', 'ip_dscp', 6, 'ip', false, false, 'rw'],
  ['ip.ecn', 'nw_ecn', 2, 'ip', false, false, 'rw'],
  ['ip.ttl', 'nw_ttl', 8, 'ip', false, false, 'rw'],
  ['ip4.src', 'ip_src', 32, 'ip4', true, false, 'rw'],
  ['ip4.dst', 'ip_dst', 32, 'ip4', true, false, 'rw'],
  ['icmp4.type', 'icmp_type', 8, 'icmp4', false, false, 'rw'],
  ['icmp4.code', 'icmp_code', 8, 'icmp4', false, false, 'rw'],
  ['ip6.src', 'ipv6_src', 128, 'ip6', true, false, 'rw'],
  ['ip6.dst', 'ipv6_dst', 128, 'ip6', true, false, 'rw'],
  ['ip6.label', 'ipv6_label', 20, 'ip6', true, false, 'rw'],
  ['icmp6.type', 'icmpv6_type', 8, 'icmp6', false, true, 'rw'],
  ['icmp6.code', 'icmpv6_code', 8, 'icmp6', false, true, 'rw'],
  ['ip.frag', 'ip_frag', 2, 'ip', true, false, 'ro'],
  ['arp.op', 'arp_op', 16, 'arp', false, false, 'rw'],
  ['arp.spa', 'arp_spa', 32, 'arp', true, false, 'rw'],
  ['arp.sha', 'arp_sha', 48, 'arp', true, false, 'rw'],
  ['arp.tpa', 'arp_tpa', 32, 'arp', true, false, 'rw'],
  ['arp.tha', 'arp_tha', 48, 'arp', true, false, 'rw'],
  ['nd.target', 'nd_target', 128, 'nd', true, false, 'rw'],
  ['nd.sll', 'nd_sll', 48, 'nd_ns', true, false, 'rw'],
  ['nd.tll', 'nd_tll', 48, 'nd_na', true, false, 'rw'],
  ['tcp.src', 'tcp_src', 16, 'tcp', true, false, 'rw'],
  ['tcp.dst', 'tcp_dst', 16, 'tcp', true, false, 'rw'],
  ['tcp.flags', 'tcp_flags', 12, 'tcp', true, false, 'ro'],
  ['udp.src', 'udp_src', 16, 'udp', true, false, 'rw'],
  ['udp.dst', 'udp_dst', 16, 'udp', true, false, 'rw'],
  ['sctp.src', 'sctp_src', 16, 'sctp', true, false, 'rw'],
  ['sctp.dst', 'sctp_dst', 16, 'sctp', true, false, 'rw'],
  ['pkt.mark', 'pkt_mark', 32, null, true, false, 'rw'],
];

// RARP shares the ARP OpenFlow fields; a field may back only one symbol, so these are whole-field aliases.
const RARP_ALIASES: readonly [string, string][] = [
  ['rarp.op', 'arp.op'],
  ['rarp.spa', 'arp.spa'],
  ['rarp.sha', 'arp.sha'],
  ['rarp.tpa', 'arp.tpa'],
  ['rarp.tha', 'arp.tha'],
];

/** name, parent[lo..hi] expansion, prereqs, write scope override. */
const SUBFIELDS: readonly [string, string, string | null][] = [
  ['xreg0', 'xxreg0[64..127]', null],
  ['xreg1', 'xxreg0[0..63]', null],
  ['xreg2', 'xxreg1[64..127]', null],
  ['xreg3', 'xxreg1[0..63]', null],
  ['reg0', 'xxreg0[96..127]', null],
  ['reg1', 'xxreg0[64..95]', null],
  ['reg2', 'xxreg0[32..63]', null],
  ['reg3', 'xxreg0[0..31]', null],
  ['reg4', 'xxreg1[96..127]', null],
  ['reg5', 'xxreg1[64..95]', null],
  ['reg6', 'xxreg1[32..63]', null],
  ['reg7', 'xxreg1[0..31]', null],
  ['reg8', 'xreg4[32..63]', null],
  ['reg9', 'xreg4[0..31]', null],
  ['flags.loopback', 'flags[0]', null],
  ['flags.force_snat_for_dnat', 'flags[2]', null],
  ['flags.force_snat_for_lb', 'flags[3]', null],
  ['flags.skip_snat_for_lb', 'flags[9]', null],
  ['flags.use_snat_zone', 'flags[11]', null],
  ['ct_mark.blocked', 'ct_mark[0]', null],
  ['ct_mark.natted', 'ct_mark[1]', null],
  ['ct_mark.ecmp_reply_port', 'ct_mark[16..31]', null],
  ['ct_mark.skip_snat', 'ct_mark[2]', null],
  ['ct_mark.force_snat', 'ct_mark[3]', null],
  ['ct_label.blocked', 'ct_label[0]', null],
  ['ct_label.natted', 'ct_label[1]', null],
  ['ct_label.ecmp_reply_eth', 'ct_label[32..79]', null],
  ['ct_label.ecmp_reply_port', 'ct_label[80..95]', null],
  ['ct_label.label', 'ct_label[96..127]', null],
  ['ct_label.skip_snat', 'ct_label[2]', null],
  ['ct_label.force_snat', 'ct_label[3]', null],
  // Conntrack state bits; all but ct.trk require a tracked packet.
  ['ct.new', 'ct_state[0]', 'ct.trk'],
  ['ct.est', 'ct_state[1]', 'ct.trk'],
  ['ct.rel', 'ct_state[2]', 'ct.trk'],
  ['ct.rpl', 'ct_state[3]', 'ct.trk'],
  ['ct.inv', 'ct_state[4]', 'ct.trk'],
  ['ct.trk', 'ct_state[5]', null],
  ['ct.snat', 'ct_state[6]', 'ct.trk'],
  ['ct.dnat', 'ct_state[7]', 'ct.trk'],
  ['eth.mcast', 'eth.dst[40]', null],
  ['vlan.pcp', 'vlan.tci[13..15]', 'vlan.present'],
  ['vlan.vid', 'vlan.tci[0..11]', 'vlan.present'],
];

const PREDICATES: readonly [string, string][] = [
  ['eth.bcast', 'eth.dst == ff:ff:ff:ff:ff:ff'],
  ['eth.mcastv6', 'eth.dst[32..47] == 0x3333'],
  ['vlan.present', 'vlan.tci[12]'],
  ['ip4', 'eth.type == 0x800'],
  ['ip6', 'eth.type == 0x86dd'],
  ['ip', 'ip4 || ip6'],
  ['ip4.src_mcast', 'ip4.src[28..31] == 0xe'],
  ['ip4.mcast', 'eth.mcast && ip4.dst[28..31] == 0xe'],
  ['icmp4', 'ip4 && ip.proto == 1'],
  ['igmp', 'ip4 && ip.proto == 2'],
  ['ip6.mcast_rsvd', 'ip6.dst[116..127] == 0xff0 && ip6.dst[0..111] == 0x0'],
  ['ip6.mcast_all_nodes', 'ip6.dst == ff01::1 || ip6.dst == ff02::1'],
  ['ip6.mcast_all_rtrs', 'ip6.dst == ff01::2 || ip6.dst == ff02::2 || ip6.dst == ff05::2'],
  ['ip6.mcast_sol_node', 'ip6.dst == ff02::1:ff00:0000/104'],
  [
    'ip6.mcast_flood',
    'eth.mcastv6 && (ip6.mcast_rsvd || ip6.mcast_all_nodes || ip6.mcast_all_rtrs || ip6.mcast_sol_node)',
  ],
  ['ip6.mcast', 'eth.mcastv6 && ip6.dst[120..127] == 0xff'],
  ['icmp6', 'ip6 && ip.proto == 58'],
  ['icmp', 'icmp4 || icmp6'],
  ['ip.is_frag', 'ip.frag[0]'],
  ['ip.later_frag', 'ip.frag[1]'],
  ['ip.first_frag', 'ip.is_frag && !ip.later_frag'],
  ['arp', 'eth.type == 0x806'],
  ['rarp', 'eth.type == 0x8035'],
  ['nd', 'icmp6.type == {135, 136} && icmp6.code == 0 && ip.ttl == 255'],
  ['nd_ns', 'icmp6.type == 135 && icmp6.code == 0 && ip.ttl == 255'],
  ['nd_na', 'icmp6.type == 136 && icmp6.code == 0 && ip.ttl == 255'],
  ['nd_rs', 'icmp6.type == 133 && icmp6.code == 0 && ip.ttl == 255'],
  ['nd_ra', 'icmp6.type == 134 && icmp6.code == 0 && ip.ttl == 255'],
  ['mldv1', 'ip6.src == fe80::/10 && icmp6.type == {130, 131, 132}'],
  ['mldv2', 'ip6.dst == ff02::16 && icmp6.type == 143'],
  ['tcp', 'ip.proto == 6'],
  ['udp', 'ip.proto == 17'],
  ['sctp', 'ip.proto == 132'],
];

/** Predicates whose expansion mentions only nominal fields may only be tested positively. */
const NOMINAL_PREDICATES = new Set([
  'ip4',
  'ip6',
  'ip',
  'icmp4',
  'igmp',
  'icmp6',
  'icmp',
  'arp',
  'rarp',
  'nd',
  'nd_ns',
  'nd_na',
  'nd_rs',
  'nd_ra',
  'tcp',
  'udp',
  'sctp',
]);

export const OVN_FIELDS = { 'icmp4.frag_mtu': { id: 0, width: 16 }, 'icmp6.frag_mtu': { id: 1, width: 32 } } as const;

export type SymbolTable = ReadonlyMap<string, Sym>;

function build(): SymbolTable {
  const t = new Map<string, Sym>();
  t.set('inport', {
    kind: 'string',
    name: 'inport',
    width: 0,
    level: 'nominal',
    rw: 'rw',
    of: `reg${REG.inport}` as FieldName,
  });
  t.set('outport', {
    kind: 'string',
    name: 'outport',
    width: 0,
    level: 'nominal',
    rw: 'rw',
    of: `reg${REG.outport}` as FieldName,
  });
  for (const [name, of, width, prereqs, maskable, crossproduct, rw] of FIELDS) {
    t.set(name, {
      kind: 'field',
      name,
      of,
      width,
      ...(prereqs ? { prereqs } : {}),
      level: maskable ? 'ordinal' : 'nominal',
      mustCrossproduct: crossproduct,
      rw,
    });
  }
  for (const [alias, target] of RARP_ALIASES) {
    const f = t.get(target) as FieldSymbol;
    t.set(alias, {
      kind: 'subfield',
      name: alias,
      parent: target,
      ofs: 0,
      width: f.width,
      prereqs: 'rarp',
      level: f.level,
      rw: f.rw,
    });
  }
  for (const [name, expansion, prereqs] of SUBFIELDS) {
    const m = /^([\w.]+)\[(\d+)(?:\.\.(\d+))?\]$/.exec(expansion)!;
    const parent = t.get(m[1]!)!;
    const lo = Number(m[2]);
    const hi = m[3] === undefined ? lo : Number(m[3]);
    t.set(name, {
      kind: 'subfield',
      name,
      parent: m[1]!,
      ofs: lo,
      width: hi - lo + 1,
      ...(prereqs ? { prereqs } : {}),
      level: parent.level,
      rw: parent.rw,
    });
  }
  for (const [name, expansion] of PREDICATES) {
    t.set(name, {
      kind: 'predicate',
      name,
      width: 1,
      expansion,
      level: NOMINAL_PREDICATES.has(name) ? 'nominal' : 'boolean',
      rw: 'ro',
    });
  }
  for (const [name, f] of Object.entries(OVN_FIELDS)) {
    t.set(name, { kind: 'ovn_field', name, width: f.width, id: f.id, level: 'nominal', rw: 'rw' });
  }
  return t;
}

/** The OVN 23.03 logical symbol table. */
export const SYMBOLS: SymbolTable = build();

/** A symbol with every subfield layer resolved: the underlying field and the bit offset within it. */
export function resolveBase(
  t: SymbolTable,
  s: Sym,
): { base: FieldSymbol | StringSymbol | OvnFieldSymbol | PredicateSymbol; ofs: number } {
  let ofs = 0;
  let cur: Sym = s;
  while (cur.kind === 'subfield') {
    ofs += cur.ofs;
    cur = t.get(cur.parent)!;
  }
  return { base: cur, ofs };
}
