// Encode → decode is the identity for every message type we build (the switch-facing proof is in test/).
import { describe, expect, it } from 'vitest';
import { parseFlow } from '../text/parse.js';
import { OfDecodeError } from './buffer.js';
import { errorName } from './errors.js';
import { decodeMessage, encodeMessage, type OfMessage } from './messages.js';

const flow = parseFlow(
  'cookie=0x5, table=3, idle_timeout=10, send_flow_rem priority=100,ct_state=+est+trk,ip,reg0=0x5/0xff,metadata=0x3,nw_src=10.0.0.1 actions=ct(commit,zone=NXM_NX_REG13[0..15],nat(src=1.1.1.1-1.1.1.5:100-200),exec(set_field:0x1->ct_mark)),resubmit(,5),controller(userdata=00.00.00.01,pause,meter_id=5),goto_table:9',
);

const messages: OfMessage[] = [
  { type: 'hello', versions: [4, 6] },
  { type: 'error', errType: 5, code: 2, name: 'OFPFMFC_BAD_TABLE_ID', data: Buffer.from('06', 'hex') },
  {
    type: 'error',
    errType: 0xffff,
    code: 18,
    experimenter: 0x2320,
    name: 'NXTTMFC_BAD_FIELD_IDX',
    data: Buffer.alloc(0),
  },
  { type: 'echo_request', data: Buffer.from('x') },
  { type: 'echo_reply', data: Buffer.alloc(0) },
  { type: 'features_request' },
  { type: 'features_reply', datapathId: 0x1234n, nBuffers: 0, nTables: 254, auxiliaryId: 0, capabilities: 0x4f },
  { type: 'get_config_request' },
  { type: 'get_config_reply', flags: 0, missSendLen: 128 },
  { type: 'set_config', flags: 0, missSendLen: 0xffff },
  { type: 'flow_mod', command: 'add', flow, outPort: 0, outGroup: 0 },
  { type: 'flow_mod', command: 'modify_strict', flow, outPort: 0, outGroup: 0 },
  {
    type: 'flow_mod',
    command: 'delete',
    flow: { ...flow, actions: [] },
    cookieMask: 0xffn,
    outPort: 0xffffffff,
    outGroup: 0xffffffff,
  },
  {
    type: 'group_mod',
    command: 'add',
    group: {
      groupId: 7,
      type: 'select',
      selectionMethod: 'dp_hash',
      buckets: [{ bucketId: 0, weight: 5, actions: [{ type: 'output', port: 3 }] }],
    },
  },
  {
    type: 'group_mod',
    command: 'add',
    group: { groupId: 8, type: 'ff', buckets: [{ bucketId: 0, watchPort: 3, actions: [{ type: 'output', port: 3 }] }] },
  },
  {
    type: 'meter_mod',
    command: 'add',
    meter: { meterId: 1, flags: ['kbps', 'burst'], bands: [{ type: 'drop', rate: 1000, burstSize: 10 }] },
  },
  { type: 'barrier_request' },
  { type: 'barrier_reply' },
  { type: 'role_request', role: 'master', generationId: 3n },
  { type: 'role_reply', role: 'slave', generationId: 3n },
  { type: 'bundle_control', bundleId: 9, ctrl: 'open_request', atomic: true, ordered: true },
  { type: 'bundle_control', bundleId: 9, ctrl: 'commit_reply', atomic: true, ordered: false },
  {
    type: 'bundle_add',
    bundleId: 9,
    atomic: true,
    ordered: true,
    xid: 77,
    message: { type: 'flow_mod', command: 'add', flow, outPort: 0, outGroup: 0 },
  },
  {
    type: 'packet_in2',
    packet: Buffer.alloc(64, 7),
    fullLen: 64,
    tableId: 8,
    cookie: 5n,
    reason: 'action',
    metadata: [
      { field: 'in_port', value: 3n },
      { field: 'metadata', value: 1n },
      { field: 'reg14', value: 2n },
    ],
    userdata: Buffer.from('01020304', 'hex'),
    continuation: Buffer.alloc(40, 9),
  },
  { type: 'packet_out', inPort: 0xfffffffd, actions: [{ type: 'output', port: 2 }], packet: Buffer.alloc(60, 1) },
  {
    type: 'resume',
    packet: Buffer.alloc(60, 2),
    metadata: [{ field: 'in_port', value: 1n }],
    continuation: Buffer.alloc(16, 3),
  },
  { type: 'tlv_table_mod', command: 'add', mappings: [{ optClass: 0x102, optType: 0x80, optLen: 4, index: 0 }] },
  { type: 'tlv_table_request' },
  {
    type: 'tlv_table_reply',
    maxOptionSpace: 256,
    maxFields: 64,
    mappings: [{ optClass: 0x102, optType: 0x80, optLen: 4, index: 0 }],
  },
  { type: 'set_packet_in_format', format: 'nxt_packet_in2' },
  { type: 'set_controller_id', controllerId: 7 },
  { type: 'multipart_request', flags: 0, body: { kind: 'raw', mpType: 12, body: Buffer.alloc(0) } },
];

describe('message codec', () => {
  for (const msg of messages) {
    it(`${msg.type}${'command' in msg ? ` ${msg.command}` : ''} round-trips`, () => {
      const buf = encodeMessage(msg, 0x1234);
      expect(buf.readUInt8(0)).toBe(6);
      expect(buf.readUInt16BE(2)).toBe(buf.length);
      const { xid, message } = decodeMessage(buf);
      expect(xid).toBe(0x1234);
      expect(message).toEqual(msg);
    });
  }

  it('writes a set_field on in_port as the 16-bit NXM_OF_IN_PORT OVS accepts (ovn-controller’s OFPP_NONE load)', () => {
    const msg: OfMessage = {
      type: 'flow_mod',
      command: 'add',
      flow: parseFlow(
        'table=64,priority=100,reg15=0x1 actions=push:NXM_OF_IN_PORT[],set_field:ANY->in_port,resubmit(,65),pop:NXM_OF_IN_PORT[]',
      ),
    };
    const buf = encodeMessage(msg, 1);
    // OFPAT_SET_FIELD, len 16, header class 0 field 0 length 2, value 0xffff, padding.
    expect(buf.includes(Buffer.from('0019001000000002ffff000000000000', 'hex'))).toBe(true);
    const back = decodeMessage(buf).message;
    expect(back.type === 'flow_mod' && back.flow).toEqual(msg.flow);
  });

  it('names errors like ovs-ofctl and falls back to numbers', () => {
    expect(errorName(1, 9)).toBe('OFPBRC_BAD_TABLE_ID');
    expect(errorName(4, 9)).toBe('OFPBMC_BAD_PREREQ');
    expect(errorName(0xffff, 18, 0x2320)).toBe('NXTTMFC_BAD_FIELD_IDX');
    expect(errorName(99, 1)).toBe('OFPET(99,1)');
  });

  it('rejects wrong versions and inconsistent lengths with typed errors', () => {
    const buf = encodeMessage({ type: 'barrier_request' }, 1);
    const v4 = Buffer.from(buf);
    v4[0] = 4;
    expect(() => decodeMessage(v4)).toThrow(OfDecodeError);
    expect(() => decodeMessage(buf.subarray(0, 7))).toThrow(OfDecodeError);
    const long = Buffer.concat([buf, Buffer.alloc(8)]);
    expect(() => decodeMessage(long)).toThrow(OfDecodeError);
  });

  it('refuses to encode actions that cannot be expressed', () => {
    expect(() =>
      encodeMessage(
        {
          type: 'flow_mod',
          command: 'add',
          flow: {
            table: 0,
            priority: 1,
            match: [],
            actions: [
              {
                type: 'move',
                src: { field: 'reg0', start: 0, nBits: 16 },
                dst: { field: 'reg1', start: 20, nBits: 16 },
              },
            ],
          },
        },
        1,
      ),
    ).toThrow(RangeError);
    expect(() =>
      encodeMessage(
        {
          type: 'flow_mod',
          command: 'add',
          flow: {
            table: 0,
            priority: 1,
            match: [],
            actions: [{ type: 'clone', actions: [{ type: 'goto_table', table: 3 }] }],
          },
        },
        1,
      ),
    ).toThrow(RangeError);
  });
});
