// How the benches start ovnts-northd: as `bin/ovnts-northd.js` runs when executed (what npm links as the
// `ovnts-northd` command), i.e. node with the flags of the launcher's `#!/usr/bin/env -S node …` line,
// plus any extra flags (e.g. --cpu-prof), then the launcher, which loads dist/.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const LAUNCHER = path.join(ROOT, 'packages/northd/bin/ovnts-northd.js');
export const DIST_BIN = path.join(ROOT, 'packages/northd/dist/bin/ovnts-northd.js');

/** The node flags on the launcher's first line. */
export function launcherNodeFlags(file = LAUNCHER): string[] {
  const first = readFileSync(file, 'utf8').split('\n', 1)[0]!;
  const m = /^#!\/usr\/bin\/env(?: -S)? node((?: +\S+)*)\s*$/.exec(first);
  if (!m) throw new Error(`${file}: expected a "#!/usr/bin/env [-S] node [flags]" line, got ${first}`);
  return m[1]!.split(' ').filter(Boolean);
}

/** Command and arguments (before the daemon's own) that start the built daemon as its launcher does. */
export function northdCommand(extraNodeFlags: readonly string[] = []): { cmd: string; args: string[] } {
  if (!existsSync(DIST_BIN)) throw new Error(`${DIST_BIN} is missing: run npx tsc -b packages/northd`);
  return { cmd: process.execPath, args: [...launcherNodeFlags(), ...extraNodeFlags, LAUNCHER] };
}
