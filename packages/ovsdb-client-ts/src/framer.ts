// Splits a byte stream into concatenated JSON values (OVSDB has no length prefix).
// It tracks nesting depth and string/escape state byte by byte, so each byte is looked at once and a
// message's chunks are joined once: linear in message size. Braces and quotes are ASCII, which never
// occur inside a UTF-8 multibyte sequence, so scanning bytes is safe and chunks split mid-character
// are only decoded after joining.

import { FramingError } from './errors.js';

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** Chunks up to this size are first tried as exactly one message (see wholeMessage). */
const FAST_MAX_BYTES = 1 << 20;

/**
 * A chunk read between messages is usually exactly one whole message (a reply, an update): then one
 * native JSON.parse does it, with no byte-by-byte scan (which, in a short-lived process such as a one-shot
 * ovnts-nbctl, runs in the interpreter). The parse succeeds only if the chunk is a single complete JSON
 * value, i.e. exactly the message the scanner would have cut: a prefix of an object that parses on its
 * own is the whole object. Anything else — two messages, or one and part of the next — is scanned.
 */
function wholeMessage(chunk: Buffer): unknown {
  let a = 0;
  let z = chunk.length - 1;
  while (a <= z && isSpace(chunk[a]!)) a++;
  while (z > a && isSpace(chunk[z]!)) z--;
  const first = chunk[a];
  const last = chunk[z];
  if (!((first === OPEN_BRACE && last === CLOSE_BRACE) || (first === OPEN_BRACKET && last === CLOSE_BRACKET)))
    return undefined;
  try {
    return JSON.parse(chunk.toString('utf8', a, z + 1)) as unknown;
  } catch {
    return undefined;
  }
}

export interface FramerOptions {
  /** Largest accepted message in bytes (default 1 GiB); larger ones raise FramingError. */
  maxMessageBytes?: number;
  /** Messages at least this long are returned unparsed, as RawMessage (the caller parses them in slices). */
  rawMessageBytes?: number;
}

/** A complete message left unparsed, as the consecutive pieces it arrived in (see FramerOptions.rawMessageBytes). */
export class RawMessage {
  constructor(
    readonly parts: readonly Buffer[],
    readonly length: number,
  ) {}
}

export class JsonFramer {
  private parts: Buffer[] = [];
  private partBytes = 0;
  private depth = 0;
  private inString = false;
  private escape = false;
  private failed: FramingError | undefined;
  private readonly maxBytes: number;
  private readonly rawBytes: number;

  constructor(opts: FramerOptions = {}) {
    this.maxBytes = opts.maxMessageBytes ?? 1 << 30;
    this.rawBytes = opts.rawMessageBytes ?? Infinity;
  }

  /** True if part of a message has been received but not its end. */
  get pending(): boolean {
    return this.depth > 0;
  }

  /**
   * Feed a chunk; returns the complete values it finished (parsed, or RawMessage when big). After a FramingError the framer
   * stays failed: the stream cannot be resynchronised, the connection must be dropped.
   */
  push(chunk: Buffer): unknown[] {
    if (this.failed) throw this.failed;
    if (
      this.depth === 0 &&
      chunk.length <= FAST_MAX_BYTES &&
      chunk.length <= this.maxBytes &&
      chunk.length < this.rawBytes
    ) {
      const one = wholeMessage(chunk);
      if (one !== undefined) return [one];
    }
    const out: unknown[] = [];
    let start = 0; // start of the current message within this chunk (if it began here)
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.depth === 0) {
        // Between messages: skip whitespace, expect an object or array.
        const b = chunk[i]!;
        if (isSpace(b)) {
          i++;
          continue;
        }
        if (b !== OPEN_BRACE && b !== OPEN_BRACKET) {
          return this.fail(`unexpected byte 0x${b.toString(16)} between messages`);
        }
        this.depth = 1;
        start = i;
        i++;
        continue;
      }
      if (this.inString) {
        // Jump quote to quote with indexOf (native, fast); a quote preceded by an odd run of
        // backslashes is escaped. `escape` carries a pending backslash across chunk boundaries.
        if (this.escape) {
          this.escape = false;
          i++;
          continue;
        }
        const q = chunk.indexOf(QUOTE, i);
        const end = q < 0 ? n : q;
        let k = end - 1;
        while (k >= i && chunk[k] === BACKSLASH) k--;
        const escaped = (end - 1 - k) % 2 === 1;
        if (q < 0) {
          this.escape = escaped;
          i = n;
        } else if (escaped) {
          i = q + 1;
        } else {
          this.inString = false;
          i = q + 1;
        }
        continue;
      }
      const b = chunk[i]!;
      i++;
      if (b === QUOTE) this.inString = true;
      else if (b === OPEN_BRACE || b === OPEN_BRACKET) this.depth++;
      else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        if (--this.depth === 0) {
          const piece = chunk.subarray(start, i);
          const total = this.partBytes + piece.length;
          if (total > this.maxBytes) return this.fail(`message of ${total} bytes exceeds the limit`);
          if (total >= this.rawBytes) {
            // Not joined here: a 14 MB copy is a stall of its own; the caller joins it in slices.
            out.push(new RawMessage([...this.parts, piece], total));
            this.parts = [];
            this.partBytes = 0;
            continue;
          }
          let whole: Buffer;
          if (this.parts.length === 0) whole = piece;
          else {
            this.parts.push(piece);
            whole = Buffer.concat(this.parts, total);
            this.parts = [];
            this.partBytes = 0;
          }
          try {
            out.push(JSON.parse(whole.toString('utf8')));
          } catch (e) {
            return this.fail(`invalid JSON: ${(e as Error).message}`);
          }
        }
      }
    }
    if (this.depth > 0) {
      const piece = chunk.subarray(start);
      // Node hands out a fresh buffer per read, so keeping a reference (no copy) is safe.
      this.parts.push(piece);
      this.partBytes += piece.length;
      if (this.partBytes > this.maxBytes) return this.fail(`message exceeds ${this.maxBytes} bytes`);
    }
    return out;
  }

  /** Forget any partial message (e.g. on reconnect). */
  reset(): void {
    this.parts = [];
    this.partBytes = 0;
    this.depth = 0;
    this.inString = false;
    this.escape = false;
    this.failed = undefined;
  }

  private fail(msg: string): never {
    this.failed = new FramingError(msg);
    this.parts = [];
    this.partBytes = 0;
    throw this.failed;
  }
}
