// Writing a controller action's result bit (pure): put_dhcp_opts, dns_lookup and friends name a 1-bit
// subfield (OXM header + bit offset) that pinctrl sets in the packet's metadata before resuming it. The
// switch reports registers as reg/xreg entries; an xxreg bit lands in the 32-bit register that holds it.
import { type MatchEntry, Reader, fieldByHeader } from '@ovnts/openflow';

export class ResultFieldError extends Error {
  override readonly name = 'ResultFieldError';
}

/** The result subfield at the start of a userdata body: OXM header (4 bytes), then the bit offset (4 bytes). */
export function readResultField(body: Buffer): { reg: number; bit: number; rest: Buffer } {
  if (body.length < 8) throw new ResultFieldError('userdata too short for a result field');
  const r = new Reader(body);
  const header = r.u32();
  const ofs = r.u32();
  const def = fieldByHeader(header >>> 16, (header >>> 9) & 0x7f);
  const m = def ? /^(x{0,2})reg(\d+)$/.exec(def.name) : null;
  if (!def || !m) throw new ResultFieldError(`result field is not a register (${header.toString(16)})`);
  const words = m[1] === 'xx' ? 4 : m[1] === 'x' ? 2 : 1;
  const n = Number(m[2]);
  if (ofs >= words * 32) throw new ResultFieldError(`result bit ${ofs} outside ${def.name}`);
  // The most significant 32 bits of a wide register are its lowest-numbered reg.
  const reg = n * words + (words - 1 - Math.floor(ofs / 32));
  return { reg, bit: ofs % 32, rest: body.subarray(8) };
}

/** The metadata with bit `bit` of 32-bit register `reg` set to `value`. */
export function withRegisterBit(md: readonly MatchEntry[], reg: number, bit: number, value: boolean): MatchEntry[] {
  const out = [...md];
  const set = (v: bigint, pos: bigint) => (value ? v | (1n << pos) : v & ~(1n << pos));
  const i = out.findIndex((e) => e.field === `reg${reg}`);
  if (i >= 0) {
    out[i] = { ...out[i]!, value: set(out[i]!.value, BigInt(bit)) };
    return out;
  }
  const x = out.findIndex((e) => e.field === `xreg${reg >> 1}`);
  if (x >= 0) {
    out[x] = { ...out[x]!, value: set(out[x]!.value, BigInt(bit + (reg % 2 === 0 ? 32 : 0))) };
    return out;
  }
  if (value) out.push({ field: `reg${reg}` as MatchEntry['field'], value: 1n << BigInt(bit) });
  return out;
}
