#!/usr/bin/env node
// One-file build of ovnts-nbctl (run by `npm run build`, after tsc). A one-shot CLI's start-up is mostly
// module loading: ~100 files resolved, read and compiled one by one cost ~40 ms per call; one bundled
// file costs a few. pino stays outside (it is imported only for -v). The launcher bin/ovnts-nbctl.js
// runs the bundle when present, else the plain dist.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
await build({
  entryPoints: [path.join(pkg, 'dist/bin/ovnts-nbctl.js')],
  outfile: path.join(pkg, 'dist/bundle/ovnts-nbctl.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['pino'],
  // CommonJS dependencies (jsonrpc-lite) inside an ES module bundle still call require().
  banner: {
    js: "import { createRequire as __ovntsRequire } from 'node:module'; const require = __ovntsRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
