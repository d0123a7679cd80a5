#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=20
// Thin launcher: the program lives in src/bin/ovnts-controller.ts (built to dist/bin/ovnts-controller.js by `npm run build`).
// --max-semi-space-size=4: a young generation of 2 × 4 MB instead of V8's up to 2 × 16 MB, which V8 grows to
// under a steady stream of rounds and keeps: resident size that grows through a long run without a leak
// (issue 24's soak); as ovnts-northd's launcher. --heap-growing-percent=20: after each full collection the old
// generation may grow by 20 % before the next one, where V8 otherwise lets a fast-allocating start grow it
// by up to 4× (chassis bench 100×50: peak RSS 272 → 229 MB, start CPU 10.2 → 10.7 s). The flags must be given
// at start, hence here.
// `npm run build` also bundles dist into one file (scripts/bundle.mjs), which loads ~0.3 s of CPU faster; it runs
// unless one of the tsc builds it was made from is newer (a later `tsc -b` alone: dist runs).
import { daemonEntry } from '@ovnts/daemon/launcher';

// The plain build: '../dist/bin/ovnts-controller.js'.
await import(daemonEntry(import.meta.url, 'ovnts-controller'));
