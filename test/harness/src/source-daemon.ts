// One of this repo's daemons (ovnts-northd, ovnts-controller) run from its TypeScript source with vite-node
// (no build needed), or from the build as its installed command, as a separate process: what a test that kills, signals or reads the logs of a daemon
// needs. The process writes its pidfile itself (--pidfile), as the installed binary does.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launcherShebang } from '@ovnts/daemon/launcher';
import { Daemon, waitFor } from './daemon.js';

/** What this needs of a Sandbox (named structurally: sandbox.ts imports this module). */
interface SandboxLike {
  readonly env: NodeJS.ProcessEnv;
  file(name: string): string;
  own<T extends { stop(): Promise<void> }>(thing: T): T;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const VITE_NODE = path.join(ROOT, 'node_modules/.bin/vite-node');

/**
 * Start `entry` (a path from the repository root, e.g. packages/controller/src/bin/ovnts-controller.ts)
 * with `args` plus --pidfile/--log-file in the sandbox, named `name`; resolves once its pidfile names it.
 * The sandbox stops it at teardown.
 */
export async function startFromSource(
  sb: SandboxLike,
  name: string,
  entry: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = sb.env,
): Promise<Daemon> {
  return spawnDaemon(
    sb,
    name,
    VITE_NODE,
    ['--config', path.join(ROOT, 'vitest.config.ts'), path.join(ROOT, entry)],
    args,
    env,
  );
}

/**
 * Start a built daemon as its installed command runs: node with the flags of the launcher's
 * `#!/usr/bin/env [-S] [VAR=value …] node …` line (and its environment settings), then the launcher (e.g. packages/northd/bin/ovnts-northd.js, which loads
 * dist/; `npm run build` first). What measures the daemon itself needs (its resident size without vite-node's).
 * `nodeFlags` go after the launcher's own (a later V8 flag wins): an A/B of node or V8 flags on one build.
 */
export async function startBuilt(
  sb: SandboxLike,
  name: string,
  launcher: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = sb.env,
  nodeFlags: readonly string[] = [],
): Promise<Daemon> {
  const file = path.join(ROOT, launcher);
  const shebang = launcherShebang(file);
  // The launcher's plain dist entry ('../dist/….js'; a bundle beside it, '….mjs', is optional).
  const dist = /'(\.\.\/dist\/[^']+\.js)'/.exec(readFileSync(file, 'utf8'))?.[1];
  if (dist && !existsSync(path.resolve(path.dirname(file), dist)))
    throw new Error(`${file}: ${dist} is missing: npm run build`);
  return spawnDaemon(sb, name, process.execPath, [...shebang.nodeFlags, ...nodeFlags, file], args, {
    ...env,
    ...shebang.env,
  });
}

async function spawnDaemon(
  sb: SandboxLike,
  name: string,
  cmd: string,
  pre: readonly string[],
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<Daemon> {
  const pidFile = sb.file(`${name}.pid`);
  const logFile = sb.file(`${name}.log`);
  const child = spawn(cmd, [...pre, ...args, `--pidfile=${pidFile}`, `--log-file=${logFile}`], {
    cwd: ROOT,
    env,
    stdio: 'ignore',
  });
  child.unref();
  // The child is the daemon (vite-node too runs it in its own process): own it before waiting, so a
  // start that times out is still stopped at teardown.
  if (!child.pid) throw new Error(`${name}: could not start ${cmd}`);
  const daemon = sb.own(new Daemon(name, child.pid, logFile));
  // The file may exist a moment before its content does: wait for a complete pid.
  const readPid = () => (existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) || 0 : 0);
  // vite-node transforms the sources first: seconds on an idle machine, much longer on a loaded one.
  await waitFor(`${name} pidfile`, () => readPid() !== 0, 90_000);
  const pid = readPid();
  if (pid !== child.pid) throw new Error(`${name}: pidfile says ${pid}, expected ${child.pid}`);
  return daemon;
}
