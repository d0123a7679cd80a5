#!/usr/bin/env node
// Regenerates packages/schema/src/generated/*.ts from schemas/*.ovsschema.
// `--check` exits 1 (without writing) if a checked-in file differs from what would be generated.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { GENERATED, render } from './targets.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const check = process.argv.includes('--check');
let stale = 0;
for (const target of GENERATED) {
  const text = render(root, target);
  const file = path.join(root, target.out);
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (old === text) continue;
  if (check) {
    console.error(`stale generated file: ${target.out} (run npm run generate)`);
    stale++;
  } else {
    writeFileSync(file, text);
    console.log(`wrote ${target.out}`);
  }
}
process.exit(stale ? 1 : 0);
