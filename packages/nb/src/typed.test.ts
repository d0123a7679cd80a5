// The library is typed end to end: rows come back typed by the generated schema, arguments are typed
// values (numbers as numbers, schema enums), every add returns { row, created }, and a typo'd column or a
// priority given as text does not compile. The type-level checks run under `npm run typecheck`; the
// lines expected not to compile also run, showing what the run-time checks say to a JavaScript caller.
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Uuid } from 'ovsdb-client-ts';
import { model } from '@ovnts/schema/nb';
import { addAcl, addMeter, addQos, aclTarget, deleteAcls, deleteQos, listAcls, parseQosArgs } from './acls.js';
import { addHaChassis, addHaChassisGroup, setHaChassisPriority } from './dhcp-ha.js';
import { NbError, NbSchemaError } from './errors.js';
import { KINDS, lookup } from './lookup.js';
import { addMirror } from './mirrors.js';
import { NbStore, type Added, type NbRow, type Row } from './store.js';
import { addPolicy, addRouter, addRouterPort, deletePolicies, findRouterPort, setGatewayChassis } from './routers.js';
import { addSwitch, addSwitchPort, findSwitch, listSwitchPorts, setSwitchPortType } from './switches.js';

const fresh = () => new NbStore(model.schema);

describe('typed rows', () => {
  it('the store returns rows typed by the generated schema', () => {
    const s = fresh();
    const ls = s.insert('Logical_Switch', { name: 'a' });
    expectTypeOf(ls).toEqualTypeOf<NbRow<'Logical_Switch'>>();
    expectTypeOf(ls.name).toEqualTypeOf<string>();
    expectTypeOf(ls._uuid).toEqualTypeOf<Uuid<'Logical_Switch'>>();
    expectTypeOf(ls.ports).toMatchTypeOf<readonly Uuid<'Logical_Switch_Port'>[]>();
    expectTypeOf(s.rows('ACL')).toEqualTypeOf<NbRow<'ACL'>[]>();
    expectTypeOf<NbRow<'ACL'>['priority']>().toEqualTypeOf<number>();
    expectTypeOf(s.get('Logical_Switch_Port', ls._uuid)).toEqualTypeOf<NbRow<'Logical_Switch_Port'> | undefined>();
    expectTypeOf(s.deref('ACL', ls._uuid)).toEqualTypeOf<NbRow<'ACL'> | undefined>();
    expectTypeOf(s.findBy('Logical_Switch', 'name', 'a')).toEqualTypeOf<NbRow<'Logical_Switch'>[]>();
    expectTypeOf(s.effective(ls, 'ports')).toEqualTypeOf<Uuid<'Logical_Switch_Port'>[]>();
    expectTypeOf<NbRow<'Logical_Switch_Port'>['tag']>().toEqualTypeOf<number | null>();
    // @ts-expect-error: a typo'd column of a typed row does not compile
    expect(ls.porst).toBeUndefined();
    // Still a Row wherever one is taken; a table named at run time gives plain Rows.
    expectTypeOf(ls).toMatchTypeOf<Row>();
    const table: string = 'Logical_Switch';
    expectTypeOf(s.rows(table)).toEqualTypeOf<Row[]>();
    expect(s.rows('Logical_Switch')[0]!.name).toBe('a');
  });

  it('finds, lists and lookups return typed rows', () => {
    const s = fresh();
    addSwitch(s, 'ls1');
    addSwitchPort(s, 'ls1', 'p1');
    addRouter(s, 'lr1');
    addRouterPort(s, 'lr1', 'lrp1', '02:00:00:00:00:01', ['10.0.0.1/24']);
    expectTypeOf(findSwitch(s, 'ls1')).toEqualTypeOf<NbRow<'Logical_Switch'>>();
    expectTypeOf(findSwitch(s, 'x', false)).toEqualTypeOf<NbRow<'Logical_Switch'> | undefined>();
    expectTypeOf(listSwitchPorts(s, 'ls1')).toEqualTypeOf<NbRow<'Logical_Switch_Port'>[]>();
    expectTypeOf(findRouterPort(s, 'lrp1').networks).toEqualTypeOf<string[]>();
    expectTypeOf(lookup(s, KINDS.portGroup, 'pg', false)).toEqualTypeOf<NbRow<'Port_Group'> | undefined>();
    expectTypeOf(() => lookup(s, KINDS.loadBalancer, 'lb', true)).returns.toEqualTypeOf<NbRow<'Load_Balancer'>>();
    expect(listSwitchPorts(s, 'ls1').map((p) => p.name)).toEqual(['p1']);
    setSwitchPortType(s, 'p1', 'localnet');
    // @ts-expect-error: a port type ovn-nb(5) does not have
    expect(() => setSwitchPortType(s, 'p1', 'bogus')).toThrow("Logical switch port type 'bogus' is unrecognized");
    expect(s.findBy('Logical_Switch_Port', 'name', 'p1')[0]!.type).toBe('localnet');
  });

  it('store calls naming a table check columns and value types at compile time and at the call', () => {
    const s = fresh();
    const ls = addSwitch(s, 'ls1').row;
    const acl = addAcl(s, aclTarget(s, 'ls1'), 'to-lport', 100, 'ip4', 'allow').row;
    // @ts-expect-error: a typo'd column
    expect(() => s.set('Logical_Switch', ls, 'porst', [])).toThrow(NbSchemaError);
    // @ts-expect-error: a priority as text
    expect(() => s.set('ACL', acl, 'priority', '100')).toThrow('ACL row');
    // @ts-expect-error: a typo'd column in an insert
    expect(() => s.insert('ACL', { prio: 1 })).toThrow('table ACL has no column "prio"');
    // @ts-expect-error: a reference to the wrong table (an ACL is not a port)
    s.addToSet('Logical_Switch', ls, 'ports', [acl._uuid]);
    // @ts-expect-error: a row of another table
    expect(() => s.set('Logical_Switch', acl, 'name', 'x')).toThrow(NbSchemaError);
    s.set('ACL', acl, 'priority', 200);
    s.addToSet('Logical_Switch', ls, 'acls', [acl._uuid]);
    expect(acl.priority).toBe(200);
  });
});

describe('typed arguments', () => {
  it('ACL and QoS priorities are numbers; text does not compile (the CLI parses it)', () => {
    const s = fresh();
    addSwitch(s, 'ls1');
    const acl = addAcl(s, aclTarget(s, 'ls1'), 'to-lport', 100, 'ip4', 'allow').row;
    expectTypeOf(acl.priority).toEqualTypeOf<number>();
    expect(acl.priority).toBe(100);
    // @ts-expect-error: a priority as text
    expect(() => addAcl(s, aclTarget(s, 'ls1'), 'from-lport', '200', 'ip4', 'drop')).toThrow(
      new NbError('200: priority must in range 0...32767'),
    );
    // @ts-expect-error: a direction the schema does not have
    expect(() => addAcl(s, aclTarget(s, 'ls1'), 'up', 1, 'ip4', 'drop')).toThrow('up: direction must be');
    // @ts-expect-error: an action the schema does not have
    expect(() => addAcl(s, aclTarget(s, 'ls1'), 'to-lport', 1, 'ip4', 'deny')).toThrow('deny: action must be one of');
    expect(() => addAcl(s, aclTarget(s, 'ls1'), 'to-lport', 40000, 'ip4', 'allow')).toThrow(
      new NbError('40000: priority must in range 0...32767'),
    );
    expect(() => addAcl(s, aclTarget(s, 'ls1'), 'to-lport', 1, 'ip4', 'drop', { label: 5 })).toThrow(
      'label can only be set with actions "allow" or "allow-related"',
    );
    expect(addAcl(s, aclTarget(s, 'ls1'), 'to-lport', 1, 'ip4', 'allow', { label: 5 }).row.label).toBe(5);
    const qos = addQos(s, 'ls1', 'to-lport', 10, 'ip4', { dscp: 10 }).row;
    expect([qos.priority, qos.action]).toEqual([10, { dscp: 10 }]);
    expect(parseQosArgs(['rate=100', 'burst=5'])).toEqual({ rate: 100, burst: 5 });
    expect(() => addQos(s, 'ls1', 'to-lport', 11, 'ip4', { dscp: 64 })).toThrow('64: dscp must be in the range 0...63');
    deleteQos(s, 'ls1', { direction: 'to-lport', priority: 10, match: 'ip4' });
    expect(findSwitch(s, 'ls1').qos_rules).toEqual([]);
    deleteAcls(s, aclTarget(s, 'ls1'), 'to-lport', 100, 'ip4');
    expect(listAcls(s, aclTarget(s, 'ls1')).map((a) => a.priority)).toEqual([1]);
  });

  it('policies, gateway and HA chassis, meters and mirrors take numbers', () => {
    const s = fresh();
    addRouter(s, 'lr1');
    addRouterPort(s, 'lr1', 'lrp1', '02:00:00:00:00:01', ['10.0.0.1/24']);
    const p = addPolicy(s, 'lr1', { priority: 10, match: 'ip4', action: 'reroute', nexthops: ['10.0.0.2'] });
    expect(p.row.nexthops).toEqual(['10.0.0.2']);
    // @ts-expect-error: a priority as text
    expect(() => addPolicy(s, 'lr1', { priority: '20', match: 'ip4', action: 'drop' })).toThrow(NbError);
    expect(() =>
      addPolicy(s, 'lr1', { priority: 20, match: 'ip', action: 'allow', options: { pkt_mark: '' } }),
    ).toThrow('No value specified for the option : pkt_mark');
    deletePolicies(s, 'lr1', { priority: 10 });
    expect(findRouterPort(s, 'lrp1')).toBeDefined();
    expect(setGatewayChassis(s, 'lrp1', 'hv1', 5).row.priority).toBe(5);
    addHaChassisGroup(s, 'g');
    const hc = addHaChassis(s, 'g', 'hv1', 30);
    expectTypeOf(hc).toEqualTypeOf<Added<'HA_Chassis'>>();
    setHaChassisPriority(s, 'g', 'hv1', 40);
    expect(hc.row.priority).toBe(40);
    // @ts-expect-error: a priority as text
    expect(() => setHaChassisPriority(s, 'g', 'hv1', '50')).toThrow(NbError);
    const m = addMeter(s, 'm1', { action: 'drop', rate: 100, unit: 'pktps', burst: 10 });
    expect(m.row.unit).toBe('pktps');
    expect(() => addMeter(s, 'm2', { action: 'drop', rate: 0, unit: 'kbps' })).toThrow(
      'rate must be in the range 1...4294967295',
    );
    const mirror = addMirror(s, 'mir', { type: 'gre', index: 7, filter: 'to-lport', sink: '10.0.0.9' }).row;
    expect([mirror.type, mirror.index]).toEqual(['gre', 7]);
  });

  it('every add returns { row, created }; an equal existing row with mayExist comes back with created false', () => {
    const s = fresh();
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
