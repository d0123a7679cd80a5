// In-process cost of one incremental round of the engine (no servers): a generated NB in memory, one
// full recompute, then N lsp-adds, each engine.run() timed. A developer's tool, not part of `npm run bench`.
//   npx vite-node --config vitest.config.ts packages/northd/bench/engine-latency.ts 300x100:5000:20000 [N]
// PROFILE=file.cpuprofile writes a V8 CPU profile of the timed rounds only. MIXED=1 puts a load balancer
// backend add and an ACL add (untimed, as northd.bench.ts makes them) between the port adds.
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
const set = (xs: unknown[]) => ['set', xs];
function lbBackendOps(i: number): unknown[] {
  const k = (i * 7919) % shape.vips;
  const lb = [...nb.rows('Load_Balancer').values()].find((r) => r['name'] === `svc-${k}`)!;
  const vips = Object.entries(lb['vips'] as Record<string, string>).map(([vip, backends], j) =>
    j === 0
      ? [
          vip,
          `${backends},10.${128 + ((i % shape.nodes) >> 8)}.${(i % shape.nodes) & 255}.${3 + (i % shape.podsPerNode)}:${9000 + i}`,
        ]
      : [vip, backends],
  );
  return [{ op: 'update', table: 'Load_Balancer', where: [['name', '==', `svc-${k}`]], row: { vips: ['map', vips] } }];
}
function aclAddOps(i: number): unknown[] {
  const k = (i * 7919) % Math.ceil(shape.acls / 10);
  return [
    {
      op: 'insert',
      table: 'ACL',
      'uuid-name': 'newacl',
      row: {
        direction: 'to-lport',
        priority: 1001,
        action: 'allow-related',
        match: `outport == @pg_np${k} && ip4.src == $as_np${k} && tcp.dst == ${20000 + i}`,
      },
    },
    {
      op: 'mutate',
      table: 'Port_Group',
      where: [['name', '==', `pg_np${k}`]],
      mutations: [['acls', 'insert', set([['named-uuid', 'newacl']])]],
    },
  ];
}
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
  if (process.env['MIXED']) {
    // The same LB and ACL edits as northd.bench.ts, applied and run untimed before the port add.
    for (const ops of [lbBackendOps(i), aclAddOps(i)]) {
      nb.transact(ops);
      engine.run(nb.snapshot(), nb.takeChanges().changes, sbKeys, sbPort);
    }
  }
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
