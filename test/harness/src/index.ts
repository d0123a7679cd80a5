// Test harness: private OVS/OVN servers and daemons in temp dirs, always cleaned up.
export * from './servers.js';
export { useSandbox } from './vitest.js';
