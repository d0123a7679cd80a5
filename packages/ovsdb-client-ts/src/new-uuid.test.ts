import { describe, expect, it } from 'vitest';
import { newUuid } from './new-uuid.js';

describe('newUuid', () => {
  it('gives distinct version 4 UUIDs, across refills of its random bytes', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const u = newUuid();
      expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(u);
    }
    expect(seen.size).toBe(1000);
  });
});
