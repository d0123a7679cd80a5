// JSON.parse of one big message in pieces. A 14 MB monitor reply costs one uninterruptible JSON.parse of
// seconds on a loaded machine, during which a daemon answers no probe. Here the message is first joined from
// its pieces and scanned once (every big container's end recorded), then each big object or array is walked
// member by member and only small members go to JSON.parse. Every step is a generator step, so the caller can
// stop between steps and serve its event loop. The result equals JSON.parse's for valid JSON (strings and
// small values are JSON.parse'd, so escapes and numbers are exact).
import { performance } from 'node:perf_hooks';

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;

/** Values shorter than this (bytes) are parsed whole. */
const LEAF_BYTES = 1 << 16;

function isSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

function skipSpace(buf: Buffer, i: number, end: number): number {
  while (i < end && isSpace(buf[i])) i++;
  return i;
}

/** The index just past the string starting at `i` (a quote). */
function stringEnd(buf: Buffer, i: number, end: number): number {
  let j = i + 1;
  for (;;) {
    const q = buf.indexOf(QUOTE, j);
    if (q < 0 || q >= end) throw new SyntaxError('unterminated string');
    let k = q - 1;
    while (k > i && buf[k] === BACKSLASH) k--;
    if ((q - 1 - k) % 2 === 0) return q + 1; // an even run of backslashes: the quote ends the string
    j = q + 1;
  }
}

/** Bytes scanned (or copied) per generator step. */
const STEP_BYTES = 1 << 16;

/**
 * One pass over buf[start, end): records the end of every container of at least LEAF_BYTES (start → end),
 * yielding every STEP_BYTES. Smaller containers are found again by valueEnd (at most LEAF_BYTES each).
 */
function* indexContainers(buf: Buffer, start: number, end: number, ends: Map<number, number>): Generator<void> {
  const open: number[] = [];
  let next = start + STEP_BYTES;
  let i = start;
  while (i < end) {
    if (i >= next) {
      next = i + STEP_BYTES;
      yield;
    }
    const c = buf[i]!;
    if (c === QUOTE) {
      i = stringEnd(buf, i, end);
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) open.push(i);
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      const s = open.pop();
      if (s === undefined) throw new SyntaxError(`unbalanced '${String.fromCharCode(c)}' at byte ${i}`);
      if (i + 1 - s >= LEAF_BYTES) ends.set(s, i + 1);
    }
    i++;
  }
  if (open.length) throw new SyntaxError('unterminated container');
}

/** The index just past the JSON value starting at `i` (no leading space); big containers come from `ends`. */
function valueEnd(buf: Buffer, i: number, end: number, ends: ReadonlyMap<number, number>): number {
  const b = buf[i];
  if (b === QUOTE) return stringEnd(buf, i, end);
  if (b === OPEN_BRACE || b === OPEN_BRACKET) {
    const known = ends.get(i);
    if (known !== undefined) return known;
    let depth = 0;
    let j = i;
    while (j < end) {
      const c = buf[j]!;
      if (c === QUOTE) {
        j = stringEnd(buf, j, end);
        continue;
      }
      j++;
      if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --depth === 0) return j;
    }
    throw new SyntaxError('unterminated container');
  }
  // A number, true, false or null: up to the next delimiter.
  let j = i;
  while (j < end) {
    const c = buf[j]!;
    if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isSpace(c)) break;
    j++;
  }
  return j;
}

/**
 * Parses buf[start, end) (one JSON value, no surrounding space); yields between members of big containers.
 * The value is the generator's return value.
 */
function* parseValue(
  buf: Buffer,
  start: number,
  end: number,
  ends: ReadonlyMap<number, number>,
): Generator<void, unknown> {
  const first = buf[start];
  if (end - start < LEAF_BYTES || (first !== OPEN_BRACE && first !== OPEN_BRACKET)) {
    return JSON.parse(buf.toString('utf8', start, end)) as unknown;
  }
  const isObject = first === OPEN_BRACE;
  const close = isObject ? CLOSE_BRACE : CLOSE_BRACKET;
  const obj: Record<string, unknown> = {};
  const arr: unknown[] = [];
  let i = skipSpace(buf, start + 1, end);
  if (buf[i] === close) return isObject ? obj : arr;
  for (;;) {
    let key = '';
    if (isObject) {
      if (buf[i] !== QUOTE) throw new SyntaxError(`expected a member name at byte ${i}`);
      const k = stringEnd(buf, i, end);
      key = JSON.parse(buf.toString('utf8', i, k)) as string;
      i = skipSpace(buf, k, end);
      if (buf[i] !== COLON) throw new SyntaxError(`expected ':' at byte ${i}`);
      i = skipSpace(buf, i + 1, end);
    }
    const e = valueEnd(buf, i, end, ends);
    const v = yield* parseValue(buf, i, e, ends);
    if (isObject) {
      // As JSON.parse: a "__proto__" member is an own property, not the prototype.
      if (key === '__proto__')
        Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
      else obj[key] = v;
    } else arr.push(v);
    yield;
    i = skipSpace(buf, e, end);
    if (buf[i] === COMMA) {
      i = skipSpace(buf, i + 1, end);
      continue;
    }
    if (buf[i] === close && skipSpace(buf, i + 1, end) === end) return isObject ? obj : arr;
    throw new SyntaxError(`unexpected byte at ${i}`);
  }
}

/** Joins pieces into one buffer, a step at a time. */
function* join(parts: readonly Buffer[], total: number, out: { buf?: Buffer }): Generator<void> {
  if (parts.length === 1) {
    out.buf = parts[0]!;
    return;
  }
  const buf = Buffer.allocUnsafe(total);
  let at = 0;
  for (const p of parts) {
    for (let k = 0; k < p.length; k += STEP_BYTES) {
      at += p.copy(buf, at, k, Math.min(p.length, k + STEP_BYTES));
      yield;
    }
  }
  out.buf = buf;
}

function* parseAll(parts: readonly Buffer[], total: number): Generator<void, unknown> {
  const joined: { buf?: Buffer } = {};
  yield* join(parts, total, joined);
  const buf = joined.buf!;
  const a = skipSpace(buf, 0, buf.length);
  let z = buf.length;
  while (z > a && isSpace(buf[z - 1])) z--;
  const ends = new Map<number, number>();
  yield* indexContainers(buf, a, z, ends);
  return yield* parseValue(buf, a, z, ends);
}

/**
 * Parses one JSON message given as consecutive pieces, calling `pause` about every `sliceMs` of work (it
 * resolves when work may go on).
 */
export async function parseSliced(
  parts: Buffer | readonly Buffer[],
  sliceMs: number,
  pause: () => Promise<void>,
): Promise<unknown> {
  const list = Buffer.isBuffer(parts) ? [parts] : parts;
  const gen = parseAll(
    list,
    list.reduce((n, p) => n + p.length, 0),
  );
  let until = performance.now() + sliceMs;
  for (let n = 1; ; n++) {
    const r = gen.next();
    if (r.done) return r.value;
    if ((n & 7) === 0 && performance.now() >= until) {
      await pause();
      until = performance.now() + sliceMs;
    }
  }
}
