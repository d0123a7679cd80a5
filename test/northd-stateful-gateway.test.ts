// Parity of the gateway-router topology of examples/gateway.sh with the real ovn-northd 23.03: a
// distributed router behind a join switch, gw1 pinned to a chassis (l3gateway ports) with SNAT of
// the VM subnet to its outside address, and a localnet outside switch; identical ovn-trace verdicts.
import { describe, expect, it } from 'vitest';
import { routerPortArgs, useSandbox } from '@ovnts/test-harness';
import { formatFlowDiff, runParityCase, type ParityCase, packets as P } from '@ovnts/northd/testing';

const vm = (port: string, mac: string, ip: string): P.Host => ({ port, mac, ip });
const routerPort = routerPortArgs;
const vm1 = vm('vm1', '02:ac:10:ff:00:11', '192.168.100.10');
const vm2 = vm('vm2', '02:ac:10:ff:00:22', '192.168.100.11');
const R1 = '02:ac:10:ff:01:01';
const GW_OUT = '02:ac:10:ff:02:01';
const outsideHost = vm('phyNet', '02:00:00:aa:00:01', '172.18.0.1');

/** examples/gateway.sh without the load balancer. */
const GATEWAY: string[][] = [
  ['ls-add', 'ls1'],
  ['lsp-add', 'ls1', 'vm1', '--', 'lsp-set-addresses', 'vm1', `${vm1.mac} ${vm1.ip}`],
  ['lsp-add', 'ls1', 'vm2', '--', 'lsp-set-addresses', 'vm2', `${vm2.mac} ${vm2.ip}`],
  ['lr-add', 'router1'],
  ['lrp-add', 'router1', 'router1-ls1', R1, '192.168.100.1/24'],
  routerPort('ls1', 'ls1-router1', 'router1-ls1'),
  ['ls-add', 'join'],
  ['lrp-add', 'router1', 'router1-join', '02:ac:10:ff:ff:01', '192.168.255.1/24'],
  routerPort('join', 'join-router1', 'router1-join'),
  ['lr-add', 'gw1', '--', 'set', 'Logical_Router', 'gw1', 'options:chassis=hv1'],
  ['lrp-add', 'gw1', 'gw1-join', '02:ac:10:ff:ff:02', '192.168.255.2/24'],
  routerPort('join', 'join-gw1', 'gw1-join'),
  ['lr-route-add', 'router1', '0.0.0.0/0', '192.168.255.2'],
  ['lr-route-add', 'gw1', '192.168.100.0/24', '192.168.255.1'],
  ['ls-add', 'outside'],
  ['lrp-add', 'gw1', 'gw1-outside', GW_OUT, '172.18.1.2/16'],
  routerPort('outside', 'outside-gw1', 'gw1-outside'),
  [
    'lsp-add',
    'outside',
    'phyNet',
    '--',
    'lsp-set-type',
    'phyNet',
    'localnet',
    '--',
    'lsp-set-addresses',
    'phyNet',
    'unknown',
    '--',
    'lsp-set-options',
    'phyNet',
    'network_name=phyNet',
  ],
  ['lr-route-add', 'gw1', '0.0.0.0/0', '172.18.0.1'],
];

const CASES: readonly ParityCase[] = [
  {
    name: 'gateway router without NAT',
    nbctl: GATEWAY,
    packets: [
      { dp: 'ls1', flow: P.icmp4(vm1, R1, '172.18.0.1'), ct: ['new', 'new'] },
      { dp: 'ls1', flow: P.icmp4(vm1, R1, '192.168.255.2') },
      { dp: 'outside', flow: P.icmp4(outsideHost, GW_OUT, vm1.ip), ct: ['new', 'new'] },
      { dp: 'outside', flow: P.arpRequest(outsideHost, '172.18.1.2') },
    ],
  },
  {
    name: 'gateway router with SNAT (examples/gateway.sh)',
    nbctl: [...GATEWAY, ['lr-nat-add', 'gw1', 'snat', '172.18.1.2', '192.168.100.0/24']],
    packets: [
      { dp: 'ls1', flow: P.icmp4(vm1, R1, '172.18.0.1'), ct: ['new', 'new', 'new', 'new'] },
      { dp: 'ls1', flow: P.tcp4(vm2, R1, '172.18.0.1', 80), ct: ['new', 'new', 'new', 'new'] },
      { dp: 'ls1', flow: P.icmp4(vm1, R1, '192.168.255.2') },
      { dp: 'outside', flow: P.icmp4(outsideHost, GW_OUT, '172.18.1.2'), ct: ['est', 'est', 'est', 'est'] },
      { dp: 'outside', flow: P.icmp4(outsideHost, GW_OUT, '172.18.1.2'), ct: ['new', 'new'] },
      { dp: 'outside', flow: P.icmp4(outsideHost, GW_OUT, vm1.ip), ct: ['new', 'new'] },
      { dp: 'outside', flow: P.arpRequest(outsideHost, '172.18.1.2') },
    ],
  },
  {
    name: 'gateway router with DNAT, dnat_and_snat (stateful and stateless), port range; VLAN-tagged localnet',
    nbctl: [
      ...GATEWAY,
      ['set', 'Logical_Switch_Port', 'phyNet', 'tag=42'],
      ['lr-nat-add', 'gw1', 'snat', '172.18.1.2', '192.168.100.0/24'],
      ['lr-nat-add', 'gw1', 'dnat_and_snat', '172.18.1.10', vm1.ip],
      ['--stateless', 'lr-nat-add', 'gw1', 'dnat_and_snat', '172.18.1.11', vm2.ip],
      ['lr-nat-add', 'gw1', 'dnat', '172.18.1.12', '192.168.100.12'],
      ['--portrange', 'lr-nat-add', 'gw1', 'snat', '172.18.1.13', '192.168.200.0/24', '10000-20000'],
    ],
    packets: [
      { dp: 'ls1', flow: P.icmp4(vm1, R1, '172.18.0.1'), ct: ['new', 'new', 'new', 'new'] },
      { dp: 'ls1', flow: P.icmp4(vm2, R1, '172.18.0.1'), ct: ['new', 'new', 'new', 'new'] },
      { dp: 'outside', flow: P.icmp4(outsideHost, GW_OUT, '172.18.1.10'), ct: ['new', 'new', 'new', 'new'] },
      { dp: 'outside', flow: P.icmp4(outsideHost, GW_OUT, '172.18.1.11'), ct: ['new', 'new', 'new', 'new'] },
      { dp: 'outside', flow: P.tcp4(outsideHost, GW_OUT, '172.18.1.12', 22), ct: ['new', 'new', 'new', 'new'] },
      { dp: 'outside', flow: P.icmp4(outsideHost, GW_OUT, '172.18.1.2'), ct: ['est', 'est', 'est', 'est'] },
      { dp: 'outside', flow: P.arpRequest(outsideHost, '172.18.1.10') },
      { dp: 'outside', flow: P.arpRequest(outsideHost, '172.18.1.13') },
      { dp: 'outside', flow: P.arpRequest(outsideHost, '172.18.1.99') },
    ],
  },
  {
    name: 'examples/gateway.sh in full: SNAT plus a load balancer on gw1 and ls1',
    nbctl: [
      ...GATEWAY,
      ['lr-nat-add', 'gw1', 'snat', '172.18.1.2', '192.168.100.0/24'],
      ['lb-add', 'lb1', '172.18.1.254:80', `${vm1.ip}:80,${vm2.ip}:80`],
      ['lr-lb-add', 'gw1', 'lb1'],
      ['ls-lb-add', 'ls1', 'lb1'],
    ],
    packets: [
      {
        dp: 'outside',
        flow: P.tcp4(outsideHost, GW_OUT, '172.18.1.254', 80),
        ct: ['new', 'new', 'new', 'new'],
        lbDst: `${vm1.ip}:80`,
      },
      {
        dp: 'outside',
        flow: P.tcp4(outsideHost, GW_OUT, '172.18.1.254', 80),
        ct: ['new', 'new', 'new', 'new'],
        lbDst: `${vm2.ip}:80`,
      },
      { dp: 'outside', flow: P.tcp4(outsideHost, GW_OUT, '172.18.1.254', 80), ct: ['est', 'est', 'est', 'est'] },
      { dp: 'outside', flow: P.tcp4(outsideHost, GW_OUT, '172.18.1.254', 22), ct: ['new', 'new', 'new', 'new'] },
      { dp: 'outside', flow: P.arpRequest(outsideHost, '172.18.1.254') },
      { dp: 'ls1', flow: P.tcp4(vm1, R1, '172.18.1.254', 80), ct: ['new', 'new', 'new', 'new'], lbDst: `${vm2.ip}:80` },
      { dp: 'ls1', flow: P.icmp4(vm1, R1, '172.18.0.1'), ct: ['new', 'new', 'new', 'new'] },
    ],
  },
  {
    name: 'IPv6 NAT on a gateway router (snat of a prefix, dnat_and_snat)',
    nbctl: [
      ['ls-add', 'in'],
      ['ls-add', 'out'],
      ['lr-add', 'gw', '--', 'set', 'Logical_Router', 'gw', 'options:chassis=hv1'],
      ['lrp-add', 'gw', 'gw-out', '02:00:00:00:00:01', '172.18.1.2/16', 'fd00:18::2/64'],
      ['lrp-add', 'gw', 'gw-in', '02:00:00:00:00:02', '192.168.1.1/24', 'fd00:1::1/64'],
      routerPort('out', 'out-gw', 'gw-out'),
      routerPort('in', 'in-gw', 'gw-in'),
      ['lsp-add', 'in', 'v6vm', '--', 'lsp-set-addresses', 'v6vm', '02:00:00:00:01:10 fd00:1::10'],
      ['lsp-add', 'out', 'v6ext', '--', 'lsp-set-addresses', 'v6ext', '02:00:00:00:02:20 fd00:18::20'],
      ['lr-nat-add', 'gw', 'snat', 'fd00:18::2', 'fd00:1::/64'],
      ['lr-nat-add', 'gw', 'dnat_and_snat', 'fd00:18::10', 'fd00:1::10'],
    ],
    packets: [
      {
        dp: 'in',
        flow: P.icmp6({ port: 'v6vm', mac: '02:00:00:00:01:10', ip: 'fd00:1::10' }, '02:00:00:00:00:02', 'fd00:18::20'),
        ct: ['new', 'new', 'new', 'new'],
      },
      {
        dp: 'out',
        flow: P.icmp6(
          { port: 'v6ext', mac: '02:00:00:00:02:20', ip: 'fd00:18::20' },
          '02:00:00:00:00:01',
          'fd00:18::10',
        ),
        ct: ['new', 'new', 'new', 'new'],
      },
      {
        dp: 'out',
        flow: P.neighborSolicit({ port: 'v6ext', mac: '02:00:00:00:02:20', ip: 'fd00:18::20' }, 'fd00:18::10'),
      },
      {
        dp: 'out',
        flow: P.neighborSolicit({ port: 'v6ext', mac: '02:00:00:00:02:20', ip: 'fd00:18::20' }, 'fd00:18::2'),
      },
    ],
  },
];

describe('stateful parity: gateway router, SNAT, localnet', () => {
  const sandbox = useSandbox();
  for (const c of CASES) {
    it(`${c.name}: identical ovn-trace verdicts`, async () => {
      const r = await runParityCase(sandbox(), c);
      console.log(formatFlowDiff(c.name, r));
      expect(r.compiled.diagnostics).toEqual([]);
      expect(r.bindings.ours).toEqual(r.bindings.real);
      for (const v of r.verdicts) expect({ ...v.packet, verdict: v.ours }).toEqual({ ...v.packet, verdict: v.real });
    });
  }
});
