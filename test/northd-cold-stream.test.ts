// ovnts-northd's first write into an empty SB goes out as several transactions while the engine
// computes (packages/northd/src/daemon/cold-stream.ts). What it leaves must be exactly what one full
// diff would write: a full diff of compile() against the SB it wrote finds nothing to do, and the
// daemon goes on incrementally from there.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useSandbox, waitFor, type Sandbox } from '@ovnts/test-harness';
import { startOvntsNorthd, loadK8sNb, sbLeftToWrite } from '@ovnts/northd/testing';

const SHAPE = { nodes: 10, podsPerNode: 20, vips: 50, acls: 100 };

/** The writes a full diff of compile(NB) against the SB would make (none when they agree). */
const leftToWrite = (sb: Sandbox, nbRemote: string, sbRemote: string) =>
  sbLeftToWrite((p, a) => sb.run(p, a), nbRemote, sbRemote);

describe('ovnts-northd cold start into an empty SB', () => {
  const sandbox = useSandbox();

  it('streams transactions while computing and leaves the SB a single full diff would', async () => {
    const sb = sandbox();
    const { nb, sb: sbdb } = await sb.startCentral();
    await loadK8sNb(nb.remotes.unix, SHAPE);
    // JSON log lines (--log-format=json): the round's statistics are read back from them.
    const northd = await startOvntsNorthd(sb, nb.remotes.unix, sbdb.remotes.unix, { extraArgs: ['--log-format=json'] });
    const sbCfg = async () =>
      Number((await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, 'get', 'NB_Global', '.', 'sb_cfg'])).trim());
    await waitFor('sb_cfg 1', async () => (await sbCfg()) >= 1, 60_000, 100);

    // It did stream: several transactions before the final one, most flows among them. (The daemon
    // answers the NB handshake before it logs the round.)
    await waitFor('the round logged', () => readFileSync(northd.logFile, 'utf8').includes('SB updated'), 10_000, 50);
    const log = readFileSync(northd.logFile, 'utf8');
    const round = log
      .split('\n')
      .filter(Boolean)
      .map(
        (l) =>
          JSON.parse(l) as {
            msg?: string;
            streamed?: {
              transactions: number;
              flows: number;
              regrouped?: number;
              sends?: number[][];
              firstSendCpuMs?: [number, number];
            };
          },
      )
      .find((l) => l.msg === 'SB updated');
    expect(round?.streamed?.transactions, log).toBeGreaterThan(2);
    // Each transaction's send and answer times (cold-profile.ts draws them), the final one's included.
    const sends = round!.streamed!.sends!;
    expect(sends.length).toBe(round!.streamed!.transactions + 1);
    for (const [sent, answered, ops] of sends) {
      expect(sent).toBeGreaterThanOrEqual(0);
      expect(answered).toBeGreaterThanOrEqual(sent!);
      expect(ops).toBeGreaterThan(1);
    }
    // The daemon's CPU when the first one went out (cold-profile.ts prints it): all threads, the main one part of it.
    const [cpuAll, cpuMain] = round!.streamed!.firstSendCpuMs!;
    expect(cpuMain).toBeGreaterThan(0);
    expect(cpuAll).toBeGreaterThanOrEqual(cpuMain - 10); // /proc counts in 10 ms ticks
    // The operator sees the cold start's phases (issue 23: progress lines during long work).
    expect(log).toMatch(/cold start: computing the topology and the bindings/);
    expect(log).toMatch(/cold start: \d+ datapaths; computing their logical flows/);
    expect(log).toMatch(/cold start: all \d+ datapaths computed \([\d.]+ s\); writing the remaining flows/);
    // Some flows streamed as one switch's own are on every switch (grouped afterwards): that path runs.
    expect(round?.streamed?.regrouped).toBeGreaterThan(0);
    const flows = Number(
      (
        await sb.runOk('ovsdb-client', [
          'query',
          sbdb.remotes.unix,
          JSON.stringify(['OVN_Southbound', { op: 'select', table: 'Logical_Flow', where: [], columns: ['_uuid'] }]),
        ])
      ).match(/"_uuid"/g)?.length ?? 0,
    );
    expect(round!.streamed!.flows).toBeGreaterThan(flows / 2);

    // The NB had none of northd's options: bootstrap() wrote them together with SB_Global and the round went
    // on to the compute, where it used to end and leave the compute to a round of its own. Every round reads
    // the SB's verdicts afterwards (ovnsb_db_run) but for one that ends early: none here.
    const appctl = (...a: string[]) => sb.runOk('ovn-appctl', ['-t', sb.file(`ovn-northd.${northd.pid}.ctl`), ...a]);
    const samples = (shown: string, name: string) =>
      Number(new RegExp(`'${name}'\\n {2}Total samples: (\\d+)`).exec(shown)?.[1] ?? -1);
    let shown = '';
    await waitFor(
      'every round past bootstrap',
      async () => {
        shown = await appctl('stopwatch/show');
        return samples(shown, 'ovn-northd-loop') === samples(shown, 'ovnsb_db_run');
      },
      10_000,
      100,
    ).catch(() => expect(shown).toBe('as many ovn-northd-loop samples as ovnsb_db_run ones'));

    expect(await leftToWrite(sb, nb.remotes.unix, sbdb.remotes.unix)).toEqual([]);

    // And it goes on incrementally from the streamed SB.
    await sb.runOk('ovn-nbctl', [
      `--db=${nb.remotes.unix}`,
      '--wait=sb',
      'lsp-add',
      'node0',
      'late-pod',
      '--',
      'lsp-set-addresses',
      'late-pod',
      '0a:58:0a:80:00:fe 10.128.0.254',
    ]);
    expect(await leftToWrite(sb, nb.remotes.unix, sbdb.remotes.unix)).toEqual([]);
  }, 120_000);
});
