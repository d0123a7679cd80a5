#!/usr/bin/env node
// Thin launcher: the program lives in src/bin/ovnts.ts (built to dist/bin/ovnts.js by `npm run build`).
import '../dist/bin/ovnts.js';
