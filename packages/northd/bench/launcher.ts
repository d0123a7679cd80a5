// How the benches start ovnts-northd: as `bin/ovnts-northd.js` runs when executed (what npm links as the
// `ovnts-northd` command), i.e. node with the flags of the launcher's `#!/usr/bin/env -S node …` line,
// plus any extra flags (e.g. --cpu-prof), then the launcher, which loads dist/.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launcherShebang } from '@ovnts/daemon/launcher';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const LAUNCHER = path.join(ROOT, 'packages/northd/bin/ovnts-northd.js');
export const DIST_BIN = path.join(ROOT, 'packages/northd/dist/bin/ovnts-northd.js');

/**
 * Command and arguments (before the daemon's own) that start the built daemon as its launcher does: node with the
 * launcher's flags, run by env when its first line also sets environment variables (env execs node: same pid).
 * `script` replaces the launcher (an older build for an A/B: a copy of the launcher importing that build's bundle).
 */
export function northdCommand(
  extraNodeFlags: readonly string[] = [],
  script: string = LAUNCHER,
): { cmd: string; args: string[] } {
  if (!existsSync(DIST_BIN)) throw new Error(`${DIST_BIN} is missing: run npx tsc -b packages/northd`);
  const { env, nodeFlags } = launcherShebang(LAUNCHER);
  const node = [process.execPath, ...nodeFlags, ...extraNodeFlags, script];
  const sets = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  return sets.length ? { cmd: '/usr/bin/env', args: [...sets, ...node] } : { cmd: node[0]!, args: node.slice(1) };
}

/**
 * The benches' ovnts-northd: `npx tsc -b packages/northd` and its bundle (scripts/bundle.mjs) first (unless BENCH_NO_BUILD), then the command of
 * northdCommand with BENCH_NODE_FLAGS after the launcher's flags; `how` says which build it runs. A failed
 * build runs the existing dist, with a warning, and is said in `how`.
 */
export function builtNorthdCommand(): { cmd: string; args: string[]; how: string; extraNodeFlags: string[] } {
  let how = 'node dist (BENCH_NO_BUILD: not rebuilt)';
  if (!process.env['BENCH_NO_BUILD']) {
    const r = spawnSync(path.join(ROOT, 'node_modules/.bin/tsc'), ['-b', 'packages/northd'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (r.status === 0) {
      how = 'node dist (freshly built)';
      // The launcher's one-file bundle of that dist (it runs dist instead if this fails: the bundle is older).
      const b = spawnSync(process.execPath, ['packages/northd/scripts/bundle.mjs'], { cwd: ROOT, encoding: 'utf8' });
      if (b.status === 0) how = 'node dist bundle (freshly built)';
      else console.warn(`warning: the bundle of ovnts-northd failed, dist runs:\n  ${(b.stdout + b.stderr).trim()}`);
    } else {
      const why = (r.stdout + r.stderr).trim().split('\n').slice(0, 5).join('\n  ');
      if (!existsSync(DIST_BIN)) throw new Error(`npx tsc -b packages/northd failed and there is no dist:\n  ${why}`);
      console.warn(`warning: npx tsc -b packages/northd failed; using the existing dist:\n  ${why}`);
      how = 'node dist (STALE: build failed)';
    }
  }
  const extra = (process.env['BENCH_NODE_FLAGS'] ?? '').split(' ').filter(Boolean);
  return { ...northdCommand(extra), how, extraNodeFlags: extra };
}
