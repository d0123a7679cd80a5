import { describe, expect, it } from 'vitest';
import { BOOTSTRAP_NB_TABLES, BOOTSTRAP_SB_TABLES, bootstrapInputChanged, liveView } from './live-view.js';

describe('liveView', () => {
  it('hands out one view while the tables are the same maps, a new one when a map is replaced', () => {
    const maps = new Map<string, Map<string, unknown>>([
      ['A', new Map([['1', { x: 1 }]])],
      ['B', new Map()],
    ]);
    const r = { table: (t: never) => maps.get(t)! };
    const tables = ['A', 'B'];
    const v1 = liveView(r, tables);
    expect(v1['A']).toBe(maps.get('A'));
    maps.get('A')!.set('2', { x: 2 }); // rows change in place: the view shows them
    const v2 = liveView(r, tables);
    expect(v2).toBe(v1);
    expect(v2['A']!.size).toBe(2);
    maps.set('B', new Map([['3', {}]])); // a table replaced (a sliced batch's copy)
    const v3 = liveView(r, tables);
    expect(v3).not.toBe(v1);
    expect(v3['B']).toBe(maps.get('B'));
    // Another replica or table list: its own view.
    expect(liveView({ table: r.table }, tables)).not.toBe(v3);
    expect(Object.keys(liveView(r, ['A']))).toEqual(['A']);
  });
});

describe('bootstrapInputChanged', () => {
  const opts = { a: '1' };
  const mod = (table: string, old: object, now: object) => ({ table, kind: 'modify', old, new: now });
  it('ignores a global row whose options stay the same object (nb_cfg, sb_cfg) and other tables', () => {
    const changes = [
      mod('NB_Global', { options: opts, nb_cfg: 1 }, { options: opts, nb_cfg: 2 }),
      mod('Logical_Switch', {}, {}),
    ];
    expect(bootstrapInputChanged({ resync: false, changes }, BOOTSTRAP_NB_TABLES)).toBe(false);
    const sb = [
      mod('SB_Global', { options: opts, nb_cfg: 1 }, { options: opts, nb_cfg: 2 }),
      mod('Port_Binding', {}, {}),
    ];
    expect(bootstrapInputChanged({ resync: false, changes: sb }, BOOTSTRAP_SB_TABLES)).toBe(false);
  });
  it('sees new options, a global row inserted or deleted, RBAC, encapsulations, chassis and resyncs', () => {
    const nb = (c: object) => bootstrapInputChanged({ resync: false, changes: [c as never] }, BOOTSTRAP_NB_TABLES);
    const sb = (c: object) => bootstrapInputChanged({ resync: false, changes: [c as never] }, BOOTSTRAP_SB_TABLES);
    expect(nb(mod('NB_Global', { options: opts }, { options: { a: '1' } }))).toBe(true);
    expect(nb({ table: 'NB_Global', kind: 'delete', old: { options: opts } })).toBe(true);
    expect(sb({ table: 'SB_Global', kind: 'insert', new: { options: opts } })).toBe(true);
    for (const t of ['RBAC_Role', 'RBAC_Permission', 'Encap', 'Chassis']) expect(sb(mod(t, {}, {}))).toBe(true);
    expect(bootstrapInputChanged({ resync: true, changes: [] }, BOOTSTRAP_SB_TABLES)).toBe(true);
  });
});
