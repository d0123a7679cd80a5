// Parity of switch load balancers with the real ovn-northd 23.03: VIPs with and without L4 ports,
// TCP/UDP, IPv6, load balancer groups, VIPs without backends (drop, and reject with options:reject),
// LBs combined with allow-related ACLs; traced with the backend ct_lb_mark picks (`--lb-dst`) and
// as new/established connections.
import { describe, expect, it } from 'vitest';
import { useSandbox, routerPortArgs, localnetPortArgs } from '@ovnts/test-harness';
import { formatFlowDiff, runParityCase, type ParityCase, packets as P } from '@ovnts/northd/testing';

const vm = (port: string, mac: string, ip: string): P.Host => ({ port, mac, ip });
const lsp = (ls: string, h: P.Host, extra = '') => [
  'lsp-add',
  ls,
  h.port,
  '--',
  'lsp-set-addresses',
  h.port,
  `${h.mac} ${h.ip}${extra}`,
];
const R1 = '02:ac:10:ff:00:01';
const R2 = '02:ac:10:ff:01:01';
const c1 = vm('c1', '02:ac:10:00:00:11', '10.0.1.11');
const s1 = vm('s1', '02:ac:10:00:00:21', '10.0.1.21');
const s2 = vm('s2', '02:ac:10:00:00:22', '10.0.1.22');
const b1 = vm('b1', '02:ac:10:00:01:11', '10.0.2.11');
const c6 = { ...c1, ip: 'fd00:1::11' };

const topology: string[][] = [
  ['ls-add', 'ls1'],
  ['ls-add', 'ls2'],
  ['lr-add', 'lr1'],
  lsp('ls1', c1, ' fd00:1::11'),
  lsp('ls1', s1, ' fd00:1::21'),
  lsp('ls1', s2, ' fd00:1::22'),
  lsp('ls2', b1),
  ['lrp-add', 'lr1', 'lr1-ls1', R1, '10.0.1.1/24', 'fd00:1::1/64'],
  routerPortArgs('ls1', 'ls1-lr1', 'lr1-ls1'),
  ['lrp-add', 'lr1', 'lr1-ls2', R2, '10.0.2.1/24'],
  routerPortArgs('ls2', 'ls2-lr1', 'lr1-ls2'),
  localnetPortArgs('ls1', 'ln1', 'phys'),
];

const lbs: string[][] = [
  ['lb-add', 'web', '10.0.1.100:80', '10.0.1.21:8080,10.0.1.22:8080', 'tcp'],
  ['lb-add', 'any', '10.0.1.101', '10.0.1.21,10.0.1.22'],
  ['lb-add', 'web6', '[fd00:1::100]:80', '[fd00:1::21]:8080,[fd00:1::22]:8080'],
  ['lb-add', 'empty', '10.0.1.103:80', ''],
  ['lb-add', 'refuse', '10.0.1.104:80', '', '--', 'set', 'Load_Balancer', 'refuse', 'options:reject=true'],
  ['ls-lb-add', 'ls1', 'web'],
  ['ls-lb-add', 'ls1', 'any'],
  ['ls-lb-add', 'ls1', 'web6'],
  ['ls-lb-add', 'ls1', 'empty'],
  ['ls-lb-add', 'ls1', 'refuse'],
  // The UDP one only through a load balancer group.
  [
    '--id=@lb',
    'create',
    'Load_Balancer',
    'name=dns',
    'protocol=udp',
    'vips:"10.0.1.102:53"="10.0.1.21:53"',
    '--',
    '--id=@g',
    'create',
    'Load_Balancer_Group',
    'name=grp',
    'load_balancer=@lb',
    '--',
    'add',
    'Logical_Switch',
    'ls1',
    'load_balancer_group',
    '@g',
  ],
];

const toVip = (h: P.Host, vip: string, port?: number) =>
  port === undefined ? P.icmp4(h, R1, vip) : P.tcp4(h, R1, vip, port);

const CASES: readonly ParityCase[] = [
  {
    name: 'switch LBs: ports/no ports, TCP/UDP/IPv6, group, empty backends',
    nbctl: [...topology, ...lbs],
    packets: [
      { dp: 'ls1', flow: P.tcp4(c1, R1, '10.0.1.100', 80), ct: ['new', 'new'], lbDst: '10.0.1.21:8080' },
      { dp: 'ls1', flow: P.tcp4(c1, R1, '10.0.1.100', 80), ct: ['new', 'new'], lbDst: '10.0.1.22:8080' },
      { dp: 'ls1', flow: P.tcp4(c1, R1, '10.0.1.100', 80), ct: ['est', 'est', 'est'] },
      { dp: 'ls1', flow: P.tcp4(c1, R1, '10.0.1.100', 443), ct: ['new', 'new'] },
      { dp: 'ls1', flow: toVip(c1, '10.0.1.101'), ct: ['new', 'new'], lbDst: '10.0.1.22' },
      { dp: 'ls1', flow: P.udp4(c1, R1, '10.0.1.102', 53), ct: ['new', 'new'], lbDst: '10.0.1.21:53' },
      { dp: 'ls1', flow: P.tcp4(c1, R1, '10.0.1.103', 80), ct: ['new', 'new'] },
      { dp: 'ls1', flow: P.tcp4(c1, R1, '10.0.1.104', 80), ct: ['new', 'new'] },
      {
        dp: 'ls1',
        flow: `${P.icmp6(c6, R1, 'fd00:1::100').replace(/icmp6\.type == 128 && icmp6\.code == 0/, 'tcp.src == 33333 && tcp.dst == 80')}`,
        ct: ['new', 'new'],
        lbDst: '[fd00:1::22]:8080',
      },
      { dp: 'ls1', flow: P.icmp4(c1, s1.mac, s1.ip), ct: ['new', 'new'] },
      { dp: 'ls1', flow: P.tcp4(s1, R1, '10.0.1.100', 80), ct: ['new', 'new'], lbDst: '10.0.1.21:8080' },
      {
        dp: 'ls1',
        flow: P.icmp4(vm('ln1', '02:00:00:00:00:99', '10.0.1.99'), R1, '10.0.1.101'),
        ct: ['new', 'new'],
        lbDst: '10.0.1.21',
      },
      { dp: 'ls2', flow: P.tcp4(b1, R2, '10.0.1.100', 80), ct: ['new', 'new'] },
      { dp: 'ls1', flow: P.arpRequest(c1, '10.0.1.100') },
    ],
  },
  {
    name: 'switch LB with allow-related and drop ACLs',
    nbctl: [
      ...topology,
      ...lbs,
      ['pg-add', 'pg_srv', 's1', 's2'],
      ['acl-add', 'pg_srv', 'to-lport', '1001', 'outport == @pg_srv && tcp.dst == 8080', 'allow-related'],
      ['acl-add', 'pg_srv', 'to-lport', '1000', 'outport == @pg_srv && ip', 'drop'],
      ['acl-add', 'ls2', 'from-lport', '1000', 'ip', 'allow'],
    ],
    packets: [
      { dp: 'ls1', flow: P.tcp4(c1, R1, '10.0.1.100', 80), ct: ['new', 'new'], lbDst: '10.0.1.22:8080' },
      { dp: 'ls1', flow: P.tcp4(c1, R1, '10.0.1.100', 80), ct: ['est', 'est', 'est'] },
      { dp: 'ls1', flow: toVip(c1, '10.0.1.101'), ct: ['new', 'new'], lbDst: '10.0.1.21' },
      { dp: 'ls1', flow: P.tcp4(c1, s1.mac, s1.ip, 8080), ct: ['new', 'new'] },
      { dp: 'ls1', flow: P.tcp4(c1, s1.mac, s1.ip, 22), ct: ['new', 'new'] },
      { dp: 'ls1', flow: P.tcp4(c1, s1.mac, s1.ip, 22), ct: ['est', 'est', 'est'] },
      { dp: 'ls2', flow: P.icmp4(b1, R2, c1.ip), ct: ['new', 'new'] },
    ],
  },
];

describe('stateful parity: switch load balancers', () => {
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
