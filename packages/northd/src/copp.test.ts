import { describe, expect, it } from 'vitest';
import { applyCopp, resolveCopp } from './copp.js';
import { collect } from './engine/flow-set.js';
import { flowKey } from './lflow-table.js';

const unit = collect((add) => {
  add('lr_in_learn_neighbor', 90, 'arp', 'put_arp(inport, arp.spa, arp.sha); next;', undefined, 'arp');
  add('lr_in_learn_neighbor', 0, '1', 'drop;');
});

describe('CoPP', () => {
  it('resolves only the meters that exist, in a stable signature', () => {
    const c = resolveCopp({ meters: { reject: 'm1', arp: 'm2', bfd: 'gone' } }, new Set(['m1', 'm2']));
    expect(c && [...c.meters]).toEqual([
      ['arp', 'm2'],
      ['reject', 'm1'],
    ]);
    expect(resolveCopp({ meters: { arp: 'gone' } }, new Set(['m1']))).toBeUndefined();
    expect(resolveCopp(undefined, new Set(['m1']))).toBeUndefined();
  });

  it('meters the tagged flows of a unit, keyed apart, and leaves other units as they are', () => {
    const c = resolveCopp({ meters: { arp: 'm1' } }, new Set(['m1']))!;
    const out = applyCopp(unit, c);
    expect(out.map((f) => f.meter)).toEqual(['m1', undefined]);
    expect(out[0]!.key).toBe(flowKey({ ...unit[0]!, meter: 'm1' }));
    expect(out[0]!.key).not.toBe(unit[0]!.key);
    expect(out[1]).toBe(unit[1]);
    // Memoized per unit and assignment; nothing to meter returns the unit itself.
    expect(applyCopp(unit, resolveCopp({ meters: { arp: 'm1' } }, new Set(['m1'])))).toBe(out);
    expect(applyCopp(unit, resolveCopp({ meters: { bfd: 'm1' } }, new Set(['m1'])))).toBe(unit);
    expect(applyCopp(unit, undefined)).toBe(unit);
  });
});
