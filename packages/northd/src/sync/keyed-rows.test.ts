// The keyed SB tables (Mirror, Static_MAC_Binding, Chassis_Template_Var, IP_Multicast, DNS) through the
// engine, round by round: EngineCheck holds every incremental round to a full compile and a full diff.
import { describe, expect, it } from 'vitest';
import { EngineCheck } from '../testing/engine-check.js';
import { MemNb } from '../testing/mem-nb.js';
import { ipMulticastRow } from './keyed-sources.js';

type Row = Record<string, unknown>;
const set = (xs: unknown[]) => ['set', xs];
const map = (o: Record<string, string>) => ['map', Object.entries(o)];
const named = (n: string) => ['named-uuid', n];
const uuid = (u: string) => ['uuid', u];

/** lr0 with ports lr0-p0/lr0-p1, switch sw0 with ports sw0-p1/sw0-p2. */
function topology(nb: MemNb): { sw: string; lsp1: string; lsp2: string } {
  const r = nb.transact([
    { op: 'insert', table: 'NB_Global', row: {} },
    {
      op: 'insert',
      table: 'Logical_Router_Port',
      'uuid-name': 'p0',
      row: { name: 'lr0-p0', mac: '00:00:01:01:02:03', networks: set(['192.168.10.1/24']) },
    },
    {
      op: 'insert',
      table: 'Logical_Router_Port',
      'uuid-name': 'p1',
      row: { name: 'lr0-p1', mac: '00:00:02:02:03:04', networks: set(['192.168.11.1/24']) },
    },
    { op: 'insert', table: 'Logical_Router', row: { name: 'lr0', ports: set([named('p0'), named('p1')]) } },
    { op: 'insert', table: 'Logical_Switch_Port', 'uuid-name': 'l1', row: { name: 'sw0-p1' } },
    { op: 'insert', table: 'Logical_Switch_Port', 'uuid-name': 'l2', row: { name: 'sw0-p2' } },
    { op: 'insert', table: 'Logical_Switch', row: { name: 'sw0', ports: set([named('l1'), named('l2')]) } },
  ]);
  return { lsp1: r[4]!, lsp2: r[5]!, sw: r[6]! };
}

function rows(check: EngineCheck, table: string): Row[] {
  return [...check.sb.tables.get(table)!.values()];
}

function step(nb: MemNb, check: EngineCheck, ops: unknown[]): void {
  nb.transact(ops);
  const r = check.round(nb.snapshot(), nb.takeChanges().changes);
  expect(r.full, r.reason).toBe(false);
}

describe('keyed SB rows', () => {
  it('Static_MAC_Binding: rows of router ports, on their router; mac updates in place', () => {
    const nb = new MemNb();
    topology(nb);
    nb.takeChanges();
    const check = new EngineCheck();
    check.round(nb.snapshot(), 'full');
    step(nb, check, [
      {
        op: 'insert',
        table: 'Static_MAC_Binding',
        row: { logical_port: 'lr0-p0', ip: '192.168.10.10', mac: '00:00:11:22:33:44' },
      },
      // Not a router port: ovn-northd writes nothing for it.
      {
        op: 'insert',
        table: 'Static_MAC_Binding',
        row: { logical_port: 'sw0-p1', ip: '10.0.0.1', mac: '00:00:00:00:00:01' },
      },
    ]);
    const lr = rows(check, 'Datapath_Binding').find((d) => (d['external_ids'] as Row)['name'] === 'lr0')!;
    expect(rows(check, 'Static_MAC_Binding')).toMatchObject([
      {
        logical_port: 'lr0-p0',
        ip: '192.168.10.10',
        mac: '00:00:11:22:33:44',
        override_dynamic_mac: false,
        datapath: lr['_uuid'],
      },
    ]);
    const before = rows(check, 'Static_MAC_Binding')[0]!['_uuid'];
    step(nb, check, [
      {
        op: 'update',
        table: 'Static_MAC_Binding',
        where: [['ip', '==', '192.168.10.10']],
        row: { mac: '00:00:22:33:55:66' },
      },
    ]);
    expect(rows(check, 'Static_MAC_Binding')).toMatchObject([{ _uuid: before, mac: '00:00:22:33:55:66' }]);
    // The router port goes: its binding goes with it (the row refers to the router's datapath).
    const lrRow = [...nb.snapshot().Logical_Router.values()][0]!;
    step(nb, check, [
      {
        op: 'update',
        table: 'Logical_Router',
        where: [['_uuid', '==', uuid(lrRow._uuid)]],
        row: { ports: set([uuid(lrRow.ports[1]!)]) },
      },
    ]);
    expect(rows(check, 'Static_MAC_Binding')).toEqual([]);
  });

  it('Mirror rows by name, and Port_Binding.mirror_rules pointing at them', () => {
    const nb = new MemNb();
    const { lsp1, lsp2 } = topology(nb);
    nb.takeChanges();
    const check = new EngineCheck();
    check.round(nb.snapshot(), 'full');
    const [m1] = nb.transact([
      {
        op: 'insert',
        table: 'Mirror',
        row: { name: 'mirror1', type: 'erspan', index: 1, filter: 'from-lport', sink: '10.10.10.2' },
      },
    ]);
    check.round(nb.snapshot(), nb.takeChanges().changes);
    expect(rows(check, 'Mirror')).toMatchObject([
      { name: 'mirror1', type: 'erspan', index: 1, filter: 'from-lport', sink: '10.10.10.2', external_ids: {} },
    ]);
    step(nb, check, [
      { op: 'update', table: 'Mirror', where: [], row: { sink: '192.168.1.13', type: 'gre', index: 12 } },
    ]);
    expect(rows(check, 'Mirror')).toMatchObject([{ name: 'mirror1', type: 'gre', index: 12, sink: '192.168.1.13' }]);
    const sbMirror = (name: string) => rows(check, 'Mirror').find((m) => m['name'] === name)!['_uuid'];
    const pb = (name: string) => rows(check, 'Port_Binding').find((p) => p['logical_port'] === name)!;

    // A mirror added and attached in one transaction: the binding names the row inserted with it.
    step(nb, check, [
      {
        op: 'insert',
        table: 'Mirror',
        'uuid-name': 'm2',
        row: { name: 'mirror2', type: 'gre', index: 2, filter: 'to-lport', sink: '10.10.10.2' },
      },
      {
        op: 'update',
        table: 'Logical_Switch_Port',
        where: [['_uuid', '==', uuid(lsp1)]],
        row: { mirror_rules: set([uuid(m1!), named('m2')]) },
      },
      {
        op: 'update',
        table: 'Logical_Switch_Port',
        where: [['_uuid', '==', uuid(lsp2)]],
        row: { mirror_rules: set([named('m2')]) },
      },
    ]);
    expect(new Set(pb('sw0-p1')['mirror_rules'] as string[])).toEqual(
      new Set([sbMirror('mirror1'), sbMirror('mirror2')]),
    );
    expect(pb('sw0-p2')['mirror_rules']).toEqual([sbMirror('mirror2')]);

    // Detached, then deleted.
    step(nb, check, [
      {
        op: 'update',
        table: 'Logical_Switch_Port',
        where: [['_uuid', '==', uuid(lsp1)]],
        row: { mirror_rules: set([]) },
      },
      {
        op: 'update',
        table: 'Logical_Switch_Port',
        where: [['_uuid', '==', uuid(lsp2)]],
        row: { mirror_rules: set([]) },
      },
      { op: 'delete', table: 'Mirror', where: [['name', '==', 'mirror2']] },
    ]);
    expect(rows(check, 'Mirror').map((m) => m['name'])).toEqual(['mirror1']);
    expect(pb('sw0-p1')['mirror_rules']).toEqual([]);

    // A rename recomputes (the bindings naming it must point at the new row).
    nb.transact([
      {
        op: 'update',
        table: 'Logical_Switch_Port',
        where: [['_uuid', '==', uuid(lsp1)]],
        row: { mirror_rules: set([uuid(m1!)]) },
      },
    ]);
    check.round(nb.snapshot(), nb.takeChanges().changes);
    nb.transact([{ op: 'update', table: 'Mirror', where: [], row: { name: 'renamed' } }]);
    expect(check.round(nb.snapshot(), nb.takeChanges().changes).full).toBe(true);
    expect(pb('sw0-p1')['mirror_rules']).toEqual([sbMirror('renamed')]);
  });

  it('Chassis_Template_Var rows by chassis, variables copied', () => {
    const nb = new MemNb();
    topology(nb);
    nb.takeChanges();
    const check = new EngineCheck();
    check.round(nb.snapshot(), 'full');
    step(nb, check, [
      {
        op: 'insert',
        table: 'Chassis_Template_Var',
        row: { chassis: 'hv1', variables: map({ tv: 'v1' }), external_ids: map({ a: 'b' }) },
      },
      { op: 'insert', table: 'Chassis_Template_Var', row: { chassis: 'hv2', variables: map({ tv: 'v2' }) } },
    ]);
    expect(rows(check, 'Chassis_Template_Var').map((r) => [r['chassis'], r['variables']])).toEqual([
      ['hv1', { tv: 'v1' }],
      ['hv2', { tv: 'v2' }],
    ]);
    step(nb, check, [{ op: 'delete', table: 'Chassis_Template_Var', where: [['chassis', '==', 'hv1']] }]);
    expect(rows(check, 'Chassis_Template_Var').map((r) => r['chassis'])).toEqual(['hv2']);
  });

  it('IP_Multicast: one row per switch, other_config changes rewrite it', () => {
    const nb = new MemNb();
    const { sw } = topology(nb);
    nb.takeChanges();
    const check = new EngineCheck();
    check.round(nb.snapshot(), 'full');
    const swDp = rows(check, 'Datapath_Binding').find((d) => (d['external_ids'] as Row)['name'] === 'sw0')!;
    expect(rows(check, 'IP_Multicast')).toMatchObject([
      {
        datapath: swDp['_uuid'],
        enabled: false,
        querier: true,
        table_size: 2048,
        idle_timeout: 300,
        query_interval: 150,
        query_max_resp: 1,
        eth_src: '',
        seq_no: 0,
      },
    ]);
    step(nb, check, [
      {
        op: 'update',
        table: 'Logical_Switch',
        where: [['_uuid', '==', uuid(sw)]],
        row: {
          other_config: map({ mcast_snoop: 'true', mcast_idle_timeout: '5', mcast_eth_src: '00:00:00:00:00:fe' }),
        },
      },
    ]);
    expect(rows(check, 'IP_Multicast')).toMatchObject([
      { enabled: true, idle_timeout: 15, query_interval: 7, eth_src: '00:00:00:00:00:fe' },
    ]);
  });

  it('IP_Multicast bounds and defaults as ovn-northd reads other_config', () => {
    const row = (oc: Record<string, string>) => ipMulticastRow({ _uuid: 'x' as never, other_config: oc }).columns;
    expect(row({ mcast_idle_timeout: '99999', mcast_querier: 'FALSE' })).toMatchObject({
      idle_timeout: 3600,
      query_interval: 1800,
      querier: false,
    });
    expect(row({ mcast_query_interval: '0', mcast_table_size: 'x', mcast_snoop: 'yes' })).toMatchObject({
      query_interval: 1,
      table_size: 2048,
      enabled: false,
    });
    expect(row({})).not.toHaveProperty('ip4_src');
  });

  it('DNS: one row per NB DNS row a switch names, records lower-cased, incrementally', () => {
    const nb = new MemNb();
    topology(nb);
    nb.transact([{ op: 'insert', table: 'Logical_Switch', row: { name: 'sw1' } }]);
    nb.takeChanges();
    const check = new EngineCheck();
    check.round(nb.snapshot(), 'full');
    const dp = (name: string) =>
      rows(check, 'Datapath_Binding').find((d) => (d['external_ids'] as Row)['name'] === name)!['_uuid'];
    const sw1 = [...nb.snapshot().Logical_Switch.values()].find((l) => l.name === 'sw1')!._uuid;
    const flows = () => rows(check, 'Logical_Flow').filter((f) => String(f['actions']).includes('dns_lookup'));

    // A row named by no switch: nothing.
    const [d1] = nb.transact([{ op: 'insert', table: 'DNS', row: { records: map({ Vm1: '10.0.0.4 FD00::4' }) } }]);
    check.round(nb.snapshot(), nb.takeChanges().changes);
    expect(rows(check, 'DNS')).toEqual([]);
    step(nb, check, [
      { op: 'mutate', table: 'Logical_Switch', where: [], mutations: [['dns_records', 'insert', uuid(d1!)]] },
    ]);
    expect(rows(check, 'DNS')).toMatchObject([
      {
        records: { Vm1: '10.0.0.4 fd00::4' },
        external_ids: { dns_id: d1 },
        datapaths: expect.arrayContaining([dp('sw0'), dp('sw1')]),
      },
    ]);
    expect(flows().length).toBe(1);
    // Records emptied: the row stays, the flows go.
    step(nb, check, [{ op: 'update', table: 'DNS', where: [], row: { records: map({}) } }]);
    expect(rows(check, 'DNS')).toMatchObject([{ records: {} }]);
    expect(flows()).toEqual([]);
    // Off one switch, then deleted (the weak references go with it).
    step(nb, check, [
      { op: 'update', table: 'DNS', where: [], row: { records: map({ a: 'B' }) } },
      { op: 'update', table: 'Logical_Switch', where: [['_uuid', '==', uuid(sw1)]], row: { dns_records: set([]) } },
    ]);
    expect(rows(check, 'DNS')).toMatchObject([{ records: { a: 'b' }, datapaths: [dp('sw0')] }]);
    step(nb, check, [{ op: 'delete', table: 'DNS', where: [] }]);
    expect(rows(check, 'DNS')).toEqual([]);
    expect(flows()).toEqual([]);
  });
});
