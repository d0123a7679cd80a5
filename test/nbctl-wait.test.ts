// --wait=sb|hv against the real ovn-northd: ovnts-nbctl bumps NB_Global.nb_cfg in the same transaction
// and returns only once northd (and, for hv, every chassis) has caught up.
import { beforeAll, describe, expect, it } from 'vitest';
import { useSandbox, type OvsdbServer, type Sandbox } from '@ovnts/test-harness';
import { runNbctl } from '@ovnts/cli';

async function nbctl(sb: Sandbox, db: OvsdbServer, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runNbctl([`--db=${db.remotes.unix}`, ...argv], {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    env: sb.env,
    programName: 'ovnts-nbctl',
  });
  return { code, stdout, stderr };
}

describe('ovnts-nbctl --wait with the real ovn-northd', () => {
  const sandbox = useSandbox();
  let sb: Sandbox;
  let nb: OvsdbServer;
  let sbdb: OvsdbServer;
  beforeAll(async () => {
    sb = sandbox();
    ({ nb, sb: sbdb } = await sb.startCentral());
    await sb.startRealNorthd(nb.remotes.unix, sbdb.remotes.unix);
  });

  it('--wait=sb returns after northd wrote the logical switch to the SB', async () => {
    const r = await nbctl(sb, nb, '--wait=sb', 'ls-add', 'w1', '--', 'lsp-add', 'w1', 'w1p');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const cfg = await nbctl(sb, nb, 'get', 'NB_Global', '.', 'nb_cfg', 'sb_cfg');
    const [nbCfg, sbCfg] = cfg.stdout.trim().split('\n').map(Number);
    expect(nbCfg).toBeGreaterThan(0);
    expect(sbCfg).toBe(nbCfg);
    // Northd has already created the datapath and the port binding.
    const dp = await sb.runOk('ovn-sbctl', [
      `--db=${sbdb.remotes.unix}`,
      '--bare',
      '--columns=logical_port',
      'list',
      'Port_Binding',
    ]);
    expect(dp.trim()).toBe('w1p');
  });

  it('sync with --wait=sb bumps nb_cfg even without changes; --print-wait-time reports the stages', async () => {
    const before = Number((await nbctl(sb, nb, 'get', 'NB_Global', '.', 'nb_cfg')).stdout);
    const r = await nbctl(sb, nb, '--wait=sb', '--print-wait-time', 'sync');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `^Time spent on processing nb_cfg ${before + 1}:\\n\\tovn-northd delay before processing:\\t-?\\d+ms\\n\\tovn-northd completion:\\t\\t\\t-?\\d+ms\\n$`,
      ),
    );
    const after = Number((await nbctl(sb, nb, 'get', 'NB_Global', '.', 'sb_cfg')).stdout);
    expect(after).toBe(before + 1);
  });

  it('--wait=hv with no chassis completes once northd reports hv_cfg', async () => {
    const r = await nbctl(sb, nb, '--wait=hv', 'ls-add', 'w2');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const cfg = await nbctl(sb, nb, 'get', 'NB_Global', '.', 'nb_cfg', 'hv_cfg');
    const [nbCfg, hvCfg] = cfg.stdout.trim().split('\n').map(Number);
    expect(hvCfg).toBe(nbCfg);
  });

  it('without changes and without sync, --wait does not wait or bump', async () => {
    const before = (await nbctl(sb, nb, 'get', 'NB_Global', '.', 'nb_cfg')).stdout;
    const r = await nbctl(sb, nb, '--wait=sb', 'ls-list');
    expect(r.code).toBe(0);
    expect((await nbctl(sb, nb, 'get', 'NB_Global', '.', 'nb_cfg')).stdout).toBe(before);
  });

  it('--timeout bounds the wait when nothing processes nb_cfg', async () => {
    const lone = await sb.startDb('nb', { name: 'nb-lone' });
    const t0 = Date.now();
    const r = await nbctl(sb, lone, '--timeout=1', '--wait=sb', 'ls-add', 'x');
    // As ovn-nbctl, which dies of SIGALRM: status 128+14 and a log line.
    expect(r.code).toBe(142);
    expect(r.stderr).toMatch(/\|fatal_signal\|WARN\|terminating with signal 14 \(Alarm clock\)\n$/);
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
