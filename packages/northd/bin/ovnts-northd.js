#!/usr/bin/env -S node --min-semi-space-size=4 --max-semi-space-size=16
// Thin launcher: the program lives in src/bin/ovnts-northd.ts (built to dist/bin/ovnts-northd.js by `npm run build`).
// The young generation starts at 2 × 4 MB and does not grow while the heap is small: V8's own growth to
// 2 × 16 MB added ~35 MB to the peak resident size of a 100×50 cold start (issue 18: peak RSS ≤ ovn-northd's).
// Once the heap is big (a 300×100 NB) the daemon's heap policy lets it grow to 2 × 16 MB (@ovnts/daemon
// heap-growth.ts, youngGeneration). The sizes must be given at start, hence here; V8 raises a growth factor
// under 2 given on the command line, so factor 1 is set at run time, before the program loads. The benches
// start the daemon with these same flags (bench/launcher.ts).
// `npm run build` also bundles dist into one file (scripts/bundle.mjs), which loads ~0.2 s of CPU faster; it
// runs unless one of the tsc builds it was made from is newer (a later `tsc -b` alone: dist runs).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--semi-space-growth-factor=1');

/** The bundle, if it is at least as new as every build stamp it lists (missing stamps: an installed package). */
function freshBundle() {
  const bundle = new URL('../dist/bundle/ovnts-northd.mjs', import.meta.url);
  const stamps = new URL('../dist/bundle/ovnts-northd.stamps.json', import.meta.url);
  if (!existsSync(bundle) || !existsSync(stamps)) return undefined;
  const built = statSync(bundle).mtimeMs;
  for (const s of JSON.parse(readFileSync(stamps, 'utf8'))) {
    const f = new URL(s, bundle);
    if (existsSync(f) && statSync(f).mtimeMs > built) return undefined;
  }
  return bundle.href;
}

await import(freshBundle() ?? '../dist/bin/ovnts-northd.js');
