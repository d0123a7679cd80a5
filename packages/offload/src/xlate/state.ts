// Packet + pipeline metadata as one map of field values. xreg/xxreg are views of the 32-bit regs, as in OVS,
// so a write through one name is seen through the others.
import { field, fieldBits, ones, type FieldName, type Subfield } from '@ovnts/openflow';

type Parts = readonly { readonly reg: FieldName; readonly shift: number }[];

/** How a wide register is made of 32-bit regs (most significant first). */
function regParts(name: FieldName): Parts | undefined {
  let m = /^xxreg(\d)$/.exec(name);
  if (m) {
    const n = Number(m[1]);
    return [0, 1, 2, 3].map((i) => ({ reg: `reg${4 * n + i}` as FieldName, shift: 96 - 32 * i }));
  }
  m = /^xreg(\d)$/.exec(name);
  if (m) {
    const n = Number(m[1]);
    return [0, 1].map((i) => ({ reg: `reg${2 * n + i}` as FieldName, shift: 32 - 32 * i }));
  }
  return undefined;
}

export function widthOf(name: FieldName): number {
  return fieldBits(field(name));
}

export class PacketState {
  private readonly values: Map<FieldName, bigint>;
  /** The OpenFlow stack (push/pop). */
  readonly stack: bigint[];

  constructor(init?: Iterable<readonly [FieldName, bigint]>, stack: readonly bigint[] = []) {
    this.values = new Map(init);
    this.stack = [...stack];
  }

  clone(): PacketState {
    return new PacketState(this.values, this.stack);
  }

  get(name: FieldName): bigint {
    const parts = regParts(name);
    if (parts) return parts.reduce((acc, p) => acc | ((this.values.get(p.reg) ?? 0n) << BigInt(p.shift)), 0n);
    return this.values.get(name) ?? 0n;
  }

  /** Write `value` under `mask` (all ones when absent). */
  set(name: FieldName, value: bigint, mask?: bigint): void {
    const full = ones(widthOf(name));
    const m = (mask ?? full) & full;
    const next = (this.get(name) & ~m & full) | (value & m);
    const parts = regParts(name);
    if (parts) for (const p of parts) this.values.set(p.reg, (next >> BigInt(p.shift)) & 0xffffffffn);
    else this.values.set(name, next);
  }

  getSub(s: Subfield): bigint {
    return (this.get(s.field) >> BigInt(s.start)) & ones(s.nBits);
  }

  setSub(s: Subfield, value: bigint): void {
    const mask = ones(s.nBits) << BigInt(s.start);
    this.set(s.field, (value & ones(s.nBits)) << BigInt(s.start), mask);
  }
}
