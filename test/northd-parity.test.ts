// Parity with the real ovn-northd 23.03: the same NB is compiled by the real northd into SB #1 and by
// the ovnts compiler into SB #2; the real ovn-trace must give identical verdicts on both for a battery
// of packets per topology. A flow-level diff against the real lflow-list is printed as a report.
import { describe, expect, it } from 'vitest';
import { useSandbox, type Sandbox } from '@ovnts/test-harness';
import { compile } from '@ovnts/northd';
import { bindingSummary, loadSb, normaliseLflowList, readNb, type Runner, packets as P } from '@ovnts/northd/testing';

interface Topology {
  readonly name: string;
  /** ovn-nbctl argument lists, run in order. */
  readonly nbctl: readonly (readonly string[])[];
  /** [datapath, microflow, ECMP member to pick (default 1)] for ovn-trace. */
  readonly packets: readonly (readonly [string, string, number?])[];
}

const vm = (port: string, mac: string, ip: string): P.Host => ({ port, mac, ip });
const lsp = (ls: string, name: string, addrs: string, ...extra: string[]) => [
  'lsp-add',
  ls,
  name,
  '--',
  'lsp-set-addresses',
  name,
  addrs,
  ...extra,
];
const link = (lr: string, ls: string, mac: string, ...nets: string[]) => [
  ['lrp-add', lr, `${lr}-${ls}`, mac, ...nets],
  [
    'lsp-add',
    ls,
    `${ls}-${lr}`,
    '--',
    'lsp-set-type',
    `${ls}-${lr}`,
    'router',
    '--',
    'lsp-set-addresses',
    `${ls}-${lr}`,
    'router',
    '--',
    'lsp-set-options',
    `${ls}-${lr}`,
    `router-port=${lr}-${ls}`,
  ],
];

const R1 = '02:ac:10:ff:00:01';
const R2 = '02:ac:10:ff:01:01';
const R3 = '02:ac:10:ff:02:01';
const a1 = vm('a1', '02:ac:10:00:00:11', '10.0.1.11');
const a2 = vm('a2', '02:ac:10:00:00:12', '10.0.1.12');
const b1 = vm('b1', '02:ac:10:00:01:11', '10.0.2.11');
const c1 = vm('c1', '02:ac:10:00:02:11', '10.0.3.11');

const TOPOLOGIES: readonly Topology[] = [
  {
    name: 'single switch',
    nbctl: [
      ['ls-add', 'ls1'],
      lsp(
        'ls1',
        'a1',
        `${a1.mac} ${a1.ip}`,
        '--',
        'set',
        'Logical_Switch_Port',
        'a1',
        'external_ids:neutron\\:port_name=web-1',
        'external_ids:owner=me',
      ),
      lsp('ls1', 'a2', `${a2.mac} ${a2.ip}`, '--', 'lsp-set-port-security', 'a2', `${a2.mac} ${a2.ip}`),
      lsp('ls1', 'off', '02:ac:10:00:00:99 10.0.1.99', '--', 'lsp-set-enabled', 'off', 'disabled'),
    ],
    packets: [
      ['ls1', P.icmp4(a1, a2.mac, a2.ip)],
      ['ls1', P.icmp4(a2, a1.mac, a1.ip)],
      ['ls1', P.arpRequest(a1, a2.ip)],
      ['ls1', P.arpRequest(a1, a1.ip)],
      ['ls1', P.arpRequest(a1, '10.0.1.200')],
      ['ls1', P.broadcast4(a1)],
      ['ls1', P.icmp4(a1, '02:ac:10:00:00:77', '10.0.1.77')],
      ['ls1', P.icmp4({ ...a2, mac: '02:ac:10:00:00:66' }, a1.mac, a1.ip)],
      ['ls1', P.icmp4({ ...a2, ip: '10.0.1.66' }, a1.mac, a1.ip)],
      ['ls1', P.icmp4(a1, '02:ac:10:00:00:99', '10.0.1.99')],
      ['ls1', P.icmp4({ ...a1, port: 'off', mac: '02:ac:10:00:00:99' }, a1.mac, a1.ip)],
      ['ls1', `inport == "a1" && eth.src == 01:00:00:00:00:01 && eth.dst == ${a2.mac}`],
    ],
  },
  {
    name: 'switch + router + two subnets',
    nbctl: [
      ['ls-add', 'ls1'],
      ['ls-add', 'ls2'],
      ['lr-add', 'lr1'],
      lsp('ls1', 'a1', `${a1.mac} ${a1.ip}`),
      lsp('ls1', 'a2', `${a2.mac} ${a2.ip}`, '--', 'lsp-set-port-security', 'a2', `${a2.mac} ${a2.ip}`),
      lsp('ls2', 'b1', `${b1.mac} ${b1.ip}`),
      ...link('lr1', 'ls1', R1, '10.0.1.1/24'),
      ...link('lr1', 'ls2', R2, '10.0.2.1/24'),
    ],
    packets: [
      ['ls1', P.icmp4(a1, R1, b1.ip)],
      ['ls2', P.icmp4(b1, R2, a1.ip)],
      ['ls1', P.icmp4(a1, R1, '10.0.1.1')],
      ['ls1', P.icmp4(a1, R1, '10.0.2.1')],
      ['ls1', P.icmp4(a1, R1, b1.ip, 1)],
      ['ls1', P.icmp4(a1, R1, '10.0.1.1', 1)],
      ['ls1', P.arpRequest(a1, '10.0.1.1')],
      ['ls1', P.arpRequest(a1, a2.ip)],
      ['ls2', P.arpRequest(b1, '10.0.2.1')],
      ['ls1', P.udp4(a1, R1, '10.0.1.1')],
      ['ls1', P.tcp4(a1, R1, '10.0.2.1')],
      ['ls1', P.icmp4(a1, R1, '10.0.9.9')],
      ['ls1', P.icmp4(a1, R1, '127.0.0.1')],
      ['ls1', P.broadcast4(a1)],
      ['ls1', P.icmp4({ ...a2, ip: '10.0.1.66' }, R1, b1.ip)],
      ['ls1', P.icmp4(a1, R1, '10.0.2.77')],
      ['ls1', P.icmp4(a1, a2.mac, a2.ip)],
    ],
  },
  {
    name: 'IPv6 dual stack',
    nbctl: [
      ['ls-add', 'ls1'],
      ['ls-add', 'ls2'],
      ['lr-add', 'lr1'],
      lsp('ls1', 'a1', `${a1.mac} ${a1.ip} fd00:1::11`),
      lsp('ls2', 'b1', `${b1.mac} ${b1.ip} fd00:2::11`),
      ...link('lr1', 'ls1', R1, '10.0.1.1/24', 'fd00:1::1/64'),
      ...link('lr1', 'ls2', R2, '10.0.2.1/24', 'fd00:2::1/64'),
    ],
    packets: [
      ['ls1', P.icmp6({ ...a1, ip: 'fd00:1::11' }, R1, 'fd00:2::11')],
      ['ls1', P.icmp6({ ...a1, ip: 'fd00:1::11' }, R1, 'fd00:1::1')],
      ['ls1', P.icmp6({ ...a1, ip: 'fd00:1::11' }, R1, 'fe80::ac:10ff:feff:1')],
      ['ls1', P.icmp6({ ...a1, ip: 'fd00:1::11' }, R1, 'fd00:2::11', 1)],
      ['ls1', P.neighborSolicit({ ...a1, ip: 'fd00:1::11' }, 'fd00:1::1')],
      ['ls1', P.neighborSolicit({ ...a1, ip: 'fd00:1::11' }, 'fe80::ac:10ff:feff:1')],
      ['ls2', P.neighborSolicit({ ...b1, ip: 'fd00:2::11' }, 'fd00:2::1')],
      ['ls1', P.icmp6({ ...a1, ip: 'fd00:1::11' }, R1, 'fd00:9::9')],
      ['ls1', P.icmp4(a1, R1, b1.ip)],
    ],
  },
  {
    name: 'static routes, ECMP, default route, src-ip policy',
    nbctl: [
      ['ls-add', 'ls1'],
      ['ls-add', 'ls2'],
      ['lr-add', 'lr1'],
      lsp('ls1', 'a1', `${a1.mac} ${a1.ip} fd00:1::11`),
      lsp('ls2', 'b1', `${b1.mac} ${b1.ip} fd00:2::11`),
      lsp('ls2', 'gw', '02:ac:10:00:01:fe 10.0.2.254 fd00:2::fe'),
      ...link('lr1', 'ls1', R1, '10.0.1.1/24', 'fd00:1::1/64'),
      ...link('lr1', 'ls2', R2, '10.0.2.1/24', 'fd00:2::1/64'),
      ['lr-route-add', 'lr1', '0.0.0.0/0', '10.0.2.254'],
      ['lr-route-add', 'lr1', '172.16.0.0/16', '10.0.1.11'],
      ['--ecmp', 'lr-route-add', 'lr1', '192.168.0.0/16', '10.0.1.11'],
      ['--ecmp', 'lr-route-add', 'lr1', '192.168.0.0/16', '10.0.2.254'],
      ['--policy=src-ip', 'lr-route-add', 'lr1', '10.0.1.128/25', '10.0.2.11'],
      ['lr-route-add', 'lr1', 'fd00:99::/64', 'fd00:2::fe'],
      ['lr-route-add', 'lr1', '198.51.100.0/24', 'discard'],
    ],
    packets: [
      ['ls1', P.icmp4(a1, R1, '8.8.8.8')],
      ['ls2', P.icmp4(b1, R2, '172.16.5.5')],
      ['ls2', P.icmp4(b1, R2, '192.168.3.3'), 1],
      ['ls2', P.icmp4(b1, R2, '192.168.3.3'), 2],
      ['ls1', P.icmp4({ ...a1, ip: '10.0.1.200' }, R1, '8.8.4.4')],
      ['ls1', P.icmp6({ ...a1, ip: 'fd00:1::11' }, R1, 'fd00:99::5')],
      ['ls1', P.icmp4(a1, R1, '198.51.100.7')],
      ['ls1', P.icmp4(a1, R1, b1.ip)],
      ['ls1', P.icmp4(a1, R1, '8.8.8.8', 1)],
    ],
  },
  {
    name: 'router with several switches',
    nbctl: [
      ['ls-add', 'ls1'],
      ['ls-add', 'ls2'],
      ['ls-add', 'ls3'],
      ['lr-add', 'lr1'],
      lsp('ls1', 'a1', `${a1.mac} ${a1.ip}`),
      lsp('ls2', 'b1', `${b1.mac} ${b1.ip}`),
      lsp('ls3', 'c1', `${c1.mac} ${c1.ip}`),
      lsp('ls3', 'lp', '02:ac:10:00:02:44 10.0.3.44', '--', 'lsp-set-type', 'lp', 'localport'),
      ...link('lr1', 'ls1', R1, '10.0.1.1/24'),
      ...link('lr1', 'ls2', R2, '10.0.2.1/24'),
      ...link('lr1', 'ls3', R3, '10.0.3.1/24'),
    ],
    packets: [
      ['ls1', P.icmp4(a1, R1, c1.ip)],
      ['ls3', P.icmp4(c1, R3, b1.ip)],
      ['ls2', P.icmp4(b1, R2, '10.0.3.1')],
      ['ls3', P.arpRequest(c1, '10.0.3.1')],
      ['ls3', P.arpRequest(c1, '10.0.3.44')],
      ['ls1', P.icmp4(a1, R1, '10.0.3.44')],
      ['ls3', P.broadcast4(c1)],
      ['ls2', P.icmp4(b1, R2, a1.ip, 1)],
    ],
  },
  {
    name: 'unknown-address ports',
    nbctl: [
      ['ls-add', 'ls1'],
      ['ls-add', 'ls2'],
      ['lr-add', 'lr1'],
      lsp('ls1', 'a1', `${a1.mac} ${a1.ip}`),
      lsp('ls1', 'u1', 'unknown'),
      lsp(
        'ls1',
        'u2',
        `02:ac:10:00:00:22 10.0.1.22`,
        '--',
        'lsp-set-addresses',
        'u2',
        '02:ac:10:00:00:22 10.0.1.22',
        'unknown',
      ),
      lsp('ls2', 'b1', `${b1.mac} ${b1.ip}`),
      ...link('lr1', 'ls1', R1, '10.0.1.1/24'),
      ...link('lr1', 'ls2', R2, '10.0.2.1/24'),
    ],
    packets: [
      ['ls1', P.icmp4(a1, '02:00:00:00:00:55', '10.0.1.55')],
      ['ls1', P.icmp4(vm('u1', '02:00:00:00:00:66', '10.0.1.66'), a1.mac, a1.ip)],
      ['ls1', P.arpRequest(a1, '10.0.1.22')],
      ['ls1', P.arpRequest(a1, '10.0.1.55')],
      ['ls1', P.icmp4(a1, '02:ac:10:00:00:22', '10.0.1.22')],
      ['ls2', P.icmp4(b1, R2, '10.0.1.55')],
      ['ls2', P.icmp4(b1, R2, '10.0.1.22')],
      ['ls1', P.broadcast4(a1)],
    ],
  },
  {
    name: 'two routers on one switch, multi-network ports, localnet, localport, disabled ports',
    nbctl: [
      ['ls-add', 'ls1'],
      ['ls-add', 'ls2'],
      ['ls-add', 'transit'],
      ['lr-add', 'lr1'],
      ['lr-add', 'lr2'],
      lsp('ls1', 'a1', `${a1.mac} ${a1.ip} 10.0.1.111`),
      lsp('ls1', 'a2', `${a2.mac} ${a2.ip}`, '--', 'lsp-set-port-security', 'a2', a2.mac),
      lsp('ls2', 'b1', `${b1.mac} ${b1.ip}`),
      lsp(
        'ls2',
        'ln',
        'unknown',
        '--',
        'lsp-set-type',
        'ln',
        'localnet',
        '--',
        'lsp-set-options',
        'ln',
        'network_name=phys',
      ),
      lsp('ls1', 'v6only', '02:ac:10:00:00:66 fd00:1::66'),
      ...link('lr1', 'ls1', R1, '10.0.1.1/24', '10.0.11.1/24'),
      ...link('lr2', 'ls2', R2, '10.0.2.1/24'),
      ...link('lr1', 'transit', '02:ac:10:ff:0a:01', '100.64.0.1/24'),
      ...link('lr2', 'transit', '02:ac:10:ff:0a:02', '100.64.0.2/24'),
      ['lr-route-add', 'lr1', '10.0.2.0/24', '100.64.0.2'],
      ['lr-route-add', 'lr2', '10.0.0.0/16', '100.64.0.1'],
      [
        'lrp-add',
        'lr1',
        'lr1-off',
        '02:ac:10:ff:0b:01',
        '10.0.99.1/24',
        '--',
        'set',
        'Logical_Router_Port',
        'lr1-off',
        'enabled=false',
      ],
    ],
    packets: [
      ['ls1', P.icmp4(a1, R1, b1.ip)],
      ['ls2', P.icmp4(b1, R2, a1.ip)],
      ['ls1', P.icmp4({ ...a1, ip: '10.0.1.111' }, R1, '10.0.11.1')],
      ['ls1', P.icmp4(a1, R1, '100.64.0.2')],
      ['ls1', P.icmp4(a1, R1, '10.0.99.1')],
      ['ls1', P.arpRequest(a1, '10.0.1.111')],
      ['ls2', P.arpRequest(b1, '10.0.2.99')],
      ['ls2', P.icmp4(b1, '02:00:00:00:00:99', '10.0.2.99')],
      ['ls2', P.icmp4(vm('ln', '02:00:00:00:00:98', '10.0.2.98'), b1.mac, b1.ip)],
      ['ls2', P.arpRequest(vm('ln', '02:00:00:00:00:98', '10.0.2.98'), b1.ip)],
      ['ls1', P.icmp4({ ...a2, ip: '10.0.1.77' }, a1.mac, a1.ip)],
      [
        'ls1',
        P.icmp6({ ...a1, port: 'v6only', mac: '02:ac:10:00:00:66', ip: 'fd00:1::66' }, R1, 'fe80::ac:10ff:feff:1'),
      ],
      ['ls1', P.neighborSolicit({ ...a1, ip: 'fd00:1::11' }, 'fd00:1::66')],
      ['transit', P.icmp4(vm('transit-lr2', '02:ac:10:ff:0a:02', '100.64.0.2'), '02:ac:10:ff:0a:01', a1.ip)],
    ],
  },
];

async function trace(sb: Sandbox, remote: string, dp: string, flow: string, selectId: number): Promise<string> {
  const r = await sb.run('ovn-trace', [`--db=${remote}`, '--minimal', `--select-id=${selectId}`, dp, flow]);
  // The microflow header shows the inport's tunnel key, which each northd allocates its own way.
  const out = r.stdout.trim().replace(/\breg14=0x[0-9a-f]+,/, '');
  return `${r.code === 0 ? '' : `exit ${r.code}: `}${out}`;
}

describe('parity with the real ovn-northd (ovn-trace verdicts)', () => {
  const sandbox = useSandbox();

  for (const topo of TOPOLOGIES) {
    it(`${topo.name}: identical ovn-trace verdicts`, async () => {
      const sb = sandbox();
      const { nb, sb: sb1 } = await sb.startCentral();
      const sb2 = await sb.startDb('sb', { name: 'sb2' });
      await sb.startRealNorthd(nb.remotes.unix, sb1.remotes.unix);
      for (const args of topo.nbctl) await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, ...args]);
      await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, '--timeout=20', '--wait=sb', 'sync']);

      const run: Runner = (p, a) => sb.runOk(p, a).then((stdout) => ({ stdout }));
      const compiled = compile(await readNb(run, nb.remotes.unix));
      expect(compiled.diagnostics).toEqual([]);
      await loadSb(run, sb2.remotes.unix, compiled);

      const real = normaliseLflowList(await sb.runOk('ovn-sbctl', [`--db=${sb1.remotes.unix}`, 'lflow-list']));
      const ours = normaliseLflowList(await sb.runOk('ovn-sbctl', [`--db=${sb2.remotes.unix}`, 'lflow-list']));
      const realSet = new Set(real);
      const oursSet = new Set(ours);
      const missing = real.filter((l) => !oursSet.has(l));
      const extra = ours.filter((l) => !realSet.has(l));
      console.log(
        `[lflow diff] ${topo.name}: real ${real.length}, ours ${ours.length}, missing ${missing.length}, extra ${extra.length}` +
          [...missing.map((l) => `\n  - ${l}`), ...extra.map((l) => `\n  + ${l}`)].join(''),
      );

      // Datapath/port bindings, multicast groups and address sets match the real northd's.
      expect(await bindingSummary(run, sb2.remotes.unix)).toEqual(await bindingSummary(run, sb1.remotes.unix));

      for (const [dp, flow, select = 1] of topo.packets) {
        const [want, got] = await Promise.all([
          trace(sb, sb1.remotes.unix, dp, flow, select),
          trace(sb, sb2.remotes.unix, dp, flow, select),
        ]);
        expect({ dp, flow, verdict: got }).toEqual({ dp, flow, verdict: want });
      }
    });
  }
});
