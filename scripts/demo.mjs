#!/usr/bin/env node
// npm run demo: stand up a private OVN control plane and show what it holds.
// Needs `npm run build` first (npm run setup does it). Stops everything on exit or Ctrl-C.
import { Sandbox } from '@ovnts/test-harness/sandbox';

const sandbox = new Sandbox('ovnts-demo-');
let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  await sandbox.stop().catch((e) => console.error(`demo: teardown: ${e.message}`));
  process.exit(code);
}
process.on('SIGINT', () => void stop(130));
process.on('SIGTERM', () => void stop(143));

try {
  const { nb, sb } = await sandbox.startCentral();
  const ovs = await sandbox.startDb('vswitch', { name: 'conf' });
  console.log(`sandbox: ${sandbox.dir}`);
  for (const [label, server] of [
    ['NB ', nb],
    ['SB ', sb],
    ['OVS', ovs],
  ]) {
    const version = (await sandbox.runOk('ovsdb-client', ['get-schema-version', server.remotes.unix, server.dbName])).trim();
    console.log(`${label} ${server.dbName.padEnd(15)} schema ${version.padEnd(7)} ${server.remotes.unix}  ${server.remotes.tcp}`);
  }
  await stop(0);
} catch (e) {
  console.error(`demo: ${e instanceof Error ? e.message : String(e)}`);
  await stop(1);
}
