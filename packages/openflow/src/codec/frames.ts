// Splits a byte stream into OpenFlow messages using the 16-bit length in each header.
import { OfDecodeError } from './buffer.js';

export class FrameSplitter {
  private pending: Buffer[] = [];
  private size = 0;

  /** Feeds bytes; returns the complete messages now available. */
  push(chunk: Buffer): Buffer[] {
    this.pending.push(chunk);
    this.size += chunk.length;
    const out: Buffer[] = [];
    if (this.size < 8) return out;
    let buf = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.size);
    let off = 0;
    while (buf.length - off >= 8) {
      const len = buf.readUInt16BE(off + 2);
      if (len < 8) throw new OfDecodeError('bad_length', `frame length ${len}`);
      if (buf.length - off < len) break;
      out.push(buf.subarray(off, off + len));
      off += len;
    }
    buf = buf.subarray(off);
    this.pending = buf.length ? [buf] : [];
    this.size = buf.length;
    return out;
  }
}
