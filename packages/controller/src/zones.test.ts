import { describe, expect, it } from 'vitest';
import { assignZones, zonesFromExternalIds } from './zones.js';
import { prereqOrder } from './match-order.js';
import { m } from '@ovnts/openflow';

describe('conntrack zones', () => {
  it('keeps persisted zones and gives new keys the lowest free ones', () => {
    const existing = zonesFromExternalIds({
      'ct-zone-vm1': '2',
      'ct-zone-dp_dnat': '5',
      'ct-zone-bad': 'x',
      'ovn-nb-cfg': '3',
      'ct-zone-zero': '0',
    });
    expect([...existing]).toEqual([
      ['vm1', 2],
      ['dp_dnat', 5],
    ]);
    const z = assignZones(['vm1', 'dp_dnat', 'vm2', 'dp_snat', 'vm3'], existing);
    expect(Object.fromEntries(z)).toEqual({ vm1: 2, dp_dnat: 5, dp_snat: 1, vm2: 3, vm3: 4 });
  });

  it('drops keys no longer needed and never hands out a zone twice', () => {
    const z = assignZones(
      ['a', 'b'],
      new Map([
        ['a', 7],
        ['b', 7],
        ['gone', 1],
      ]),
    );
    expect(z.get('a')).toBe(7);
    expect(z.get('b')).toBe(1);
    expect(z.has('gone')).toBe(false);
  });
});

describe('match prerequisite order', () => {
  it('puts eth_type and nw_proto before the fields that need them, keeping the rest stable', () => {
    const f = prereqOrder({
      table: 1,
      priority: 1,
      match: [m('arp_op', 1), m('metadata', 1), m('eth_type', 0x806)],
      actions: [],
    });
    expect(f.match.map((e) => e.field)).toEqual(['eth_type', 'arp_op', 'metadata']);
    const g = { table: 1, priority: 1, match: [m('eth_type', 0x800), m('nw_proto', 6), m('tcp_dst', 80)], actions: [] };
    expect(prereqOrder(g)).toBe(g);
  });
});
