// NbSession cannot hang: against a server that accepts but never answers, load() and commit() end with a
// TimeoutError (their own limit or the session's) or an AbortedError; a missing socket fails at once.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AbortedError, ConnectionError, TimeoutError } from 'ovsdb-client-ts';
import { NbSession } from './session.js';

const dir = mkdtempSync(path.join(tmpdir(), 'nb-session-'));
const sockets = new Set<net.Socket>();
const server = net.createServer((c) => {
  sockets.add(c);
  c.on('error', () => undefined); // reads everything, answers nothing
});
const remote = `unix:${path.join(dir, 'silent.sock')}`;
const listening = new Promise<void>((resolve) => server.listen(path.join(dir, 'silent.sock'), resolve));
afterAll(() => {
  for (const c of sockets) c.destroy();
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function rejection(p: Promise<unknown>): Promise<Error> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(Error);
  return e as Error;
}

describe('NbSession against a silent server', () => {
  it('load() times out with a TimeoutError naming the remote', async () => {
    await listening;
    const s = await NbSession.open(remote);
    try {
      const t0 = Date.now();
      const e = await rejection(s.load({ timeoutMs: 150 }));
      expect(e).toBeInstanceOf(TimeoutError);
      expect(e.message).toBe(`${remote}: transact: no answer in 150 ms`);
      expect(Date.now() - t0).toBeLessThan(1500);
    } finally {
      s.close();
    }
  });

  it("the session's requestTimeoutMs bounds load() and commit() when the call gives none", async () => {
    await listening;
    const s = await NbSession.open(remote, { requestTimeoutMs: 100 });
    try {
      expect(await rejection(s.load())).toBeInstanceOf(TimeoutError);
    } finally {
      s.close();
    }
  });

  it('load() and waitForCfg() end with AbortedError when the signal aborts', async () => {
    await listening;
    const s = await NbSession.open(remote);
    try {
      const ac = new AbortController();
      const p = s.load({ signal: ac.signal });
      setTimeout(() => ac.abort(), 50);
      const e = await rejection(p);
      expect(e).toBeInstanceOf(AbortedError);
      expect(await rejection(s.waitForCfg('sb', 1, { signal: AbortSignal.timeout(50) }))).toBeInstanceOf(AbortedError);
      expect(await rejection(s.waitForCfg('hv', 1, { timeoutMs: 50 }))).toBeInstanceOf(TimeoutError);
    } finally {
      s.close();
    }
  });
});

describe('NbSession.open', () => {
  it('fails at once on a missing socket, keeping the ENOENT cause', async () => {
    const e = await rejection(NbSession.open(`unix:${dir}/nonexistent.sock`));
    expect(e).toBeInstanceOf(ConnectionError);
    expect((e as ConnectionError).reason).toBe('No such file or directory');
    expect((e.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('an aborted signal stops connecting', async () => {
    expect(await rejection(NbSession.open(remote, { signal: AbortSignal.abort() }))).toBeInstanceOf(AbortedError);
  });
});
