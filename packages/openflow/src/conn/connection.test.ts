// SwitchConnection against a scripted fake switch on a unix socket: negotiation, echo, xid correlation,
// multipart continuation, reconnect with backoff, keepalive failure detection, timeouts, clean close.
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Writer } from '../codec/buffer.js';
import { FrameSplitter } from '../codec/frames.js';
import { decodeMessage, encodeMessage, type OfMessage } from '../codec/messages.js';
import { ConnectionClosedError, SwitchConnection, TimeoutError } from './connection.js';

interface FakeSwitch {
  target: string;
  connections: number;
  sockets: net.Socket[];
  received: Array<{ xid: number; message: OfMessage }>;
  close(): Promise<void>;
}

type Responder = (m: OfMessage, xid: number, reply: (m: OfMessage, xid?: number) => void, sock: net.Socket) => void;

function portDescPart(more: boolean, names: string[]): OfMessage {
  const w = new Writer();
  for (const [i, name] of names.entries()) {
    const n = Buffer.alloc(16);
    n.write(name);
    w.u32(i + 1)
      .u16(40)
      .zeros(2)
      .uint(0x020000000000n + BigInt(i), 6)
      .zeros(2)
      .bytes(n)
      .u32(0)
      .u32(4);
  }
  const body = new Writer()
    .u16(13)
    .u16(more ? 1 : 0)
    .zeros(4)
    .bytes(w.finish())
    .finish();
  return { type: 'unknown', msgType: 19, body };
}

const defaultResponder: Responder = (m, xid, reply) => {
  if (m.type === 'get_config_request') reply({ type: 'get_config_reply', flags: 0, missSendLen: 0 });
  else if (m.type === 'barrier_request') reply({ type: 'barrier_reply' });
  else if (m.type === 'features_request')
    reply({ type: 'features_reply', datapathId: 42n, nBuffers: 0, nTables: 254, auxiliaryId: 0, capabilities: 0 });
  else if (m.type === 'multipart_request') {
    reply(portDescPart(true, ['p1', 'p2']));
    reply(portDescPart(false, ['p3']));
  }
  void xid;
};

const dirs: string[] = [];
async function fakeSwitch(opts: { versions?: number[]; respond?: Responder } = {}): Promise<FakeSwitch> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ofconn-'));
  dirs.push(dir);
  const sockPath = path.join(dir, 'br.mgmt');
  const fs: FakeSwitch = {
    target: `unix:${sockPath}`,
    connections: 0,
    sockets: [],
    received: [],
    close: async () => undefined,
  };
  const server = net.createServer((sock) => {
    fs.connections++;
    fs.sockets.push(sock);
    const frames = new FrameSplitter();
    sock.write(encodeMessage({ type: 'hello', versions: opts.versions ?? [1, 4, 6] }, 0));
    sock.on('error', () => undefined);
    sock.on('data', (chunk) => {
      for (const f of frames.push(chunk)) {
        const { xid, message } = decodeMessage(f);
        fs.received.push({ xid, message });
        const reply = (m: OfMessage, x = xid) => sock.write(encodeMessage(m, x));
        (opts.respond ?? defaultResponder)(message, xid, reply, sock);
      }
    });
  });
  server.listen(sockPath);
  await once(server, 'listening');
  fs.close = async () => {
    for (const s of fs.sockets) s.destroy();
    await new Promise((r) => server.close(r));
  };
  return fs;
}

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('SwitchConnection', () => {
  it('negotiates OpenFlow 1.5, enables packet-in2, answers echoes and correlates replies by xid', async () => {
    const sw = await fakeSwitch();
    open.push(sw);
    const conn = new SwitchConnection({ target: sw.target, reconnect: false });
    open.push(conn);
    await conn.connect();
    await conn.barrier(); // everything sent before it has reached the switch
    expect(sw.received.map((r) => r.message.type)).toEqual(
      expect.arrayContaining(['hello', 'set_packet_in_format', 'get_config_request', 'set_config']),
    );
    const setCfg = sw.received.find((r) => r.message.type === 'set_config')!.message;
    expect(setCfg).toMatchObject({ missSendLen: 0xffff });
    const [f1, f2] = await Promise.all([conn.features(), conn.features()]);
    expect(f1.datapathId).toBe(42n);
    expect(f2.nTables).toBe(254);

    sw.sockets[0]!.write(encodeMessage({ type: 'echo_request', data: Buffer.from('ping') }, 777));
    // Polled, not a fixed pause: a busy machine can take longer than any fixed wait to run the reply.
    await vi.waitFor(
      () =>
        expect(sw.received.find((r) => r.message.type === 'echo_reply')).toEqual({
          xid: 777,
          message: { type: 'echo_reply', data: Buffer.from('ping') },
        }),
      { timeout: 10_000, interval: 10 },
    );
  });

  it('merges multipart replies flagged MORE into one result', async () => {
    const sw = await fakeSwitch();
    open.push(sw);
    const conn = new SwitchConnection({ target: sw.target, reconnect: false });
    open.push(conn);
    await conn.connect();
    const ports = await conn.dumpPorts();
    expect(ports.map((p) => p.name)).toEqual(['p1', 'p2', 'p3']);
    expect(ports[1]!.hwAddr).toBe(0x020000000001n);
  });

  it('refuses a switch without OpenFlow 1.5', async () => {
    const sw = await fakeSwitch({ versions: [1, 4] });
    open.push(sw);
    const conn = new SwitchConnection({ target: sw.target, reconnect: false });
    open.push(conn);
    await expect(conn.connect()).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(sw.received.some((r) => r.message.type === 'error')).toBe(true);
  });

  it('fails pending requests on disconnect and reconnects with backoff', async () => {
    const sw = await fakeSwitch({
      respond: (m, xid, reply) =>
        m.type === 'features_request' ? undefined : defaultResponder(m, xid, reply, undefined as never),
    });
    open.push(sw);
    const conn = new SwitchConnection({ target: sw.target, backoffMinMs: 20, backoffMaxMs: 100 });
    open.push(conn);
    await conn.connect();
    const pending = conn.features();
    const events: string[] = [];
    conn.on('disconnected', () => events.push('down'));
    conn.on('connected', () => events.push('up'));
    await new Promise((r) => setTimeout(r, 20));
    sw.sockets[0]!.destroy();
    await expect(pending).rejects.toBeInstanceOf(ConnectionClosedError);
    await once(conn, 'connected');
    expect(events).toEqual(['down', 'up']);
    expect(sw.connections).toBe(2);
    expect(conn.isConnected).toBe(true);
  });

  it('detects a silent switch by echo keepalive and reconnects', async () => {
    let silent = false;
    const sw = await fakeSwitch({
      respond: (m, xid, reply, sock) => (silent ? undefined : defaultResponder(m, xid, reply, sock)),
    });
    open.push(sw);
    const conn = new SwitchConnection({ target: sw.target, echoIntervalMs: 40, backoffMinMs: 10 });
    open.push(conn);
    await conn.connect();
    await new Promise((r) => setTimeout(r, 150));
    expect(sw.received.some((r) => r.message.type === 'echo_request')).toBe(true); // keepalive probes while idle
    silent = true;
    sw.sockets[0]!.pause(); // stop reading and answering entirely
    await once(conn, 'disconnected');
    silent = false;
    await once(conn, 'connected');
    expect(sw.connections).toBeGreaterThanOrEqual(2);
  });

  it('writes big batches through a few reused buffers, every message intact and in order', async () => {
    const sw = await fakeSwitch();
    open.push(sw);
    const conn = new SwitchConnection({ target: sw.target, reconnect: false });
    open.push(conn);
    await conn.connect();
    // ~2.5k packet-outs of 300 bytes each: three 260 kB buffers per batch, each with its own payload bytes.
    const batch = (tag: number): OfMessage[] =>
      Array.from({ length: 2500 }, (_, i) => ({
        type: 'packet_out',
        inPort: 0xfffffffd,
        actions: [],
        packet: Buffer.alloc(300, (tag * 7 + i) & 0xff),
      }));
    const allocs: number[] = [];
    const alloc = Buffer.allocUnsafe;
    Buffer.allocUnsafe = (n: number) => {
      allocs.push(n);
      return alloc(n);
    };
    try {
      for (const tag of [1, 2, 3]) {
        const start = sw.received.length;
        await conn.sendChecked(batch(tag));
        const got = sw.received.slice(start).filter((r) => r.message.type === 'packet_out');
        expect(got).toHaveLength(2500);
        got.forEach((r, i) => {
          const m = r.message as Extract<OfMessage, { type: 'packet_out' }>;
          expect(m.packet.equals(Buffer.alloc(300, (tag * 7 + i) & 0xff))).toBe(true);
        });
      }
    } finally {
      Buffer.allocUnsafe = alloc;
    }
    // The first batch's full buffers are the later batches' (at most two kept): not ~9 fresh ones.
    expect(allocs.filter((n) => n === 256 * 1024 + 4096).length).toBeLessThanOrEqual(4);
  });

  it('times out a request that never gets a reply, and close() is clean', async () => {
    const sw = await fakeSwitch({
      respond: (m, xid, reply, sock) =>
        m.type === 'features_request' ? undefined : defaultResponder(m, xid, reply, sock),
    });
    open.push(sw);
    const conn = new SwitchConnection({ target: sw.target, reconnect: false, requestTimeoutMs: 50 });
    await conn.connect();
    await expect(conn.features()).rejects.toBeInstanceOf(TimeoutError);
    await conn.close();
    expect(conn.isConnected).toBe(false);
    expect(() => conn.send({ type: 'barrier_request' })).toThrow(ConnectionClosedError);
  });
});
