import { describe, expect, it } from 'vitest';
import { parseSliced } from './sliced-parse.js';

/** A deterministic pseudo-random generator (tests must repeat). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const STRINGS = [
  '',
  'plain',
  'quote " inside',
  'back\\slash\\',
  'ends with \\',
  'tab\tnew\nline',
  'é ü 中文 🚀',
  '{[":,]}',
];

function value(r: () => number, depth: number): unknown {
  const k = Math.floor(r() * (depth > 3 ? 5 : 8));
  switch (k) {
    case 0:
      return STRINGS[Math.floor(r() * STRINGS.length)];
    case 1:
      return Math.floor(r() * 1e6) - 5e5;
    case 2:
      return r() < 0.5 ? r() * 1e-3 : -r() * 1e12;
    case 3:
      return [true, false, null][Math.floor(r() * 3)];
    case 4:
      return `s${Math.floor(r() * 1e9)}`;
    case 5:
    case 6: {
      const o: Record<string, unknown> = {};
      const n = Math.floor(r() * (depth < 2 ? 400 : 6));
      for (let i = 0; i < n; i++) o[`${STRINGS[i % STRINGS.length]}${i}`] = value(r, depth + 1);
      return o;
    }
    default:
      return Array.from({ length: Math.floor(r() * (depth < 2 ? 400 : 6)) }, () => value(r, depth + 1));
  }
}

const pauses = { n: 0 };
const pause = () => {
  pauses.n++;
  return new Promise<void>((r) => setImmediate(r));
};

describe('parseSliced', () => {
  it('equals JSON.parse on big nested values (escapes, unicode, numbers, empty containers)', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const v = { id: seed, result: [value(rng(seed), 0), value(rng(seed + 100), 0)], error: null, e: {}, a: [] };
      const text = `  ${JSON.stringify(v, null, seed % 2 ? 1 : undefined)}\n`;
      expect(await parseSliced(Buffer.from(text), 5, pause)).toEqual(JSON.parse(text));
    }
  });

  it('walks a multi-megabyte monitor reply member by member and pauses in between', async () => {
    const rows: Record<string, unknown> = {};
    for (let i = 0; i < 20000; i++)
      rows[`uuid-${i}`] = { initial: { match: `outport == "p${i}" && ip4`, actions: 'next;', priority: i % 100 } };
    const text = JSON.stringify({ id: 7, result: [false, 'txn', { Logical_Flow: rows, Empty: {} }], error: null });
    expect(text.length).toBeGreaterThan(1 << 20);
    pauses.n = 0;
    const got = await parseSliced(Buffer.from(text), 0, pause);
    expect(got).toEqual(JSON.parse(text));
    expect(pauses.n).toBeGreaterThan(100);
  });

  it('joins a message given in pieces split anywhere (inside strings and UTF-8 sequences)', async () => {
    const v = { result: [value(rng(7), 0), 'é ü 中文 🚀'.repeat(5000)] };
    const whole = Buffer.from(JSON.stringify(v));
    const r = rng(99);
    const parts: Buffer[] = [];
    for (let at = 0; at < whole.length;) {
      const n = 1 + Math.floor(r() * 100_000);
      parts.push(whole.subarray(at, at + n));
      at += n;
    }
    expect(parts.length).toBeGreaterThan(3);
    expect(await parseSliced(parts, 5, pause)).toEqual(v);
  });

  it('keeps a "__proto__" member as an own property, as JSON.parse does', async () => {
    const text = `{"__proto__": {"x": 1}, "big": "${'y'.repeat(70_000)}"}`;
    const got = (await parseSliced(Buffer.from(text), 5, pause)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
    expect(got).toEqual(JSON.parse(text));
  });

  it('rejects malformed big messages', async () => {
    const big = `[${'1,'.repeat(40_000)}2`;
    await expect(parseSliced(Buffer.from(`${big} 3]`), 5, pause)).rejects.toThrow(SyntaxError);
    await expect(parseSliced(Buffer.from(`{"a" 1, "b": "${'x'.repeat(70_000)}"}`), 5, pause)).rejects.toThrow(
      SyntaxError,
    );
    await expect(parseSliced(Buffer.from(`[${'"x",'.repeat(20_000)}"open]`), 5, pause)).rejects.toThrow(SyntaxError);
  });
});
