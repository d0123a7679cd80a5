import { describe, expect, it } from 'vitest';
import { LoggedOnce } from './logged-once.js';

describe('LoggedOnce', () => {
  it('says first once per distinct message', () => {
    const l = new LoggedOnce(100);
    expect(l.first('lsp "a": bad address')).toBe(true);
    expect(l.first('lsp "a": bad address')).toBe(false);
    expect(l.first('lsp "b": bad address')).toBe(true);
    expect(l.size).toBe(2);
  });

  it('keeps at most its limit, forgetting the oldest', () => {
    const l = new LoggedOnce(3);
    for (const m of ['m1', 'm2', 'm3', 'm4']) expect(l.first(m)).toBe(true);
    expect(l.size).toBe(3);
    expect(l.first('m4')).toBe(false);
    expect(l.first('m1')).toBe(true); // forgotten, so logged again
  });

  it('tells apart many similar messages', () => {
    const l = new LoggedOnce(200_000);
    for (let i = 0; i < 100_000; i++)
      expect(l.first(`Logical_Switch_Port "p${i}": duplicate IP 10.0.${i >> 8}.${i & 255}`)).toBe(true);
  });
});
