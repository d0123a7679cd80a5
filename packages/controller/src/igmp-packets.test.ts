// IGMP/MLD snooping messages and the querier's general queries, byte for byte against the packets
// OVN's own test suite (ovn.at "IGMP snoop/querier/relay", "MLD snoop/querier/relay") sends and expects.
import { describe, expect, it } from 'vitest';
import { igmpQuery, mldQuery, parseSnoopMessage } from './igmp-packets.js';
import { parseEth } from './packets.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const ip4 = (a: number, b: number, c: number, d: number) =>
  [a, b, c, d].map((x) => x.toString(16).padStart(2, '0')).join('');

/** ovn-macros.at send_igmp_v3_report: one record for `group` of type `rec`, with a router alert option. */
const igmpV3Report = (src: string, ipCsum: string, group: string, rec: string, igmpCsum: string) =>
  hex(
    `01005e000016 000000000001 0800 46c0002800004000 01 02 ${ipCsum} ${src} ${ip4(224, 0, 0, 22)} 94040000` +
      ` 2200 ${igmpCsum} 00000001 ${rec} 00 0000 ${group}`,
  );
/** ovn-macros.at send_mld_v2_report. */
const mldV2Report = (src: string, group: string, rec: string, csum: string) =>
  hex(
    `333300000016 000000000001 86dd 60000000002400 01 ${src} ff020000000000000000000000000016 3a00050200000100` +
      ` 8f 00 ${csum} 0000 0001 ${rec} 00 0000 ${group}`,
  );

describe('IGMP/MLD snooping messages', () => {
  it('reads IGMPv3 joins and leaves', () => {
    const join = igmpV3Report(ip4(10, 0, 0, 1), 'f9f8', ip4(239, 0, 1, 68), '04', 'e9b9');
    expect(parseSnoopMessage(parseEth(join))).toEqual({
      family: 4,
      type: 'report',
      events: [{ kind: 'join', address: '239.0.1.68' }],
      fromRouter: false,
    });
    const leave = igmpV3Report(ip4(10, 0, 0, 1), 'f9f8', ip4(239, 0, 1, 68), '03', 'eab9');
    expect(parseSnoopMessage(parseEth(leave))?.events).toEqual([{ kind: 'leave', address: '239.0.1.68' }]);
  });

  it('refuses a bad checksum', () => {
    const bad = igmpV3Report(ip4(10, 0, 0, 1), 'f9f8', ip4(239, 0, 1, 68), '04', 'e9ba');
    expect(parseSnoopMessage(parseEth(bad))).toBeUndefined();
  });

  it('reads IGMPv2 reports and leaves, and queries', () => {
    const v2 = (type: number, group: number) => {
      const m = Buffer.alloc(8);
      m[0] = type;
      m.writeUInt32BE(group, 4);
      let sum = 0;
      for (let i = 0; i < 8; i += 2) sum += m.readUInt16BE(i);
      while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
      m.writeUInt16BE(~sum & 0xffff, 2);
      const ip = hex(`45000000000000000102000000000000e0000001`);
      ip.writeUInt16BE(28, 2);
      return parseSnoopMessage({
        dst: Buffer.alloc(6),
        src: Buffer.alloc(6),
        ethType: 0x0800,
        payload: Buffer.concat([ip, m]),
      });
    };
    expect(v2(0x16, 0xef000144)?.events).toEqual([{ kind: 'join', address: '239.0.1.68' }]);
    expect(v2(0x17, 0xef000144)?.events).toEqual([{ kind: 'leave', address: '239.0.1.68' }]);
    expect(v2(0x11, 0)).toMatchObject({ type: 'query', fromRouter: true });
  });

  it('reads MLDv2 joins and leaves behind a hop-by-hop header', () => {
    const src = '10000000000000000000000000000001';
    const group = 'ff0adeadbeef00000000000000000001';
    expect(parseSnoopMessage(parseEth(mldV2Report(src, group, '04', 'c0e4')))?.events).toEqual([
      { kind: 'join', address: 'ff0a:dead:beef::1' },
    ]);
    expect(parseSnoopMessage(parseEth(mldV2Report(src, group, '03', 'c1e4')))?.events).toEqual([
      { kind: 'leave', address: 'ff0a:dead:beef::1' },
    ]);
  });

  it('builds the IGMPv3 general query ovn-controller sends', () => {
    const q = igmpQuery(hex('0000000002fe'), 0x140000fe, 1);
    // ovn-macros.at store_igmp_v3_query 0000000002fe 20.0.0.254 84dd
    expect(q.toString('hex')).toBe(
      (
        `01005e000001 0000000002fe 0800 4500002000004000 01 02 84dd ${ip4(20, 0, 0, 254)} ${ip4(224, 0, 0, 1)}` +
        ` 11 0a eeeb 00000000 000a0000`
      ).replace(/\s+/g, ''),
    );
    expect(parseSnoopMessage(parseEth(q))).toMatchObject({ type: 'query', fromRouter: true });
  });

  it('builds the MLDv2 general query ovn-controller sends', () => {
    const q = mldQuery(hex('0000000002fe'), hex('fe8000000000000000000000000000fe'), 1);
    // ovn-macros.at store_mld_query 0000000002fe fe80::fe
    expect(q.toString('hex')).toBe(
      (
        '333300000000 0000000002fe 86dd 60000000002400 01 fe8000000000000000000000000000fe' +
        ' ff020000000000000000000000000001 3a00050200000000' +
        ' 82 00 7b3d 03e8 0000 00000000000000000000000000000000 00010000'
      ).replace(/\s+/g, ''),
    );
    expect(parseSnoopMessage(parseEth(q))).toMatchObject({ family: 6, type: 'query', fromRouter: true });
  });
});
