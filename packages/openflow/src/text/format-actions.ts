// Renders actions exactly as ovs-ofctl prints them (OpenFlow 1.5 dumps: loads appear as masked set_field).
import type { Action, CtAction, LearnAction, NatRange } from '../model/actions.js';
import { OFPP } from '../model/actions.js';
import { field, fieldBits, type FieldName } from '../model/fields.js';
import { ones, type Subfield } from '../model/match.js';
import {
  CT_STATE_BITS,
  TCP_FLAG_BITS,
  formatFlags,
  formatHexBytes,
  formatIpv4,
  formatIpv4Masked,
  formatIpv6,
  formatIpv6Masked,
  formatMacMasked,
  formatPort,
  hex,
} from './values.js';

export function formatSubfield(sf: Subfield, tlvBytes = 4): string {
  const d = field(sf.field);
  // in_port is referenced as the 16-bit NXM_OF_IN_PORT in subfield syntax.
  const bits = sf.field === 'in_port' ? 16 : fieldBits(d, tlvBytes);
  if (sf.start === 0 && sf.nBits === bits) return `${d.nxmName}[]`;
  if (sf.nBits === 1) return `${d.nxmName}[${sf.start}]`;
  return `${d.nxmName}[${sf.start}..${sf.start + sf.nBits - 1}]`;
}

/** A field value the way set_field / learn print it (mf_format). */
export function formatFieldValue(name: FieldName, value: bigint, mask?: bigint, tlvBytes = 4): string {
  const d = field(name);
  const full = ones(fieldBits(d, tlvBytes));
  const m = mask === undefined || (mask & full) === full ? undefined : mask;
  if (m === 0n) return 'ANY';
  switch (d.format) {
    case 'ipv4':
      return formatIpv4Masked(value, m ?? 0xffffffffn);
    case 'ipv6':
      return formatIpv6Masked(value, m);
    case 'mac':
      return formatMacMasked(value, m);
    case 'ct_state':
      return formatFlags(CT_STATE_BITS, value, m, 0xffffffffn);
    case 'tcp_flags':
      return formatFlags(TCP_FLAG_BITS, value, m, 0xffffn);
    case 'port':
      if (m === undefined) return formatPort(Number(value));
      return `${value}/${hex(m)}`;
    case 'dec':
      return m === undefined ? String(value) : `${value}/${hex(m)}`;
    default:
      return m === undefined ? hex(value) : `${hex(value)}/${hex(m)}`;
  }
}

function formatNat(n: CtAction['nat']): string {
  if (!n || n.kind === undefined) return 'nat';
  const r = n as NatRange;
  let s = `nat(${r.kind}`;
  if (r.ipMin !== undefined) {
    const ip = (v: bigint) => (r.ipv6 ? (r.portMin ? `[${formatIpv6(v)}]` : formatIpv6(v)) : formatIpv4(v));
    s += `=${ip(r.ipMin)}`;
    if (r.ipMax !== undefined && r.ipMax !== 0n && r.ipMax !== r.ipMin) s += `-${ip(r.ipMax)}`;
    if (r.portMin) {
      s += `:${r.portMin}`;
      if (r.portMax && r.portMax !== r.portMin) s += `-${r.portMax}`;
    }
    if (r.persistent) s += ',persistent';
    if (r.hash) s += ',hash';
    if (r.random) s += ',random';
  }
  return s + ')';
}

function formatCt(a: CtAction): string {
  const parts: string[] = [];
  if (a.commit) parts.push('commit');
  if (a.force) parts.push('force');
  if (a.table !== undefined && a.table !== 255) parts.push(`table=${a.table}`);
  if (typeof a.zone === 'object') parts.push(`zone=${formatSubfield(a.zone)}`);
  else if (a.zone) parts.push(`zone=${a.zone}`);
  if (a.nat) parts.push(formatNat(a.nat));
  if (a.exec && a.exec.length) parts.push(`exec(${formatActions(a.exec)})`);
  if (a.alg === 21) parts.push('alg=ftp');
  else if (a.alg === 69) parts.push('alg=tftp');
  else if (a.alg) parts.push(`alg=${a.alg}`);
  return `ct(${parts.join(',')})`;
}

function formatLearn(a: LearnAction): string {
  let s = `learn(table=${a.table}`;
  if (a.idleTimeout !== undefined && a.idleTimeout !== 0) s += `,idle_timeout=${a.idleTimeout}`;
  if (a.hardTimeout !== undefined && a.hardTimeout !== 0) s += `,hard_timeout=${a.hardTimeout}`;
  if (a.finIdleTimeout) s += `,fin_idle_timeout=${a.finIdleTimeout}`;
  if (a.finHardTimeout) s += `,fin_hard_timeout=${a.finHardTimeout}`;
  if (a.priority !== undefined && a.priority !== 32768) s += `,priority=${a.priority}`;
  if (a.sendFlowRem) s += ',send_flow_rem';
  if (a.deleteLearned) s += ',delete_learned';
  if (a.cookie) s += `,cookie=${hex(a.cookie)}`;
  for (const spec of a.specs) {
    s += ',';
    if (spec.type === 'output') s += `output:${formatSubfield(spec.src)}`;
    else if (spec.type === 'load')
      s += `load:${'src' in spec ? formatSubfield(spec.src) : hex(spec.value)}->${formatSubfield(spec.dst)}`;
    else if ('src' in spec) {
      s += formatSubfield(spec.dst);
      if (spec.src.field !== spec.dst.field || spec.src.start !== spec.dst.start) s += `=${formatSubfield(spec.src)}`;
    } else {
      const d = field(spec.dst.field);
      if (spec.dst.start === 0 && spec.dst.nBits === fieldBits(d))
        s += `${d.name}=${formatFieldValue(d.name, spec.value)}`;
      else s += `${formatSubfield(spec.dst)}=${hex(spec.value)}`;
    }
  }
  return s + ')';
}

export function formatAction(a: Action): string {
  switch (a.type) {
    case 'output':
      if (a.port === OFPP.CONTROLLER) return `CONTROLLER:${a.maxLen ?? 65535}`;
      if (a.maxLen !== undefined && a.port < OFPP.MAX) return `output(port=${a.port},max_len=${a.maxLen})`;
      return a.port < OFPP.MAX ? `output:${a.port}` : formatPort(a.port);
    case 'output_reg':
      return a.maxLen !== undefined && a.maxLen !== 0xffff
        ? `output(port=${formatSubfield(a.src)},max_len=${a.maxLen})`
        : `output:${formatSubfield(a.src)}`;
    case 'group':
      return `group:${a.groupId}`;
    case 'set_field':
      return `set_field:${formatFieldValue(a.field, a.value, a.mask)}->${a.field}`;
    case 'move':
      return `move:${formatSubfield(a.src)}->${formatSubfield(a.dst)}`;
    case 'push':
    case 'pop':
      return `${a.type}:${formatSubfield(a.field)}`;
    case 'resubmit': {
      const port = a.port ?? OFPP.IN_PORT;
      const table = a.table ?? 255;
      if (port !== OFPP.IN_PORT && table === 255 && !a.ct) return `resubmit:${formatPort(port)}`;
      return `resubmit(${port === OFPP.IN_PORT ? '' : formatPort(port)},${table === 255 ? '' : table}${a.ct ? ',ct' : ''})`;
    }
    case 'ct':
      return formatCt(a);
    case 'ct_clear':
      return 'ct_clear';
    case 'controller': {
      const reason = a.reason ?? 'action';
      const maxLen = a.maxLen ?? 0xffff;
      const meter = a.meterId;
      if (reason === 'action' && !a.controllerId && !a.userdata?.length && !a.pause && meter === undefined)
        return `CONTROLLER:${maxLen}`;
      const p: string[] = [];
      if (reason !== 'action') p.push(`reason=${reason}`);
      if (maxLen !== 0xffff) p.push(`max_len=${maxLen}`);
      if (a.controllerId) p.push(`id=${a.controllerId}`);
      if (a.userdata?.length) p.push(`userdata=${formatHexBytes(a.userdata)}`);
      if (a.pause) p.push('pause');
      if (meter !== undefined) p.push(`meter_id=${meter}`);
      return `controller(${p.join(',')})`;
    }
    case 'learn':
      return formatLearn(a);
    case 'conjunction':
      return `conjunction(${a.id},${a.clause}/${a.nClauses})`;
    case 'clone':
      return `clone(${formatActions(a.actions)})`;
    case 'dec_ttl':
      return a.controllerIds && !(a.controllerIds.length === 1 && a.controllerIds[0] === 0)
        ? `dec_ttl(${a.controllerIds.join(',')})`
        : 'dec_ttl';
    case 'push_vlan':
      return `push_vlan:0x${a.ethertype.toString(16)}`;
    case 'pop_vlan':
      return 'pop_vlan';
    case 'note': {
      // The switch hands notes back zero-padded to the 8-byte action boundary (10-byte header, ≥16 total);
      // print them padded so a desired flow and its dump render the same.
      const padded = Math.max(16, Math.ceil((10 + a.data.length) / 8) * 8) - 10;
      const data =
        a.data.length >= padded ? a.data : Uint8Array.from([...a.data, ...new Uint8Array(padded - a.data.length)]);
      return `note:${formatHexBytes(data)}`;
    }
    case 'check_pkt_larger':
      return `check_pkt_larger(${a.len})->${formatSubfield(a.dst)}`;
    case 'meter':
      return `meter:${a.meterId}`;
    case 'exit':
      return 'exit';
    case 'sample':
      return `sample(probability=${a.probability},collector_set_id=${a.collectorSetId},obs_domain_id=${a.obsDomainId},obs_point_id=${a.obsPointId})`;
    case 'bundle':
      return `bundle(${a.fields},${a.basis},${a.algorithm},ofport,members:${a.members.map(formatPort).join(',')})`;
    case 'write_metadata':
      return a.mask === undefined || a.mask === ones(64)
        ? `write_metadata:${hex(a.value)}`
        : `write_metadata:${hex(a.value)}/${hex(a.mask)}`;
    case 'goto_table':
      return `goto_table:${a.table}`;
    case 'clear_actions':
      return 'clear_actions';
    case 'write_actions':
      return `write_actions(${formatActions(a.actions)})`;
  }
}

/** The action list; empty means drop. */
export function formatActions(actions: readonly Action[]): string {
  return actions.length === 0 ? 'drop' : actions.map(formatAction).join(',');
}
