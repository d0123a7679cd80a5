// Test harness: private OVS/OVN servers and daemons in temp dirs, always cleaned up.
export * from './tools.js';
export * from './daemon.js';
export * from './ovsdb.js';
export * from './sandbox.js';
export * from './nbctl-args.js';
export { useSandbox } from './vitest.js';
