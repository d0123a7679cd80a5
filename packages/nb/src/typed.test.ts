// Rows come back typed by the generated schema when the table is named, and numbers are taken as numbers
// (type-level checks run under `npm run typecheck`).
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Uuid } from 'ovsdb-client-ts';
import { model } from '@ovnts/schema/nb';
import { addAcl, addQos, aclTarget, deleteAcls } from './acls.js';
import { NbError } from './errors.js';
import { NbStore, type Added, type NbRow, type Row } from './store.js';
import { addRouter, addRouterPort } from './routers.js';
import { addSwitch, addSwitchPort } from './switches.js';

describe('typed rows and arguments', () => {
  it('the store returns rows typed by the generated schema', () => {
    const s = new NbStore(model.schema);
    const ls = s.insert('Logical_Switch', { name: 'a' });
    expectTypeOf(ls).toEqualTypeOf<NbRow<'Logical_Switch'>>();
    expectTypeOf(ls.name).toEqualTypeOf<string>();
    expectTypeOf(ls.ports).toMatchTypeOf<readonly Uuid<'Logical_Switch_Port'>[]>();
    expectTypeOf(s.rows('ACL')).toEqualTypeOf<NbRow<'ACL'>[]>();
    expectTypeOf<NbRow<'ACL'>['priority']>().toEqualTypeOf<number>();
    expectTypeOf(s.get('Logical_Switch_Port', ls._uuid)).toEqualTypeOf<NbRow<'Logical_Switch_Port'> | undefined>();
    expectTypeOf<NbRow<'Logical_Switch_Port'>['tag']>().toEqualTypeOf<number | null>();
    // Still a Row wherever one is taken; a table named at run time gives plain Rows.
    expectTypeOf(ls).toMatchTypeOf<Row>();
    const table: string = 'Logical_Switch';
    expectTypeOf(s.rows(table)).toEqualTypeOf<Row[]>();
    expect(s.rows('Logical_Switch')[0]!.name).toBe('a');
  });

  it('ACL and QoS priorities are numbers (the CLI still passes its text)', () => {
    const s = new NbStore(model.schema);
    addSwitch(s, 'ls1');
    const acl = addAcl(s, aclTarget(s, 'ls1'), 'to-lport', 100, 'ip4', 'allow').row;
    expectTypeOf(acl.priority).toEqualTypeOf<number>();
    expect(acl.priority).toBe(100);
    expect(addAcl(s, aclTarget(s, 'ls1'), 'from-lport', '200', 'ip4', 'drop').row.priority).toBe(200);
    expect(() => addAcl(s, aclTarget(s, 'ls1'), 'to-lport', 40000, 'ip4', 'allow')).toThrow(
      new NbError('40000: priority must in range 0...32767'),
    );
    expect(addQos(s, 'ls1', 'to-lport', 10, 'ip4', ['dscp=10']).row.priority).toBe(10);
    deleteAcls(s, aclTarget(s, 'ls1'), 'to-lport', 100, 'ip4');
    expect(s.rows('Logical_Switch')[0]!.acls).toHaveLength(1);
  });

  it('every add returns { row, created }; an equal existing row with mayExist comes back with created false', () => {
    const s = new NbStore(model.schema);
    const ls = addSwitch(s, 'ls1');
    expectTypeOf(ls).toEqualTypeOf<Added<'Logical_Switch'>>();
    expect(ls.created).toBe(true);
    expect(addSwitch(s, 'ls1', { mayExist: true })).toEqual({ row: ls.row, created: false });
    const lr = addRouter(s, 'lr1');
    expectTypeOf(lr.row.options).toEqualTypeOf<Record<string, string>>();
    const lrp = addRouterPort(s, 'lr1', 'lrp1', '02:00:00:00:00:01', ['10.0.0.1/24']);
    expect(addRouterPort(s, 'lr1', 'lrp1', '02:00:00:00:00:01', ['10.0.0.1/24'], { mayExist: true })).toEqual({
      row: lrp.row,
      created: false,
    });
    const acl = addAcl(s, aclTarget(s, 'ls1'), 'to-lport', 100, 'ip4', 'allow');
    expect(addAcl(s, aclTarget(s, 'ls1'), 'to-lport', 100, 'ip4', 'allow', { mayExist: true })).toEqual({
      row: acl.row,
      created: false,
    });
    const port = addSwitchPort(s, 'ls1', 'p1');
    expect(port.row.name).toBe('p1');
    expect(addSwitchPort(s, 'ls1', 'p1', { mayExist: true }).created).toBe(false);
  });
});
