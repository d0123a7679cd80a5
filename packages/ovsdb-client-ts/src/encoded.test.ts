import { describe, expect, it } from 'vitest';
import { EncodedOps } from './encoded.js';

describe('EncodedOps', () => {
  it('joins operations with commas across buffer boundaries, in UTF-8', () => {
    const e = new EncodedOps();
    const ops: unknown[] = [];
    for (let i = 0; i < 3000; i++) {
      const op = { op: 'comment', comment: `${'x'.repeat(i % 7 === 0 ? 5000 : 40)} é → ${i}` };
      ops.push(op);
      e.begin()
        .text('{"op":"comment",')
        .text(`"comment":${JSON.stringify(op.comment)}}`);
    }
    e.begin().text(JSON.stringify({ op: 'comment', comment: 'y'.repeat(3 << 20) }));
    ops.push({ op: 'comment', comment: 'y'.repeat(3 << 20) });
    const whole = Buffer.concat(e.pieces());
    expect(e.length).toBe(3001);
    expect(e.byteLength).toBe(whole.length);
    expect(JSON.parse(`[${whole.toString('utf8')}]`)).toEqual(ops);
  });
});
