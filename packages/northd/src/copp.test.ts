import { describe, expect, it } from 'vitest';
import { applyCopp, resolveCopp } from './copp.js';
import { collect } from './engine/flow-set.js';
import { flowKey } from './lflow-table.js';
import { compile } from './compile.js';
import { diffSb } from './sb-diff.js';
import { MemSb } from './testing/mem-sb.js';
import { k8sMemNb } from './testing/random-nb-changes.js';

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

  it('writes controller_meter, matches SB rows by it, and rewrites flows whose meter changed', () => {
    const nb = k8sMemNb();
    nb.transact([
      { op: 'insert', table: 'Meter_Band', 'uuid-name': 'b', row: { action: 'drop', rate: 10 } },
      { op: 'insert', table: 'Meter', row: { name: 'm1', unit: 'pktps', bands: ['set', [['named-uuid', 'b']]] } },
      { op: 'insert', table: 'Copp', 'uuid-name': 'c', row: { name: 'c1', meters: ['map', [['arp', 'm1']]] } },
      { op: 'update', table: 'Logical_Router', where: [], row: { copp: ['named-uuid', 'c'] } },
    ]);
    const sb = new MemSb();
    const write = () => {
      const w = sb.begin();
      const stats = diffSb(compile(nb.snapshot()), sb.state(), w);
      w.commit();
      return stats;
    };
    const metered = () =>
      [...sb.tables.get('Logical_Flow')!.values()].filter(
        (f) => f['controller_meter'] !== null && f['controller_meter'] !== undefined,
      );
    write();
    expect(metered().length).toBeGreaterThan(0);
    expect(metered().every((f) => f['controller_meter'] === 'm1' && String(f['actions']).startsWith('put_arp'))).toBe(
      true,
    );
    // Read back from the SB, the metered rows are the flows: nothing to write.
    expect(write()).toEqual({ inserted: 0, updated: 0, deleted: 0 });
    // Without the Copp the same content is another flow: the metered rows go.
    nb.transact([{ op: 'delete', table: 'Copp', where: [] }]);
    write();
    expect(metered()).toEqual([]);
    expect(write()).toEqual({ inserted: 0, updated: 0, deleted: 0 });
  });
});
