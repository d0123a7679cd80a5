// The Compiler's cache of prepared flows is bounded (COMPILER_CACHE_GENERATION): a controller that runs for
// weeks sees endless new logical flow texts, and those of deleted flows must not pile up.
import { formatFlow } from '@ovnts/openflow';
import { describe, expect, it } from 'vitest';
import { COMPILER_CACHE_GENERATION, COMPILER_CACHE_MIN_GENERATION, Compiler, type DatapathContext } from './compile.js';

const ctx: DatapathContext = {
  dpKey: 1,
  isSwitch: true,
  lookupPort: () => 1,
  isChassisResident: () => true,
  groupId: () => 1,
  allocConjIds: () => 1,
};

const flow = (i: number) => ({
  uuid: '12345678-0000-0000-0000-000000000000',
  pipeline: 'ingress' as const,
  table: 0,
  priority: 100,
  match: `ip4.src == 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
  actions: 'next;',
});

const text = (c: Compiler, i: number) => {
  const r = c.compile(flow(i), ctx);
  if (!r.ok) throw new Error(r.error.describe());
  return r.value.map((f) => formatFlow(f)).join('\n');
};

describe('Compiler cache', () => {
  it('holds at most two generations of flow texts, however many pass through', () => {
    const c = new Compiler();
    for (let i = 0; i < 3 * COMPILER_CACHE_GENERATION + 5; i++) c.compile(flow(i), ctx);
    expect(c.cacheSize).toBeLessThanOrEqual(2 * COMPILER_CACHE_GENERATION);
    expect(c.cacheSize).toBeGreaterThan(COMPILER_CACHE_GENERATION);
  });

  it('sized to its working set, holds at most twice that many texts (within the minimum and maximum generation)', () => {
    const c = new Compiler();
    c.sizeCache(1500);
    expect(c.cacheGeneration).toBe(1500);
    for (let i = 0; i < 10_000; i++) c.compile(flow(i), ctx);
    expect(c.cacheSize).toBeLessThanOrEqual(3000);
    // The flows in use (a working set of 1000 compiled again and again among new ones) stay cached.
    const hot = Array.from({ length: 1000 }, (_, i) => flow(100_000 + i));
    for (let round = 0; round < 5; round++) {
      for (const f of hot) c.compile(f, ctx);
      for (let i = 0; i < 1000; i++) c.compile(flow(200_000 + round * 1000 + i), ctx);
    }
    const before = c.cacheSize;
    for (const f of hot) c.compile(f, ctx);
    expect(c.cacheSize).toBe(before);
    c.sizeCache(3);
    expect(c.cacheGeneration).toBe(COMPILER_CACHE_MIN_GENERATION);
    c.sizeCache(1e9);
    expect(c.cacheGeneration).toBe(COMPILER_CACHE_GENERATION);
  });

  it('compiles the same after an entry was evicted (the cache changes cost, not output)', () => {
    const c = new Compiler();
    const first = text(c, 0);
    for (let i = 1; i < 2 * COMPILER_CACHE_GENERATION + 2; i++) c.compile(flow(i), ctx);
    expect(text(c, 0)).toBe(first);
    expect(first).toContain('nw_src=10.0.0.0');
  });
});
