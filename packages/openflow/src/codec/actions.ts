// Actions and instructions for OpenFlow 1.5 (standard actions where OF1.5 has them, Nicira extensions for the
// rest), encoded the way OVS encodes them for OF1.5 so that what the switch echoes back decodes to the same model.
import type {
  Action,
  BundleAction,
  ControllerAction,
  CtAction,
  LearnAction,
  LearnSpec,
  NatRange,
  PacketInReason,
} from '../model/actions.js';
import { BUNDLE_ALGORITHMS, BUNDLE_FIELDS, INSTRUCTION_TYPES, OFPP } from '../model/actions.js';
import { NX_EXP, field, fieldBits } from '../model/fields.js';
import { ones, type Subfield } from '../model/match.js';
import { OfDecodeError, Reader, type Writer } from './buffer.js';
import {
  decodeEntry,
  encodeEntry,
  fieldBytes,
  putSubfieldHeader,
  readHeader,
  widenPort,
  type CodecOptions,
} from './oxm.js';

const OFPAT = {
  OUTPUT: 0,
  DEC_MPLS_TTL: 16,
  PUSH_VLAN: 17,
  POP_VLAN: 18,
  SET_QUEUE: 21,
  GROUP: 22,
  DEC_NW_TTL: 24,
  SET_FIELD: 25,
  COPY_FIELD: 28,
  METER: 29,
  EXPERIMENTER: 0xffff,
} as const;
const NXAST = {
  RESUBMIT: 1,
  NOTE: 8,
  RESUBMIT_TABLE: 14,
  OUTPUT_REG: 15,
  LEARN: 16,
  EXIT: 17,
  DEC_TTL: 18,
  CONTROLLER: 20,
  DEC_TTL_CNT_IDS: 21,
  WRITE_METADATA: 22,
  STACK_PUSH: 27,
  STACK_POP: 28,
  SAMPLE: 29,
  OUTPUT_REG2: 32,
  REG_LOAD2: 33,
  CONJUNCTION: 34,
  CT: 35,
  NAT: 36,
  CONTROLLER2: 37,
  OUTPUT_TRUNC: 39,
  CLONE: 42,
  CT_CLEAR: 43,
  RESUBMIT_TABLE_CT: 44,
  CHECK_PKT_LARGER: 49,
  REG_MOVE: 6,
  REG_LOAD: 7,
  BUNDLE: 12,
} as const;
const OFPIT = {
  GOTO_TABLE: 1,
  WRITE_METADATA: 2,
  WRITE_ACTIONS: 3,
  APPLY_ACTIONS: 4,
  CLEAR_ACTIONS: 5,
  METER: 6,
} as const;
const NXAC2PT = { MAX_LEN: 0, CONTROLLER_ID: 1, REASON: 2, USERDATA: 3, PAUSE: 4, METER_ID: 5 } as const;
const NX_CT_F = { COMMIT: 1, FORCE: 2 } as const;
const NX_NAT_F = { SRC: 1, DST: 2, PERSISTENT: 4, PROTO_HASH: 8, PROTO_RANDOM: 16 } as const;
const NX_NAT_RANGE = { IPV4_MIN: 1, IPV4_MAX: 2, IPV6_MIN: 4, IPV6_MAX: 8, PROTO_MIN: 16, PROTO_MAX: 32 } as const;
const NX_LEARN = {
  SRC_IMMEDIATE: 1 << 13,
  DST_LOAD: 1 << 11,
  DST_OUTPUT: 2 << 11,
  F_SEND_FLOW_REM: 1,
  F_DELETE_LEARNED: 2,
} as const;
export const PACKET_IN_REASONS: readonly PacketInReason[] = [
  'no_match',
  'action',
  'invalid_ttl',
  'action_set',
  'group',
  'packet_out',
];
const NO_METER = 0;
/** NXM_OF_IN_PORT's header: bundle members are 16-bit OpenFlow 1.0 port numbers. */
const NXM_OF_IN_PORT = 0x00000002;
const BUNDLE_MAX_MEMBERS = 2048;
const RECIRC_NONE = 255;

/** Begins an NX action; returns its start offset for `endNx`. */
function beginNx(w: Writer, subtype: number): number {
  const start = w.length;
  w.u16(OFPAT.EXPERIMENTER).u16(0).u32(NX_EXP).u16(subtype);
  return start;
}
function endAction(w: Writer, start: number): void {
  w.pad(8, start);
  w.setU16(start + 2, w.length - start);
}
const ofsNbits = (sf: Subfield) => (sf.start << 6) | (sf.nBits - 1);

function checkSubfield(sf: Subfield, opts: CodecOptions): void {
  const d = field(sf.field);
  const bits = sf.field === 'in_port' ? 16 : d.bytes === 0 ? fieldBytes(d, opts) * 8 : fieldBits(d);
  if (sf.nBits < 1 || sf.start < 0 || sf.start + sf.nBits > bits)
    throw new RangeError(`subfield ${sf.field}[${sf.start}+${sf.nBits}] out of range`);
}

function putProp(w: Writer, type: number, body: (w: Writer) => void): void {
  const start = w.length;
  w.u16(type).u16(0);
  body(w);
  w.setU16(start + 2, w.length - start);
  w.pad(8, start);
}

function encodeController(w: Writer, a: ControllerAction): void {
  const reason = PACKET_IN_REASONS.indexOf(a.reason ?? 'action');
  if (!a.userdata?.length && !a.pause && a.meterId === undefined) {
    const s = beginNx(w, NXAST.CONTROLLER);
    w.u16(a.maxLen ?? 0xffff)
      .u16(a.controllerId ?? 0)
      .u8(reason)
      .u8(0);
    return endAction(w, s);
  }
  const s = beginNx(w, NXAST.CONTROLLER2);
  w.zeros(6);
  if (a.maxLen !== undefined && a.maxLen !== 0xffff) putProp(w, NXAC2PT.MAX_LEN, (x) => x.u16(a.maxLen!));
  if (a.controllerId) putProp(w, NXAC2PT.CONTROLLER_ID, (x) => x.u16(a.controllerId!));
  if (reason !== 1) putProp(w, NXAC2PT.REASON, (x) => x.u8(reason));
  if (a.userdata?.length) putProp(w, NXAC2PT.USERDATA, (x) => x.bytes(a.userdata!));
  if (a.pause) putProp(w, NXAC2PT.PAUSE, () => undefined);
  if (a.meterId !== undefined) putProp(w, NXAC2PT.METER_ID, (x) => x.u32(a.meterId!));
  endAction(w, s);
}

function encodeNat(w: Writer, n: NonNullable<CtAction['nat']>): void {
  const s = beginNx(w, NXAST.NAT);
  w.zeros(2);
  let flags = 0;
  let present = 0;
  const r = n.kind === undefined ? undefined : (n as NatRange);
  if (r) {
    flags |= r.kind === 'src' ? NX_NAT_F.SRC : NX_NAT_F.DST;
    if (r.persistent) flags |= NX_NAT_F.PERSISTENT;
    if (r.hash) flags |= NX_NAT_F.PROTO_HASH;
    if (r.random) flags |= NX_NAT_F.PROTO_RANDOM;
    if (r.ipMin !== undefined) present |= r.ipv6 ? NX_NAT_RANGE.IPV6_MIN : NX_NAT_RANGE.IPV4_MIN;
    if (r.ipMax !== undefined) present |= r.ipv6 ? NX_NAT_RANGE.IPV6_MAX : NX_NAT_RANGE.IPV4_MAX;
    if (r.portMin) present |= NX_NAT_RANGE.PROTO_MIN;
    if (r.portMax) present |= NX_NAT_RANGE.PROTO_MAX;
  }
  w.u16(flags).u16(present);
  if (r) {
    const ipw = r.ipv6 ? 16 : 4;
    if (r.ipMin !== undefined) w.uint(r.ipMin, ipw);
    if (r.ipMax !== undefined) w.uint(r.ipMax, ipw);
    if (r.portMin) w.u16(r.portMin);
    if (r.portMax) w.u16(r.portMax);
  }
  endAction(w, s);
}

function encodeLearn(w: Writer, a: LearnAction, opts: CodecOptions): void {
  const s = beginNx(w, NXAST.LEARN);
  let flags = 0;
  if (a.sendFlowRem) flags |= NX_LEARN.F_SEND_FLOW_REM;
  if (a.deleteLearned) flags |= NX_LEARN.F_DELETE_LEARNED;
  w.u16(a.idleTimeout ?? 0)
    .u16(a.hardTimeout ?? 0)
    .u16(a.priority ?? 32768)
    .u64(a.cookie ?? 0n)
    .u16(flags)
    .u8(a.table)
    .u8(0);
  w.u16(a.finIdleTimeout ?? 0).u16(a.finHardTimeout ?? 0);
  const sfRef = (sf: Subfield) => {
    checkSubfield(sf, opts);
    putSubfieldHeader(w, sf.field, opts);
    w.u16(sf.start);
  };
  for (const spec of a.specs) {
    const n = spec.type === 'output' ? spec.src.nBits : spec.dst.nBits;
    const imm = spec.type !== 'output' && 'value' in spec;
    const dst = spec.type === 'match' ? 0 : spec.type === 'load' ? NX_LEARN.DST_LOAD : NX_LEARN.DST_OUTPUT;
    w.u16((imm ? NX_LEARN.SRC_IMMEDIATE : 0) | dst | n);
    if (spec.type === 'output') sfRef(spec.src);
    else {
      if ('value' in spec) w.uint(spec.value, 2 * Math.ceil(n / 16));
      else sfRef(spec.src);
      sfRef(spec.dst);
    }
  }
  endAction(w, s);
}

/** 16-bit OpenFlow 1.0 port number of a model (32-bit) port: reserved ports keep their meaning. */
function narrowPort(port: number): number {
  if (port >= OFPP.MAX) return port - 0xffff0000;
  if (port >= 0xff00) throw new RangeError(`port ${port} does not fit a 16-bit port number`);
  return port;
}

function encodeBundle(w: Writer, a: BundleAction): void {
  if (a.members.length > BUNDLE_MAX_MEMBERS) throw new RangeError(`bundle: more than ${BUNDLE_MAX_MEMBERS} members`);
  const s = beginNx(w, NXAST.BUNDLE);
  w.u16(BUNDLE_ALGORITHMS.indexOf(a.algorithm))
    .u16(BUNDLE_FIELDS.indexOf(a.fields))
    .u16(a.basis)
    .u32(NXM_OF_IN_PORT)
    .u16(a.members.length)
    .u16(0) // ofs_nbits and dst: only bundle_load writes a register
    .u32(0)
    .zeros(4);
  for (const p of a.members) w.u16(narrowPort(p));
  endAction(w, s);
}

function encodeOne(w: Writer, a: Action, opts: CodecOptions): void {
  switch (a.type) {
    case 'output': {
      if (a.maxLen !== undefined && a.port < OFPP.MAX) {
        const s = beginNx(w, NXAST.OUTPUT_TRUNC);
        w.u16(a.port).u32(a.maxLen);
        return endAction(w, s);
      }
      w.u16(OFPAT.OUTPUT)
        .u16(16)
        .u32(a.port)
        .u16(a.maxLen ?? (a.port === OFPP.CONTROLLER ? 0xffff : 0))
        .zeros(6);
      return;
    }
    case 'output_reg': {
      checkSubfield(a.src, opts);
      const s = beginNx(w, NXAST.OUTPUT_REG);
      w.u16(ofsNbits(a.src));
      putSubfieldHeader(w, a.src.field, opts);
      w.u16(a.maxLen ?? 0xffff);
      return endAction(w, s);
    }
    case 'group':
      w.u16(OFPAT.GROUP).u16(8).u32(a.groupId);
      return;
    case 'set_field': {
      const s = w.length;
      w.u16(OFPAT.SET_FIELD).u16(0);
      // OVS refuses a set_field on the 32-bit OXM in_port; it takes the 16-bit NXM_OF_IN_PORT (as it writes
      // in_port itself, and as ovn-controller's OFPP_NONE loads go out).
      if (a.field === 'in_port' && a.mask === undefined) {
        w.u16(0)
          .u8(0)
          .u8(2)
          .u16(narrowPort(Number(a.value)));
        return endAction(w, s);
      }
      encodeEntry(
        w,
        a.mask === undefined ? { field: a.field, value: a.value } : { field: a.field, value: a.value, mask: a.mask },
        opts,
      );
      return endAction(w, s);
    }
    case 'move': {
      checkSubfield(a.src, opts);
      checkSubfield(a.dst, opts);
      if (a.src.nBits !== a.dst.nBits) throw new RangeError('move: source and destination widths differ');
      const s = w.length;
      w.u16(OFPAT.COPY_FIELD).u16(0).u16(a.dst.nBits).u16(a.src.start).u16(a.dst.start).zeros(2);
      putSubfieldHeader(w, a.src.field, opts);
      putSubfieldHeader(w, a.dst.field, opts);
      return endAction(w, s);
    }
    case 'push':
    case 'pop': {
      checkSubfield(a.field, opts);
      const s = beginNx(w, a.type === 'push' ? NXAST.STACK_PUSH : NXAST.STACK_POP);
      w.u16(a.field.start);
      putSubfieldHeader(w, a.field.field, opts);
      w.u16(a.field.nBits);
      return endAction(w, s);
    }
    case 'resubmit': {
      const s = beginNx(w, a.ct ? NXAST.RESUBMIT_TABLE_CT : NXAST.RESUBMIT_TABLE);
      const port = a.port ?? OFPP.IN_PORT;
      // 16-bit OF1.0 port numbers inside the NX action.
      w.u16(port >= 0xffffff00 ? port - 0xffff0000 : port)
        .u8(a.table ?? 255)
        .zeros(3);
      return endAction(w, s);
    }
    case 'ct': {
      const s = beginNx(w, NXAST.CT);
      let flags = 0;
      if (a.commit) flags |= NX_CT_F.COMMIT;
      if (a.force) flags |= NX_CT_F.FORCE;
      w.u16(flags);
      if (typeof a.zone === 'object') {
        checkSubfield(a.zone, opts);
        putSubfieldHeader(w, a.zone.field, opts);
        w.u16(ofsNbits(a.zone));
      } else w.u32(0).u16(a.zone ?? 0);
      w.u8(a.table ?? RECIRC_NONE)
        .zeros(3)
        .u16(a.alg ?? 0);
      if (a.nat) encodeNat(w, a.nat);
      for (const x of a.exec ?? []) encodeOne(w, x, opts);
      return endAction(w, s);
    }
    case 'ct_clear':
      return endAction(w, beginNx(w, NXAST.CT_CLEAR));
    case 'controller':
      return encodeController(w, a);
    case 'learn':
      return encodeLearn(w, a, opts);
    case 'conjunction': {
      const s = beginNx(w, NXAST.CONJUNCTION);
      w.u8(a.clause - 1)
        .u8(a.nClauses)
        .u32(a.id);
      return endAction(w, s);
    }
    case 'clone': {
      const s = beginNx(w, NXAST.CLONE);
      w.zeros(6);
      for (const x of a.actions) encodeOne(w, x, opts);
      return endAction(w, s);
    }
    case 'dec_ttl': {
      const ids = a.controllerIds;
      if (!ids || (ids.length === 1 && ids[0] === 0)) {
        w.u16(OFPAT.DEC_NW_TTL).u16(8).zeros(4);
        return;
      }
      const s = beginNx(w, NXAST.DEC_TTL_CNT_IDS);
      w.u16(ids.length).zeros(4);
      for (const id of ids) w.u16(id);
      return endAction(w, s);
    }
    case 'push_vlan':
      w.u16(OFPAT.PUSH_VLAN).u16(8).u16(a.ethertype).zeros(2);
      return;
    case 'pop_vlan':
      w.u16(OFPAT.POP_VLAN).u16(8).zeros(4);
      return;
    case 'note': {
      const s = beginNx(w, NXAST.NOTE);
      w.bytes(a.data);
      if (w.length - s < 16) w.zeros(16 - (w.length - s));
      return endAction(w, s);
    }
    case 'check_pkt_larger': {
      checkSubfield(a.dst, opts);
      const s = beginNx(w, NXAST.CHECK_PKT_LARGER);
      w.u16(a.len).u16(a.dst.start);
      putSubfieldHeader(w, a.dst.field, opts);
      return endAction(w, s);
    }
    case 'meter':
      w.u16(OFPAT.METER).u16(8).u32(a.meterId);
      return;
    case 'exit':
      return endAction(w, beginNx(w, NXAST.EXIT));
    case 'sample': {
      const s = beginNx(w, NXAST.SAMPLE);
      w.u16(a.probability).u32(a.collectorSetId).u32(a.obsDomainId).u32(a.obsPointId);
      return endAction(w, s);
    }
    case 'bundle':
      return encodeBundle(w, a);
    case 'write_metadata':
    case 'goto_table':
    case 'clear_actions':
    case 'write_actions':
      throw new RangeError(`${a.type} is an instruction and cannot be nested in an action list`);
  }
}

export function encodeActions(w: Writer, actions: readonly Action[], opts: CodecOptions = {}): void {
  for (const a of actions) encodeOne(w, a, opts);
}

/** Splits a model action list into OF1.5 instructions. */
export function encodeInstructions(w: Writer, actions: readonly Action[], opts: CodecOptions = {}): void {
  const apply = actions.filter((a) => !INSTRUCTION_TYPES.has(a.type));
  if (apply.length) {
    const s = w.length;
    w.u16(OFPIT.APPLY_ACTIONS).u16(0).zeros(4);
    encodeActions(w, apply, opts);
    w.setU16(s + 2, w.length - s);
  }
  for (const a of actions) {
    if (a.type === 'clear_actions') w.u16(OFPIT.CLEAR_ACTIONS).u16(8).zeros(4);
  }
  for (const a of actions) {
    if (a.type === 'write_actions') {
      const s = w.length;
      w.u16(OFPIT.WRITE_ACTIONS).u16(0).zeros(4);
      encodeActions(w, a.actions, opts);
      w.setU16(s + 2, w.length - s);
    }
  }
  for (const a of actions) {
    if (a.type === 'write_metadata')
      w.u16(OFPIT.WRITE_METADATA)
        .u16(24)
        .zeros(4)
        .u64(a.value)
        .u64(a.mask ?? ones(64));
  }
  for (const a of actions) if (a.type === 'goto_table') w.u16(OFPIT.GOTO_TABLE).u16(8).u8(a.table).zeros(3);
}

// ---- decoding ----

function readSubfieldHeader(r: Reader, start: number, nBits: number): Subfield {
  const h = readHeader(r);
  const bits = h.narrowInPort ? 16 : h.def.bytes === 0 ? h.payload * 8 : fieldBits(h.def);
  if (nBits < 1 || start + nBits > bits)
    throw new OfDecodeError('bad_value', `subfield ${h.def.name}[${start}+${nBits}] out of range`);
  return { field: h.def.name, start, nBits };
}

function decodeNat(r: Reader): NonNullable<CtAction['nat']> {
  r.skip(2);
  const flags = r.u16();
  const present = r.u16();
  if (!(flags & (NX_NAT_F.SRC | NX_NAT_F.DST))) return {};
  const n: { -readonly [K in keyof NatRange]: NatRange[K] } = { kind: flags & NX_NAT_F.SRC ? 'src' : 'dst' };
  if (present & NX_NAT_RANGE.IPV4_MIN) n.ipMin = r.uint(4);
  if (present & NX_NAT_RANGE.IPV4_MAX) n.ipMax = r.uint(4);
  if (present & NX_NAT_RANGE.IPV6_MIN) {
    n.ipv6 = true;
    n.ipMin = r.uint(16);
  }
  if (present & NX_NAT_RANGE.IPV6_MAX) {
    n.ipv6 = true;
    n.ipMax = r.uint(16);
  }
  if (present & NX_NAT_RANGE.PROTO_MIN) n.portMin = r.u16();
  if (present & NX_NAT_RANGE.PROTO_MAX) n.portMax = r.u16();
  if (flags & NX_NAT_F.PERSISTENT) n.persistent = true;
  if (flags & NX_NAT_F.PROTO_HASH) n.hash = true;
  if (flags & NX_NAT_F.PROTO_RANDOM) n.random = true;
  return n;
}

function decodeLearn(r: Reader): LearnAction {
  const idle = r.u16();
  const hard = r.u16();
  const priority = r.u16();
  const cookie = r.u64();
  const flags = r.u16();
  const table = r.u8();
  r.skip(1);
  const finIdle = r.u16();
  const finHard = r.u16();
  const specs: LearnSpec[] = [];
  while (r.remaining >= 2) {
    const hdr = r.u16();
    if (hdr === 0) break; // trailing padding
    const n = hdr & 0x7ff;
    const imm = (hdr & NX_LEARN.SRC_IMMEDIATE) !== 0;
    const dstType = hdr & (3 << 11);
    const sf = (nb: number) => {
      const rr = r;
      const h = readHeader(rr);
      const start = rr.u16();
      const bits = h.narrowInPort ? 16 : h.def.bytes === 0 ? h.payload * 8 : fieldBits(h.def);
      if (start + nb > bits) throw new OfDecodeError('bad_value', 'learn subfield out of range');
      return { field: h.def.name, start, nBits: nb } as Subfield;
    };
    if (dstType === NX_LEARN.DST_OUTPUT) {
      specs.push({ type: 'output', src: sf(n) });
      continue;
    }
    const type = dstType === NX_LEARN.DST_LOAD ? 'load' : 'match';
    if (dstType !== 0 && dstType !== NX_LEARN.DST_LOAD) throw new OfDecodeError('bad_value', 'bad learn spec');
    if (imm) {
      const value = r.uint(2 * Math.ceil(n / 16));
      const dst = sf(n);
      specs.push(type === 'load' ? { type, value, dst } : { type, value, dst });
    } else {
      const src = sf(n);
      const dst = sf(n);
      specs.push(type === 'load' ? { type, src, dst } : { type, src, dst });
    }
  }
  return {
    type: 'learn',
    table,
    ...(priority !== 32768 ? { priority } : {}),
    ...(idle ? { idleTimeout: idle } : {}),
    ...(hard ? { hardTimeout: hard } : {}),
    ...(finIdle ? { finIdleTimeout: finIdle } : {}),
    ...(finHard ? { finHardTimeout: finHard } : {}),
    ...(cookie ? { cookie } : {}),
    ...(flags & NX_LEARN.F_SEND_FLOW_REM ? { sendFlowRem: true } : {}),
    ...(flags & NX_LEARN.F_DELETE_LEARNED ? { deleteLearned: true } : {}),
    specs,
  };
}

function decodeController2(r: Reader): ControllerAction {
  r.skip(6);
  const a: { -readonly [K in keyof ControllerAction]: ControllerAction[K] } = { type: 'controller' };
  while (r.remaining >= 4) {
    const type = r.u16();
    const len = r.u16();
    if (len < 4) throw new OfDecodeError('bad_length', 'controller2 property');
    const p = r.sub(len - 4);
    r.skip(Math.min(r.remaining, ((len + 7) & ~7) - len));
    switch (type) {
      case NXAC2PT.MAX_LEN:
        a.maxLen = p.u16();
        break;
      case NXAC2PT.CONTROLLER_ID:
        a.controllerId = p.u16();
        break;
      case NXAC2PT.REASON: {
        const reason = PACKET_IN_REASONS[p.u8()];
        if (!reason) throw new OfDecodeError('bad_value', 'controller reason');
        a.reason = reason;
        break;
      }
      case NXAC2PT.USERDATA:
        a.userdata = Uint8Array.from(p.bytes(p.remaining));
        break;
      case NXAC2PT.PAUSE:
        a.pause = true;
        break;
      case NXAC2PT.METER_ID:
        a.meterId = p.u32();
        break;
      default:
        throw new OfDecodeError('unknown', `controller2 property ${type}`);
    }
  }
  return a;
}

function decodeBundle(r: Reader): BundleAction {
  const algorithm = BUNDLE_ALGORITHMS[r.u16()];
  const fields = BUNDLE_FIELDS[r.u16()];
  const basis = r.u16();
  const memberType = r.u32();
  const n = r.u16();
  const ofsNbits = r.u16();
  const dst = r.u32();
  const zero = r.u32();
  if (!algorithm) throw new OfDecodeError('bad_value', 'bundle algorithm');
  if (!fields) throw new OfDecodeError('bad_value', 'bundle fields');
  if (memberType !== NXM_OF_IN_PORT)
    throw new OfDecodeError('bad_value', `bundle member type 0x${memberType.toString(16)}`);
  if (ofsNbits || dst || zero) throw new OfDecodeError('bad_value', 'bundle reserved fields are nonzero');
  if (n > BUNDLE_MAX_MEMBERS || r.remaining < 2 * n) throw new OfDecodeError('bad_length', `bundle with ${n} members`);
  const members: number[] = [];
  for (let i = 0; i < n; i++) members.push(widenPort(r.u16()));
  return { type: 'bundle', algorithm, fields, basis, members };
}

function decodeNx(r: Reader, subtype: number, depth: number): Action {
  switch (subtype) {
    case NXAST.RESUBMIT:
    case NXAST.RESUBMIT_TABLE:
    case NXAST.RESUBMIT_TABLE_CT: {
      const port = widenPort(r.u16());
      const table = subtype === NXAST.RESUBMIT ? 255 : r.u8();
      return {
        type: 'resubmit',
        ...(port !== OFPP.IN_PORT ? { port } : {}),
        ...(table !== 255 ? { table } : {}),
        ...(subtype === NXAST.RESUBMIT_TABLE_CT ? { ct: true } : {}),
      };
    }
    case NXAST.NOTE:
      return { type: 'note', data: Uint8Array.from(r.bytes(r.remaining)) };
    case NXAST.OUTPUT_REG: {
      const on = r.u16();
      const src = readSubfieldHeader(r, on >> 6, (on & 63) + 1);
      const maxLen = r.u16();
      return maxLen === 0xffff ? { type: 'output_reg', src } : { type: 'output_reg', src, maxLen };
    }
    case NXAST.OUTPUT_TRUNC: {
      const port = widenPort(r.u16());
      return { type: 'output', port, maxLen: r.u32() };
    }
    case NXAST.LEARN:
      return decodeLearn(r);
    case NXAST.EXIT:
      return { type: 'exit' };
    case NXAST.DEC_TTL:
      return { type: 'dec_ttl' };
    case NXAST.DEC_TTL_CNT_IDS: {
      const n = r.u16();
      r.skip(4);
      const ids: number[] = [];
      for (let i = 0; i < n; i++) ids.push(r.u16());
      return { type: 'dec_ttl', controllerIds: ids };
    }
    case NXAST.CONTROLLER: {
      const maxLen = r.u16();
      const controllerId = r.u16();
      const reason = PACKET_IN_REASONS[r.u8()];
      if (!reason) throw new OfDecodeError('bad_value', 'controller reason');
      return {
        type: 'controller',
        ...(maxLen !== 0xffff ? { maxLen } : {}),
        ...(controllerId ? { controllerId } : {}),
        ...(reason !== 'action' ? { reason } : {}),
      };
    }
    case NXAST.CONTROLLER2:
      return decodeController2(r);
    case NXAST.STACK_PUSH:
    case NXAST.STACK_POP: {
      const start = r.u16();
      const h = readHeader(r);
      const nBits = r.u16();
      return { type: subtype === NXAST.STACK_PUSH ? 'push' : 'pop', field: { field: h.def.name, start, nBits } };
    }
    case NXAST.SAMPLE:
      return {
        type: 'sample',
        probability: r.u16(),
        collectorSetId: r.u32(),
        obsDomainId: r.u32(),
        obsPointId: r.u32(),
      };
    case NXAST.CONJUNCTION: {
      const clause = r.u8() + 1;
      const nClauses = r.u8();
      return { type: 'conjunction', id: r.u32(), clause, nClauses };
    }
    case NXAST.CT: {
      const flags = r.u16();
      const zoneHdr = r.u32();
      const zoneWord = r.u16();
      let zone: CtAction['zone'];
      if (zoneHdr) {
        const hr = new Reader(
          Buffer.from([zoneHdr >>> 24, (zoneHdr >>> 16) & 0xff, (zoneHdr >>> 8) & 0xff, zoneHdr & 0xff]),
        );
        zone = readSubfieldHeader(hr, zoneWord >> 6, (zoneWord & 63) + 1);
      } else if (zoneWord) zone = zoneWord;
      const table = r.u8();
      r.skip(3);
      const alg = r.u16();
      const { nat, exec } = decodeCtNested(r, depth + 1);
      const a: { -readonly [K in keyof CtAction]: CtAction[K] } = { type: 'ct' };
      if (flags & NX_CT_F.COMMIT) a.commit = true;
      if (flags & NX_CT_F.FORCE) a.force = true;
      if (zone !== undefined) a.zone = zone;
      if (table !== RECIRC_NONE) a.table = table;
      if (alg) a.alg = alg;
      if (nat) a.nat = nat;
      if (exec.length) a.exec = exec;
      return a;
    }
    case NXAST.NAT:
      throw new OfDecodeError('bad_value', 'nat is only valid inside ct()');
    case NXAST.CLONE:
      r.skip(6);
      return { type: 'clone', actions: decodeActionList(r, depth + 1) };
    case NXAST.CT_CLEAR:
      return { type: 'ct_clear' };
    case NXAST.BUNDLE:
      return decodeBundle(r);
    case NXAST.CHECK_PKT_LARGER: {
      const len = r.u16();
      const ofs = r.u16();
      return { type: 'check_pkt_larger', len, dst: readSubfieldHeader(r, ofs, 1) };
    }
    default:
      throw new OfDecodeError('unknown', `unsupported Nicira action subtype ${subtype}`);
  }
}

/** Whether the next action in `r` is NXAST_NAT (which only lives inside ct() and is not a model Action). */
function nextIsNat(r: Reader): boolean {
  if (r.remaining < 10) return false;
  const o = r.offset;
  return (
    r.buf.readUInt16BE(o) === OFPAT.EXPERIMENTER &&
    r.buf.readUInt32BE(o + 4) === NX_EXP &&
    r.buf.readUInt16BE(o + 8) === NXAST.NAT
  );
}

/** ct()'s nested actions: an optional leading-or-anywhere nat() plus the exec() list. */
function decodeCtNested(r: Reader, depth: number): { nat?: NonNullable<CtAction['nat']>; exec: Action[] } {
  if (depth > 16) throw new OfDecodeError('bad_value', 'actions nested too deeply');
  let nat: NonNullable<CtAction['nat']> | undefined;
  const exec: Action[] = [];
  while (r.remaining > 0) {
    if (nextIsNat(r)) {
      r.skip(2);
      const len = r.u16('nat length');
      if (len < 16 || len % 8) throw new OfDecodeError('bad_length', `nat length ${len}`);
      const b = r.sub(len - 4, 'nat');
      b.skip(6);
      nat = decodeNat(b);
    } else exec.push(decodeOne(r, depth));
  }
  return nat ? { nat, exec } : { exec };
}

function decodeOne(r: Reader, depth: number): Action {
  const type = r.u16('action type');
  const len = r.u16('action length');
  if (len < 8 || len % 8) throw new OfDecodeError('bad_length', `action length ${len}`);
  const b = r.sub(len - 4, 'action');
  switch (type) {
    case OFPAT.OUTPUT: {
      const port = b.u32();
      const maxLen = b.u16();
      return port === OFPP.CONTROLLER ? { type: 'output', port, maxLen } : { type: 'output', port };
    }
    case OFPAT.GROUP:
      return { type: 'group', groupId: b.u32() };
    case OFPAT.PUSH_VLAN:
      return { type: 'push_vlan', ethertype: b.u16() };
    case OFPAT.POP_VLAN:
      return { type: 'pop_vlan' };
    case OFPAT.DEC_NW_TTL:
      return { type: 'dec_ttl' };
    case OFPAT.METER:
      return { type: 'meter', meterId: b.u32() };
    case OFPAT.SET_FIELD: {
      const e = decodeEntry(b);
      return e.mask === undefined
        ? { type: 'set_field', field: e.field, value: e.value }
        : { type: 'set_field', field: e.field, value: e.value, mask: e.mask };
    }
    case OFPAT.COPY_FIELD: {
      const nBits = b.u16();
      const srcOfs = b.u16();
      const dstOfs = b.u16();
      b.skip(2);
      return { type: 'move', src: readSubfieldHeader(b, srcOfs, nBits), dst: readSubfieldHeader(b, dstOfs, nBits) };
    }
    case OFPAT.EXPERIMENTER: {
      const exp = b.u32();
      if (exp !== NX_EXP) throw new OfDecodeError('unknown', `experimenter action 0x${exp.toString(16)}`);
      return decodeNx(b, b.u16(), depth);
    }
    default:
      throw new OfDecodeError('unknown', `unsupported action type ${type}`);
  }
}

export function decodeActionList(r: Reader, depth = 0): Action[] {
  if (depth > 16) throw new OfDecodeError('bad_value', 'actions nested too deeply');
  const out: Action[] = [];
  while (r.remaining > 0) out.push(decodeOne(r, depth));
  return out;
}

/** Decodes instructions back into the flat model list (apply-actions first, then instruction items). */
export function decodeInstructions(r: Reader): Action[] {
  const apply: Action[] = [];
  const tail: Action[] = [];
  let meter: Action | undefined;
  while (r.remaining > 0) {
    const type = r.u16('instruction type');
    const len = r.u16('instruction length');
    if (len < 8 || len % 8) throw new OfDecodeError('bad_length', `instruction length ${len}`);
    const b = r.sub(len - 4, 'instruction');
    switch (type) {
      case OFPIT.APPLY_ACTIONS:
        b.skip(4);
        apply.push(...decodeActionList(b));
        break;
      case OFPIT.WRITE_ACTIONS:
        b.skip(4);
        tail.push({ type: 'write_actions', actions: decodeActionList(b) });
        break;
      case OFPIT.CLEAR_ACTIONS:
        tail.push({ type: 'clear_actions' });
        break;
      case OFPIT.WRITE_METADATA: {
        b.skip(4);
        const value = b.u64();
        const mask = b.u64();
        tail.push(mask === ones(64) ? { type: 'write_metadata', value } : { type: 'write_metadata', value, mask });
        break;
      }
      case OFPIT.GOTO_TABLE:
        tail.push({ type: 'goto_table', table: b.u8() });
        break;
      case OFPIT.METER:
        meter = { type: 'meter', meterId: b.u32() };
        break;
      default:
        throw new OfDecodeError('unknown', `instruction type ${type}`);
    }
  }
  const order = ['clear_actions', 'write_actions', 'write_metadata', 'goto_table'];
  tail.sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
  return [...(meter ? [meter] : []), ...apply, ...tail];
}
