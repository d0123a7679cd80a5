#!/usr/bin/env node
// Thin launcher: the program lives in src/bin/ovnts-northd.ts (built to dist/bin/ovnts-northd.js by `npm run build`).
import '../dist/bin/ovnts-northd.js';
