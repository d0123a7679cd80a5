import { describe, expect, it } from 'vitest';
import { adjustHeapGrowth, limitHeapGrowth } from './heap-growth.js';

describe('adjustHeapGrowth', () => {
  it('keeps V8 own growth until the daemon asks for the policy, then limits it while the heap is small', () => {
    expect(adjustHeapGrowth()).toBe(false);
    limitHeapGrowth();
    // A test process's heap is far under the threshold.
    expect(adjustHeapGrowth()).toBe(true);
  });
});
