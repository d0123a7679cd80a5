#!/usr/bin/env node
// Thin launcher: the program lives in src/bin/ovnts-nbctl.ts. `npm run build` compiles it to dist/ and
// bundles it into one file (scripts/bundle.mjs), which starts faster; without the bundle, dist runs.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/bundle/ovnts-nbctl.mjs', import.meta.url);
await import(existsSync(bundle) ? bundle.href : '../dist/bin/ovnts-nbctl.js');
