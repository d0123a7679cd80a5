import { describe, expect, it } from 'vitest';
import { trimMalloc } from './malloc-trim.js';

describe('trimMalloc', () => {
  it('calls malloc_trim where glibc is (this Linux), again and again', async () => {
    // C memory freed in the middle of the heap: 64 kB chunks (under glibc's mmap threshold) between live ones.
    const live: Buffer[] = [];
    let dead: Buffer[] = [];
    for (let i = 0; i < 200; i++) {
      dead.push(Buffer.alloc(64 * 1024, 1));
      live.push(Buffer.alloc(100, 2));
    }
    dead = [];
    expect(dead).toHaveLength(0);
    const ran = await trimMalloc();
    expect(ran).toBe(process.platform === 'linux');
    expect(await trimMalloc()).toBe(ran);
    expect(live.every((b) => b[0] === 2)).toBe(true);
  });
});
