// The northd benchmark of issue #11: ovnts-northd against the real ovn-northd 23.03 on the same generated
// Kubernetes-like NB (nodes × pods, service VIPs in one LB group, network-policy ACLs), in the same run.
// Per daemon, with an empty SB of its own and the NB identical at its start:
//   - cold compute: from spawn until its SB_Global.nb_cfg reaches the NB's nb_cfg;
//   - peak RSS (VmHWM) after the cold start and after the latency runs;
//   - `--wait=sb` latency of single changes (lsp-add of a pod port, one more LB backend, one more ACL in a
//     policy's port group), measured in process: one NB transaction with the change and nb_cfg += 1, the
//     clock stopping when NB_Global.sb_cfg reaches it (what ovn-nbctl --wait=sb waits for);
//   - for reference, the wall time of a few real `ovn-nbctl --wait=sb lsp-add` processes.
// Afterwards the NB is restored to its snapshot (and checked) before the other daemon starts.
//
//   npm run bench northd.bench                     (shapes from BENCH_SHAPES)
//   npx vite-node --config vitest.config.ts packages/northd/bench/northd.bench.ts [NODESxPODS:VIPS:ACLS …]
// Env: BENCH_SHAPES="100x50:1000:5000 300x100:5000:20000" (default), BENCH_SAMPLES=20 (per change kind),
// BENCH_GATEWAYS=plain (gateway routers without ovn-kubernetes' options), BENCH_NBCTL_SAMPLES=5, BENCH_COLD_REPEAT=1 (extra cold-only runs, best counts), BENCH_TIMEOUT_MS=900000
// (per wait), BENCH_WARMUP=15 and BENCH_WARMUP_MS=2000 (untimed changes of each kind before the latency
// samples, at most that many or for that long), BENCH_KINDS (the kinds timed, default "lsp-add lb-backend-add acl-add"), BENCH_NODE_FLAGS (node flags for ovnts-northd, after its launcher's: launcher.ts), BENCH_DAEMON_OUT=prefix
// (keep ovnts-northd's log and stdout as prefix.N.log/.out), BENCH_NO_BUILD=1 (use packages/northd/dist as it is), BENCH_ONLY=ovnts|real (run one daemon;
// the other's column reads n/a), BENCH_REAL_ENTRY=script (the real column runs ovnts-northd from that script: an A/B of two builds in one run).
import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OvsdbClient, type DatabaseSchema, type WireOperation } from 'ovsdb-client-ts';
// The harness index pulls in vitest hooks; a bench script imports the pieces directly.
import { Daemon, waitFor, Sandbox } from '@ovnts/test-harness/servers';
import { k8sNbOps } from '../src/testing/k8s-topology.js';
import { k8sStatefulOps } from '../src/testing/k8s-stateful.js';
import { restoreDb, snapshotDb, type DbSnapshot } from './nb-snapshot.js';
import { parseShape, type Shape } from './shapes.js';
import { SbCfgWatcher, WaitSbClient } from './wait-sb.js';
import { aclAddOps, lbBackendUpdate, lbName, lspAddOps, podPort } from './bench-changes.js';
import { cpuSeconds, vmHwmMb } from './proc-stats.js';
import { builtNorthdCommand, northdCommand } from './launcher.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function envInt(name: string, dflt: number, min = 0): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name}=${v}: expected an integer ≥ ${min}`);
  return n;
}

const SAMPLES = envInt('BENCH_SAMPLES', 20, 1);
const WARMUP = envInt('BENCH_WARMUP', 15);
const WARMUP_MS = envInt('BENCH_WARMUP_MS', 2000);
const ONLY = process.env['BENCH_ONLY'] ?? '';
/** BENCH_REAL_ENTRY=script: the real column runs ovnts-northd from that script instead (an A/B of two builds). */
const REAL_ENTRY = process.env['BENCH_REAL_ENTRY'];
if (ONLY && ONLY !== 'ovnts' && ONLY !== 'real') throw new Error(`BENCH_ONLY=${ONLY}: expected ovnts or real`);
const NBCTL_SAMPLES = envInt('BENCH_NBCTL_SAMPLES', 5);
const COLD_REPEAT = envInt('BENCH_COLD_REPEAT', 1, 1);
const TIMEOUT_MS = envInt('BENCH_TIMEOUT_MS', 900_000, 1000);
/** The fixed NB_Global options both daemons see (else each would pick a random MAC prefix). */
const NB_OPTIONS = { mac_prefix: '0a:58:0a', svc_monitor_mac: '0a:58:0a:00:00:fe' };

const shapeArgs = process.argv.slice(2).length
  ? process.argv.slice(2)
  : (process.env['BENCH_SHAPES'] ?? '100x50:1000:5000 300x100:5000:20000').split(/[\s,]+/).filter(Boolean);
const shapes = shapeArgs.map(parseShape);
/** Gateway routers as ovn-kubernetes configures them (BENCH_GATEWAYS=plain: without its options). */
const ovnKubernetesGateways = process.env['BENCH_GATEWAYS'] !== 'plain';

// ---- the changes measured (bench-changes.ts) ----

/** One more backend for service i (read first, untimed; the update carries the whole vips map). */
async function lbBackendOps(nb: OvsdbClient, shape: Shape, i: number): Promise<WireOperation[]> {
  const name = lbName(shape, i);
  const res = await nb.transact('OVN_Northbound', [
    { op: 'select', table: 'Load_Balancer', where: [['name', '==', name]], columns: ['vips'] },
  ]);
  const row = (res[0] as { rows: { vips: ['map', [string, string][]] }[] }).rows[0];
  if (!row) throw new Error(`Load_Balancer ${name} not found`);
  return lbBackendUpdate(shape, i, row.vips[1]);
}

// ---- statistics and output ----

function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

/** Nearest-rank percentile. */
function pct(xs: readonly number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)]!;
}

const KINDS = ['lsp-add', 'lb-backend-add', 'acl-add'] as const;
type Kind = (typeof KINDS)[number];
/** BENCH_KINDS: the change kinds warmed up and timed (default all), e.g. "lsp-add" to profile one path alone. */
const TIMED = new Set((process.env['BENCH_KINDS'] ?? KINDS.join(' ')).split(/[\s,]+/).filter(Boolean));
for (const k of TIMED)
  if (!(KINDS as readonly string[]).includes(k)) throw new Error(`BENCH_KINDS: ${k}? expected ${KINDS.join(', ')}`);

interface DaemonResult {
  coldMs: number;
  /** CPU seconds (user + system, all threads) the daemon used from spawn until the SB showed nb_cfg. */
  coldCpuS: number;
  rssColdMb: number;
  rssPeakMb: number;
  flows: number;
  lat: Record<Kind, number[]>;
  /** Daemon CPU milliseconds (user + system, /proc clock ticks) per timed change: steadier than wall time on a loaded machine. */
  cpuMs: Record<Kind, number[]>;
  nbctlMs: number[];
  /** Why this daemon's run stopped early (the numbers so far are kept). */
  error?: string;
}

/** The column of a daemon left out with BENCH_ONLY. */
function notRun(): DaemonResult {
  const lat = { 'lsp-add': [], 'lb-backend-add': [], 'acl-add': [] };
  const cpuMs = { 'lsp-add': [], 'lb-backend-add': [], 'acl-add': [] };
  return { coldMs: NaN, coldCpuS: NaN, rssColdMb: NaN, rssPeakMb: NaN, flows: NaN, lat, cpuMs, nbctlMs: [] };
}

function fmt(x: number, digits = 0): string {
  return Number.isFinite(x) ? x.toFixed(digits) : 'n/a';
}

function printTable(shape: Shape, how: string, real: DaemonResult, ours: DaemonResult): void {
  /** name, real, ovnts, target text, check, digits, whether the target is absolute (needs no real value). */
  type Row = [string, number, number, string, ((r: number, o: number) => boolean) | undefined, number?, boolean?];
  // An ovnts run that did not finish fails its targets; a missing real value leaves a ratio target open.
  const verdict = (ok: Row[4], r: number, o: number, abs: boolean) =>
    !ok
      ? ''
      : !Number.isFinite(o)
        ? ours.error
          ? 'FAIL'
          : 'n/a'
        : !abs && !Number.isFinite(r)
          ? 'n/a'
          : ok(r, o)
            ? 'PASS'
            : 'FAIL';
  const rows: Row[] = [
    ['cold ms', real.coldMs, ours.coldMs, 'ratio ≤ 0.5', (r, o) => o <= 0.5 * r],
    ['cold daemon CPU s', real.coldCpuS, ours.coldCpuS, '', undefined, 2],
    ['RSS after cold MB', real.rssColdMb, ours.rssColdMb, '', undefined],
    ['peak RSS MB', real.rssPeakMb, ours.rssPeakMb, 'ratio ≤ 1.0', (r, o) => o <= r],
  ];
  for (const k of KINDS) {
    rows.push([`${k} median ms`, pct(real.lat[k], 50), pct(ours.lat[k], 50), '≤ 10 ms', (_r, o) => o <= 10, 1, true]);
    rows.push([`${k} p90 ms`, pct(real.lat[k], 90), pct(ours.lat[k], 90), '', undefined, 1]);
    rows.push([`${k} daemon CPU ms (mean)`, mean(real.cpuMs[k]), mean(ours.cpuMs[k]), '', undefined, 1]);
  }
  rows.push([
    'ovn-nbctl lsp-add median ms',
    pct(real.nbctlMs, 50),
    pct(ours.nbctlMs, 50),
    '(process wall time)',
    undefined,
  ]);
  rows.push(['logical flows', real.flows, ours.flows, '', undefined]);
  const head = ['metric', 'real', 'ovnts', 'ratio', 'issue #11 target', 'verdict'];
  const cells = rows.map(([name, r, o, target, ok, digits, abs]) => [
    name,
    fmt(r, digits ?? 0),
    fmt(o, digits ?? 0),
    fmt(o / r, 2),
    target,
    verdict(ok, r, o, abs ?? false),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c.map((x, i) => (i === 0 || i === 4 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ');
  const n = (r: DaemonResult) => KINDS.map((k) => r.lat[k].length).join('/');
  console.log(
    `\nnorthd ${shape.label} (${shape.nodes} nodes x ${shape.podsPerNode} pods, ${shape.vips} VIPs, ${shape.acls} ACLs): ` +
      `real ovn-northd 23.03 vs ovnts-northd (${how}); samples lsp/lb/acl real ${n(real)}, ovnts ${n(ours)}; ` +
      `nbctl ${real.nbctlMs.length}/${ours.nbctlMs.length}; cold best of ${COLD_REPEAT}`,
  );
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
  for (const [who, r] of [
    ['real', real],
    ['ovnts', ours],
  ] as const)
    if (r.error) console.log(`${who} did not finish (its samples so far are above): ${r.error}`);
}

// ---- one daemon's run ----

interface Started {
  pid: number;
  daemon: Daemon;
}

interface Ctx {
  sb: Sandbox;
  nbRemote: string;
  nbSchema: DatabaseSchema;
  admin: OvsdbClient;
  waiter: WaitSbClient;
  snapshot: DbSnapshot;
  shape: Shape;
}

let sbSeq = 0;
type SbServer = Awaited<ReturnType<Sandbox['startDb']>>;

/** Start a daemon on a fresh SB and time it until SB nb_cfg reaches the NB's; on failure both are stopped. */
async function coldStart(
  ctx: Ctx,
  who: string,
  start: (sbRemote: string, n: number) => Promise<Started>,
): Promise<{ coldMs: number; coldCpuS: number; rssColdMb: number; started: Started; sbdb: SbServer }> {
  const n = sbSeq++;
  const sbdb = await ctx.sb.startDb('sb', { name: `sb-${who}-${n}` });
  sbServers.add(sbdb);
  let started: Started | undefined;
  const watcher = await SbCfgWatcher.connect(sbdb.remotes.unix);
  try {
    const target = ctx.waiter.nbCfg;
    const t0 = performance.now();
    started = await start(sbdb.remotes.unix, n);
    const d = started.daemon;
    await watcher.waitNbCfg(target, TIMEOUT_MS, `${who} cold start`, () => d.alive);
    const coldMs = performance.now() - t0;
    return { coldMs, coldCpuS: cpuSeconds(started.pid), rssColdMb: vmHwmMb(started.pid), started, sbdb };
  } catch (e) {
    throw new Error(`${(e as Error).message}${started ? await logTail(started.daemon) : ''}`);
  } finally {
    await watcher.close();
  }
}

async function logTail(d: Daemon): Promise<string> {
  const tail = (await d.log()).trim().split('\n').slice(-4);
  return tail.length ? `\n  last lines of ${d.logFile}:\n    ${tail.join('\n    ')}` : '';
}

async function lflowCount(sbRemote: string): Promise<number> {
  const c = await OvsdbClient.connect(sbRemote, { inactivityProbeMs: 0, reconnect: false, leaderOnly: false });
  try {
    const r = await c.transact('OVN_Southbound', [
      { op: 'select', table: 'Logical_Flow', where: [], columns: ['_uuid'] },
    ]);
    return ((r[0] as { rows?: unknown[] }).rows ?? []).length;
  } finally {
    await c.close();
  }
}

async function hasBinding(sb: OvsdbClient, port: string): Promise<boolean> {
  const r = await sb.transact('OVN_Southbound', [
    { op: 'select', table: 'Port_Binding', where: [['logical_port', '==', port]], columns: ['logical_port'] },
  ]);
  return ((r[0] as { rows?: unknown[] }).rows ?? []).length === 1;
}

/**
 * Everything for one daemon. A failure (the daemon dies, a wait times out) ends this daemon's run with
 * what was measured so far and `error` set; the NB is restored either way so the other daemon can run.
 */
async function runDaemon(
  ctx: Ctx,
  who: 'real' | 'ovnts',
  start: (sbRemote: string, n: number) => Promise<Started>,
): Promise<DaemonResult> {
  const { sb, shape, waiter } = ctx;
  const log = (msg: string) => console.log(`  [${shape.label} ${who}] ${msg}`);
  const res: DaemonResult = {
    coldMs: NaN,
    coldCpuS: NaN,
    rssColdMb: NaN,
    rssPeakMb: NaN,
    flows: NaN,
    lat: { 'lsp-add': [], 'lb-backend-add': [], 'acl-add': [] },
    cpuMs: { 'lsp-add': [], 'lb-backend-add': [], 'acl-add': [] },
    nbctlMs: [],
  };
  const fail = (e: unknown) => {
    res.error = (e as Error).message;
    console.error(`  [${shape.label} ${who}] FAILED: ${res.error}`);
  };
  let cold: Awaited<ReturnType<typeof coldStart>> | undefined;
  let sbClient: OvsdbClient | undefined;
  try {
    cold = await coldStart(ctx, who, start);
    const { daemon, pid } = cold.started;
    res.coldMs = cold.coldMs;
    res.coldCpuS = cold.coldCpuS;
    res.rssColdMb = res.rssPeakMb = cold.rssColdMb;
    log(`cold ${cold.coldMs.toFixed(0)} ms, VmHWM ${cold.rssColdMb.toFixed(0)} MB`);
    res.flows = await lflowCount(cold.sbdb.remotes.unix);
    sbClient = await OvsdbClient.connect(cold.sbdb.remotes.unix, {
      inactivityProbeMs: 0,
      reconnect: false,
      leaderOnly: false,
    });
    // Settle: the handshake completes and the daemon has digested its own NB writes (options, port up).
    await waiter.waitSbCfg(waiter.nbCfg, TIMEOUT_MS, `${who} handshake after cold start`);
    await waiter.change([], TIMEOUT_MS, `${who} settle`);
    // Warm-up, untimed, by the same rule for both daemons: up to WARMUP changes of each kind, stopping
    // once WARMUP_MS have passed (one change of the real northd at 300x100 takes ~10 s, so it gets one
    // round; ovnts gets its first rounds after a cold start, which run while the daemon's heap and the
    // server settle after the big commit). Steady state is what the latency figures describe.
    const w0 = performance.now();
    for (let i = 0; i < WARMUP && performance.now() - w0 < WARMUP_MS; i++) {
      for (const kind of KINDS) {
        if (kind === 'lb-backend-add' && !shape.vips) continue;
        if (kind === 'acl-add' && !shape.acls) continue;
        if (!TIMED.has(kind)) continue;
        const j = SAMPLES + NBCTL_SAMPLES + i;
        const ops =
          kind === 'lsp-add'
            ? lspAddOps(shape, j, `${who}-warm`)
            : kind === 'lb-backend-add'
              ? await lbBackendOps(ctx.admin, shape, j)
              : aclAddOps(shape, j);
        await waiter.change(ops, TIMEOUT_MS, `${who} warm-up ${kind} #${i}`);
      }
    }
    const t0 = performance.now();
    for (let i = 0; i < SAMPLES; i++) {
      for (const kind of KINDS) {
        if (kind === 'lb-backend-add' && !shape.vips) continue;
        if (kind === 'acl-add' && !shape.acls) continue;
        if (!TIMED.has(kind)) continue;
        const ops =
          kind === 'lsp-add'
            ? lspAddOps(shape, i, who)
            : kind === 'lb-backend-add'
              ? await lbBackendOps(ctx.admin, shape, i)
              : aclAddOps(shape, i);
        if (!daemon.alive) throw new Error(`${who} died during the latency runs`);
        const cpu0 = cpuSeconds(pid);
        res.lat[kind].push(await waiter.change(ops, TIMEOUT_MS, `${who} ${kind} #${i}`));
        res.cpuMs[kind].push((cpuSeconds(pid) - cpu0) * 1000);
        // Untimed: sb_cfg having advanced must mean the SB shows the change (the new port is bound).
        if (kind === 'lsp-add' && !(await hasBinding(sbClient, podPort(shape, i, who).name)))
          throw new Error(`${who}: NB sb_cfg reached the change but the SB has no Port_Binding for it`);
      }
      res.rssPeakMb = Math.max(res.rssPeakMb, vmHwmMb(pid));
      if (i === 0 || (i + 1) % 5 === 0 || i === SAMPLES - 1)
        log(
          `${i + 1}/${SAMPLES} samples, ${((performance.now() - t0) / 1000).toFixed(0)} s; last ` +
            KINDS.map((k) => `${k} ${fmt(res.lat[k].at(-1) ?? NaN, 1)}`).join(', ') +
            ' ms',
        );
    }
    for (let j = 0; j < NBCTL_SAMPLES; j++) {
      const p = podPort(shape, SAMPLES + j, `${who}-nbctl`);
      const t = performance.now();
      await sb.runOk(
        'ovn-nbctl',
        [
          `--db=${ctx.nbRemote}`,
          `--timeout=${Math.ceil(TIMEOUT_MS / 1000)}`,
          '--wait=sb',
          'lsp-add',
          p.sw,
          p.name,
          '--',
          'lsp-set-addresses',
          p.name,
          p.addr,
          '--',
          'lsp-set-port-security',
          p.name,
          p.addr,
        ],
        { timeoutMs: TIMEOUT_MS + 30_000 },
      );
      res.nbctlMs.push(performance.now() - t);
    }
    if (NBCTL_SAMPLES) log(`ovn-nbctl --wait=sb lsp-add: ${res.nbctlMs.map((x) => x.toFixed(0)).join(', ')} ms`);
    res.rssPeakMb = Math.max(res.rssPeakMb, vmHwmMb(pid));
  } catch (e) {
    fail(cold ? new Error(`${(e as Error).message}${await logTail(cold.started.daemon)}`) : e);
  } finally {
    await sbClient?.close();
    await stopRunning();
    await killSbs();
    const n = await restoreDb(ctx.admin, ctx.nbSchema, ctx.snapshot);
    log(`NB restored to its snapshot (${n} operations) and verified identical`);
  }

  // Extra cold-only runs (noisy shared machines): the best cold time counts, the worst RSS.
  for (let rep = 1; rep < COLD_REPEAT && !res.error; rep++) {
    try {
      const c = await coldStart(ctx, who, start);
      log(`cold repeat ${rep}: ${c.coldMs.toFixed(0)} ms, VmHWM ${c.rssColdMb.toFixed(0)} MB`);
      res.coldMs = Math.min(res.coldMs, c.coldMs);
      res.rssColdMb = Math.max(res.rssColdMb, c.rssColdMb);
      res.rssPeakMb = Math.max(res.rssPeakMb, c.rssColdMb);
    } catch (e) {
      fail(e);
    } finally {
      await stopRunning();
      await killSbs();
      await restoreDb(ctx.admin, ctx.nbSchema, ctx.snapshot);
    }
  }
  return res;
}

/** The daemon currently started (set by the start functions; stopped before the next one starts). */
let running: Daemon | undefined;
async function stopRunning(): Promise<void> {
  await running?.stop(10_000);
  running = undefined;
}

/** SB servers started by coldStart that are still up (after a failed start). */
const sbServers = new Set<SbServer>();
async function killSbs(): Promise<void> {
  for (const s of sbServers) if (s.alive) await s.kill();
  sbServers.clear();
}

// ---- main ----

let current: Sandbox | undefined;
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, () => {
    console.error(`\n${sig}: stopping the sandbox`);
    void (current?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });

const ours = builtNorthdCommand();
let failed = false;
for (const shape of shapes) {
  const sb = new Sandbox('ovnts-bench-northd-');
  current = sb;
  const clients: { close(): Promise<void> }[] = [];
  try {
    const t0 = performance.now();
    const nb = await sb.startDb('nb');
    await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, 'init']);
    const admin = await OvsdbClient.connect(nb.remotes.unix, {
      inactivityProbeMs: 0,
      reconnect: false,
      leaderOnly: false,
    });
    clients.push(admin);
    await admin.transact('OVN_Northbound', [
      ...k8sNbOps({ ...shape, ovnKubernetesGateways }),
      ...k8sStatefulOps(shape),
      { op: 'update', table: 'NB_Global', where: [], row: { nb_cfg: 1, options: ['map', Object.entries(NB_OPTIONS)] } },
    ] as WireOperation[]);
    const nbSchema = await admin.getSchema('OVN_Northbound');
    const snapshot = await snapshotDb(admin, nbSchema);
    const waiter = await WaitSbClient.connect(nb.remotes.unix);
    clients.push(waiter);
    console.log(
      `  [${shape.label}] NB loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s ` +
        `(${snapshot.get('Logical_Switch_Port')!.size} LSPs, ${snapshot.get('Load_Balancer')!.size} LBs, ${snapshot.get('ACL')!.size} ACLs)`,
    );
    const ctx: Ctx = { sb, nbRemote: nb.remotes.unix, nbSchema, admin, waiter, snapshot, shape };

    /** ovnts-northd started by `command` (ours, or BENCH_REAL_ENTRY's build in the real column). */
    const startOvnts =
      (command: { cmd: string; args: string[] }) =>
      async (sbRemote: string, n: number): Promise<Started> => {
        const pidFile = sb.file(`ovnts-${n}.pid`);
        // BENCH_DAEMON_OUT=prefix keeps the daemon's log and its stdout/stderr (e.g. --trace-gc) after the run.
        const keep = process.env['BENCH_DAEMON_OUT'];
        const logFile = keep ? `${keep}.${n}.log` : sb.file(`ovnts-${n}.log`);
        const child = spawn(
          command.cmd,
          [
            ...command.args,
            `--ovnnb-db=${nb.remotes.unix}`,
            `--ovnsb-db=${sbRemote}`,
            `--pidfile=${pidFile}`,
            `--log-file=${logFile}`,
          ],
          {
            cwd: ROOT,
            env: sb.env,
            stdio: keep ? ['ignore', openSync(`${keep}.${n}.out`, 'w'), 'inherit'] : 'ignore',
          },
        );
        child.unref();
        if (!child.pid) throw new Error(`could not spawn ${command.cmd} ${command.args.join(' ')}`);
        // Own it before waiting, so a slow or failed start never leaves an orphan.
        const daemon = sb.own(new Daemon('ovnts-northd', child.pid, logFile));
        running = daemon;
        await waitFor('ovnts-northd pidfile', () => existsSync(pidFile) || !daemon.alive, 60_000, 5);
        if (!daemon.alive) throw new Error(`ovnts-northd exited at start: ${(await daemon.log()).trim().slice(-500)}`);
        return { pid: child.pid, daemon };
      };
    const real =
      ONLY === 'ovnts'
        ? notRun()
        : await runDaemon(
            ctx,
            'real',
            REAL_ENTRY
              ? startOvnts(northdCommand(ours.extraNodeFlags, REAL_ENTRY))
              : async (sbRemote, n) => {
                  const d = await sb.startRealNorthd(nb.remotes.unix, sbRemote, `northd-${n}`);
                  running = d;
                  return { pid: d.pid, daemon: d };
                },
          );
    const mine = ONLY === 'real' ? notRun() : await runDaemon(ctx, 'ovnts', startOvnts(ours));
    printTable(shape, ours.how, real, mine);
    if (real.error || mine.error) failed = true;
  } catch (e) {
    failed = true;
    console.error(`\nnorthd bench ${shape.label} failed: ${(e as Error).message}`);
  } finally {
    for (const c of clients.reverse()) await c.close().catch(() => undefined);
    await sb.stop().catch((e: unknown) => console.error(`sandbox teardown: ${(e as Error).message}`));
    current = undefined;
  }
}
process.exit(failed ? 1 : 0);
