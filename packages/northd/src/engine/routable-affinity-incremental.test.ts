// The incremental engine on routable addresses (add_route) and balancer affinity: each step is one NB
// transaction and the engine's output must equal a full compile (EngineCheck throws otherwise). The
// routable addresses of one router are read by the other routers on its gateway port's switch, so the
// steps change the owner (NAT, balancer options, gateway chassis) and the neighbours (options, ports).
import { describe, expect, it } from 'vitest';
import { compile } from '../compile.js';
import { EngineCheck } from '../testing/engine-check.js';
import { MemNb } from '../testing/mem-nb.js';

const named = (n: string) => ['named-uuid', n];
const map = (o: Record<string, string>) => ['map', Object.entries(o)];
const byName = (name: string) => [['name', '==', name]];

function router(i: number, options: Record<string, string>, gateway: boolean): unknown[] {
  return [
    {
      op: 'insert',
      table: 'Gateway_Chassis',
      'uuid-name': `gc${i}`,
      row: { name: `gc${i}`, chassis_name: 'hv1', priority: 1 },
    },
    {
      op: 'insert',
      table: 'Logical_Router_Port',
      'uuid-name': `p${i}`,
      row: {
        name: `ro${i}-sw`,
        mac: `00:00:00:00:00:0${i}`,
        networks: ['set', [`10.0.0.${i}/24`]],
        gateway_chassis: ['set', gateway ? [named(`gc${i}`)] : []],
      },
    },
    { op: 'insert', table: 'Logical_Router', row: { name: `ro${i}`, ports: named(`p${i}`), options: map(options) } },
    {
      op: 'insert',
      table: 'Logical_Switch_Port',
      'uuid-name': `s${i}`,
      row: { name: `sw-ro${i}`, type: 'router', addresses: 'router', options: map({ 'router-port': `ro${i}-sw` }) },
    },
    {
      op: 'mutate',
      table: 'Logical_Switch',
      where: byName('sw'),
      mutations: [['ports', 'insert', ['set', [named(`s${i}`)]]]],
    },
  ];
}

function setup() {
  const nb = new MemNb();
  nb.transact([
    { op: 'insert', table: 'NB_Global', row: {} },
    { op: 'insert', table: 'Logical_Switch', row: { name: 'sw' } },
    {
      op: 'insert',
      table: 'Load_Balancer',
      row: {
        name: 'lb',
        vips: map({ '10.0.0.200:80': '10.0.0.50:8080,10.0.0.51:8080', '[fd00::200]:80': '[fd00::5]:80' }),
      },
    },
  ]);
  nb.transact(router(1, {}, true));
  nb.transact(router(2, { chassis: 'hv2' }, false));
  nb.transact(router(3, {}, false));
  nb.takeChanges();
  const check = new EngineCheck();
  check.round(nb.snapshot(), 'full');
  const step = (ops: unknown[]) => {
    nb.transact(ops);
    check.round(nb.snapshot(), nb.takeChanges().changes);
  };
  const flows = (needle: string) =>
    compile(nb.snapshot())
      .logicalFlows.filter((f) => f.match.includes(needle) || f.actions.includes(needle))
      .map((f) => `${f.stageName} ${f.match} (${f.datapaths.length})`);
  const lbUuid = () => [...nb.rows('Load_Balancer').values()][0]!._uuid;
  return { nb, check, step, flows, lbUuid };
}

describe('incremental engine: routable addresses and balancer affinity', () => {
  it('follows add_route on NAT rules and balancers, gateway ports and the neighbours’ options', () => {
    const { nb, check, step, flows, lbUuid } = setup();
    step([
      {
        op: 'insert',
        table: 'NAT',
        'uuid-name': 'n',
        row: {
          type: 'dnat',
          external_ip: '10.0.0.100',
          logical_ip: '192.168.1.100',
          options: map({ add_route: 'true' }),
        },
      },
      { op: 'mutate', table: 'Logical_Router', where: byName('ro1'), mutations: [['nat', 'insert', named('n')]] },
    ]);
    // ro2 (gateway router) routes and resolves, ro3 (plain) only routes.
    expect(flows('10.0.0.100/32')).toHaveLength(2); // out of ro2's and ro3's own ports
    expect(flows('{10.0.0.100}')).toEqual(['lr_in_arp_resolve outport == "ro2-sw" && reg0 == {10.0.0.100} (1)']);
    step([
      {
        op: 'mutate',
        table: 'Logical_Router',
        where: byName('ro1'),
        mutations: [['load_balancer', 'insert', ['uuid', lbUuid()]]],
      },
    ]);
    step([{ op: 'update', table: 'Load_Balancer', where: byName('lb'), row: { options: map({ add_route: 'true' }) } }]);
    expect(flows('10.0.0.200/32')).toHaveLength(2);
    step([
      {
        op: 'update',
        table: 'Logical_Router',
        where: byName('ro2'),
        row: { options: map({ chassis: 'hv2', dynamic_neigh_routers: 'true' }) },
      },
    ]);
    // ro3's port becomes a gateway port: it resolves too.
    step([
      {
        op: 'insert',
        table: 'Gateway_Chassis',
        'uuid-name': 'g',
        row: { name: 'gc3', chassis_name: 'hv1', priority: 1 },
      },
      { op: 'update', table: 'Logical_Router_Port', where: byName('ro3-sw'), row: { gateway_chassis: named('g') } },
    ]);
    expect(flows('{10.0.0.100')).toEqual([
      'lr_in_arp_resolve outport == "ro3-sw" && reg0 == {10.0.0.100, 10.0.0.200} (1)',
    ]);
    const nat = [...nb.rows('NAT').values()][0]!;
    step([{ op: 'update', table: 'NAT', where: [['_uuid', '==', ['uuid', nat._uuid]]], row: { options: map({}) } }]);
    step([
      {
        op: 'update',
        table: 'NAT',
        where: [['_uuid', '==', ['uuid', nat._uuid]]],
        row: {
          options: map({ add_route: 'true' }),
          type: 'dnat_and_snat',
          logical_port: 'vm',
          external_mac: '00:00:00:00:00:99',
        },
      },
    ]);
    // The owner's gateway port goes away, then comes back through an HA chassis group.
    step([
      { op: 'update', table: 'Logical_Router_Port', where: byName('ro1-sw'), row: { gateway_chassis: ['set', []] } },
    ]);
    expect([...flows('10.0.0.100/32'), ...flows('{10.0.0.100')]).toEqual([]);
    step([
      { op: 'insert', table: 'HA_Chassis_Group', 'uuid-name': 'g', row: { name: 'g' } },
      { op: 'update', table: 'Logical_Router_Port', where: byName('ro1-sw'), row: { ha_chassis_group: named('g') } },
    ]);
    // A new neighbour joins the switch, another leaves it.
    step(router(4, { chassis: 'hv4' }, false));
    expect(flows('{10.0.0.100').filter((f) => f.includes('ro4-sw'))).toHaveLength(1);
    const s3 = [...nb.rows('Logical_Switch_Port').values()].find((p) => p['name'] === 'sw-ro3')!;
    step([
      {
        op: 'mutate',
        table: 'Logical_Switch',
        where: byName('sw'),
        mutations: [['ports', 'delete', ['set', [['uuid', s3._uuid]]]]],
      },
    ]);
    // The first round, and the new router (a new router row recomputes the topology node).
    expect(check.fullRounds).toBe(2);
  });

  it('withdraws a deleted balancer’s routes from routers reaching its owner through a second switch port', () => {
    const { check, step, flows, lbUuid } = setup();
    step([
      { op: 'update', table: 'Load_Balancer', where: byName('lb'), row: { options: map({ add_route: 'true' }) } },
      {
        op: 'mutate',
        table: 'Logical_Router',
        where: byName('ro1'),
        mutations: [['load_balancer', 'insert', ['uuid', lbUuid()]]],
      },
    ]);
    // sw2 names ro1's port too (ro1-sw stays peered with sw), and ro5 sits on sw2.
    step([
      {
        op: 'insert',
        table: 'Logical_Switch_Port',
        'uuid-name': 'claim',
        row: { name: 'sw2-ro1', type: 'router', addresses: 'router', options: map({ 'router-port': 'ro1-sw' }) },
      },
      {
        op: 'insert',
        table: 'Logical_Router_Port',
        'uuid-name': 'p5',
        row: { name: 'ro5-sw2', mac: '00:00:00:00:00:05', networks: ['set', ['10.0.0.5/24']] },
      },
      { op: 'insert', table: 'Logical_Router', row: { name: 'ro5', ports: named('p5') } },
      {
        op: 'insert',
        table: 'Logical_Switch_Port',
        'uuid-name': 's5',
        row: { name: 'sw2-ro5', type: 'router', addresses: 'router', options: map({ 'router-port': 'ro5-sw2' }) },
      },
      { op: 'insert', table: 'Logical_Switch', row: { name: 'sw2', ports: ['set', [named('claim'), named('s5')]] } },
    ]);
    const before = flows('10.0.0.200/32');
    step([{ op: 'delete', table: 'Load_Balancer', where: byName('lb') }]);
    expect(flows('10.0.0.200/32')).toEqual([]);
    expect(before.length).toBeGreaterThan(0);
    expect(check.rounds).toBeGreaterThan(3);
  });

  it('follows affinity_timeout and skip_snat on balancers of switches and routers', () => {
    const { check, step, flows, lbUuid } = setup();
    step([
      {
        op: 'mutate',
        table: 'Logical_Router',
        where: byName('ro2'),
        mutations: [['load_balancer', 'insert', ['uuid', lbUuid()]]],
      },
      {
        op: 'mutate',
        table: 'Logical_Router',
        where: byName('ro1'),
        mutations: [['load_balancer', 'insert', ['uuid', lbUuid()]]],
      },
      {
        op: 'mutate',
        table: 'Logical_Switch',
        where: byName('sw'),
        mutations: [['load_balancer', 'insert', ['uuid', lbUuid()]]],
      },
    ]);
    step([
      { op: 'update', table: 'Load_Balancer', where: byName('lb'), row: { options: map({ affinity_timeout: '60' }) } },
    ]);
    // Two VIPs on the switch and on both routers (one flow for the two).
    expect(flows('chk_lb_aff').map((f) => f.slice(f.lastIndexOf(' ')))).toEqual([' (2)', ' (2)', ' (1)', ' (1)']);
    step([
      {
        op: 'update',
        table: 'Load_Balancer',
        where: byName('lb'),
        row: { options: map({ affinity_timeout: '60', skip_snat: 'true' }) },
      },
    ]);
    step([
      {
        op: 'mutate',
        table: 'Logical_Router',
        where: byName('ro2'),
        mutations: [['options', 'insert', map({ lb_force_snat_ip: 'router_ip' })]],
      },
    ]);
    step([
      {
        op: 'mutate',
        table: 'Load_Balancer',
        where: byName('lb'),
        mutations: [
          ['vips', 'delete', ['set', ['10.0.0.200:80']]],
          ['vips', 'insert', map({ '10.0.0.200:80': '10.0.0.52:8080' })],
        ],
      },
    ]);
    step([
      {
        op: 'update',
        table: 'Load_Balancer',
        where: byName('lb'),
        row: { options: map({ affinity_timeout: 'soon' }) },
      },
    ]);
    expect(flows('chk_lb_aff')).toEqual([]);
    expect(check.fullRounds).toBe(1);
  });
});
