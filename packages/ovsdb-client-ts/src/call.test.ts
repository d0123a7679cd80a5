// Every network call can be bounded: a time limit or an AbortSignal ends the wait with a typed error, and a
// server that is not there fails at once with the socket's error as the cause.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { model } from '@ovnts/schema/nb';
import { AbortedError } from './call.js';
import { OvsdbClient } from './client.js';
import { connectFirst } from './connect.js';
import { ConnectionError, TimeoutError } from './errors.js';
import { JsonFramer } from './framer.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ovsdb-call-'));
const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();
afterAll(() => {
  for (const c of sockets) c.destroy();
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A server that accepts and answers the connection handshake (leader check, set_db_change_aware) but
 * never answers the methods in `silentFor`.
 */
async function silentServer(name: string, silentFor: readonly string[]): Promise<string> {
  const file = path.join(dir, name);
  const server = net.createServer((c) => {
    sockets.add(c);
    c.on('error', () => undefined);
    const framer = new JsonFramer();
    c.on('data', (d) => {
      for (const m of framer.push(d) as { id: unknown; method: string; params: unknown[] }[]) {
        if (silentFor.includes(m.method)) continue;
        const error = m.method === 'monitor' ? 'unknown database' : null;
        const result = error ? null : m.method === 'echo' ? m.params : {};
        c.write(JSON.stringify({ id: m.id, result, error }));
      }
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(file, resolve));
  return `unix:${file}`;
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(Error);
  return e as Error;
}

describe('OvsdbClient.connect to no server', () => {
  it('fails at once with ENOENT as the cause (not after initialConnectTimeoutMs)', async () => {
    const t0 = Date.now();
    const e = await rejection(OvsdbClient.connect(`unix:${dir}/nonexistent.sock`));
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(e).toBeInstanceOf(ConnectionError);
    expect((e as ConnectionError).reason).toBe('No such file or directory');
    expect((e.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect(e.message).toContain('nonexistent.sock');
  });

  it('fails at once with ECONNREFUSED as the cause', async () => {
    const e = await rejection(OvsdbClient.connect('tcp:127.0.0.1:1'));
    expect(e).toBeInstanceOf(ConnectionError);
    expect((e as ConnectionError).reason).toBe('Connection refused');
    expect((e.cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('with waitForServer keeps trying, then times out naming the last cause', async () => {
    const e = await rejection(
      OvsdbClient.connect(`unix:${dir}/later.sock`, {
        waitForServer: true,
        initialConnectTimeoutMs: 300,
        reconnect: { initialMs: 20, maxMs: 50 },
      }),
    );
    expect(e).toBeInstanceOf(TimeoutError);
    expect(e.message).toContain('No such file or directory');
    expect((e.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('connectFirst keeps the cause too', async () => {
    const e = await rejection(connectFirst(`unix:${dir}/nonexistent.sock`));
    expect((e.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('an aborted signal ends connect with AbortedError', async () => {
    const ac = new AbortController();
    const p = OvsdbClient.connect(`unix:${dir}/never.sock`, { waitForServer: true, signal: ac.signal });
    setTimeout(() => ac.abort(new Error('shutting down')), 50);
    const e = await rejection(p);
    expect(e).toBeInstanceOf(AbortedError);
    expect((e.cause as Error).message).toBe('shutting down');
  });
});

describe('requests to a server that accepts but never answers', () => {
  it('transact, monitor, lock and listDbs time out with TimeoutError naming the method', async () => {
    const remote = await silentServer('silent.sock', ['transact', 'monitor_cond_since', 'lock', 'list_dbs']);
    const c = await OvsdbClient.connect(remote, { inactivityProbeMs: 0 });
    try {
      const t0 = Date.now();
      const e = await rejection(c.transact('DB', [], { timeoutMs: 100 }));
      expect(e).toBeInstanceOf(TimeoutError);
      expect(e.message).toBe('transact: no answer in 100 ms');
      expect(Date.now() - t0).toBeLessThan(1000);
      expect(await rejection(c.lock('l', { timeoutMs: 50 }))).toBeInstanceOf(TimeoutError);
      expect(await rejection(c.listDbs({ timeoutMs: 50 }))).toBeInstanceOf(TimeoutError);
      expect(await rejection(c.monitor(model, {}, { timeoutMs: 50 }))).toBeInstanceOf(TimeoutError);
      // The session survives an abandoned request.
      expect(await c.echo('still')).toEqual(['still']);
    } finally {
      await c.close();
    }
  });

  it('unansweredRequestMs: a server that answers echoes but not a request loses the session; the client reconnects', async () => {
    const remote = await silentServer('silent3.sock', ['transact']);
    const c = await OvsdbClient.connect(remote, { inactivityProbeMs: 40, unansweredRequestMs: 200 });
    try {
      const drops: Error[] = [];
      c.on('disconnected', (e) => drops.push(e));
      const t0 = Date.now();
      // No limit of the caller's own: the session's limit ends the wait.
      const e = await rejection(c.transact('DB', [], { timeoutMs: 0 }));
      expect(e).toBeInstanceOf(ConnectionError);
      expect(e.message).toMatch(/no reply to transact in \d+ ms/);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
      expect(drops.map((d) => d.message)).toEqual([expect.stringMatching(/no reply to transact/)]);
      // An abandoned request (its caller gave up first) still counts.
      await c.connected({ timeoutMs: 5000 });
      expect(await rejection(c.transact('DB', [], { timeoutMs: 20 }))).toBeInstanceOf(TimeoutError);
      await new Promise((r) => setTimeout(r, 400));
      expect(drops.length).toBe(2);
      // Echoes alone (the probe's) never drop it.
      await c.connected({ timeoutMs: 5000 });
      await new Promise((r) => setTimeout(r, 400));
      expect(drops.length).toBe(2);
      expect(await c.echo('back')).toEqual(['back']);
    } finally {
      await c.close();
    }
  });

  it("the client's requestTimeoutMs applies when the call gives none; an AbortSignal ends the wait", async () => {
    const remote = await silentServer('silent2.sock', ['transact']);
    const c = await OvsdbClient.connect(remote, { inactivityProbeMs: 0, requestTimeoutMs: 80 });
    try {
      expect(await rejection(c.transact('DB', []))).toBeInstanceOf(TimeoutError);
      const ac = new AbortController();
      const p = c.transact('DB', [], { signal: ac.signal, timeoutMs: 0 });
      ac.abort();
      const e = await rejection(p);
      expect(e).toBeInstanceOf(AbortedError);
      expect(e.message).toBe('transact: aborted');
      // Already aborted: nothing is sent.
      const before = c.sessionStats.messagesOut;
      expect(await rejection(c.transact('DB', [], { signal: AbortSignal.abort() }))).toBeInstanceOf(AbortedError);
      expect(c.sessionStats.messagesOut).toBe(before);
    } finally {
      await c.close();
    }
  });
});
