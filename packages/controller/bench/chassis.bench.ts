// Start of one chassis of a generated SB, the built ovnts-controller (its own process) vs the real
// ovn-controller 23.03 in the same run: start → flows installed, ports up and nb_cfg reported; the daemon's CPU
// and peak RSS (VmHWM) by then; the installed flow tables compared right then (the first install), normalised
// as parity.ts does; event-loop stalls (ovnts: `event-loop/show`; both: "Unreasonably long" log lines).
// Topology (ovn-kubernetes-like): NODES node switches of PODS pods each, all attached to one cluster router, a
// port group of all pods with two ACLs (allow-related web, drop rest); chassis hv1 hosts node 1's pods, the
// other nodes' pods are bound to NODES-1 other (fake) chassis, so every switch is local through the router and
// remote pods go through tunnels.
// Run: npm run build && npx vite-node --config vitest.config.ts packages/controller/bench/chassis.bench.ts
//      (BENCH_NODES, BENCH_PODS; BENCH_CPU_PROF=DIR writes a --cpu-prof profile of ovnts-controller there, and
//      a copy of its log, whose "Unreasonably long" lines time the stalls; BENCH_STACKS=ovnts measures ovnts-controller
//      alone (a helper's run on a busy box; no flow comparison then), BENCH_NODE_ARGS adds node flags to its
//      command line, e.g. "--heap-prof --heap-prof-dir=DIR"), BENCH_AB="VAR=value ..." measures ovnts-controller
//      again with that environment (B) and without (A), alternating, BENCH_AB_ROUNDS times (default 2): an A/B
//      on a busy box, flows of B compared with A's; BENCH_AB="BENCH_CONTROLLER_BUNDLE=PATH" runs another build as B
//      (its dist/bundle/ovnts-controller.mjs copied aside before the rebuild, within packages/controller/dist/bundle/
//      where koffi resolves) with this launcher's flags
import { copyFileSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Sandbox, cpuSeconds, vmHwmMb, waitFor } from '@ovnts/test-harness/servers';
import { OvsdbClient } from 'ovsdb-client-ts';
import { model as sbModel } from '@ovnts/schema/sb';
import { SwitchConnection } from '@ovnts/openflow';
import { compareFlows, formatParity, normalizeFlows } from '../src/index.js';
import { caughtUp, forgetChassis, startBenchController, startPodCluster } from './pod-cluster.js';

const NODES = Number(process.env['BENCH_NODES'] ?? 100);
const PODS = Number(process.env['BENCH_PODS'] ?? 50);
const CPU_PROF = process.env['BENCH_CPU_PROF'];
/** A directory: ovnts-controller writes a heap snapshot there once the chassis caught up (SIGUSR2). */
const HEAP_SNAPSHOT = process.env['BENCH_HEAP_SNAPSHOT'];
const STACKS = (process.env['BENCH_STACKS'] ?? 'real,ovnts').split(',');
/** `VAR=value ...`: measure ovnts-controller again with that environment (B), alternating with A, BENCH_AB_ROUNDS times. */
const AB = process.env['BENCH_AB'];
const AB_ROUNDS = Number(process.env['BENCH_AB_ROUNDS'] ?? 2);
const NODE_ARGS = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean);

const sb = new Sandbox('ovnts-bench-');
const rows: string[][] = [];
try {
  const t0 = performance.now();
  const central = await startPodCluster(sb, { nodes: NODES, pods: PODS });
  const { sbdb, nbctl, hv } = central;
  // No inactivity probe: on a loaded box the SB server may take longer than a probe interval to answer.
  const sbc = await OvsdbClient.connect(sbdb.remotes.unix, { inactivityProbeMs: 0 });
  const rep = await sbc.monitor(sbModel, {
    tables: ['Chassis', 'Port_Binding', 'Logical_Flow', 'Chassis_Private', 'SB_Global'],
  });
  const lflows = rep.table('Logical_Flow').size;
  const setupS = (performance.now() - t0) / 1000;

  /** Start one controller; measure until the chassis reports the current nb_cfg with all local pods up. */
  async function measure(kind: 'ovnts' | 'real', extraEnv: NodeJS.ProcessEnv = {}) {
    await nbctl('--wait=sb', 'sync'); // bumps nb_cfg
    const target = [...rep.table('SB_Global').values()][0]!.nb_cfg;
    const prof = [
      ...NODE_ARGS,
      ...(CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : []),
      ...(HEAP_SNAPSHOT ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${HEAP_SNAPSHOT}`] : []),
    ];
    const t = performance.now();
    const { daemon, env } = await startBenchController(sb, hv, kind, `${kind}-controller`, prof, extraEnv);
    const pid = daemon.pid;
    await waitFor('chassis caught up', () => caughtUp(rep, target), 900_000, 20);
    const startS = (performance.now() - t) / 1000;
    const cpuS = cpuSeconds(pid);
    const rssAtStart = vmHwmMb(pid);
    const flows = await dumpNormalised();
    await new Promise((r) => setTimeout(r, 2000)); // what the start leaves running settles
    const rssMb = vmHwmMb(pid);
    const appctl = (...a: string[]) => sb.runOk('ovn-appctl', ['-t', 'ovn-controller', ...a], { env });
    const loop = kind === 'ovnts' ? await appctl('event-loop/show') : '';
    const memory = kind === 'ovnts' ? await appctl('memory/show') : '';
    // How its logical flows were compiled (coverage counters lflow_compile_*: parsed in full or copied).
    const compiles =
      kind === 'ovnts'
        ? [...(await appctl('coverage/show')).matchAll(/^lflow_compile_(\w+).*total: (\d+)$/gm)]
            .map((m) => `${m[1]} ${m[2]}`)
            .join(', ')
        : '';
    if (kind === 'ovnts' && HEAP_SNAPSHOT) {
      process.kill(pid, 'SIGUSR2');
      // Written in full once its size stops growing (a loaded box takes minutes for a few hundred MB).
      let last = -1;
      await waitFor(
        'heap snapshot',
        () => {
          const f = readdirSync(HEAP_SNAPSHOT).find((n) => n.endsWith('.heapsnapshot'));
          const size = f ? statSync(path.join(HEAP_SNAPSHOT, f)).size : 0;
          const done = size > 0 && size === last;
          last = size;
          return done;
        },
        900_000,
        10_000,
      );
    }
    const logText = readFileSync(daemon.logFile, 'utf8');
    if (kind === 'ovnts' && CPU_PROF) copyFileSync(daemon.logFile, path.join(CPU_PROF, 'ovnts-controller.log'));
    const longPolls = [...logText.matchAll(/Unreasonably long (\d+)ms poll interval/g)].map((m) => Number(m[1]));
    // Sessions dropped (a probe unanswered, a switch deemed dead, a peer gone), in either program's words.
    const drops =
      logText.match(/inactivity probe|unresponsive|disconnected|connection dropped|connection closed/g)?.length ?? 0;
    await appctl('exit', '--restart');
    await waitFor('exit', () => !daemon.alive, 60_000);
    await forgetChassis(central, hv);
    return { startS, cpuS, rssAtStart, rssMb, flows, loop, memory, compiles, longPolls, drops };
  }
  async function dumpNormalised(): Promise<string[]> {
    // At 300x100 a dump is ~10^5 flows: a loaded vswitchd takes longer than the default 30 s to send them.
    const of = new SwitchConnection({ target: hv.mgmt(), reconnect: false, requestTimeoutMs: 900_000 });
    try {
      await of.connect();
      const flows = (await of.dumpFlows()).map((s) => s.flow);
      // Each controller starts on a chassis without tunnels (forgetChassis) and vswitchd numbers the new
      // ones afresh: tunnel ports are compared by name.
      const names = new Map<string, string>();
      const rows = await hv.vsctl('--bare', '--columns=ofport,name', 'find', 'Interface', 'type=geneve');
      for (const [ofport, name] of rows.split('\n\n').map((r) => r.trim().split('\n'))) {
        if (ofport && name) names.set(ofport.trim(), name.trim());
      }
      const byName = (text: string) =>
        text.replace(/\b(output:|in_port=)(\d+)\b/g, (m, k: string, n: string) =>
          names.has(n) ? `${k}${names.get(n)}` : m,
        );
      return normalizeFlows(flows, await of.dumpGroups()).map(byName);
    } finally {
      await of.close();
    }
  }
  const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const loadReal = load();
  const real = STACKS.includes('real') ? await measure('real') : undefined;
  const loadOurs = load();
  const ours = await measure('ovnts');
  if (AB) {
    // A/B: B with AB's environment, then A again, alternating (the same minutes on a loaded box).
    const env = Object.fromEntries(AB.split(' ').map((kv) => [kv.split('=')[0]!, kv.split('=').slice(1).join('=')]));
    const sameAs = (flows: string[]) => {
      const p = compareFlows(flows, ours.flows);
      return p.onlyOurs.length + p.onlyReal.length === 0 ? 'equal to A' : `NOT equal to A:\n${formatParity(p, 5)}\n`;
    };
    for (let i = 0; i < AB_ROUNDS; i++) {
      const b = await measure('ovnts', env);
      const a = i + 1 < AB_ROUNDS ? await measure('ovnts') : undefined;
      console.log(
        `A/B round ${i + 1}: B (${AB}) start ${b.startS.toFixed(2)} s CPU ${b.cpuS.toFixed(2)} s RSS ${b.rssAtStart.toFixed(1)} MB flows ${b.flows.length} ${sameAs(b.flows)}` +
          (a ? `; A start ${a.startS.toFixed(2)} s CPU ${a.cpuS.toFixed(2)} s RSS ${a.rssAtStart.toFixed(1)} MB` : '') +
          `; load ${load()}; B compilations: ${b.compiles}` +
          (a ? `; A compilations: ${a.compiles}` : ''),
      );
    }
  }
  const parity = real ? compareFlows(ours.flows, real.flows) : undefined;
  await sbc.close();

  console.log(
    `\nchassis bench: ${NODES} nodes x ${PODS} pods = ${NODES * PODS} pods, ${lflows} logical flows, setup ${setupS.toFixed(1)} s; ` +
      `load average${real ? ` before real ${loadReal},` : ''} before ovnts ${loadOurs}`,
  );
  rows.push(['metric', 'ovnts-controller', 'ovn-controller', 'ratio (ovnts/real)']);
  const row = (name: string, o: number, r: number | undefined, digits = 2) =>
    rows.push([name, o.toFixed(digits), r?.toFixed(digits) ?? '-', r === undefined ? '-' : (o / r).toFixed(2)]);
  row('start → flows installed, ports up, nb_cfg (s)', ours.startS, real?.startS);
  row('CPU by then (s)', ours.cpuS, real?.cpuS);
  row('peak RSS by then (MB)', ours.rssAtStart, real?.rssAtStart, 1);
  row('peak RSS 2 s later (MB)', ours.rssMb, real?.rssMb, 1);
  row('OpenFlow flows installed', ours.flows.length, real?.flows.length, 0);
  const polls = (p: readonly number[] | undefined) => (p ? `${p.length} (${Math.max(0, ...p)})` : '-');
  rows.push(['"Unreasonably long" poll intervals (max ms)', polls(ours.longPolls), polls(real?.longPolls), '-']);
  rows.push(['connections dropped (log lines)', String(ours.drops), real ? String(real.drops) : '-', '-']);
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(w[i]!)).join('  '));
  console.log(`ovnts-controller event-loop/show:\n${ours.loop.trimEnd()}`);
  console.log(`ovnts-controller memory/show: ${ours.memory.trim()}`);
  console.log(`ovnts-controller logical flow compilations: ${ours.compiles}`);
  if (parity) {
    const same = parity.onlyOurs.length === 0 && parity.onlyReal.length === 0;
    console.log(`installed flows equal (first install, normalised): ${same ? 'yes' : 'NO'}`);
    if (!same) console.log(formatParity(parity, 10));
  }
} finally {
  await sb.stop();
}
