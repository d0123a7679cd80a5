import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

// Tests run against the TypeScript sources, so no build is needed first. A package is imported by its name or
// by one of the named entry points its package.json exports (no deep imports into a package's modules).
const ENTRY_POINTS: Record<string, string> = {
  'ovsdb-client-ts/wire': 'packages/ovsdb-client-ts/src/wire.ts',
  '@ovnts/schema/nb': 'packages/schema/src/nb.ts',
  '@ovnts/schema/sb': 'packages/schema/src/sb.ts',
  '@ovnts/schema/vswitch': 'packages/schema/src/vswitch.ts',
  '@ovnts/northd/testing': 'packages/northd/src/testing/index.ts',
  '@ovnts/offload/cli': 'packages/offload/src/cli.ts',
  '@ovnts/test-harness/servers': 'test/harness/src/servers.ts',
  '@ovnts/daemon/version': 'packages/daemon/src/version.ts',
  '@ovnts/daemon/vlog': 'packages/daemon/src/vlog/vlog.ts',
  '@ovnts/daemon/pino-stream': 'packages/daemon/src/vlog/pino-stream.ts',
};
const alias = [
  ...Object.entries(ENTRY_POINTS).map(([name, file]) => ({
    find: new RegExp(`^${name}$`),
    replacement: root + file,
  })),
  { find: /^ovsdb-client-ts$/, replacement: `${root}packages/ovsdb-client-ts/src/index.ts` },
  { find: /^@ovnts\/test-harness$/, replacement: `${root}test/harness/src/index.ts` },
  { find: /^@ovnts\/([^/]+)$/, replacement: `${root}packages/$1/src/index.ts` },
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
