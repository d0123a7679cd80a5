// The built ovnts-northd and ovnts-controller run the way OVN's own test suite runs the real daemons
// (--detach --pidfile --log-file -vconsole:off ...) and answer the REAL ovn-appctl: the pidfile is
// fcntl-locked by the daemon, the control socket is ovn-northd.PID.ctl, the replies and exit codes are
// ovn-northd's, and every line of the log file is an OVS vlog line.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Daemon, isAlive, useSandbox, waitFor, type Sandbox } from '@ovnts/test-harness';
import { VLOG_FILE_LINE } from '@ovnts/daemon';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Start a built daemon with --detach in `dir` (its run and log directory); resolves with its pid. */
async function startDetached(
  sb: Sandbox,
  bin: string,
  name: string,
  dir: string,
  env: NodeJS.ProcessEnv,
  args: string[],
) {
  mkdirSync(dir, { recursive: true });
  const denv = { ...env, OVS_RUNDIR: dir, OVN_RUNDIR: dir, OVS_LOGDIR: dir };
  await sb.runOk(
    process.execPath,
    [path.join(ROOT, bin), '--detach', '--no-chdir', '--pidfile', '--log-file', ...args],
    {
      env: denv,
    },
  );
  const pid = Number(readFileSync(path.join(dir, `${name}.pid`), 'utf8').trim());
  sb.own(new Daemon(name, pid, path.join(dir, `${name}.log`)));
  const appctl = (...a: string[]) => sb.run('ovn-appctl', ['-t', name, ...a], { env: denv });
  return { pid, appctl, log: () => readFileSync(path.join(dir, `${name}.log`), 'utf8') };
}

function expectVlogLines(text: string): void {
  const lines = text.trimEnd().split('\n');
  expect(lines.length).toBeGreaterThan(2);
  for (const l of lines) expect(l).toMatch(VLOG_FILE_LINE);
}

describe('daemons under the real ovn-appctl', () => {
  const sandbox = useSandbox();
  beforeAll(() => {
    // The daemons run from dist/ (as installed): build them and what they reference.
    execFileSync('npx', ['tsc', '-b', 'packages/northd', 'packages/controller'], { cwd: ROOT, stdio: 'ignore' });
  });

  it('ovnts-northd: status, pause/resume, n-threads, vlog, exit', async () => {
    const sb = sandbox();
    const { nb, sb: sbdb } = await sb.startCentral();
    const d = await startDetached(sb, 'packages/northd/bin/ovnts-northd.js', 'ovn-northd', sb.file('northd'), sb.env, [
      '-vconsole:off',
      '-vfile:info',
      '--n-threads=4',
      `--ovnnb-db=${nb.remotes.unix}`,
      `--ovnsb-db=${sbdb.remotes.unix}`,
    ]);
    const ok = async (...a: string[]) => {
      const r = await d.appctl(...a);
      expect(r, a.join(' ')).toMatchObject({ code: 0, stderr: '' });
      return r.stdout;
    };
    await waitFor('active', async () => (await ok('status')) === 'Status: active\n', 20_000);
    expect(await ok('is-paused')).toBe('false\n');
    expect(await ok('pause')).toBe('');
    expect(await ok('is-paused')).toBe('true\n');
    expect(await ok('status')).toBe('Status: paused\n');
    expect(await ok('resume')).toBe('');
    await waitFor('active again', async () => (await ok('status')) === 'Status: active\n', 10_000);
    expect(await ok('parallel-build/get-n-threads')).toBe('4\n');
    expect(await d.appctl('parallel-build/set-n-threads', '0')).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'invalid n_threads: 0\novn-appctl: ovn-northd: server returned an error\n',
    });
    expect(await d.appctl('status', 'x')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^"status" command takes at most 0 arguments\n/),
    });

    expect(await ok('vlog/set', 'ANY:file:dbg')).toBe('');
    expect(await ok('vlog/list')).toMatch(/^ovn_northd\s+OFF\s+INFO\s+DBG$/m);
    await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, '--timeout=20', '--wait=sb', 'ls-add', 'sw0']);
    expect(d.log()).toMatch(/\|DBG\|/);

    expect(await ok('exit')).toBe('');
    await waitFor('exit', () => !isAlive(d.pid), 10_000);
    expect(existsSync(sb.file('northd/ovn-northd.pid'))).toBe(false);
    const log = d.log();
    expectVlogLines(log);
    expect(log).toMatch(/\|ovn_northd\|INFO\|Using 4 threads$/m);
    expect(log).toMatch(/\|ovn_northd\|INFO\|ovn-northd lock acquired\. This ovn-northd instance is now active\.$/m);
    expect(log).toMatch(/\|ovn_northd\|INFO\|This ovn-northd instance is now paused\.$/m);
  });

  it('ovnts-controller: vlog/list, vlog/set, exit', async () => {
    const sb = sandbox();
    const { sb: sbdb } = await sb.startCentral();
    const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
    const d = await startDetached(
      sb,
      'packages/controller/bin/ovnts-controller.js',
      'ovn-controller',
      sb.file('controller'),
      hv.env,
      ['-vconsole:off', '-vfile:info', hv.db.remotes.unix],
    );
    const list = await d.appctl('vlog/list');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^main\s+OFF\s+INFO\s+INFO$/m);
    expect(await d.appctl('vlog/set', 'ANY:file:dbg')).toMatchObject({ code: 0, stdout: '' });
    expect((await d.appctl('vlog/list')).stdout).toMatch(/^main\s+OFF\s+INFO\s+DBG$/m);
    await waitFor('chassis registered', () => /ovnts-controller started/.test(d.log()), 20_000);
    expect(await d.appctl('exit')).toMatchObject({ code: 0, stdout: '' });
    await waitFor('exit', () => !isAlive(d.pid), 10_000);
    expect(existsSync(sb.file('controller/ovn-controller.pid'))).toBe(false);
    expectVlogLines(d.log());
  });
});
