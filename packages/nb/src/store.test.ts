import { describe, expect, it } from 'vitest';
import { asUuid } from 'ovsdb-client-ts/wire';
import { model } from '@ovnts/schema/nb';
import { NbSchemaError } from './errors.js';
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
    const port = asUuid<'Logical_Switch_Port'>(U1);
    s.addToSet('Logical_Switch', ls, 'ports', [port]);
    expect(ls['ports']).toEqual([U1]);
    s.removeFromSet('Logical_Switch', ls, 'ports', [port]);
    expect(ls['ports']).toEqual([]);
  });
});

describe('NbStore checks calls against the schema', () => {
  const s = new NbStore(model.schema);
  const ls = s.insert('Logical_Switch', { name: 'a' }, U1);
  const fail = (f: () => void): NbSchemaError => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(NbSchemaError);
      return e as NbSchemaError;
    }
    throw new Error('no error');
  };

  it('rejects a typo in a column name at the call, naming table and column', () => {
    // @ts-expect-error: checked at compile time too
    const e = fail(() => s.set('Logical_Switch', ls, 'porst', []));
    expect(e.message).toBe('table Logical_Switch has no column "porst"');
    expect([e.table, e.column, e.row]).toEqual(['Logical_Switch', 'porst', U1]);
    // @ts-expect-error: checked at compile time too
    expect(fail(() => s.insert('Logical_Switch', { nmae: 'b' })).column).toBe('nmae');
    // @ts-expect-error: checked at compile time too
    expect(fail(() => s.addToSet('Logical_Switch', ls, 'prots', [U1])).column).toBe('prots');
    // @ts-expect-error: checked at compile time too
    expect(fail(() => s.findBy('Logical_Switch', 'nmae', 'a')).column).toBe('nmae');
  });

  it('rejects an unknown table', () => {
    // @ts-expect-error: checked at compile time too
    const e = fail(() => s.insert('Logical_Swich', {}));
    expect(e.message).toBe('OVN_Northbound has no table "Logical_Swich"');
    expect(e.table).toBe('Logical_Swich');
    // @ts-expect-error: checked at compile time too
    expect(fail(() => s.rows('Logical_Swich')).table).toBe('Logical_Swich');
  });

  it('rejects a wrong value type at the call, naming table, row and column', () => {
    const acl = s.insert('ACL', { priority: 100, direction: 'to-lport', match: 'ip4', action: 'allow' });
    // @ts-expect-error: checked at compile time too
    const e = fail(() => s.set('ACL', acl, 'priority', '100'));
    expect(e.message).toBe(`ACL row ${acl._uuid} column priority: expected integer, got "100"`);
    expect([e.table, e.column]).toEqual(['ACL', 'priority']);
    // @ts-expect-error: checked at compile time too
    expect(fail(() => s.insert('ACL', { priority: '1' })).message).toBe(
      'ACL column priority: expected integer, got "1"',
    );
    // @ts-expect-error: checked at compile time too
    expect(fail(() => s.set('Logical_Switch', ls, 'other_config', { k: 1 })).column).toBe('other_config');
    // @ts-expect-error: checked at compile time too
    expect(fail(() => s.addToSet('Logical_Switch', ls, 'ports', [7])).column).toBe('ports');
    expect(fail(() => s.addToSet('Logical_Switch', ls, 'name', ['x'])).message).toBe(
      'Logical_Switch column name is not a set or map',
    );
    // Nothing was changed by the rejected calls.
    expect(ls['other_config']).toEqual({});
    expect(acl['priority']).toBe(100);
  });
});
