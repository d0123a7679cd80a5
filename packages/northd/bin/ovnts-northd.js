#!/usr/bin/env -S node --min-semi-space-size=4 --max-semi-space-size=16 --no-parallel-scavenge
// Thin launcher: the program lives in src/bin/ovnts-northd.ts (built to dist/bin/ovnts-northd.js by `npm run build`).
// The young generation starts at 2 × 4 MB and does not grow while the heap is small: V8's own growth to
// 2 × 16 MB added ~35 MB to the peak resident size of a 100×50 cold start (issue 18: peak RSS ≤ ovn-northd's).
// Once the heap is big (a 300×100 NB) the daemon's heap policy lets it grow to 2 × 16 MB (@ovnts/daemon
// heap-growth.ts, youngGeneration). The sizes must be given at start, hence here; V8 raises a growth factor
// under 2 given on the command line, so factor 1 is set at run time, before the program loads. The benches
// start the daemon with these same flags (bench/launcher.ts). Young-generation collections run on the main thread
// only (--no-parallel-scavenge): on a cold start the SB server needs the other core, and helper threads
// competing for it cost more CPU than they save (issue 18).
// `npm run build` also bundles dist into one file (scripts/bundle.mjs), which loads ~0.2 s of CPU faster; it
// runs unless one of the tsc builds it was made from is newer (a later `tsc -b` alone: dist runs).
import { setFlagsFromString } from 'node:v8';
import { daemonEntry } from '@ovnts/daemon/launcher';

setFlagsFromString('--semi-space-growth-factor=1');

// The plain build: '../dist/bin/ovnts-northd.js'.
await import(daemonEntry(import.meta.url, 'ovnts-northd'));
