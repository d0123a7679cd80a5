// One-file build of a daemon of this repo (ovnts-northd, ovnts-controller; run by `npm run build`, after tsc,
// through each package's scripts/bundle.mjs). Loading ~200 files one by one (resolved, read and compiled each)
// costs a daemon ~0.2 s of CPU at every start; one bundled file costs a fraction of that. koffi stays outside
// (a native module found relative to its own files). Next to the bundle, a list of the tsc build stamps it was
// made from: the package's launcher (bin/<name>.js) runs the bundle only while none of them is newer (so a
// later `tsc -b` without this step runs the fresh dist, never a stale bundle).
// The bundle is pure ASCII: V8 keeps a script's source in memory for the life of the process (lazy compilation,
// Function.prototype.toString), as a two-byte string as soon as one character is not Latin-1. esbuild escapes
// strings, regular expressions, template literals and identifiers (charset 'ascii') but keeps the comments it
// carries over as they are, and ~30 of them had an arrow, an ellipsis or a multiplication sign: the
// controller's ~1 MB source took 1.94 MB of heap in every daemon, 0.97 MB as ASCII (RSS at --version 51.2 →
// 50.2 MB). What is left outside ASCII can only be comment text: written as \u{…} there.
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Bundles `<pkg>/dist/bin/<name>.js` into `<pkg>/dist/bundle/<name>.mjs`, with `<name>.stamps.json` beside it. */
export async function bundleDaemon(pkg, name) {
  const outDir = path.join(pkg, 'dist/bundle');
  const r = await build({
    entryPoints: [path.join(pkg, `dist/bin/${name}.js`)],
    outfile: path.join(outDir, `${name}.mjs`),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['koffi'],
    // CommonJS dependencies (pino, jsonrpc-lite) inside an ES module bundle still call require().
    banner: {
      js: "import { createRequire as __ovntsRequire } from 'node:module'; const require = __ovntsRequire(import.meta.url);",
    },
    metafile: true,
    logLevel: 'warning',
    charset: 'ascii',
  });
  const out = path.join(outDir, `${name}.mjs`);
  writeFileSync(out, asciiComments(readFileSync(out, 'utf8')));
  // The dist folders bundled (this repo's packages, not node_modules), each with its tsc build stamp.
  const root = path.resolve(pkg, '../..');
  const dists = new Set();
  for (const input of Object.keys(r.metafile.inputs)) {
    const m = /^(.*?\/dist)\//.exec(path.resolve(root, input));
    if (m && !m[1].includes('/node_modules/')) dists.add(m[1]);
  }
  const stamps = [...dists].sort().map((d) => path.relative(outDir, path.join(d, '.tsbuildinfo')));
  writeFileSync(path.join(outDir, `${name}.stamps.json`), JSON.stringify(stamps, null, 1) + '\n');
}

/**
 * `code` with each character outside ASCII written as `\u{hex}`: for esbuild output with charset 'ascii', where
 * such characters remain in comments only (everywhere else esbuild escapes them itself).
 */
export function asciiComments(code) {
  return code.replace(/[^\x00-\x7f]/gu, (c) => `\\u{${c.codePointAt(0).toString(16)}}`);
}
