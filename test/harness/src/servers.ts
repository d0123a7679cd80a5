// The harness without its vitest glue: what benches and scripts run outside vitest import
// (@ovnts/test-harness/servers); tests import @ovnts/test-harness, which adds useSandbox.
export * from './tools.js';
export * from './daemon.js';
export * from './ovsdb.js';
export * from './sandbox.js';
export * from './nbctl-args.js';
export * from './pki.js';
export * from './source-daemon.js';
export * from './proc-stats.js';
