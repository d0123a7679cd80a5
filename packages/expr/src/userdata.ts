// Userdata of OVN's `controller` actions: an 8-byte header carrying the pinctrl opcode, then
// opcode-specific data — for the packet-building actions (arp, icmp4, nd_na, tcp_reset, …) the nested
// actions encoded as OpenFlow 1.5 actions, which pinctrl executes on the packet it builds.
import { type Action, type FieldDef, type FieldName, type Subfield, field, fieldBits, ones } from '@ovnts/openflow';

/** pinctrl opcodes (ovn/actions.h ACTION_OPCODE_*), in wire order. */
export const OPCODE = {
  arp: 0,
  putArp: 1,
  putDhcpOpts: 2,
  ndNa: 3,
  putNd: 4,
  putDhcpv6Opts: 5,
  dnsLookup: 6,
  log: 7,
  putNdRaOpts: 8,
  ndNs: 9,
  icmp: 10,
  tcpReset: 11,
  ndNaRouter: 12,
  putIcmp4FragMtu: 13,
  icmp4Error: 14,
  event: 15,
  igmp: 16,
  bindVport: 17,
  handleSvcCheck: 18,
  dhcp6Server: 19,
  icmp6Error: 20,
  putIcmp6FragMtu: 21,
  reject: 22,
  bfdMsg: 23,
  sctpAbort: 24,
  putFdb: 25,
  activationStrategyRarp: 26,
} as const;

export class UnencodableAction extends Error {}

class Bytes {
  readonly b: number[] = [];
  u8(v: number): this {
    this.b.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.u8(v >>> 8).u8(v);
  }
  u32(v: number): this {
    return this.u16(Math.floor(v / 0x10000)).u16(v & 0xffff);
  }
  big(v: bigint, bytes: number): this {
    for (let i = bytes - 1; i >= 0; i--) this.u8(Number((v >> BigInt(8 * i)) & 0xffn));
    return this;
  }
  pad8(from: number): this {
    while ((this.b.length - from) % 8) this.u8(0);
    return this;
  }
}

/** OF1.5 picks the OpenFlow-basic (OXM) header when the field has one; NXM otherwise. */
function oxmHeader(d: FieldDef, hasMask: boolean, payload: number): number {
  const h = d.headers[0]!;
  return ((h.oxmClass << 16) | (((h.oxmField << 1) | (hasMask ? 1 : 0)) << 8) | payload) >>> 0;
}

/** The Nicira actions (stack push/pop) always name fields by their oldest NXM header. */
function nxmHeader(d: FieldDef): number {
  const h = d.headers.find((x) => x.oxmClass <= 1) ?? d.headers[0]!;
  return ((h.oxmClass << 16) | (h.oxmField << 9) | d.bytes) >>> 0;
}

function putSetField(w: Bytes, name: FieldName, value: bigint, mask: bigint | undefined): void {
  const d = field(name);
  const full = ones(fieldBits(d));
  const masked = mask !== undefined && (mask & full) !== full;
  const payload = d.bytes * (masked ? 2 : 1);
  const start = w.b.length;
  const len = Math.ceil((4 + 4 + payload) / 8) * 8;
  w.u16(25)
    .u16(len)
    .u32(oxmHeader(d, masked, payload))
    .big(value, d.bytes);
  if (masked) w.big(mask!, d.bytes);
  w.pad8(start);
}

function putCopyField(w: Bytes, src: Subfield, dst: Subfield): void {
  // OFPAT_COPY_FIELD: n_bits, src_offset, dst_offset, pad, src OXM, dst OXM.
  const start = w.b.length;
  const s = field(src.field);
  const d = field(dst.field);
  w.u16(28).u16(24).u16(src.nBits).u16(src.start).u16(dst.start).u16(0);
  w.u32(oxmHeader(s, false, s.bytes)).u32(oxmHeader(d, false, d.bytes));
  w.pad8(start);
}

function putStack(w: Bytes, push: boolean, sf: Subfield): void {
  const d = field(sf.field);
  w.u16(0xffff)
    .u16(24)
    .u32(0x2320)
    .u16(push ? 27 : 28)
    .u16(sf.start)
    .u32(nxmHeader(d))
    .u16(sf.nBits);
  for (let i = 0; i < 6; i++) w.u8(0);
}

function putResubmit(w: Bytes, table: number): void {
  w.u16(0xffff).u16(16).u32(0x2320).u16(14).u16(0xfff8).u8(table).u8(0).u8(0).u8(0);
}

const REASONS = { no_match: 0, action: 1, invalid_ttl: 2, action_set: 3, group: 4, packet_out: 5 } as const;

/** NXAST_CONTROLLER2: a 16-byte header, then properties for every non-default setting. */
function putController2(w: Bytes, a: Extract<Action, { type: 'controller' }>): void {
  const start = w.b.length;
  w.u16(0xffff).u16(0).u32(0x2320).u16(37);
  for (let i = 0; i < 6; i++) w.u8(0);
  const prop = (type: number, body: number[]) => {
    const ps = w.b.length;
    w.u16(type).u16(4 + body.length);
    for (const x of body) w.u8(x);
    w.pad8(ps);
  };
  if (a.maxLen !== undefined && a.maxLen !== 0xffff) prop(0, [a.maxLen >>> 8, a.maxLen & 0xff, 0, 0]);
  if (a.controllerId) prop(1, [a.controllerId >>> 8, a.controllerId & 0xff, 0, 0]);
  if (a.reason && a.reason !== 'action') prop(2, [REASONS[a.reason], 0, 0, 0]);
  if (a.userdata?.length) prop(3, [...a.userdata]);
  if (a.pause) prop(4, []);
  if (a.meterId !== undefined) prop(5, new Bytes().u32(a.meterId).b);
  const len = w.b.length - start;
  w.b[start + 2] = len >>> 8;
  w.b[start + 3] = len & 0xff;
}

/** OpenFlow 1.5 wire encoding of the action kinds that appear inside OVN nested actions. */
export function encodeActionsOf15(actions: readonly Action[]): number[] {
  const w = new Bytes();
  for (const a of actions) {
    switch (a.type) {
      case 'set_field':
        putSetField(w, a.field, a.value, a.mask);
        break;
      case 'move':
        putCopyField(w, a.src, a.dst);
        break;
      case 'push':
      case 'pop':
        putStack(w, a.type === 'push', a.field);
        break;
      case 'resubmit':
        putResubmit(w, a.table ?? 255);
        break;
      case 'dec_ttl':
        // OFPAT_DEC_NW_TTL
        w.u16(24).u16(8).u32(0);
        break;
      case 'controller':
        putController2(w, a);
        break;
      case 'ct_clear':
        w.u16(0xffff).u16(16).u32(0x2320).u16(43).u16(0).u32(0);
        break;
      default:
        throw new UnencodableAction(`cannot encode ${a.type} inside a controller action`);
    }
  }
  return w.b;
}

/** The 8-byte action header (opcode + pad) followed by `body`. */
export function controllerUserdata(opcode: number, body: readonly number[] = []): Uint8Array {
  const w = new Bytes().u32(opcode).u32(0);
  return Uint8Array.from([...w.b, ...body]);
}

/** An OXM header as pinctrl expects it for dns_lookup's result field. */
export function fieldHeaderBytes(name: FieldName): number[] {
  const d = field(name);
  return new Bytes().u32(oxmHeader(d, false, d.bytes)).b;
}
