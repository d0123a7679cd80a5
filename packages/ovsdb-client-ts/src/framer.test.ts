import { describe, expect, it } from 'vitest';
import { FramingError } from './errors.js';
import { JsonFramer, RawMessage } from './framer.js';

function feedAll(chunks: Buffer[]): unknown[] {
  const f = new JsonFramer();
  return chunks.flatMap((c) => f.push(c));
}

function splitAt(buf: Buffer, cuts: number[]): Buffer[] {
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    out.push(buf.subarray(prev, c));
    prev = c;
  }
  out.push(buf.subarray(prev));
  return out;
}

describe('JsonFramer', () => {
  const messages = [
    { id: 1, method: 'echo', params: ['{not a brace}', '[', ']'] },
    { id: null, method: 'update2', params: ['m1', { T: { u: { insert: { s: 'quote " and \\ backslash \\" }' } } } }] },
    { id: 2, result: ['ünïcödé 🚀 日本語', { nested: [[[{}]]] }], error: null },
    [1, 2, 3],
  ];
  const wire = Buffer.from(messages.map((m) => JSON.stringify(m)).join('\n  '));

  it('takes a chunk that is exactly one message whole, and scans anything else', () => {
    const one = (m: unknown) => Buffer.from(` ${JSON.stringify(m)}\n`);
    const f = new JsonFramer();
    expect(f.push(one(messages[1]))).toEqual([messages[1]]);
    expect(f.pending).toBe(false);
    // Two messages in one chunk; one and a part of the next that happens to end in a brace.
    expect(f.push(Buffer.concat([one(messages[0]), one(messages[2])]))).toEqual([messages[0], messages[2]]);
    const next = Buffer.from('{"id":3,"result":{"a":{}}}');
    expect(f.push(Buffer.concat([one(messages[3]), next.subarray(0, 20)]))).toEqual([messages[3]]);
    expect(f.pending).toBe(true);
    expect(f.push(next.subarray(20))).toEqual([{ id: 3, result: { a: {} } }]);
    // A message's tail that is valid JSON by itself is not taken for a message.
    const m = Buffer.from('{"id":4,"result":[{"x":1}]}');
    expect(f.push(m.subarray(0, 17))).toEqual([]);
    expect(f.push(m.subarray(17))).toEqual([{ id: 4, result: [{ x: 1 }] }]);
    expect(() => f.push(Buffer.from('{"bad": tru}'))).toThrow(FramingError);
  });

  it('parses concatenated values with whitespace between them', () => {
    expect(feedAll([wire])).toEqual(messages);
  });

  it('gives the same result for every single split point (incl. inside UTF-8 sequences and escapes)', () => {
    for (let i = 0; i <= wire.length; i++) expect(feedAll(splitAt(wire, [i]))).toEqual(messages);
  });

  it('handles one byte at a time', () => {
    expect(feedAll([...wire].map((b) => Buffer.from([b])))).toEqual(messages);
  });

  it('handles random multi-way splits', () => {
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 300; n++) {
      const cuts = Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => Math.floor(rnd() * wire.length));
      expect(feedAll(splitAt(wire, cuts))).toEqual(messages);
    }
  });

  it('reassembles a large message from many chunks', () => {
    const big = { id: 7, result: Array.from({ length: 50_000 }, (_, i) => ({ k: `v${i}{}[]"` })), error: null };
    const buf = Buffer.from(JSON.stringify(big));
    const chunks: Buffer[] = [];
    for (let i = 0; i < buf.length; i += 65_536) chunks.push(buf.subarray(i, i + 65_536));
    const f = new JsonFramer();
    const out: unknown[] = [];
    for (const c of chunks) {
      out.push(...f.push(c));
      if (out.length === 0) expect(f.pending).toBe(true);
    }
    expect(out).toEqual([big]);
    expect(f.pending).toBe(false);
  });

  it('rejects junk between messages and invalid JSON with FramingError, and stays failed', () => {
    const f = new JsonFramer();
    expect(() => f.push(Buffer.from('{"a":1} x'))).toThrow(FramingError);
    expect(() => f.push(Buffer.from('{}'))).toThrow(FramingError);
    expect(() => new JsonFramer().push(Buffer.from('{"a":}'))).toThrow(FramingError);
    expect(() => new JsonFramer().push(Buffer.from('{"a":1]'))).toThrow(FramingError);
    const g = new JsonFramer();
    g.push(Buffer.from('{"a'));
    g.reset();
    expect(g.push(Buffer.from('{"b":2}'))).toEqual([{ b: 2 }]);
  });

  it('enforces the size limit', () => {
    const f = new JsonFramer({ maxMessageBytes: 100 });
    expect(() => f.push(Buffer.from(`{"a":"${'x'.repeat(200)}`))).toThrow(FramingError);
  });

  it('hands messages of rawMessageBytes or more over unparsed, in their pieces, between parsed ones', () => {
    const big = { id: 2, result: 'x'.repeat(5000) };
    const text = Buffer.from(`{"id":1,"result":[]}${JSON.stringify(big)}{"id":3,"result":null}`);
    const f = new JsonFramer({ rawMessageBytes: 4096 });
    const out = splitAt(text, [10, 1000, 3000, 5010]).flatMap((c) => f.push(c));
    expect(out).toHaveLength(3);
    expect(out[0]).toEqual({ id: 1, result: [] });
    expect(out[2]).toEqual({ id: 3, result: null });
    const raw = out[1];
    expect(raw).toBeInstanceOf(RawMessage);
    const { parts, length } = raw as RawMessage;
    expect(parts.length).toBeGreaterThan(1);
    expect(JSON.parse(Buffer.concat(parts).toString())).toEqual(big);
    expect(length).toBe(Buffer.concat(parts).length);
  });
});
