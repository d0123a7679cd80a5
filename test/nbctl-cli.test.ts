// ovnts-nbctl as a program: the built binary, environment (OVN_NB_DB), a clustered NB with the leader
// among several remotes, and --no-leader-only.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useSandbox, type Sandbox } from '@ovnts/test-harness';
import { runNbctl } from '@ovnts/cli';
import { NbSession } from '@ovnts/nb';

const root = path.resolve(import.meta.dirname, '..');

async function nbctl(sb: Sandbox, env: NodeJS.ProcessEnv, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runNbctl(argv, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    env: { ...sb.env, ...env },
    programName: 'ovnts-nbctl',
  });
  return { code, stdout, stderr };
}

describe('ovnts-nbctl as a program', () => {
  const sandbox = useSandbox();
  let sb: Sandbox;
  beforeAll(() => {
    sb = sandbox();
    // The real binary runs the bundle (else dist/): build the cli package (and what it references) and
    // bundle it once, so the binary is this source's even when an older bundle is lying around.
    execFileSync('npx', ['tsc', '-b', 'packages/cli'], { cwd: root, stdio: 'ignore' });
    execFileSync(process.execPath, ['packages/cli/scripts/bundle.mjs'], { cwd: root, stdio: 'ignore' });
  });

  it('the built binary works through node_modules/.bin and reads OVN_NB_DB', async () => {
    const nb = await sb.startDb('nb');
    const bin = path.join(root, 'node_modules/.bin/ovnts-nbctl');
    const env = { ...sb.env, OVN_NB_DB: nb.remotes.unix };
    expect((await sb.run(bin, ['ls-add', 'b1', '--', 'lsp-add', 'b1', 'bp'], { env })).code).toBe(0);
    const r = await sb.run(bin, ['lsp-list', 'b1'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^[0-9a-f-]{36} \(bp\)\n$/);
    const bad = await sb.run(bin, ['lsp-add', 'nope', 'x'], { env });
    expect(bad).toMatchObject({ code: 1, stdout: '', stderr: 'ovnts-nbctl: nope: switch name not found\n' });
    // -v logs vlog lines on stderr (as ovn-nbctl -v) without changing stdout.
    const verbose = await sb.run(bin, ['-v', 'ls-add', 'b2'], { env });
    expect(verbose.code).toBe(0);
    const lines = verbose.stderr.trim().split('\n');
    for (const l of lines) expect(l).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\|\d{5}\|[a-z_]+\|(DBG|INFO)\|/);
    expect(lines.map((l) => l.split('|')[4]!.split(' ')[0])).toEqual([
      'called',
      'connected',
      'transaction',
      'committed',
    ]);
    // With OVS's meaning of -vMODULE:LEVEL, a successful run prints nothing on stderr, as ovn-nbctl.
    expect(await sb.run(bin, ['-vsocket_util:off', 'ls-add', 'b3'], { env })).toMatchObject({ code: 0, stderr: '' });
    const v = await sb.run(bin, ['--version'], { env });
    expect(v.stdout).toContain('ovnts');
    expect(v.stdout).toContain('23.03.1');
  });

  it('wait-until blocks until another client makes the condition true', async () => {
    const nb = await sb.startDb('nb', { name: 'nb-wait' });
    await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, 'init']);
    let done = false;
    const waiting = nbctl(
      sb,
      {},
      `--db=${nb.remotes.unix}`,
      '-t',
      '10',
      'wait-until',
      'Logical_Switch',
      'later',
      'other_config:ready=yes',
    ).then((r) => {
      done = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(done).toBe(false);
    await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, 'ls-add', 'later']);
    await new Promise((r) => setTimeout(r, 300));
    expect(done).toBe(false);
    await sb.runOk('ovn-nbctl', [
      `--db=${nb.remotes.unix}`,
      'set',
      'Logical_Switch',
      'later',
      'other_config:ready=yes',
    ]);
    expect(await waiting).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('an unreachable database fails like ovn-nbctl', async () => {
    const r = await nbctl(sb, {}, `--db=unix:${sb.file('missing.sock')}`, 'ls-list');
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: `ovnts-nbctl: unix:${sb.file('missing.sock')}: database connection failed (No such file or directory)\n`,
    });
  });

  it('finds the Raft leader among the remotes; --no-leader-only takes any member', async () => {
    const cl = await sb.startCluster('nb');
    const all = cl.remotes.tcp;
    expect((await nbctl(sb, {}, `--db=${all}`, 'init')).code).toBe(0);
    expect((await nbctl(sb, {}, `--db=${all}`, 'ls-add', 'c1')).code).toBe(0);
    const seen = await sb.runOk('ovn-nbctl', [`--db=${all}`, 'ls-list']);
    expect(seen).toMatch(/\(c1\)/);
    // Reverse the order so the first remote is likely a follower: still served (by the leader or, without leader-only, by anyone).
    const reversed = all.split(',').reverse().join(',');
    const r = await nbctl(sb, {}, `--db=${reversed}`, 'ls-list');
    expect(r.stdout).toMatch(/\(c1\)/);
    const any = await nbctl(sb, {}, `--db=${reversed}`, '--no-leader-only', 'ls-list');
    expect(any.stdout).toMatch(/\(c1\)/);
    // With the leader last in the list, leader-only still ends up on the leader; without, on the first member.
    const leader = await cl.leader();
    const members = all.split(',');
    const order = [...members.filter((_, i) => i !== leader), members[leader]!].join(',');
    const s1 = await NbSession.open(order, { leaderOnly: true });
    expect(s1.remote).toBe(members[leader]);
    s1.close();
    const s2 = await NbSession.open(order, { leaderOnly: false });
    expect(s2.remote).toBe(order.split(',')[0]);
    s2.close();
  });

  it('daemon mode: --detach serves run requests on its control socket, clients use OVN_NB_DAEMON', async () => {
    const nb = await sb.startDb('nb', { name: 'nb-daemon' });
    const bin = path.join(root, 'node_modules/.bin/ovnts-nbctl');
    const env = { ...sb.env, OVN_NB_DB: nb.remotes.unix };
    const pidfile = sb.file('nbctl-daemon.pid');
    const started = await sb.run(bin, ['--detach', `--pidfile=${pidfile}`, '--no-chdir', '-vsocket_util:off'], { env });
    expect(started.code, started.stderr).toBe(0);
    // It prints its control socket, as `export OVN_NB_DAEMON=$(ovn-nbctl --detach ...)` expects.
    const socket = started.stdout.trim();
    expect(socket).toMatch(/ovn-nbctl\.\d+\.ctl$/);
    const client = { ...env, OVN_NB_DAEMON: socket };
    try {
      expect((await sb.run(bin, ['ls-add', 'd1', '--', 'lsp-add', 'd1', 'dp1'], { env: client })).code).toBe(0);
      expect((await sb.run(bin, ['--may-exist', 'ls-add', 'd1'], { env: client })).code).toBe(0);
      const dup = await sb.run(bin, ['ls-add', 'd1'], { env: client });
      expect([dup.code, dup.stderr]).toEqual([1, 'ovnts-nbctl: d1: a switch with this name already exists\n']);
      const bad = await sb.run(bin, ['lb-add', 'lb0', '30.0.0.10:80a', '1.1.1.1:80', 'tcp'], { env: client });
      expect(bad.stderr).toBe(
        'ovnts-nbctl: 30.0.0.10:80a: should be an IP address (or an IP address and a port number with : as a separator).\n',
      );
      expect((await sb.run(bin, ['--bare', '--columns=name', 'list', 'Logical_Switch'], { env: client })).stdout).toBe(
        'd1\n',
      );
      // --db: the client runs the commands itself, as ovn-nbctl does, with a warning.
      const direct = await sb.run(bin, [`--db=${nb.remotes.unix}`, 'lsp-list', 'd1'], { env: client });
      expect(direct.stderr).toMatch(/\|nbctl\|WARN\|not using ovnts-nbctl daemon because of db option/);
      expect(direct.stdout).toMatch(/\(dp1\)/);
    } finally {
      await sb.run('ovs-appctl', ['-t', socket, 'exit'], { env });
    }
    const gone = await sb.run(bin, ['ls-list'], { env: client });
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(
      /ovnts-nbctl: .*ovn-nbctl\.\d+\.ctl: could not connect to ovnts-nbctl daemon \(.*\); unset OVN_NB_DAEMON to avoid using daemon\n$/,
    );
  });
});
