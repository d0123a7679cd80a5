import { describe, expect, it } from 'vitest';
import { model } from '@ovnts/schema/nb';
import { NbStore } from './store.js';

const U1 = '11111111-1111-1111-1111-111111111111';

describe('NbStore', () => {
  it('inserts with defaults and a client-chosen UUID, and turns changes into one batch of ops', () => {
    const s = new NbStore(model.schema);
    const ls = s.insert('Logical_Switch', { name: 'a' }, U1);
    expect(ls['ports']).toEqual([]);
    expect(ls['other_config']).toEqual({});
    s.set('Logical_Switch', ls, 'external_ids', { k: 'v' });
    expect(s.toOps()).toEqual([
      { op: 'insert', table: 'Logical_Switch', uuid: U1, row: { name: 'a', external_ids: ['map', [['k', 'v']]] } },
    ]);
  });

  it('updates only changed columns of loaded rows and deletes by UUID', () => {
    const s = new NbStore(model.schema);
    const row = { _uuid: U1, name: 'a', ports: [], acls: [], external_ids: {} } as never;
    s.load('Logical_Switch', row);
    expect(s.changed).toBe(false);
    s.set('Logical_Switch', s.get('Logical_Switch', U1)!, 'name', 'b');
    expect(s.toOps()).toEqual([
      { op: 'update', table: 'Logical_Switch', where: [['_uuid', '==', ['uuid', U1]]], row: { name: 'b' } },
    ]);
    s.delete('Logical_Switch', s.get('Logical_Switch', U1)!);
    expect(s.toOps()).toEqual([{ op: 'delete', table: 'Logical_Switch', where: [['_uuid', '==', ['uuid', U1]]] }]);
  });

  it('deferred mutations: reads keep the old value, one mutate op per column, last call wins', () => {
    const s = new NbStore(model.schema, true);
    s.load('Logical_Switch', { _uuid: U1, name: 'a', ports: [], acls: [] } as never);
    const ls = s.get('Logical_Switch', U1)!;
    const p1 = s.insert('Logical_Switch_Port', { name: 'p1' });
    const p2 = s.insert('Logical_Switch_Port', { name: 'p2' });
    s.addToSet('Logical_Switch', ls, 'ports', [p1._uuid]);
    s.addToSet('Logical_Switch', ls, 'ports', [p2._uuid]);
    expect(ls['ports']).toEqual([]);
    expect(s.effective(ls, 'ports')).toEqual([p1._uuid, p2._uuid]);
    // p2 inserted and deleted in the same batch: neither its insert nor a reference to it is sent.
    s.removeFromSet('Logical_Switch', ls, 'ports', [p2._uuid]);
    s.delete('Logical_Switch_Port', p2);
    expect(s.deref('Logical_Switch_Port', p2._uuid)).toBe(p2);
    const ops = s.toOps() as { op: string; mutations?: unknown }[];
    expect(ops.map((o) => o.op)).toEqual(['insert', 'mutate']);
    expect(ops[1]!.mutations).toEqual([['ports', 'insert', ['set', [['uuid', p1._uuid]]]]]);
  });

  it('column index follows inserts, updates and deletes', () => {
    const s = new NbStore(model.schema);
    const a = s.insert('Logical_Switch', { name: 'a' });
    expect(s.findBy('Logical_Switch', 'name', 'a')).toEqual([a]);
    const b = s.insert('Logical_Switch', { name: 'a' });
    expect(s.findBy('Logical_Switch', 'name', 'a')).toEqual([a, b]);
    s.set('Logical_Switch', a, 'name', 'z');
    expect(s.findBy('Logical_Switch', 'name', 'a')).toEqual([b]);
    expect(s.findBy('Logical_Switch', 'name', 'z')).toEqual([a]);
    s.delete('Logical_Switch', b);
    expect(s.findBy('Logical_Switch', 'name', 'a')).toEqual([]);
  });

  it('without deferral, set mutations apply at once', () => {
    const s = new NbStore(model.schema);
    const ls = s.insert('Logical_Switch', { name: 'a' });
    s.addToSet('Logical_Switch', ls, 'ports', [U1]);
    expect(ls['ports']).toEqual([U1]);
    s.removeFromSet('Logical_Switch', ls, 'ports', [U1]);
    expect(ls['ports']).toEqual([]);
  });
});
