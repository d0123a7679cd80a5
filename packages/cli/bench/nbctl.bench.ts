// Benchmark: ovnts-nbctl vs the real ovn-nbctl 23.03, each against its own fresh NB ovsdb-server,
// measured in the same run.
//   1. N one-shot `lsp-add` calls (process start-up dominates)
//   2. one call chaining N `lsp-add` commands (one transaction)
// Runs the built binary (node_modules/.bin/ovnts-nbctl, i.e. the one-file bundle); builds packages/cli
// first if needed and bundles the current dist.
//   npx vite-node --config vitest.config.ts packages/cli/bench/nbctl.bench.ts [N]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
// The harness's sandbox module directly (its index pulls in vitest, which a plain script cannot load).
import { Sandbox, type OvsdbServer } from '@ovnts/test-harness/servers';

const N = Number(process.argv[2] ?? process.env['NBCTL_BENCH_N'] ?? 500);
const root = path.resolve(import.meta.dirname, '../../..');
const ours = path.join(root, 'node_modules/.bin/ovnts-nbctl');
if (!existsSync(path.join(root, 'packages/cli/dist/bin/ovnts-nbctl.js'))) {
  execFileSync('npx', ['tsc', '-b', 'packages/cli'], { cwd: root, stdio: 'inherit' });
}
// The binary runs the one-file bundle (what `npm run build` makes); make it from the current dist.
execFileSync(process.execPath, [path.join(root, 'packages/cli/scripts/bundle.mjs')], { cwd: root, stdio: 'inherit' });

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 4).join(' ')}… failed: ${r.stderr}`);
}

async function fresh(sb: Sandbox, name: string): Promise<OvsdbServer> {
  const db = await sb.startDb('nb', { name });
  run('ovn-nbctl', [`--db=${db.remotes.unix}`, 'init', '--', 'ls-add', 'ls0']);
  return db;
}

function oneShot(program: string, db: OvsdbServer, from: number, to: number): number {
  const t0 = performance.now();
  for (let i = from; i < to; i++) run(program, [`--db=${db.remotes.unix}`, 'lsp-add', 'ls0', `p${i}`]);
  return performance.now() - t0;
}

function chained(program: string, db: OvsdbServer, n: number): number {
  const args = [`--db=${db.remotes.unix}`];
  for (let i = 0; i < n; i++) args.push(...(i ? ['--'] : []), 'lsp-add', 'ls0', `c${i}`);
  const t0 = performance.now();
  run(program, args);
  return performance.now() - t0;
}

const sb = new Sandbox('ovnts-bench-');
try {
  const nodeStart = (() => {
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) run(process.execPath, ['-e', '0']);
    return (performance.now() - t0) / 10;
  })();
  const rows: [string, number, number][] = [];
  {
    const [a, b] = [await fresh(sb, 'real1'), await fresh(sb, 'ours1')];
    // Interleave halves so machine-load drift affects both tools alike.
    const half = Math.floor(N / 2);
    let real = oneShot('ovn-nbctl', a, 0, half);
    let mine = oneShot(ours, b, 0, half);
    real += oneShot('ovn-nbctl', a, half, N);
    mine += oneShot(ours, b, half, N);
    rows.push([`${N} one-shot lsp-add`, real, mine]);
  }
  {
    const [a, b] = [await fresh(sb, 'real2'), await fresh(sb, 'ours2')];
    rows.push([`1 call chaining ${N} lsp-add`, chained('ovn-nbctl', a, N), chained(ours, b, N)]);
  }
  {
    // The same chained call run in this process: what the command engine costs without Node start-up.
    const { runNbctl } = (await import(
      path.join(root, 'packages/cli/dist/nbctl/main.js')
    )) as typeof import('../src/nbctl/main.js');
    const [a, b] = [await fresh(sb, 'real3'), await fresh(sb, 'ours3')];
    const args = [`--db=${b.remotes.unix}`];
    for (let i = 0; i < N; i++) args.push(...(i ? ['--'] : []), 'lsp-add', 'ls0', `d${i}`);
    await runNbctl([`--db=${b.remotes.unix}`, 'ls-list'], {
      stdout: () => {},
      stderr: () => {},
      env: {},
      programName: 'x',
    });
    const t0 = performance.now();
    const code = await runNbctl(args, {
      stdout: () => {},
      stderr: (e) => console.error(e),
      env: {},
      programName: 'ovnts-nbctl',
    });
    const inProc = performance.now() - t0;
    if (code !== 0) throw new Error('in-process chained run failed');
    rows.push([`same, in-process (no start-up)`, chained('ovn-nbctl', a, N), inProc]);
  }
  const fmt = (ms: number) => `${ms.toFixed(0)} ms`.padStart(10);
  console.log(`\novnts-nbctl vs ovn-nbctl 23.03 (N=${N}; node -e 0 alone: ${nodeStart.toFixed(0)} ms per start)`);
  console.log(
    `${'case'.padEnd(32)}${'ovn-nbctl'.padStart(10)}${'ovnts'.padStart(10)}${'ratio'.padStart(8)}${'ovnts/call'.padStart(12)}`,
  );
  for (const [name, real, mine] of rows) {
    const per = name.includes('one-shot') ? `${(mine / N).toFixed(1)} ms` : '';
    console.log(
      `${name.padEnd(32)}${fmt(real)}${fmt(mine)}${(mine / real).toFixed(2).padStart(7)}x${per.padStart(12)}`,
    );
  }
} finally {
  await sb.stop();
}
