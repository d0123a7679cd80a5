// Groups learned by IGMP/MLD snooping (SB IGMP_Group rows ovn-controller writes) through the engine: the
// Multicast_Group rows and L2 lookup flows of the switch, the relaying router's groups, mrouter ports,
// table size, all without a recompute and each round checked against a full compile by EngineCheck.
import { describe, expect, it } from 'vitest';
import type { Tables as SbTables } from '@ovnts/schema/sb';
import type { SbChange } from '../input.js';
import { EngineCheck } from '../testing/engine-check.js';
import { k8sNbOps } from '../testing/k8s-topology.js';
import { MemNb } from '../testing/mem-nb.js';
import { makeRow } from '../testing/rows.js';
import { schema as sbSchema } from '@ovnts/schema/sb';
import { buildLearnedMcast, ipv6RoutableMulticast } from '../igmp-groups.js';

const shape = { nodes: 2, podsPerNode: 3, vips: 0, acls: 0 };
const byName = (name: string) => [['name', '==', name]];
const CHASSIS = '11111111-1111-4111-8111-111111111111';

type Row = Record<string, unknown>;

function setup() {
  const nb = new MemNb();
  nb.transact(k8sNbOps(shape));
  nb.transact([
    {
      op: 'update',
      table: 'Logical_Switch',
      where: byName('node0'),
      row: { other_config: ['map', [['mcast_snoop', 'true']]] },
    },
  ]);
  nb.takeChanges();
  const check = new EngineCheck();
  check.round(nb.snapshot(), 'full');
  const sbRows = (t: string) => [...check.sb.tables.get(t)!.values()] as Row[];
  const dpOf = (name: string) =>
    sbRows('Datapath_Binding').find((d) => (d['external_ids'] as Record<string, string>)['name'] === name)!['_uuid'];
  const pbOf = (name: string) => sbRows('Port_Binding').find((p) => p['logical_port'] === name)!['_uuid'];
  let n = 0;
  /** ovn-controller writes (or removes) a row; the round sees it as an SB change. */
  const igmp = (address: string, sw: string, ports: string[]): string => {
    const uuid = `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
    const row = makeRow<SbTables['IGMP_Group']>(
      sbSchema,
      'IGMP_Group',
      {
        address,
        datapath: dpOf(sw),
        chassis: CHASSIS,
        ports: ports.map(pbOf),
      } as never,
      uuid,
    );
    check.sb.tables.get('IGMP_Group')!.set(uuid, row as unknown as Row);
    round([{ kind: 'insert', table: 'IGMP_Group', uuid: row._uuid, old: undefined, new: row } as SbChange]);
    return uuid;
  };
  const unlearn = (uuid: string) => {
    const row = check.sb.tables.get('IGMP_Group')!.get(uuid) as unknown as SbTables['IGMP_Group'];
    check.sb.tables.get('IGMP_Group')!.delete(uuid);
    round([{ kind: 'delete', table: 'IGMP_Group', uuid: row._uuid, old: row, new: undefined } as SbChange]);
  };
  const round = (sbChanges: SbChange[]) => {
    const r = check.round(nb.snapshot(), [], sbChanges);
    expect(r.full).toBe(false);
  };
  const step = (ops: unknown[]) => {
    nb.transact(ops);
    return check.round(nb.snapshot(), nb.takeChanges().changes).full;
  };
  const flows = (stage: string, prio: number) =>
    check.engine
      .compiled()
      .logicalFlows.filter((f) => f.stageName === stage && f.priority === prio)
      .map((f) => `${f.match} => ${f.actions}`)
      .sort();
  const group = (name: string) =>
    check.engine
      .compiled()
      .multicastGroups.filter((g) => g.name === name)
      .map((g) => ({ key: g.tunnelKey, ports: g.ports }))
      .sort((a, b) => (a.ports.join() < b.ports.join() ? -1 : 1));
  return { check, igmp, unlearn, step, flows, group };
}

describe('learned multicast groups through the engine', () => {
  it('builds the group, its flow and its row, and drops them when unlearned', () => {
    const t = setup();
    const a = t.igmp('239.0.1.68', 'node0', ['ns0_pod-0-0']);
    const b = t.igmp('239.0.1.68', 'node0', ['ns1_pod-0-1']);
    expect(t.flows('ls_in_l2_lkup', 90)).toEqual([
      'eth.mcast && ip4 && ip4.dst == 239.0.1.68  => outport = "239.0.1.68"; output; ',
    ]);
    expect(t.group('239.0.1.68')).toEqual([{ key: 32774, ports: ['ns0_pod-0-0', 'ns1_pod-0-1'] }]);
    // An IPv6 group gets the next key; link-local and reserved groups get a row but no flow.
    t.igmp('ff0a:dead:beef::1', 'node0', ['ns2_pod-0-2']);
    t.igmp('224.0.0.251', 'node0', ['ns2_pod-0-2']);
    expect(t.group('ff0a:dead:beef::1')).toEqual([{ key: 32775, ports: ['ns2_pod-0-2'] }]);
    expect(t.group('224.0.0.251')).toHaveLength(1);
    expect(t.flows('ls_in_l2_lkup', 90)).toHaveLength(2);
    t.unlearn(a);
    expect(t.group('239.0.1.68')).toEqual([{ key: 32774, ports: ['ns1_pod-0-1'] }]);
    t.unlearn(b);
    expect(t.group('239.0.1.68')).toEqual([]);
    expect(t.flows('ls_in_l2_lkup', 90)).toHaveLength(1);
  });

  it('relays through routers, floods statically, honours mcast_table_size', () => {
    const t = setup();
    t.igmp('239.0.1.68', 'node0', ['ns0_pod-0-0']);
    t.igmp('ff02::1:3', 'node0', ['ns0_pod-0-0']);
    // The cluster router relays: it joins the group through its port towards node0 (IPv4 and routable IPv6 only).
    expect(
      t.step([
        {
          op: 'update',
          table: 'Logical_Router',
          where: byName('ovn_cluster_router'),
          row: { options: ['map', [['mcast_relay', 'true']]] },
        },
      ]),
    ).toBe(false);
    expect(t.group('239.0.1.68').map((g) => g.ports)).toEqual([['ns0_pod-0-0'], ['rtos-node0']]);
    expect(t.group('ff02::1:3')).toHaveLength(1);
    expect(t.flows('lr_in_ip_routing', 10500)).toEqual([
      'ip4 && ip4.dst == 239.0.1.68  => outport = "239.0.1.68"; ip.ttl--; next;',
    ]);
    expect(t.flows('ls_in_l2_lkup', 90)).toEqual([
      'eth.mcast && ip4 && ip4.dst == 239.0.1.68  => clone { outport = "_MC_mrouter_flood"; output; };outport = "239.0.1.68"; output; ',
      'eth.mcast && ip6 && ip6.dst == ff02::1:3  => clone { outport = "_MC_mrouter_flood"; output; };outport = "ff02::1:3"; output; ',
    ]);
    // A port flooding statically leaves the learned group.
    t.step([
      {
        op: 'update',
        table: 'Logical_Switch_Port',
        where: byName('ns0_pod-0-0'),
        row: { options: ['map', [['mcast_flood', 'true']]] },
      },
    ]);
    expect(t.group('239.0.1.68').map((g) => g.ports)).toEqual([]);
    expect(t.flows('ls_in_l2_lkup', 90)).toEqual([]);
    t.step([
      { op: 'update', table: 'Logical_Switch_Port', where: byName('ns0_pod-0-0'), row: { options: ['map', []] } },
    ]);
    t.step([
      {
        op: 'update',
        table: 'Logical_Switch',
        where: byName('node0'),
        row: {
          other_config: [
            'map',
            [
              ['mcast_snoop', 'true'],
              ['mcast_table_size', '0'],
            ],
          ],
        },
      },
    ]);
    expect(t.flows('ls_in_l2_lkup', 90)).toEqual([]);
    expect(t.group('239.0.1.68').map((g) => g.ports)).toEqual([['ns0_pod-0-0'], ['rtos-node0']]);
  });

  it('adds ports behind multicast routers to _MC_mrouter_flood', () => {
    const t = setup();
    expect(t.group('_MC_mrouter_flood')).toEqual([]);
    t.igmp('mrouters', 'node0', ['ns1_pod-0-1']);
    expect(t.group('_MC_mrouter_flood')).toEqual([{ key: 32770, ports: ['ns1_pod-0-1'] }]);
  });
});

describe('learned group aggregation', () => {
  it('knows routable IPv6 multicast scopes', () => {
    expect(ipv6RoutableMulticast(0xff0en << 112n)).toBe(true);
    expect(ipv6RoutableMulticast(0xff05n << 112n)).toBe(true);
    expect(ipv6RoutableMulticast(0xff02n << 112n)).toBe(false);
    expect(ipv6RoutableMulticast(0xfe80n << 112n)).toBe(false);
  });
  it('skips rows without chassis, datapath or a valid address', () => {
    const out = buildLearnedMcast({
      switches: new Map(),
      lsps: new Map(),
      rows: [
        { address: '239.1.1.1', datapath: undefined, hasChassis: true, ports: ['a'] },
        { address: 'bogus', datapath: 'x', hasChassis: true, ports: ['a'] },
      ],
      existingKey: () => undefined,
      bound: () => true,
    });
    expect(out.groups.size).toBe(0);
  });
});
