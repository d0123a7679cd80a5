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
