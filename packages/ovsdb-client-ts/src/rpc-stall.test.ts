// A session whose own thread stalls (a long compute) while the server's reply arrives must not be dropped:
// the inactivity and unanswered-request checks look at the socket's pending data first. The server runs in a
// worker thread (its own event loop), so it answers while this thread busy-waits.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { RpcSession } from './rpc.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ovsdb-rpc-stall-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Replies `{"id":N,"result":[]}` to each request `delayMs` after it came (with `mute`, to none), counting the
 * replies written in the shared `sent`.
 */
const SERVER = `
const net = require('node:net');
const { parentPort, workerData } = require('node:worker_threads');
const srv = net.createServer((s) => {
  s.on('error', () => {});
  s.on('data', (d) => {
    if (workerData.mute) return;
    for (const m of String(d).matchAll(/"id":(\\d+)/g))
      setTimeout(() => {
        const reply = JSON.stringify({ id: Number(m[1]), result: [], error: null });
        // Once the reply is in the kernel's hands, tell the stalled thread (it cannot see the socket).
        s.write(reply, () => Atomics.add(new Int32Array(workerData.sent), 0, 1));
      }, workerData.delayMs);
  });
});
srv.listen(workerData.path, () => parentPort.postMessage('listening'));
parentPort.on('message', () => srv.close(() => process.exit(0)));
`;

async function withServer<T>(
  opts: { delayMs: number; mute?: boolean },
  body: (sock: string, sent: Int32Array) => Promise<T>,
): Promise<T> {
  const sock = path.join(dir, `s${Math.random().toString(36).slice(2)}.sock`);
  const sent = new SharedArrayBuffer(4);
  const w = new Worker(SERVER, { eval: true, workerData: { path: sock, sent, ...opts } });
  await new Promise((r) => w.once('message', r));
  try {
    return await body(sock, new Int32Array(sent));
  } finally {
    w.postMessage('stop');
    await w.terminate();
  }
}

/** Busy for at least `ms`, and until the server has written `replies` replies (at most 20 s: a loaded machine). */
function stall(ms: number, sent: Int32Array, replies: number): void {
  const start = Date.now();
  while (Date.now() - start < ms || (Atomics.load(sent, 0) < replies && Date.now() - start < 20_000)) {
    // busy: no timer, no I/O runs on this thread
  }
}

async function session(sock: string, opts: ConstructorParameters<typeof RpcSession>[2]): Promise<RpcSession> {
  const s = net.connect(sock);
  await new Promise((r, j) => s.once('connect', r).once('error', j));
  return new RpcSession(s, undefined, opts);
}

const until = async (cond: () => boolean) => {
  while (!cond()) await new Promise((r) => setTimeout(r, 2));
};

describe('RpcSession after a stall of its own thread', () => {
  it('keeps a session whose request was answered during the stall (unansweredRequestMs)', async () => {
    await withServer({ delayMs: 30 }, async (sock, sent) => {
      const rpc = await session(sock, { unansweredRequestMs: 150 });
      const reply = rpc.request('get_schema', ['x']);
      stall(600, sent, 1); // the reply arrives 30 ms in; the check's timer is overdue when the stall ends
      await expect(reply).resolves.toEqual([]);
      await new Promise((r) => setTimeout(r, 200));
      expect(rpc.isClosed).toBe(false);
      rpc.close();
    });
  });

  it('keeps a session whose probe was answered during the stall (inactivityProbeMs)', async () => {
    await withServer({ delayMs: 60 }, async (sock, sent) => {
      const rpc = await session(sock, { inactivityProbeMs: 150 });
      await until(() => rpc.stats.messagesOut > 0); // the probe (echo) is out
      stall(800, sent, 1); // its reply arrives 60 ms in; 800 ms > twice the probe interval
      await new Promise((r) => setTimeout(r, 100));
      expect(rpc.isClosed).toBe(false);
      expect(rpc.stats.messagesIn).toBeGreaterThan(0);
      rpc.close();
    });
  });

  it('still drops a session whose server stays silent', async () => {
    await withServer({ delayMs: 0, mute: true }, async (sock) => {
      const rpc = await session(sock, { inactivityProbeMs: 100, unansweredRequestMs: 300 });
      const reply = rpc.request('get_schema', ['x']);
      await expect(reply).rejects.toThrow(/no (reply|message)/);
      expect(rpc.isClosed).toBe(true);
    });
  });
});
