#!/usr/bin/env node
// Thin launcher: the program lives in src/bin/ovnts-controller.ts (built to dist/bin/ovnts-controller.js by `npm run build`).
import '../dist/bin/ovnts-controller.js';
