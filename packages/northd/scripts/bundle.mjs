#!/usr/bin/env node
// One-file build of ovnts-northd (run by `npm run build`, after tsc; see scripts/bundle-daemon.mjs). Loading
// ~200 files one by one cost the daemon ~0.2 s of CPU at every start, some 5 % of a 100×50 cold start (issue 18).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleDaemon } from '../../../scripts/bundle-daemon.mjs';

await bundleDaemon(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'), 'ovnts-northd');
