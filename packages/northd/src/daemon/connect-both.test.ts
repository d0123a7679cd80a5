import { describe, expect, it } from 'vitest';
import { connectBoth } from './connect-both.js';

class FakeClient {
  closed = false;
  constructor(readonly name: string) {}
  async close(): Promise<void> {
    this.closed = true;
  }
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('connectBoth', () => {
  it('monitors each database as soon as its own connection is up', async () => {
    const a = deferred<FakeClient>();
    const b = deferred<FakeClient>();
    const asked: string[] = [];
    const p = connectBoth(
      a.promise,
      b.promise,
      async (c) => (asked.push(c.name), `${c.name} replica`),
      async (c) => (asked.push(c.name), `${c.name} replica`),
    );
    const nb = new FakeClient('nb');
    a.resolve(nb);
    await tick();
    expect(asked).toEqual(['nb']); // before the SB connection is there
    const sb = new FakeClient('sb');
    b.resolve(sb);
    expect(await p).toEqual([nb, sb, 'nb replica', 'sb replica']);
    expect(nb.closed || sb.closed).toBe(false);
  });

  it('closes the client that connected when the other cannot', async () => {
    const nb = new FakeClient('nb');
    const err = new Error('no SB');
    await expect(
      connectBoth(
        Promise.resolve(nb),
        Promise.reject<FakeClient>(err),
        async () => 1,
        async () => 2,
      ),
    ).rejects.toBe(err);
    expect(nb.closed).toBe(true);
  });

  it('closes both when a monitor fails', async () => {
    const nb = new FakeClient('nb');
    const sb = new FakeClient('sb');
    const err = new Error('bad schema');
    await expect(
      connectBoth(
        Promise.resolve(nb),
        Promise.resolve(sb),
        async () => {
          throw err;
        },
        async () => 2,
      ),
    ).rejects.toBe(err);
    expect([nb.closed, sb.closed]).toEqual([true, true]);
  });
});
