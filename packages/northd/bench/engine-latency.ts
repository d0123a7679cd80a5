// In-process cost of one incremental round of the engine (no servers): a generated NB in memory, one
// full recompute, then N lsp-adds, each engine.run() timed. A developer's tool, not part of `npm run bench`.
//   npx vite-node --config vitest.config.ts packages/northd/bench/engine-latency.ts 300x100:5000:20000 [N]
// PROFILE=file.cpuprofile writes a V8 CPU profile of the timed rounds only. MIXED=1 puts a load balancer
// backend add and an ACL add (untimed, as northd.bench.ts makes them) between the port adds. KIND=lb|acl
// times that change instead of the port add; BENCH_GATEWAYS=plain: gateway routers without ovn-kubernetes' options.
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { NorthdEngine } from '../src/engine/northd-engine.js';
import { k8sMemNb } from '../src/testing/random-nb-changes.js';
import { MemNb } from '../src/testing/mem-nb.js';
import { k8sNbOps } from '../src/testing/k8s-topology.js';
import { k8sStatefulOps } from '../src/testing/k8s-stateful.js';
import { aclAddOps, lbBackendUpdate, lbName, lspAddOps } from './bench-changes.js';

const m = /^(\d+)x(\d+):(\d+):(\d+)$/.exec(process.argv[2] ?? '100x50:1000:5000');
if (!m) throw new Error('usage: engine-latency.ts NODESxPODS:VIPS:ACLS [N]');
const shape = {
  label: m[0],
  nodes: +m[1]!,
  podsPerNode: +m[2]!,
  vips: +m[3]!,
  acls: +m[4]!,
  ovnKubernetesGateways: process.env['BENCH_GATEWAYS'] !== 'plain',
};
const KIND = process.env['KIND'] ?? 'lsp';
if (!['lsp', 'lb', 'acl'].includes(KIND)) throw new Error(`KIND=${KIND}: expected lsp, lb or acl`);
const N = Number(process.argv[3] ?? 200);

/** The bench's NB: ovn-kubernetes' gateway routers, or (plain) k8sMemNb's own. */
function benchNb(): MemNb {
  if (!shape.ovnKubernetesGateways) return k8sMemNb(shape);
  const nb = new MemNb();
  nb.transact([
    ...k8sNbOps(shape),
    ...k8sStatefulOps(shape),
    { op: 'insert', table: 'NB_Global', row: { options: ['map', [['mac_prefix', '0a:58:0a']]] } },
  ]);
  return nb;
}
const nb = benchNb();
nb.takeChanges();
const engine = new NorthdEngine();
let t0 = performance.now();
engine.recompute(nb.snapshot(), undefined);
console.log(`full recompute ${(performance.now() - t0).toFixed(0)} ms`);
const sbPort = (name: string) => {
  const pb = engine.portBindingByName(name);
  return pb ? { datapath: pb.datapath, tunnelKey: pb.tunnelKey } : undefined;
};
const sbKeys = undefined as never;
const session = new Session();
if (process.env['PROFILE']) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
}
const times: number[] = [];
/** CPU ms of each timed round (all threads): steadier than wall time on a loaded machine. */
const cpu: number[] = [];
/** CPU ms of the main thread alone (Linux schedstat): without the GC helper threads the test NB keeps busy. */
const mainCpuMs = () => Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
const main: number[] = [];
const lbOps = (i: number) => {
  const lb = [...nb.rows('Load_Balancer').values()].find((r) => r['name'] === lbName(shape, i))!;
  return lbBackendUpdate(shape, i, Object.entries(lb['vips'] as Record<string, string>));
};
const opsOf = (kind: string, i: number) =>
  kind === 'lb' ? lbOps(i) : kind === 'acl' ? aclAddOps(shape, i) : lspAddOps(shape, i, 'lat');
for (let i = 0; i < N; i++) {
  if (process.env['MIXED']) {
    // The other kinds' edits, as northd.bench.ts makes them, each run untimed before the timed one.
    for (const kind of ['lb', 'acl', 'lsp'].filter((k) => k !== KIND)) {
      nb.transact(opsOf(kind, i));
      engine.run(nb.snapshot(), nb.takeChanges().changes, sbKeys, sbPort);
    }
  }
  nb.transact(opsOf(KIND, i));
  const changes = nb.takeChanges().changes;
  t0 = performance.now();
  const c0 = process.cpuUsage();
  const m0 = mainCpuMs();
  const r = engine.run(nb.snapshot(), changes, sbKeys, sbPort);
  times.push(performance.now() - t0);
  main.push(mainCpuMs() - m0);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
  if (r.full) console.log(`round ${i} recomputed: ${r.reason}`);
}
if (process.env['PROFILE']) {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(process.env['PROFILE'], JSON.stringify(profile));
}
const q = (xs: number[], f: number) => xs.sort((a, b) => a - b)[Math.floor(f * (xs.length - 1))]!.toFixed(2);
console.log(
  `engine.run per ${KIND} change: median ${q(times, 0.5)} ms, p90 ${q(times, 0.9)} ms, max ${q(times, 1)} ms (${N} rounds); ` +
    `CPU median ${q(cpu, 0.5)} ms, p90 ${q(cpu, 0.9)} ms, total ${cpu.reduce((a, b) => a + b, 0).toFixed(0)} ms; ` +
    `main thread CPU median ${q(main, 0.5)} ms, mean ${(main.reduce((a, b) => a + b, 0) / N).toFixed(2)} ms`,
);
