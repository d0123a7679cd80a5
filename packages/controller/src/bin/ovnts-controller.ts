// Entry point of ovnts-controller: parse options, start the controller, stop cleanly on SIGTERM/SIGINT.
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { pino } from 'pino';
import { ConfigError } from '../config.js';
import { startController } from '../controller.js';
import { USAGE, UsageError, parseCli } from '../options.js';

async function main(): Promise<number> {
  let cli;
  try {
    cli = parseCli(process.argv.slice(2), process.env);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`ovnts-controller: ${e.message}\n${USAGE}`);
      return 1;
    }
    throw e;
  }
  if (cli.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (cli.detach && !process.env['OVNTS_DETACHED']) {
    const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, OVNTS_DETACHED: '1' },
    });
    child.unref();
    return 0;
  }
  const logger = pino(
    { level: cli.logLevel },
    cli.logFile ? pino.destination({ dest: cli.logFile, sync: true, mkdir: true }) : pino.destination(2),
  );
  if (cli.pidfile) writeFileSync(cli.pidfile, `${process.pid}\n`);
  try {
    const handle = await startController({ ovsRemote: cli.ovsRemote, logger });
    logger.info({ chassis: handle.chassisName }, 'ovnts-controller started');
    await new Promise<void>((resolve) => {
      const onSignal = (sig: string) => {
        logger.info({ signal: sig }, 'exiting');
        resolve();
      };
      // The daemon owns its signals: a dev runner (vite-node) installs a SIGTERM hook that exits at once,
      // which would skip the graceful cleanup below.
      process.removeAllListeners('SIGTERM');
      process.once('SIGTERM', () => onSignal('SIGTERM'));
      process.once('SIGINT', () => onSignal('SIGINT'));
    });
    await handle.stop({ cleanup: true });
    return 0;
  } catch (e) {
    const msg = e instanceof ConfigError ? e.message : e instanceof Error ? e.message : String(e);
    logger.error(msg);
    process.stderr.write(`ovnts-controller: ${msg}\n`);
    return 1;
  } finally {
    if (cli.pidfile) rmSync(cli.pidfile, { force: true });
  }
}

process.exitCode = await main();
