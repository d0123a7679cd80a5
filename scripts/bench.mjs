#!/usr/bin/env node
// npm run bench [filter…]: runs every packages/*/bench/*.bench.ts (or those whose path contains a filter)
// one after another; each prints its own table with ratios against the real OVS/OVN binaries.
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const filters = process.argv.slice(2);
const files = [];
for (const pkg of readdirSync(path.join(root, 'packages')).sort()) {
  const dir = path.join(root, 'packages', pkg, 'bench');
  if (!existsSync(dir)) continue;
  for (const f of readdirSync(dir).sort())
    if (f.endsWith('.bench.ts')) files.push(path.join('packages', pkg, 'bench', f));
}
const chosen = filters.length ? files.filter((f) => filters.some((x) => f.includes(x))) : files;
if (!chosen.length) {
  console.error(
    `bench: nothing matches ${filters.join(' ') || '(no benches found)'}; available:\n  ${files.join('\n  ')}`,
  );
  process.exit(1);
}
let failed = 0;
for (const f of chosen) {
  console.log(`\n=== ${f} ===`);
  const r = spawnSync(path.join(root, 'node_modules/.bin/vite-node'), ['--config', 'vitest.config.ts', f], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
