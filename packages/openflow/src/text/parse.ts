// Parses the ovs-ofctl flow syntax that formatFlow prints (and the common input spellings: field aliases,
// `load:`, `output:`, protocol shorthands), into the model.
import {
  BUNDLE_ALGORITHMS,
  BUNDLE_FIELDS,
  OFPP,
  load,
  type Action,
  type BundleAction,
  type CtAction,
  type LearnAction,
  type LearnSpec,
  type NatRange,
  type PacketInReason,
} from '../model/actions.js';
import { fieldBits, fieldByName, type FieldDef, type FieldName } from '../model/fields.js';
import { DEFAULT_PRIORITY, type Flow, type FlowModFlag } from '../model/flow.js';
import { ETH_TYPE, IP_PROTO, ipv4, ipv6, ones, type MatchEntry, type Subfield } from '../model/match.js';
import { FlowSyntaxError, callForm, splitTop } from './split.js';
import {
  CT_STATE_BITS,
  TCP_FLAG_BITS,
  parseFlags,
  parseHexBytes,
  parseIpv4Masked,
  parseIpv6Masked,
  parseMacMasked,
  parseNumber,
  parseNumberMasked,
  parsePort,
} from './values.js';

export { FlowSyntaxError } from './split.js';

const SHORTHANDS: Record<string, [number, number?]> = {
  ip: [ETH_TYPE.IP],
  icmp: [ETH_TYPE.IP, IP_PROTO.ICMP],
  tcp: [ETH_TYPE.IP, IP_PROTO.TCP],
  udp: [ETH_TYPE.IP, IP_PROTO.UDP],
  sctp: [ETH_TYPE.IP, IP_PROTO.SCTP],
  ipv6: [ETH_TYPE.IPV6],
  icmp6: [ETH_TYPE.IPV6, IP_PROTO.ICMPV6],
  tcp6: [ETH_TYPE.IPV6, IP_PROTO.TCP],
  udp6: [ETH_TYPE.IPV6, IP_PROTO.UDP],
  sctp6: [ETH_TYPE.IPV6, IP_PROTO.SCTP],
  arp: [ETH_TYPE.ARP],
  rarp: [ETH_TYPE.RARP],
  mpls: [ETH_TYPE.MPLS],
  mplsm: [ETH_TYPE.MPLS_MCAST],
};
const FLOW_FLAGS: readonly FlowModFlag[] = [
  'send_flow_rem',
  'check_overlap',
  'reset_counts',
  'no_packet_counts',
  'no_byte_counts',
];

/** A value in the field's text format, with optional mask. */
export function parseFieldValue(d: FieldDef, text: string): { value: bigint; mask?: bigint } {
  switch (d.format) {
    case 'ipv4':
      return parseIpv4Masked(text);
    case 'ipv6':
      return parseIpv6Masked(text);
    case 'mac':
      return parseMacMasked(text);
    case 'ct_state':
      return parseFlags(CT_STATE_BITS, text, 0xffn);
    case 'tcp_flags':
      return parseFlags(TCP_FLAG_BITS, text, 0xfffn);
    case 'tun_flags':
      return parseFlags(['oam'], text, 1n);
    case 'port':
      return /^\d|^0x/.test(text) ? parseNumberMasked(text) : { value: BigInt(parsePort(text)) };
    case 'frag': {
      const map: Record<string, [bigint, bigint]> = {
        no: [0n, 3n],
        yes: [1n, 1n],
        first: [1n, 3n],
        later: [3n, 3n],
        not_later: [0n, 2n],
      };
      const v = map[text];
      if (!v) return parseNumberMasked(text);
      return v[1] === 3n ? { value: v[0] } : { value: v[0], mask: v[1] };
    }
    default:
      return parseNumberMasked(text);
  }
}

export function parseSubfield(text: string): Subfield {
  const m = /^([A-Za-z_0-9]+)\[(?:(\d+)(?:\.\.(\d+))?)?\]$/.exec(text);
  if (!m) throw new FlowSyntaxError('bad subfield', text);
  const d = fieldByName(m[1]!);
  if (!d) throw new FlowSyntaxError(`unknown field ${m[1]}`, text);
  const width = d.name === 'in_port' ? 16 : fieldBits(d);
  if (m[2] === undefined) return { field: d.name, start: 0, nBits: width };
  const start = Number(m[2]);
  const end = m[3] === undefined ? start : Number(m[3]);
  if (end < start || end >= width) throw new FlowSyntaxError('subfield out of range', text);
  return { field: d.name, start, nBits: end - start + 1 };
}

function parseMatchItems(items: string[]): { entries: MatchEntry[]; priority?: number } {
  const raw: Array<{ key: string; text: string }> = [];
  let ethType: number | undefined;
  let proto: number | undefined;
  let priority: number | undefined;
  for (const it of items) {
    const eq = it.indexOf('=');
    if (eq < 0) {
      const sh = SHORTHANDS[it];
      if (!sh) throw new FlowSyntaxError(`unknown match keyword ${it}`, it);
      ethType = sh[0];
      if (sh[1] !== undefined) proto = sh[1];
      continue;
    }
    const key = it.slice(0, eq);
    const text = it.slice(eq + 1);
    if (key === 'priority') priority = Number(parseNumber(text));
    else if (key === 'dl_type' || key === 'eth_type') ethType = Number(parseNumber(text));
    else if (key === 'nw_proto' || key === 'ip_proto') proto = Number(parseNumber(text));
    else raw.push({ key, text });
  }
  const entries: MatchEntry[] = [];
  if (ethType !== undefined) entries.push({ field: 'eth_type', value: BigInt(ethType) });
  const isArp = ethType === ETH_TYPE.ARP || ethType === ETH_TYPE.RARP;
  const isV6 = ethType === ETH_TYPE.IPV6;
  if (proto !== undefined) entries.push({ field: isArp ? 'arp_op' : 'nw_proto', value: BigInt(proto) });
  const tp = (dir: 'src' | 'dst'): FieldName => {
    if (proto === IP_PROTO.ICMP || proto === IP_PROTO.ICMPV6)
      return (
        isV6 ? (dir === 'src' ? 'icmpv6_type' : 'icmpv6_code') : dir === 'src' ? 'icmp_type' : 'icmp_code'
      ) as FieldName;
    if (proto === IP_PROTO.UDP) return `udp_${dir}`;
    if (proto === IP_PROTO.SCTP) return `sctp_${dir}`;
    return `tcp_${dir}`;
  };
  for (const { key, text } of raw) {
    let name: string = key;
    if (key === 'tp_src' || key === 'tp_dst') name = tp(key === 'tp_src' ? 'src' : 'dst');
    else if (key === 'icmp_type' || key === 'icmp_code') name = isV6 ? `icmpv6_${key.slice(5)}` : key;
    else if (key === 'nw_src' || key === 'nw_dst') name = isArp ? `arp_${key === 'nw_src' ? 'spa' : 'tpa'}` : key;
    if (key === 'dl_vlan') {
      entries.push({ field: 'vlan_vid', value: 0x1000n | parseNumber(text) });
      continue;
    }
    if (key === 'dl_vlan_pcp') {
      entries.push({ field: 'vlan_pcp', value: parseNumber(text) });
      continue;
    }
    if (key === 'nw_tos') {
      entries.push({ field: 'ip_dscp', value: parseNumber(text) >> 2n });
      continue;
    }
    const d = fieldByName(name);
    if (!d) throw new FlowSyntaxError(`unknown field ${key}`, `${key}=${text}`);
    const { value, mask } = parseFieldValue(d, text);
    const full = ones(fieldBits(d));
    entries.push(mask === undefined || mask === full ? { field: d.name, value } : { field: d.name, value, mask });
  }
  return priority === undefined ? { entries } : { entries, priority };
}

function parseNat(args: string | undefined): CtAction['nat'] {
  if (args === undefined) return {};
  const parts = splitTop(args, ',');
  const first = parts.shift()!;
  const [kind, range] = first.split('=') as ['src' | 'dst', string | undefined];
  if (kind !== 'src' && kind !== 'dst') throw new FlowSyntaxError('bad nat', args);
  const r: { -readonly [K in keyof NatRange]: NatRange[K] } = { kind };
  if (range) {
    let addr = range;
    let ports: string | undefined;
    const br = /^\[(.*)\](?::(.*))?$/.exec(range);
    if (br) {
      addr = br[1]!;
      ports = br[2];
    } else if (!range.includes('::') && range.split(':').length === 2) {
      [addr, ports] = range.split(':') as [string, string];
    } else if (range.includes('.') && range.includes(':')) {
      const i = range.lastIndexOf(':');
      addr = range.slice(0, i);
      ports = range.slice(i + 1);
    }
    const [lo, hi] = addr.split('-') as [string, string | undefined];
    const v6 = lo.includes(':');
    if (v6) r.ipv6 = true;
    r.ipMin = v6 ? ipv6(lo) : ipv4(lo);
    if (hi) r.ipMax = v6 ? ipv6(hi) : ipv4(hi);
    if (ports) {
      const [pl, ph] = ports.split('-');
      r.portMin = Number(pl);
      if (ph) r.portMax = Number(ph);
    }
  }
  for (const p of parts) {
    if (p === 'persistent' || p === 'hash' || p === 'random') r[p] = true;
    else throw new FlowSyntaxError(`bad nat flag ${p}`, args);
  }
  return r;
}

function parseCt(args: string): CtAction {
  const a: { -readonly [K in keyof CtAction]: CtAction[K] } = { type: 'ct' };
  for (const p of splitTop(args, ',')) {
    const call = callForm(p);
    if (p === 'commit') a.commit = true;
    else if (p === 'force') a.force = true;
    else if (p === 'nat') a.nat = {};
    else if (call?.[0] === 'nat') a.nat = parseNat(call[1]);
    else if (call?.[0] === 'exec') a.exec = parseActionsUnchecked(call[1]);
    else if (p.startsWith('table=')) a.table = Number(p.slice(6));
    else if (p.startsWith('zone=')) a.zone = /^\d+$/.test(p.slice(5)) ? Number(p.slice(5)) : parseSubfield(p.slice(5));
    else if (p.startsWith('alg=')) {
      const v = p.slice(4);
      a.alg = v === 'ftp' ? 21 : v === 'tftp' ? 69 : Number(v);
    } else throw new FlowSyntaxError(`bad ct argument ${p}`, args);
  }
  return a;
}

function parseLearn(args: string): LearnAction {
  const a: { -readonly [K in keyof LearnAction]: LearnAction[K] } = { type: 'learn', table: 1, specs: [] };
  const specs: LearnSpec[] = [];
  for (const p of splitTop(args, ',')) {
    const [k, v] = [p.slice(0, p.indexOf('=') < 0 ? p.length : p.indexOf('=')), p.slice(p.indexOf('=') + 1)];
    if (k === 'table') a.table = Number(v);
    else if (k === 'idle_timeout') a.idleTimeout = Number(v);
    else if (k === 'hard_timeout') a.hardTimeout = Number(v);
    else if (k === 'fin_idle_timeout') a.finIdleTimeout = Number(v);
    else if (k === 'fin_hard_timeout') a.finHardTimeout = Number(v);
    else if (k === 'priority') a.priority = Number(v);
    else if (k === 'cookie') a.cookie = parseNumber(v);
    else if (p === 'send_flow_rem') a.sendFlowRem = true;
    else if (p === 'delete_learned') a.deleteLearned = true;
    else if (p.startsWith('load:')) {
      const [src, dst] = p.slice(5).split('->') as [string, string];
      const d = parseSubfield(dst);
      specs.push(
        /^(0x|\d)/.test(src)
          ? { type: 'load', dst: d, value: parseNumber(src) }
          : { type: 'load', dst: d, src: parseSubfield(src) },
      );
    } else if (p.startsWith('output:')) specs.push({ type: 'output', src: parseSubfield(p.slice(7)) });
    else if (p.includes('[')) {
      const eq = p.indexOf('=');
      const dst = parseSubfield(eq < 0 ? p : p.slice(0, eq));
      if (eq < 0) specs.push({ type: 'match', dst, src: dst });
      else {
        const src = p.slice(eq + 1);
        specs.push(
          /^(0x|\d)/.test(src)
            ? { type: 'match', dst, value: parseNumber(src) }
            : { type: 'match', dst, src: parseSubfield(src) },
        );
      }
    } else {
      const d = fieldByName(k);
      if (!d) throw new FlowSyntaxError(`bad learn argument ${p}`, args);
      specs.push({
        type: 'match',
        dst: { field: d.name, start: 0, nBits: fieldBits(d) },
        value: parseFieldValue(d, v).value,
      });
    }
  }
  a.specs = specs;
  return a;
}

/** `bundle(fields,basis,algorithm,ofport,members:p1,p2,…)` (`slaves:` is the old spelling). */
function parseBundle(args: string): BundleAction {
  const colon = args.indexOf(':');
  if (colon < 0) throw new FlowSyntaxError('bundle: missing members:', args);
  const [fields, basis, algorithm, memberType, delim, ...extra] = args
    .slice(0, colon)
    .split(/[\s,]+/)
    .filter(Boolean);
  const f = BUNDLE_FIELDS.find((x) => x === fields?.toLowerCase());
  const alg = BUNDLE_ALGORITHMS.find((x) => x === algorithm?.toLowerCase());
  if (!f) throw new FlowSyntaxError(`bundle: unknown fields ${fields}`, args);
  if (!alg) throw new FlowSyntaxError(`bundle: unknown algorithm ${algorithm}`, args);
  if (memberType?.toLowerCase() !== 'ofport')
    throw new FlowSyntaxError(`bundle: unknown member type ${memberType}`, args);
  if (extra.length || !/^(members|slaves)$/i.test(delim ?? ''))
    throw new FlowSyntaxError('bundle: expected members: after the member type', args);
  if (!/^\d+$/.test(basis ?? '')) throw new FlowSyntaxError(`bundle: bad basis ${basis}`, args);
  const members = args
    .slice(colon + 1)
    .split(/[\s,[\]]+/)
    .filter(Boolean)
    .map(parsePort);
  return { type: 'bundle', algorithm: alg, fields: f, basis: Number(basis), members };
}

const REASONS: readonly PacketInReason[] = ['no_match', 'action', 'invalid_ttl', 'action_set', 'group', 'packet_out'];

function parseAction(t: string): Action {
  const call = callForm(t);
  if (call) {
    const [name, args] = call;
    switch (name) {
      case 'resubmit': {
        const [port, table, ct] = args.split(',');
        return {
          type: 'resubmit',
          ...(port ? { port: parsePort(port) } : {}),
          ...(table ? { table: Number(table) } : {}),
          ...(ct === 'ct' ? { ct: true } : {}),
        };
      }
      case 'ct':
        return parseCt(args);
      case 'controller': {
        const a: {
          -readonly [K in keyof Extract<Action, { type: 'controller' }>]: Extract<Action, { type: 'controller' }>[K];
        } = { type: 'controller' };
        for (const p of splitTop(args, ',')) {
          const [k, v = ''] = p.split('=') as [string, string | undefined];
          if (k === 'reason') {
            if (!REASONS.includes(v as PacketInReason)) throw new FlowSyntaxError(`bad reason ${v}`, t);
            a.reason = v as PacketInReason;
          } else if (k === 'max_len') a.maxLen = Number(v);
          else if (k === 'id') a.controllerId = Number(v);
          else if (k === 'userdata') a.userdata = parseHexBytes(v);
          else if (k === 'pause') a.pause = true;
          else if (k === 'meter_id') a.meterId = Number(v);
          else throw new FlowSyntaxError(`bad controller argument ${p}`, t);
        }
        return a;
      }
      case 'learn':
        return parseLearn(args);
      case 'bundle':
        return parseBundle(args);
      case 'conjunction': {
        const m = /^(\d+),(\d+)\/(\d+)$/.exec(args);
        if (!m) throw new FlowSyntaxError('bad conjunction', t);
        return { type: 'conjunction', id: Number(m[1]), clause: Number(m[2]), nClauses: Number(m[3]) };
      }
      case 'clone':
        return { type: 'clone', actions: parseActions(args) };
      case 'write_actions':
        return { type: 'write_actions', actions: parseActions(args) };
      case 'dec_ttl':
        // dump-flows prints NXAST_DEC_TTL_CNT_IDS with no ids as `dec_ttl()`: read it back as that (ovs-ofctl's
        // own parser would take it for a bare dec_ttl, i.e. controller 0), so parse inverts format.
        return { type: 'dec_ttl', controllerIds: args.trim() === '' ? [] : args.split(',').map(Number) };
      case 'output': {
        const kv = Object.fromEntries(splitTop(args, ',').map((p) => p.split('=') as [string, string]));
        const port = kv['port'] ?? '';
        const maxLen = kv['max_len'] === undefined ? undefined : Number(kv['max_len']);
        if (port.includes('['))
          return { type: 'output_reg', src: parseSubfield(port), ...(maxLen === undefined ? {} : { maxLen }) };
        return { type: 'output', port: parsePort(port), ...(maxLen === undefined ? {} : { maxLen }) };
      }
      case 'sample': {
        const kv = Object.fromEntries(splitTop(args, ',').map((p) => p.split('=') as [string, string]));
        return {
          type: 'sample',
          probability: Number(kv['probability'] ?? 0),
          collectorSetId: Number(kv['collector_set_id'] ?? 0),
          obsDomainId: Number(kv['obs_domain_id'] ?? 0),
          obsPointId: Number(kv['obs_point_id'] ?? 0),
        };
      }
    }
  }
  const cpl = /^check_pkt_larger\((\d+)\)->(.+)$/.exec(t);
  if (cpl) return { type: 'check_pkt_larger', len: Number(cpl[1]), dst: parseSubfield(cpl[2]!) };
  const colon = t.indexOf(':');
  const name = colon < 0 ? t : t.slice(0, colon);
  const arg = colon < 0 ? '' : t.slice(colon + 1);
  switch (name) {
    case 'drop':
      throw new FlowSyntaxError('"drop" must be the only action', t);
    case 'output':
      return arg.includes('[')
        ? { type: 'output_reg', src: parseSubfield(arg) }
        : { type: 'output', port: parsePort(arg) };
    case 'CONTROLLER':
    case 'controller':
      // 65535 ("send the whole packet") is the default and is left out, as the decoder does.
      return arg && Number(arg) !== 0xffff ? { type: 'controller', maxLen: Number(arg) } : { type: 'controller' };
    case 'group':
      return { type: 'group', groupId: Number(arg) };
    case 'set_field':
    case 'load': {
      const i = arg.lastIndexOf('->');
      if (i < 0) throw new FlowSyntaxError('missing ->', t);
      const dstText = arg.slice(i + 2);
      if (name === 'load') return load(parseSubfield(dstText), parseNumber(arg.slice(0, i)));
      const d = fieldByName(dstText);
      if (!d) throw new FlowSyntaxError(`unknown field ${dstText}`, t);
      const { value, mask } = parseFieldValue(d, arg.slice(0, i));
      return mask === undefined || mask === ones(fieldBits(d))
        ? { type: 'set_field', field: d.name, value }
        : { type: 'set_field', field: d.name, value, mask };
    }
    case 'move': {
      const [src, dst] = arg.split('->') as [string, string | undefined];
      if (!dst) throw new FlowSyntaxError('missing ->', t);
      return { type: 'move', src: parseSubfield(src), dst: parseSubfield(dst) };
    }
    case 'push':
    case 'pop':
      return { type: name, field: parseSubfield(arg) };
    case 'resubmit':
      return { type: 'resubmit', port: parsePort(arg) };
    case 'goto_table':
      return { type: 'goto_table', table: Number(arg) };
    case 'write_metadata': {
      const { value, mask } = parseNumberMasked(arg);
      return mask === undefined ? { type: 'write_metadata', value } : { type: 'write_metadata', value, mask };
    }
    case 'meter':
      return { type: 'meter', meterId: Number(arg) };
    case 'note':
      return { type: 'note', data: parseHexBytes(arg) };
    case 'push_vlan':
      return { type: 'push_vlan', ethertype: Number(parseNumber(arg)) };
    case 'pop_vlan':
    case 'strip_vlan':
      return { type: 'pop_vlan' };
    case 'ct_clear':
      return { type: 'ct_clear' };
    case 'dec_ttl':
      return { type: 'dec_ttl' };
    case 'exit':
      return { type: 'exit' };
    case 'clear_actions':
      return { type: 'clear_actions' };
    case 'ct':
      return { type: 'ct' };
  }
  if (colon < 0 && /^[A-Z_]+$|^\d+$/.test(t)) {
    const port = parsePort(t);
    return port === OFPP.CONTROLLER ? { type: 'controller' } : { type: 'output', port };
  }
  throw new FlowSyntaxError(`unknown action ${t}`, t);
}

export function parseActions(text: string): Action[] {
  return typed(text, () => parseActionsUnchecked(text));
}

function parseActionsUnchecked(text: string): Action[] {
  const t = text.trim();
  if (t === 'drop' || t === '') return [];
  return splitTop(t, ',').map(parseAction);
}

/** Value-level helpers throw plain errors; callers of the parser get FlowSyntaxError only. */
function typed<T>(text: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof FlowSyntaxError) throw e;
    throw new FlowSyntaxError((e as Error).message, text);
  }
}

/** Parses one flow in ovs-ofctl syntax (dump-flows output, stats columns optional). */
export function parseFlow(text: string): Flow {
  return typed(text, () => parseFlowUnchecked(text));
}

function parseFlowUnchecked(text: string): Flow {
  const t = text.trim();
  const ai = t.search(/(^|[\s,])actions=/);
  if (ai < 0) throw new FlowSyntaxError('missing actions=', t);
  const head = t.slice(0, ai);
  const actionsText = t.slice(t.indexOf('actions=', ai) + 8);
  let table = 0;
  let cookie: bigint | undefined;
  let idleTimeout: number | undefined;
  let hardTimeout: number | undefined;
  let importance: number | undefined;
  const flags: FlowModFlag[] = [];
  const matchItems: string[] = [];
  for (const it of head.split(/[\s,]+/).filter(Boolean)) {
    const [k, v = ''] = [it.slice(0, it.includes('=') ? it.indexOf('=') : it.length), it.slice(it.indexOf('=') + 1)];
    if (k === 'table') table = Number(v);
    else if (k === 'cookie') cookie = parseNumber(v.split('/')[0]!);
    else if (k === 'idle_timeout') idleTimeout = Number(v);
    else if (k === 'hard_timeout') hardTimeout = Number(v);
    else if (k === 'importance') importance = Number(v);
    else if (['duration', 'n_packets', 'n_bytes', 'idle_age', 'hard_age'].includes(k)) continue;
    else if ((FLOW_FLAGS as readonly string[]).includes(it)) flags.push(it as FlowModFlag);
    else matchItems.push(it);
  }
  const { entries, priority } = parseMatchItems(matchItems);
  return {
    table,
    priority: priority ?? DEFAULT_PRIORITY,
    ...(cookie ? { cookie } : {}),
    match: entries,
    actions: parseActionsUnchecked(actionsText),
    ...(idleTimeout ? { idleTimeout } : {}),
    ...(hardTimeout ? { hardTimeout } : {}),
    ...(importance ? { importance } : {}),
    ...(flags.length ? { flags } : {}),
  };
}
