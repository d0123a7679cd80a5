#!/usr/bin/env node
// One-file build of ovnts-controller (run by `npm run build`, after tsc; see scripts/bundle-daemon.mjs). Loading
// its ~200 files one by one cost ~0.3 s of CPU at every start, ~3 % of a 100×50 chassis start (issue 20).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleDaemon } from '../../../scripts/bundle-daemon.mjs';

await bundleDaemon(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'), 'ovnts-controller');
