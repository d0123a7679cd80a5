// Renders a Match the way OVS's match printer does: OVS first folds all fields into its fixed flow layout
// (xregs into regs, tp_src for tcp/udp/sctp/icmp, ...) and prints that layout in one fixed order, with
// shorthands such as `tcp6` for eth_type+ip_proto. We do the same fold, so the text is identical however
// the entries were spelled.
import { field, fieldBits, type FieldName } from '../model/fields.js';
import { DEFAULT_PRIORITY } from '../model/flow.js';
import { ETH_TYPE, IP_PROTO, ones, type Match } from '../model/match.js';
import {
  CT_STATE_BITS,
  TCP_FLAG_BITS,
  formatFlags,
  formatIpv4Masked,
  formatIpv6Masked,
  formatMacMasked,
  formatPort,
  hex,
} from './values.js';

interface Slot {
  v: bigint;
  m: bigint;
}

/** OVS's flow layout, one slot per place a match can land. */
type Folded = Map<string, Slot>;

function put(f: Folded, key: string, v: bigint, m: bigint): void {
  const cur = f.get(key) ?? { v: 0n, m: 0n };
  f.set(key, { v: (cur.v & ~m) | (v & m), m: cur.m | m });
}

/** Where each model field lands in OVS's flow layout. */
const SLOT_OF: Partial<Record<FieldName, string>> = {
  tcp_src: 'tp_src',
  udp_src: 'tp_src',
  sctp_src: 'tp_src',
  icmp_type: 'tp_src',
  icmpv6_type: 'tp_src',
  tcp_dst: 'tp_dst',
  udp_dst: 'tp_dst',
  sctp_dst: 'tp_dst',
  icmp_code: 'tp_dst',
  icmpv6_code: 'tp_dst',
  ip_src: 'nw_src',
  arp_spa: 'nw_src',
  ip_dst: 'nw_dst',
  arp_tpa: 'nw_dst',
  nw_proto: 'nw_proto',
  arp_op: 'nw_proto',
  arp_sha: 'arp_sha',
  nd_sll: 'arp_sha',
  arp_tha: 'arp_tha',
  nd_tll: 'arp_tha',
};

export function foldMatch(match: Match, tlvBytes = 4): Folded {
  const f: Folded = new Map();
  for (const e of match) {
    const d = field(e.field);
    const bits = fieldBits(d, tlvBytes);
    const full = ones(bits);
    const mask = (e.mask ?? full) & full;
    const v = e.value & mask;
    const reg = /^(x{0,2})reg(\d+)$/.exec(e.field);
    if (reg) {
      const per = reg[1]!.length === 0 ? 1 : reg[1]!.length === 1 ? 2 : 4;
      const base = Number(reg[2]) * per;
      for (let i = 0; i < per; i++) {
        const shift = BigInt((per - 1 - i) * 32);
        const mm = (mask >> shift) & 0xffffffffn;
        if (mm) put(f, `reg${base + i}`, (v >> shift) & 0xffffffffn, mm);
      }
      continue;
    }
    switch (e.field) {
      case 'vlan_vid':
        put(f, 'vlan_tci', v & 0x1fffn, mask & 0x1fffn);
        break;
      case 'vlan_pcp':
        put(f, 'vlan_tci', (v << 13n) | 0x1000n, 0xe000n | 0x1000n);
        break;
      case 'ip_dscp':
        put(f, 'nw_tos', v << 2n, 0xfcn);
        break;
      case 'nw_tos':
        put(f, 'nw_tos', v & 0xfcn, 0xfcn);
        break;
      case 'nw_ecn':
        put(f, 'nw_tos', v & 3n, 3n);
        break;
      case 'icmp_type':
      case 'icmp_code':
      case 'icmpv6_type':
      case 'icmpv6_code':
        // OVS keeps ICMP type/code in the 16-bit transport port slots, fully masked.
        put(f, SLOT_OF[e.field]!, v, mask === 0xffn ? 0xffffn : mask);
        break;
      default:
        put(f, SLOT_OF[e.field] ?? e.field, v, mask);
    }
  }
  return f;
}

/**
 * A canonical identity for a match (equal iff OVS would consider the matches identical), much cheaper
 * than rendering it: the folded slots, sorted.
 */
export function matchKey(match: Match, tlvBytes = 4): string {
  return fastMatchKey(match, tlvBytes) ?? slowMatchKey(match, tlvBytes);
}

function slowMatchKey(match: Match, tlvBytes: number): string {
  const parts: string[] = [];
  for (const [k, { v, m }] of foldMatch(match, tlvBytes)) if (m !== 0n) parts.push(keyPart(k, v, m));
  return parts.sort().join(',');
}

/**
 * A slot's part of a match key: the value in hex, then the mask, as `#bits` when it is the low `bits` bits all
 * set (a field's full mask, the usual case) and in hex otherwise. A controller keeps one key per flow (44k at
 * 100×50): `metadata=5/#64` instead of `metadata=5/ffffffffffffffff`.
 */
function keyPart(slot: string, v: bigint, m: bigint): string {
  let mask = maskTexts.get(m);
  if (mask === undefined) {
    mask = (m & (m + 1n)) === 0n ? `#${m.toString(2).length}` : m.toString(16);
    if (maskTexts.size < 4096) maskTexts.set(m, mask);
  }
  return `${slot}=${v.toString(16)}/${mask}`;
}
const maskTexts = new Map<bigint, string>();

/** How a field lands in the folded layout when that is a plain copy (or a split into 32-bit registers). */
interface KeyDesc {
  readonly full: bigint;
  readonly slot: string;
  /** Registers: the first 32-bit reg slot and how many (xreg 2, xxreg 4); 0 for other fields. */
  readonly regBase: number;
  readonly regCount: number;
}
const FOLDED_SPECIALLY: ReadonlySet<string> = new Set([
  'vlan_vid',
  'vlan_pcp',
  'ip_dscp',
  'nw_tos',
  'nw_ecn',
  'icmp_type',
  'icmp_code',
  'icmpv6_type',
  'icmpv6_code',
]);
const keyDescs = new Map<string, KeyDesc | null>();
function keyDesc(name: FieldName, tlvBytes: number): KeyDesc | null {
  const id = tlvBytes === 4 ? name : `${name}/${tlvBytes}`;
  let d = keyDescs.get(id);
  if (d !== undefined) return d;
  const reg = /^(x{0,2})reg(\d+)$/.exec(name);
  const per = reg ? [1, 2, 4][reg[1]!.length]! : 0;
  d = FOLDED_SPECIALLY.has(name)
    ? null
    : {
        full: ones(fieldBits(field(name), tlvBytes)),
        slot: SLOT_OF[name] ?? name,
        regBase: reg ? Number(reg[2]) * per : 0,
        regCount: per,
      };
  keyDescs.set(id, d);
  return d;
}

/**
 * matchKey without building the folded map, for matches where no two entries land in the same slot and
 * no field needs a special fold (the common case); undefined otherwise.
 */
function fastMatchKey(match: Match, tlvBytes: number): string | undefined {
  const parts: string[] = [];
  const slots: string[] = [];
  const push = (slot: string, v: bigint, m: bigint) => {
    if (m === 0n) return true;
    if (slots.includes(slot)) return false;
    slots.push(slot);
    parts.push(keyPart(slot, v, m));
    return true;
  };
  for (const e of match) {
    const d = keyDesc(e.field, tlvBytes);
    if (!d) return undefined;
    const mask = e.mask === undefined ? d.full : e.mask & d.full;
    const v = e.value & mask;
    if (d.regCount === 0) {
      if (!push(d.slot, v, mask)) return undefined;
    } else if (d.regCount === 1) {
      if (!push(d.slot, v, mask)) return undefined;
    } else
      for (let i = 0; i < d.regCount; i++) {
        const shift = BigInt((d.regCount - 1 - i) * 32);
        if (!push(`reg${d.regBase + i}`, (v >> shift) & 0xffffffffn, (mask >> shift) & 0xffffffffn)) return undefined;
      }
  }
  return parts.sort().join(',');
}

/** The match text (with `priority=` first when not the default), as in `ovs-ofctl dump-flows`. */
export function formatMatch(match: Match, priority: number = DEFAULT_PRIORITY, tlvBytes = 4): string {
  const f = foldMatch(match, tlvBytes);
  const out: string[] = [];
  const get = (k: string) => {
    const s = f.get(k);
    return s && s.m !== 0n ? s : undefined;
  };
  const isFull = (k: string, s: Slot) => {
    const d = field(k as FieldName);
    return s.m === ones(fieldBits(d, tlvBytes));
  };
  const masked = (name: string, k: string, render: (v: bigint) => string = hex) => {
    const s = get(k);
    if (!s) return;
    out.push(isFull(k, s) ? `${name}=${render(s.v)}` : `${name}=${render(s.v)}/${render(s.m)}`);
  };
  const be16 = (name: string, k: string) => {
    const s = get(k);
    if (!s) return;
    out.push(s.m === 0xffffn ? `${name}=${s.v}` : `${name}=0x${s.v.toString(16)}/0x${s.m.toString(16)}`);
  };
  const ip4 = (name: string, k: string) => {
    const s = get(k);
    if (s) out.push(`${name}=${formatIpv4Masked(s.v, s.m)}`);
  };
  const ip6 = (name: string, k: string) => {
    const s = get(k);
    if (s) out.push(`${name}=${formatIpv6Masked(s.v, s.m)}`);
  };
  const eth = (name: string, k: string) => {
    const s = get(k);
    if (s) out.push(`${name}=${formatMacMasked(s.v, s.m)}`);
  };

  if (priority !== DEFAULT_PRIORITY) out.push(`priority=${priority}`);
  masked('pkt_mark', 'pkt_mark');
  masked('recirc_id', 'recirc_id');
  masked('dp_hash', 'dp_hash');
  const conj = get('conj_id');
  if (conj) out.push(`conj_id=${conj.v}`);
  const actset = get('actset_output');
  if (actset) out.push(`actset_output=${formatPort(Number(actset.v))}`);
  const cs = get('ct_state');
  if (cs) out.push(`ct_state=${formatFlags(CT_STATE_BITS, cs.v, cs.m === 0xffn ? undefined : cs.m, 0xffn)}`);
  const zone = get('ct_zone');
  if (zone)
    out.push(zone.m === 0xffffn ? `ct_zone=${zone.v}` : `ct_zone=0x${zone.v.toString(16)}/0x${zone.m.toString(16)}`);
  masked('ct_mark', 'ct_mark');
  masked('ct_label', 'ct_label');
  ip4('ct_nw_src', 'ct_nw_src');
  ip6('ct_ipv6_src', 'ct_ipv6_src');
  ip4('ct_nw_dst', 'ct_nw_dst');
  ip6('ct_ipv6_dst', 'ct_ipv6_dst');
  const ctProto = get('ct_nw_proto');
  if (ctProto) {
    out.push(`ct_nw_proto=${ctProto.v}`);
    be16('ct_tp_src', 'ct_tp_src');
    be16('ct_tp_dst', 'ct_tp_dst');
  }

  const dlType = get('eth_type');
  const proto = get('nw_proto');
  const dt = dlType ? Number(dlType.v) : undefined;
  const np = proto ? Number(proto.v) : undefined;
  let skipType = false;
  let skipProto = false;
  if (dt !== undefined) {
    skipType = true;
    const named = (v4: Record<number, string>, dflt: string) => {
      if (np !== undefined && v4[np]) {
        skipProto = true;
        out.push(v4[np]!);
      } else out.push(dflt);
    };
    if (dt === ETH_TYPE.IP)
      named({ [IP_PROTO.ICMP]: 'icmp', [IP_PROTO.TCP]: 'tcp', [IP_PROTO.UDP]: 'udp', [IP_PROTO.SCTP]: 'sctp' }, 'ip');
    else if (dt === ETH_TYPE.IPV6)
      named(
        { [IP_PROTO.ICMPV6]: 'icmp6', [IP_PROTO.TCP]: 'tcp6', [IP_PROTO.UDP]: 'udp6', [IP_PROTO.SCTP]: 'sctp6' },
        'ipv6',
      );
    else if (dt === ETH_TYPE.ARP) out.push('arp');
    else if (dt === ETH_TYPE.RARP) out.push('rarp');
    else if (dt === ETH_TYPE.MPLS) out.push('mpls');
    else if (dt === ETH_TYPE.MPLS_MCAST) out.push('mplsm');
    else skipType = false;
  }
  // Only look up the numbered fields actually present (this runs for every flow in a sync).
  const numbered = (prefix: string) =>
    [...f.keys()]
      .filter((k) => k.startsWith(prefix) && /^\d+$/.test(k.slice(prefix.length)))
      .sort((a, b) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)));
  for (const k of numbered('reg')) masked(k, k);

  masked('tun_id', 'tun_id');
  ip4('tun_src', 'tun_src');
  ip4('tun_dst', 'tun_dst');
  ip6('tun_ipv6_src', 'tun_ipv6_src');
  ip6('tun_ipv6_dst', 'tun_ipv6_dst');
  be16('tun_gbp_id', 'tun_gbp_id');
  const gbpf = get('tun_gbp_flags');
  if (gbpf) out.push(`tun_gbp_flags=${hex(gbpf.v)}`);
  const tf = get('tun_flags');
  if (tf) out.push(`tun_flags=${formatFlags(['oam'], tf.v, tf.m, 0xffffn)}`); // OVS always prints the +/- form here
  for (const k of numbered('tun_metadata')) masked(k, k);

  masked('metadata', 'metadata');
  const inPort = get('in_port');
  if (inPort) out.push(`in_port=${formatPort(Number(inPort.v))}`);
  const tci = get('vlan_tci');
  if (tci) {
    const vid = tci.m & 0x0fffn;
    const pcp = tci.m & 0xe000n;
    const cfi = tci.m & 0x1000n;
    if (cfi && tci.v & 0x1000n && (!vid || vid === 0xfffn) && (!pcp || pcp === 0xe000n) && (vid || pcp)) {
      if (vid) out.push(`dl_vlan=${tci.v & 0xfffn}`);
      if (pcp) out.push(`dl_vlan_pcp=${tci.v >> 13n}`);
    } else if (tci.m === 0xffffn) out.push(`vlan_tci=0x${tci.v.toString(16).padStart(4, '0')}`);
    else out.push(`vlan_tci=0x${tci.v.toString(16).padStart(4, '0')}/0x${tci.m.toString(16).padStart(4, '0')}`);
  }
  eth('dl_src', 'eth_src');
  eth('dl_dst', 'eth_dst');
  if (!skipType && dt !== undefined) out.push(`dl_type=0x${dt.toString(16).padStart(4, '0')}`);
  const isArp = dt === ETH_TYPE.ARP || dt === ETH_TYPE.RARP;
  if (dt === ETH_TYPE.IPV6) {
    ip6('ipv6_src', 'ipv6_src');
    ip6('ipv6_dst', 'ipv6_dst');
    const l = get('ipv6_label');
    if (l) {
      const h5 = (x: bigint) => '0x' + x.toString(16).padStart(5, '0');
      out.push(l.m === 0xfffffn ? `ipv6_label=${h5(l.v)}` : `ipv6_label=${h5(l.v)}/${h5(l.m)}`);
    }
  } else if (isArp) {
    ip4('arp_spa', 'nw_src');
    ip4('arp_tpa', 'nw_dst');
  } else {
    ip4('nw_src', 'nw_src');
    ip4('nw_dst', 'nw_dst');
  }
  if (!skipProto && proto) out.push(`${isArp ? 'arp_op' : 'nw_proto'}=${proto.v}`);
  if (isArp) {
    eth('arp_sha', 'arp_sha');
    eth('arp_tha', 'arp_tha');
  }
  const tos = get('nw_tos');
  if (tos && tos.m & 0xfcn) out.push(`nw_tos=${tos.v & 0xfcn}`);
  if (tos && tos.m & 3n) out.push(`nw_ecn=${tos.v & 3n}`);
  const ttl = get('nw_ttl');
  if (ttl) out.push(`nw_ttl=${ttl.v}`);
  const label = get('mpls_label');
  if (label) out.push(`mpls_label=${label.v}`);
  const tc = get('mpls_tc');
  if (tc) out.push(`mpls_tc=${tc.v}`);
  const mttl = get('mpls_ttl');
  if (mttl) out.push(`mpls_ttl=${mttl.v}`);
  const bos = get('mpls_bos');
  if (bos) out.push(`mpls_bos=${bos.v}`);
  const frag = get('ip_frag');
  if (frag) {
    const any = frag.v & 1n;
    const later = frag.v & 2n;
    if ((frag.m & 3n) === 3n) out.push(`nw_frag=${any ? (later ? 'later' : 'first') : later ? '<error>' : 'no'}`);
    else if (frag.m & 1n) out.push(`nw_frag=${any ? 'yes' : 'no'}`);
    else if (frag.m & 2n) out.push(`nw_frag=${later ? 'later' : 'not_later'}`);
  }
  const icmp4 = dt === ETH_TYPE.IP && np === IP_PROTO.ICMP;
  const icmp6 = dt === ETH_TYPE.IPV6 && np === IP_PROTO.ICMPV6;
  if (icmp4 || icmp6) {
    be16('icmp_type', 'tp_src');
    be16('icmp_code', 'tp_dst');
    if (icmp6) {
      ip6('nd_target', 'nd_target');
      eth('nd_sll', 'arp_sha');
      eth('nd_tll', 'arp_tha');
    }
  } else {
    be16('tp_src', 'tp_src');
    be16('tp_dst', 'tp_dst');
  }
  const tcpFlags = get('tcp_flags');
  if (tcpFlags && np === IP_PROTO.TCP && (dt === ETH_TYPE.IP || dt === ETH_TYPE.IPV6)) {
    out.push(
      `tcp_flags=${formatFlags(TCP_FLAG_BITS, tcpFlags.v, tcpFlags.m === 0xfffn ? undefined : tcpFlags.m, 0xfffn)}`,
    );
  }
  return out.join(',');
}
