// In-process cost of one incremental round of the engine (no servers): a generated NB in memory, one
// full recompute, then N lsp-adds, each engine.run() timed. A developer's tool, not part of `npm run bench`.
//   npx vite-node --config vitest.config.ts packages/northd/bench/engine-latency.ts 300x100:5000:20000 [N]
// PROFILE=file.cpuprofile writes a V8 CPU profile of the timed rounds only. MIXED=1 puts a load balancer
// backend add and an ACL add (untimed, as northd.bench.ts makes them) between the port adds.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { NorthdEngine } from '../src/engine/northd-engine.js';
import { k8sMemNb } from '../src/testing/random-nb-changes.js';
import { aclAddOps, lbBackendUpdate, lbName, lspAddOps } from './bench-changes.js';

const m = /^(\d+)x(\d+):(\d+):(\d+)$/.exec(process.argv[2] ?? '100x50:1000:5000');
if (!m) throw new Error('usage: engine-latency.ts NODESxPODS:VIPS:ACLS [N]');
const shape = { label: m[0], nodes: +m[1]!, podsPerNode: +m[2]!, vips: +m[3]!, acls: +m[4]! };
const N = Number(process.argv[3] ?? 200);

const nb = k8sMemNb(shape);
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
for (let i = 0; i < N; i++) {
  if (process.env['MIXED']) {
    // The same LB and ACL edits as northd.bench.ts, each run untimed before the port add.
    const lb = [...nb.rows('Load_Balancer').values()].find((r) => r['name'] === lbName(shape, i))!;
    const vips = Object.entries(lb['vips'] as Record<string, string>);
    for (const ops of [lbBackendUpdate(shape, i, vips), aclAddOps(shape, i)]) {
      nb.transact(ops);
      engine.run(nb.snapshot(), nb.takeChanges().changes, sbKeys, sbPort);
    }
  }
  nb.transact(lspAddOps(shape, i, 'lat'));
  const changes = nb.takeChanges().changes;
  t0 = performance.now();
  const r = engine.run(nb.snapshot(), changes, sbKeys, sbPort);
  times.push(performance.now() - t0);
  if (r.full) console.log(`round ${i} recomputed: ${r.reason}`);
}
if (process.env['PROFILE']) {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(process.env['PROFILE'], JSON.stringify(profile));
}
times.sort((a, b) => a - b);
const q = (f: number) => times[Math.floor(f * (times.length - 1))]!.toFixed(2);
console.log(`engine.run per lsp-add: median ${q(0.5)} ms, p90 ${q(0.9)} ms, max ${q(1)} ms (${N} rounds)`);
