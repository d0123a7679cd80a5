// The ovnts-controller program itself (run from source): ovn-controller's options, a pidfile, registration in
// the SB, claiming a port, and a clean exit on SIGTERM that removes the chassis.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useSandbox, waitFor } from '@ovnts/test-harness';
import { startController } from '@ovnts/controller';

const ROOT = path.resolve(import.meta.dirname, '..');

describe('ovnts-controller daemon', () => {
  const sandbox = useSandbox();

  it('runs with --pidfile/--log-file, registers, claims, and cleans up on SIGTERM', async () => {
    const sb = sandbox();
    const { nb, sb: sbdb } = await sb.startCentral();
    await sb.startRealNorthd(nb.remotes.unix, sbdb.remotes.unix);
    const sbctl = async (...a: string[]) => (await sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, ...a])).trim();
    await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, 'ls-add', 'ls1', '--', 'lsp-add', 'ls1', 'vm1']);
    const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix, systemId: 'chassis-a' });
    const pidfile = sb.file('ctl.pid');
    const logFile = sb.file('ctl.log');
    const child = spawn(
      path.join(ROOT, 'node_modules/.bin/vite-node'),
      [
        '--config',
        path.join(ROOT, 'vitest.config.ts'),
        path.join(ROOT, 'packages/controller/src/bin/ovnts-controller.ts'),
        `--pidfile=${pidfile}`,
        `--log-file=${logFile}`,
        '-vinfo',
        hv.db.remotes.unix,
      ],
      { env: hv.env, stdio: ['ignore', 'ignore', 'pipe'], cwd: ROOT },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    sb.own({
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGKILL');
          await once(child, 'exit');
        }
      },
    });
    await waitFor(
      'chassis registered',
      async () => (await sbctl('--bare', '--columns=name', 'list', 'Chassis')) === 'chassis-a',
      // vite-node compiles the whole controller from source before it connects: seconds when the machine is busy.
      60_000,
    );
    expect(Number(readFileSync(pidfile, 'utf8'))).toBeGreaterThan(0);
    await hv.addVm('vm1', '02:ac:10:ff:00:11', '192.168.100.10/24');
    await waitFor(
      'vm1 claimed and up',
      async () => (await sbctl('--bare', '--columns=up', 'find', 'Port_Binding', 'logical_port=vm1')) === 'true',
      10_000,
    );
    expect(await sbctl('--bare', '--columns=hostname', 'list', 'Chassis')).not.toBe('');

    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code, stderr).toBe(0);
    expect(await sbctl('--bare', '--columns=name', 'list', 'Chassis')).toBe('');
    expect(await sbctl('--bare', '--columns=name', 'list', 'Chassis_Private')).toBe('');
    expect(await sbctl('--bare', '--columns=chassis', 'find', 'Port_Binding', 'logical_port=vm1')).toBe('');
    expect(existsSync(pidfile)).toBe(false);
    expect(readFileSync(logFile, 'utf8')).toMatch(/ovnts-controller started/);
  }, 150_000);

  it('creates the integration bridge named by ovn-bridge when it is missing', async () => {
    const sb = sandbox();
    const { sb: sbdb } = await sb.startCentral();
    const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
    await hv.vsctl('set', 'Open_vSwitch', '.', 'external_ids:ovn-bridge=br-ovn');
    const ctl = sb.own(await startController({ ovsRemote: hv.db.remotes.unix, rundir: hv.rundir }));
    await waitFor('br-ovn', async () => (await hv.vsctl('list-br')).split('\n').includes('br-ovn'), 10_000);
    expect((await hv.vsctl('get', 'Bridge', 'br-ovn', 'datapath_type', 'fail_mode')).split('\n').slice(0, 2)).toEqual([
      'netdev',
      'secure',
    ]);
    // Its flows land on the new bridge's management socket.
    await waitFor(
      'flows on br-ovn',
      async () => /table=37/.test(await hv.ofctl('-O', 'OpenFlow15', 'dump-flows', hv.mgmt('br-ovn'))),
      10_000,
    );
    expect(ctl.config.bridge).toBe('br-ovn');
  });
});
