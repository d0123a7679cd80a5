#!/usr/bin/env node
// npm run setup: make this machine able to build and test ovnts.
// 1. the Debian packages with the real OVS/OVN (the oracle and the servers tests run against),
// 2. npm ci, 3. npm run build.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

// chromium: the offload report's html page is checked in a headless browser (test/offload-html.test.ts).
const PACKAGES = ['openvswitch-switch', 'ovn-central', 'ovn-host', 'iproute2', 'iputils-ping', 'curl', 'chromium'];
const NEEDED = [
  'ovsdb-server',
  'ovsdb-tool',
  'ovs-vswitchd',
  'ovn-northd',
  'ovn-controller',
  'ovn-nbctl',
  'ip',
  'ping',
  'curl',
  'chromium',
];
const APT_LINE = `apt-get update && apt-get install -y --no-install-recommends ${PACKAGES.join(' ')}`;

function installed(bin) {
  for (const dir of ['/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    try {
      accessSync(`${dir}/${bin}`, constants.X_OK);
      return true;
    } catch {
      // next
    }
  }
  return false;
}

function sh(cmd, args, env = process.env) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  if (r.status !== 0) {
    console.error(`setup: ${cmd} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

const missing = NEEDED.filter((b) => !installed(b));
if (missing.length) {
  if (process.getuid?.() === 0) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    sh('apt-get', ['update', '-qq'], env);
    sh('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...PACKAGES], env);
  } else {
    console.error(`setup: missing ${missing.join(', ')}. As root, run:\n  ${APT_LINE}\nthen run npm run setup again.`);
    process.exit(1);
  }
} else {
  console.log(`setup: OVS/OVN present (${execFileSync('ovn-nbctl', ['--version']).toString().split('\n')[0]})`);
}
sh('npm', ['ci', '--no-audit', '--no-fund']);
sh('npm', ['run', 'build']);
console.log('setup: done. Next: npm test, npm run demo');
