// What one pod costs a chassis that does not host it: the quantity the density bench multiplies by N (every
// chassis whose node switch is on the cluster router has every switch local, so it compiles every pod's logical
// flows and reports every nb_cfg). hv1 runs ovnts-controller in this process, hosting node 1's pods; each
// sample adds a pod on node 2 (an NB transaction that also bumps nb_cfg, the real ovn-northd between) and binds it
// to the fake chassis hv2 (an SB transaction), and measures this process's CPU (user + system) from the add until
// hv1 reported the nb_cfg and went idle after the binding (no child process in that window: a spawn from this
// big process costs more than the controller's work). BENCH_CPU_PROF=FILE writes a CPU profile of the samples.
// Run: npx vite-node --config vitest.config.ts packages/controller/bench/remote-pod.bench.ts (BENCH_NODES, BENCH_ADDS,
// BENCH_NODE_PODS: pods per node before the samples, default 2)
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { OvsdbClient } from 'ovsdb-client-ts';
import { model as nbModel } from '@ovnts/schema/nb';
import { model as sbModel } from '@ovnts/schema/sb';
import { Sandbox, waitFor } from '@ovnts/test-harness/servers';
import { startController } from '../src/index.js';
import { ip, mac, startPodCluster } from './pod-cluster.js';

const NODES = Number(process.env['BENCH_NODES'] ?? 3);
const ADDS = Number(process.env['BENCH_ADDS'] ?? 40);
const NODE_PODS = Number(process.env['BENCH_NODE_PODS'] ?? 2);
const PROF = process.env['BENCH_CPU_PROF'];

const q = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

const sb = new Sandbox('ovnts-remote-pod-');
try {
  const c = await startPodCluster(sb, { nodes: NODES, pods: NODE_PODS, podGroup: 'none' });
  const sbc = await OvsdbClient.connect(c.sbdb.remotes.unix, { inactivityProbeMs: 0 });
  const rep = await sbc.monitor(sbModel, { tables: ['Chassis_Private', 'SB_Global', 'Chassis', 'Port_Binding'] });
  const nbc = await OvsdbClient.connect(c.nb.remotes.unix, { inactivityProbeMs: 0 });
  const nbRep = await nbc.monitor(nbModel, { tables: ['NB_Global', 'Logical_Switch'] });
  const reported = () => [...rep.table('Chassis_Private').values()].find((p) => p.name === 'hv1')?.nb_cfg ?? -1;
  const sbCfg = () => [...rep.table('SB_Global').values()][0]?.nb_cfg ?? 0;
  const ctl = await startController({ ovsRemote: c.hv.db.remotes.unix, rundir: c.hv.rundir });
  await c.nbctl('--wait=sb', 'sync');
  await waitFor('hv1 caught up', () => reported() === sbCfg(), 600_000, 20);
  await ctl.whenIdle();

  const session = PROF ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    // BENCH_CPU_PROF_US: the sampling interval (µs; V8's default 1000 leaves a few hundred samples per run).
    await session.post('Profiler.setSamplingInterval', { interval: Number(process.env['BENCH_CPU_PROF_US'] ?? 1000) });
    await session.post('Profiler.start');
  }
  const perPod: number[] = [];
  const rounds: number[] = [];
  for (let i = 0; i < ADDS; i++) {
    const host = 100 + i;
    const pod = `p2-${host}`;
    const cpu0 = cpuMs();
    const r0 = ctl.stats().recomputes;
    await nbRep.waitFor(() => [...nbRep.table('NB_Global').values()][0] !== undefined);
    const global = [...nbRep.table('NB_Global').values()][0]!;
    const target = global.nb_cfg + 1;
    const add = nbc.transaction(nbModel);
    const lsp = add.insert('Logical_Switch_Port', { name: pod, addresses: [`${mac(2, host)} ${ip(2, host)}`] });
    add.mutate('Logical_Switch', [['name', '==', 'node2']], [['ports', 'insert', [lsp]]]);
    add.update('NB_Global', [['_uuid', '==', global._uuid]], { nb_cfg: target });
    await add.commit();
    // Waits that look again at each update of the bench's replica, not on a 2 ms timer: polling costs this process
    // CPU in proportion to the wait, which the load stretches, inside the measured window.
    await rep.waitFor(() => sbCfg() >= target && reported() >= target, 120_000);
    const pb = () => [...rep.table('Port_Binding').values()].find((p) => p.logical_port === pod);
    const hv2 = [...rep.table('Chassis').values()].find((ch) => ch.name === 'hv2')!._uuid;
    await rep.waitFor(() => pb() !== undefined, 120_000);
    const bind = sbc.transaction(sbModel);
    bind.update('Port_Binding', [['_uuid', '==', pb()!._uuid]], { chassis: hv2 });
    await bind.commit();
    await new Promise((r) => setTimeout(r, 200));
    await ctl.whenIdle();
    perPod.push(cpuMs() - cpu0);
    rounds.push(ctl.stats().recomputes - r0);
  }
  if (session) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(PROF!, JSON.stringify(profile));
  }
  console.log(
    `\nremote pod (added on node2, bound to hv2) as hv1 sees it: ${NODES} routed nodes of ${NODE_PODS} pods, ${ADDS} pods, ` +
      `${ctl.stats().sbRows['Logical_Flow']} logical flows, load ${loadavg()[0]!.toFixed(1)}`,
  );
  console.log(
    `CPU ms per pod (this process: ovnts-controller and the bench's own small SB replica): median ${q(perPod, 0.5).toFixed(1)}, ` +
      `p90 ${q(perPod, 0.9).toFixed(1)}; rounds per pod: median ${q(rounds, 0.5)}`,
  );
  console.log(ctl.engineStats());
  await ctl.stop({ cleanup: false });
  await sbc.close();
  await nbc.close();
} finally {
  await sb.stop();
}
