import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { field, type FieldName } from '../model/fields.js';
import { m, type Match } from '../model/match.js';
import { parseFlow } from '../text/parse.js';
import { Reader, Writer } from './buffer.js';
import { decodeMatch, encodeMatch, prereqOrder } from './oxm.js';

function wire(match: Match): Buffer {
  const w = new Writer();
  encodeMatch(w, match);
  return w.finish();
}
const names = (match: Match) => match.map((e) => e.field);
const roundTrip = (match: Match) => names(decodeMatch(new Reader(wire(match))));

describe('match encoding in prerequisite order', () => {
  it('writes eth_type before the ARP fields that need it, keeping the rest in place', () => {
    expect(roundTrip([m('arp_op', 1), m('metadata', 1), m('eth_type', 0x806)])).toEqual([
      'metadata',
      'eth_type',
      'arp_op',
    ]);
  });

  it('writes eth_type, nw_proto, ICMPv6 type/code before nd_target', () => {
    const match = [
      m('nd_target', 1n),
      m('reg14', 2),
      m('icmpv6_code', 0),
      m('icmpv6_type', 135),
      m('nw_proto', 58),
      m('eth_type', 0x86dd),
      m('ipv6_src', 5n),
    ];
    expect(roundTrip(match)).toEqual([
      'reg14',
      'eth_type',
      'nw_proto',
      'ipv6_src',
      'icmpv6_code',
      'icmpv6_type',
      'nd_target',
    ]);
  });

  it('puts ct_state before ct_nw_* and vlan_tci before vlan_pcp', () => {
    expect(roundTrip([m('ct_nw_src', 1), m('vlan_pcp', 3), m('ct_state', 0x20, 0x20), m('vlan_vid', 0x1005)])).toEqual([
      'ct_state',
      'vlan_vid',
      'ct_nw_src',
      'vlan_pcp',
    ]);
  });

  it('leaves a match that is already in order untouched (same array, same bytes)', () => {
    const match = [m('eth_type', 0x800), m('nw_proto', 6), m('tcp_dst', 80)];
    expect(prereqOrder(match)).toBe(match);
    expect(roundTrip(match)).toEqual(names(match));
  });

  it('every corpus flow, written backwards, is encoded with each field after its prerequisites', () => {
    const corpus = readFileSync(new URL('../../fixtures/flows.txt', import.meta.url), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(parseFlow);
    // The field that must precede a field of each rank (checked on the fields OVS actually needs).
    const provider: Partial<Record<FieldName, readonly FieldName[]>> = {
      arp_op: ['eth_type'],
      ip_src: ['eth_type'],
      ipv6_src: ['eth_type'],
      nw_proto: ['eth_type'],
      tcp_dst: ['eth_type', 'nw_proto'],
      udp_dst: ['eth_type', 'nw_proto'],
      icmp_type: ['eth_type', 'nw_proto'],
      icmpv6_type: ['eth_type', 'nw_proto'],
      nd_target: ['eth_type', 'nw_proto', 'icmpv6_type'],
    };
    let checked = 0;
    for (const flow of corpus) {
      const out = roundTrip([...flow.match].reverse());
      const ranks = out.map((n) => field(n).prereqRank);
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
      out.forEach((n, i) => {
        for (const p of provider[n] ?? [])
          if (out.includes(p)) {
            expect(out.indexOf(p)).toBeLessThan(i);
            checked++;
          }
      });
    }
    expect(checked).toBeGreaterThan(0);
  });
});
