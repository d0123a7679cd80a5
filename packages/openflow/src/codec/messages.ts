// OpenFlow 1.5 messages (+ the Nicira vendor messages OVN needs): a typed union, `encodeMessage` and
// `decodeMessage`. Pure functions over Buffers; framing of a byte stream is in frames.ts.
import type { Action, PacketInReason } from '../model/actions.js';
import type { Flow, FlowModFlag, Group, GroupType, Meter, MeterFlag, TlvMapping } from '../model/flow.js';
import { NX_EXP, type FieldName } from '../model/fields.js';
import { ones, type MatchEntry } from '../model/match.js';
import { OfDecodeError, Reader, Writer } from './buffer.js';
import {
  PACKET_IN_REASONS,
  decodeActionList,
  decodeInstructions,
  encodeActions,
  encodeInstructions,
} from './actions.js';
import {
  BUNDLE_CTRL_TYPES,
  FLOW_MOD_COMMANDS,
  NO_BUFFER,
  NXT,
  OFP15_VERSION,
  OFPG,
  OFPMP,
  OFPT,
  type BundleCtrlType,
  type FlowModCommand,
} from './constants.js';
import { OFPET_EXPERIMENTER, errorName } from './errors.js';
import { decodeEntry, decodeMatch, encodeEntry, encodeMatch, putHeader, readHeader, type CodecOptions } from './oxm.js';
import { field } from '../model/fields.js';

export interface FlowStats {
  readonly flow: Flow;
  readonly durationSec: number;
  readonly packetCount: bigint;
  readonly byteCount: bigint;
}

export interface PortDesc {
  readonly portNo: number;
  readonly hwAddr: bigint;
  readonly name: string;
  readonly config: number;
  readonly state: number;
}

export type MultipartRequest =
  | {
      readonly kind: 'flow_desc';
      readonly table?: number;
      readonly outPort?: number;
      readonly outGroup?: number;
      readonly cookie?: bigint;
      readonly cookieMask?: bigint;
      readonly match?: readonly MatchEntry[];
    }
  | { readonly kind: 'group_desc'; readonly groupId?: number }
  | { readonly kind: 'meter_desc'; readonly meterId?: number }
  | { readonly kind: 'port_desc' }
  | { readonly kind: 'raw'; readonly mpType: number; readonly body: Buffer };

export type MultipartReply =
  | { readonly kind: 'flow_desc'; readonly flows: readonly FlowStats[] }
  | { readonly kind: 'group_desc'; readonly groups: readonly Group[] }
  | { readonly kind: 'meter_desc'; readonly meters: readonly Meter[] }
  | { readonly kind: 'port_desc'; readonly ports: readonly PortDesc[] }
  | { readonly kind: 'raw'; readonly mpType: number; readonly body: Buffer };

export interface PacketIn2 {
  readonly type: 'packet_in2';
  readonly packet: Buffer;
  readonly fullLen?: number;
  readonly tableId?: number;
  readonly cookie?: bigint;
  readonly reason?: PacketInReason;
  /** Pipeline metadata (in_port, regs, metadata, ct_*…) at the controller action. */
  readonly metadata: readonly MatchEntry[];
  readonly userdata?: Buffer;
  /** Opaque switch state for NXT_RESUME (present when the action had `pause`). */
  readonly continuation?: Buffer;
}

export type OfMessage =
  | { readonly type: 'hello'; readonly versions: readonly number[] }
  | {
      readonly type: 'error';
      readonly errType: number;
      readonly code: number;
      readonly experimenter?: number;
      readonly name: string;
      readonly data: Buffer;
    }
  | { readonly type: 'echo_request'; readonly data: Buffer }
  | { readonly type: 'echo_reply'; readonly data: Buffer }
  | { readonly type: 'features_request' }
  | {
      readonly type: 'features_reply';
      readonly datapathId: bigint;
      readonly nBuffers: number;
      readonly nTables: number;
      readonly auxiliaryId: number;
      readonly capabilities: number;
    }
  | { readonly type: 'get_config_request' }
  | { readonly type: 'get_config_reply' | 'set_config'; readonly flags: number; readonly missSendLen: number }
  | {
      readonly type: 'flow_mod';
      readonly command: FlowModCommand;
      readonly flow: Flow;
      readonly cookieMask?: bigint;
      readonly outPort?: number;
      readonly outGroup?: number;
    }
  | { readonly type: 'group_mod'; readonly command: 'add' | 'modify' | 'delete'; readonly group: Group }
  | { readonly type: 'meter_mod'; readonly command: 'add' | 'modify' | 'delete'; readonly meter: Meter }
  | { readonly type: 'multipart_request'; readonly flags: number; readonly body: MultipartRequest }
  | { readonly type: 'multipart_reply'; readonly flags: number; readonly body: MultipartReply }
  | { readonly type: 'barrier_request' }
  | { readonly type: 'barrier_reply' }
  | {
      readonly type: 'role_request' | 'role_reply';
      readonly role: 'nochange' | 'equal' | 'master' | 'slave';
      readonly generationId: bigint;
    }
  | {
      readonly type: 'bundle_control';
      readonly bundleId: number;
      readonly ctrl: BundleCtrlType;
      readonly atomic: boolean;
      readonly ordered: boolean;
    }
  | {
      readonly type: 'bundle_add';
      readonly bundleId: number;
      readonly atomic: boolean;
      readonly ordered: boolean;
      readonly xid: number;
      readonly message: OfMessage;
    }
  | PacketIn2
  | {
      readonly type: 'packet_out';
      readonly inPort: number;
      readonly actions: readonly Action[];
      readonly packet: Buffer;
      readonly metadata?: readonly MatchEntry[];
    }
  | {
      readonly type: 'resume';
      readonly packet: Buffer;
      readonly metadata: readonly MatchEntry[];
      readonly continuation: Buffer;
    }
  | {
      readonly type: 'tlv_table_mod';
      readonly command: 'add' | 'delete' | 'clear';
      readonly mappings: readonly TlvMapping[];
    }
  | { readonly type: 'tlv_table_request' }
  | {
      readonly type: 'tlv_table_reply';
      readonly maxOptionSpace: number;
      readonly maxFields: number;
      readonly mappings: readonly TlvMapping[];
    }
  | { readonly type: 'set_packet_in_format'; readonly format: 'standard' | 'nxt_packet_in' | 'nxt_packet_in2' }
  | { readonly type: 'set_controller_id'; readonly controllerId: number }
  | { readonly type: 'unknown'; readonly msgType: number; readonly subtype?: number; readonly body: Buffer };

export type OfMessageType = OfMessage['type'];

const FLAG_BITS: readonly FlowModFlag[] = [
  'send_flow_rem',
  'check_overlap',
  'reset_counts',
  'no_packet_counts',
  'no_byte_counts',
];
const GROUP_TYPES: readonly GroupType[] = ['all', 'select', 'indirect', 'ff'];
const METER_FLAGS: readonly MeterFlag[] = ['kbps', 'pktps', 'burst', 'stats'];
const ROLES = ['nochange', 'equal', 'master', 'slave'] as const;
const PIN_FORMATS = ['standard', 'nxt_packet_in', 'nxt_packet_in2'] as const;
const NXPINT = {
  PACKET: 0,
  FULL_LEN: 1,
  BUFFER_ID: 2,
  TABLE_ID: 3,
  COOKIE: 4,
  REASON: 5,
  METADATA: 6,
  USERDATA: 7,
  CONTINUATION: 8,
} as const;
const NTR_VENDOR_ID = 0x0000154d;
const NTR_COMPAT_VENDOR_ID = 0x00001540;
const NTRT_SELECTION_METHOD = 1;
const OFPGBPT = { WEIGHT: 0, WATCH_PORT: 1, WATCH_GROUP: 2 } as const;

const flagsToBits = (flags: readonly string[] | undefined, names: readonly string[]) =>
  (flags ?? []).reduce((v, f) => v | (1 << names.indexOf(f)), 0);
const bitsToFlags = <T extends string>(bits: number, names: readonly T[]): T[] =>
  names.filter((_, i) => bits & (1 << i));

function putProp(w: Writer, type: number, body: (w: Writer) => void): void {
  const start = w.length;
  w.u16(type).u16(0);
  body(w);
  w.setU16(start + 2, w.length - start);
  w.pad(8, start);
}

function* props(r: Reader): Generator<{ type: number; body: Reader }> {
  while (r.remaining >= 4) {
    const type = r.u16('property type');
    const len = r.u16('property length');
    if (len < 4) throw new OfDecodeError('bad_length', `property length ${len}`);
    const body = r.sub(len - 4, 'property');
    r.skip(Math.min(r.remaining, ((len + 7) & ~7) - len));
    yield { type, body };
  }
}

function rawEntries(r: Reader): MatchEntry[] {
  const out: MatchEntry[] = [];
  while (r.remaining > 0) out.push(decodeEntry(r));
  return out;
}

// ---- encoding ----

function encodeFlowMod(w: Writer, m: Extract<OfMessage, { type: 'flow_mod' }>, opts: CodecOptions): void {
  const f = m.flow;
  const isDelete = m.command === 'delete' || m.command === 'delete_strict';
  w.u64(f.cookie ?? 0n).u64(m.cookieMask ?? 0n);
  w.u8(f.table).u8(FLOW_MOD_COMMANDS.indexOf(m.command));
  w.u16(f.idleTimeout ?? 0)
    .u16(f.hardTimeout ?? 0)
    .u16(f.priority);
  w.u32(NO_BUFFER)
    .u32(m.outPort ?? (isDelete ? 0xffffffff : 0))
    .u32(m.outGroup ?? (isDelete ? OFPG.ANY : 0));
  w.u16(flagsToBits(f.flags, FLAG_BITS)).u16(f.importance ?? 0);
  encodeMatch(w, f.match, opts);
  if (!isDelete) encodeInstructions(w, f.actions, opts);
}

function encodeBucket(w: Writer, b: Group['buckets'][number], i: number, opts: CodecOptions): void {
  const start = w.length;
  w.u16(0)
    .u16(0)
    .u32(b.bucketId ?? i);
  encodeActions(w, b.actions, opts);
  w.setU16(start + 2, w.length - start - 8);
  if (b.weight !== undefined) putProp(w, OFPGBPT.WEIGHT, (x) => x.u16(b.weight!).zeros(2));
  if (b.watchPort !== undefined) putProp(w, OFPGBPT.WATCH_PORT, (x) => x.u32(b.watchPort!));
  if (b.watchGroup !== undefined) putProp(w, OFPGBPT.WATCH_GROUP, (x) => x.u32(b.watchGroup!));
  w.setU16(start, w.length - start);
}

function encodeSelectionMethod(w: Writer, g: Group): void {
  if (!g.selectionMethod) return;
  const start = w.length;
  w.u16(0xffff).u16(0).u32(NTR_VENDOR_ID).u32(NTRT_SELECTION_METHOD).zeros(4);
  const name = Buffer.alloc(16);
  name.write(g.selectionMethod, 'ascii');
  w.bytes(name).u64(g.selectionMethodParam ?? 0n);
  // The field array holds OXM entries whose value is the hash mask; all-ones = the whole field.
  for (const f of g.fields ?? []) encodeEntry(w, { field: f, value: ones(field(f).bits) });
  w.setU16(start + 2, w.length - start);
  w.pad(8, start);
}

function encodeGroupBody(w: Writer, g: Group, opts: CodecOptions): number {
  const start = w.length;
  g.buckets.forEach((b, i) => encodeBucket(w, b, i, opts));
  const len = w.length - start;
  encodeSelectionMethod(w, g);
  return len;
}

function encodeMeterBands(w: Writer, m: Meter): void {
  for (const b of m.bands)
    w.u16(1)
      .u16(16)
      .u32(b.rate)
      .u32(b.burstSize ?? 0)
      .zeros(4);
}

function encodeMultipartRequest(w: Writer, b: MultipartRequest, opts: CodecOptions): void {
  switch (b.kind) {
    case 'flow_desc':
      w.u16(OFPMP.FLOW_DESC).u16(0).zeros(4);
      w.u8(b.table ?? 0xff)
        .zeros(3)
        .u32(b.outPort ?? 0xffffffff)
        .u32(b.outGroup ?? OFPG.ANY)
        .zeros(4);
      w.u64(b.cookie ?? 0n).u64(b.cookieMask ?? 0n);
      encodeMatch(w, b.match ?? [], opts);
      return;
    case 'group_desc':
      w.u16(OFPMP.GROUP_DESC)
        .u16(0)
        .zeros(4)
        .u32(b.groupId ?? OFPG.ALL)
        .zeros(4);
      return;
    case 'meter_desc':
      w.u16(OFPMP.METER_DESC)
        .u16(0)
        .zeros(4)
        .u32(b.meterId ?? 0xffffffff)
        .zeros(4);
      return;
    case 'port_desc':
      w.u16(OFPMP.PORT_DESC).u16(0).zeros(4).u32(0xffffffff).zeros(4);
      return;
    case 'raw':
      w.u16(b.mpType).u16(0).zeros(4).bytes(b.body);
      return;
  }
}

function encodeBody(w: Writer, m: OfMessage, opts: CodecOptions): number {
  const nx = (subtype: number) => {
    w.u32(NX_EXP).u32(subtype);
    return OFPT.EXPERIMENTER;
  };
  switch (m.type) {
    case 'hello': {
      const bitmap = m.versions.reduce((v, x) => v | (1 << x), 0);
      w.u16(1)
        .u16(8)
        .u32(bitmap >>> 0);
      return OFPT.HELLO;
    }
    case 'error':
      w.u16(m.errType).u16(m.code);
      if (m.errType === OFPET_EXPERIMENTER) w.u32(m.experimenter ?? 0);
      w.bytes(m.data);
      return OFPT.ERROR;
    case 'echo_request':
      w.bytes(m.data);
      return OFPT.ECHO_REQUEST;
    case 'echo_reply':
      w.bytes(m.data);
      return OFPT.ECHO_REPLY;
    case 'features_request':
      return OFPT.FEATURES_REQUEST;
    case 'features_reply':
      w.u64(m.datapathId).u32(m.nBuffers).u8(m.nTables).u8(m.auxiliaryId).zeros(2).u32(m.capabilities).zeros(4);
      return OFPT.FEATURES_REPLY;
    case 'get_config_request':
      return OFPT.GET_CONFIG_REQUEST;
    case 'get_config_reply':
    case 'set_config':
      w.u16(m.flags).u16(m.missSendLen);
      return m.type === 'set_config' ? OFPT.SET_CONFIG : OFPT.GET_CONFIG_REPLY;
    case 'flow_mod':
      encodeFlowMod(w, m, opts);
      return OFPT.FLOW_MOD;
    case 'group_mod': {
      const g = m.group;
      const start = w.length;
      w.u16(['add', 'modify', 'delete'].indexOf(m.command)).u8(GROUP_TYPES.indexOf(g.type)).u8(0).u32(g.groupId);
      w.u16(0).zeros(2).u32(0xffffffff);
      const len = m.command === 'delete' ? 0 : encodeGroupBody(w, g, opts);
      w.setU16(start + 8, len);
      return OFPT.GROUP_MOD;
    }
    case 'meter_mod':
      w.u16(['add', 'modify', 'delete'].indexOf(m.command))
        .u16(flagsToBits(m.meter.flags, METER_FLAGS))
        .u32(m.meter.meterId);
      if (m.command !== 'delete') encodeMeterBands(w, m.meter);
      return OFPT.METER_MOD;
    case 'multipart_request':
      encodeMultipartRequest(w, m.body, opts);
      return OFPT.MULTIPART_REQUEST;
    case 'multipart_reply':
      if (m.body.kind !== 'raw') throw new RangeError('encoding multipart replies other than raw is not supported');
      w.u16(m.body.mpType).u16(m.flags).zeros(4).bytes(m.body.body);
      return OFPT.MULTIPART_REPLY;
    case 'barrier_request':
      return OFPT.BARRIER_REQUEST;
    case 'barrier_reply':
      return OFPT.BARRIER_REPLY;
    case 'role_request':
    case 'role_reply':
      w.u32(ROLES.indexOf(m.role)).zeros(4).u64(m.generationId);
      return m.type === 'role_request' ? OFPT.ROLE_REQUEST : OFPT.ROLE_REPLY;
    case 'bundle_control':
      w.u32(m.bundleId)
        .u16(BUNDLE_CTRL_TYPES.indexOf(m.ctrl))
        .u16((m.atomic ? 1 : 0) | (m.ordered ? 2 : 0));
      return OFPT.BUNDLE_CONTROL;
    case 'bundle_add': {
      const start = w.length - 8; // the header
      w.u32(m.bundleId)
        .zeros(2)
        .u16((m.atomic ? 1 : 0) | (m.ordered ? 2 : 0));
      encodeMessageInto(w, m.message, m.xid, opts);
      w.pad(8, start);
      return OFPT.BUNDLE_ADD_MESSAGE;
    }
    case 'packet_out': {
      const start = w.length;
      w.u32(NO_BUFFER).u16(0).zeros(2);
      encodeMatch(w, [{ field: 'in_port', value: BigInt(m.inPort) }, ...(m.metadata ?? [])], opts);
      const as = w.length;
      encodeActions(w, m.actions, opts);
      w.setU16(start + 4, w.length - as);
      w.bytes(m.packet);
      return OFPT.PACKET_OUT;
    }
    case 'resume':
    case 'packet_in2': {
      const t = nx(m.type === 'resume' ? NXT.RESUME : NXT.PACKET_IN2);
      putProp(w, NXPINT.PACKET, (x) => x.bytes(m.packet));
      if (m.type === 'packet_in2') {
        if (m.fullLen !== undefined) putProp(w, NXPINT.FULL_LEN, (x) => x.u32(m.fullLen!));
        if (m.tableId !== undefined) putProp(w, NXPINT.TABLE_ID, (x) => x.u8(m.tableId!));
        if (m.cookie !== undefined) putProp(w, NXPINT.COOKIE, (x) => x.zeros(4).u64(m.cookie!));
        if (m.reason !== undefined) putProp(w, NXPINT.REASON, (x) => x.u8(PACKET_IN_REASONS.indexOf(m.reason!)));
        if (m.userdata) putProp(w, NXPINT.USERDATA, (x) => x.bytes(m.userdata!));
      }
      putProp(w, NXPINT.METADATA, (x) => m.metadata.forEach((e) => encodeEntry(x, e, opts)));
      if (m.continuation) putProp(w, NXPINT.CONTINUATION, (x) => x.bytes(m.continuation!));
      return t;
    }
    case 'tlv_table_mod': {
      const t = nx(NXT.TLV_TABLE_MOD);
      w.u16(['add', 'delete', 'clear'].indexOf(m.command)).zeros(6);
      for (const x of m.mappings) w.u16(x.optClass).u8(x.optType).u8(x.optLen).u16(x.index).zeros(2);
      return t;
    }
    case 'tlv_table_request':
      return nx(NXT.TLV_TABLE_REQUEST);
    case 'tlv_table_reply': {
      const t = nx(NXT.TLV_TABLE_REPLY);
      w.u32(m.maxOptionSpace).u16(m.maxFields).zeros(10);
      for (const x of m.mappings) w.u16(x.optClass).u8(x.optType).u8(x.optLen).u16(x.index).zeros(2);
      return t;
    }
    case 'set_packet_in_format': {
      const t = nx(NXT.SET_PACKET_IN_FORMAT);
      w.u32(PIN_FORMATS.indexOf(m.format));
      return t;
    }
    case 'set_controller_id': {
      const t = nx(NXT.SET_CONTROLLER_ID);
      w.zeros(6).u16(m.controllerId);
      return t;
    }
    case 'unknown':
      if (m.subtype !== undefined) w.u32(NX_EXP).u32(m.subtype);
      w.bytes(m.body);
      return m.msgType;
  }
}

/** One complete OpenFlow 1.5 message with header. */
export function encodeMessage(m: OfMessage, xid: number, opts: CodecOptions = {}): Buffer {
  const w = new Writer(m.type === 'flow_mod' ? 256 : 64);
  encodeMessageInto(w, m, xid, opts);
  return w.finish();
}

/**
 * Appends one complete message to `w` (many messages into one buffer: no per-message buffer, no copy
 * of an embedded message).
 */
export function encodeMessageInto(w: Writer, m: OfMessage, xid: number, opts: CodecOptions = {}): void {
  const start = w.length;
  w.u8(OFP15_VERSION).u8(0).u16(0).u32(xid);
  const type = encodeBody(w, m, opts);
  const len = w.length - start;
  if (len > 0xffff) throw new RangeError(`message too long (${len} bytes)`);
  w.setU8(start + 1, type);
  w.setU16(start + 2, len);
}

// ---- decoding ----

function decodeFlowDesc(r: Reader): FlowStats[] {
  const out: FlowStats[] = [];
  while (r.remaining > 0) {
    const len = r.u16('flow desc length');
    if (len < 32) throw new OfDecodeError('bad_length', `flow desc length ${len}`);
    const b = r.sub(len - 2, 'flow desc');
    b.skip(2);
    const table = b.u8();
    b.skip(1);
    const priority = b.u16();
    const idle = b.u16();
    const hard = b.u16();
    const flags = b.u16();
    const importance = b.u16();
    const cookie = b.u64();
    const match = decodeMatch(b);
    // OXS statistics block.
    b.skip(2);
    const slen = b.u16('oxs length');
    if (slen < 4) throw new OfDecodeError('bad_length', 'oxs length');
    const stats = b.sub(slen - 4, 'oxs');
    b.skip(((slen + 7) & ~7) - slen);
    let durationSec = 0;
    let packetCount = 0n;
    let byteCount = 0n;
    while (stats.remaining > 0) {
      stats.u16();
      const fm = stats.u8();
      const l = stats.u8();
      const v = stats.uint(l);
      const fld = fm >> 1;
      if (fld === 0) durationSec = Number(v >> 32n);
      else if (fld === 3) packetCount = v;
      else if (fld === 4) byteCount = v;
    }
    const actions = decodeInstructions(b);
    const flow: Flow = {
      table,
      priority,
      ...(cookie ? { cookie } : {}),
      match,
      actions,
      ...(idle ? { idleTimeout: idle } : {}),
      ...(hard ? { hardTimeout: hard } : {}),
      ...(importance ? { importance } : {}),
      ...(flags ? { flags: bitsToFlags(flags, FLAG_BITS) } : {}),
    };
    out.push({ flow, durationSec, packetCount, byteCount });
  }
  return out;
}

function decodeBuckets(r: Reader, gtype: GroupType): Group['buckets'][number][] {
  const out: Group['buckets'][number][] = [];
  while (r.remaining > 0) {
    const len = r.u16('bucket length');
    const alen = r.u16('bucket actions length');
    if (len < 8 || alen > len - 8) throw new OfDecodeError('bad_length', `bucket length ${len}`);
    const b = r.sub(len - 4, 'bucket');
    const bucketId = b.u32();
    const actions = decodeActionList(b.sub(alen, 'bucket actions'));
    const bucket: { -readonly [K in keyof Group['buckets'][number]]: Group['buckets'][number][K] } = {
      bucketId,
      actions,
    };
    for (const p of props(b)) {
      // Defaults (weight 1 for select else 0, watch ANY) are left out so decoded groups equal what was sent.
      if (p.type === OFPGBPT.WEIGHT) {
        const w = p.body.u16();
        if (w !== (gtype === 'select' ? 1 : 0)) bucket.weight = w;
      } else if (p.type === OFPGBPT.WATCH_PORT) {
        const x = p.body.u32();
        if (x !== 0xffffffff) bucket.watchPort = x;
      } else if (p.type === OFPGBPT.WATCH_GROUP) {
        const x = p.body.u32();
        if (x !== 0xffffffff) bucket.watchGroup = x;
      }
    }
    out.push(bucket);
  }
  return out;
}

function decodeGroupProps(r: Reader): Pick<Group, 'selectionMethod' | 'selectionMethodParam' | 'fields'> {
  let out: Pick<Group, 'selectionMethod' | 'selectionMethodParam' | 'fields'> = {};
  for (const p of props(r)) {
    if (p.type !== 0xffff) continue;
    const exp = p.body.u32();
    const expType = p.body.u32();
    if ((exp !== NTR_VENDOR_ID && exp !== NTR_COMPAT_VENDOR_ID) || expType !== NTRT_SELECTION_METHOD) continue;
    p.body.skip(4);
    const name = p.body.bytes(16).toString('ascii').replace(/\0.*$/s, '');
    if (name !== 'dp_hash' && name !== 'hash') throw new OfDecodeError('bad_value', `selection method ${name}`);
    const param = p.body.u64();
    const fields: FieldName[] = [];
    while (p.body.remaining >= 4) {
      fields.push(decodeEntry(p.body).field);
    }
    out = {
      selectionMethod: name,
      ...(param ? { selectionMethodParam: param } : {}),
      ...(fields.length ? { fields } : {}),
    };
  }
  return out;
}

function decodeGroupDesc(r: Reader): Group[] {
  const out: Group[] = [];
  while (r.remaining > 0) {
    const len = r.u16('group desc length');
    if (len < 16) throw new OfDecodeError('bad_length', 'group desc');
    const b = r.sub(len - 2, 'group desc');
    const type = GROUP_TYPES[b.u8()];
    if (!type) throw new OfDecodeError('bad_value', 'group type');
    b.skip(1);
    const groupId = b.u32();
    const blen = b.u16();
    b.skip(6);
    const buckets = decodeBuckets(b.sub(blen, 'buckets'), type);
    out.push({ groupId, type, buckets, ...decodeGroupProps(b) });
  }
  return out;
}

function decodeBands(r: Reader, burst: boolean): Meter['bands'][number][] {
  const bands: Meter['bands'][number][] = [];
  while (r.remaining > 0) {
    const type = r.u16();
    const len = r.u16();
    if (len < 16) throw new OfDecodeError('bad_length', 'meter band');
    const b = r.sub(len - 4);
    const rate = b.u32();
    const burstSize = b.u32();
    if (type !== 1) throw new OfDecodeError('unknown', `meter band type ${type}`);
    // Without the burst flag OVS reports a burst size it does not use; leave it out.
    bands.push(burst && burstSize ? { type: 'drop', rate, burstSize } : { type: 'drop', rate });
  }
  return bands;
}

function decodeMeterDesc(r: Reader): Meter[] {
  const out: Meter[] = [];
  while (r.remaining > 0) {
    const len = r.u16();
    if (len < 8) throw new OfDecodeError('bad_length', 'meter desc');
    const b = r.sub(len - 2);
    const flags = bitsToFlags(b.u16(), METER_FLAGS);
    const meterId = b.u32();
    out.push({ meterId, flags, bands: decodeBands(b, flags.includes('burst')) });
  }
  return out;
}

function decodePortDesc(r: Reader): PortDesc[] {
  const out: PortDesc[] = [];
  while (r.remaining > 0) {
    const portNo = r.u32();
    const len = r.u16();
    if (len < 40) throw new OfDecodeError('bad_length', 'port desc');
    const b = r.sub(len - 6);
    b.skip(2);
    const hwAddr = b.uint(6);
    b.skip(2);
    const name = b.bytes(16).toString('latin1').replace(/\0.*$/s, '');
    const config = b.u32();
    const state = b.u32();
    out.push({ portNo, hwAddr, name, config, state });
  }
  return out;
}

function decodeMultipartReply(r: Reader): Extract<OfMessage, { type: 'multipart_reply' }> {
  const mpType = r.u16();
  const flags = r.u16();
  r.skip(4);
  const rest = r.sub(r.remaining);
  switch (mpType) {
    case OFPMP.FLOW_DESC:
      return { type: 'multipart_reply', flags, body: { kind: 'flow_desc', flows: decodeFlowDesc(rest) } };
    case OFPMP.GROUP_DESC:
      return { type: 'multipart_reply', flags, body: { kind: 'group_desc', groups: decodeGroupDesc(rest) } };
    case OFPMP.METER_DESC:
      return { type: 'multipart_reply', flags, body: { kind: 'meter_desc', meters: decodeMeterDesc(rest) } };
    case OFPMP.PORT_DESC:
      return { type: 'multipart_reply', flags, body: { kind: 'port_desc', ports: decodePortDesc(rest) } };
    default:
      return {
        type: 'multipart_reply',
        flags,
        body: { kind: 'raw', mpType, body: Buffer.from(rest.bytes(rest.remaining)) },
      };
  }
}

function decodePacketIn2(r: Reader): {
  packet: Buffer;
  metadata: MatchEntry[];
  continuation?: Buffer;
  rest: Omit<PacketIn2, 'type' | 'packet' | 'metadata' | 'continuation'>;
} {
  let packet: Buffer | undefined;
  let metadata: MatchEntry[] = [];
  let continuation: Buffer | undefined;
  const rest: { -readonly [K in keyof PacketIn2]?: PacketIn2[K] } = {};
  for (const p of props(r)) {
    switch (p.type) {
      case NXPINT.PACKET:
        packet = Buffer.from(p.body.bytes(p.body.remaining));
        break;
      case NXPINT.FULL_LEN:
        rest.fullLen = p.body.u32();
        break;
      case NXPINT.BUFFER_ID:
        break;
      case NXPINT.TABLE_ID:
        rest.tableId = p.body.u8();
        break;
      case NXPINT.COOKIE:
        p.body.skip(4);
        rest.cookie = p.body.u64();
        break;
      case NXPINT.REASON: {
        const reason = PACKET_IN_REASONS[p.body.u8()];
        if (!reason) throw new OfDecodeError('bad_value', 'packet-in reason');
        rest.reason = reason;
        break;
      }
      case NXPINT.METADATA:
        metadata = rawEntries(p.body);
        break;
      case NXPINT.USERDATA:
        rest.userdata = Buffer.from(p.body.bytes(p.body.remaining));
        break;
      case NXPINT.CONTINUATION:
        continuation = Buffer.from(p.body.bytes(p.body.remaining));
        break;
      default:
        break; // unknown properties are skipped, as the spec asks
    }
  }
  if (!packet) throw new OfDecodeError('bad_value', 'packet-in without packet');
  return {
    packet,
    metadata,
    ...(continuation ? { continuation } : {}),
    rest: rest as Omit<PacketIn2, 'type' | 'packet' | 'metadata' | 'continuation'>,
  };
}

function decodeTlvMaps(r: Reader): TlvMapping[] {
  const out: TlvMapping[] = [];
  while (r.remaining > 0) {
    const optClass = r.u16();
    const optType = r.u8();
    const optLen = r.u8();
    const index = r.u16();
    r.skip(2);
    out.push({ optClass, optType, optLen, index });
  }
  return out;
}

function decodeExperimenter(r: Reader, opts: CodecOptions): OfMessage {
  const exp = r.u32('experimenter');
  const subtype = r.u32('experimenter subtype');
  if (exp !== NX_EXP)
    return { type: 'unknown', msgType: OFPT.EXPERIMENTER, subtype, body: Buffer.from(r.bytes(r.remaining)) };
  switch (subtype) {
    case NXT.PACKET_IN2:
    case NXT.RESUME: {
      const d = decodePacketIn2(r);
      if (subtype === NXT.RESUME) {
        if (!d.continuation) throw new OfDecodeError('bad_value', 'resume without continuation');
        return { type: 'resume', packet: d.packet, metadata: d.metadata, continuation: d.continuation };
      }
      return {
        type: 'packet_in2',
        packet: d.packet,
        metadata: d.metadata,
        ...(d.continuation ? { continuation: d.continuation } : {}),
        ...d.rest,
      };
    }
    case NXT.TLV_TABLE_MOD: {
      const command = (['add', 'delete', 'clear'] as const)[r.u16()];
      if (!command) throw new OfDecodeError('bad_value', 'tlv command');
      r.skip(6);
      return { type: 'tlv_table_mod', command, mappings: decodeTlvMaps(r) };
    }
    case NXT.TLV_TABLE_REQUEST:
      return { type: 'tlv_table_request' };
    case NXT.TLV_TABLE_REPLY: {
      const maxOptionSpace = r.u32();
      const maxFields = r.u16();
      r.skip(10);
      return { type: 'tlv_table_reply', maxOptionSpace, maxFields, mappings: decodeTlvMaps(r) };
    }
    case NXT.SET_PACKET_IN_FORMAT: {
      const format = PIN_FORMATS[r.u32()];
      if (!format) throw new OfDecodeError('bad_value', 'packet-in format');
      return { type: 'set_packet_in_format', format };
    }
    case NXT.SET_CONTROLLER_ID:
      r.skip(6);
      return { type: 'set_controller_id', controllerId: r.u16() };
    default:
      void opts;
      return { type: 'unknown', msgType: OFPT.EXPERIMENTER, subtype, body: Buffer.from(r.bytes(r.remaining)) };
  }
}

function decodeBody(type: number, r: Reader, opts: CodecOptions): OfMessage {
  switch (type) {
    case OFPT.HELLO: {
      const versions: number[] = [];
      while (r.remaining >= 4) {
        const et = r.u16();
        const len = r.u16();
        if (len < 4) throw new OfDecodeError('bad_length', 'hello element');
        const b = r.sub(len - 4);
        r.skip(Math.min(r.remaining, ((len + 7) & ~7) - len));
        if (et !== 1) continue;
        let word = 0;
        while (b.remaining >= 4) {
          const bm = b.u32();
          for (let i = 0; i < 32; i++) if (bm & (1 << i)) versions.push(word * 32 + i);
          word++;
        }
      }
      return { type: 'hello', versions };
    }
    case OFPT.ERROR: {
      const errType = r.u16();
      const code = r.u16();
      const experimenter = errType === OFPET_EXPERIMENTER ? r.u32() : undefined;
      const data = Buffer.from(r.bytes(r.remaining));
      return {
        type: 'error',
        errType,
        code,
        ...(experimenter === undefined ? {} : { experimenter }),
        name: errorName(errType, code, experimenter),
        data,
      };
    }
    case OFPT.ECHO_REQUEST:
      return { type: 'echo_request', data: Buffer.from(r.bytes(r.remaining)) };
    case OFPT.ECHO_REPLY:
      return { type: 'echo_reply', data: Buffer.from(r.bytes(r.remaining)) };
    case OFPT.FEATURES_REQUEST:
      return { type: 'features_request' };
    case OFPT.FEATURES_REPLY: {
      const datapathId = r.u64();
      const nBuffers = r.u32();
      const nTables = r.u8();
      const auxiliaryId = r.u8();
      r.skip(2);
      return { type: 'features_reply', datapathId, nBuffers, nTables, auxiliaryId, capabilities: r.u32() };
    }
    case OFPT.GET_CONFIG_REQUEST:
      return { type: 'get_config_request' };
    case OFPT.GET_CONFIG_REPLY:
    case OFPT.SET_CONFIG:
      return {
        type: type === OFPT.SET_CONFIG ? 'set_config' : 'get_config_reply',
        flags: r.u16(),
        missSendLen: r.u16(),
      };
    case OFPT.FLOW_MOD: {
      const cookie = r.u64();
      const cookieMask = r.u64();
      const table = r.u8();
      const command = FLOW_MOD_COMMANDS[r.u8()];
      if (!command) throw new OfDecodeError('bad_value', 'flow_mod command');
      const idle = r.u16();
      const hard = r.u16();
      const priority = r.u16();
      r.skip(4);
      const outPort = r.u32();
      const outGroup = r.u32();
      const flags = r.u16();
      const importance = r.u16();
      const match = decodeMatch(r);
      const actions = decodeInstructions(r);
      const flow: Flow = {
        table,
        priority,
        ...(cookie ? { cookie } : {}),
        match,
        actions,
        ...(idle ? { idleTimeout: idle } : {}),
        ...(hard ? { hardTimeout: hard } : {}),
        ...(importance ? { importance } : {}),
        ...(flags ? { flags: bitsToFlags(flags, FLAG_BITS) } : {}),
      };
      return { type: 'flow_mod', command, flow, ...(cookieMask ? { cookieMask } : {}), outPort, outGroup };
    }
    case OFPT.GROUP_MOD: {
      const command = (['add', 'modify', 'delete'] as const)[r.u16()];
      const gtype = GROUP_TYPES[r.u8()];
      if (!command || !gtype) throw new OfDecodeError('bad_value', 'group_mod');
      r.skip(1);
      const groupId = r.u32();
      const blen = r.u16();
      r.skip(6);
      const buckets = decodeBuckets(r.sub(blen, 'buckets'), gtype);
      return { type: 'group_mod', command, group: { groupId, type: gtype, buckets, ...decodeGroupProps(r) } };
    }
    case OFPT.METER_MOD: {
      const command = (['add', 'modify', 'delete'] as const)[r.u16()];
      if (!command) throw new OfDecodeError('bad_value', 'meter_mod');
      const flags = bitsToFlags(r.u16(), METER_FLAGS);
      const meterId = r.u32();
      return { type: 'meter_mod', command, meter: { meterId, flags, bands: decodeBands(r, flags.includes('burst')) } };
    }
    case OFPT.MULTIPART_REQUEST: {
      const mpType = r.u16();
      const flags = r.u16();
      r.skip(4);
      return {
        type: 'multipart_request',
        flags,
        body: { kind: 'raw', mpType, body: Buffer.from(r.bytes(r.remaining)) },
      };
    }
    case OFPT.MULTIPART_REPLY:
      return decodeMultipartReply(r);
    case OFPT.BARRIER_REQUEST:
      return { type: 'barrier_request' };
    case OFPT.BARRIER_REPLY:
      return { type: 'barrier_reply' };
    case OFPT.ROLE_REQUEST:
    case OFPT.ROLE_REPLY: {
      const role = ROLES[r.u32()];
      if (!role) throw new OfDecodeError('bad_value', 'role');
      r.skip(4);
      return { type: type === OFPT.ROLE_REQUEST ? 'role_request' : 'role_reply', role, generationId: r.u64() };
    }
    case OFPT.BUNDLE_CONTROL: {
      const bundleId = r.u32();
      const ctrl = BUNDLE_CTRL_TYPES[r.u16()];
      if (!ctrl) throw new OfDecodeError('bad_value', 'bundle control type');
      const flags = r.u16();
      return { type: 'bundle_control', bundleId, ctrl, atomic: (flags & 1) !== 0, ordered: (flags & 2) !== 0 };
    }
    case OFPT.BUNDLE_ADD_MESSAGE: {
      const bundleId = r.u32();
      r.skip(2);
      const flags = r.u16();
      const inner = r.sub(r.remaining);
      const { xid, message } = decodeMessage(Buffer.from(inner.bytes(inner.remaining)), opts, true);
      return { type: 'bundle_add', bundleId, atomic: (flags & 1) !== 0, ordered: (flags & 2) !== 0, xid, message };
    }
    case OFPT.PACKET_OUT: {
      r.skip(4);
      const alen = r.u16();
      r.skip(2);
      const match = decodeMatch(r);
      const actions = decodeActionList(r.sub(alen, 'packet-out actions'));
      const inPort = Number(match.find((e) => e.field === 'in_port')?.value ?? 0n);
      const metadata = match.filter((e) => e.field !== 'in_port');
      return {
        type: 'packet_out',
        inPort,
        actions,
        packet: Buffer.from(r.bytes(r.remaining)),
        ...(metadata.length ? { metadata } : {}),
      };
    }
    case OFPT.EXPERIMENTER:
      return decodeExperimenter(r, opts);
    default:
      return { type: 'unknown', msgType: type, body: Buffer.from(r.bytes(r.remaining)) };
  }
}

/**
 * Decodes one complete message (header included). Throws OfDecodeError on anything malformed.
 * `trailing` allows bytes after the message (bundle_add pads its inner message).
 */
export function decodeMessage(
  buf: Buffer,
  opts: CodecOptions = {},
  trailing = false,
): { xid: number; version: number; message: OfMessage } {
  const r = new Reader(buf);
  const version = r.u8('version');
  const type = r.u8('type');
  const length = r.u16('length');
  const xid = r.u32('xid');
  if (length < 8 || length > buf.length || (!trailing && length !== buf.length))
    throw new OfDecodeError('bad_length', `header length ${length} for ${buf.length} bytes`);
  if (version !== OFP15_VERSION && type !== OFPT.HELLO && type !== OFPT.ERROR)
    throw new OfDecodeError('bad_version', `version ${version}`);
  const body = new Reader(buf, 8, length);
  const message = decodeBody(type, body, opts);
  return { xid, version, message };
}

export { ones };
