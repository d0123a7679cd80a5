// Daemons started with --detach/--pidfile: readiness comes from the program itself (it detaches once it
// is serving), and every live pid is recorded so a crashing test process still kills what it started.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { runOk } from './tools.js';

const live = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // process.kill is synchronous, so this works even from the 'exit' event.
  process.on('exit', () => {
    for (const pid of live) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

/** True while the process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  // Field 3 (after the parenthesised command name) is the state.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}

export async function waitFor(
  what: string,
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  intervalMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export class Daemon {
  private stopped = false;
  constructor(
    readonly name: string,
    readonly pid: number,
    readonly logFile: string,
  ) {
    live.add(pid);
    installExitHook();
  }

  get alive(): boolean {
    return isAlive(this.pid);
  }

  /** Send a signal without waiting (SIGKILL to simulate a crash). */
  signal(sig: NodeJS.Signals): void {
    try {
      process.kill(this.pid, sig);
    } catch {
      // already gone
    }
  }

  /** Kill abruptly and wait until the process is gone. */
  async kill(): Promise<void> {
    this.signal('SIGKILL');
    await waitFor(`${this.name} (pid ${this.pid}) to die`, () => !this.alive, 5_000);
    live.delete(this.pid);
  }

  /** SIGTERM, then SIGKILL if it lingers. Idempotent. */
  async stop(graceMs = 3_000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (!this.alive) {
      live.delete(this.pid);
      return;
    }
    this.signal('SIGTERM');
    try {
      await waitFor(`${this.name} to exit`, () => !this.alive, graceMs);
    } catch {
      await this.kill();
    }
    live.delete(this.pid);
  }

  log(): Promise<string> {
    return readFile(this.logFile, 'utf8').catch(() => '');
  }
}

/**
 * Start an OVS-style daemon with --detach and return once it is serving. `args` must include
 * --pidfile=<pidFile> and --log-file=<logFile>. With `netns`, it runs inside that network namespace.
 */
export async function startDetached(
  name: string,
  program: string,
  args: readonly string[],
  pidFile: string,
  logFile: string,
  env: NodeJS.ProcessEnv,
  netns?: string,
  /** How long the start-up may take (a loaded machine needs longer). */
  timeoutMs = 20_000,
): Promise<Daemon> {
  const argv = ['--detach', '--no-chdir', ...args];
  if (netns) await runOk('ip', ['netns', 'exec', netns, program, ...argv], { env, timeoutMs });
  else await runOk(program, argv, { env, timeoutMs });
  const pid = Number((await readFile(pidFile, 'utf8')).trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`${name}: bad pidfile ${pidFile}`);
  return new Daemon(name, pid, logFile);
}
