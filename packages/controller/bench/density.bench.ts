// Density: N chassis on one machine, each its own netdev ovs-vswitchd (in its own network namespace) and its own
// controller, with the same NB built on all-ovnts (ovnts-northd + ovnts-controller) and on all-real OVN in the
// same run. Measured per stack:
// - pod-ready latency: one-shot `ovn-nbctl --wait=hv lsp-add` of a pod on its node switch, together with the pod's
//   OVS interface (iface-id) on that node's chassis, until both `--wait=hv` has returned and the chassis has set
//   `ovn-installed` on the interface; pods one after another, spread round-robin over the chassis;
// - controller CPU seconds and peak RSS per chassis (startup included, then the pod phase alone for CPU);
// - SB ovsdb-server CPU per pod over the pod phase.
// The NB client is the real ovn-nbctl in both stacks, so its cost is the same on both sides.
// Run: npm run bench density   (BENCH_CHASSIS=20,50  BENCH_PODS=100  BENCH_STACKS=ovnts,real;
// BENCH_CONTROLLER_ARGS='-vfile:dbg' adds options to every ovnts-controller, BENCH_NORTHD_ARGS to ovnts-northd;
// BENCH_CONTROLLER_BIN runs another program in its place, e.g. a script that execs node --cpu-prof on the launcher;
// OVNTS_KEEP_SANDBOX=1 keeps the logs; BENCH_TRACE=1 prints each pod's start (wall clock, to line up with the
// daemons' logs) and its two end times. Iterate small: BENCH_CHASSIS=3 BENCH_PODS=12 BENCH_STACKS=ovnts)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  cpuSeconds,
  rssAnonMb,
  Sandbox,
  startDetached,
  vmHwmMb,
  type Chassis,
  type Daemon,
} from '@ovnts/test-harness/servers';
import { OvsdbClient } from 'ovsdb-client-ts';
import { model as vsModel } from '@ovnts/schema/vswitch';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const SIZES = (process.env['BENCH_CHASSIS'] ?? '20,50').split(',').map(Number);
const PODS = Number(process.env['BENCH_PODS'] ?? 100);
const STACKS = (process.env['BENCH_STACKS'] ?? 'ovnts,real').split(',') as Stack[];
type Stack = 'ovnts' | 'real';
const TRACE = process.env['BENCH_TRACE'] === '1';
/** A daemon's start-up on a box loaded by N chassis (and whatever else runs) takes longer than a test's 20 s. */
const START_TIMEOUT_MS = 180_000;

const mac = (node: number, host: number) =>
  `0a:58:0a:${(128 + (node >> 8)).toString(16)}:${(node & 0xff).toString(16).padStart(2, '0')}:${host.toString(16).padStart(2, '0')}`;
const ip = (node: number, host: number) => `10.${128 + (node >> 8)}.${node & 0xff}.${host}`;

interface Result {
  readonly stack: Stack;
  readonly chassis: number;
  readonly startS: number;
  readonly ready: readonly number[];
  readonly installed: readonly number[];
  /**
   * ovnts-controller's own part of each pod (its `port ready` debug line): from the update that let the hosting
   * chassis claim the port (the SB binding or the OVS interface, whichever came last) to `ovn-installed` written.
   */
  readonly own: readonly number[];
  readonly ctlCpuStart: readonly number[];
  readonly ctlCpuPods: readonly number[];
  /** Controller CPU ms per pod per chassis once every chassis hosts a pod (no first-claim compile in it). */
  readonly ctlCpuWarmMsPerPod: number;
  readonly ctlRss: readonly number[];
  /** Private resident MB per controller at the end (the node or ovn-controller binary's shared pages left out). */
  readonly ctlAnon: readonly number[];
  readonly sbCpuPerPodMs: number;
  readonly northdCpuPerPodMs: number;
}

const quantile = (xs: readonly number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : NaN;
};
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / (xs.length || 1);
const pidOf = (file: string) => Number(readFileSync(file, 'utf8').trim());

async function startController(stack: Stack, ch: Chassis): Promise<Daemon> {
  if (stack === 'real') return ch.startRealController(['-vconsole:off']);
  const f = (s: string) => ch.sandbox.file(`${ch.name}-controller.${s}`);
  return ch.sandbox.own(
    await startDetached(
      `ovnts-controller ${ch.name}`,
      process.env['BENCH_CONTROLLER_BIN'] ?? path.join(ROOT, 'packages/controller/bin/ovnts-controller.js'),
      [
        `--pidfile=${f('pid')}`,
        `--log-file=${f('log')}`,
        '-vconsole:off',
        ...(process.env['BENCH_CONTROLLER_ARGS'] ?? '').split(' ').filter(Boolean),
        ch.db.remotes.unix,
      ],
      f('pid'),
      f('log'),
      ch.env,
      undefined,
      START_TIMEOUT_MS,
    ),
  );
}

async function runStack(stack: Stack, n: number): Promise<Result> {
  const sb = new Sandbox(`ovnts-density-${stack}-`);
  const clients: OvsdbClient[] = [];
  try {
    const { nb, sb: sbdb } = await sb.startCentral();
    const northd =
      stack === 'real'
        ? await sb.startRealNorthd(nb.remotes.unix, sbdb.remotes.unix)
        : sb.own(
            await startDetached(
              'ovnts-northd',
              path.join(ROOT, 'packages/northd/bin/ovnts-northd.js'),
              [
                `--pidfile=${sb.file('northd.pid')}`,
                `--log-file=${sb.file('northd.log')}`,
                `--unixctl=${sb.file('northd.ctl')}`,
                '-vconsole:off',
                `--ovnnb-db=${nb.remotes.unix}`,
                `--ovnsb-db=${sbdb.remotes.unix}`,
                ...(process.env['BENCH_NORTHD_ARGS'] ?? '').split(' ').filter(Boolean),
              ],
              sb.file('northd.pid'),
              sb.file('northd.log'),
              sb.env,
              undefined,
              START_TIMEOUT_MS,
            ),
          );
    const nbctl = (...a: string[]) =>
      sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, '--timeout=600', ...a], { timeoutMs: 600_000 });
    // The cluster: one router, one switch per node (ovn-kubernetes' node switches), each with its router port.
    const base: string[] = ['lr-add', 'cluster'];
    for (let i = 1; i <= n; i++) {
      base.push('--', 'ls-add', `node${i}`, '--', 'lrp-add', 'cluster', `rtos-node${i}`, mac(i, 1), `${ip(i, 1)}/24`);
      base.push('--', 'lsp-add', `node${i}`, `stor-node${i}`, '--', 'lsp-set-type', `stor-node${i}`, 'router');
      base.push('--', 'lsp-set-addresses', `stor-node${i}`, 'router');
      base.push('--', 'lsp-set-options', `stor-node${i}`, `router-port=rtos-node${i}`);
    }
    await nbctl(...base);

    const t0 = performance.now();
    const chassis: Chassis[] = [];
    const controllers: Daemon[] = [];
    for (let i = 1; i <= n; i++) {
      const ch = await sb.startChassis({
        sbRemote: sbdb.remotes.unix,
        name: `hv${i}`,
        encapIp: `127.0.${i >> 8}.${(i & 0xff) + 1}`,
      });
      chassis.push(ch);
      controllers.push(await startController(stack, ch));
    }
    // Every chassis registered and caught up with the NB.
    await nbctl('--wait=hv', 'sync');
    const startS = (performance.now() - t0) / 1000;

    const replicas = [];
    for (const ch of chassis) {
      const c = await OvsdbClient.connect(ch.db.remotes.unix);
      clients.push(c);
      replicas.push(await c.monitor(vsModel));
    }
    const sbPid = pidOf(sbdb.pidFile);
    const ctlCpuStart = controllers.map((d) => cpuSeconds(d.pid));
    const sbCpu0 = cpuSeconds(sbPid);
    const northdCpu0 = cpuSeconds(northd.pid);
    const ready: number[] = [];
    const installed: number[] = [];
    let ctlCpuWarm: number[] | undefined;
    for (let k = 0; k < PODS; k++) {
      if (k === n) ctlCpuWarm = controllers.map((d) => cpuSeconds(d.pid));
      const node = (k % n) + 1;
      const host = 10 + Math.floor(k / n);
      const pod = `pod-${node}-${host}`;
      const ch = chassis[node - 1]!;
      const rep = replicas[node - 1]!;
      const start = performance.now();
      const startIso = new Date().toISOString();
      const isInstalled = () =>
        [...rep.table('Interface').values()].some((i) => i.name === pod && i.external_ids['ovn-installed'] === 'true');
      const [nbAt, , ovsAt] = await Promise.all([
        nbctl(
          '--wait=hv',
          'lsp-add',
          `node${node}`,
          pod,
          '--',
          'lsp-set-addresses',
          pod,
          `${mac(node, host)} ${ip(node, host)}`,
        ).then(() => performance.now()),
        ch.vsctl(
          'add-port',
          'br-int',
          pod,
          '--',
          'set',
          'Interface',
          pod,
          'type=internal',
          `external_ids:iface-id=${pod}`,
        ),
        rep.waitFor(isInstalled, 300_000).then(() => performance.now()),
      ]);
      ready.push(Math.max(nbAt, ovsAt) - start);
      installed.push(ovsAt - start);
      if (TRACE)
        console.log(
          `${stack} ${pod} hv${node} start ${startIso} installed +${(ovsAt - start).toFixed(0)} ms, --wait=hv +${(nbAt - start).toFixed(0)} ms`,
        );
    }
    const ctlCpuPods = controllers.map((d, i) => cpuSeconds(d.pid) - ctlCpuStart[i]!);
    const ctlCpuWarmMsPerPod = ctlCpuWarm
      ? (mean(controllers.map((d, i) => cpuSeconds(d.pid) - ctlCpuWarm![i]!)) * 1000) / (PODS - n)
      : NaN;
    const sbCpuPerPodMs = ((cpuSeconds(sbPid) - sbCpu0) * 1000) / PODS;
    const northdCpuPerPodMs = ((cpuSeconds(northd.pid) - northdCpu0) * 1000) / PODS;
    const ctlRss = controllers.map((d) => vmHwmMb(d.pid));
    const ctlAnon = controllers.map((d) => rssAnonMb(d.pid));
    const own = stack === 'ovnts' ? chassis.flatMap((ch) => ownPart(ch.sandbox.file(`${ch.name}-controller.log`))) : [];
    return {
      stack,
      chassis: n,
      startS,
      ready,
      installed,
      own,
      ctlCpuStart,
      ctlCpuPods,
      ctlCpuWarmMsPerPod,
      ctlRss,
      ctlAnon,
      sbCpuPerPodMs,
      northdCpuPerPodMs,
    };
  } finally {
    for (const c of clients) await c.close().catch(() => undefined);
    await sb.stop();
  }
}

/**
 * ovnts-controller's own part of each pod from its log: the `port ready` debug lines when logged (`-vmain:file:dbg`
 * in BENCH_CONTROLLER_ARGS: from the update that let it claim the port), else from `Claiming lport` to `Setting
 * lport … ovn-installed in OVS` (INFO, as ovn-controller words them; leaves out the few ms before the claim).
 */
function ownPart(log: string): number[] {
  const text = readFileSync(log, 'utf8');
  const ready = [...text.matchAll(/port ready \(lport=pod-[^,]*, sinceUpdateMs=(\d+)\)/g)].map((m) => Number(m[1]));
  if (ready.length) return ready;
  const claimed = new Map<string, number>();
  const out: number[] = [];
  for (const m of text.matchAll(
    /^(\S+)\|\d+\|main\|INFO\|(?:Claiming lport (\S+) for this chassis\.|Setting lport (\S+) ovn-installed in OVS)$/gm,
  )) {
    const at = Date.parse(m[1]!);
    if (m[2]?.startsWith('pod-')) claimed.set(m[2], at);
    else if (m[3] && claimed.has(m[3])) out.push(at - claimed.get(m[3])!);
  }
  return out;
}

const fmt = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '-');
const results: Result[] = [];
for (const n of SIZES)
  for (const stack of STACKS) {
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    console.log(`density: ${stack}, ${n} chassis, ${PODS} pods (load ${load})`);
    results.push(await runStack(stack, n));
  }

console.log(
  `\nDensity: ${PODS} pods one after another over N chassis (one-shot ovn-nbctl --wait=hv lsp-add + the pod's OVS interface → ovn-installed and --wait=hv returned)`,
);
console.log(
  'stack  N   start s  ready med ms  ready p95 ms  installed med ms  ctl CPU s/chassis (start|pods)  warm ms/pod/chassis  ctl RSS MB mean|max  anon MB  SB CPU ms/pod  northd CPU ms/pod',
);
for (const r of results)
  console.log(
    [
      r.stack.padEnd(6),
      String(r.chassis).padEnd(3),
      fmt(r.startS, 1).padStart(7),
      fmt(quantile(r.ready, 0.5)).padStart(12),
      fmt(quantile(r.ready, 0.95)).padStart(13),
      fmt(quantile(r.installed, 0.5)).padStart(17),
      `${fmt(mean(r.ctlCpuStart), 2)}|${fmt(mean(r.ctlCpuPods), 2)}`.padStart(31),
      fmt(r.ctlCpuWarmMsPerPod, 1).padStart(20),
      `${fmt(mean(r.ctlRss))}|${fmt(Math.max(...r.ctlRss))}`.padStart(20),
      fmt(mean(r.ctlAnon)).padStart(8),
      fmt(r.sbCpuPerPodMs, 1).padStart(14),
      fmt(r.northdCpuPerPodMs, 1).padStart(18),
    ].join(' '),
  );
for (const r of results)
  if (r.own.length)
    console.log(
      `${r.stack} N=${r.chassis}: controller's own part (claim, or with -vmain:file:dbg the update that let it claim, → ovn-installed written): ` +
        `median ${fmt(quantile(r.own, 0.5))} ms, p95 ${fmt(quantile(r.own, 0.95))} ms over ${r.own.length} pods`,
    );
for (const n of SIZES) {
  const o = results.find((r) => r.stack === 'ovnts' && r.chassis === n);
  const rl = results.find((r) => r.stack === 'real' && r.chassis === n);
  if (!o || !rl) continue;
  const ratio = quantile(o.ready, 0.5) / quantile(rl.ready, 0.5);
  console.log(
    `N=${n}: pod-ready median ovnts/real ${ratio.toFixed(2)}× (target ≤ 0.5×: ${ratio <= 0.5 ? 'PASS' : 'FAIL'}); ` +
      `p95 ${(quantile(o.ready, 0.95) / quantile(rl.ready, 0.95)).toFixed(2)}×; ` +
      `controller RSS ${(mean(o.ctlRss) / mean(rl.ctlRss)).toFixed(2)}×, CPU in the pod phase ${(mean(o.ctlCpuPods) / mean(rl.ctlCpuPods)).toFixed(2)}×`,
  );
}
