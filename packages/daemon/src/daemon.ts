// Running as an OVS-style daemon: vlog logging through pino, --detach (the parent returns once the
// child is ready), the fcntl-locked pidfile, the control socket with the commands every OVS daemon
// has (exit, version, list-commands, vlog/*, memory/show, event-loop/show), signals and an orderly exit.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { getHeapSpaceStatistics } from 'node:v8';
import type { Logger } from 'pino';
import { createPidfile, type HeldPidfile } from './pidfile.js';
import { UnixctlError, UnixctlServer } from './unixctl.js';
import { runDir, type DaemonConfig } from './options.js';
import { Vlog } from './vlog/vlog.js';
import { LoopMonitor, formatLoopStats } from './loop-monitor.js';
import { adjustHeapGrowth, HEAP_CHECK_MS, heapPolicyOn } from './heap-growth.js';
import { formatIdleTrim, IdleTrim } from './idle-trim.js';
import { VlogSpecError } from './vlog/spec.js';
import { vlogLogger, type ComponentModule } from './vlog/pino-stream.js';

const DETACHED_ENV = 'OVNTS_DETACHED_CHILD';

export interface DaemonSetup {
  readonly cfg: DaemonConfig;
  /** The ovnts binary's own name (messages before logging starts). */
  readonly ovntsName: string;
  /** The program's log modules besides the common ones. */
  readonly modules: readonly string[];
  /** Module of log records that name none. */
  readonly defaultModule: string;
  /** pino `component` bindings → module. */
  readonly components?: Readonly<Record<string, ComponentModule>>;
  /** The `version` reply. */
  readonly version: string;
}

/** A message for the user and exit status 1, before or instead of running. */
export class DaemonStartError extends Error {
  override readonly name = 'DaemonStartError';
}

/** The logging state for `cfg`: -v specs applied in order (errors as OVS words them). */
export function createVlog(setup: Pick<DaemonSetup, 'cfg' | 'modules'>, consoleFd = 2): Vlog {
  const vlog = new Vlog({
    program: setup.cfg.program,
    modules: setup.modules,
    json: setup.cfg.logFormat === 'json',
    consoleFd,
  });
  for (const spec of setup.cfg.verbose) {
    if (spec === '') vlog.setLevels(null, null, 'dbg');
    else
      try {
        vlog.apply(spec);
      } catch (e) {
        if (e instanceof VlogSpecError) throw new DaemonStartError(`processing "${spec}": ${e.message}`);
        throw e;
      }
  }
  return vlog;
}

/** True in the background child that --detach started. */
export function isDetachedChild(): boolean {
  return !!process.env[DETACHED_ENV];
}

/**
 * --detach: start this program again in the background and resolve with the exit status once the child
 * reports it is ready (0) or failed (1, its message on stderr).
 */
export function detachAndWait(ovntsName: string): Promise<number> {
  const args = process.argv.slice(2).filter((a) => a !== '--detach');
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, ...args], {
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    // The child's environment is the parent's: a launcher's settings (ovnts-controller's MALLOC_ARENA_MAX) apply
    // to a detached daemon as to one in the foreground.
    env: { ...process.env, [DETACHED_ENV]: '1' },
  });
  return new Promise((resolve) => {
    child.on('message', (m: { ready?: boolean; error?: string; stdout?: string }) => {
      if (m.error) {
        process.stderr.write(`${ovntsName}: ${m.error}\n`);
        resolve(1);
      } else if (m.ready) {
        if (m.stdout) process.stdout.write(m.stdout);
        child.disconnect();
        child.unref();
        resolve(0);
      }
    });
    child.on('exit', (code) => {
      process.stderr.write(`${ovntsName}: exited during startup (status ${code})\n`);
      resolve(1);
    });
  });
}

/**
 * How every ovnts program starts its daemon part: bad -v specs are refused before --detach (with the
 * parent's stderr), --detach runs the program again in the background and exits with its start-up
 * status, and start-up errors (pidfile, log file, control socket) go to `fail`.
 */
export async function launchDaemon(setup: DaemonSetup, fail: (message: string) => never): Promise<Daemon> {
  try {
    createVlog(setup, -1);
  } catch (e) {
    fail((e as Error).message);
  }
  if (setup.cfg.detach && !isDetachedChild()) process.exit(await detachAndWait(setup.ovntsName));
  try {
    return await Daemon.start(setup);
  } catch (e) {
    if (e instanceof DaemonStartError) fail(e.message);
    throw e;
  }
}

export class Daemon {
  readonly logger: Logger;
  private pidfile: HeldPidfile | undefined;
  private readonly exitHooks: (() => Promise<void> | void)[] = [];
  private exiting = false;
  /** Event-loop stalls (`event-loop/show`; a WARN line for each one past a second, as OVS's timeval). */
  readonly loop: LoopMonitor;
  /** The idle compaction (idle-trim.ts), in a process that applies the heap policy (heap-growth.ts). */
  readonly idleTrim: IdleTrim | undefined;
  private lastHeapCheck = 0;

  private constructor(
    readonly setup: DaemonSetup,
    readonly vlog: Vlog,
    readonly ctl: UnixctlServer,
  ) {
    this.logger = vlogLogger(vlog, { defaultModule: setup.defaultModule, components: setup.components ?? {} });
    this.idleTrim = heapPolicyOn()
      ? new IdleTrim({ onCollect: (r) => vlog.log('memory', 'dbg', formatIdleTrim(r)) })
      : undefined;
    this.loop = new LoopMonitor({
      onLongStall: (ms) => vlog.log('timeval', 'warn', `Unreasonably long ${ms}ms poll interval`),
      onTick: () => this.periodic(),
    });
  }

  /**
   * Become the daemon (in the process that stays): open the log file, take the pidfile, listen on the
   * control socket. Throws DaemonStartError with the reason.
   */
  static async start(setup: DaemonSetup): Promise<Daemon> {
    const { cfg } = setup;
    const vlog = createVlog(setup);
    if (cfg.logFile) {
      try {
        vlog.setLogFile(cfg.logFile);
      } catch (e) {
        vlog.log('vlog', 'warn', `failed to open ${cfg.logFile} for logging: ${(e as Error).message}`);
      }
    }
    if (cfg.syslogTarget) vlog.setSyslogTarget(cfg.syslogTarget);
    const ctlPath = cfg.unixctl ?? path.join(runDir(process.env), `${cfg.program}.${process.pid}.ctl`);
    const ctl = new UnixctlServer(ctlPath, setup.version, (why) => vlog.log('unixctl', 'warn', why));
    const d = new Daemon(setup, vlog, ctl);
    if (cfg.pidfile) {
      try {
        d.pidfile = await createPidfile(cfg.pidfile, cfg.overwritePidfile);
      } catch (e) {
        throw new DaemonStartError((e as Error).message);
      }
      if (!d.pidfile.locked)
        vlog.log('daemon_unix', 'warn', `${cfg.pidfile}: could not lock (no fcntl); appctl -t will refuse it`);
    }
    d.registerCommon();
    d.loop.start();
    try {
      await d.ctl.listen();
    } catch (e) {
      d.pidfile?.remove();
      throw new DaemonStartError(`${ctlPath}: binding failed: ${(e as Error).message}`);
    }
    // As OVS's fatal-signal handling: one WARN line, then the orderly exit.
    const signals = { SIGTERM: [15, 'Terminated'], SIGINT: [2, 'Interrupt'], SIGHUP: [1, 'Hangup'] } as const;
    for (const [sig, [num, text]] of Object.entries(signals)) {
      process.removeAllListeners(sig);
      process.on(sig, () => {
        if (!d.exiting) vlog.log('fatal_signal', 'warn', `terminating with signal ${num} (${text})`);
        void d.exit(0);
      });
    }
    // As OVS daemons do, report the peak memory once things have settled.
    setTimeout(() => {
      const rss = process.resourceUsage().maxRSS;
      vlog.log('memory', 'info', `${rss} kB peak resident set size after 10.0 seconds`);
    }, 10_000).unref();
    return d;
  }

  /**
   * Tell a detaching parent that start-up is complete (it prints `stdout` for the daemon, whose own
   * stdout is closed: ovn-nbctl's server prints its control socket); then leave the working directory
   * as OVS does.
   */
  ready(stdout?: string): void {
    if (!process.send && stdout) process.stdout.write(stdout);
    if (process.send) {
      process.send({ ready: true, ...(stdout ? { stdout } : {}) });
      process.disconnect();
    }
    if (isDetachedChild() && !this.setup.cfg.noChdir) process.chdir('/');
  }

  /** Work to finish before exiting (close connections, release locks), run in reverse order. */
  onExit(fn: () => Promise<void> | void): void {
    this.exitHooks.push(fn);
  }

  /** Exit after the hooks, the control socket and the pidfile are done (once). */
  async exit(code: number): Promise<never> {
    if (!this.exiting) {
      this.exiting = true;
      for (const fn of this.exitHooks.reverse()) await Promise.resolve(fn()).catch(() => {});
      // Closing the socket waits for the client of an `exit` command to read its reply (bounded).
      await Promise.race([this.ctl.close(), new Promise((r) => setTimeout(r, 1000).unref())]);
      this.pidfile?.remove();
      process.exit(code);
    }
    return new Promise<never>(() => {});
  }

  private registerCommon(): void {
    const { ctl, vlog } = this;
    ctl.register('exit', '', 0, 0, () => {
      setImmediate(() => void this.exit(0));
    });
    ctl.register('vlog/set', '{spec | PATTERN:destination:pattern}', 0, Number.MAX_SAFE_INTEGER, (args) => {
      if (!args.length) vlog.setLevels(null, null, 'dbg');
      for (const a of args)
        try {
          vlog.apply(a);
        } catch (e) {
          throw new UnixctlError((e as Error).message);
        }
    });
    ctl.register('vlog/list', '', 0, 0, () => vlog.listLevels());
    ctl.register('vlog/list-pattern', '', 0, 0, () => vlog.listPatterns());
    ctl.register('vlog/reopen', '', 0, 0, () => {
      if (!vlog.logFile) throw new UnixctlError('Logging to file not configured');
      vlog.reopenLogFile();
    });
    ctl.register('vlog/close', '', 0, 0, () => vlog.closeLogFile());
    // No ovnts message is rate-limited (each is written), so these switches have nothing to turn on or off;
    // they are accepted for scripts written against OVS daemons.
    ctl.register('vlog/enable-rate-limit', '[module]...', 0, Number.MAX_SAFE_INTEGER, () => {});
    ctl.register('vlog/disable-rate-limit', '[module]...', 0, Number.MAX_SAFE_INTEGER, () => {});
    ctl.register('memory/show', '', 0, 0, () => memoryText(() => this.allMemoryCounters()));
    ctl.register('event-loop/show', '', 0, 0, () => formatLoopStats(this.loop.stats()));
    ctl.register('event-loop/reset', '', 0, 0, () => this.loop.reset());
  }

  /** Extra `memory/show` counters (name → value), as OVN adds its IDL cell counts. */
  memoryCounters: () => Record<string, number> = () => ({});

  /** The heap checks, on the loop monitor's tick (one timer for all of a daemon's periodic checks). */
  private periodic(): void {
    const now = performance.now();
    if (now - this.lastHeapCheck >= HEAP_CHECK_MS) {
      this.lastHeapCheck = now;
      adjustHeapGrowth();
    }
    this.idleTrim?.tick();
  }

  private allMemoryCounters(): Record<string, number> {
    const t = this.idleTrim?.stats();
    return {
      ...this.memoryCounters(),
      ...(t
        ? {
            'idle-compactions': t.collections,
            'idle-compaction-cpu-ms': t.cpuMs,
            'idle-compaction-held-freed-kB': t.heldFreedKb,
            'idle-compaction-rss-freed-kB': t.rssFreedKb,
          }
        : {}),
    };
  }
}

function memoryText(extra: () => Record<string, number>): string {
  const m = process.memoryUsage();
  const counters: Record<string, number> = {
    ...extra(),
    'rss-kB': Math.round(m.rss / 1024),
    'heap-used-kB': Math.round(m.heapUsed / 1024),
    // What V8 holds for the heap (used + free space it keeps), and memory outside it (Buffers).
    'heap-total-kB': Math.round(m.heapTotal / 1024),
    'external-kB': Math.round(m.external / 1024),
    // The part of external held by ArrayBuffers (Buffers included).
    'array-buffers-kB': Math.round(m.arrayBuffers / 1024),
  };
  // Where the held heap is: each V8 space's size (new space: both semi-spaces; old; code; large objects...).
  for (const sp of getHeapSpaceStatistics())
    counters[`heap-${sp.space_name.replace(/_space$/, '').replace(/_/g, '-')}-kB`] = Math.round(sp.space_size / 1024);
  return Object.entries(counters)
    .map(([k, v]) => `${k}:${v}`)
    .join(' ');
}
