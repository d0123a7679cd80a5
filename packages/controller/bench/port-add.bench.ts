// One local port added → its flows installed and `ovn-installed` set, on a chassis of an ovn-kubernetes-like SB
// (the real ovn-northd's, NODES node switches × PODS pods on one cluster router; hv1 hosts node 1). The logical
// ports exist beforehand (NB lsp-add, --wait=sb); each sample plugs an OVS interface with its iface-id and waits
// for Interface external_ids:ovn-installed. Reported: the end-to-end latency (ovs-vsctl returns → ovn-installed
// seen), and for ovnts-controller its own part: the engine rounds' computation time and the flow-installation
// time spent in that window (both from the controller's stats), median and p90 over ADDS samples. The real
// ovn-controller does the same adds in the same run.
// Run: npx vite-node --config vitest.config.ts packages/controller/bench/port-add.bench.ts (BENCH_NODES, BENCH_PODS, BENCH_ADDS)
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Sandbox, waitFor } from '@ovnts/test-harness/servers';
import { OvsdbClient, type Uuid } from 'ovsdb-client-ts';
import { model as sbModel } from '@ovnts/schema/sb';
import { model as vsModel } from '@ovnts/schema/vswitch';
import { type ControllerStats, startController } from '../src/index.js';

type PortReady = ControllerStats['lastPortReady'];

const NODES = Number(process.env['BENCH_NODES'] ?? 20);
const PODS = Number(process.env['BENCH_PODS'] ?? 20);
const ADDS = Number(process.env['BENCH_ADDS'] ?? 20);
const ip = (node: number, host: number) => `10.${128 + (node >> 8)}.${node & 0xff}.${host}`;
const mac = (node: number, host: number) =>
  `0a:58:${[128 + (node >> 8), node & 0xff, host >> 8, host & 0xff].map((x) => x.toString(16).padStart(2, '0')).join(':')}`;

const q = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

const sb = new Sandbox('ovnts-bench-');
try {
  const { nb, sb: sbdb } = await sb.startCentral();
  await sb.startRealNorthd(nb.remotes.unix, sbdb.remotes.unix);
  const nbctl = (...a: string[]) =>
    sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, '--timeout=600', ...a], { timeoutMs: 600_000 });
  const sbctl = (...a: string[]) =>
    sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, '--timeout=600', ...a], { timeoutMs: 600_000 });
  await nbctl('lr-add', 'cluster', '--', 'pg-add', 'pods');
  const pod = (n: number, p: number) => [
    '--',
    'lsp-add',
    `node${n}`,
    `p${n}-${p}`,
    '--',
    'lsp-set-addresses',
    `p${n}-${p}`,
    `${mac(n, p)} ${ip(n, p)}`,
    '--',
    'lsp-set-port-security',
    `p${n}-${p}`,
    `${mac(n, p)} ${ip(n, p)}`,
  ];
  for (let n = 1; n <= NODES; n++) {
    const a = ['ls-add', `node${n}`, '--', 'lrp-add', 'cluster', `rtos-node${n}`, mac(n, 1), `${ip(n, 1)}/24`];
    a.push('--', 'lsp-add', `node${n}`, `stor-node${n}`, '--', 'lsp-set-type', `stor-node${n}`, 'router');
    a.push('--', 'lsp-set-addresses', `stor-node${n}`, 'router');
    a.push('--', 'lsp-set-options', `stor-node${n}`, `router-port=rtos-node${n}`);
    // Node 1 also gets the ports the samples plug, 2 × ADDS of them (one set per controller).
    for (let p = 2; p < PODS + 2 + (n === 1 ? 2 * ADDS : 0); p++) a.push(...pod(n, p));
    await nbctl(...a);
  }
  await nbctl('acl-add', 'pods', 'to-lport', '1001', 'outport == @pods && tcp.dst == {80, 443}', 'allow-related');
  await nbctl('acl-add', 'pods', 'to-lport', '1000', 'outport == @pods && ip4', 'drop');
  const fake: string[] = [];
  for (let n = 2; n <= NODES; n++) fake.push('--', 'chassis-add', `hv${n}`, 'geneve', `127.0.${n >> 8}.${n & 0xff}`);
  if (fake.length) await sbctl(...fake.slice(1));
  await nbctl('--wait=sb', 'sync');
  const sbc = await OvsdbClient.connect(sbdb.remotes.unix);
  const rep = await sbc.monitor(sbModel, { tables: ['Chassis', 'Port_Binding'] });
  const chassisByName = new Map([...rep.table('Chassis').values()].map((c) => [c.name, c._uuid]));
  const txn = sbc.transaction(sbModel);
  for (const pb of rep.table('Port_Binding').values()) {
    const m = /^p(\d+)-\d+$/.exec(pb.logical_port);
    if (m && Number(m[1]) > 1)
      txn.update('Port_Binding', [['_uuid', '==', pb._uuid]], {
        chassis: chassisByName.get(`hv${m[1]}`) as Uuid<'Chassis'>,
      });
  }
  await txn.commit();

  const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
  const cmds: string[] = [];
  for (let p = 2; p < PODS + 2; p++)
    cmds.push(
      '--',
      'add-port',
      'br-int',
      `pod${p}`,
      '--',
      'set',
      'Interface',
      `pod${p}`,
      'type=internal',
      `external_ids:iface-id=p1-${p}`,
    );
  await hv.vsctl(...cmds.slice(1));
  const vsc = await OvsdbClient.connect(hv.db.remotes.unix);
  const vs = await vsc.monitor(vsModel, { tables: ['Interface'] });
  const installed = (name: string) =>
    [...vs.table('Interface').values()].some((i) => i.name === name && i.external_ids['ovn-installed'] === 'true');
  const allUp = () => {
    for (let p = 2; p < PODS + 2; p++) if (!installed(`pod${p}`)) return false;
    return true;
  };

  /**
   * Plugs ADDS ports one after another; per sample: end-to-end ms, the controller's own engine ms and its
   * port-ready round (from the update that made the port ours to ovn-installed written), if known.
   */
  async function samples(
    first: number,
    own?: () => number,
    round?: () => PortReady,
  ): Promise<{ e2e: number[]; own: number[]; rounds: PortReady[] }> {
    const e2e: number[] = [];
    const mine: number[] = [];
    const rounds: PortReady[] = [];
    for (let i = 0; i < ADDS; i++) {
      const p = first + i;
      const before = own?.() ?? 0;
      const t = performance.now();
      await hv.vsctl(
        'add-port',
        'br-int',
        `pod${p}`,
        '--',
        'set',
        'Interface',
        `pod${p}`,
        'type=internal',
        `external_ids:iface-id=p1-${p}`,
      );
      await waitFor(`pod${p} installed`, () => installed(`pod${p}`), 120_000, 2);
      e2e.push(performance.now() - t);
      if (own) mine.push(own() - before);
      if (round) rounds.push(round());
    }
    return { e2e, own: mine, rounds };
  }

  // ovnts-controller, in this process (its stats give its own part).
  const ctl = await startController({ ovsRemote: hv.db.remotes.unix, rundir: hv.rundir });
  await waitFor('ovnts: pods installed', allUp, 600_000, 20);
  await ctl.whenIdle();
  const own = () => ctl.stats().engineMsTotal;
  const ownInstall = () => ctl.stats().installMsTotal;
  const i0 = ownInstall();
  const ours = await samples(PODS + 2, own, () => ctl.stats().lastPortReady);
  const installMs = (ownInstall() - i0) / ADDS;
  const engineStats = ctl.engineStats();
  await ctl.stop({ cleanup: false });

  // The real ovn-controller on the same chassis (it finds the earlier ports already bound to hv1).
  const real = await hv.startRealController();
  await waitFor('real: pods installed', allUp, 600_000, 20);
  const theirs = await samples(PODS + 2 + ADDS);
  await real.stop();

  console.log(
    `\nport add → ovn-installed: ${NODES} nodes × ${PODS} pods, ${ADDS} samples each, load average ${loadavg()[0]!.toFixed(1)}\n`,
  );
  const rows = [
    ['metric', 'median ms', 'p90 ms'],
    ['ovnts-controller end to end', q(ours.e2e, 0.5).toFixed(1), q(ours.e2e, 0.9).toFixed(1)],
    ['ovnts-controller own computation (engine)', q(ours.own, 0.5).toFixed(2), q(ours.own, 0.9).toFixed(2)],
    ['ovnts-controller flow installation (mean, wall)', installMs.toFixed(2), '-'],
    ...(['totalMs', 'computeMs', 'installMs', 'reportMs'] as const).map((k) => [
      `ovnts-controller port-ready round: ${k}`,
      q(
        ours.rounds.map((r) => r[k]),
        0.5,
      ).toFixed(2),
      q(
        ours.rounds.map((r) => r[k]),
        0.9,
      ).toFixed(2),
    ]),
    ['ovn-controller end to end', q(theirs.e2e, 0.5).toFixed(1), q(theirs.e2e, 0.9).toFixed(1)],
  ];
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((c, i) => (i ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join('  '));
  console.log(`\n${engineStats}`);
  await vsc.close();
  await sbc.close();
} finally {
  await sb.stop();
}
