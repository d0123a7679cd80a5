// Start ovnts-northd from its TypeScript source (no build needed) as a separate process in a sandbox.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Daemon, waitFor, type Sandbox } from '@ovnts/test-harness';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const VITE_NODE = path.join(ROOT, 'node_modules/.bin/vite-node');
const ENTRY = path.join(ROOT, 'packages/northd/src/bin/ovnts-northd.ts');

export async function startOvntsNorthd(
  sb: Sandbox,
  nbRemote: string,
  sbRemote: string,
  opts: { name?: string; extraArgs?: readonly string[] } = {},
): Promise<Daemon> {
  const name = opts.name ?? 'ovnts-northd';
  const pidFile = sb.file(`${name}.pid`);
  const logFile = sb.file(`${name}.log`);
  const child = spawn(
    VITE_NODE,
    [
      '--config',
      path.join(ROOT, 'vitest.config.ts'),
      ENTRY,
      `--ovnnb-db=${nbRemote}`,
      `--ovnsb-db=${sbRemote}`,
      `--pidfile=${pidFile}`,
      `--log-file=${logFile}`,
      ...(opts.extraArgs ?? []),
    ],
    { cwd: ROOT, env: sb.env, stdio: 'ignore' },
  );
  child.unref();
  // vite-node runs the daemon in its own process, so the child is the daemon: own it before waiting, so a
  // start that times out is still stopped at teardown.
  if (!child.pid) throw new Error(`${name}: could not start ${VITE_NODE}`);
  const daemon = sb.own(new Daemon(name, child.pid, logFile));
  // The file may exist a moment before its content does: wait for a complete pid.
  const readPid = () => (existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) || 0 : 0);
  await waitFor(`${name} pidfile`, () => readPid() !== 0, 30_000);
  const pid = readPid();
  if (pid !== child.pid) throw new Error(`${name}: pidfile says ${pid}, expected ${child.pid}`);
  return daemon;
}
