// Hostile clients on the control socket: random bytes, truncated and malformed JSON, JSON that is not a
// request (null, numbers, replies, notifications), requests with non-string arguments. The server never
// throws (an unhandled rejection would end a daemon), drops the connection of a peer that sent what is not
// a request (with a reason), answers requests with bad arguments with an error, and keeps serving others.
// UNIXCTL_FUZZ_ROUNDS raises the round count (default 300, seeded).
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unixctlCall } from './unixctl-client.js';
import { UnixctlServer } from './unixctl.js';

const ROUNDS = Number(process.env['UNIXCTL_FUZZ_ROUNDS'] ?? 300);

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const METHODS = ['status', 'echo-args', 'slow', 'version', 'list-commands', '', 'nope', '__proto__', 'constructor'];

function randomValue(r: () => number, depth = 0): unknown {
  switch (Math.floor(r() * (depth > 2 ? 5 : 8))) {
    case 0:
      return null;
    case 1:
      return r() < 0.5;
    case 2:
      return Math.floor(r() * 1e6) - 5e5;
    case 3:
      return ['', 'x', 'é\u0000"', 'a'.repeat(Math.floor(r() * 5000)), '\ud83d\ude00'][Math.floor(r() * 5)];
    case 4:
      return METHODS[Math.floor(r() * METHODS.length)];
    case 5:
      return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(r() * 4); i > 0; i--)
        o[['id', 'method', 'params', 'result', 'error', 'x'][Math.floor(r() * 6)]!] = randomValue(r, depth + 1);
      return o;
    }
  }
}

/** One hostile message: bytes that may or may not be JSON, may or may not be a request. */
function hostileMessage(r: () => number): Buffer {
  const k = Math.floor(r() * 6);
  if (k === 0) return Buffer.from(Array.from({ length: 1 + Math.floor(r() * 200) }, () => Math.floor(r() * 256)));
  const req = {
    id: r() < 0.8 ? Math.floor(r() * 100) : randomValue(r),
    method: randomValue(r),
    params: randomValue(r),
  };
  if (k === 1) {
    const text = JSON.stringify(req);
    return Buffer.from(text.slice(0, Math.floor(r() * text.length))); // truncated
  }
  if (k === 2) return Buffer.from(JSON.stringify(randomValue(r)));
  if (k === 3) {
    // a well-formed request whose arguments are not all strings
    const method = METHODS[Math.floor(r() * METHODS.length)];
    return Buffer.from(JSON.stringify({ id: 1, method, params: [randomValue(r), 'x'] }));
  }
  return Buffer.from(JSON.stringify(req));
}

/** Send `bytes`, then wait for the server to answer, close, or stay silent for `quietMs`. */
function exchange(file: string, bytes: Buffer, quietMs = 50): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(file);
    let got = '';
    const timer = setTimeout(() => finish('silent'), quietMs);
    const finish = (how: string) => {
      clearTimeout(timer);
      s.destroy();
      resolve(got ? `answered` : how);
    };
    s.on('error', () => finish('error'));
    s.on('data', (d) => {
      got += d.toString();
      finish('answered');
    });
    s.on('close', () => finish('closed'));
    s.on('connect', () => s.write(bytes));
  });
}

describe('UnixctlServer under hostile clients', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'unixctl-fuzz-'));
  const file = path.join(dir, 'x.ctl');
  const dropped: string[] = [];
  const ctl = new UnixctlServer(file, 'prog 1.0\n', (why) => dropped.push(why));
  ctl.register('status', '', 0, 0, () => 'Status: active');
  ctl.register('echo-args', 'ARG...', 0, 3, (a) => a.join(' '));
  ctl.register('slow', '', 0, 0, () => new Promise((r) => setTimeout(() => r('late'), 5)));
  beforeAll(() => ctl.listen());
  afterAll(async () => {
    await ctl.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a bare value, an array, a reply and a notification drop the connection with a reason', async () => {
    for (const m of [
      'null',
      '[1]',
      '{"id":1,"result":"x","error":null}',
      '{"id":null,"method":"status","params":[]}',
    ]) {
      expect(await exchange(file, Buffer.from(m), 5_000), m).toBe('closed');
    }
    expect(dropped.slice(-4)).toEqual([
      `${file}: bad JSON from a client: unexpected byte 0x6e between messages`,
      `${file}: received bad JSON-RPC message (not a JSON-RPC object), closing the connection`,
      `${file}: received bad JSON-RPC message (no method (not a request)), closing the connection`,
      `${file}: received bad JSON-RPC message (no id (a notification)), closing the connection`,
    ]);
    expect(await unixctlCall(file, 'status', [])).toEqual({ result: 'Status: active\n', error: null });
  });

  it('a non-string argument is an error reply, as OVS gives it', async () => {
    const s = connect(file);
    const reply = await new Promise<string>((resolve) => {
      s.on('data', (d) => resolve(d.toString()));
      s.on('connect', () => s.write(JSON.stringify({ id: 7, method: 'echo-args', params: ['a', 3] })));
    });
    s.destroy();
    expect(JSON.parse(reply)).toEqual({ id: 7, result: null, error: 'command has non-string argument: 3\n' });
  });

  it(`${ROUNDS} seeded hostile messages: never a crash, the server keeps answering`, { timeout: 600_000 }, async () => {
    const r = prng(24);
    const outcomes = new Map<string, number>();
    for (let i = 0; i < ROUNDS; i++) {
      const how = await exchange(file, hostileMessage(r));
      outcomes.set(how, (outcomes.get(how) ?? 0) + 1);
      if (i % 50 === 49) expect(await unixctlCall(file, 'version', [])).toEqual({ result: 'prog 1.0\n', error: null });
    }
    // Every kind of outcome happened: answers, drops, and junk the framer still waits on.
    expect([...outcomes.keys()].sort()).toEqual(['answered', 'closed', 'silent']);
    expect(await unixctlCall(file, 'status', [])).toEqual({ result: 'Status: active\n', error: null });
  });
});
