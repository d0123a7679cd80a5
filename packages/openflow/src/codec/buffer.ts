// Bounds-checked byte reader and growable writer. Every decode failure is an OfDecodeError, never a RangeError.

export type DecodeErrorCode = 'truncated' | 'bad_length' | 'bad_version' | 'unknown' | 'bad_value';

export class OfDecodeError extends Error {
  override readonly name = 'OfDecodeError';
  constructor(
    readonly code: DecodeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export class Reader {
  private pos: number;
  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }
  get offset(): number {
    return this.pos;
  }
  get remaining(): number {
    return this.end - this.pos;
  }
  private need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.end)
      throw new OfDecodeError(
        'truncated',
        `truncated ${what}: need ${n} bytes at ${this.pos}, have ${this.end - this.pos}`,
      );
  }
  u8(what = 'u8'): number {
    this.need(1, what);
    return this.buf.readUInt8(this.pos++);
  }
  u16(what = 'u16'): number {
    this.need(2, what);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  u32(what = 'u32'): number {
    this.need(4, what);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  u64(what = 'u64'): bigint {
    this.need(8, what);
    const v = this.buf.readBigUInt64BE(this.pos);
    this.pos += 8;
    return v;
  }
  /** An unsigned big-endian integer of any width. */
  uint(n: number, what = 'value'): bigint {
    this.need(n, what);
    if (n <= 6 && n > 0) {
      const v = this.buf.readUIntBE(this.pos, n);
      this.pos += n;
      return BigInt(v);
    }
    if (n === 8) {
      const v = this.buf.readBigUInt64BE(this.pos);
      this.pos += 8;
      return v;
    }
    let v = 0n;
    for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(this.buf[this.pos + i]!);
    this.pos += n;
    return v;
  }
  bytes(n: number, what = 'bytes'): Buffer {
    this.need(n, what);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  skip(n: number, what = 'padding'): void {
    this.need(n, what);
    this.pos += n;
  }
  /** A sub-reader over the next n bytes. */
  sub(n: number, what = 'body'): Reader {
    this.need(n, what);
    const r = new Reader(this.buf, this.pos, this.pos + n);
    this.pos += n;
    return r;
  }
}

export class Writer {
  private buf: Buffer;
  private len = 0;
  /** `initial`: the first buffer's size, or a buffer to write into (its contents are overwritten). */
  constructor(initial: number | Buffer = 256) {
    this.buf = typeof initial === 'number' ? Buffer.allocUnsafe(initial) : initial;
  }
  /** The buffer written into so far (a bigger one replaces the first when it fills up). */
  get backing(): Buffer {
    return this.buf;
  }
  get length(): number {
    return this.len;
  }
  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
  u8(v: number): this {
    this.room(1);
    this.buf.writeUInt8(v & 0xff, this.len++);
    return this;
  }
  u16(v: number): this {
    this.room(2);
    this.buf.writeUInt16BE(v & 0xffff, this.len);
    this.len += 2;
    return this;
  }
  u32(v: number): this {
    this.room(4);
    this.buf.writeUInt32BE(v >>> 0, this.len);
    this.len += 4;
    return this;
  }
  u64(v: bigint): this {
    this.room(8);
    this.buf.writeBigUInt64BE(BigInt.asUintN(64, v), this.len);
    this.len += 8;
    return this;
  }
  uint(v: bigint, n: number): this {
    this.room(n);
    // Fast paths for the common widths; BigInt byte-by-byte is the slow general case.
    if (n <= 6) {
      this.buf.writeUIntBE(Number(BigInt.asUintN(n * 8, v)), this.len, n);
      this.len += n;
      return this;
    }
    if (n === 8) {
      this.buf.writeBigUInt64BE(BigInt.asUintN(64, v), this.len);
      this.len += 8;
      return this;
    }
    let x = v;
    for (let i = n - 1; i >= 0; i--) {
      this.buf[this.len + i] = Number(x & 0xffn);
      x >>= 8n;
    }
    this.len += n;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }
  zeros(n: number): this {
    this.room(n);
    this.buf.fill(0, this.len, this.len + n);
    this.len += n;
    return this;
  }
  /** Zero-pads to a multiple of `align` counted from `from`. */
  pad(align: number, from = 0): this {
    const r = (this.len - from) % align;
    return r ? this.zeros(align - r) : this;
  }
  setU8(at: number, v: number): void {
    this.buf.writeUInt8(v & 0xff, at);
  }
  setU16(at: number, v: number): void {
    this.buf.writeUInt16BE(v & 0xffff, at);
  }
  setU32(at: number, v: number): void {
    this.buf.writeUInt32BE(v >>> 0, at);
  }
  finish(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}
