// OXM/NXM TLVs: the match (struct ofp_match, type OXM) and the single-field headers used by set_field,
// copy_field and the Nicira subfield actions.
import { OXM_CLASS, field, fieldBits, fieldByHeader, type FieldDef, type FieldName } from '../model/fields.js';
import { ones, type Match, type MatchEntry } from '../model/match.js';
import { OfDecodeError, type Reader, type Writer } from './buffer.js';

/** Options shared by the encoders/decoders: tun_metadata widths come from the switch's TLV map. */
export interface CodecOptions {
  /** Byte width of tun_metadataN (default 4, the OVN Geneve option). */
  readonly tlvBytes?: (index: number) => number;
}

export function fieldBytes(d: FieldDef, opts: CodecOptions = {}): number {
  if (d.bytes !== 0) return d.bytes;
  const idx = Number(d.name.slice('tun_metadata'.length));
  return opts.tlvBytes?.(idx) ?? 4;
}

/** Writes a header for `d` with payload length `len` (value+mask bytes). */
export function putHeader(w: Writer, d: FieldDef, hasMask: boolean, payload: number): void {
  const h = d.headers[0]!;
  const exp = h.oxmClass === OXM_CLASS.EXPERIMENTER;
  w.u16(h.oxmClass);
  w.u8((h.oxmField << 1) | (hasMask ? 1 : 0));
  w.u8(payload + (exp ? 4 : 0));
  if (exp) w.u32(h.experimenter ?? 0);
}

/**
 * Header naming a field in a subfield reference (move, learn, output_reg, …). in_port is referenced the way
 * OVS does it there: as the 16-bit NXM_OF_IN_PORT.
 */
export function putSubfieldHeader(w: Writer, name: FieldName, opts: CodecOptions = {}): void {
  if (name === 'in_port') {
    w.u16(0).u8(0).u8(2);
    return;
  }
  const d = field(name);
  putHeader(w, d, false, fieldBytes(d, opts));
}

export interface DecodedHeader {
  readonly def: FieldDef;
  readonly hasMask: boolean;
  /** Bytes of value (+ mask), excluding any experimenter id. */
  readonly payload: number;
  /** NXM_OF_IN_PORT is 16 bits on the wire; the model's in_port is 32. */
  readonly narrowInPort: boolean;
}

export function readHeader(r: Reader): DecodedHeader {
  const cls = r.u16('oxm class');
  const fm = r.u8('oxm field');
  let len = r.u8('oxm length');
  let exp: number | undefined;
  if (cls === OXM_CLASS.EXPERIMENTER) {
    exp = r.u32('oxm experimenter');
    len -= 4;
    if (len < 0) throw new OfDecodeError('bad_length', 'experimenter OXM too short');
  }
  const fld = fm >> 1;
  const hasMask = (fm & 1) === 1;
  if (cls === OXM_CLASS.NXM_0 && fld === 0) return { def: field('in_port'), hasMask, payload: len, narrowInPort: true };
  const def = fieldByHeader(cls, fld, exp);
  if (!def)
    throw new OfDecodeError(
      'unknown',
      `unknown OXM field class=0x${cls.toString(16)} field=${fld}${exp === undefined ? '' : ` exp=0x${exp.toString(16)}`}`,
    );
  return { def, hasMask, payload: len, narrowInPort: false };
}

/** Widens an OF1.0 port number into the 32-bit space. */
export function widenPort(p: number): number {
  return p >= 0xff00 ? p + 0xffff0000 : p;
}

export function encodeEntry(w: Writer, e: MatchEntry, opts: CodecOptions = {}): void {
  const d = field(e.field);
  const n = fieldBytes(d, opts);
  const full = ones(d.bytes === 0 ? n * 8 : d.bits);
  // Hot path (every match entry of every flow): avoid BigInt arithmetic when the value needs no masking.
  if (e.mask === undefined || e.mask === full) {
    putHeader(w, d, false, n);
    w.uint(e.value <= full && e.value >= 0n ? e.value : e.value & full, n);
    return;
  }
  const mask = e.mask & full;
  if (mask === full) return encodeEntry(w, { field: e.field, value: e.value }, opts);
  putHeader(w, d, true, 2 * n);
  w.uint(e.value & mask, n);
  w.uint(mask, n);
}

export function decodeEntry(r: Reader): MatchEntry {
  const h = readHeader(r);
  const n = h.hasMask ? h.payload / 2 : h.payload;
  if (
    !Number.isInteger(n) ||
    n === 0 ||
    (h.def.bytes !== 0 && !h.narrowInPort && n !== h.def.bytes) ||
    (h.narrowInPort && n !== 2) ||
    n > 124
  )
    throw new OfDecodeError('bad_length', `bad length ${h.payload} for ${h.def.name}`);
  let value = r.uint(n, h.def.name);
  const mask = h.hasMask ? r.uint(n, `${h.def.name} mask`) : undefined;
  if (h.narrowInPort) value = BigInt(widenPort(Number(value)));
  return mask === undefined ? { field: h.def.name, value } : { field: h.def.name, value, mask };
}

const rank = (e: MatchEntry) => field(e.field).prereqRank;

/**
 * The entries in an order OVS accepts: it checks each entry's prerequisites against the entries before it,
 * so e.g. arp_op ahead of eth_type is OFPBMC_BAD_PREREQ. Stable sort by prerequisite rank (as ovs-ofctl,
 * which always writes eth_type, then ip fields, then L4 fields); the input array when it is already in order.
 */
export function prereqOrder(match: Match): Match {
  for (let i = 1; i < match.length; i++)
    if (rank(match[i - 1]!) > rank(match[i]!)) return [...match].sort((a, b) => rank(a) - rank(b));
  return match;
}

/** struct ofp_match (OXM type) incl. padding to 8 bytes, fields in prerequisite order. */
export function encodeMatch(w: Writer, match: Match, opts: CodecOptions = {}): void {
  const start = w.length;
  w.u16(1).u16(0);
  for (const e of prereqOrder(match)) encodeEntry(w, e, opts);
  const len = w.length - start;
  w.setU16(start + 2, len);
  w.pad(8, start);
}

export function decodeMatch(r: Reader): MatchEntry[] {
  const type = r.u16('match type');
  const len = r.u16('match length');
  if (type !== 1) throw new OfDecodeError('unknown', `match type ${type} is not OXM`);
  if (len < 4) throw new OfDecodeError('bad_length', `match length ${len}`);
  const body = r.sub(len - 4, 'match');
  const out: MatchEntry[] = [];
  while (body.remaining > 0) out.push(decodeEntry(body));
  const padded = (len + 7) & ~7;
  r.skip(padded - len, 'match padding');
  return out;
}

export type { FieldName };
