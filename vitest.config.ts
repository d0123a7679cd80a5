import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

// Tests run against the TypeScript sources, so no build is needed first.
const alias = [
  { find: /^ovsdb-client-ts$/, replacement: `${root}packages/ovsdb-client-ts/src/index.ts` },
  { find: /^ovsdb-client-ts\/(.*)$/, replacement: `${root}packages/ovsdb-client-ts/src/$1.ts` },
  { find: /^@ovnts\/test-harness$/, replacement: `${root}test/harness/src/index.ts` },
  { find: /^@ovnts\/([^/]+)$/, replacement: `${root}packages/$1/src/index.ts` },
  { find: /^@ovnts\/([^/]+)\/(.*)$/, replacement: `${root}packages/$1/src/$2.ts` },
];

export default defineConfig({
  resolve: { alias },
  test: {
    // Real-server tests start processes; keep parallelism modest on 2 cores.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    reporters: ['default'],
  },
});
