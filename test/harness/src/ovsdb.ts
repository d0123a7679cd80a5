// Private ovsdb-server instances: standalone or a Raft cluster on loopback.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Daemon, startDetached, waitFor } from './daemon.js';
import { run, runOk } from './tools.js';

export type DbKind = 'nb' | 'sb' | 'vswitch';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The pinned schema for each database (equal to the installed one; test/schema-drift.test.ts checks). */
export const SCHEMA_FILE: Readonly<Record<DbKind, string>> = {
  nb: path.join(repoRoot, 'schemas/ovn-nb.ovsschema'),
  sb: path.join(repoRoot, 'schemas/ovn-sb.ovsschema'),
  vswitch: path.join(repoRoot, 'schemas/vswitch.ovsschema'),
};

export const DB_NAME: Readonly<Record<DbKind, string>> = {
  nb: 'OVN_Northbound',
  sb: 'OVN_Southbound',
  vswitch: 'Open_vSwitch',
};

/** A TCP port that was free a moment ago (for Raft addresses, which must be known before the server starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface Remotes {
  /** `unix:<path>` */
  readonly unix: string;
  /** `tcp:127.0.0.1:<port>` */
  readonly tcp: string;
}

export interface OvsdbServerOptions {
  /** Directory for the db file, socket, log and pidfile. */
  dir: string;
  /** Base name for files (`<name>.db`, `<name>.sock`, …). */
  name: string;
  kind: DbKind;
  env: NodeJS.ProcessEnv;
  /** Extra ovsdb-server arguments (e.g. TLS options or extra remotes). */
  extraArgs?: readonly string[];
  /** An existing database file to serve instead of creating one (cluster members). */
  dbFile?: string;
}

/** One ovsdb-server process serving one database file over a unix socket and loopback TCP. */
export class OvsdbServer {
  private daemon: Daemon | undefined;
  private port = 0;
  readonly dbFile: string;
  readonly sock: string;
  readonly ctl: string;
  readonly logFile: string;
  readonly pidFile: string;

  private constructor(readonly opts: OvsdbServerOptions) {
    const base = path.join(opts.dir, opts.name);
    this.dbFile = opts.dbFile ?? `${base}.db`;
    this.sock = `${base}.sock`;
    this.ctl = `${base}.ctl`;
    this.logFile = `${base}.log`;
    this.pidFile = `${base}.pid`;
  }

  static async start(opts: OvsdbServerOptions): Promise<OvsdbServer> {
    const s = new OvsdbServer(opts);
    if (!existsSync(s.dbFile))
      await runOk('ovsdb-tool', ['create', s.dbFile, SCHEMA_FILE[opts.kind]], { env: opts.env });
    await s.launch();
    return s;
  }

  get remotes(): Remotes {
    return { unix: `unix:${this.sock}`, tcp: `tcp:127.0.0.1:${this.port}` };
  }

  get pid(): number {
    return this.daemon?.pid ?? 0;
  }

  get alive(): boolean {
    return this.daemon?.alive ?? false;
  }

  get dbName(): string {
    return DB_NAME[this.opts.kind];
  }

  private async launch(): Promise<void> {
    const args = [
      `--pidfile=${this.pidFile}`,
      `--log-file=${this.logFile}`,
      `--unixctl=${this.ctl}`,
      `--remote=punix:${this.sock}`,
      // Port 0 on first start; the same port again on restart so clients' remotes stay valid.
      `--remote=ptcp:${this.port}:127.0.0.1`,
      ...(this.opts.extraArgs ?? []),
      this.dbFile,
    ];
    const logBefore = this.port === 0 ? '' : await readFile(this.logFile, 'utf8').catch(() => '');
    this.daemon = await startDetached(
      `ovsdb-server ${this.opts.name}`,
      'ovsdb-server',
      args,
      this.pidFile,
      this.logFile,
      this.opts.env,
    );
    if (this.port === 0) {
      const log = (await readFile(this.logFile, 'utf8')).slice(logBefore.length);
      const m = /0:127\.0\.0\.1: listening on port (\d+)/.exec(log);
      if (!m) throw new Error(`ovsdb-server ${this.opts.name}: no TCP port in ${this.logFile}`);
      this.port = Number(m[1]);
    }
  }

  /** Run `ovs-appctl -t <ctl> …` against this server. */
  appctl(...args: string[]): Promise<string> {
    return runOk('ovs-appctl', ['-t', this.ctl, ...args], { env: this.opts.env });
  }

  async stop(): Promise<void> {
    await this.daemon?.stop();
  }

  /** SIGKILL, as a crash. */
  async kill(): Promise<void> {
    await this.daemon?.kill();
  }

  /** Start again on the same files and the same TCP port (after stop() or kill()). */
  async restart(): Promise<void> {
    if (this.daemon?.alive) await this.daemon.stop();
    await this.launch();
  }

  log(): Promise<string> {
    return readFile(this.logFile, 'utf8').catch(() => '');
  }
}

/** A Raft cluster of ovsdb-servers on loopback. */
export class OvsdbCluster {
  private constructor(
    readonly kind: DbKind,
    readonly members: OvsdbServer[],
  ) {}

  static async start(opts: {
    dir: string;
    name: string;
    kind: DbKind;
    env: NodeJS.ProcessEnv;
    size?: number;
  }): Promise<OvsdbCluster> {
    const size = opts.size ?? 3;
    const ports: number[] = [];
    while (ports.length < size) {
      const p = await freePort();
      if (!ports.includes(p)) ports.push(p);
    }
    const files = ports.map((_, i) => path.join(opts.dir, `${opts.name}${i + 1}.db`));
    const raft = (i: number) => `tcp:127.0.0.1:${ports[i]}`;
    await runOk('ovsdb-tool', ['create-cluster', files[0]!, SCHEMA_FILE[opts.kind], raft(0)], { env: opts.env });
    for (let i = 1; i < size; i++) {
      await runOk('ovsdb-tool', ['join-cluster', files[i]!, DB_NAME[opts.kind], raft(i), raft(0)], { env: opts.env });
    }
    const members: OvsdbServer[] = [];
    try {
      // Members that joined wait for the others; start them all, each detaches once it has opened its file.
      for (let i = 0; i < size; i++) {
        members.push(
          await OvsdbServer.start({
            dir: opts.dir,
            name: `${opts.name}${i + 1}`,
            kind: opts.kind,
            env: opts.env,
            dbFile: files[i]!,
          }),
        );
      }
      const cluster = new OvsdbCluster(opts.kind, members);
      await waitFor(
        'the cluster to elect a leader and admit every member',
        async () => (await cluster.joinedCount()) === size,
        30_000,
        100,
      );
      return cluster;
    } catch (e) {
      await Promise.all(members.map((m) => m.stop()));
      throw e;
    }
  }

  /** Comma-separated remote lists, as OVN tools take them. */
  get remotes(): Remotes {
    return {
      unix: this.members.map((m) => m.remotes.unix).join(','),
      tcp: this.members.map((m) => m.remotes.tcp).join(','),
    };
  }

  /** `cluster/status` of one member, or '' if it does not answer. */
  async status(i: number): Promise<string> {
    const m = this.members[i]!;
    if (!m.alive) return '';
    const r = await run('ovs-appctl', ['-t', m.ctl, 'cluster/status', m.dbName], { env: m.opts.env, timeoutMs: 5_000 });
    return r.code === 0 ? r.stdout : '';
  }

  private async joinedCount(): Promise<number> {
    let joined = 0;
    let leaders = 0;
    for (let i = 0; i < this.members.length; i++) {
      const s = await this.status(i);
      if (/^Status: cluster member$/m.test(s)) joined++;
      if (/^Role: leader$/m.test(s)) leaders++;
    }
    return leaders === 1 ? joined : 0;
  }

  /** Index of the current leader (waits for an election if needed). */
  async leader(timeoutMs = 15_000): Promise<number> {
    let idx = -1;
    await waitFor(
      'a Raft leader',
      async () => {
        for (let i = 0; i < this.members.length; i++) {
          if (/^Role: leader$/m.test(await this.status(i))) {
            idx = i;
            return true;
          }
        }
        return false;
      },
      timeoutMs,
      100,
    );
    return idx;
  }

  async stop(): Promise<void> {
    await Promise.all(this.members.map((m) => m.stop()));
  }
}
