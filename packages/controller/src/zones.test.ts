import { describe, expect, it } from 'vitest';
import { assignZones, zonesFromExternalIds } from './zones.js';

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
