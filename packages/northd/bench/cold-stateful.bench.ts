// Cold compute with stateful services: the k8s-like NB of the core benchmark plus service VIPs and
// network-policy ACLs. Each daemon (the real ovn-northd 23.03, ovnts-northd from dist/) starts against
// the populated NB and an empty SB of its own; the clock runs from spawn until its SB_Global.nb_cfg
// reaches the NB's. Also ovnts' pure in-process compile time. Best of BENCH_REPEAT runs each.
//   npx vite-node --config vitest.config.ts packages/northd/bench/cold-stateful.bench.ts [NODESxPODS:VIPS:ACLS …]
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OvsdbClient, type WireOperation } from 'ovsdb-client-ts';
// The harness index pulls in vitest hooks; a bench script imports the pieces directly.
import { Daemon, waitFor, Sandbox } from '@ovnts/test-harness/servers';
import { compile } from '../src/compile.js';
import { k8sNbOps } from '../src/testing/k8s-topology.js';
import { readNb, type Runner } from '../src/testing/lab.js';
import { k8sStatefulOps } from '../src/testing/k8s-stateful.js';
import { builtNorthdCommand } from './launcher.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const REPEAT = Number(process.env['BENCH_REPEAT'] ?? 2);
const shapes = (process.argv.slice(2).length ? process.argv.slice(2) : ['100x50:1000:5000']).map((s) => {
  const [nk, vips, acls] = s.split(':');
  const [nodes, podsPerNode] = nk!.split('x').map(Number);
  return { nodes: nodes!, podsPerNode: podsPerNode!, vips: Number(vips ?? 0), acls: Number(acls ?? 0) };
});

async function sbNbCfg(sb: Sandbox, remote: string): Promise<number> {
  const r = await sb.run('ovsdb-client', [
    'transact',
    remote,
    JSON.stringify(['OVN_Southbound', { op: 'select', table: 'SB_Global', where: [], columns: ['nb_cfg'] }]),
  ]);
  if (r.code !== 0) return -1;
  return (JSON.parse(r.stdout) as { rows: { nb_cfg: number }[] }[])[0]?.rows[0]?.nb_cfg ?? -1;
}

// The built daemon through its launcher's node flags, as northd.bench runs it (launcher.ts).
const ours = builtNorthdCommand();

for (const shape of shapes) {
  const sb = new Sandbox('ovnts-bench-stateful-');
  try {
    const nb = await sb.startDb('nb');
    await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, 'init']);
    const loader = await OvsdbClient.connect(nb.remotes.unix, { reconnect: false });
    const res = await loader.transact('OVN_Northbound', [
      ...k8sNbOps(shape),
      ...k8sStatefulOps(shape),
    ] as WireOperation[]);
    await loader.close();
    const failed = res.find((r) => r && typeof r === 'object' && 'error' in r);
    if (failed) throw new Error(`NB load failed: ${JSON.stringify(failed)}`);
    await sb.runOk('ovsdb-client', [
      'transact',
      nb.remotes.unix,
      JSON.stringify(['OVN_Northbound', { op: 'update', table: 'NB_Global', where: [], row: { nb_cfg: 1 } }]),
    ]);

    let realMs = Infinity;
    let oursMs = Infinity;
    for (let rep = 0; rep < REPEAT; rep++) {
      const sbReal = await sb.startDb('sb', { name: `sb-real-${rep}` });
      let t0 = performance.now();
      const d = await sb.startRealNorthd(nb.remotes.unix, sbReal.remotes.unix, `northd-${rep}`);
      await waitFor('SB nb_cfg', async () => (await sbNbCfg(sb, sbReal.remotes.unix)) >= 1, 600_000, 25);
      realMs = Math.min(realMs, performance.now() - t0);
      await d.stop();
      await sbReal.kill();

      const sbOurs = await sb.startDb('sb', { name: `sb-ours-${rep}` });
      const pidFile = sb.file(`ovnts-${rep}.pid`);
      t0 = performance.now();
      const child = spawn(
        ours.cmd,
        [
          ...ours.args,
          `--ovnnb-db=${nb.remotes.unix}`,
          `--ovnsb-db=${sbOurs.remotes.unix}`,
          `--pidfile=${pidFile}`,
          `--log-file=${sb.file(`ovnts-${rep}.log`)}`,
        ],
        { cwd: ROOT, env: sb.env, stdio: 'ignore' },
      );
      child.unref();
      const daemon = sb.own(new Daemon('ovnts-northd', child.pid!, sb.file(`ovnts-${rep}.log`)));
      await waitFor('SB nb_cfg', async () => (await sbNbCfg(sb, sbOurs.remotes.unix)) >= 1, 600_000, 25);
      oursMs = Math.min(oursMs, performance.now() - t0);
      await daemon.stop();
      await sbOurs.kill();
    }

    const run: Runner = (p, a) => sb.runOk(p, a, { timeoutMs: 120_000 }).then((stdout) => ({ stdout }));
    const input = await readNb(run, nb.remotes.unix);
    let compileMs = Infinity;
    let flows = 0;
    for (let rep = 0; rep < REPEAT; rep++) {
      const c0 = performance.now();
      const c = compile(input);
      compileMs = Math.min(compileMs, performance.now() - c0);
      flows = c.logicalFlows.length;
    }
    console.log(
      `${shape.nodes}x${shape.podsPerNode} vips=${shape.vips} acls=${shape.acls}: cold real ovn-northd ${realMs.toFixed(0)} ms, ` +
        `ovnts-northd ${oursMs.toFixed(0)} ms (ratio ${(oursMs / realMs).toFixed(2)}); ovnts pure compile ${compileMs.toFixed(0)} ms, ${flows} flows`,
    );
  } finally {
    await sb.stop();
  }
}
