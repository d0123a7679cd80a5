// Where the cold start of ovnts-northd goes: one run on a generated NB, with the daemon's own round
// log (compute / commit / sync), the SB ovsdb-server's CPU seconds over the run, and optionally a V8
// CPU profile of the daemon (PROFILE_DIR=…), and with TIMELINE=ms (1: 50) which of the SB server, the NB
// server and the daemon are runnable per bucket (a loaded machine stretches the run, not its shape: how
// much of two cores the run's own structure leaves idle), then the daemon's log lines and each streamed
// transaction's send and answer on the same clock.
// A developer's tool, not part of `npm run bench`.
//   npx vite-node --config vitest.config.ts packages/northd/bench/cold-profile.ts 100x50:1000:5000
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, openSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OvsdbClient, type WireOperation } from 'ovsdb-client-ts';
import { Daemon, Sandbox } from '@ovnts/test-harness/servers';
import { k8sNbOps } from '../src/testing/k8s-topology.js';
import { k8sStatefulOps } from '../src/testing/k8s-stateful.js';
import { SbCfgWatcher, WaitSbClient } from './wait-sb.js';
import { cpuSeconds, vmHwmMb } from './proc-stats.js';
import { northdCommand } from './launcher.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const m = /^(\d+)x(\d+):(\d+):(\d+)$/.exec(process.argv[2] ?? '100x50:1000:5000');
if (!m) throw new Error('usage: cold-profile.ts NODESxPODS:VIPS:ACLS');
const shape = { nodes: +m[1]!, podsPerNode: +m[2]!, vips: +m[3]!, acls: +m[4]! };

/** Whether a thread is runnable (running or waiting for a core), from /proc/PID/task/TID/stat. */
function runnable(pid: number, tid: number): boolean {
  try {
    const st = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'latin1');
    return st[st.lastIndexOf(')') + 2] === 'R';
  } catch {
    return false;
  }
}

/** The threads of `pid`. */
function threads(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).map(Number);
  } catch {
    return [];
  }
}

/**
 * Samples, every 5 ms, which of the SB server, the NB server and the daemon (main thread; other threads:
 * the SB I/O thread, GC helpers) are runnable, i.e. on a core or waiting for one, so a loaded machine
 * does not hide the run's structure; per bucket of `ms`, the share of samples each was runnable. Also
 * the CPU each used per bucket. The returned function stops and formats them, with the share of two cores
 * left idle by the structure alone (fewer than two of them runnable).
 */
function cpuTimeline(server: number, nbServer: number, daemon: number, t0: number, ms: number): () => string {
  const pids = [server, nbServer, daemon];
  type Bucket = { t: number; n: number; r: number[]; cpu: number[] };
  const buckets: Bucket[] = [];
  let cur: Bucket | undefined;
  let lastCpu = pids.map(cpuSeconds);
  let daemonThreads = threads(daemon);
  let samples = 0;
  const timer = setInterval(() => {
    const t = performance.now() - t0;
    if (!cur || t >= cur.t + ms) {
      const now = pids.map(cpuSeconds);
      if (cur) cur.cpu = now.map((x, i) => x - lastCpu[i]!);
      lastCpu = now;
      cur = { t: Math.floor(t / ms) * ms, n: 0, r: [0, 0, 0, 0, 0], cpu: [0, 0, 0] };
      buckets.push(cur);
    }
    if (samples++ % 40 === 0) daemonThreads = threads(daemon);
    const sbR = runnable(server, server);
    const nbR = runnable(nbServer, nbServer);
    const mainR = runnable(daemon, daemon);
    const otherR = daemonThreads.some((tid) => tid !== daemon && runnable(daemon, tid));
    const count = Math.min(2, +sbR + +nbR + +mainR + +otherR);
    cur.n++;
    cur.r[0]! += +sbR;
    cur.r[1]! += +nbR;
    cur.r[2]! += +mainR;
    cur.r[3]! += +otherR;
    cur.r[4]! += count;
  }, 5);
  return () => {
    clearInterval(timer);
    const pct = (x: number) => `${(x * 100).toFixed(0)}`.padStart(4);
    let used = 0;
    let n = 0;
    const lines = buckets.map((b) => {
      used += b.r[4]!;
      n += b.n;
      const sh = (i: number) => pct(b.r[i]! / Math.max(1, b.n));
      return (
        `${(b.t / 1000).toFixed(2).padStart(6)} s: runnable SB ${sh(0)}% NB ${sh(1)}% daemon ${sh(2)}% +threads ${sh(3)}%` +
        ` | idle ${pct(1 - b.r[4]! / Math.max(1, 2 * b.n))}% | CPU SB ${pct(b.cpu[0]! / (ms / 1000))} daemon ${pct(b.cpu[2]! / (ms / 1000))}`
      );
    });
    lines.push(
      `timeline: ${n} samples; two cores left idle by the run's structure (fewer than two of SB, NB, daemon threads runnable): ${pct(1 - used / (2 * n))} %`,
    );
    return lines.join('\n');
  };
}

/**
 * HELPERS_IDLE=1: the daemon's V8 helper threads (background compilation, concurrent marking and
 * sweeping: the threads started with the first of them, long before its SB I/O thread) are put in the
 * SCHED_IDLE class, so that on two cores they take what the SB server leaves rather than share its core
 * with it. An experiment: how much the server's throughput at the end of the run loses to them.
 */
async function idleHelpers(pid: number): Promise<number[]> {
  const start = (tid: number) => {
    const st = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'latin1');
    return Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[19]);
  };
  for (let i = 0; i < 500 && threads(pid).length < 5; i++) await new Promise((r) => setTimeout(r, 5));
  // V8's platform threads start together, before the program runs; its SB I/O thread much later.
  const others = threads(pid).filter((tid) => tid !== pid);
  const first = Math.min(...others.map(start));
  const helpers = others.filter((tid) => start(tid) <= first + 20);
  for (const tid of helpers) spawnSync('chrt', ['--idle', '-p', '0', String(tid)]);
  return helpers;
}

/** The daemon log's lines with their time from `t0Epoch` (ms), and the cold stream's transactions. */
function logTimeline(logFile: string, t0Epoch: number): string {
  const out: string[] = [];
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    const m = /^(\d{4}-\d\d-\d\dT[\d:.]+Z)\|/.exec(line);
    if (!m) continue;
    const at = ((Date.parse(m[1]!) - t0Epoch) / 1000).toFixed(2).padStart(6);
    out.push(`${at} s  ${line.slice(m[0].length).slice(0, 160)}`);
    const sends = /"sendsFrom":(\d+),"sends":(\[\[.*?\]\])/.exec(line);
    const from = Number(sends?.[1]) - t0Epoch;
    const cpu = /"firstSendCpuMs":\[(\d+),(-?\d+)\]/.exec(line);
    if (cpu) out.push(`         daemon CPU at the first send: ${cpu[1]} ms, main thread ${cpu[2]} ms`);
    if (sends)
      for (const [sent, answered, ops] of JSON.parse(sends[2]!) as number[][])
        out.push(
          `         txn ${String(ops).padStart(5)} ops sent ${((from + sent!) / 1000).toFixed(2)} s, answered ${((from + answered!) / 1000).toFixed(2)} s`,
        );
  }
  return out.join('\n');
}

const sb = new Sandbox('ovnts-cold-profile-');
try {
  const nb = await sb.startDb('nb');
  await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, 'init']);
  const admin = await OvsdbClient.connect(nb.remotes.unix, { inactivityProbeMs: 0, reconnect: false });
  await admin.transact('OVN_Northbound', [
    ...k8sNbOps({ ...shape, ovnKubernetesGateways: process.env['BENCH_GATEWAYS'] !== 'plain' }),
    ...k8sStatefulOps(shape),
    {
      op: 'update',
      table: 'NB_Global',
      where: [],
      row: {
        nb_cfg: 1,
        options: [
          'map',
          [
            ['mac_prefix', '0a:58:0a'],
            ['svc_monitor_mac', '0a:58:0a:00:00:fe'],
          ],
        ],
      },
    },
  ] as WireOperation[]);
  const sbdb = await sb.startDb('sb');
  const watcher = await SbCfgWatcher.connect(sbdb.remotes.unix);
  const server0 = cpuSeconds(sbdb.pid);
  const nbServer0 = cpuSeconds(nb.pid);
  const prof = process.env['PROFILE_DIR'];
  // PERF_OUT=file: a `perf record` of the SB server over the run.
  const perfOut = process.env['PERF_OUT'];
  const perf = perfOut
    ? spawn('perf', ['record', '-g', '-o', perfOut, '-p', String(sbdb.pid)], { stdio: 'ignore' })
    : undefined;
  if (perf) await new Promise((r) => setTimeout(r, 500));
  const t0 = performance.now();
  const logFile = sb.file('ovnts.log');
  // REAL=1: the real ovn-northd instead (same flags), for comparison.
  const real = !!process.env['REAL'];
  const ctl = sb.file('northd.ctl');
  const daemonArgs = [
    `--ovnnb-db=${nb.remotes.unix}`,
    `--ovnsb-db=${sbdb.remotes.unix}`,
    `--log-file=${logFile}`,
    `--unixctl=${ctl}`,
    '-vinfo',
  ];
  const ours = northdCommand([
    ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []),
    ...(process.env['NODE_FLAGS'] ?? '').split(' ').filter(Boolean),
  ]);
  // NORTHD_ENTRY=file: that script instead of the launcher (with its node flags), e.g. an older build's bundle for an A/B.
  const entry = process.env['NORTHD_ENTRY'];
  const oursArgs = entry ? [...ours.args.slice(0, -1), entry] : ours.args;
  const child = real
    ? spawn('ovn-northd', daemonArgs, { stdio: 'ignore', env: sb.env })
    : spawn(ours.cmd, [...oursArgs, ...daemonArgs], {
        // DAEMON_OUT=file: the daemon's stdout and stderr (e.g. NODE_FLAGS=--trace-gc) go there.
        stdio: process.env['DAEMON_OUT'] ? ['ignore', openSync(process.env['DAEMON_OUT'], 'w'), 'inherit'] : 'ignore',
      });
  const d = new Daemon('ovnts', child.pid!, logFile);
  if (process.env['HELPERS_IDLE'] && !real)
    console.log(`SCHED_IDLE: threads ${(await idleHelpers(child.pid!)).join(' ')} of ${threads(child.pid!).length}`);
  // TIMELINE=ms (1: 50): the servers' and the daemon's CPU use in buckets of that many ms until the SB
  // shows nb_cfg, then the daemon's log lines and streamed transactions on the same clock.
  const tlMs = Number(process.env['TIMELINE'] ?? 0);
  const timeline = tlMs ? cpuTimeline(sbdb.pid, nb.pid, child.pid!, t0, tlMs === 1 ? 50 : tlMs) : undefined;
  await watcher.waitNbCfg(1, 900_000, 'cold', () => d.alive);
  const coldMs = performance.now() - t0;
  if (timeline) console.log(timeline());
  const hwm = vmHwmMb(child.pid!);
  const io = readFileSync(`/proc/${child.pid}/io`, 'utf8');
  const ioMb = (k: string) => (Number(new RegExp(`${k}: (\\d+)`).exec(io)?.[1]) / 2 ** 20).toFixed(1);
  console.log(`daemon I/O: read ${ioMb('rchar')} MB, written ${ioMb('wchar')} MB`);
  const daemonCpu = cpuSeconds(child.pid!);
  console.log(
    `cold ${coldMs.toFixed(0)} ms; VmHWM ${hwm.toFixed(0)} MB; daemon CPU ${daemonCpu.toFixed(2)} s; ` +
      `SB server CPU ${(cpuSeconds(sbdb.pid) - server0).toFixed(2)} s; NB server CPU ${(cpuSeconds(nb.pid) - nbServer0).toFixed(2)} s`,
  );
  const serverAtCold = cpuSeconds(sbdb.pid);
  await new Promise((r) => setTimeout(r, 3000));
  console.log(`SB server CPU in the 3 s after: ${(cpuSeconds(sbdb.pid) - serverAtCold).toFixed(2)} s`);
  if (timeline && !real) {
    // The round's line (with the stream's transactions) comes after the NB handshake.
    for (let i = 0; i < 300 && !/SB updated/.test(readFileSync(logFile, 'utf8')); i++)
      await new Promise((r) => setTimeout(r, 100));
    console.log(logTimeline(logFile, performance.timeOrigin + t0));
  }
  // KEEP_LOG=file: the daemon's log is copied there.
  if (process.env['KEEP_LOG']) copyFileSync(logFile, process.env['KEEP_LOG']);
  // LATENCY=N: N lsp-adds with --wait=sb semantics after the cold start, each timed, with the daemon's
  // own round lines for them.
  if (process.env['SBPROBE']) {
    const r = await sb.run(process.execPath, [
      path.join(ROOT, 'node_modules/.bin/vite-node'),
      '--config',
      path.join(ROOT, 'vitest.config.ts'),
      process.env['SBPROBE'],
      sbdb.remotes.unix,
    ]);
    console.log(r.stdout.trim(), r.stderr.trim().slice(-500));
  }
  const latN = Number(process.env['LATENCY'] ?? 0);
  if (latN) {
    const waiter = await WaitSbClient.connect(nb.remotes.unix);
    const logStart = readFileSync(logFile, 'utf8').length;
    const lat: number[] = [];
    const cpu0 = [cpuSeconds(sbdb.pid), cpuSeconds(nb.pid), cpuSeconds(child.pid!)];
    const latStart = performance.now();
    for (let i = 0; i < latN; i++) {
      const node = i % shape.nodes;
      const mac = `0a:59:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;
      const ip = `10.${128 + (node >> 8)}.${node & 255}.${shape.podsPerNode + 3 + Math.floor(i / shape.nodes)}`;
      lat.push(
        await waiter.change(
          [
            {
              op: 'insert',
              table: 'Logical_Switch_Port',
              'uuid-name': 'p',
              row: { name: `lat${i}`, addresses: ['set', [`${mac} ${ip}`]], port_security: ['set', [`${mac} ${ip}`]] },
            },
            {
              op: 'mutate',
              table: 'Logical_Switch',
              where: [['name', '==', `node${node}`]],
              mutations: [['ports', 'insert', ['set', [['named-uuid', 'p']]]]],
            },
          ] as WireOperation[],
          60_000,
          `lsp-add ${i}`,
        ),
      );
    }
    const cpu1 = [cpuSeconds(sbdb.pid), cpuSeconds(nb.pid), cpuSeconds(child.pid!)];
    const latEnd = performance.now();
    await waiter.close();
    console.log(`lsp-add ms: ${lat.map((x) => x.toFixed(1)).join(' ')}`);
    console.log(`latency phase ${(latEnd - latStart).toFixed(0)} ms`);
    console.log(
      `CPU over them: SB server ${(cpu1[0]! - cpu0[0]!).toFixed(2)} s, NB server ${(cpu1[1]! - cpu0[1]!).toFixed(2)} s, daemon ${(cpu1[2]! - cpu0[2]!).toFixed(2)} s`,
    );
    for (const line of readFileSync(logFile, 'utf8').slice(logStart).split('\n'))
      if (/SB updated/.test(line)) console.log('  ' + line.replace(/.*"nbCfg"/, '"nbCfg"').slice(0, 300));
  }
  const hwm2 = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
  const rss2 = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
  console.log(`3 s later: VmHWM ${(Number(hwm2) / 1024).toFixed(0)} MB, VmRSS ${(Number(rss2) / 1024).toFixed(0)} MB`);
  const sw = await sb.run('ovs-appctl', ['-t', ctl, 'stopwatch/show', 'ovn-northd-loop']);
  console.log(sw.stdout.trim() || sw.stderr.trim());
  for (const line of readFileSync(logFile, 'utf8').split('\n'))
    if (/SB updated|recompute|round|cold|MEM/i.test(line)) console.log('  ' + line.slice(0, 400));
  if (process.env['KEEP_SB']) copyFileSync(sbdb.dbFile, process.env['KEEP_SB']);
  perf?.kill('SIGINT');
  if (perf) await new Promise((r) => perf.once('exit', r));
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await watcher.close();
  await admin.close();
} finally {
  await sb.stop();
}
