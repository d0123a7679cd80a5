// What conditional monitoring saves: one chassis hosting node 1's pods, the built ovnts-controller (its own
// process) with ovn-monitor-all=false and =true, and the real ovn-controller the same two ways. Reported: SB
// rows and IDL cells replicated, SB bytes received (ovnts), RSS once the flows are installed.
// Shapes (BENCH_SHAPE): `switches` — NODES disjoint node switches (the slice is one switch); `router` — the
// same switches on one cluster router (every switch is local through the router); `ovnk` — as `router`, plus
// ovn-kubernetes' join switch and, per node, a gateway router bound to that node's chassis with its external
// switch (other nodes' gateway routers are not local: the l3gateway ports stop the walk).
// Run: npx tsc -b packages/controller && npx vite-node --config vitest.config.ts packages/controller/bench/slice.bench.ts
//      (BENCH_NODES, BENCH_PODS, BENCH_SHAPE)
import { readFileSync } from 'node:fs';
import { routerLinkArgs, Sandbox, waitFor } from '@ovnts/test-harness/servers';
import { OvsdbClient } from 'ovsdb-client-ts';
import { model as sbModel } from '@ovnts/schema/sb';
import { caughtUp, forgetChassis, mac, startBenchController, startPodCluster } from './pod-cluster.js';

const NODES = Number(process.env['BENCH_NODES'] ?? 20);
const PODS = Number(process.env['BENCH_PODS'] ?? 20);
const SHAPE = process.env['BENCH_SHAPE'] ?? 'switches';

const sb = new Sandbox('ovnts-slice-');
try {
  const routed = SHAPE === 'router' || SHAPE === 'ovnk';
  /** ovnk: the join switch (with node 1), per node a gateway router bound to its chassis and its external switch. */
  const gatewayRouter = (n: number) => {
    const gr = `GR_node${n}`;
    return [
      ...(n === 1
        ? [
            '--',
            'ls-add',
            'join',
            '--',
            ...routerLinkArgs('cluster', 'rtoj-cluster', '0a:58:64:40:00:01', '100.64.0.1/16', 'join', 'jtor-cluster'),
          ]
        : []),
      ...['--', 'lr-add', gr, '--', 'set', 'Logical_Router', gr, `options:chassis=hv${n}`],
      '--',
      ...routerLinkArgs(gr, `rtoj-${gr}`, mac(n, 250), `100.64.${n >> 8}.${(n & 0xff) + 1}/16`, 'join', `jtor-${gr}`),
      ...['--', 'ls-add', `ext_node${n}`],
      '--',
      ...routerLinkArgs(gr, `rtoe-${gr}`, mac(n, 251), `172.16.${n >> 8}.${n & 0xff}/16`, `ext_node${n}`, `etor-${gr}`),
    ];
  };
  const central = await startPodCluster(sb, {
    nodes: NODES,
    pods: PODS,
    routed,
    podGroup: 'none',
    ...(SHAPE === 'ovnk' ? { perNode: gatewayRouter } : {}),
  });
  const { sbdb, nbctl, hv } = central;
  const sbc = await OvsdbClient.connect(sbdb.remotes.unix);
  const rep = await sbc.monitor(sbModel);
  const sbRows = Object.values(rep.snapshot()).reduce((a, t) => a + (t as ReadonlyMap<string, unknown>).size, 0);

  /** Start a controller, wait until node 1's pods are up and nb_cfg is reported; then its memory/show. */
  async function run(kind: 'ovnts' | 'real', monitorAll: boolean): Promise<Record<string, number>> {
    await hv.vsctl('set', 'Open_vSwitch', '.', `external_ids:ovn-monitor-all=${monitorAll}`);
    await nbctl('--wait=sb', 'sync');
    const target = [...rep.table('SB_Global').values()][0]!.nb_cfg;
    const { daemon, env } = await startBenchController(sb, hv, kind, `${kind}-${monitorAll}`);
    await waitFor('chassis caught up', () => caughtUp(rep, target), 600_000, 20);
    await new Promise((r) => setTimeout(r, 1000)); // let the heap settle
    const mem = await sb.runOk('ovn-appctl', ['-t', 'ovn-controller', 'memory/show'], { env });
    const out: Record<string, number> = {};
    for (const m of mem.matchAll(/([\w-]+):(\d+)/g)) out[m[1]!] = Number(m[2]);
    const status = readFileSync(`/proc/${daemon.pid}/status`, 'utf8');
    out['VmRSS-kB'] = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    await sb.runOk('ovn-appctl', ['-t', 'ovn-controller', 'exit'], { env });
    await waitFor('exit', () => !daemon.alive, 30_000);
    await forgetChassis(central, hv);
    return out;
  }

  const results: [string, Record<string, number>][] = [];
  for (const kind of ['ovnts', 'real'] as const)
    for (const all of [false, true]) results.push([`${kind} monitor-all=${all}`, await run(kind, all)]);
  await sbc.close();
  console.log(
    `\nslice bench: ${SHAPE}, ${NODES} nodes x ${PODS} pods, SB ${sbRows} rows (${rep.table('Logical_Flow').size} lflows, ${rep.table('Port_Binding').size} port bindings)`,
  );
  const cols = ['sb-rows', 'idl-cells-OVN_Southbound', 'sb-bytes-received', 'VmRSS-kB'];
  console.log(['controller'.padEnd(24), ...cols.map((c) => c.padStart(26))].join(''));
  for (const [name, r] of results)
    console.log([name.padEnd(24), ...cols.map((c) => (r[c] === undefined ? '-' : String(r[c])).padStart(26))].join(''));
} finally {
  await sb.stop();
}
