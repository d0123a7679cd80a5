import { describe, expect, it } from 'vitest';
import { fullGc } from './heap-trim.js';

describe('fullGc', () => {
  it('collects garbage without node --expose-gc and reports the heap before and after', () => {
    let garbage: number[][] | undefined = Array.from({ length: 2000 }, (_, i) => new Array<number>(1000).fill(i));
    expect(garbage.length).toBe(2000);
    garbage = undefined;
    const { beforeMb, afterMb } = fullGc();
    expect(beforeMb - afterMb).toBeGreaterThanOrEqual(5); // ~16 MB of arrays, mostly promoted to the old generation by now
    // Exposed once, callable again.
    expect(fullGc().afterMb).toBeLessThanOrEqual(afterMb + 1);
  });
});
