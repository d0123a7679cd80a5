// In-process cost of one incremental round of the engine (no servers): a generated NB in memory, one
// full recompute, then N lsp-adds, each engine.run() timed. A developer's tool, not part of `npm run bench`.
//   npx vite-node --config vitest.config.ts packages/northd/bench/engine-latency.ts 300x100:5000:20000 [N]
// PROFILE=file.cpuprofile writes a V8 CPU profile of the timed rounds only.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { NorthdEngine } from '../src/engine/northd-engine.js';
import { k8sMemNb } from '../src/testing/random-nb-changes.js';

const m = /^(\d+)x(\d+):(\d+):(\d+)$/.exec(process.argv[2] ?? '100x50:1000:5000');
if (!m) throw new Error('usage: engine-latency.ts NODESxPODS:VIPS:ACLS [N]');
const shape = { nodes: +m[1]!, podsPerNode: +m[2]!, vips: +m[3]!, acls: +m[4]! };
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
const hex = (x: number) => (x & 255).toString(16).padStart(2, '0');
const session = new Session();
if (process.env['PROFILE']) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
}
const times: number[] = [];
for (let i = 0; i < N; i++) {
  const node = i % shape.nodes;
  const addr = `0a:59:00:00:${hex(i >> 8)}:${hex(i)} 10.${128 + (node >> 8)}.${node & 255}.${shape.podsPerNode + 3 + Math.floor(i / shape.nodes)}`;
  nb.transact([
    {
      op: 'insert',
      table: 'Logical_Switch_Port',
      'uuid-name': 'p',
      row: { name: `lat${i}`, addresses: ['set', [addr]] },
    },
    {
      op: 'mutate',
      table: 'Logical_Switch',
      where: [['name', '==', `node${node}`]],
      mutations: [['ports', 'insert', ['set', [['named-uuid', 'p']]]]],
    },
  ]);
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
