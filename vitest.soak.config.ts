// `npm run soak`: the long runs (test/**/*.soak.ts), outside `npm test`. Parameters are environment
// variables named in each file's header.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

export default defineConfig({
  ...base,
  test: { ...base.test, include: ['test/**/*.soak.ts'], testTimeout: 0, hookTimeout: 120_000 },
});
