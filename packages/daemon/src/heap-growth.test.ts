import { describe, expect, it, vi } from 'vitest';
import { adjustHeapGrowth, heapGrowingPercent, limitHeapGrowth, relaxHeapGrowth } from './heap-growth.js';

describe('adjustHeapGrowth', () => {
  it('keeps V8 own growth until the daemon asks for the policy, then limits it while the heap is small', () => {
    expect(adjustHeapGrowth()).toBe(false);
    limitHeapGrowth();
    // A test process's heap is far under the threshold.
    expect(adjustHeapGrowth()).toBe(true);
    expect(heapGrowingPercent()).toBe(20);
  });

  it('relaxes the limit while a cold start computes, and restores it after', () => {
    limitHeapGrowth();
    relaxHeapGrowth(true);
    expect(heapGrowingPercent()).toBe(100);
    expect(adjustHeapGrowth()).toBe(true);
    expect(heapGrowingPercent()).toBe(100);
    relaxHeapGrowth(false);
    expect(heapGrowingPercent()).toBe(20);
  });

  it('holds a big heap at 50 % growth (not V8 own factor) and comes back to 20 % only well under the threshold', () => {
    limitHeapGrowth();
    expect(adjustHeapGrowth(400)).toBe(false);
    expect(heapGrowingPercent()).toBe(50);
    expect(adjustHeapGrowth(300)).toBe(false); // hysteresis
    expect(heapGrowingPercent()).toBe(50);
    expect(adjustHeapGrowth(100)).toBe(true);
    expect(heapGrowingPercent()).toBe(20);
  });
});

describe('parallelScavenge', () => {
  it('does nothing in a process without the policy, and switches the helpers once the daemon applies it', async () => {
    vi.resetModules();
    const fresh = await import('./heap-growth.js');
    fresh.parallelScavenge(true);
    expect(fresh.parallelScavengeOn()).toBe(false);
    fresh.limitHeapGrowth();
    fresh.parallelScavenge(true);
    expect(fresh.parallelScavengeOn()).toBe(true);
    fresh.parallelScavenge(false);
    expect(fresh.parallelScavengeOn()).toBe(false);
  });
});
