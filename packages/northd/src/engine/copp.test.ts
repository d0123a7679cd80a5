// Control plane protection (NB Copp → SB Logical_Flow.controller_meter), empty-backend controller events
// and BFD flows through the incremental engine: every round is checked against a full compile and a full
// SB diff by EngineCheck; the Copp, meter and BFD edits must not recompute everything.
import { describe, expect, it } from 'vitest';
import { EngineCheck } from '../testing/engine-check.js';
import { k8sNbOps } from '../testing/k8s-topology.js';
import { k8sStatefulOps } from '../testing/k8s-stateful.js';
import { MemNb } from '../testing/mem-nb.js';

const shape = { nodes: 4, podsPerNode: 6, vips: 4, acls: 6 };
const named = (n: string) => ['named-uuid', n];
const byName = (name: string) => [['name', '==', name]];

/** The UUID of the one row of `table` satisfying `pred`. */
function uuidOf(nb: MemNb, table: string, pred: (r: Readonly<Record<string, unknown>>) => boolean): string {
  const hits = [...nb.rows(table)].filter(([, r]) => pred(r));
  if (hits.length !== 1) throw new Error(`${hits.length} ${table} rows match`);
  return hits[0]![0];
}
const named1 = (nb: MemNb, table: string, name: string) => uuidOf(nb, table, (r) => r['name'] === name);

function setup(): { nb: MemNb; check: EngineCheck; step: (ops: unknown[]) => boolean } {
  const nb = new MemNb();
  nb.transact([...k8sNbOps(shape), ...k8sStatefulOps(shape)]);
  nb.takeChanges();
  const check = new EngineCheck();
  check.round(nb.snapshot(), 'full');
  const step = (ops: unknown[]) => {
    nb.transact(ops);
    return check.round(nb.snapshot(), nb.takeChanges().changes).full;
  };
  return { nb, check, step };
}

const meterOps = (name: string, rate: number) => [
  { op: 'insert', table: 'Meter_Band', 'uuid-name': `b_${name}`, row: { action: 'drop', rate } },
  { op: 'insert', table: 'Meter', row: { name, unit: 'pktps', bands: ['set', [named(`b_${name}`)]] } },
];

/** The metered flows' actions (first word) and meters, e.g. "put_arp(inport=m1". */
function metered(check: EngineCheck): string[] {
  const out = new Set<string>();
  for (const f of check.engine.compiled().logicalFlows)
    if (f.meter !== undefined) out.add(`${f.stageName} ${/[a-z_0-9]+/.exec(f.actions)![0]} ${f.meter}`);
  return [...out].sort();
}
const flows = (check: EngineCheck, re: RegExp) =>
  check.engine.compiled().logicalFlows.filter((f) => re.test(f.actions) || re.test(f.match));

describe('CoPP through the engine', () => {
  it('a Copp applies its existing meters to its datapaths, following Copp, meter and datapath edits', () => {
    const { nb, check, step } = setup();
    // A Copp nobody uses, naming one meter that exists.
    expect(
      step([
        ...meterOps('m1', 10),
        {
          op: 'insert',
          table: 'Copp',
          row: {
            name: 'c1',
            meters: [
              'map',
              [
                ['arp', 'm1'],
                ['reject', 'm1'],
                ['tcp-reset', 'm2'],
              ],
            ],
          },
        },
      ]),
    ).toBe(false);
    expect(metered(check)).toEqual([]);

    // A router uses it: its ARP learning flow is metered; tcp-reset names a meter that does not exist.
    const cu = named1(nb, 'Copp', 'c1');
    expect(
      step([
        { op: 'update', table: 'Logical_Router', where: byName('ovn_cluster_router'), row: { copp: ['uuid', cu] } },
      ]),
    ).toBe(false);
    expect(metered(check)).toEqual(['lr_in_learn_neighbor put_arp m1']);

    // The missing meter appears: the router's TCP resets are metered too.
    expect(step(meterOps('m2', 20))).toBe(false);
    expect(metered(check)).toEqual([
      'lr_in_ip_input sctp_abort m2',
      'lr_in_ip_input tcp_reset m2',
      'lr_in_learn_neighbor put_arp m1',
    ]);

    // The Copp changes: ARP now under m2.
    expect(
      step([
        {
          op: 'mutate',
          table: 'Copp',
          where: byName('c1'),
          mutations: [
            ['meters', 'delete', ['set', ['arp']]],
            ['meters', 'insert', ['map', [['arp', 'm2']]]],
          ],
        },
      ]),
    ).toBe(false);
    expect(metered(check)).toEqual([
      'lr_in_ip_input sctp_abort m2',
      'lr_in_ip_input tcp_reset m2',
      'lr_in_learn_neighbor put_arp m2',
    ]);

    // A meter goes: what it metered is unmetered.
    expect(step([{ op: 'delete', table: 'Meter', where: byName('m2') }])).toBe(false);
    expect(metered(check)).toEqual([]);

    // The Copp goes (the router's weak reference with it).
    step(meterOps('m2', 20));
    expect(metered(check)).toHaveLength(3);
    expect(step([{ op: 'delete', table: 'Copp', where: byName('c1') }])).toBe(false);
    expect(metered(check)).toEqual([]);
  });

  it('switch flows: rejecting ACLs and balancers, controller events, IGMP snooping', () => {
    const { nb, check, step } = setup();
    step([
      ...meterOps('m1', 10),
      {
        op: 'insert',
        table: 'Copp',
        row: {
          name: 'c1',
          meters: [
            'map',
            [
              ['reject', 'm1'],
              ['event-elb', 'm1'],
              ['igmp', 'm1'],
            ],
          ],
        },
      },
    ]);
    const cu = named1(nb, 'Copp', 'c1');
    expect(step([{ op: 'update', table: 'Logical_Switch', where: byName('node0'), row: { copp: ['uuid', cu] } }])).toBe(
      false,
    );
    // A VIP without backends on a balancer asking for events, and a rejecting ACL.
    step([
      {
        op: 'update',
        table: 'Load_Balancer',
        where: byName('svc-0'),
        row: { vips: ['map', [['10.96.9.9:80', '']]], options: ['map', [['event', 'true']]] },
      },
      { op: 'update', table: 'ACL', where: [], row: { action: 'reject' } },
      {
        op: 'update',
        table: 'Logical_Switch',
        where: byName('node0'),
        row: { other_config: ['map', [['mcast_snoop', 'true']]] },
      },
    ]);
    const ev = flows(check, /trigger_event/);
    expect(ev.map((f) => f.stageName).sort()).toContain('ls_in_pre_lb');
    expect(ev[0]!.actions).toBe(
      `trigger_event(event = "empty_lb_backends", vip = "10.96.9.9:80", protocol = "tcp", load_balancer = "${named1(nb, 'Load_Balancer', 'svc-0')}");`,
    );
    expect(metered(check)).toEqual(expect.arrayContaining(['ls_in_pre_lb trigger_event m1', 'ls_in_l2_lkup igmp m1']));
    expect(metered(check).some((l) => / reject m1$/.test(l) || /reg0 m1$/.test(l))).toBe(true);
    // Events for every balancer through NB_Global (a rare option: recomputes).
    step([{ op: 'update', table: 'Load_Balancer', where: byName('svc-0'), row: { options: ['map', []] } }]);
    expect(flows(check, /trigger_event/)).toEqual([]);
    step([{ op: 'insert', table: 'NB_Global', row: { options: ['map', [['controller_event', 'true']]] } }]);
    expect(flows(check, /trigger_event/).length).toBeGreaterThan(0);
  });

  it('BFD sessions: router port flows, the routes they watch, the bfd meter', () => {
    const { nb, check, step } = setup();
    const port = 'rtoj-GR_node0';
    expect(
      step([
        {
          op: 'insert',
          table: 'BFD',
          'uuid-name': 'b',
          row: { logical_port: port, dst_ip: '100.64.0.1', status: 'down' },
        },
      ]),
    ).toBe(false);
    // The port's IPv4 address and its link-local IPv6 one.
    expect(flows(check, /handle_bfd_msg/).map((f) => f.match)).toEqual([
      'ip4.dst == 100.64.1.2 && udp.dst == 3784',
      expect.stringMatching(/^ip6\.dst == fe80::.* && udp\.dst == 3784$/),
    ]);
    // Routes out of the port get their BFD twin.
    expect(flows(check, /udp\.dst == 3784/).some((f) => f.stageName === 'lr_in_ip_routing')).toBe(true);

    // The GR's route to the cluster watches the session: withdrawn while it is down, back when it is up.
    const route = (c: EngineCheck) =>
      c.engine
        .compiled()
        .logicalFlows.filter(
          (f) =>
            f.stageName === 'lr_in_ip_routing' &&
            f.match.includes('10.128.0.0/14') &&
            !f.match.includes('udp.dst') &&
            f.actions.includes('100.64.0.1'),
        );
    const before = route(check).length;
    const bfd = uuidOf(nb, 'BFD', (r) => r['logical_port'] === port);
    const gr = nb.rows('Logical_Router').get(named1(nb, 'Logical_Router', 'GR_node0'))!;
    const routeUuid = (gr['static_routes'] as string[]).find(
      (u) => nb.rows('Logical_Router_Static_Route').get(u)!['ip_prefix'] === '10.128.0.0/14',
    )!;
    expect(
      step([
        {
          op: 'update',
          table: 'Logical_Router_Static_Route',
          where: [['_uuid', '==', ['uuid', routeUuid]]],
          row: { bfd: ['uuid', bfd] },
        },
      ]),
    ).toBe(false);
    expect(route(check).length).toBe(before - 1);
    expect(step([{ op: 'update', table: 'BFD', where: [], row: { status: 'up' } }])).toBe(false);
    expect(route(check).length).toBe(before);

    // The router's Copp meters the BFD messages.
    step([
      ...meterOps('mb', 5),
      { op: 'insert', table: 'Copp', row: { name: 'cb', meters: ['map', [['bfd', 'mb']]] } },
    ]);
    step([
      {
        op: 'update',
        table: 'Logical_Router',
        where: byName('GR_node0'),
        row: { copp: ['uuid', named1(nb, 'Copp', 'cb')] },
      },
    ]);
    expect(metered(check)).toEqual(['lr_in_ip_input handle_bfd_msg mb']);

    expect(step([{ op: 'delete', table: 'BFD', where: [] }])).toBe(false);
    expect(flows(check, /handle_bfd_msg|udp\.dst == 3784/)).toEqual([]);
  });
});
