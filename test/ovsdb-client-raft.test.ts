// Acceptance: a writer streams transactions into a 3-member Raft cluster while the leader is SIGKILLed twice.
// Every transaction reported committed is present exactly once, none reported failed is present, and the
// replica resumed with monitor_cond_since without re-downloading the database.
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { model } from '@ovnts/schema/nb';
import { ConnectionError, OvsdbClient } from 'ovsdb-client-ts';

describe('Raft failover', () => {
  const sandbox = useSandbox();

  it('leader killed twice during a stream of transactions: no loss, no duplicates, incremental resume', async () => {
    const sb = sandbox();
    const cl = await sb.startCluster('nb');
    const fast = { reconnect: { initialMs: 50, maxMs: 400 }, inactivityProbeMs: 1000 } as const;
    const writer = await OvsdbClient.connect(cl.remotes.tcp, fast);
    const reader = await OvsdbClient.connect(cl.remotes.tcp, fast);
    const trace: string[] = [];
    reader.on('connected', (r) => trace.push(`reader connected to ${r}`));
    reader.on('disconnected', (e) => trace.push(`reader disconnected: ${e.message}`));
    trace.push(
      `reader on ${reader.remote}, writer on ${writer.remote}, leader ${cl.members[await cl.leader()]!.remotes.tcp}`,
    );
    try {
      const replica = await reader.monitor(model, { tables: ['Logical_Switch'] });
      replica.on('resumed', (i) => trace.push(`resumed ${i.method} full=${i.full}`));
      replica.on('error', (e) => trace.push(`replica error ${e.message}`));
      const committed: string[] = [];
      const failed: string[] = [];
      const recovered: string[] = [];
      const total = 240;
      const killer = (async () => {
        for (const at of [60, 150]) {
          while (committed.length + failed.length < at) await new Promise((r) => setTimeout(r, 5));
          // Kill only when the reader is current (resumed and caught up), which is the case the resume is for.
          await replica.waitFor(
            (r) => reader.state === 'connected' && r.table('Logical_Switch').size >= committed.length,
            20_000,
          );
          const leader = await cl.leader();
          trace.push(`kill member ${leader} (${cl.members[leader]!.remotes.tcp}) after ${committed.length} commits`);
          await cl.members[leader]!.kill();
          await cl.members[leader]!.restart();
        }
      })();
      for (let i = 0; i < total; i++) {
        const name = `w${i}`;
        const txn = writer.transaction(model);
        txn.insert('Logical_Switch', { name, external_ids: { seq: String(i) } });
        txn.comment(`writer ${name}`);
        try {
          const res = await txn.commit();
          committed.push(name);
          if (res.recovered) recovered.push(name);
        } catch (e) {
          trace.push(`${name} failed: ${String(e)}`);
          expect(e).toBeInstanceOf(ConnectionError);
          expect((e as ConnectionError).outcome).toBe('not-sent');
          failed.push(name);
        }
      }
      await killer;
      trace.push(`committed ${committed.length} failed ${failed.length} recovered ${recovered.length}`);

      // Read back through the leader.
      const check = writer.transaction(model);
      const all = check.select('Logical_Switch', [], ['name']);
      const rows = (await check.commit()).rows(all);
      const counts = new Map<string, number>();
      for (const r of rows) counts.set(r.name, (counts.get(r.name) ?? 0) + 1);
      for (const name of committed) expect(counts.get(name), name).toBe(1);
      for (const name of failed) expect(counts.get(name), name).toBeUndefined();
      expect(rows).toHaveLength(committed.length);
      expect(committed.length).toBeGreaterThan(total - 5);

      // The reader resumed with monitor_cond_since after each failover. A member that has not yet learned
      // the last commit (followers hear of it with the next heartbeat) answers with a full dump, which a
      // loaded CI machine can hit at one of the two failovers; at least one must resume incrementally.
      // The second kill can land after the last commits reached the reader: wait until the reader has come
      // back (resumed) from every disconnection before counting.
      const count = (prefix: string) => trace.filter((l) => l.startsWith(prefix)).length;
      for (const until = Date.now() + 30_000; Date.now() < until; await new Promise((r) => setTimeout(r, 20)))
        if (reader.state === 'connected' && count('resumed') >= count('reader disconnected')) break;
      await replica.waitFor((r) => r.table('Logical_Switch').size === committed.length);
      const resumes = trace.filter((l) => l.startsWith('resumed'));
      expect(resumes.length, trace.join('\n')).toBeGreaterThanOrEqual(2);
      expect(
        resumes.every((l) => l.startsWith('resumed monitor_cond_since ')),
        trace.join('\n'),
      ).toBe(true);
      expect(replica.stats.incrementalResumes, trace.join('\n')).toBeGreaterThanOrEqual(1);
      expect(replica.stats.fullLoads, trace.join('\n')).toBe(1 + resumes.filter((l) => l.endsWith('full=true')).length);
    } finally {
      await writer.close();
      await reader.close();
    }
  });
});
