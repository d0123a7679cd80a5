#!/usr/bin/env node
// Thin launcher: the program lives in src/bin/ovnts-nbctl.ts (built to dist/bin/ovnts-nbctl.js by `npm run build`).
import '../dist/bin/ovnts-nbctl.js';
