// The declarative table of match/set-field fields: the name ovs-ofctl prints, the wire headers (OXM or NXM class,
// field number, optional experimenter id; the first one is what we encode, all are accepted when decoding),
// the width, whether a mask is allowed, the prerequisite and the text format. Everything else (codec, text
// format, parser) is driven from here.

/** Nicira experimenter id (NXOXM_ET_* and NX vendor messages/actions). */
export const NX_EXP = 0x00002320;
/** Open Networking Foundation experimenter id (ONFOXM_ET_*). */
export const ONF_EXP = 0x4f4e4600;

export const OXM_CLASS = {
  NXM_0: 0x0000,
  NXM_1: 0x0001,
  OPENFLOW_BASIC: 0x8000,
  PKT_REGS: 0x8001,
  EXPERIMENTER: 0xffff,
} as const;

export type FieldFormat =
  'hex' | 'dec' | 'ipv4' | 'ipv6' | 'mac' | 'ct_state' | 'tcp_flags' | 'port' | 'frag' | 'tun_flags';

/** What a match on the field presupposes (ovs-fields(7) "Prerequisites"). */
export type Prerequisite =
  | 'ct'
  | 'vlan'
  | 'mpls'
  | 'ip'
  | 'ipv6'
  | 'ip_any'
  | 'arp'
  | 'tcp'
  | 'udp'
  | 'sctp'
  | 'icmp'
  | 'icmp6'
  | 'nd'
  | 'nd_ns'
  | 'nd_na';

/**
 * How many prerequisite fields precede a field that has this prerequisite: OVS checks prerequisites entry by
 * entry while it parses a match, so every field must come after the ones it presupposes (ct_state before
 * ct_nw_src; vlan_tci before vlan_pcp; eth_type before ip/arp/mpls fields; nw_proto, itself an ip field,
 * before L4 ports and ICMP type/code; ICMPv6 type/code before nd_target/nd_sll/nd_tll).
 */
const PREREQ_DEPTH: Readonly<Record<Prerequisite, number>> = {
  ct: 1,
  vlan: 1,
  mpls: 1,
  ip: 1,
  ipv6: 1,
  ip_any: 1,
  arp: 1,
  tcp: 2,
  udp: 2,
  sctp: 2,
  icmp: 2,
  icmp6: 2,
  nd: 3,
  nd_ns: 3,
  nd_na: 3,
};

export interface WireHeader {
  readonly oxmClass: number;
  readonly oxmField: number;
  /** Only for class 0xffff (experimenter OXM). */
  readonly experimenter?: number;
}

type Range16 = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15;
type Digit = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
type Range64 = Digit | `${1 | 2 | 3 | 4 | 5}${Digit}` | `6${0 | 1 | 2 | 3}`;

export type RegName = `reg${Range16}`;
export type XregName = `xreg${0 | 1 | 2 | 3 | 4 | 5 | 6 | 7}`;
export type XxregName = `xxreg${0 | 1 | 2 | 3}`;
export type TunMetadataName = `tun_metadata${Range64}`;

export type FixedFieldName =
  | 'dp_hash'
  | 'recirc_id'
  | 'conj_id'
  | 'tun_id'
  | 'tun_src'
  | 'tun_dst'
  | 'tun_ipv6_src'
  | 'tun_ipv6_dst'
  | 'tun_flags'
  | 'tun_gbp_id'
  | 'tun_gbp_flags'
  | 'metadata'
  | 'in_port'
  | 'actset_output'
  | 'pkt_mark'
  | 'ct_state'
  | 'ct_zone'
  | 'ct_mark'
  | 'ct_label'
  | 'ct_nw_proto'
  | 'ct_nw_src'
  | 'ct_nw_dst'
  | 'ct_ipv6_src'
  | 'ct_ipv6_dst'
  | 'ct_tp_src'
  | 'ct_tp_dst'
  | 'eth_src'
  | 'eth_dst'
  | 'eth_type'
  | 'vlan_tci'
  | 'vlan_vid'
  | 'vlan_pcp'
  | 'mpls_label'
  | 'mpls_tc'
  | 'mpls_bos'
  | 'mpls_ttl'
  | 'ip_src'
  | 'ip_dst'
  | 'ipv6_src'
  | 'ipv6_dst'
  | 'ipv6_label'
  | 'nw_proto'
  | 'nw_tos'
  | 'ip_dscp'
  | 'nw_ecn'
  | 'nw_ttl'
  | 'ip_frag'
  | 'arp_op'
  | 'arp_spa'
  | 'arp_tpa'
  | 'arp_sha'
  | 'arp_tha'
  | 'tcp_src'
  | 'tcp_dst'
  | 'tcp_flags'
  | 'udp_src'
  | 'udp_dst'
  | 'sctp_src'
  | 'sctp_dst'
  | 'icmp_type'
  | 'icmp_code'
  | 'icmpv6_type'
  | 'icmpv6_code'
  | 'nd_target'
  | 'nd_sll'
  | 'nd_tll';

/** Every field name the model knows (the canonical ovs-ofctl spelling). */
export type FieldName = FixedFieldName | RegName | XregName | XxregName | TunMetadataName;

export interface FieldDef {
  readonly name: FieldName;
  /** Other spellings ovs-ofctl accepts (e.g. dl_src for eth_src). */
  readonly aliases: readonly string[];
  /** The NXM/OXM name ovs-ofctl uses in subfield syntax, e.g. NXM_NX_REG0 in `move:NXM_NX_REG0[]->…`. */
  readonly nxmName: string;
  /** Width on the wire in bytes; 0 for tun_metadata, whose width comes from the TLV map. */
  readonly bytes: number;
  /** Significant bits when fewer than bytes*8 (e.g. vlan_vid 12 + present bit, ipv6_label 20). */
  readonly bits: number;
  readonly maskable: boolean;
  readonly prereq: Prerequisite | undefined;
  readonly format: FieldFormat;
  readonly headers: readonly WireHeader[];
  /** Position class in a valid prerequisite order (0 = needs nothing); see PREREQ_DEPTH. */
  readonly prereqRank: number;
}

function h(oxmClass: number, oxmField: number, experimenter?: number): WireHeader {
  return experimenter === undefined ? { oxmClass, oxmField } : { oxmClass, oxmField, experimenter };
}

function f(
  name: FieldName,
  bytes: number,
  maskable: boolean,
  format: FieldFormat,
  prereq: Prerequisite | undefined,
  nxmName: string,
  headers: readonly WireHeader[],
  bits?: number,
  alias?: string,
): FieldDef {
  return {
    name,
    aliases: alias ? [alias] : [],
    nxmName,
    bytes,
    bits: bits ?? bytes * 8,
    maskable,
    prereq,
    format,
    headers,
    prereqRank: prereq === undefined ? 0 : PREREQ_DEPTH[prereq],
  };
}

const FIXED: readonly FieldDef[] = [
  f('dp_hash', 4, true, 'hex', undefined, 'NXM_NX_DP_HASH', [h(0xffff, 0, NX_EXP), h(0x1, 35)]),
  f('recirc_id', 4, false, 'dec', undefined, 'NXM_NX_RECIRC_ID', [h(0x1, 36)]),
  f('conj_id', 4, false, 'dec', undefined, 'NXM_NX_CONJ_ID', [h(0x1, 37)]),
  f('tun_id', 8, true, 'hex', undefined, 'NXM_NX_TUN_ID', [h(0x8000, 38), h(0x1, 16)], undefined, 'tunnel_id'),
  f('tun_src', 4, true, 'ipv4', undefined, 'NXM_NX_TUN_IPV4_SRC', [h(0x1, 31)]),
  f('tun_dst', 4, true, 'ipv4', undefined, 'NXM_NX_TUN_IPV4_DST', [h(0x1, 32)]),
  f('tun_ipv6_src', 16, true, 'ipv6', undefined, 'NXM_NX_TUN_IPV6_SRC', [h(0x1, 109)]),
  f('tun_ipv6_dst', 16, true, 'ipv6', undefined, 'NXM_NX_TUN_IPV6_DST', [h(0x1, 110)]),
  f('tun_flags', 2, true, 'tun_flags', undefined, 'NXM_NX_TUN_FLAGS', [h(0x1, 104)], 1),
  f('tun_gbp_id', 2, true, 'dec', undefined, 'NXM_NX_TUN_GBP_ID', [h(0x1, 38)]),
  f('tun_gbp_flags', 1, true, 'hex', undefined, 'NXM_NX_TUN_GBP_FLAGS', [h(0x1, 39)]),
  f('metadata', 8, true, 'hex', undefined, 'OXM_OF_METADATA', [h(0x8000, 2)]),
  // OF1.1+ 32-bit port numbers; the 16-bit NXM_OF_IN_PORT is widened by the decoder.
  f('in_port', 4, false, 'port', undefined, 'NXM_OF_IN_PORT', [h(0x8000, 0)]),
  f('actset_output', 4, false, 'port', undefined, 'ONFOXM_ET_ACTSET_OUTPUT', [h(0xffff, 43, ONF_EXP)]),
  f('pkt_mark', 4, true, 'hex', undefined, 'NXM_NX_PKT_MARK', [h(0x1, 33)]),
  f('ct_state', 4, true, 'ct_state', undefined, 'NXM_NX_CT_STATE', [h(0x1, 105)]),
  f('ct_zone', 2, false, 'hex', undefined, 'NXM_NX_CT_ZONE', [h(0x1, 106)]),
  f('ct_mark', 4, true, 'hex', undefined, 'NXM_NX_CT_MARK', [h(0x1, 107)]),
  f('ct_label', 16, true, 'hex', undefined, 'NXM_NX_CT_LABEL', [h(0x1, 108)]),
  f('ct_nw_proto', 1, false, 'dec', 'ct', 'NXM_NX_CT_NW_PROTO', [h(0x1, 119)]),
  f('ct_nw_src', 4, true, 'ipv4', 'ct', 'NXM_NX_CT_NW_SRC', [h(0x1, 120)]),
  f('ct_nw_dst', 4, true, 'ipv4', 'ct', 'NXM_NX_CT_NW_DST', [h(0x1, 121)]),
  f('ct_ipv6_src', 16, true, 'ipv6', 'ct', 'NXM_NX_CT_IPV6_SRC', [h(0x1, 122)]),
  f('ct_ipv6_dst', 16, true, 'ipv6', 'ct', 'NXM_NX_CT_IPV6_DST', [h(0x1, 123)]),
  f('ct_tp_src', 2, true, 'dec', 'ct', 'NXM_NX_CT_TP_SRC', [h(0x1, 124)]),
  f('ct_tp_dst', 2, true, 'dec', 'ct', 'NXM_NX_CT_TP_DST', [h(0x1, 125)]),
  f('eth_src', 6, true, 'mac', undefined, 'NXM_OF_ETH_SRC', [h(0x8000, 4), h(0x0, 2)], undefined, 'dl_src'),
  f('eth_dst', 6, true, 'mac', undefined, 'NXM_OF_ETH_DST', [h(0x8000, 3), h(0x0, 1)], undefined, 'dl_dst'),
  f('eth_type', 2, false, 'hex', undefined, 'NXM_OF_ETH_TYPE', [h(0x8000, 5), h(0x0, 3)], undefined, 'dl_type'),
  f('vlan_tci', 2, true, 'hex', undefined, 'NXM_OF_VLAN_TCI', [h(0x0, 4)]),
  f('vlan_vid', 2, true, 'dec', undefined, 'OXM_OF_VLAN_VID', [h(0x8000, 6)], 13),
  f('vlan_pcp', 1, false, 'dec', 'vlan', 'OXM_OF_VLAN_PCP', [h(0x8000, 7)], 3),
  f('mpls_label', 4, false, 'dec', 'mpls', 'OXM_OF_MPLS_LABEL', [h(0x8000, 34)], 20),
  f('mpls_tc', 1, false, 'dec', 'mpls', 'OXM_OF_MPLS_TC', [h(0x8000, 35)], 3),
  f('mpls_bos', 1, false, 'dec', 'mpls', 'OXM_OF_MPLS_BOS', [h(0x8000, 36)], 1),
  f('mpls_ttl', 1, false, 'dec', 'mpls', 'NXM_NX_MPLS_TTL', [h(0x1, 30)]),
  f('ip_src', 4, true, 'ipv4', 'ip', 'NXM_OF_IP_SRC', [h(0x8000, 11), h(0x0, 7)], undefined, 'nw_src'),
  f('ip_dst', 4, true, 'ipv4', 'ip', 'NXM_OF_IP_DST', [h(0x8000, 12), h(0x0, 8)], undefined, 'nw_dst'),
  f('ipv6_src', 16, true, 'ipv6', 'ipv6', 'NXM_NX_IPV6_SRC', [h(0x8000, 26), h(0x1, 19)]),
  f('ipv6_dst', 16, true, 'ipv6', 'ipv6', 'NXM_NX_IPV6_DST', [h(0x8000, 27), h(0x1, 20)]),
  f('ipv6_label', 4, true, 'hex', 'ipv6', 'NXM_NX_IPV6_LABEL', [h(0x8000, 28), h(0x1, 27)], 20),
  f('nw_proto', 1, false, 'dec', 'ip_any', 'NXM_OF_IP_PROTO', [h(0x8000, 10), h(0x0, 6)], undefined, 'ip_proto'),
  f('nw_tos', 1, false, 'dec', 'ip_any', 'NXM_OF_IP_TOS', [h(0x0, 5)]),
  f('ip_dscp', 1, false, 'dec', 'ip_any', 'OXM_OF_IP_DSCP', [h(0x8000, 8)], 6),
  f('nw_ecn', 1, false, 'dec', 'ip_any', 'NXM_NX_IP_ECN', [h(0x8000, 9), h(0x1, 28)], 2, 'ip_ecn'),
  f('nw_ttl', 1, false, 'dec', 'ip_any', 'NXM_NX_IP_TTL', [h(0x1, 29)]),
  f('ip_frag', 1, true, 'frag', 'ip_any', 'NXM_NX_IP_FRAG', [h(0x1, 26)], 2, 'nw_frag'),
  f('arp_op', 2, false, 'dec', 'arp', 'NXM_OF_ARP_OP', [h(0x8000, 21), h(0x0, 15)]),
  f('arp_spa', 4, true, 'ipv4', 'arp', 'NXM_OF_ARP_SPA', [h(0x8000, 22), h(0x0, 16)]),
  f('arp_tpa', 4, true, 'ipv4', 'arp', 'NXM_OF_ARP_TPA', [h(0x8000, 23), h(0x0, 17)]),
  f('arp_sha', 6, true, 'mac', 'arp', 'NXM_NX_ARP_SHA', [h(0x8000, 24), h(0x1, 17)]),
  f('arp_tha', 6, true, 'mac', 'arp', 'NXM_NX_ARP_THA', [h(0x8000, 25), h(0x1, 18)]),
  f('tcp_src', 2, true, 'dec', 'tcp', 'NXM_OF_TCP_SRC', [h(0x8000, 13), h(0x0, 9)], undefined, 'tp_src'),
  f('tcp_dst', 2, true, 'dec', 'tcp', 'NXM_OF_TCP_DST', [h(0x8000, 14), h(0x0, 10)], undefined, 'tp_dst'),
  f('tcp_flags', 2, true, 'tcp_flags', 'tcp', 'NXM_NX_TCP_FLAGS', [h(0x1, 34), h(0xffff, 42, ONF_EXP)], 12),
  f('udp_src', 2, true, 'dec', 'udp', 'NXM_OF_UDP_SRC', [h(0x8000, 15), h(0x0, 11)]),
  f('udp_dst', 2, true, 'dec', 'udp', 'NXM_OF_UDP_DST', [h(0x8000, 16), h(0x0, 12)]),
  f('sctp_src', 2, true, 'dec', 'sctp', 'OXM_OF_SCTP_SRC', [h(0x8000, 17)]),
  f('sctp_dst', 2, true, 'dec', 'sctp', 'OXM_OF_SCTP_DST', [h(0x8000, 18)]),
  f('icmp_type', 1, false, 'dec', 'icmp', 'NXM_OF_ICMP_TYPE', [h(0x8000, 19), h(0x0, 13)]),
  f('icmp_code', 1, false, 'dec', 'icmp', 'NXM_OF_ICMP_CODE', [h(0x8000, 20), h(0x0, 14)]),
  f('icmpv6_type', 1, false, 'dec', 'icmp6', 'NXM_NX_ICMPV6_TYPE', [h(0x8000, 29), h(0x1, 21)]),
  f('icmpv6_code', 1, false, 'dec', 'icmp6', 'NXM_NX_ICMPV6_CODE', [h(0x8000, 30), h(0x1, 22)]),
  f('nd_target', 16, true, 'ipv6', 'nd', 'NXM_NX_ND_TARGET', [h(0x8000, 31), h(0x1, 23)]),
  f('nd_sll', 6, true, 'mac', 'nd_ns', 'NXM_NX_ND_SLL', [h(0x8000, 32), h(0x1, 24)]),
  f('nd_tll', 6, true, 'mac', 'nd_na', 'NXM_NX_ND_TLL', [h(0x8000, 33), h(0x1, 25)]),
];

function numbered(): FieldDef[] {
  const out: FieldDef[] = [];
  for (let i = 0; i < 16; i++)
    out.push(f(`reg${i}` as RegName, 4, true, 'hex', undefined, `NXM_NX_REG${i}`, [h(0x1, i)]));
  for (let i = 0; i < 8; i++)
    out.push(f(`xreg${i}` as XregName, 8, true, 'hex', undefined, `OXM_OF_PKT_REG${i}`, [h(0x8001, i)]));
  for (let i = 0; i < 4; i++)
    out.push(f(`xxreg${i}` as XxregName, 16, true, 'hex', undefined, `NXM_NX_XXREG${i}`, [h(0x1, 111 + i)]));
  for (let i = 0; i < 64; i++)
    out.push(
      f(`tun_metadata${i}` as TunMetadataName, 0, true, 'hex', undefined, `NXM_NX_TUN_METADATA${i}`, [h(0x1, 40 + i)]),
    );
  return out;
}

export const FIELDS: readonly FieldDef[] = [...FIXED, ...numbered()];

const byName = new Map<string, FieldDef>();
for (const d of FIELDS) {
  byName.set(d.name, d);
  for (const a of d.aliases) byName.set(a, d);
  byName.set(d.nxmName, d);
}
// Extra OF1.5 headers OVS emits for a few fields.
const extraHeaders: ReadonlyArray<[FieldName, WireHeader]> = [
  ['tcp_flags', h(0x8000, 42)],
  ['actset_output', h(0x8000, 43)],
];
const byHeader = new Map<string, { def: FieldDef; header: WireHeader }>();
const headerKey = (c: number, fld: number, exp?: number) => `${c}:${fld}:${exp ?? 0}`;
for (const d of FIELDS)
  for (const hd of d.headers)
    byHeader.set(headerKey(hd.oxmClass, hd.oxmField, hd.experimenter), { def: d, header: hd });
for (const [n, hd] of extraHeaders)
  byHeader.set(headerKey(hd.oxmClass, hd.oxmField), { def: byName.get(n)!, header: hd });

/** Looks a field up by canonical name, alias or NXM/OXM name. */
export function fieldByName(name: string): FieldDef | undefined {
  return byName.get(name);
}

export function field(name: FieldName): FieldDef {
  const d = byName.get(name);
  if (!d) throw new Error(`unknown field ${name}`);
  return d;
}

export function fieldByHeader(oxmClass: number, oxmField: number, experimenter?: number): FieldDef | undefined {
  return byHeader.get(headerKey(oxmClass, oxmField, experimenter))?.def;
}

/** Bit width of a field (tun_metadata: from the TLV map length, default 4 bytes as OVN maps it). */
export function fieldBits(d: FieldDef, tlvBytes = 4): number {
  return d.bytes === 0 ? tlvBytes * 8 : d.bits;
}

export function isTunMetadata(name: FieldName): name is TunMetadataName {
  return name.startsWith('tun_metadata');
}
