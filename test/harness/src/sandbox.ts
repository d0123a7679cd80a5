// A Sandbox is one private temp dir with everything a test started in it: OVSDB servers, the real
// ovn-northd / ovs-vswitchd / ovn-controller (or ours), network namespaces. stop() tears all of it down,
// in reverse order, and removes the dir. Nothing is global, so test files can run in parallel.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Daemon, startDetached, waitFor } from './daemon.js';
import { OvsdbCluster, OvsdbServer, type DbKind } from './ovsdb.js';
import { run, runOk, tool } from './tools.js';
import { startFromSource } from './source-daemon.js';

/** Programs every sandbox needs; checked up front so a missing install fails loudly with the fix. */
const REQUIRED = ['ovsdb-server', 'ovsdb-tool', 'ovs-appctl'];

export interface Stoppable {
  stop(): Promise<void>;
}

export interface Vm {
  readonly name: string;
  /** The kernel interface name inside the namespace. */
  readonly ifname: string;
  readonly netns: string;
  readonly mac: string;
  readonly ip: string;
  /** Run a command inside the VM's namespace. */
  exec(cmd: string, args: readonly string[], timeoutMs?: number): ReturnType<typeof run>;
}

export class Sandbox {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  private readonly owned: Stoppable[] = [];
  private readonly namespaces: string[] = [];
  private stopped = false;

  constructor(prefix = 'ovnts-') {
    for (const t of REQUIRED) tool(t);
    this.dir = mkdtempSync(path.join(os.tmpdir(), prefix));
    this.env = {
      ...process.env,
      OVS_RUNDIR: this.dir,
      OVS_LOGDIR: this.dir,
      OVS_DBDIR: this.dir,
      OVS_SYSCONFDIR: this.dir,
      OVN_RUNDIR: this.dir,
      OVN_LOGDIR: this.dir,
      OVN_DBDIR: this.dir,
      OVN_SYSCONFDIR: this.dir,
    };
  }

  /**
   * Register something to stop at teardown (last registered, first stopped). After teardown, it is
   * stopped at once and the caller gets an error: a test that timed out goes on running after vitest's
   * teardown, and whatever it starts then would otherwise outlive the run (daemons, namespaces).
   */
  own<T extends Stoppable>(thing: T): T {
    if (this.stopped) {
      void thing.stop().catch(() => undefined);
      throw new Error(`sandbox ${this.dir} was torn down (the test ran past its teardown, e.g. a timeout)`);
    }
    this.owned.push(thing);
    return thing;
  }

  file(name: string): string {
    return path.join(this.dir, name);
  }

  /** A standalone ovsdb-server for one database. */
  async startDb(kind: DbKind, opts: { name?: string; extraArgs?: readonly string[] } = {}): Promise<OvsdbServer> {
    return this.own(
      await OvsdbServer.start({
        dir: this.dir,
        name: opts.name ?? kind,
        kind,
        env: this.env,
        ...(opts.extraArgs ? { extraArgs: opts.extraArgs } : {}),
      }),
    );
  }

  /** A Raft cluster (3 members by default) for one database. */
  async startCluster(kind: DbKind, opts: { name?: string; size?: number } = {}): Promise<OvsdbCluster> {
    return this.own(
      await OvsdbCluster.start({
        dir: this.dir,
        name: opts.name ?? `${kind}-c`,
        kind,
        env: this.env,
        ...(opts.size ? { size: opts.size } : {}),
      }),
    );
  }

  /** Run a program with this sandbox's environment (OVS_RUNDIR etc. pointing here). */
  run(
    program: string,
    args: readonly string[],
    opts: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
  ) {
    return run(program, args, { ...opts, env: { ...this.env, ...opts.env } });
  }

  runOk(
    program: string,
    args: readonly string[],
    opts: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
  ) {
    return runOk(program, args, { ...opts, env: { ...this.env, ...opts.env } });
  }

  /** NB + SB servers with the NB initialised, as a central node has them. */
  async startCentral(): Promise<{ nb: OvsdbServer; sb: OvsdbServer }> {
    const nb = await this.startDb('nb');
    const sb = await this.startDb('sb');
    await this.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, 'init']);
    return { nb, sb };
  }

  /** The real ovn-northd 23.03 against the given NB/SB remotes. */
  async startRealNorthd(nbRemote: string, sbRemote: string, name = 'northd'): Promise<Daemon> {
    return this.own(
      await startDetached(
        'ovn-northd',
        'ovn-northd',
        [
          `--pidfile=${this.file(name + '.pid')}`,
          `--log-file=${this.file(name + '.log')}`,
          `--unixctl=${this.file(name + '.ctl')}`,
          `--ovnnb-db=${nbRemote}`,
          `--ovnsb-db=${sbRemote}`,
        ],
        this.file(name + '.pid'),
        this.file(name + '.log'),
        this.env,
      ),
    );
  }

  /**
   * An Open_vSwitch DB and a userspace (netdev) ovs-vswitchd with br-int, configured as an OVN chassis
   * whose SB is `sbRemote`. Start a controller (real or ours) separately. `name` keeps several chassis apart.
   */
  async startChassis(opts: {
    sbRemote: string;
    systemId?: string;
    name?: string;
    encapIp?: string;
    /** external_ids:ovn-encap-type (default geneve), e.g. `vxlan` or `geneve,vxlan`. */
    encapType?: string;
    bridgeMappings?: string;
  }): Promise<Chassis> {
    const name = opts.name ?? 'hv1';
    const db = await this.startDb('vswitch', { name: `${name}-conf` });
    const vsctl = (...args: string[]) => this.runOk('ovs-vsctl', [`--db=${db.remotes.unix}`, ...args]);
    await vsctl('--no-wait', 'init');
    // Each chassis needs its own rundir (br-int.mgmt) and its own network namespace: a netdev datapath creates
    // tap devices named after its bridges (br-int, ovs-netdev), which would collide between chassis and between
    // parallel test files in one namespace.
    const rundir = this.file(name);
    await runOk('mkdir', ['-p', rundir]);
    const netns = await this.addNetns(`${name}-host`);
    await runOk('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
    const env = { ...this.env, OVS_RUNDIR: rundir, OVN_RUNDIR: rundir };
    const vswitchd = this.own(
      await startDetached(
        `ovs-vswitchd ${name}`,
        'ovs-vswitchd',
        [
          `--pidfile=${this.file(name + '-vswitchd.pid')}`,
          `--log-file=${this.file(name + '-vswitchd.log')}`,
          `--unixctl=${this.file(name + '-vswitchd.ctl')}`,
          db.remotes.unix,
        ],
        this.file(name + '-vswitchd.pid'),
        this.file(name + '-vswitchd.log'),
        env,
        netns,
      ),
    );
    await vsctl(
      '--',
      'add-br',
      'br-int',
      '--',
      'set',
      'bridge',
      'br-int',
      'datapath_type=netdev',
      'fail-mode=secure',
      'other-config:disable-in-band=true',
    );
    const ids = [
      `external_ids:system-id=${opts.systemId ?? name}`,
      `external_ids:ovn-remote=${opts.sbRemote}`,
      `external_ids:ovn-encap-type=${opts.encapType ?? 'geneve'}`,
      `external_ids:ovn-encap-ip=${opts.encapIp ?? '127.0.0.1'}`,
      'external_ids:ovn-bridge-datapath-type=netdev',
    ];
    if (opts.bridgeMappings) ids.push(`external_ids:ovn-bridge-mappings=${opts.bridgeMappings}`);
    await vsctl('set', 'Open_vSwitch', '.', ...ids);
    return new Chassis(this, name, db, vswitchd, rundir, env, netns);
  }

  /**
   * A tiny HTTP server on `ip`:80 inside a namespace, stopped at teardown. It answers each request with
   * `body`, or with the client's address when `body` is omitted (to see what a NAT made of the source).
   */
  async startHttpServer(netns: string, ip: string, body?: string): Promise<void> {
    const reply = body === undefined ? 'q.socket.remoteAddress' : JSON.stringify(body);
    const code = `require('http').createServer((q, s) => s.end(${reply})).listen(80, '${ip}', () => console.log('up'))`;
    const server = spawn('ip', ['netns', 'exec', netns, process.execPath, '-e', code], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.own({
      stop: async () => {
        if (server.exitCode !== null || server.signalCode !== null) return;
        server.kill('SIGTERM');
        await once(server, 'exit');
      },
    });
    await once(server.stdout!, 'data');
  }

  /** Create a network namespace that is deleted at teardown. Needs root. */
  async addNetns(name: string): Promise<string> {
    const ns = `${path.basename(this.dir)}-${name}`.slice(0, 60);
    await runOk('ip', ['netns', 'add', ns]);
    if (this.stopped) {
      await run('ip', ['netns', 'del', ns]).catch(() => undefined);
      throw new Error(`sandbox ${this.dir} was torn down (the test ran past its teardown, e.g. a timeout)`);
    }
    this.namespaces.push(ns);
    return ns;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const errors: unknown[] = [];
    for (const thing of this.owned.reverse()) {
      try {
        await thing.stop();
      } catch (e) {
        errors.push(e);
      }
    }
    for (const ns of this.namespaces) await run('ip', ['netns', 'del', ns]).catch(() => undefined);
    // OVNTS_KEEP_SANDBOX=1 keeps the directory (logs, databases) for a look after a failure.
    if (process.env['OVNTS_KEEP_SANDBOX']) process.stderr.write(`sandbox kept: ${this.dir}\n`);
    else rmSync(this.dir, { recursive: true, force: true });
    if (errors.length) throw new AggregateError(errors, 'sandbox teardown had errors');
  }

  get isStopped(): boolean {
    return this.stopped && !existsSync(this.dir);
  }
}

/** One hypervisor: its Open_vSwitch DB, its ovs-vswitchd (netdev) and br-int. */
export class Chassis {
  constructor(
    readonly sandbox: Sandbox,
    readonly name: string,
    readonly db: OvsdbServer,
    readonly vswitchd: Daemon,
    readonly rundir: string,
    readonly env: NodeJS.ProcessEnv,
    /** The network namespace ovs-vswitchd runs in (its tap devices live there until moved). */
    readonly netns: string,
  ) {}

  /** The OpenFlow management socket of a bridge. */
  mgmt(bridge = 'br-int'): string {
    return `unix:${path.join(this.rundir, bridge + '.mgmt')}`;
  }

  vsctl(...args: string[]): Promise<string> {
    return runOk('ovs-vsctl', [`--db=${this.db.remotes.unix}`, ...args], { env: this.env });
  }

  ofctl(...args: string[]): Promise<string> {
    return runOk('ovs-ofctl', args, { env: this.env });
  }

  appctl(...args: string[]): Promise<string> {
    return runOk('ovs-appctl', ['-t', this.sandbox.file(this.name + '-vswitchd.ctl'), ...args], { env: this.env });
  }

  /** The real ovn-controller 23.03 for this chassis (`extraArgs`: e.g. sslArgs(certificate)). */
  async startRealController(extraArgs: readonly string[] = []): Promise<Daemon> {
    const f = (s: string) => this.sandbox.file(`${this.name}-controller.${s}`);
    return this.sandbox.own(
      await startDetached(
        `ovn-controller ${this.name}`,
        'ovn-controller',
        [`--pidfile=${f('pid')}`, `--log-file=${f('log')}`, ...extraArgs, this.db.remotes.unix],
        f('pid'),
        f('log'),
        this.env,
      ),
    );
  }
  /** ovnts-controller for this chassis, from source, as a process (`<name>-ovnts-controller.log`). */
  startOvntsController(extraArgs: readonly string[] = []): Promise<Daemon> {
    return startFromSource(
      this.sandbox,
      `${this.name}-ovnts-controller`,
      'packages/controller/src/bin/ovnts-controller.ts',
      ['-vinfo', ...extraArgs, this.db.remotes.unix],
      this.env,
    );
  }

  /**
   * A host on the physical network: an internal port of `bridge` (created as a plain netdev learning switch
   * if absent; map it with startChassis({ bridgeMappings })) moved into its own namespace with `ipCidr`.
   * With `vlan`, the host is an access port of that VLAN. Needs root.
   */
  async addPhysicalHost(name: string, ipCidr: string, opts: { bridge?: string; vlan?: number } = {}): Promise<Vm> {
    const bridge = opts.bridge ?? 'br-phys';
    const ifname = `p${randomBytes(5).toString('hex')}`;
    await this.vsctl(
      '--may-exist',
      'add-br',
      bridge,
      '--',
      'set',
      'bridge',
      bridge,
      'datapath_type=netdev',
      '--',
      'add-port',
      bridge,
      ifname,
      '--',
      'set',
      'Interface',
      ifname,
      'type=internal',
      ...(opts.vlan ? ['--', 'set', 'Port', ifname, `tag=${opts.vlan}`] : []),
    );
    await waitFor(
      `interface ${ifname}`,
      async () => (await run('ip', ['-n', this.netns, 'link', 'show', ifname])).code === 0,
      15_000,
    );
    const ns = await this.sandbox.addNetns(name);
    await runOk('ip', ['-n', this.netns, 'link', 'set', ifname, 'netns', ns]);
    await runOk('ip', ['-n', ns, 'addr', 'add', ipCidr, 'dev', ifname]);
    await runOk('ip', ['-n', ns, 'link', 'set', ifname, 'up']);
    await runOk('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    return {
      name,
      ifname,
      netns: ns,
      mac: '',
      ip: ipCidr.split('/')[0]!,
      exec: (cmd, args, timeoutMs) =>
        run('ip', ['netns', 'exec', ns, cmd, ...args], { timeoutMs: timeoutMs ?? 30_000 }),
    };
  }

  /**
   * A "VM": an internal port on br-int with external_ids:iface-id=<name>, moved into its own namespace
   * with the given MAC and IP (CIDR), and a default route when `gw` is given. Needs root.
   */
  async addVm(name: string, mac: string, ipCidr: string, gw?: string): Promise<Vm> {
    const ns = await this.sandbox.addNetns(name);
    // The kernel interface gets a machine-unique name (≤ 15 chars) so parallel sandboxes never collide;
    // the logical port name travels in iface-id.
    const ifname = `t${randomBytes(5).toString('hex')}`;
    await this.vsctl(
      'add-port',
      'br-int',
      ifname,
      '--',
      'set',
      'Interface',
      ifname,
      'type=internal',
      `external_ids:iface-id=${name}`,
    );
    await waitFor(
      `interface ${ifname}`,
      async () => (await run('ip', ['-n', this.netns, 'link', 'show', ifname])).code === 0,
      15_000,
    );
    await runOk('ip', ['-n', this.netns, 'link', 'set', ifname, 'netns', ns]);
    const nsx = (...args: string[]) => runOk('ip', ['netns', 'exec', ns, ...args]);
    await nsx('ip', 'link', 'set', ifname, 'address', mac);
    await nsx('ip', 'addr', 'add', ipCidr, 'dev', ifname);
    await nsx('ip', 'link', 'set', ifname, 'up');
    await nsx('ip', 'link', 'set', 'lo', 'up');
    if (gw) await nsx('ip', 'route', 'add', 'default', 'via', gw);
    return {
      name,
      ifname,
      netns: ns,
      mac,
      ip: ipCidr.split('/')[0]!,
      exec: (cmd, args, timeoutMs) =>
        run('ip', ['netns', 'exec', ns, cmd, ...args], { timeoutMs: timeoutMs ?? 30_000 }),
    };
  }
}
