#!/usr/bin/env -S node --max-semi-space-size=4
// Thin launcher: the program lives in src/bin/ovnts-controller.ts (built to dist/bin/ovnts-controller.js by `npm run build`).
// --max-semi-space-size=4: a young generation of 2 × 4 MB instead of V8's up to 2 × 16 MB, which V8 grows to
// under a steady stream of rounds and keeps: resident size that grows through a long run without a leak
// (issue 24's soak); as ovnts-northd's launcher. The flag must be given at start, hence here.
import '../dist/bin/ovnts-controller.js';
