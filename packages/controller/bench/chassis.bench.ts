// Full flow computation and installation for one chassis of a generated SB, ovnts-controller vs the real
// ovn-controller 23.03 in the same run. Topology (ovn-kubernetes-like): NODES node switches of PODS pods each,
// all attached to one cluster router, a port group of all pods with two ACLs (allow-related web, drop rest);
// chassis hv1 hosts node 1's pods, the other nodes' pods are bound to NODES-1 other (fake) chassis, so every
// switch is local through the router and remote pods go through tunnels.
// Run: npx vite-node --config vitest.config.ts packages/controller/bench/chassis.bench.ts   (BENCH_NODES, BENCH_PODS)
import { performance } from 'node:perf_hooks';
import { Sandbox, waitFor } from '@ovnts/test-harness/servers';
import { OvsdbClient, type Uuid } from 'ovsdb-client-ts';
import { model as sbModel } from '@ovnts/schema/sb';
import { model as vsModel } from '@ovnts/schema/vswitch';
import { LflowCache, bridgeIfaces, computeChassis, findBridge, startController } from '../src/index.js';

const NODES = Number(process.env['BENCH_NODES'] ?? 100);
const PODS = Number(process.env['BENCH_PODS'] ?? 50);
const ip = (node: number, host: number) => `10.${128 + (node >> 8)}.${node & 0xff}.${host}`;
const mac = (node: number, host: number) =>
  `0a:58:${[128 + (node >> 8), node & 0xff, host >> 8, host & 0xff].map((x) => x.toString(16).padStart(2, '0')).join(':')}`;

const sb = new Sandbox('ovnts-bench-');
const rows: string[][] = [];
try {
  const t0 = performance.now();
  const { nb, sb: sbdb } = await sb.startCentral();
  await sb.startRealNorthd(nb.remotes.unix, sbdb.remotes.unix);
  const nbctl = (...a: string[]) =>
    sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, '--timeout=600', ...a], { timeoutMs: 600_000 });
  const sbctl = (...a: string[]) =>
    sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, '--timeout=600', ...a], { timeoutMs: 600_000 });
  await nbctl('lr-add', 'cluster', '--', 'pg-add', 'pods');
  for (let n = 1; n <= NODES; n++) {
    const a: string[] = [
      'ls-add',
      `node${n}`,
      '--',
      'lrp-add',
      'cluster',
      `rtos-node${n}`,
      mac(n, 1),
      `${ip(n, 1)}/24`,
    ];
    a.push(
      '--',
      'lsp-add',
      `node${n}`,
      `stor-node${n}`,
      '--',
      'lsp-set-type',
      `stor-node${n}`,
      'router',
      '--',
      'lsp-set-addresses',
      `stor-node${n}`,
      'router',
    );
    a.push('--', 'lsp-set-options', `stor-node${n}`, `router-port=rtos-node${n}`);
    for (let p = 2; p < PODS + 2; p++) {
      const name = `p${n}-${p}`;
      a.push(
        '--',
        'lsp-add',
        `node${n}`,
        name,
        '--',
        'lsp-set-addresses',
        name,
        `${mac(n, p)} ${ip(n, p)}`,
        '--',
        'lsp-set-port-security',
        name,
        `${mac(n, p)} ${ip(n, p)}`,
      );
    }
    await nbctl(...a);
    await nbctl(
      'pg-set-ports',
      'pods',
      ...Array.from({ length: PODS * n }, (_, i) => `p${Math.floor(i / PODS) + 1}-${(i % PODS) + 2}`),
    );
  }
  await nbctl('acl-add', 'pods', 'to-lport', '1001', 'outport == @pods && tcp.dst == {80, 443}', 'allow-related');
  await nbctl('acl-add', 'pods', 'to-lport', '1000', 'outport == @pods && ip4', 'drop');
  const fake: string[] = [];
  for (let n = 2; n <= NODES; n++) fake.push('--', 'chassis-add', `hv${n}`, 'geneve', `127.0.${n >> 8}.${n & 0xff}`);
  if (fake.length) await sbctl(...fake.slice(1));
  await nbctl('--wait=sb', 'sync');
  // Bind the other nodes' pods to their chassis in one transaction.
  const sbc = await OvsdbClient.connect(sbdb.remotes.unix);
  const rep = await sbc.monitor(sbModel, {
    tables: ['Chassis', 'Port_Binding', 'Logical_Flow', 'Chassis_Private', 'SB_Global'],
  });
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
  const lflows = rep.table('Logical_Flow').size;
  const setupS = (performance.now() - t0) / 1000;

  const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
  const add: string[] = [];
  for (let p = 2; p < PODS + 2; p++)
    add.push(
      '--',
      'add-port',
      'br-int',
      `pod${p}`,
      '--',
      'set',
      'Interface',
      `pod${p}`,
      'type=internal',
      `external_ids:iface-id=p1-${p}`,
    );
  await hv.vsctl(...add.slice(1));
  const flowCount = async () =>
    Number(/flow_count=(\d+)/.exec(await hv.ofctl('-O', 'OpenFlow15', 'dump-aggregate', hv.mgmt()))?.[1] ?? 0);

  /** Time from start until the chassis reports the current nb_cfg (flows installed) with all local pods up. */
  async function measure(start: () => Promise<unknown>): Promise<number> {
    await nbctl('--wait=sb', 'sync'); // bumps nb_cfg
    const target = [...rep.table('SB_Global').values()][0]!.nb_cfg;
    const t = performance.now();
    await start();
    await waitFor(
      'chassis caught up',
      () => {
        const priv = [...rep.table('Chassis_Private').values()].find((p) => p.name === 'hv1');
        if (!priv || priv.nb_cfg < target) return false;
        const me = chassisByName.get('hv1') ?? [...rep.table('Chassis').values()].find((c) => c.name === 'hv1')?._uuid;
        const local = [...rep.table('Port_Binding').values()].filter((pb) => pb.logical_port.startsWith('p1-'));
        return local.every((pb) => pb.up === true && pb.chassis === me);
      },
      600_000,
      20,
    );
    return (performance.now() - t) / 1000;
  }
  const reset = async () => {
    await sbctl('--if-exists', 'chassis-del', 'hv1');
    await sbctl('--if-exists', 'destroy', 'Chassis_Private', 'hv1').catch(() => '');
    await hv.ofctl('-O', 'OpenFlow15', 'del-flows', hv.mgmt());
    await hv.ofctl('-O', 'OpenFlow15', 'del-groups', hv.mgmt());
  };

  // The real ovn-controller.
  const realS = await measure(() => hv.startRealController().then((d) => ((realDaemon = d), d)));
  const realFlows = await flowCount();
  await realDaemon!.stop();
  await reset();
  chassisByName.delete('hv1');

  // ovnts-controller, in this process.
  let handle: Awaited<ReturnType<typeof startController>> | undefined;
  const oursS = await measure(
    async () => (handle = await startController({ ovsRemote: hv.db.remotes.unix, rundir: hv.rundir })),
  );
  const oursFlows = await flowCount();
  const stats = handle!.stats();

  // The pure computation alone (median of 3), on the same snapshots.
  const vsc = await OvsdbClient.connect(hv.db.remotes.unix);
  const vs = (await vsc.monitor(vsModel, { tables: ['Open_vSwitch', 'Bridge', 'Port', 'Interface'] })).snapshot();
  const full = (await sbc.monitor(sbModel)).snapshot();
  const br = findBridge(vs, 'br-int')!;
  const times: number[] = [];
  let computed = 0;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    computed = computeChassis({
      sb: full,
      chassisName: 'hv1',
      ifaces: bridgeIfaces(vs, br),
      bridgeExternalIds: br.external_ids,
    }).flows.length;
    times.push(performance.now() - t);
  }
  const computeS = times.sort((a, b) => a - b)[1]! / 1000;
  // A recomputation after an unrelated change: every compiled logical flow comes from the cache.
  const cache = new LflowCache();
  computeChassis({
    sb: full,
    chassisName: 'hv1',
    ifaces: bridgeIfaces(vs, br),
    bridgeExternalIds: br.external_ids,
    cache,
  });
  const tw = performance.now();
  computeChassis({
    sb: full,
    chassisName: 'hv1',
    ifaces: bridgeIfaces(vs, br),
    bridgeExternalIds: br.external_ids,
    cache,
  });
  const warmS = (performance.now() - tw) / 1000;
  await handle!.stop({ cleanup: false });
  await vsc.close();
  await sbc.close();

  console.log(
    `\nchassis bench: ${NODES} nodes x ${PODS} pods = ${NODES * PODS} pods, ${lflows} logical flows, setup ${setupS.toFixed(1)} s`,
  );
  rows.push(['metric', 'ovnts-controller', 'ovn-controller', 'ratio (ovnts/real)']);
  rows.push([
    'start → flows installed, ports up, nb_cfg (s)',
    oursS.toFixed(2),
    realS.toFixed(2),
    (oursS / realS).toFixed(2),
  ]);
  rows.push(['OpenFlow flows installed', String(oursFlows), String(realFlows), (oursFlows / realFlows).toFixed(3)]);
  rows.push(['pure computation, cold, median of 3 (s)', computeS.toFixed(2), '-', '-']);
  rows.push(['pure recomputation, lflow cache warm (s)', warmS.toFixed(2), '-', '-']);
  rows.push(['flows computed / lflow compile errors', `${computed} / ${stats.lflowErrors}`, '-', '-']);
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(w[i]!)).join('  '));
} finally {
  await sb.stop();
}
var realDaemon: Awaited<ReturnType<Awaited<ReturnType<Sandbox['startChassis']>>['startRealController']>> | undefined;
