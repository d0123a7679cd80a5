// HA chassis groups (SB rows, the bindings that name them), requested-chassis and ref_chassis, through
// the full diff and the incremental writer (EngineCheck compares both after every round).
import { describe, expect, it } from 'vitest';
import type { Uuid } from 'ovsdb-client-ts';
import type { Tables as SbTables } from '@ovnts/schema/sb';
import { compile } from './compile.js';
import { buildHaGroups } from './ha-chassis-groups.js';
import { refChassisUpdates } from './ha-ref-chassis.js';
import { diffSb } from './sb-diff.js';
import { EngineCheck } from './testing/engine-check.js';
import { k8sMemNb } from './testing/random-nb-changes.js';
import { MemSb } from './testing/mem-sb.js';
import { NbBuilder } from './testing/nb-builder.js';
import { buildTopology } from './topology.js';
import { Diagnostics } from './diagnostics.js';

const set = (xs: readonly unknown[]) => ['set', xs];
const map = (o: Record<string, string>) => ['map', Object.entries(o)];
const named = (n: string) => ['named-uuid', n];
const byName = (n: string) => [['name', '==', n]];

type Row = Record<string, unknown>;
const rows = (sb: MemSb, t: string) => [...sb.tables.get(t)!.values()] as Row[];

describe('HA chassis groups', () => {
  it('come from gateway chassis and NB groups of gateway ports and external ports, used groups only', () => {
    const b = new NbBuilder()
      .ls('ls1')
      .lr('lr1')
      .link('lr1', 'ls1', '02:00:00:00:01:01', ['10.0.0.1/24'])
      .lrp('lr1', 'lr1-gw', '02:00:00:00:02:01', ['172.16.0.1/24'])
      .gwChassis('lr1-gw', 'gw1', 20)
      .gwChassis('lr1-gw', 'gw2', 10)
      .haGroup('unused', [['gw1', 1]])
      .haGroup('ext', [
        ['gw2', 5],
        ['gw3', 7],
      ])
      .lsp('ls1', 'ext1', { type: 'external' })
      .lsp('ls1', 'vm1', { options: { 'requested-chassis': 'hv1,hv2' } });
    b.lsps.get('ext1')!.ha_chassis_group = b.haGroups.get('ext')!._uuid;
    const c = compile(b.build());
    expect(c.haChassisGroups).toEqual([
      {
        name: 'lr1-gw',
        members: [
          { chassis: 'gw1', priority: 20 },
          { chassis: 'gw2', priority: 10 },
        ],
      },
      {
        name: 'ext',
        members: [
          { chassis: 'gw2', priority: 5 },
          { chassis: 'gw3', priority: 7 },
        ],
      },
    ]);
    const pb = (n: string) => c.portBindings.find((p) => p.logicalPort === n)!;
    expect(pb('cr-lr1-gw').haChassisGroup).toBe('lr1-gw');
    expect(pb('lr1-gw').haChassisGroup).toBeNull();
    expect(pb('ext1').haChassisGroup).toBe('ext');
    expect(pb('vm1').requestedChassis).toEqual(['hv1', 'hv2']);

    // Written to an SB with chassis gw1 (by name) and hv2 (by hostname only).
    const sb = new MemSb();
    const st = sb.state();
    const chassis = new Map<string, Row>([
      ['c1', { _uuid: 'c1', name: 'gw1', hostname: '' }],
      ['c2', { _uuid: 'c2', name: 'hv9', hostname: 'hv2' }],
    ]);
    const w = sb.begin();
    diffSb(c, { ...st, Chassis: chassis as unknown as typeof st.Chassis }, w);
    w.commit();
    const groups = rows(sb, 'HA_Chassis_Group');
    expect(groups.map((g) => g['name']).sort()).toEqual(['ext', 'lr1-gw']);
    const members = rows(sb, 'HA_Chassis').map((m) => [
      (m['external_ids'] as Record<string, string>)['chassis-name'],
      m['priority'],
      m['chassis'],
    ]);
    expect(members.sort()).toEqual([
      ['gw1', 20, 'c1'],
      ['gw2', 10, null],
      ['gw2', 5, null],
      ['gw3', 7, null],
    ]);
    const sbPb = (n: string) => rows(sb, 'Port_Binding').find((p) => p['logical_port'] === n)!;
    const gwGroup = groups.find((g) => g['name'] === 'lr1-gw')!;
    expect(sbPb('cr-lr1-gw')['ha_chassis_group']).toBe(gwGroup['_uuid']);
    expect(sbPb('vm1')['requested_chassis']).toBe('c2');
    expect(sbPb('vm1')['requested_additional_chassis']).toEqual([]);

    // The same output again writes nothing; without the gateway chassis the group goes.
    const w2 = sb.begin();
    const again = diffSb(c, { ...sb.state(), Chassis: chassis as unknown as typeof st.Chassis }, w2);
    expect(again).toEqual({ inserted: 0, updated: 0, deleted: 0 });
    b.lrps.get('lr1-gw')!.gateway_chassis = [];
    const w3 = sb.begin();
    diffSb(compile(b.build()), { ...sb.state(), Chassis: chassis as unknown as typeof st.Chassis }, w3);
    w3.commit();
    expect(rows(sb, 'HA_Chassis_Group').map((g) => g['name'])).toEqual(['ext']);
    expect(rows(sb, 'HA_Chassis')).toHaveLength(2);
    expect(rows(sb, 'Port_Binding').some((p) => p['logical_port'] === 'cr-lr1-gw')).toBe(false);
  });

  it('an NB group on a gateway port wins over its gateway chassis; redirect-type is published', () => {
    const b = new NbBuilder()
      .ls('ls1')
      .lr('lr1')
      .link('lr1', 'ls1', '02:00:00:00:01:01', ['10.0.0.1/24'])
      .gwChassis('lr1-ls1', 'gw1', 20)
      .haGroup('grp', [['gw2', 1]]);
    const lrp = b.lrps.get('lr1-ls1')!;
    lrp.ha_chassis_group = b.haGroups.get('grp')!._uuid;
    lrp.options = { 'redirect-type': 'bridged' };
    const c = compile(b.build());
    expect(c.haChassisGroups.map((g) => g.name)).toEqual(['grp']);
    const cr = c.portBindings.find((p) => p.logicalPort === 'cr-lr1-ls1')!;
    expect(cr.haChassisGroup).toBe('grp');
    expect(cr.options).toEqual({ 'distributed-port': 'lr1-ls1', 'redirect-type': 'bridged' });
  });

  it('ref_chassis: chassis of ports on switches of routers connected to a group of 2+ chassis', () => {
    const b = new NbBuilder()
      .ls('sw0')
      .ls('sw1')
      .ls('sw2')
      .lr('lr0')
      .lr('lr1')
      .lr('lr2')
      .lrp('lr0', 'lr0-public', '02:00:00:00:00:01', ['172.16.0.1/24'])
      .gwChassis('lr0-public', 'gw1', 2)
      .gwChassis('lr0-public', 'gw2', 1)
      .link('lr0', 'sw0', '02:00:00:00:00:02', ['10.0.0.1/24'])
      .link('lr1', 'sw0', '02:00:00:00:00:03', ['10.0.0.2/24'])
      .link('lr1', 'sw1', '02:00:00:00:00:04', ['20.0.0.1/24'])
      .link('lr2', 'sw2', '02:00:00:00:00:05', ['30.0.0.1/24']);
    const nb = b.build();
    const topo = buildTopology(nb, new Diagnostics());
    const ha = buildHaGroups(topo, nb);
    const id = (n: string) => b.switches.get(n)!._uuid;
    expect([...ha.refSwitches.get('lr0-public')!].sort()).toEqual([id('sw0'), id('sw1')].sort());

    const group = {
      _uuid: 'g1' as Uuid<'HA_Chassis_Group'>,
      name: 'lr0-public',
      ha_chassis: ['h1', 'h2'] as Uuid<'HA_Chassis'>[],
      ref_chassis: [] as Uuid<'Chassis'>[],
    };
    const claims: Record<string, (Uuid<'Chassis'> | null)[]> = {
      [id('sw1')]: ['comp1' as Uuid<'Chassis'>, null],
      [id('sw2')]: ['comp2' as Uuid<'Chassis'>],
    };
    const on = (sw: string): Pick<SbTables['Port_Binding'], 'chassis'>[] =>
      (claims[sw] ?? []).map((chassis) => ({ chassis }));
    expect(refChassisUpdates([group], ha.refSwitches, on)).toEqual([{ group: 'g1', refChassis: ['comp1'] }]);
    expect(refChassisUpdates([{ ...group, ref_chassis: ['comp1' as Uuid<'Chassis'>] }], ha.refSwitches, on)).toEqual(
      [],
    );
    // A group of one chassis has no ref_chassis.
    expect(
      refChassisUpdates(
        [{ ...group, ha_chassis: ['h1' as Uuid<'HA_Chassis'>], ref_chassis: ['comp1' as Uuid<'Chassis'>] }],
        ha.refSwitches,
        on,
      ),
    ).toEqual([{ group: 'g1', refChassis: [] }]);
  });

  it('incremental rounds write what a full diff would (gateway chassis, groups, external ports, renames)', () => {
    const nb = k8sMemNb();
    const check = new EngineCheck();
    check.round(nb.snapshot(), 'full');
    const step = (ops: unknown[]) => {
      nb.transact(ops);
      return check.round(nb.snapshot(), nb.takeChanges().changes);
    };
    const lrp = 'rtos-node0';
    const r1 = step([
      {
        op: 'insert',
        table: 'Gateway_Chassis',
        'uuid-name': 'g',
        row: { name: 'a', chassis_name: 'gw1', priority: 5 },
      },
      {
        op: 'mutate',
        table: 'Logical_Router_Port',
        where: byName(lrp),
        mutations: [['gateway_chassis', 'insert', named('g')]],
      },
    ]);
    expect(r1.full).toBe(false);
    const names = () => rows(check.sb, 'HA_Chassis_Group').map((g) => g['name']);
    expect(names()).toEqual([lrp]);
    expect(step([{ op: 'update', table: 'Gateway_Chassis', where: byName('a'), row: { priority: 9 } }]).full).toBe(
      false,
    );
    expect(rows(check.sb, 'HA_Chassis').map((h) => h['priority'])).toEqual([9]);
    step([
      { op: 'insert', table: 'HA_Chassis', 'uuid-name': 'h1', row: { chassis_name: 'gw1', priority: 3 } },
      { op: 'insert', table: 'HA_Chassis', 'uuid-name': 'h2', row: { chassis_name: 'gw2', priority: 2 } },
      {
        op: 'insert',
        table: 'HA_Chassis_Group',
        'uuid-name': 'grp',
        row: { name: 'grp', ha_chassis: set([named('h1'), named('h2')]) },
      },
      { op: 'update', table: 'Logical_Router_Port', where: byName(lrp), row: { ha_chassis_group: named('grp') } },
    ]);
    expect(names()).toEqual(['grp']);
    const pod = rows(check.sb, 'Port_Binding').find((p) => p['type'] === '' && p['logical_port'] !== lrp)!;
    const podName = String(pod['logical_port']);
    const grp = nb.snapshot().HA_Chassis_Group.values().next().value!._uuid;
    step([
      {
        op: 'update',
        table: 'Logical_Switch_Port',
        where: byName(podName),
        row: { type: 'external', ha_chassis_group: ['uuid', grp], options: map({ 'requested-chassis': 'hv1' }) },
      },
    ]);
    step([{ op: 'update', table: 'HA_Chassis_Group', where: byName('grp'), row: { name: 'grp2' } }]);
    expect(names()).toEqual(['grp2']);
    step([
      {
        op: 'update',
        table: 'Logical_Router_Port',
        where: byName(lrp),
        row: { ha_chassis_group: set([]), gateway_chassis: set([]) },
      },
    ]);
    step([
      {
        op: 'update',
        table: 'Logical_Switch_Port',
        where: byName(podName),
        row: { type: '', ha_chassis_group: set([]) },
      },
    ]);
    expect(names()).toEqual([]);
    expect(rows(check.sb, 'HA_Chassis')).toEqual([]);
  });
});
