// Parity with the real ovn-northd for routable addresses (NAT and Load_Balancer options:add_route) and
// load balancer affinity (options:affinity_timeout), on the shapes of ovn-northd.at's "NAT and Load
// Balancer flows" and "check lb-affinity flows" and beyond: a gateway port's neighbours that are a
// gateway router, a distributed gateway port, a plain router or a dynamic-neighbour router; floating IPs;
// IPv4 and IPv6 VIPs; affinity on switches, gateway routers and distributed routers, with skip_snat
// and lb_force_snat_ip.
import { describe, expect, it } from 'vitest';
import { routerPortArgs, useSandbox } from '@ovnts/test-harness';
import { formatFlowDiff, runParityCase, type ParityCase } from '@ovnts/northd/testing';

type Case = Pick<ParityCase, 'name' | 'nbctl' | 'sbctl'>;

const CASES: readonly Case[] = [
  {
    name: 'add-route',
    sbctl: [
      ['chassis-add', 'hv1', 'geneve', '127.0.0.1'],
      ['chassis-add', 'hv2', 'geneve', '127.0.0.2'],
    ],
    nbctl: [
      ['ls-add', 'sw'],
      // ro1 owns the routable addresses behind its gateway port; ro2..ro5 are its neighbours.
      ['lr-add', 'ro1'],
      ['lrp-add', 'ro1', 'ro1-sw', '00:00:00:00:00:01', '10.0.0.1/24'],
      routerPortArgs('sw', 'sw-ro1', 'ro1-sw'),
      ['lrp-set-gateway-chassis', 'ro1-sw', 'hv1', '100'],
      ['lr-add', 'ro2'],
      ['set', 'Logical_Router', 'ro2', 'options:chassis=hv2'],
      ['lrp-add', 'ro2', 'ro2-sw', '00:00:00:00:00:02', '10.0.0.2/24'],
      routerPortArgs('sw', 'sw-ro2', 'ro2-sw'),
      ['lr-add', 'ro3'],
      ['lrp-add', 'ro3', 'ro3-sw', '00:00:00:00:00:03', '10.0.0.3/24', 'fd00::3/64'],
      routerPortArgs('sw', 'sw-ro3', 'ro3-sw'),
      ['lr-add', 'ro4'],
      ['lrp-add', 'ro4', 'ro4-sw', '00:00:00:00:00:04', '10.0.0.4/24'],
      routerPortArgs('sw', 'sw-ro4', 'ro4-sw'),
      [
        'set',
        'Logical_Router_Port',
        'ro4-sw',
        'ha_chassis_group=@g',
        '--',
        '--id=@g',
        'create',
        'HA_Chassis_Group',
        'name=g4',
      ],
      ['lr-add', 'ro5'],
      ['set', 'Logical_Router', 'ro5', 'options:chassis=hv2', 'options:dynamic_neigh_routers=true'],
      ['lrp-add', 'ro5', 'ro5-sw', '00:00:00:00:00:05', '10.0.0.5/24'],
      routerPortArgs('sw', 'sw-ro5', 'ro5-sw'),
      ['ls-add', 'ls1'],
      ['lsp-add', 'ls1', 'vm1'],
      ['lsp-set-addresses', 'vm1', '00:00:00:00:01:02 192.168.1.2'],
      ['lrp-add', 'ro1', 'ro1-ls1', '00:00:00:00:01:01', '192.168.1.1/24'],
      routerPortArgs('ls1', 'ls1-ro1', 'ro1-ls1'),
      ['--add-route', 'lr-nat-add', 'ro1', 'dnat', '10.0.0.100', '192.168.1.100'],
      ['--add-route', 'lr-nat-add', 'ro1', 'dnat', '10.0.0.1', '192.168.1.101'],
      ['lr-nat-add', 'ro1', 'dnat', '10.0.0.102', '192.168.1.102'],
      // An SNAT rule with add_route (ovn-nbctl refuses --add-route for it) is not routable.
      [
        '--id=@n',
        'create',
        'NAT',
        'type=snat',
        'external_ip=10.0.0.103',
        'logical_ip=192.168.1.0/24',
        'options:add_route=true',
        '--',
        'add',
        'Logical_Router',
        'ro1',
        'nat',
        '@n',
      ],
      ['--add-route', 'lr-nat-add', 'ro1', 'dnat_and_snat', '10.0.0.104', '192.168.1.2', 'vm1', '00:00:00:00:00:11'],
      ['--add-route', 'lb-add', 'lb1', '10.0.0.200:80', '192.168.1.2:80'],
      ['lb-add', 'lb1', '10.0.0.201', '192.168.1.3'],
      ['lb-add', 'lb1', '[fd00::200]:80', '[fd01::2]:80'],
      ['lb-add', 'lb2', '10.0.0.210', '192.168.1.4'],
      ['lr-lb-add', 'ro1', 'lb1'],
      ['lr-lb-add', 'ro1', 'lb2'],
      // ro2 (a gateway router) owns an address too: ro1 gets routes to it but ro2's port is no gateway port.
      ['--add-route', 'lr-nat-add', 'ro2', 'dnat', '10.0.0.150', '192.168.2.150'],
      // ro4's gateway port (through an HA chassis group) has only an IPv6 routable VIP.
      ['--add-route', 'lb-add', 'lb4', '[fd00::400]:80', '[fd01::4]:80'],
      ['lr-lb-add', 'ro4', 'lb4'],
    ],
  },
  {
    name: 'lb-affinity',
    sbctl: [['chassis-add', 'hv1', 'geneve', '127.0.0.1']],
    nbctl: [
      ['lr-add', 'R1'],
      ['set', 'logical_router', 'R1', 'options:chassis=hv1'],
      ['lrp-add', 'R1', 'R1-S0', '02:ac:10:01:00:01', '10.0.0.1/24', 'fd00::1/64'],
      ['lrp-add', 'R1', 'R1-PUB', '02:ac:20:01:01:01', '172.16.0.1/24'],
      ['ls-add', 'S0'],
      routerPortArgs('S0', 'S0-R1', 'R1-S0'),
      ['lb-add', 'lb0', '172.16.0.10:80', '10.0.0.2:80,20.0.0.2:80', 'tcp'],
      ['lb-add', 'lb0', '[fd10::10]:8080', '[fd00::2]:80,[fd00::3]:80'],
      ['set', 'load_balancer', 'lb0', 'options:affinity_timeout=60'],
      ['lb-add', 'lb1', '172.16.0.11', '10.0.0.4,10.0.0.5'],
      ['lb-add', 'lb1', 'fd10::11', 'fd00::4'],
      ['set', 'load_balancer', 'lb1', 'options:affinity_timeout=100000', 'options:skip_snat=true'],
      ['lb-add', 'lb2', '172.16.0.12:53', '10.0.0.6:53', 'udp'],
      ['set', 'load_balancer', 'lb2', 'options:affinity_timeout=30'],
      ['lb-add', 'lb3', '172.16.0.13:80', '10.0.0.7:80'],
      ['set', 'load_balancer', 'lb3', 'options:affinity_timeout=0'],
      ...['lb0', 'lb1', 'lb2', 'lb3'].flatMap((lb) => [
        ['lr-lb-add', 'R1', lb],
        ['ls-lb-add', 'S0', lb],
      ]),
      // A router forcing SNAT for balanced traffic, and a distributed router with a gateway port.
      ['lr-add', 'R2'],
      ['set', 'logical_router', 'R2', 'options:chassis=hv1', 'options:lb_force_snat_ip=172.16.1.1'],
      ['lrp-add', 'R2', 'R2-PUB', '02:ac:20:01:01:02', '172.16.1.1/24'],
      ['lr-lb-add', 'R2', 'lb0'],
      ['lr-lb-add', 'R2', 'lb1'],
      ['lr-add', 'R3'],
      ['lrp-add', 'R3', 'R3-PUB', '02:ac:20:01:01:03', '172.16.2.1/24'],
      ['lrp-set-gateway-chassis', 'R3-PUB', 'hv1'],
      ['lr-lb-add', 'R3', 'lb0'],
      ['lr-lb-add', 'R3', 'lb1'],
    ],
  },
];

// The add-route shape with BFD sessions on two neighbours' ports: their routes to the routable addresses
// get the BFD twin (one priority higher, no TTL decrement) as any route out of such a port.
const addRoute = CASES[0]!;
const WITH_BFD: Case = {
  ...addRoute,
  name: 'add-route, neighbours with BFD',
  nbctl: [
    ...addRoute.nbctl,
    ['create', 'BFD', 'logical_port=ro3-sw', 'dst_ip=10.0.0.50'],
    ['create', 'BFD', 'logical_port=ro2-sw', 'dst_ip=10.0.0.51'],
  ],
};

describe('parity: routable addresses and load balancer affinity', () => {
  const sandbox = useSandbox();
  it.each([...CASES, WITH_BFD].map((c) => [c.name, c] as const))(
    '%s: identical flows',
    { timeout: 180_000 },
    async (_name, c) => {
      const r = await runParityCase(sandbox(), { ...c, packets: [] });
      console.log(formatFlowDiff(c.name, r));
      expect({ missing: r.missing, extra: r.extra }).toEqual({ missing: [], extra: [] });
      expect(r.bindings.ours).toEqual(r.bindings.real);
      if (c === WITH_BFD)
        expect(r.compiled.logicalFlows.some((f) => f.match === 'ip4.dst == 10.0.0.100/32 && udp.dst == 3784')).toBe(
          true,
        );
    },
  );
});
