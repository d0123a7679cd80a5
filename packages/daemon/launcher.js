// For the daemons' launchers (bin/<name>.js, plain JS run before anything is loaded): which build to run.
import { existsSync, readFileSync, statSync } from 'node:fs';

/**
 * The one-file bundle `dist/bundle/<name>.mjs` of the package whose launcher is `launcherUrl` (scripts/bundle-daemon.mjs),
 * if it is at least as new as every tsc build stamp it lists (missing stamps: an installed package); else its plain dist
 * entry `dist/bin/<name>.js`.
 */
export function daemonEntry(launcherUrl, name) {
  const dist = new URL(`../dist/bin/${name}.js`, launcherUrl).href;
  const bundle = new URL(`../dist/bundle/${name}.mjs`, launcherUrl);
  const stamps = new URL(`../dist/bundle/${name}.stamps.json`, launcherUrl);
  if (!existsSync(bundle) || !existsSync(stamps)) return dist;
  const built = statSync(bundle).mtimeMs;
  for (const s of JSON.parse(readFileSync(stamps, 'utf8'))) {
    const f = new URL(s, bundle);
    if (existsSync(f) && statSync(f).mtimeMs > built) return dist;
  }
  return bundle.href;
}

/**
 * What a launcher's first line `#!/usr/bin/env [-S] [VAR=value …] node [flag …]` (`file`, a path or file: URL) asks
 * of the command that runs it: the environment settings env makes before node, and node's flags. What starts a
 * launcher's daemon as `node <flags> <launcher>` (the harness, the benches) needs both to run it as installed.
 */
export function launcherShebang(file) {
  const first = readFileSync(file, 'utf8').split('\n', 1)[0] ?? '';
  const parsed = parseShebang(first);
  if (!parsed)
    throw new Error(`${file}: expected a "#!/usr/bin/env [-S] [VAR=value …] node [flags]" line, got ${first}`);
  return parsed;
}

/** launcherShebang of one line, or undefined when it is not such a line. */
export function parseShebang(line) {
  const m = /^#!\/usr\/bin\/env((?:\s+-S)?)\s+(.*?)\s*$/.exec(line);
  if (!m) return undefined;
  const words = m[2].split(/\s+/).filter(Boolean);
  // Without -S the kernel hands env the rest of the line as one argument: only `node` alone runs.
  if (!m[1] && words.length !== 1) return undefined;
  const env = {};
  let i = 0;
  for (; i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]); i++) {
    const eq = words[i].indexOf('=');
    env[words[i].slice(0, eq)] = words[i].slice(eq + 1);
  }
  if (words[i] !== 'node') return undefined;
  return { env, nodeFlags: words.slice(i + 1) };
}
