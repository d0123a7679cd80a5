// Acceptance: two clients contend for a lock; locked/stolen notifications drive isLockHolder.
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { model } from '@ovnts/schema/sb';
import { DatumError, OvsdbClient, OvsdbError } from 'ovsdb-client-ts';

function next<T>(emitter: { once(ev: string, f: (v: T) => void): unknown }, ev: string): Promise<T> {
  return new Promise((resolve) => emitter.once(ev, resolve));
}

describe('locks', () => {
  const sandbox = useSandbox();

  it('lock, queue, unlock hand-over, steal, assert, and re-lock after reconnect', async () => {
    const sb = sandbox();
    const server = await sb.startDb('sb');
    const a = await OvsdbClient.connect(server.remotes.unix, { reconnect: { initialMs: 20, maxMs: 100 } });
    const b = await OvsdbClient.connect(server.remotes.tcp);
    try {
      expect(await a.lock('ovn_northd')).toBe(true);
      expect(a.isLockHolder('ovn_northd')).toBe(true);
      // b queues behind a.
      expect(await b.lock('ovn_northd')).toBe(false);
      expect(b.isLockHolder('ovn_northd')).toBe(false);

      // Only the holder's transactions pass `assert`.
      const ok = a.transaction(model).assert('ovn_northd');
      ok.insert('SB_Global', {});
      await ok.commit();
      const refused = b.transaction(model).assert('ovn_northd');
      refused.comment('must fail');
      await expect(refused.commit()).rejects.toMatchObject({ name: 'OvsdbError', error: 'not owner', opIndex: 0 });

      // a unlocks: b gets "locked".
      const bLocked = next<string>(b, 'locked');
      await a.unlock('ovn_northd');
      expect(await bLocked).toBe('ovn_northd');
      expect(b.isLockHolder('ovn_northd')).toBe(true);
      expect(a.isLockHolder('ovn_northd')).toBe(false);

      // a steals it back: b gets "stolen", then re-queues and gets it again when a unlocks.
      const bStolen = next<string>(b, 'stolen');
      expect(await a.steal('ovn_northd')).toBe(true);
      expect(await bStolen).toBe('ovn_northd');
      expect(a.isLockHolder('ovn_northd')).toBe(true);
      expect(b.isLockHolder('ovn_northd')).toBe(false);
      const bAgain = next<string>(b, 'locked');
      await a.unlock('ovn_northd');
      await bAgain;
      expect(b.isLockHolder('ovn_northd')).toBe(true);

      // A lost connection loses the lock; the client asks again after reconnecting.
      expect(await a.lock('other')).toBe(true);
      const lost = next<string>(a, 'lockLost');
      const regained = next<string>(a, 'locked');
      await server.kill();
      expect(await lost).toBe('other');
      expect(a.isLockHolder('other')).toBe(false);
      // Asked for while disconnected: requested once, on the next session.
      const pending = a.lock('asked_while_down');
      await server.restart();
      expect(await regained).toBe('other');
      expect(a.isLockHolder('other')).toBe(true);
      expect(await pending).toBe(true);
      expect(a.isLockHolder('asked_while_down')).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('reports bad lock names and bad lock requests as typed errors', async () => {
    const sb = sandbox();
    const server = await sb.startDb('sb');
    const c = await OvsdbClient.connect(server.remotes.unix);
    try {
      await expect(c.request('lock', [])).rejects.toBeInstanceOf(OvsdbError);
      await expect(c.lock('not-an-id')).rejects.toBeInstanceOf(DatumError);
    } finally {
      await c.close();
    }
  });

  it('unlock with the server gone returns at once (the lock died with the session), so shutdown never hangs', async () => {
    const sb = sandbox();
    const server = await sb.startDb('sb');
    const c = await OvsdbClient.connect(server.remotes.unix, { reconnect: { initialMs: 20, maxMs: 100 } });
    try {
      expect(await c.lock('ovn_northd')).toBe(true);
      const lost = next<string>(c, 'lockLost');
      await server.kill();
      await lost;
      const t0 = Date.now();
      await c.unlock('ovn_northd');
      expect(Date.now() - t0).toBeLessThan(5_000); // before the fix it waited for a reconnect that never came
      expect(c.isLockHolder('ovn_northd')).toBe(false);
    } finally {
      await c.close();
    }
  });
});
