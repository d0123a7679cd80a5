// Operations encoded as JSON text straight into UTF-8 buffers, for writers of huge transactions: the
// text is never held as JS strings (a string built by concatenation is a rope of small heap objects,
// several times its length in memory), and the buffers are what goes onto the socket.

/**
 * Buffers grow from FIRST_CHUNK to CHUNK: a northd round of a few operations must not allocate a
 * megabyte (external memory that V8 counts towards its next full collection), a cold one of 30 MB
 * should not take thousands of small ones.
 */
const FIRST_CHUNK = 64 << 10;
const CHUNK = 1 << 20;
const FLUSH = 16 << 10;
const EMPTY = Buffer.alloc(0);

/**
 * Memory of buffers that `take` handed over, each filled by an EncodedOps alone and used by nothing after
 * it is written: a stream whose socket lives on another thread (thread-stream.ts) moves it there instead
 * of copying it.
 */
export const handedOver = new WeakSet<ArrayBufferLike>();

export class EncodedOps {
  /** Filled buffers, then the one being filled (`used` bytes of it). */
  private readonly chunks: Buffer[] = [];
  private cur: Buffer = EMPTY;
  private nextSize = FIRST_CHUNK;
  private used = 0;
  /** Text not yet copied into `cur`. */
  private pend = '';
  private count = 0;
  private bytes = 0;

  /** Number of operations appended. */
  get length(): number {
    return this.count;
  }

  /** Total encoded size in bytes. */
  get byteLength(): number {
    this.flush();
    return this.bytes + this.used;
  }

  /** Start a new operation (writes the separator); then append its text with `text`. */
  begin(): this {
    if (this.count++) this.text(',');
    return this;
  }

  /** Append a piece of JSON text to the current operation. */
  text(s: string): this {
    // Pieces are small: gather them in a short string (a young rope, soon garbage) and copy that
    // into the buffer in one write; a native write per piece costs more than the encoding.
    this.pend += s;
    if (this.pend.length >= FLUSH) this.flush();
    return this;
  }

  private flush(): void {
    const s = this.pend;
    if (!s) return;
    this.pend = '';
    // Worst case 3 bytes per UTF-16 unit; usually fits without measuring.
    if (this.used + s.length * 3 > this.cur.length) {
      const need = Buffer.byteLength(s);
      if (this.used + need > this.cur.length) this.next(need);
    }
    this.used += this.cur.write(s, this.used);
  }

  private next(need: number): void {
    if (this.used) {
      this.chunks.push(this.cur.subarray(0, this.used));
      this.bytes += this.used;
    }
    this.cur = Buffer.allocUnsafe(Math.max(this.nextSize, need));
    this.nextSize = Math.min(this.nextSize * 2, CHUNK);
    this.used = 0;
  }

  /**
   * The pieces, handed over: this object forgets them (its count stays), so a sent transaction of
   * tens of megabytes is garbage once the socket has written it, not when its reply arrives.
   */
  take(): Buffer[] {
    const out = this.pieces();
    // Chunks (never from Node's pool: FIRST_CHUNK is past its size) are only ever viewed by `out`.
    for (const b of out) if (b.buffer !== EMPTY.buffer && b.buffer.byteLength >= FIRST_CHUNK) handedOver.add(b.buffer);
    this.pend = '';
    this.chunks.length = 0;
    this.bytes = 0;
    this.cur = EMPTY;
    this.used = 0;
    return out;
  }

  /** The operations' text, comma-separated, in pieces. */
  pieces(): Buffer[] {
    // A small transaction is one exact-size buffer (from Node's pool when tiny), never a chunk.
    if (!this.chunks.length && !this.used) return this.pend ? [Buffer.from(this.pend)] : [];
    this.flush();
    return this.used ? [...this.chunks, this.cur.subarray(0, this.used)] : [...this.chunks];
  }
}
