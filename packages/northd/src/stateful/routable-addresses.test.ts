// Routable NAT and balancer addresses (add_route): routes and static resolution on the neighbouring
// routers of a distributed gateway port's switch, as ovn-northd 23.03 writes them.
import { describe, expect, it } from 'vitest';
import { compile } from '../compile.js';
import { MemNb } from '../testing/mem-nb.js';

const named = (n: string) => ['named-uuid', n];
const map = (o: Record<string, string>) => ['map', Object.entries(o)];
const byName = (name: string) => [['name', '==', name]];

/** sw joins ro1 (10.0.0.1/24) and ro2 (20.0.0.1/24); both ports are distributed gateway ports unless told. */
function net(opts: { ro1Dgp?: boolean; ro2Dgp?: boolean; ro2Options?: Record<string, string> } = {}): MemNb {
  const nb = new MemNb();
  const ops: unknown[] = [{ op: 'insert', table: 'NB_Global', row: {} }];
  const sw: unknown[] = [];
  for (const [i, ip, dgp, options] of [
    [1, '10.0.0.1/24', opts.ro1Dgp ?? true, {}],
    [2, '20.0.0.1/24', opts.ro2Dgp ?? true, opts.ro2Options ?? {}],
  ] as const) {
    ops.push(
      {
        op: 'insert',
        table: 'Gateway_Chassis',
        'uuid-name': `gc${i}`,
        row: { name: `gc${i}`, chassis_name: `hv${i}`, priority: 100 },
      },
      {
        op: 'insert',
        table: 'Logical_Router_Port',
        'uuid-name': `p${i}`,
        row: {
          name: `ro${i}-sw`,
          mac: `00:00:00:00:00:0${i}`,
          networks: ['set', [ip]],
          gateway_chassis: dgp ? ['set', [named(`gc${i}`)]] : ['set', []],
        },
      },
      { op: 'insert', table: 'Logical_Router', row: { name: `ro${i}`, ports: named(`p${i}`), options: map(options) } },
      {
        op: 'insert',
        table: 'Logical_Switch_Port',
        'uuid-name': `s${i}`,
        row: { name: `sw-ro${i}`, type: 'router', addresses: 'router', options: map({ 'router-port': `ro${i}-sw` }) },
      },
    );
    sw.push(named(`s${i}`));
  }
  ops.push({ op: 'insert', table: 'Logical_Switch', row: { name: 'sw', ports: ['set', sw] } });
  nb.transact(ops);
  return nb;
}

function addNat(nb: MemNb, lr: string, row: Record<string, unknown>): void {
  nb.transact([
    { op: 'insert', table: 'NAT', 'uuid-name': 'n', row },
    { op: 'mutate', table: 'Logical_Router', where: byName(lr), mutations: [['nat', 'insert', named('n')]] },
  ]);
}

function addLb(nb: MemNb, lr: string, vips: Record<string, string>, options: Record<string, string>): void {
  nb.transact([
    {
      op: 'insert',
      table: 'Load_Balancer',
      'uuid-name': 'lb',
      row: { name: `lb-${lr}`, vips: map(vips), options: map(options) },
    },
    { op: 'mutate', table: 'Logical_Router', where: byName(lr), mutations: [['load_balancer', 'insert', named('lb')]] },
  ]);
}

/** The routing and resolution flows of `lr` that name `addr`. */
function flowsFor(nb: MemNb, lr: string, addr: string): string[] {
  const c = compile(nb.snapshot());
  const dp = c.datapaths.find((d) => d.externalIds['name'] === lr)!;
  return c.logicalFlows
    .filter(
      (f) => f.datapaths.includes(dp.id) && (f.stageName === 'lr_in_ip_routing' || f.stageName === 'lr_in_arp_resolve'),
    )
    .filter((f) => f.match.includes(addr))
    .map((f) => `${f.stageName} ${f.priority} ${f.match} => ${f.actions}`)
    .sort();
}

const ROUTE_RO1 =
  'lr_in_ip_routing 98 ip4.dst == 20.0.0.100/32 => ip.ttl--; reg8[0..15] = 0; reg0 = ip4.dst; reg1 = 10.0.0.1; eth.src = 00:00:00:00:00:01; outport = "ro1-sw"; flags.loopback = 1; next;';

describe('routable addresses (add_route)', () => {
  it('routes and resolves a routable DNAT address of a neighbour’s gateway port', () => {
    const nb = net();
    addNat(nb, 'ro2', {
      type: 'dnat',
      external_ip: '20.0.0.100',
      logical_ip: '192.168.2.100',
      options: map({ add_route: 'true' }),
    });
    expect(flowsFor(nb, 'ro1', '20.0.0.100')).toEqual([
      'lr_in_arp_resolve 100 outport == "ro1-sw" && reg0 == {20.0.0.100} => eth.dst = 00:00:00:00:00:02; next;',
      ROUTE_RO1,
    ]);
    // The owner gets nothing for its own address.
    expect(flowsFor(nb, 'ro2', '20.0.0.100').filter((f) => f.includes('/32'))).toEqual([]);
  });

  it('ignores rules without add_route, SNAT rules, and ports that are not gateway ports', () => {
    const nb = net({ ro2Dgp: false });
    addNat(nb, 'ro2', {
      type: 'dnat',
      external_ip: '20.0.0.100',
      logical_ip: '192.168.2.100',
      options: map({ add_route: 'true' }),
    });
    expect(flowsFor(nb, 'ro1', '20.0.0.100')).toEqual([]);
    const nb2 = net();
    addNat(nb2, 'ro2', { type: 'dnat', external_ip: '20.0.0.100', logical_ip: '192.168.2.100' });
    addNat(nb2, 'ro2', {
      type: 'snat',
      external_ip: '20.0.0.101',
      logical_ip: '192.168.2.0/24',
      options: map({ add_route: 'true' }),
    });
    expect(flowsFor(nb2, 'ro1', '20.0.0.10')).toEqual([]);
  });

  it('a neighbour that is neither a gateway router nor a gateway port only routes; dynamic_neigh_routers only routes', () => {
    const nb = net({ ro1Dgp: false });
    addNat(nb, 'ro2', {
      type: 'dnat',
      external_ip: '20.0.0.100',
      logical_ip: '192.168.2.100',
      options: map({ add_route: 'true' }),
    });
    expect(flowsFor(nb, 'ro1', '20.0.0.100')).toEqual([ROUTE_RO1]);
    const gw = net({ ro2Options: { chassis: 'hv2' }, ro2Dgp: false });
    addNat(gw, 'ro1', {
      type: 'dnat',
      external_ip: '10.0.0.100',
      logical_ip: '192.168.1.100',
      options: map({ add_route: 'true' }),
    });
    // ro2 is a gateway router: it resolves ro1's address too.
    expect(flowsFor(gw, 'ro2', '10.0.0.100')).toHaveLength(2);
    const dyn = net({ ro2Options: { chassis: 'hv2', dynamic_neigh_routers: 'true' }, ro2Dgp: false });
    addNat(dyn, 'ro1', {
      type: 'dnat',
      external_ip: '10.0.0.100',
      logical_ip: '192.168.1.100',
      options: map({ add_route: 'true' }),
    });
    expect(flowsFor(dyn, 'ro2', '10.0.0.100').map((f) => f.split(' ')[0])).toEqual(['lr_in_ip_routing']);
  });

  it('a distributed floating IP resolves to its external MAC', () => {
    const nb = net();
    addNat(nb, 'ro2', {
      type: 'dnat_and_snat',
      external_ip: '20.0.0.100',
      logical_ip: '192.168.2.2',
      logical_port: 'vm2',
      external_mac: '00:00:00:00:00:22',
      options: map({ add_route: 'true' }),
    });
    expect(flowsFor(nb, 'ro1', '20.0.0.100')).toEqual([
      'lr_in_arp_resolve 100 outport == "ro1-sw" && reg0 == {20.0.0.100} => eth.dst = 00:00:00:00:00:22; next;',
      ROUTE_RO1,
    ]);
  });

  it('routable balancer VIPs join the port’s group after its NAT addresses; IPv6 VIPs are not routed', () => {
    const nb = net();
    addNat(nb, 'ro2', {
      type: 'dnat',
      external_ip: '20.0.0.100',
      logical_ip: '192.168.2.100',
      options: map({ add_route: 'true' }),
    });
    addLb(nb, 'ro2', { '20.0.0.200:80': '192.168.2.2:80', '[fd00::20]:80': '[fd00::2]:80' }, { add_route: 'true' });
    expect(flowsFor(nb, 'ro1', 'reg0 == {')).toEqual([
      'lr_in_arp_resolve 100 outport == "ro1-sw" && reg0 == {20.0.0.100, 20.0.0.200} => eth.dst = 00:00:00:00:00:02; next;',
    ]);
    expect(flowsFor(nb, 'ro1', '20.0.0.200/32')).toHaveLength(1);
    expect(flowsFor(nb, 'ro1', 'fd00::20')).toEqual([]);
  });

  it('a port whose only routable VIPs are IPv6 still writes its (empty) resolution group, as ovn-northd does', () => {
    const nb = net();
    addLb(nb, 'ro2', { '[fd00::20]:80': '[fd00::2]:80' }, { add_route: 'true' });
    expect(flowsFor(nb, 'ro1', 'reg0 == {}')).toEqual([
      'lr_in_arp_resolve 100 outport == "ro1-sw" && reg0 == {} => eth.dst = 00:00:00:00:00:02; next;',
    ]);
  });
});
