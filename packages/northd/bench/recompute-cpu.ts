// CPU seconds of one cold full recompute in process (no servers), as a fresh daemon runs it: the first
// recompute of a fresh engine, then compiled() (the cold stream's list of every flow). Process CPU
// (all threads, GC included) rather than wall time, for a loaded machine. A developer's tool.
//   node --max-semi-space-size=4 node_modules/.bin/vite-node --config vitest.config.ts packages/northd/bench/recompute-cpu.ts 100x50:1000:5000
import { NorthdEngine } from '../src/engine/northd-engine.js';
import { MemNb } from '../src/testing/mem-nb.js';
import { k8sNbOps } from '../src/testing/k8s-topology.js';
import { k8sStatefulOps } from '../src/testing/k8s-stateful.js';

const m = /^(\d+)x(\d+):(\d+):(\d+)$/.exec(process.argv[2] ?? '100x50:1000:5000');
if (!m) throw new Error('usage: recompute-cpu.ts NODESxPODS:VIPS:ACLS');
const shape = { nodes: +m[1]!, podsPerNode: +m[2]!, vips: +m[3]!, acls: +m[4]!, ovnKubernetesGateways: true };
const nb = new MemNb();
nb.transact([
  ...k8sNbOps(shape),
  ...k8sStatefulOps(shape),
  { op: 'insert', table: 'NB_Global', row: { options: ['map', [['mac_prefix', '0a:58:0a']]] } },
]);
nb.takeChanges();
const snap = nb.snapshot();
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const engine = new NorthdEngine();
let c0 = cpu();
let t0 = performance.now();
engine.recompute(snap, undefined);
const rc = [cpu() - c0, performance.now() - t0];
c0 = cpu();
t0 = performance.now();
const flows = engine.compiled().logicalFlows.length;
const cc = [cpu() - c0, performance.now() - t0];
const mem = process.memoryUsage();
console.log(
  `recompute CPU ${rc[0]!.toFixed(2)} s (wall ${rc[1]!.toFixed(0)} ms); compiled() CPU ${cc[0]!.toFixed(2)} s ` +
    `(wall ${cc[1]!.toFixed(0)} ms), ${flows} flows; heapUsed ${(mem.heapUsed / 2 ** 20).toFixed(0)} MB, rss ${(mem.rss / 2 ** 20).toFixed(0)} MB`,
);
