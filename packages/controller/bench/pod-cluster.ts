// The controller benches' cluster, built once here: an ovn-kubernetes-like NB on the real ovn-northd (node
// switches node1…nodeN of pods p<n>-2…, each switch on the cluster router through rtos-node<n>/stor-node<n>, a
// port group `pods` with two ACLs), fake chassis hv2…hvN that hold the other nodes' pods, and chassis hv1 (a
// real ovs-vswitchd) with node 1's pods plugged as internal interfaces. No controller runs on hv1 yet: each
// bench starts the ones it compares.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
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

/** NB and SB with the real ovn-northd between them; the ctl commands wait up to 10 minutes (large NBs, load). */
export async function startCentral(sb: Sandbox): Promise<Central> {
  const { nb, sb: sbdb } = await sb.startCentral();
  await sb.startRealNorthd(nb.remotes.unix, sbdb.remotes.unix);
  const ctl =
    (tool: string, db: OvsdbServer): Ctl =>
    (...a) =>
      sb.runOk(tool, [`--db=${db.remotes.unix}`, '--timeout=600', ...a], { timeoutMs: 600_000 });
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

/** The node switches and their pods (one transaction a node), then the port group and its ACLs. */
export async function addPodNodes(nbctl: Ctl, o: PodNodes): Promise<void> {
  const routed = o.routed ?? true;
  const group = o.podGroup ?? 'all';
  if (routed) await nbctl('lr-add', 'cluster');
  if (group !== 'none') await nbctl('pg-add', 'pods');
  for (let n = 1; n <= o.nodes; n++) {
    const a = ['ls-add', `node${n}`, ...(o.perNode?.(n) ?? [])];
    if (routed)
      a.push(
        '--',
        ...routerLinkArgs('cluster', `rtos-node${n}`, mac(n, 1), `${ip(n, 1)}/24`, `node${n}`, `stor-node${n}`),
      );
    const last = o.pods + 2 + (n === 1 ? (o.spare ?? 0) : 0);
    for (let p = 2; p < last; p++) {
      const name = `p${n}-${p}`;
      a.push('--', 'lsp-add', `node${n}`, name, '--', 'lsp-set-addresses', name, `${mac(n, p)} ${ip(n, p)}`);
      a.push('--', 'lsp-set-port-security', name, `${mac(n, p)} ${ip(n, p)}`);
    }
    await nbctl(...a);
  }
  if (group === 'none') return;
  // Once, at the end: per node it made the setup quadratic.
  if (group === 'all')
    await nbctl(
      'pg-set-ports',
      'pods',
      ...Array.from({ length: o.pods * o.nodes }, (_, i) => `p${Math.floor(i / o.pods) + 1}-${(i % o.pods) + 2}`),
    );
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

/** The whole cluster: central, the NB of `o`, the fake chassis and their pods, hv1 with node 1's pods plugged. */
export async function startPodCluster(sb: Sandbox, o: PodNodes): Promise<PodCluster> {
  const c = await startCentral(sb);
  await addPodNodes(c.nbctl, o);
  await bindRemotePods(c, o.nodes);
  const hv = await sb.startChassis({ sbRemote: c.sbdb.remotes.unix });
  if (o.pods > 0) await hv.vsctl(...plugArgs(2, o.pods));
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
  const args = ['--detach', '--no-chdir', '--pidfile', '--log-file', '-vconsole:off', hv.db.remotes.unix];
  if (kind === 'ovnts') {
    const bin = path.join(ROOT, 'packages/controller/bin/ovnts-controller.js');
    // Node run by hand skips the launcher's shebang: its node flags (heap sizing) are passed here, as a
    // deployment running the launcher gets them (with its environment settings).
    const shebang = launcherShebang(bin);
    await sb.runOk(process.execPath, [...shebang.nodeFlags, ...nodeArgs, bin, ...args], {
      env: { ...env, ...shebang.env },
    });
  } else await sb.runOk('ovn-controller', args, { env });
  const pid = Number(readFileSync(path.join(dir, 'ovn-controller.pid'), 'utf8').trim());
  return { daemon: sb.own(new Daemon(`${kind}-controller`, pid, path.join(dir, 'ovn-controller.log'))), env };
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
