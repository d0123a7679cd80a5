// Cold compute of ovnts-northd vs the real ovn-northd 23.03 on the same generated Kubernetes-like NB:
// each daemon starts against the populated NB and an empty SB of its own; the clock runs from spawn
// until its SB_Global.nb_cfg reaches the NB's nb_cfg. Peak RSS from /proc (VmHWM). Also the in-process
// breakdown of ovnts: pure compile time and the number of logical flows.
//   npx vite-node --config vitest.config.ts packages/northd/bench/cold.bench.ts [NODESxPODS …]
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// The harness index pulls in vitest hooks; a bench script imports the pieces directly.
import { Daemon, waitFor, Sandbox } from '@ovnts/test-harness/servers';
import { OvsdbClient, type WireOperation } from 'ovsdb-client-ts';
import { compile } from '../src/compile.js';
import { k8sNbOps } from '../src/testing/k8s-topology.js';
import { readNb, type Runner } from '../src/testing/lab.js';
import { vmHwmMb } from './proc-stats.js';
import { builtNorthdCommand } from './launcher.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// These machines are shared and noisy: each daemon runs REPEAT times, interleaved, and the best run counts.
const REPEAT = Number(process.env['BENCH_REPEAT'] ?? 2);
const shapes = (process.argv.slice(2).length ? process.argv.slice(2) : ['20x50', '100x50']).map((s) => {
  const [n, k] = s.split('x').map(Number);
  return { nodes: n!, podsPerNode: k! };
});

// The built daemon through its launcher's node flags, as northd.bench runs it (launcher.ts).
const ours = builtNorthdCommand();

async function sbNbCfg(sb: Sandbox, remote: string): Promise<number> {
  const r = await sb.run('ovsdb-client', [
    'transact',
    remote,
    JSON.stringify(['OVN_Southbound', { op: 'select', table: 'SB_Global', where: [], columns: ['nb_cfg'] }]),
  ]);
  if (r.code !== 0) return -1;
  const rows = (JSON.parse(r.stdout) as { rows: { nb_cfg: number }[] }[])[0]?.rows ?? [];
  return rows[0]?.nb_cfg ?? -1;
}

async function lflowCount(sb: Sandbox, remote: string): Promise<number> {
  const r = await sb.runOk('ovsdb-client', [
    'transact',
    remote,
    JSON.stringify(['OVN_Southbound', { op: 'select', table: 'Logical_Flow', where: [], columns: ['_uuid'] }]),
  ]);
  return ((JSON.parse(r) as { rows: unknown[] }[])[0]?.rows ?? []).length;
}

interface Result {
  coldMs: number;
  rssMb: number;
  flows: number;
  /** Median `ovn-nbctl --wait=sb lsp-add` latency with this daemon alone on the NB. */
  lspAddMs: number;
}

const LSP_ADDS = Number(process.env['BENCH_LSP_ADDS'] ?? 5);
let lspSeq = 0;
async function lspAddLatency(sb: Sandbox, nbRemote: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < LSP_ADDS; i++) {
    const n = lspSeq++;
    const t0 = performance.now();
    await sb.runOk(
      'ovn-nbctl',
      [
        `--db=${nbRemote}`,
        '--timeout=120',
        '--wait=sb',
        'lsp-add',
        'node0',
        `bench-${n}`,
        '--',
        'lsp-set-addresses',
        `bench-${n}`,
        `0a:59:00:00:${((n >> 8) & 255).toString(16).padStart(2, '0')}:${(n & 255).toString(16).padStart(2, '0')} 10.128.0.${200 + (n % 50)}`,
      ],
      { timeoutMs: 150_000 },
    );
    times.push(performance.now() - t0);
  }
  // Leave the NB as it was for the next daemon's cold start.
  for (let n = lspSeq - LSP_ADDS; n < lspSeq; n++)
    await sb.runOk('ovn-nbctl', [`--db=${nbRemote}`, 'lsp-del', `bench-${n}`]);
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

async function timeDaemon(
  sb: Sandbox,
  nbRemote: string,
  sbRemote: string,
  start: () => Promise<number>,
): Promise<Result> {
  const t0 = performance.now();
  const pid = await start();
  await waitFor('SB nb_cfg', async () => (await sbNbCfg(sb, sbRemote)) >= 1, 600_000, 25);
  const coldMs = performance.now() - t0;
  const rssMb = vmHwmMb(pid);
  const flows = await lflowCount(sb, sbRemote);
  return { coldMs, rssMb, flows, lspAddMs: await lspAddLatency(sb, nbRemote) };
}

const rows: string[][] = [];
for (const shape of shapes) {
  const sb = new Sandbox('ovnts-bench-');
  try {
    const nb = await sb.startDb('nb');
    await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, 'init']);
    const loader = await OvsdbClient.connect(nb.remotes.unix, { reconnect: false });
    const res = await loader.transact('OVN_Northbound', k8sNbOps(shape) as WireOperation[]);
    await loader.close();
    const failed = res.find((r) => r && typeof r === 'object' && 'error' in r);
    if (failed) throw new Error(`NB load failed: ${JSON.stringify(failed)}`);
    // Target nb_cfg = 1: each daemon is done when its SB says so.
    await sb.runOk('ovsdb-client', [
      'transact',
      nb.remotes.unix,
      JSON.stringify(['OVN_Northbound', { op: 'update', table: 'NB_Global', where: [], row: { nb_cfg: 1 } }]),
    ]);

    let real: Result | undefined;
    let ovnts: Result | undefined;
    const best = (a: Result | undefined, b: Result): Result => ({
      coldMs: Math.min(a?.coldMs ?? Infinity, b.coldMs),
      rssMb: Math.max(a?.rssMb ?? 0, b.rssMb),
      flows: b.flows,
      lspAddMs: Math.min(a?.lspAddMs ?? Infinity, b.lspAddMs),
    });
    for (let rep = 0; rep < REPEAT; rep++) {
      const sbReal = await sb.startDb('sb', { name: `sb-real-${rep}` });
      const sbOurs = await sb.startDb('sb', { name: `sb-ours-${rep}` });
      const realDaemon = { d: undefined as Daemon | undefined };
      real = best(
        real,
        await timeDaemon(sb, nb.remotes.unix, sbReal.remotes.unix, async () => {
          realDaemon.d = await sb.startRealNorthd(nb.remotes.unix, sbReal.remotes.unix, `northd-${rep}`);
          return realDaemon.d.pid;
        }),
      );
      await realDaemon.d?.stop();
      // The real northd has filled NB_Global options (mac_prefix, svc_monitor_mac) for both.
      const oursDaemon = { d: undefined as Daemon | undefined };
      ovnts = best(
        ovnts,
        await timeDaemon(sb, nb.remotes.unix, sbOurs.remotes.unix, async () => {
          const pidFile = sb.file(`ovnts-${rep}.pid`);
          const child = spawn(
            ours.cmd,
            [
              ...ours.args,
              `--ovnnb-db=${nb.remotes.unix}`,
              `--ovnsb-db=${sbOurs.remotes.unix}`,
              `--pidfile=${pidFile}`,
              `--log-file=${sb.file('ovnts.log')}`,
            ],
            { cwd: ROOT, env: sb.env, stdio: 'ignore' },
          );
          child.unref();
          await waitFor('pidfile', () => existsSync(pidFile), 60_000, 5);
          oursDaemon.d = sb.own(new Daemon('ovnts-northd', child.pid!, sb.file('ovnts.log')));
          return child.pid!;
        }),
      );
      if (process.env['BENCH_LOG']) await new Promise((r) => setTimeout(r, 3000));
      await oursDaemon.d?.stop();
      await sbReal.kill();
      await sbOurs.kill();
    }
    if (!real || !ovnts) throw new Error('no runs');

    const run: Runner = (p, a) => sb.runOk(p, a, { timeoutMs: 120_000 }).then((stdout) => ({ stdout }));
    const input = await readNb(run, nb.remotes.unix);
    const c0 = performance.now();
    const compiled = compile(input);
    const compileMs = performance.now() - c0;

    rows.push([
      `${shape.nodes}x${shape.podsPerNode}`,
      String(real.flows),
      String(ovnts.flows),
      real.coldMs.toFixed(0),
      ovnts.coldMs.toFixed(0),
      (ovnts.coldMs / real.coldMs).toFixed(2),
      compileMs.toFixed(0),
      real.rssMb.toFixed(0),
      ovnts.rssMb.toFixed(0),
      (ovnts.rssMb / real.rssMb).toFixed(2),
      real.lspAddMs.toFixed(0),
      ovnts.lspAddMs.toFixed(0),
      (ovnts.lspAddMs / real.lspAddMs).toFixed(2),
    ]);
    void compiled;
    if (process.env['BENCH_LOG'])
      console.log(
        readFileSync(sb.file('ovnts.log'), 'utf8')
          .split('\n')
          .filter((l) => /SB updated|starting|acquired/.test(l))
          .join('\n'),
      );
  } finally {
    await sb.stop();
  }
}

const head = [
  'topology',
  'lflows real',
  'lflows ovnts',
  'cold ms real',
  'cold ms ovnts',
  'ratio',
  'compile ms',
  'RSS MB real',
  'RSS MB ovnts',
  'RSS ratio',
  'lsp-add ms real',
  'lsp-add ms ovnts',
  'ratio',
];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (r: string[]) => r.map((c, i) => c.padStart(widths[i]!)).join('  ');
console.log(
  `ovnts-northd cold start vs real ovn-northd 23.03 (ovnts run as ${ours.how}; ratio < 1 means ovnts is faster)`,
);
console.log(line(head));
for (const r of rows) console.log(line(r));
