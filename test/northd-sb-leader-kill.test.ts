// Issue 24, failures in the middle of work: the SB is a 3-member Raft cluster and its leader is SIGKILLed
// while ovnts-northd streams its cold start into it (some transactions committed, one maybe in flight,
// others not yet sent). ovnts-northd follows the new leader and finishes: once the NB is quiet the SB
// equals a full compute (no row lost, none duplicated), with one Datapath_Binding per NB datapath.
import { describe, expect, it } from 'vitest';
import { useSandbox, waitFor } from '@ovnts/test-harness';
import { loadK8sNb, sbLeftToWrite, startOvntsNorthd } from '@ovnts/northd/testing';

const SHAPE = { nodes: 10, podsPerNode: 20, vips: 50, acls: 100 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SB Raft leader killed during the cold stream', () => {
  const sandbox = useSandbox();

  it('ovnts-northd finishes on the new leader; the SB equals a full compute', async () => {
    const sb = sandbox();
    const nb = await sb.startDb('nb');
    await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, 'init']);
    const cluster = await sb.startCluster('sb');
    await loadK8sNb(nb.remotes.unix, SHAPE);
    const nbctl = async (...a: string[]) => (await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, ...a])).trim();
    /** ovn-sbctl on one member (the leader: a follower may lag). */
    const sbctl = async (member: number, ...a: string[]) =>
      (await sb.runOk('ovn-sbctl', [`--db=${cluster.members[member]!.remotes.unix}`, '--no-leader-only', ...a])).trim();
    const count = async (member: number, table: string) =>
      (await sbctl(member, '--bare', '--columns=_uuid', 'list', table)).split('\n').filter(Boolean).length;

    const leader = await cluster.leader();
    await startOvntsNorthd(sb, nb.remotes.unix, cluster.remotes.unix);
    await waitFor('the first streamed flows', async () => (await count(leader, 'Logical_Flow')) > 0, 90_000, 20);
    await sleep(Math.random() * 300);
    await cluster.members[leader]!.kill();
    const flowsAtKill = await count((leader + 1) % 3, 'Logical_Flow').catch(() => -1);

    const next = await cluster.leader(60_000);
    expect(next).not.toBe(leader);
    await nbctl('--timeout=90', '--wait=sb', 'sync');
    const left = await sbLeftToWrite(
      (p, args) => sb.run(p, args),
      nb.remotes.unix,
      cluster.members[next]!.remotes.unix,
    );
    expect(left, `killed the leader at ${flowsAtKill} flows`).toEqual([]);

    // One Datapath_Binding per NB switch and router, none twice.
    const nbDatapaths =
      (await nbctl('--bare', '--columns=_uuid', 'list', 'Logical_Switch')).split('\n').filter(Boolean).length +
      (await nbctl('--bare', '--columns=_uuid', 'list', 'Logical_Router')).split('\n').filter(Boolean).length;
    const datapaths = (await sbctl(next, '--bare', '--columns=external_ids', 'list', 'Datapath_Binding'))
      .split('\n')
      .filter(Boolean);
    expect(datapaths.length).toBe(nbDatapaths);
    expect(new Set(datapaths).size).toBe(datapaths.length);

    // The killed member comes back, catches up from the log and holds the same rows.
    await cluster.members[leader]!.restart();
    await waitFor(
      'the old leader to catch up',
      async () => (await count(leader, 'Logical_Flow').catch(() => -1)) === (await count(next, 'Logical_Flow')),
      60_000,
      200,
    );
    expect(await count(leader, 'Datapath_Binding')).toBe(nbDatapaths);
  }, 240_000);
});
