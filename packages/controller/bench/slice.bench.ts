// What conditional monitoring saves: one chassis hosting node 1's pods, the built ovnts-controller (its own
// process) with ovn-monitor-all=false and =true, and the real ovn-controller the same two ways. Reported: SB
// rows and IDL cells replicated, SB bytes received (ovnts), RSS once the flows are installed.
// Shapes (BENCH_SHAPE): `switches` — NODES disjoint node switches (the slice is one switch); `router` — the
// same switches on one cluster router (every switch is local through the router); `ovnk` — as `router`, plus
// ovn-kubernetes' join switch and, per node, a gateway router bound to that node's chassis with its external
// switch (other nodes' gateway routers are not local: the l3gateway ports stop the walk).
// Run: npx tsc -b packages/controller && npx vite-node --config vitest.config.ts packages/controller/bench/slice.bench.ts
//      (BENCH_NODES, BENCH_PODS, BENCH_SHAPE)
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Daemon, Sandbox, waitFor } from '@ovnts/test-harness/servers';
import { OvsdbClient, type Uuid } from 'ovsdb-client-ts';
import { model as sbModel } from '@ovnts/schema/sb';

const NODES = Number(process.env['BENCH_NODES'] ?? 20);
const PODS = Number(process.env['BENCH_PODS'] ?? 20);
const SHAPE = process.env['BENCH_SHAPE'] ?? 'switches';
const ROOT = path.resolve(import.meta.dirname, '../../..');
const ip = (node: number, host: number) => `10.${128 + (node >> 8)}.${node & 0xff}.${host}`;
const mac = (node: number, host: number) =>
  `0a:58:${[128 + (node >> 8), node & 0xff, host >> 8, host & 0xff].map((x) => x.toString(16).padStart(2, '0')).join(':')}`;

const sb = new Sandbox('ovnts-slice-');
try {
  const { nb, sb: sbdb } = await sb.startCentral();
  await sb.startRealNorthd(nb.remotes.unix, sbdb.remotes.unix);
  const nbctl = (...a: string[]) =>
    sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, '--timeout=600', ...a], { timeoutMs: 600_000 });
  const sbctl = (...a: string[]) =>
    sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, '--timeout=600', ...a], { timeoutMs: 600_000 });
  const routed = SHAPE === 'router' || SHAPE === 'ovnk';
  if (routed) await nbctl('lr-add', 'cluster');
  /** Router port `lrp` of `lr` and its peer `lsp` on switch `ls`. */
  const link = (lr: string, lrp: string, macAddr: string, net: string, ls: string, lsp: string) => [
    ...['--', 'lrp-add', lr, lrp, macAddr, net, '--', 'lsp-add', ls, lsp, '--', 'lsp-set-type', lsp, 'router'],
    ...['--', 'lsp-set-addresses', lsp, 'router', '--', 'lsp-set-options', lsp, `router-port=${lrp}`],
  ];
  if (SHAPE === 'ovnk')
    await nbctl(
      'ls-add',
      'join',
      ...link('cluster', 'rtoj-cluster', '0a:58:64:40:00:01', '100.64.0.1/16', 'join', 'jtor-cluster'),
    );
  for (let n = 1; n <= NODES; n++) {
    const a: string[] = ['ls-add', `node${n}`];
    if (SHAPE === 'ovnk') {
      const gr = `GR_node${n}`;
      a.push('--', 'lr-add', gr, '--', 'set', 'Logical_Router', gr, `options:chassis=hv${n}`);
      a.push(...link(gr, `rtoj-${gr}`, mac(n, 250), `100.64.${n >> 8}.${(n & 0xff) + 1}/16`, 'join', `jtor-${gr}`));
      a.push('--', 'ls-add', `ext_node${n}`);
      a.push(...link(gr, `rtoe-${gr}`, mac(n, 251), `172.16.${n >> 8}.${n & 0xff}/16`, `ext_node${n}`, `etor-${gr}`));
    }
    if (routed)
      a.push(
        ...['--', 'lrp-add', 'cluster', `rtos-node${n}`, mac(n, 1), `${ip(n, 1)}/24`],
        ...['--', 'lsp-add', `node${n}`, `stor-node${n}`, '--', 'lsp-set-type', `stor-node${n}`, 'router'],
        ...['--', 'lsp-set-addresses', `stor-node${n}`, 'router'],
        ...['--', 'lsp-set-options', `stor-node${n}`, `router-port=rtos-node${n}`],
      );
    for (let p = 2; p < PODS + 2; p++) {
      const name = `p${n}-${p}`;
      a.push('--', 'lsp-add', `node${n}`, name, '--', 'lsp-set-addresses', name, `${mac(n, p)} ${ip(n, p)}`);
      a.push('--', 'lsp-set-port-security', name, `${mac(n, p)} ${ip(n, p)}`);
    }
    await nbctl(...a);
  }
  const fake: string[] = [];
  for (let n = 2; n <= NODES; n++) fake.push('--', 'chassis-add', `hv${n}`, 'geneve', `127.0.${n >> 8}.${n & 0xff}`);
  if (fake.length) await sbctl(...fake.slice(1));
  await nbctl('--wait=sb', 'sync');
  // The other nodes' pods are bound to their (fake) chassis.
  const sbc = await OvsdbClient.connect(sbdb.remotes.unix);
  const rep = await sbc.monitor(sbModel);
  const chassisByName = new Map([...rep.table('Chassis').values()].map((c) => [c.name, c._uuid]));
  const txn = sbc.transaction(sbModel);
  for (const pb of rep.table('Port_Binding').values()) {
    const m = /^p(\d+)-\d+$/.exec(pb.logical_port);
    if (m && Number(m[1]) > 1)
      txn.update('Port_Binding', [['_uuid', '==', pb._uuid]], {
        chassis: chassisByName.get(`hv${m[1]}`) as Uuid<'Chassis'>,
      });
  }
  await txn.commit();

  const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
  const add: string[] = [];
  for (let p = 2; p < PODS + 2; p++)
    add.push('--', 'add-port', 'br-int', `pod${p}`, '--', 'set', 'Interface', `pod${p}`, 'type=internal');
  add.push('--', 'set', 'Interface', 'pod2', 'external_ids:iface-id=p1-2');
  for (let p = 3; p < PODS + 2; p++) add.push('--', 'set', 'Interface', `pod${p}`, `external_ids:iface-id=p1-${p}`);
  await hv.vsctl(...add.slice(1));
  const sbRows = Object.values(rep.snapshot()).reduce((a, t) => a + (t as ReadonlyMap<string, unknown>).size, 0);

  /** Start a controller, wait until node 1's pods are up and nb_cfg is reported; then its memory/show. */
  async function run(kind: 'ovnts' | 'real', monitorAll: boolean): Promise<Record<string, number>> {
    await hv.vsctl('set', 'Open_vSwitch', '.', `external_ids:ovn-monitor-all=${monitorAll}`);
    await nbctl('--wait=sb', 'sync');
    const target = [...rep.table('SB_Global').values()][0]!.nb_cfg;
    const dir = sb.file(`${kind}-${monitorAll}`);
    mkdirSync(dir, { recursive: true });
    const env = { ...hv.env, OVN_RUNDIR: dir, OVS_LOGDIR: dir };
    const args = ['--detach', '--no-chdir', '--pidfile', '--log-file', '-vconsole:off', hv.db.remotes.unix];
    if (kind === 'ovnts')
      await sb.runOk(process.execPath, [path.join(ROOT, 'packages/controller/bin/ovnts-controller.js'), ...args], {
        env,
      });
    else await sb.runOk('ovn-controller', args, { env });
    const pid = Number(readFileSync(path.join(dir, 'ovn-controller.pid'), 'utf8').trim());
    const daemon = sb.own(new Daemon(`${kind}-controller`, pid, path.join(dir, 'ovn-controller.log')));
    await waitFor(
      'chassis caught up',
      () => {
        const priv = [...rep.table('Chassis_Private').values()].find((p) => p.name === 'hv1');
        if (!priv || priv.nb_cfg < target) return false;
        const me = [...rep.table('Chassis').values()].find((c) => c.name === 'hv1')?._uuid;
        const local = [...rep.table('Port_Binding').values()].filter((pb) => pb.logical_port.startsWith('p1-'));
        return local.every((pb) => pb.up === true && pb.chassis === me);
      },
      600_000,
      20,
    );
    await new Promise((r) => setTimeout(r, 1000)); // let the heap settle
    const mem = await sb.runOk('ovn-appctl', ['-t', 'ovn-controller', 'memory/show'], { env });
    const out: Record<string, number> = {};
    for (const m of mem.matchAll(/([\w-]+):(\d+)/g)) out[m[1]!] = Number(m[2]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    out['VmRSS-kB'] = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    await sb.runOk('ovn-appctl', ['-t', 'ovn-controller', 'exit'], { env });
    await waitFor('exit', () => !daemon.alive, 30_000);
    await sbctl('--if-exists', 'chassis-del', 'hv1');
    await sbctl('--if-exists', 'destroy', 'Chassis_Private', 'hv1').catch(() => '');
    await hv.ofctl('-O', 'OpenFlow15', 'del-flows', hv.mgmt());
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
