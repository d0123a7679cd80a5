// Parity of distributed gateway ports with the real ovn-northd 23.03: a distributed router whose
// outside port is bound to a gateway chassis gets a chassisredirect port cr-<port>; its MAC, ARP/ND
// and neighbour learning are resident on the gateway chassis, and traffic out of it is redirected
// there (lr_in_gw_redirect); identical ovn-trace verdicts.
import { describe, expect, it } from 'vitest';
import { routerPortArgs, useSandbox } from '@ovnts/test-harness';
import { formatFlowDiff, runParityCase, type ParityCase, packets as P } from '@ovnts/northd/testing';

const vm = (port: string, mac: string, ip: string): P.Host => ({ port, mac, ip });
const routerPort = routerPortArgs;
const vm1 = vm('vm1', '02:ac:10:ff:00:11', '192.168.100.10');
const vm2 = vm('vm2', '02:ac:10:ff:00:22', '192.168.100.11');
const R1 = '02:ac:10:ff:01:01';
const R_OUT = '02:ac:10:ff:02:01';
const outsideHost = vm('ln', '02:00:00:aa:00:01', '172.18.0.1');

const DGP: string[][] = [
  ['ls-add', 'ls1'],
  ['lsp-add', 'ls1', 'vm1', '--', 'lsp-set-addresses', 'vm1', `${vm1.mac} ${vm1.ip}`],
  ['lsp-add', 'ls1', 'vm2', '--', 'lsp-set-addresses', 'vm2', `${vm2.mac} ${vm2.ip}`],
  ['lr-add', 'lr1'],
  ['lrp-add', 'lr1', 'lr1-ls1', R1, '192.168.100.1/24'],
  routerPort('ls1', 'ls1-lr1', 'lr1-ls1'),
  ['ls-add', 'outside'],
  ['lrp-add', 'lr1', 'lr1-outside', R_OUT, '172.18.1.2/16', 'fd00:18::2/64'],
  ['lrp-set-gateway-chassis', 'lr1-outside', 'hv1', '20'],
  routerPort('outside', 'outside-lr1', 'lr1-outside'),
  [
    'lsp-add',
    'outside',
    'ln',
    '--',
    'lsp-set-type',
    'ln',
    'localnet',
    '--',
    'lsp-set-addresses',
    'ln',
    'unknown',
    '--',
    'lsp-set-options',
    'ln',
    'network_name=phys',
  ],
  ['lr-route-add', 'lr1', '0.0.0.0/0', '172.18.0.1'],
];

const CASES: readonly ParityCase[] = [
  {
    name: 'distributed gateway port without NAT',
    nbctl: DGP,
    packets: [
      { dp: 'ls1', flow: P.icmp4(vm1, R1, '172.18.0.1') },
      { dp: 'ls1', flow: P.icmp4(vm1, R1, '172.18.1.2') },
      { dp: 'ls1', flow: P.icmp4(vm1, R1, '172.18.0.1', 1) },
      { dp: 'outside', flow: P.icmp4(outsideHost, R_OUT, vm1.ip) },
      { dp: 'outside', flow: P.icmp4(outsideHost, R_OUT, vm1.ip, 1) },
      { dp: 'outside', flow: P.arpRequest(outsideHost, '172.18.1.2') },
      { dp: 'outside', flow: P.tcp4(outsideHost, R_OUT, '172.18.1.2', 22) },
    ],
  },
  {
    name: 'distributed gateway port with SNAT, a distributed floating IP and a centralized dnat_and_snat',
    nbctl: [
      ...DGP,
      ['lr-nat-add', 'lr1', 'snat', '172.18.1.2', '192.168.100.0/24'],
      ['lr-nat-add', 'lr1', 'dnat_and_snat', '172.18.1.10', vm1.ip, 'vm1', '02:ac:10:ff:aa:10'],
      ['lr-nat-add', 'lr1', 'dnat_and_snat', '172.18.1.11', vm2.ip],
    ],
    packets: [
      { dp: 'ls1', flow: P.icmp4(vm1, R1, '172.18.0.1'), ct: ['new', 'new', 'new', 'new'] },
      { dp: 'ls1', flow: P.icmp4(vm2, R1, '172.18.0.1'), ct: ['new', 'new', 'new', 'new'] },
      {
        dp: 'outside',
        flow: P.icmp4(outsideHost, '02:ac:10:ff:aa:10', '172.18.1.10'),
        ct: ['new', 'new', 'new', 'new'],
      },
      { dp: 'outside', flow: P.icmp4(outsideHost, R_OUT, '172.18.1.11'), ct: ['new', 'new', 'new', 'new'] },
      { dp: 'outside', flow: P.icmp4(outsideHost, R_OUT, '172.18.1.2'), ct: ['est', 'est', 'est', 'est'] },
      { dp: 'outside', flow: P.arpRequest(outsideHost, '172.18.1.10') },
      { dp: 'outside', flow: P.arpRequest(outsideHost, '172.18.1.11') },
      { dp: 'ls1', flow: P.icmp4(vm2, R1, '172.18.1.10'), ct: ['new', 'new', 'new', 'new', 'new', 'new'] },
    ],
  },
];

describe('stateful parity: distributed gateway ports', () => {
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
