// The Nicira bundle action: wire layout, decoding, and the ovs-ofctl text form. The switch-facing proof (installed
// on ovs-vswitchd, dumped back by ovs-ofctl) is the corpus round-trip in test/openflow-roundtrip.test.ts.
import { describe, expect, it } from 'vitest';
import type { Action, BundleAction } from '../model/actions.js';
import { formatActions } from '../text/format-actions.js';
import { FlowSyntaxError, parseActions } from '../text/parse.js';
import { OfDecodeError, Reader, Writer } from './buffer.js';
import { decodeActionList, encodeActions } from './actions.js';

const wire = (actions: readonly Action[]) => {
  const w = new Writer();
  encodeActions(w, actions);
  return w.finish();
};
const decode = (hex: string) => decodeActionList(new Reader(Buffer.from(hex, 'hex')));

const activeBackup: BundleAction = {
  type: 'bundle',
  algorithm: 'active_backup',
  fields: 'eth_src',
  basis: 0,
  members: [1, 2, 5],
};
// `ovs-ofctl ofp-print` of a flow_mod carrying exactly these bytes prints
// bundle(eth_src,0,active_backup,ofport,members:1,2,5).
const ACTIVE_BACKUP_HEX =
  'ffff0028' + // experimenter action, 40 bytes
  '00002320' + // Nicira
  '000c' + // NXAST_BUNDLE
  '0000' + // active_backup
  '0000' + // eth_src
  '0000' + // basis
  '00000002' + // members are NXM_OF_IN_PORT (16-bit ports)
  '0003' + // three members
  '0000' + // ofs_nbits (bundle_load only)
  '00000000' + // dst (bundle_load only)
  '00000000' + // reserved
  '000100020005' +
  '0000'; // padding to 8

describe('bundle action', () => {
  it('encodes as OVS lays out nx_action_bundle, members padded to 8 bytes', () => {
    expect(wire([activeBackup]).toString('hex')).toBe(ACTIVE_BACKUP_HEX);
    expect(decode(ACTIVE_BACKUP_HEX)).toEqual([activeBackup]);
  });

  it('round-trips every algorithm and hash-fields value, reserved ports and an empty member list', () => {
    const actions: BundleAction[] = [
      { type: 'bundle', algorithm: 'hrw', fields: 'symmetric_l3l4+udp', basis: 60, members: [4, 8] },
      { type: 'bundle', algorithm: 'active_backup', fields: 'nw_src', basis: 1, members: [0xfffffffe] },
      { type: 'bundle', algorithm: 'hrw', fields: 'symmetric_l3', basis: 0xffff, members: [] },
      { type: 'bundle', algorithm: 'active_backup', fields: 'eth_src', basis: 0, members: [1, 2, 3, 4] },
    ];
    expect(decodeActionList(new Reader(wire(actions)))).toEqual(actions);
    // The reserved port travels as its 16-bit OpenFlow 1.0 number.
    expect(wire([actions[1]!]).subarray(32, 34).toString('hex')).toBe('fffe');
  });

  it('prints and parses the ovs-ofctl text form (slaves: is the old spelling of members:)', () => {
    const text =
      'bundle(eth_src,0,active_backup,ofport,members:1,2,5),bundle(symmetric_l3l4+udp,60,hrw,ofport,members:4,8),bundle(nw_src,1,active_backup,ofport,members:LOCAL)';
    const parsed = parseActions(text);
    expect(parsed[0]).toEqual(activeBackup);
    expect(formatActions(parsed)).toBe(text);
    expect(parseActions('bundle(eth_src, 0, active_backup, ofport, slaves:1, 2, 5)')).toEqual([activeBackup]);
  });

  it('rejects malformed text', () => {
    for (const bad of [
      'bundle(eth_src,0,active_backup,ofport)',
      'bundle(eth_dst,0,active_backup,ofport,members:1)',
      'bundle(eth_src,0,round_robin,ofport,members:1)',
      'bundle(eth_src,0,active_backup,name,members:1)',
      'bundle(eth_src,x,active_backup,ofport,members:1)',
      'bundle(eth_src,0,active_backup,ofport,ports:1)',
    ])
      expect(() => parseActions(bad), bad).toThrow(FlowSyntaxError);
  });

  it('refuses on decode what OVS refuses: unknown algorithm or member type, nonzero reserved bytes, short member list', () => {
    const patch = (offset: number, hex: string) => {
      const b = Buffer.from(ACTIVE_BACKUP_HEX, 'hex');
      Buffer.from(hex, 'hex').copy(b, offset);
      return b.toString('hex');
    };
    for (const bad of [
      patch(10, '0002'), // algorithm
      patch(12, '0007'), // fields
      patch(16, '00000004'), // member type
      patch(22, '0001'), // ofs_nbits of a bundle_load
      patch(28, '00000001'), // reserved
      patch(20, '0005'), // five members in room for four
    ])
      expect(() => decode(bad), bad).toThrow(OfDecodeError);
  });
});
