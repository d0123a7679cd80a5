// Conditional monitoring against a real ovsdb-server: OR semantics of a monitor condition, monitor_cond_change
// widening and narrowing (rows entering the condition arrive as inserts, rows leaving it go as deletes), rows
// whose change moves them across the condition, call bounds, and a condition changed while the connection is
// down (the resubscription must not resume from the last txn id under conditions the server never saw).
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { model } from '@ovnts/schema/nb';
import { AbortedError, OvsdbClient, OvsdbError, type Replica, type RowChange, TimeoutError } from 'ovsdb-client-ts';

type NbReplica = Replica<typeof model>;
type NbChange = RowChange<NonNullable<(typeof model)['__tables']>>;

const names = (r: NbReplica) => [...r.table('Logical_Switch').values()].map((x) => x.name).sort();

async function seed(c: OvsdbClient, list: readonly string[]): Promise<void> {
  const t = c.transaction(model);
  for (const name of list) t.insert('Logical_Switch', { name, external_ids: { group: name[0]! } });
  await t.commit();
}

describe('ovsdb-client-ts: conditional monitors', () => {
  const sandbox = useSandbox();

  it('clauses are ORed; true/false clauses; widening and narrowing as inserts and deletes', async () => {
    const sb = sandbox();
    const server = await sb.startDb('nb');
    const c = await OvsdbClient.connect(server.remotes.unix, { reconnect: { initialMs: 50, maxMs: 200 } });
    try {
      await seed(c, ['a1', 'a2', 'b1', 'c1']);
      const replica = await c.monitor(model, {
        tables: {
          Logical_Switch: {
            where: [
              ['name', '==', 'a1'],
              ['name', '==', 'b1'],
            ],
          },
          Address_Set: true,
        },
      });
      expect(names(replica)).toEqual(['a1', 'b1']);
      const events: NbChange[] = [];
      replica.on('change', (b) => events.push(...b.changes));
      replica.takeChanges();

      // Widen and narrow in one change: a2 enters (insert), b1 leaves (delete), a1 stays (no event).
      await replica.setConditions(
        { Logical_Switch: [['external_ids', 'includes', { group: 'a' }]] },
        { timeoutMs: 10_000 },
      );
      expect(names(replica)).toEqual(['a1', 'a2']); // applied by the time the call resolves
      const summary = (l: readonly NbChange[]) =>
        l
          .map((e) => (e.table === 'Logical_Switch' ? `${e.kind} ${(e.new ?? e.old).name}` : `${e.kind} ${e.table}`))
          .sort((x, y) => (x < y ? -1 : 1));
      expect(summary(events)).toEqual(['delete b1', 'insert a2']);
      expect(summary(replica.takeChanges().changes)).toEqual(['delete b1', 'insert a2']);

      // A row modified into the condition arrives as an insert, one modified out of it goes as a delete.
      events.length = 0;
      const t = c.transaction(model);
      t.update('Logical_Switch', [['name', '==', 'c1']], { external_ids: { group: 'a' } });
      t.update('Logical_Switch', [['name', '==', 'a2']], { external_ids: { group: 'b' } });
      await t.commit();
      await replica.waitFor((r) => names(r).join() === 'a1,c1');
      expect(summary(events)).toEqual(['delete a2', 'insert c1']);

      // [false]: nothing; [true] and undefined: everything.
      await replica.setCondition('Logical_Switch', [false]);
      expect(names(replica)).toEqual([]);
      await replica.setCondition('Logical_Switch', [true]);
      expect(names(replica)).toEqual(['a1', 'a2', 'b1', 'c1']);
      await replica.setCondition('Logical_Switch', [false]);
      await replica.setCondition('Logical_Switch', undefined);
      expect(names(replica)).toEqual(['a1', 'a2', 'b1', 'c1']);

      // Several tables in one request; an unmonitored table is refused before anything is sent.
      await replica.setConditions({ Logical_Switch: [['name', '==', 'c1']], Address_Set: [false] });
      expect(names(replica)).toEqual(['c1']);
      const r2 = await c.monitor(model, { tables: ['Logical_Switch'] });
      await expect(r2.setConditions({ Address_Set: [false] })).rejects.toThrow(/not monitored/);

      // A condition the server refuses is not kept: the next resubscription still uses the last good one.
      await expect(replica.setCondition('Logical_Switch', [['name', '<', 'x']])).rejects.toBeInstanceOf(OvsdbError);
      const resumed = new Promise<unknown>((r) => replica.once('resumed', r));
      (await c.connected()).close(new Error('test: dropped'));
      await resumed;
      expect(names(replica)).toEqual(['c1']);
    } finally {
      await c.close();
    }
  });

  it('setConditionSteps: steps sent back to back, each resolving once its rows are in; ends as the last', async () => {
    const sb = sandbox();
    const server = await sb.startDb('nb');
    // Sliced decoding on, so a step's rows may still be decoding when its reply is read.
    const c = await OvsdbClient.connect(server.remotes.unix, { sliceMs: 1 });
    try {
      const many = (p: string) => Array.from({ length: 400 }, (_, i) => `${p}${i}`);
      await seed(c, [...many('a'), ...many('b'), ...many('c')]);
      const replica = await c.monitor(model, {
        tables: { Logical_Switch: { where: [false] }, Address_Set: { where: [false] } },
      });
      replica.takeChanges();
      const group = (g: string) => ['external_ids', 'includes', { group: g }] as const;
      const seen: string[][] = [];
      const steps = replica.setConditionSteps(
        [
          { Logical_Switch: [group('a')], Address_Set: [true] },
          { Logical_Switch: [group('a'), group('b')] },
          { Logical_Switch: [group('a'), group('b'), group('c')] },
        ],
        { timeoutMs: 10_000 },
      );
      await Promise.all(steps.map((p) => p.then(() => seen.push(names(replica)))));
      // In order; each step's rows were in when it resolved (a later step's may have been too).
      expect(seen).toHaveLength(3);
      expect(seen[0]).toEqual(expect.arrayContaining(many('a')));
      expect(seen[1]).toEqual(expect.arrayContaining([...many('a'), ...many('b')]));
      expect(seen[2]).toHaveLength(1200);
      expect(replica.takeChanges().changes.filter((x) => x.kind === 'insert')).toHaveLength(1200);
      // The conditions are the last step's: a narrowing from there drops the rows it leaves.
      await replica.setConditions({ Logical_Switch: [group('c')] }, { timeoutMs: 10_000 });
      expect(names(replica)).toEqual([...many('c')].sort());
      // A step that does not encode is refused before anything is sent: the conditions stay.
      expect(() =>
        replica.setConditionSteps(
          [{ Logical_Switch: [group('b')] }, { Logical_Switch: [['nonexistent', '==', 'x'] as never] }],
          { timeoutMs: 10_000 },
        ),
      ).toThrow(/no column nonexistent/);
      await replica.setConditions({ Logical_Switch: [group('c')] }, { timeoutMs: 10_000 });
      expect(names(replica)).toEqual([...many('c')].sort());
    } finally {
      await c.close();
    }
  });

  it('setConditions is bounded: an aborted signal or a spent time limit rejects with a typed error', async () => {
    const sb = sandbox();
    const server = await sb.startDb('nb');
    const c = await OvsdbClient.connect(server.remotes.unix);
    try {
      await seed(c, ['a1', 'b1']);
      const replica = await c.monitor(model, { tables: { Logical_Switch: { where: [['name', '==', 'a1']] } } });
      const ac = new AbortController();
      ac.abort(new Error('stop'));
      await expect(
        replica.setConditions({ Logical_Switch: [['name', '==', 'b1']] }, { signal: ac.signal }),
      ).rejects.toBeInstanceOf(AbortedError);
      expect(names(replica)).toEqual(['a1']); // nothing was sent, nothing changed

      // The server is stopped (SIGSTOP): the request goes out and no answer comes within the limit.
      const pid = server.pid;
      process.kill(pid, 'SIGSTOP');
      try {
        await expect(
          replica.setConditions({ Logical_Switch: [['name', '==', 'b1']] }, { timeoutMs: 300 }),
        ).rejects.toBeInstanceOf(TimeoutError);
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      // The request was sent; once the server runs again it is applied (and a repeat is harmless).
      await replica.setConditions({ Logical_Switch: [['name', '==', 'b1']] }, { timeoutMs: 10_000 });
      expect(names(replica)).toEqual(['b1']);
    } finally {
      await c.close();
    }
  });

  it('a condition changed while the connection is down: the resubscription downloads the new slice', async () => {
    const sb = sandbox();
    // A clustered database: only those keep the transaction history that monitor_cond_since resumes from.
    const cluster = await sb.startCluster('nb', { size: 1 });
    const c = await OvsdbClient.connect(cluster.remotes.unix, { reconnect: { initialMs: 50, maxMs: 200 } });
    try {
      await seed(c, ['a1', 'a2', 'b1']);
      const replica = await c.monitor(model, { tables: { Logical_Switch: { where: [['name', '==', 'a1']] } } });
      expect(names(replica)).toEqual(['a1']);
      const loads = replica.stats.fullLoads;
      // Drop the session, then ask for a wider condition before the client is back.
      (await c.connected()).close(new Error('test: dropped'));
      await replica.setConditions(
        { Logical_Switch: [['external_ids', 'includes', { group: 'a' }]] },
        { timeoutMs: 10_000 },
      );
      // b1 never changed, a2 never changed: a resume from the last txn id would not have sent a2.
      expect(names(replica)).toEqual(['a1', 'a2']);
      expect(replica.stats.fullLoads).toBe(loads + 1);

      // With the conditions confirmed, the next drop resumes incrementally again.
      const resumed = new Promise<{ full: boolean }>((r) => replica.once('resumed', r));
      (await c.connected()).close(new Error('test: dropped again'));
      expect((await resumed).full).toBe(false);
      expect(names(replica)).toEqual(['a1', 'a2']);
    } finally {
      await c.close();
    }
  });
});
