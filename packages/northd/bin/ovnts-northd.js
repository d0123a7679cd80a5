#!/usr/bin/env -S node --max-semi-space-size=4
// Thin launcher: the program lives in src/bin/ovnts-northd.ts (built to dist/bin/ovnts-northd.js by `npm run build`).
// --max-semi-space-size=4: a young generation of 2 × 4 MB instead of V8's up to 2 × 16 MB, which took ~35 MB
// off the peak resident size of a 100×50 cold start (issue 18: peak RSS ≤ ovn-northd's); the flag must be
// given at start, hence here. The benches start the daemon with these same flags (bench/launcher.ts).
import '../dist/bin/ovnts-northd.js';
