// Fuzz: 100k random and mutated messages into the decoder (and the text renderer for what decodes).
// Anything malformed must surface as OfDecodeError; no other exception type, no hang.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFlow } from '../text/parse.js';
import { formatFlow } from '../text/format-flow.js';
import { formatGroup } from '../text/format-group.js';
import { OfDecodeError, Writer } from './buffer.js';
import { encodeInstructions } from './actions.js';
import { FrameSplitter } from './frames.js';
import { decodeMessage, encodeMessage, type OfMessage } from './messages.js';
import { encodeMatch } from './oxm.js';

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

const corpus = readFileSync(new URL('../../fixtures/flows.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map(parseFlow);

function flowDescReply(): Buffer {
  const w = new Writer();
  w.u16(1).u16(0).zeros(4);
  for (const f of corpus.slice(0, 6)) {
    const s = w.length;
    w.u16(0)
      .zeros(2)
      .u8(f.table)
      .u8(0)
      .u16(f.priority)
      .u16(0)
      .u16(0)
      .u16(0)
      .u16(0)
      .u64(f.cookie ?? 0n);
    encodeMatch(w, f.match);
    w.u16(0)
      .u16(4 + 12)
      .u16(0x8002)
      .u8(3 << 1)
      .u8(8)
      .u64(5n); // OXS block: packet_count=5
    encodeInstructions(w, f.actions);
    w.setU16(s, w.length - s);
  }
  return encodeMessage({ type: 'unknown', msgType: 19, body: w.finish() }, 7);
}

const seeds: Buffer[] = [
  ...corpus.map((flow, i) => encodeMessage({ type: 'flow_mod', command: 'add', flow }, i)),
  ...(
    [
      { type: 'hello', versions: [1, 4, 6] },
      { type: 'error', errType: 4, code: 9, name: '', data: Buffer.from('0600001000000001', 'hex') },
      { type: 'echo_request', data: Buffer.from('abc') },
      { type: 'features_reply', datapathId: 5n, nBuffers: 0, nTables: 254, auxiliaryId: 0, capabilities: 0x4f },
      {
        type: 'group_mod',
        command: 'add',
        group: {
          groupId: 2,
          type: 'select',
          selectionMethod: 'hash',
          fields: ['ip_src'],
          buckets: [{ weight: 3, actions: [{ type: 'output', port: 1 }] }],
        },
      },
      {
        type: 'meter_mod',
        command: 'add',
        meter: { meterId: 1, flags: ['kbps', 'burst'], bands: [{ type: 'drop', rate: 5, burstSize: 6 }] },
      },
      {
        type: 'bundle_add',
        bundleId: 1,
        atomic: true,
        ordered: true,
        xid: 9,
        message: { type: 'flow_mod', command: 'add', flow: corpus[4]! },
      },
      { type: 'bundle_control', bundleId: 1, ctrl: 'commit_request', atomic: true, ordered: true },
      {
        type: 'packet_in2',
        packet: Buffer.alloc(60, 1),
        tableId: 3,
        cookie: 9n,
        reason: 'action',
        userdata: Buffer.from('dead', 'hex'),
        metadata: corpus[5]!.match,
        continuation: Buffer.alloc(24, 2),
      },
      { type: 'packet_out', inPort: 0xfffffffd, actions: [{ type: 'output', port: 2 }], packet: Buffer.alloc(42) },
      {
        type: 'tlv_table_reply',
        maxOptionSpace: 256,
        maxFields: 64,
        mappings: [{ optClass: 0x102, optType: 0x80, optLen: 4, index: 0 }],
      },
      { type: 'role_request', role: 'master', generationId: 1n },
    ] satisfies OfMessage[]
  ).map((m, i) => encodeMessage(m, 100 + i)),
  flowDescReply(),
];

function mutate(rand: () => number, b: Buffer): Buffer {
  const x = Buffer.from(b);
  const kind = Math.floor(rand() * 5);
  if (kind === 0) {
    // flip a few bytes
    for (let i = 0, n = 1 + Math.floor(rand() * 4); i < n; i++)
      x[Math.floor(rand() * x.length)] = Math.floor(rand() * 256);
    return x;
  }
  if (kind === 1) return x.subarray(0, Math.floor(rand() * x.length)); // truncate
  if (kind === 2) {
    // corrupt an inner 16-bit length-ish word, keep the header length consistent
    const at = 8 + Math.floor(rand() * Math.max(1, x.length - 10));
    if (at + 2 <= x.length) x.writeUInt16BE(Math.floor(rand() * 0x10000) & (rand() < 0.5 ? 0xff : 0xffff), at);
    return x;
  }
  if (kind === 3) {
    // random body behind a valid header of a random type
    const body = Buffer.alloc(Math.floor(rand() * 200));
    for (let i = 0; i < body.length; i++) body[i] = Math.floor(rand() * 256);
    const h = Buffer.from([6, Math.floor(rand() * 36), 0, 0, 0, 0, 0, 1]);
    const r = Buffer.concat([h, body]);
    r.writeUInt16BE(r.length, 2);
    return r;
  }
  // splice two seeds
  const y = seeds[Math.floor(rand() * seeds.length)]!;
  const cut = Math.floor(rand() * x.length);
  const r = Buffer.concat([x.subarray(0, cut), y.subarray(Math.floor(rand() * y.length))]);
  if (r.length >= 4) r.writeUInt16BE(Math.min(r.length, 0xffff), 2);
  return r;
}

describe('decoder fuzz', () => {
  it('seeds decode', () => {
    for (const s of seeds) expect(() => decodeMessage(s)).not.toThrow();
  });

  it('100k random/mutated messages produce only typed errors', () => {
    const rand = prng(0x0ff1ce);
    let ok = 0;
    let typed = 0;
    for (let i = 0; i < 100_000; i++) {
      const seed = seeds[Math.floor(rand() * seeds.length)]!;
      const input = mutate(rand, seed);
      try {
        const { message } = decodeMessage(input);
        // What decodes must also render (the controller logs decoded flows).
        if (message.type === 'flow_mod') formatFlow(message.flow);
        if (message.type === 'group_mod') formatGroup(message.group);
        if (message.type === 'multipart_reply' && message.body.kind === 'flow_desc')
          message.body.flows.forEach((f) => formatFlow(f.flow));
        ok++;
      } catch (e) {
        if (!(e instanceof OfDecodeError))
          throw new Error(`iteration ${i}: ${(e as Error).name}: ${(e as Error).message} for ${input.toString('hex')}`);
        typed++;
      }
    }
    expect(ok + typed).toBe(100_000);
    expect(typed).toBeGreaterThan(10_000);
    expect(ok).toBeGreaterThan(1_000);
  });

  it('the frame splitter reassembles arbitrary chunking and rejects bad lengths with a typed error', () => {
    const rand = prng(7);
    const stream = Buffer.concat(seeds);
    const fs = new FrameSplitter();
    const out: Buffer[] = [];
    for (let off = 0; off < stream.length;) {
      const n = 1 + Math.floor(rand() * 300);
      out.push(...fs.push(stream.subarray(off, off + n)));
      off += n;
    }
    expect(out.map((b) => b.toString('hex'))).toEqual(seeds.map((b) => b.toString('hex')));
    expect(() => new FrameSplitter().push(Buffer.from('0600000400000000', 'hex'))).toThrow(OfDecodeError);
  });
});
