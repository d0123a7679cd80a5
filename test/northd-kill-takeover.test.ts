// Issue 24, failures in the middle of work: the active ovnts-northd is SIGKILLed part-way through its cold
// stream into an empty SB (some transactions committed, others not), and again in the middle of
// incremental rounds. Each time a standby takes the lock over, and once the NB is quiet the SB equals
// what a fresh full compute of the NB would write: no row lost, none duplicated, none stale.
import { describe, expect, it } from 'vitest';
import { useSandbox, waitFor, type Daemon } from '@ovnts/test-harness';
import { loadK8sNb, makeRng, sbLeftToWrite, startOvntsNorthd } from '@ovnts/northd/testing';

const SHAPE = { nodes: 10, podsPerNode: 20, vips: 50, acls: 100 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ovnts-northd killed in the middle of work', () => {
  const sandbox = useSandbox();

  it('a standby finishes a cold stream and incremental rounds cut by SIGKILL; the SB equals a full compute', async () => {
    const seed = Number(process.env['OVNTS_KILL_SEED'] ?? Date.now() % 100_000);
    const random = makeRng(seed); // the kill points are random, but a failure can be replayed
    const sb = sandbox();
    const { nb, sb: sbdb } = await sb.startCentral();
    await loadK8sNb(nb.remotes.unix, SHAPE);
    const sbctl = async (...a: string[]) => (await sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, ...a])).trim();
    const nbctl = (...a: string[]) => sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, ...a]);
    const count = async (table: string) =>
      (await sbctl('--bare', '--columns=_uuid', 'list', table)).split('\n').filter(Boolean).length;
    let n = 0;
    /** A new instance, paused (--dry-run: no lock taken) until `resume`. */
    const startPaused = async () => {
      const name = `northd-${n++}`;
      const d = await startOvntsNorthd(sb, nb.remotes.unix, sbdb.remotes.unix, {
        name,
        extraArgs: ['--dry-run', `--unixctl=${sb.file(`${name}.ctl`)}`],
      });
      const appctl = (cmd: string) => sb.runOk('ovn-appctl', ['-t', sb.file(`${name}.ctl`), cmd]);
      await waitFor(`${name} paused`, async () => (await appctl('status').catch(() => '')).includes('paused'), 30_000);
      return { d, appctl };
    };
    const status = async (x: { appctl: (c: string) => Promise<string> }) => (await x.appctl('status')).trim();

    // Cold stream: A starts streaming, B stands by; A dies once some flows are in, before the end.
    const a = await startPaused();
    const b = await startPaused();
    await a.appctl('resume');
    await b.appctl('resume');
    await waitFor('the first streamed flows', async () => (await count('Logical_Flow')) > 0, 60_000, 20);
    await sleep(random() * 300);
    const nbCfgDone = Number((await nbctl('get', 'NB_Global', '.', 'sb_cfg')).trim());
    a.d.signal('SIGKILL');
    const flowsAtKill = await count('Logical_Flow');
    await waitFor('B active', async () => (await status(b)) === 'Status: active', 30_000);
    await nbctl('--timeout=60', '--wait=sb', 'sync');
    const cold = await sbLeftToWrite((p, args) => sb.run(p, args), nb.remotes.unix, sbdb.remotes.unix);
    expect(cold, `seed ${seed}; killed at ${flowsAtKill} flows, sb_cfg ${nbCfgDone}`).toEqual([]);

    // Incremental rounds: NB changes without waiting, the active instance killed at a random moment
    // after each; a fresh standby is always ready.
    let active: { d: Daemon; appctl: (c: string) => Promise<string> } = b;
    for (let round = 0; round < 3; round++) {
      const next = await startPaused();
      await next.appctl('resume');
      // Three NB transactions at once, and the kill lands while their rounds run (or between them).
      const changes = Promise.all([
        nbctl(
          'lsp-add',
          'node0',
          `late-${round}`,
          '--',
          'lsp-set-addresses',
          `late-${round}`,
          `0a:58:0a:80:00:${(0xf0 + round).toString(16)} 10.128.0.${240 + round}`,
        ),
        nbctl('lsp-del', `ns${round}_pod-1-${round}`),
        nbctl('acl-add', 'node2', 'to-lport', String(2000 + round), `ip4.src == 10.${round}.0.0/16`, 'drop'),
      ]);
      await sleep(100 + random() * 400);
      active.d.signal('SIGKILL');
      await changes;
      await waitFor(`round ${round}: standby active`, async () => (await status(next)) === 'Status: active', 30_000);
      active = next;
    }
    await nbctl('--timeout=60', '--wait=sb', 'sync');
    const after = await sbLeftToWrite((p, args) => sb.run(p, args), nb.remotes.unix, sbdb.remotes.unix);
    expect(after, `seed ${seed}`).toEqual([]);
    // One Datapath_Binding per NB switch and router, none twice.
    const datapaths = (await sbctl('--bare', '--columns=external_ids', 'list', 'Datapath_Binding'))
      .split('\n')
      .filter(Boolean);
    expect(new Set(datapaths).size).toBe(datapaths.length);
  }, 300_000);
});
