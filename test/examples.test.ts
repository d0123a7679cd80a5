// Every file in examples/ runs the way its header documents (the command on the line after "Run"), against
// a real NB ovsdb-server, and what it built is checked with the real ovn-nbctl: the same NB contents as
// examples/gateway.sh run by the real ovn-nbctl. gateway.sh runs the built ovnts-nbctl: the cli package is
// built first (`npm run build` also bundles it, which its bin then prefers).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useSandbox, type OvsdbServer, type Sandbox } from '@ovnts/test-harness';

const root = path.resolve(import.meta.dirname, '..');
const examplesDir = path.join(root, 'examples');

/** What each example builds. A new example needs an entry here (and a check for anything new it builds). */
const BUILDS: Readonly<Record<string, 'gateway topology'>> = {
  'gateway.sh': 'gateway topology',
  'gateway-topology.ts': 'gateway topology',
};

/** The command documented in an example's header: the comment line after the one starting "Run". */
function documentedCommand(file: string): string {
  const lines = readFileSync(path.join(examplesDir, file), 'utf8').split('\n');
  const at = lines.findIndex((l) => /^(#|\/\/) Run\b/.test(l));
  const next = at >= 0 ? lines.slice(at + 1).find((l) => /^(#|\/\/)\s{3}\S/.test(l)) : undefined;
  if (!next) throw new Error(`examples/${file}: no "Run" line with a command in its header`);
  return next.replace(/^(#|\/\/)\s+/, '');
}

/** The gateway topology as the real ovn-nbctl shows it, UUIDs masked, lines sorted (show orders by UUID). */
async function showGateway(sb: Sandbox, db: OvsdbServer): Promise<string> {
  const nbctl = (...a: string[]) => sb.runOk('ovn-nbctl', [`--db=${db.remotes.unix}`, ...a]);
  let out = '';
  for (const x of ['ls1', 'join', 'outside', 'router1', 'gw1']) out += await nbctl('show', x);
  out += await nbctl('lr-nat-list', 'gw1');
  out += await nbctl('lr-route-list', 'gw1');
  out += await nbctl('lr-route-list', 'router1');
  out += await nbctl('lb-list');
  out += await nbctl('ls-lb-list', 'ls1');
  out += await nbctl('get', 'Logical_Router', 'gw1', 'options');
  return out
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'UUID')
    .split('\n')
    .sort()
    .join('\n');
}

describe('examples/', () => {
  const sandbox = useSandbox();
  const files = readdirSync(examplesDir).sort();
  beforeAll(() => {
    execFileSync('npx', ['tsc', '-b', 'packages/cli'], { cwd: root, stdio: 'inherit' });
  }, 300_000);

  it('every example says how to run it and what it builds', () => {
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      expect(documentedCommand(f)).not.toBe('');
      expect(BUILDS[f], `examples/${f}: add what it builds to BUILDS`).toBeDefined();
    }
  });

  it.each(files)('%s runs as documented and builds the gateway topology', async (file) => {
    const sb = sandbox();
    const [ref, nb] = [await sb.startDb('nb', { name: 'nb-ref' }), await sb.startDb('nb', { name: 'nb' })];
    // The reference: gateway.sh with the real ovn-nbctl.
    await sb.runOk('sh', [path.join(examplesDir, 'gateway.sh'), 'hv1'], {
      env: { NBCTL: 'ovn-nbctl', OVN_NB_DB: ref.remotes.unix },
    });
    await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, 'init']);
    // From the repository root, as the headers say.
    const out = await sb.runOk('sh', ['-c', `cd "${root}" && ${documentedCommand(file)}`], {
      env: { OVN_NB_DB: nb.remotes.unix },
      timeoutMs: 60_000,
    });
    expect(out).not.toBe('');
    expect(BUILDS[file]).toBe('gateway topology');
    const [want, got] = [await showGateway(sb, ref), await showGateway(sb, nb)];
    expect(got).toBe(want);
    expect(got).toContain('"172.18.1.2"');
  });
});
