import { describe, expect, it } from 'vitest';
import { RetryBackoff } from './retry-backoff.js';

describe('RetryBackoff', () => {
  it('doubles to 10 s, logs new errors at once and repeats every 8th time, resets on success', () => {
    const b = new RetryBackoff();
    const rounds = Array.from({ length: 9 }, () => b.next('refused'));
    expect(rounds.map((r) => r.delayMs)).toEqual([200, 400, 800, 1600, 3200, 6400, 10_000, 10_000, 10_000]);
    expect(rounds.map((r) => r.log?.count)).toEqual([
      1,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      8,
      undefined,
    ]);
    expect(b.next('another').log).toEqual({ err: 'another', count: 10 });
    b.reset();
    expect(b.next('refused')).toEqual({ delayMs: 200, log: { err: 'refused', count: 1 } });
  });
});
