// Entry point of ovnts-northd: options, logging, pidfile, --detach, signals; the work is in daemon/.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { Northd } from '../daemon/northd.js';
import { parseOptions, USAGE, UsageError, type DaemonOptions } from '../daemon/options.js';

const DETACHED_ENV = 'OVNTS_NORTHD_DETACHED';

function fail(msg: string): never {
  if (process.send) process.send({ error: msg });
  process.stderr.write(`ovnts-northd: ${msg}\n`);
  process.exit(1);
}

/** Re-run ourselves in the background and return once the child reports it is up. */
function detach(): void {
  const self = fileURLToPath(import.meta.url);
  const args = process.argv.slice(2).filter((a) => a !== '--detach');
  const child = spawn(process.execPath, [...process.execArgv, self, ...args], {
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    env: { ...process.env, [DETACHED_ENV]: '1' },
  });
  child.on('message', (m: { ready?: boolean; error?: string }) => {
    if (m.error) {
      process.stderr.write(`ovnts-northd: ${m.error}\n`);
      process.exit(1);
    }
    if (m.ready) {
      child.disconnect();
      child.unref();
      process.exit(0);
    }
  });
  child.on('exit', (code) => {
    process.stderr.write(`ovnts-northd: exited during startup (status ${code})\n`);
    process.exit(1);
  });
}

function makeLogger(o: DaemonOptions): Logger {
  if (o.logFile) {
    mkdirSync(path.dirname(o.logFile), { recursive: true });
    return pino(
      { level: o.logLevel, base: { name: 'ovnts-northd' } },
      pino.destination({ dest: o.logFile, sync: true }),
    );
  }
  return pino({ level: o.logLevel, base: { name: 'ovnts-northd' } }, pino.destination({ dest: 2, sync: true }));
}

async function main(): Promise<void> {
  let o: DaemonOptions;
  try {
    o = parseOptions(process.argv.slice(2), process.env);
  } catch (e) {
    if (e instanceof UsageError) fail(`${e.message} (use --help for help)`);
    throw e;
  }
  if (o.help) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  if (o.version) {
    process.stdout.write('ovnts-northd 0.1.0 (OVN 23.03 logical flow dialect)\n');
    return;
  }
  if (o.detach && !process.env[DETACHED_ENV]) return detach();

  const log = makeLogger(o);
  if (o.pidfile) {
    try {
      mkdirSync(path.dirname(o.pidfile), { recursive: true });
      writeFileSync(o.pidfile, `${process.pid}\n`);
    } catch (e) {
      fail(`cannot write pidfile ${o.pidfile}: ${(e as Error).message}`);
    }
  }
  const cleanup = () => {
    if (o.pidfile) rmSync(o.pidfile, { force: true });
  };
  log.info({ nb: o.nbRemote, sb: o.sbRemote, dryRun: o.dryRun }, 'ovnts-northd starting');
  if (process.send) {
    process.send({ ready: true });
    process.disconnect();
  }

  let northd: Northd | undefined;
  let stopping = false;
  const stop = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    log.info('%s: exiting', sig);
    await northd?.stop().catch(() => {});
    cleanup();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGHUP', () => void stop('SIGHUP'));

  // The databases may not be up yet: keep trying, as ovn-northd does.
  while (!northd && !stopping) {
    try {
      northd = await Northd.start({
        nbRemote: o.nbRemote,
        sbRemote: o.sbRemote,
        logger: log,
        dryRun: o.dryRun,
        unixctl: o.unixctl,
        noIncremental: o.noIncremental,
      });
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'cannot connect to the databases yet; retrying');
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

main().catch((e: unknown) => {
  fail((e as Error).message);
});
