// The controller benches' cluster, built once here: an ovn-kubernetes-like NB on the real ovn-northd (node
// switches node1…nodeN of pods p<n>-2…, each switch on the cluster router through rtos-node<n>/stor-node<n>, a
// port group `pods` with two ACLs), fake chassis hv2…hvN that hold the other nodes' pods, and chassis hv1 (a
// real ovs-vswitchd) with node 1's pods plugged as internal interfaces. No controller runs on hv1 yet: each
// bench starts the ones it compares.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { OvsdbClient, type Replica, type Uuid } from 'ovsdb-client-ts';
import { model as sbModel } from '@ovnts/schema/sb';
import { launcherShebang } from '@ovnts/daemon/launcher';
import { type Chassis, Daemon, type OvsdbServer, routerLinkArgs, type Sandbox } from '@ovnts/test-harness/servers';

const ROOT = path.resolve(import.meta.dirname, '../../..');

/** `ovn-nbctl`/`ovn-sbctl` bound to the cluster's databases (stdout). */
export type Ctl = (...args: string[]) => Promise<string>;

export const ip = (node: number, host: number) => `10.${128 + (node >> 8)}.${node & 0xff}.${host}`;
export const mac = (node: number, host: number) =>
  `0a:58:${[128 + (node >> 8), node & 0xff, host >> 8, host & 0xff].map((x) => x.toString(16).padStart(2, '0')).join(':')}`;

export interface Central {
  readonly nb: OvsdbServer;
  readonly sbdb: OvsdbServer;
  readonly nbctl: Ctl;
  readonly sbctl: Ctl;
}

/** NB and SB with the real ovn-northd between them; the ctl commands wait up to 30 minutes (large NBs, load). */
export async function startCentral(sb: Sandbox): Promise<Central> {
  const c = await startDatabases(sb);
  await sb.startRealNorthd(c.nb.remotes.unix, c.sbdb.remotes.unix);
  return c;
}

/** NB and SB without a northd yet (start it once the NB is built: see startPodCluster). */
export async function startDatabases(sb: Sandbox): Promise<Central> {
  const { nb, sb: sbdb } = await sb.startCentral();
  const ctl =
    (tool: string, db: OvsdbServer): Ctl =>
    (...a) =>
      sb.runOk(tool, [`--db=${db.remotes.unix}`, '--timeout=1800', ...a], { timeoutMs: 1_800_000 });
  return { nb, sbdb, nbctl: ctl('ovn-nbctl', nb), sbctl: ctl('ovn-sbctl', sbdb) };
}

export interface PodNodes {
  readonly nodes: number;
  readonly pods: number;
  /** Pods after the first `pods` on node 1: in the NB, not plugged (port-add plugs them one by one). */
  readonly spare?: number;
  /** Node switches on the cluster router (default), or disjoint. */
  readonly routed?: boolean;
  /** Port group `pods` with the two ACLs: all pods in it, none (the ACLs match nothing), or no group at all. */
  readonly podGroup?: 'all' | 'empty' | 'none';
  /**
   * More ovn-nbctl arguments in node n's transaction, after its switch (the cluster router, if any, exists by
   * then) and before its router port: e.g. a gateway router.
   */
  readonly perNode?: (n: number) => string[];
}

/**
 * Bytes of arguments in one ovn-nbctl run (Linux allows 2 MiB of arguments and environment). Each run downloads
 * the whole NB and is one transaction: nodes go in as few runs as fit.
 */
const NBCTL_ARG_BYTES = 1 << 20;

/**
 * The node switches and their pods (as many nodes a transaction as fit), then the port group's ACLs. A pod is
 * created with its addresses and port security as lsp-add, lsp-set-addresses and lsp-set-port-security make it,
 * but by reference: ovn-nbctl finds a port by name by walking every port, and at 300x100 its lookups (three per
 * pod, then pg-set-ports' 30k) were billions of string comparisons.
 */
export async function addPodNodes(nbctl: Ctl, o: PodNodes): Promise<void> {
  const routed = o.routed ?? true;
  const group = o.podGroup ?? 'all';
  if (routed) await nbctl('lr-add', 'cluster');
  if (group !== 'none') await nbctl('pg-add', 'pods');
  let batch: string[] = [];
  let bytes = 0;
  for (let n = 1; n <= o.nodes; n++) {
    const a = ['ls-add', `node${n}`, ...(o.perNode?.(n) ?? [])];
    if (routed)
      a.push(
        '--',
        ...routerLinkArgs('cluster', `rtos-node${n}`, mac(n, 1), `${ip(n, 1)}/24`, `node${n}`, `stor-node${n}`),
      );
    const last = o.pods + 2 + (n === 1 ? (o.spare ?? 0) : 0);
    const refs: string[] = [];
    for (let p = 2; p < last; p++) {
      const ref = `@p${n}_${p}`;
      const addr = `"${mac(n, p)} ${ip(n, p)}"`;
      a.push('--', `--id=${ref}`, 'create', 'Logical_Switch_Port', `name=p${n}-${p}`);
      a.push(`addresses=${addr}`, `port_security=${addr}`);
      refs.push(ref);
    }
    if (refs.length) a.push('--', 'add', 'Logical_Switch', `node${n}`, 'ports', ...refs);
    // The group holds the first `pods` of each node (not node 1's spare ones).
    if (group === 'all' && o.pods > 0) a.push('--', 'add', 'Port_Group', 'pods', 'ports', ...refs.slice(0, o.pods));
    const size = a.reduce((sum, x) => sum + x.length + 1, 0);
    if (batch.length > 0 && bytes + size > NBCTL_ARG_BYTES) {
      await nbctl(...batch);
      batch = [];
      bytes = 0;
    }
    batch.push(...(batch.length > 0 ? ['--'] : []), ...a);
    bytes += size + 3;
  }
  if (batch.length > 0) await nbctl(...batch);
  if (group === 'none') return;
  await nbctl('acl-add', 'pods', 'to-lport', '1001', 'outport == @pods && tcp.dst == {80, 443}', 'allow-related');
  await nbctl('acl-add', 'pods', 'to-lport', '1000', 'outport == @pods && ip4', 'drop');
}

/** Fake chassis hv2…hvN (one transaction), and every pod of node n > 1 bound to hv<n> (one SB transaction). */
export async function bindRemotePods(c: Central, nodes: number): Promise<void> {
  const fake: string[] = [];
  for (let n = 2; n <= nodes; n++) fake.push('--', 'chassis-add', `hv${n}`, 'geneve', `127.0.${n >> 8}.${n & 0xff}`);
  if (fake.length) await c.sbctl(...fake.slice(1));
  await c.nbctl('--wait=sb', 'sync');
  // No inactivity probe: on a loaded box the SB server may take longer than a probe interval to answer.
  const sbc = await OvsdbClient.connect(c.sbdb.remotes.unix, { inactivityProbeMs: 0 });
  try {
    const rep = await sbc.monitor(sbModel, { tables: ['Chassis', 'Port_Binding'] });
    const chassisByName = new Map([...rep.table('Chassis').values()].map((ch) => [ch.name, ch._uuid]));
    const txn = sbc.transaction(sbModel);
    for (const pb of rep.table('Port_Binding').values()) {
      const m = /^p(\d+)-\d+$/.exec(pb.logical_port);
      if (m && Number(m[1]) > 1)
        txn.update('Port_Binding', [['_uuid', '==', pb._uuid]], {
          chassis: chassisByName.get(`hv${m[1]}`) as Uuid<'Chassis'>,
        });
    }
    await txn.commit();
  } finally {
    await sbc.close();
  }
}

/** ovs-vsctl arguments plugging pods p1-<first>… as internal interfaces pod<first>… of br-int. */
export function plugArgs(first: number, count: number): string[] {
  const a: string[] = [];
  for (let p = first; p < first + count; p++)
    a.push('--', 'add-port', 'br-int', `pod${p}`, '--', 'set', 'Interface', `pod${p}`, 'type=internal');
  for (let p = first; p < first + count; p++)
    a.push('--', 'set', 'Interface', `pod${p}`, `external_ids:iface-id=p1-${p}`);
  return a.slice(1);
}

export interface PodCluster extends Central {
  readonly hv: Chassis;
}

/**
 * The whole cluster: central, the NB of `o`, the fake chassis and their pods, hv1 with node 1's pods plugged.
 * The real northd starts once the NB is built: running, it recomputed the whole SB for each NB transaction
 * (the 300x100 setup had not finished after 65 min at load 30).
 */
export async function startPodCluster(sb: Sandbox, o: PodNodes): Promise<PodCluster> {
  let t = performance.now();
  const phase = (what: string) => {
    const now = performance.now();
    console.log(`setup: ${what} ${((now - t) / 1000).toFixed(1)} s (load ${loadavg()[0]!.toFixed(1)})`);
    t = now;
  };
  const c = await startDatabases(sb);
  await addPodNodes(c.nbctl, o);
  phase('NB built');
  await sb.startRealNorthd(c.nb.remotes.unix, c.sbdb.remotes.unix);
  await bindRemotePods(c, o.nodes);
  phase('northd, SB and remote pods bound');
  const hv = await sb.startChassis({ sbRemote: c.sbdb.remotes.unix });
  if (o.pods > 0) await hv.vsctl(...plugArgs(2, o.pods));
  phase('hv1 plugged');
  return { ...c, hv };
}

/** A controller on hv1 as a deployment starts it (`--detach --pidfile --log-file`), in its own run directory. */
export interface BenchController {
  readonly daemon: Daemon;
  /** The environment that reaches it with `ovn-appctl -t ovn-controller`. */
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Starts the built ovnts-controller (node given `nodeArgs` first, e.g. --cpu-prof) or the real ovn-controller on
 * `hv`, with its pidfile, log and control socket in `<sandbox>/<dirName>`.
 */
export async function startBenchController(
  sb: Sandbox,
  hv: Chassis,
  kind: 'ovnts' | 'real',
  dirName: string,
  nodeArgs: readonly string[] = [],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<BenchController> {
  const dir = sb.file(dirName);
  mkdirSync(dir, { recursive: true });
  const env = { ...hv.env, ...extraEnv, OVN_RUNDIR: dir, OVS_LOGDIR: dir };
  // BENCH_CONTROLLER_ARGS: more options for either controller, e.g. "-vmain:file:dbg".
  const more = (process.env['BENCH_CONTROLLER_ARGS'] ?? '').split(' ').filter(Boolean);
  const args = ['--detach', '--no-chdir', '--pidfile', '--log-file', '-vconsole:off', ...more, hv.db.remotes.unix];
  if (kind === 'ovnts') {
    const bin = path.join(ROOT, 'packages/controller/bin/ovnts-controller.js');
    // Node run by hand skips the launcher's shebang: its node flags (heap sizing) are passed here, as a
    // deployment running the launcher gets them (with its environment settings).
    const shebang = launcherShebang(bin);
    // BENCH_CONTROLLER_BUNDLE: another build's bundle (dist/bundle/ovnts-controller.mjs copied aside, within
    // packages/controller/dist/bundle/), run with this launcher's flags: an A/B of two builds in the same
    // minutes (BENCH_AB="BENCH_CONTROLLER_BUNDLE=...").
    const entry = extraEnv['BENCH_CONTROLLER_BUNDLE'] ?? bin;
    if (entry !== bin) checkBundle(entry);
    await sb.runOk(process.execPath, [...shebang.nodeFlags, ...nodeArgs, entry, ...args], {
      env: { ...env, ...shebang.env },
    });
  } else await sb.runOk('ovn-controller', args, { env });
  const pid = Number(readFileSync(path.join(dir, 'ovn-controller.pid'), 'utf8').trim());
  return { daemon: sb.own(new Daemon(`${kind}-controller`, pid, path.join(dir, 'ovn-controller.log'))), env };
}

/**
 * A bundle copied where its native module (koffi) does not resolve would run as another program: no
 * pidfile lock, no malloc_trim, refused by ovn-appctl. Refuse it here, naming where to copy it.
 */
function checkBundle(entry: string): void {
  try {
    createRequire(path.resolve(entry)).resolve('koffi');
  } catch {
    throw new Error(
      `BENCH_CONTROLLER_BUNDLE=${entry}: koffi does not resolve from there; copy the bundle into packages/controller/dist/bundle/`,
    );
  }
}

type SbReplica = Replica<typeof sbModel>;

/** Whether hv1 has reported nb_cfg `target` with every pod of node 1 up and bound to it. */
export function caughtUp(rep: SbReplica, target: number): boolean {
  const priv = [...rep.table('Chassis_Private').values()].find((p) => p.name === 'hv1');
  if (!priv || priv.nb_cfg < target) return false;
  const me = [...rep.table('Chassis').values()].find((c) => c.name === 'hv1')?._uuid;
  const local = [...rep.table('Port_Binding').values()].filter((pb) => pb.logical_port.startsWith('p1-'));
  return local.every((pb) => pb.up === true && pb.chassis === me);
}

/** After a controller exited: hv1 forgotten by the SB and its switch emptied, for the next one to start cold. */
export async function forgetChassis(c: Central, hv: Chassis): Promise<void> {
  await c.sbctl('--if-exists', 'chassis-del', 'hv1');
  await c.sbctl('--if-exists', 'destroy', 'Chassis_Private', 'hv1').catch(() => '');
  await hv.ofctl('-O', 'OpenFlow15', 'del-flows', hv.mgmt());
  await hv.ofctl('-O', 'OpenFlow15', 'del-groups', hv.mgmt());
  // The tunnel ports the controller made: the next one starts on a chassis with none, as the first did
  // (with them left, it found every tunnel's ofport at once and installed the remote ports' flows a round early).
  const tunnels = (await hv.vsctl('--bare', '--columns=name', 'find', 'Interface', 'type=geneve'))
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  for (const t of tunnels) await hv.vsctl('--if-exists', 'del-port', t);
}
