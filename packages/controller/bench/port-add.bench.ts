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
import { OvsdbClient } from 'ovsdb-client-ts';
import { model as vsModel } from '@ovnts/schema/vswitch';
import { type ControllerStats, startController } from '../src/index.js';
import { plugArgs, startPodCluster } from './pod-cluster.js';

type PortReady = ControllerStats['lastPortReady'];

const NODES = Number(process.env['BENCH_NODES'] ?? 20);
const PODS = Number(process.env['BENCH_PODS'] ?? 20);
const ADDS = Number(process.env['BENCH_ADDS'] ?? 20);

const q = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

const sb = new Sandbox('ovnts-bench-');
try {
  // Node 1 also gets the ports the samples plug, 2 × ADDS of them (one set per controller).
  const { hv } = await startPodCluster(sb, { nodes: NODES, pods: PODS, spare: 2 * ADDS, podGroup: 'empty' });
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
      await hv.vsctl(...plugArgs(p, 1));
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
} finally {
  await sb.stop();
}
