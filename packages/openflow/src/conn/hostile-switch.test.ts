// A hostile switch: after a normal handshake it answers requests with mutated messages carrying the right
// xid (wrong type, truncated, wrong inner lengths, unknown types), sends unsolicited junk, and now and then a
// frame with an impossible length or a closed socket. Every call on the connection settles with a typed
// error or a value, nothing throws out of the socket handlers, and the connection is dropped and retried.
// OF_HOSTILE_ROUNDS raises the round count (default 300, seeded).
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { OfDecodeError } from '../codec/buffer.js';
import { OpenFlowError } from '../codec/errors.js';
import { FrameSplitter } from '../codec/frames.js';
import { decodeMessage, encodeMessage, type OfMessage } from '../codec/messages.js';
import { parseFlow } from '../text/parse.js';
import { BundleError, ConnectionClosedError, SwitchConnection, TimeoutError } from './connection.js';

const ROUNDS = Number(process.env['OF_HOSTILE_ROUNDS'] ?? 300);

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

const FLOW = parseFlow('table=3,priority=100,cookie=0x5,ip,nw_dst=10.0.0.1,actions=drop');

/** Replies a switch may send, any of which may arrive for any request. */
const SEEDS: OfMessage[] = [
  { type: 'barrier_reply' },
  { type: 'features_reply', datapathId: 5n, nBuffers: 0, nTables: 254, auxiliaryId: 0, capabilities: 0x4f },
  { type: 'get_config_reply', flags: 0, missSendLen: 0 },
  { type: 'error', errType: 4, code: 9, name: '', data: Buffer.from('0600001000000001', 'hex') },
  { type: 'echo_request', data: Buffer.from('abc') },
  { type: 'hello', versions: [6] },
  {
    type: 'packet_in2',
    packet: Buffer.alloc(60, 1),
    tableId: 3,
    cookie: 9n,
    reason: 'action',
    userdata: Buffer.from('0000000000000000', 'hex'),
    metadata: [],
    continuation: Buffer.alloc(24, 2),
  },
  { type: 'tlv_table_reply', maxOptionSpace: 256, maxFields: 64, mappings: [] },
];

function mutate(r: () => number, b: Buffer): Buffer {
  const x = Buffer.from(b);
  switch (Math.floor(r() * 5)) {
    case 0:
      for (let i = 0, n = 1 + Math.floor(r() * 4); i < n; i++) {
        const at = 8 + Math.floor(r() * Math.max(1, x.length - 8)); // keep the header, so the xid still matches
        if (at < x.length) x[at] = Math.floor(r() * 256);
      }
      return x;
    case 1: {
      // truncated body, header length consistent
      const t = x.subarray(0, 8 + Math.floor(r() * Math.max(1, x.length - 8)));
      t.writeUInt16BE(t.length, 2);
      return t;
    }
    case 2: {
      // unknown message type
      x[1] = 36 + Math.floor(r() * 200);
      return x;
    }
    case 3: {
      // random body
      const body = Buffer.from(Array.from({ length: Math.floor(r() * 120) }, () => Math.floor(r() * 256)));
      const y = Buffer.concat([x.subarray(0, 8), body]);
      y.writeUInt16BE(y.length, 2);
      return y;
    }
    default:
      return x;
  }
}

type Behaviour = 'fuzz' | 'silent' | 'badlen' | 'close';

describe('SwitchConnection against a hostile switch', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'of-hostile-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`${ROUNDS} seeded rounds of hostile replies: typed errors only, reconnects`, { timeout: 600_000 }, async () => {
    const r = prng(0x24);
    let behaviour: Behaviour = 'fuzz';
    let connections = 0;
    const sockets = new Set<net.Socket>();
    const server = net.createServer((sock) => {
      connections++;
      sockets.add(sock);
      sock.on('close', () => sockets.delete(sock));
      sock.on('error', () => undefined);
      const frames = new FrameSplitter();
      sock.write(encodeMessage({ type: 'hello', versions: [6] }, 0));
      sock.on('data', (chunk) => {
        let bufs: Buffer[];
        try {
          bufs = frames.push(chunk);
        } catch {
          return void sock.destroy();
        }
        for (const f of bufs) {
          const { xid, message } = decodeMessage(f);
          // The handshake is answered properly, so the session comes up.
          if (message.type === 'hello' || message.type === 'set_packet_in_format' || message.type === 'set_config')
            continue;
          if (message.type === 'get_config_request') {
            sock.write(encodeMessage({ type: 'get_config_reply', flags: 0, missSendLen: 0 }, xid));
            continue;
          }
          if (message.type === 'echo_request') {
            sock.write(encodeMessage({ type: 'echo_reply', data: message.data }, xid));
            continue;
          }
          if (behaviour === 'silent') continue;
          if (behaviour === 'close') return void sock.destroy();
          if (behaviour === 'badlen') return void sock.write(Buffer.from('0600000400000000', 'hex'));
          // fuzz: one or two mutated replies with the request's xid, sometimes junk with another xid
          for (let n = 1 + Math.floor(r() * 2); n > 0; n--) {
            const seed = SEEDS[Math.floor(r() * SEEDS.length)]!;
            sock.write(mutate(r, encodeMessage(seed, r() < 0.8 ? xid : Math.floor(r() * 1000))));
          }
          if (r() < 0.3) sock.write(encodeMessage({ type: 'barrier_reply' }, xid)); // a late, right reply
        }
      });
    });
    const file = path.join(dir, 'br-int.mgmt');
    server.listen(file);
    await once(server, 'listening');
    const conn = new SwitchConnection({
      target: `unix:${file}`,
      logger: pino({ level: 'silent' }),
      requestTimeoutMs: 100,
      backoffMinMs: 5,
      backoffMaxMs: 20,
    });
    try {
      await conn.connect();
      const outcomes = new Map<string, number>();
      const calls: Array<() => Promise<unknown>> = [
        () => conn.features(),
        () => conn.barrier(),
        () => conn.dumpFlows(),
        () => conn.dumpPorts(),
        () => conn.dumpGroups(),
        () => conn.tlvMap(),
        () => conn.sendChecked([{ type: 'flow_mod', command: 'add', flow: FLOW }]),
        () => conn.bundle([{ type: 'flow_mod', command: 'add', flow: FLOW }]),
        () => conn.syncFlows([FLOW]),
      ];
      for (let i = 0; i < ROUNDS; i++) {
        const x = r();
        behaviour = x < 0.8 ? 'fuzz' : x < 0.87 ? 'silent' : x < 0.94 ? 'badlen' : 'close';
        if (!conn.isConnected) await conn.connect();
        const call = calls[Math.floor(r() * calls.length)]!;
        const outcome = await call().then(
          () => 'value',
          (e: unknown) => {
            const typed = [OfDecodeError, OpenFlowError, BundleError, ConnectionClosedError, TimeoutError].some(
              (T) => e instanceof T,
            );
            if (!typed) throw new Error(`round ${i}: untyped ${String(e)}`, { cause: e });
            return (e as Error).name;
          },
        );
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
      // Values, switch errors, timeouts and dropped connections all happened, and the connection was retried.
      expect([...outcomes.keys()]).toEqual(
        expect.arrayContaining(['value', 'OpenFlowError', 'OfDecodeError', 'TimeoutError', 'ConnectionClosedError']),
      );
      expect(connections).toBeGreaterThan(5);
      // After all that, a well-behaved switch gets a working session.
      behaviour = 'fuzz';
      if (!conn.isConnected) await conn.connect();
      await expect(conn.features().catch((e: Error) => e.name)).resolves.toBeDefined();
    } finally {
      await conn.close();
      for (const s of sockets) s.destroy();
      await new Promise((res) => server.close(res));
    }
  });
});
