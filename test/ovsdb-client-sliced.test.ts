// Big downloads parsed and decoded in slices (`sliceMs`), against a real ovsdb-server: the replica equals an
// unsliced one, changes in one step per batch (no listener ever sees half of it), keeps the order of later
// updates, setConditions resolves only once the rows it brought are in, and the event loop runs meanwhile
// (readers in between see a batch whole or not at all).
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { model } from '@ovnts/schema/nb';
import { OvsdbClient, type Replica } from 'ovsdb-client-ts';

type NbReplica = Replica<typeof model>;
const ROWS = 2500;
/** ~500 bytes per row: the whole table is over the megabyte at which messages are parsed in slices. */
const PAD = 'x'.repeat(400);

const contents = (r: NbReplica) =>
  [...r.table('Logical_Switch').values()].map((s) => `${s.name}|${JSON.stringify(s.external_ids)}`).sort();

describe('ovsdb-client-ts: sliced parse and apply', () => {
  const sandbox = useSandbox();

  it('a megabyte download: same replica as unsliced, one step per batch, order kept, loop served', async () => {
    const sb = sandbox();
    const server = await sb.startDb('nb');
    const writer = await OvsdbClient.connect(server.remotes.unix);
    const sliced = await OvsdbClient.connect(server.remotes.unix, { sliceMs: 1 });
    try {
      const t = writer.transaction(model);
      for (let i = 0; i < ROWS; i++)
        t.insert('Logical_Switch', { name: `ls${i}`, external_ids: { pad: PAD, i: `${i}` } });
      await t.commit();

      // The initial download, with a timer that must keep firing while it is parsed and decoded.
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      const replica = await sliced.monitor(model, { tables: ['Logical_Switch'] });
      clearInterval(timer);
      expect(ticks).toBeGreaterThan(2);
      const plain = await writer.monitor(model, { tables: ['Logical_Switch'] });
      expect(contents(replica)).toEqual(contents(plain));
      // The sliced paths were taken (and only where asked for).
      expect(sliced.traffic().messagesSliced).toBe(1);
      expect(replica.stats.slicedBatches).toBe(1);
      expect(writer.traffic().messagesSliced).toBe(0);
      expect(plain.stats.slicedBatches).toBe(0);
      expect(contents(replica)).toHaveLength(ROWS);

      // Narrow to nothing, then widen to everything (a megabyte update3 decoded in slices) with a small
      // update committed right behind it: every batch is whole, and the small one comes after it.
      await replica.setCondition('Logical_Switch', [false]);
      expect(replica.table('Logical_Switch').size).toBe(0);
      const sizes: number[] = [];
      replica.on('change', () => sizes.push(replica.table('Logical_Switch').size));
      // Readers between the slices (a timer) see the batch whole or not at all, never half applied.
      const seen = new Set<number>();
      const poll = setInterval(() => seen.add(replica.snapshot().Logical_Switch.size), 0);
      const widened = replica.setCondition('Logical_Switch', undefined);
      const u = writer.transaction(model);
      u.update('Logical_Switch', [['name', '==', 'ls7']], { external_ids: { pad: 'short', i: '7' } });
      const updated = u.commit();
      await widened;
      clearInterval(poll);
      expect([...seen].filter((n) => n !== 0 && n !== ROWS)).toEqual([]);
      expect(replica.table('Logical_Switch').size).toBe(ROWS); // in by the time the call resolves
      await updated;
      await replica.waitFor((r) => r.lookup('Logical_Switch', { name: 'ls7' })?.external_ids['pad'] === 'short');
      expect(sizes.every((n) => n === ROWS)).toBe(true);
      expect(sliced.traffic().messagesSliced).toBeGreaterThanOrEqual(2);
      expect(replica.stats.slicedBatches).toBe(3); // the initial rows, the narrowing's deletes, the widening
      await plain.waitFor((r) => r.lookup('Logical_Switch', { name: 'ls7' })?.external_ids['pad'] === 'short');
      expect(contents(replica)).toEqual(contents(plain));

      // A resumption after a dropped connection (monitor_cond_since from the last txn id) still lines up.
      const resumed = new Promise<unknown>((r) => replica.once('resumed', r));
      (await sliced.connected()).close(new Error('test: dropped'));
      await resumed;
      const d = writer.transaction(model);
      d.delete('Logical_Switch', [['name', '==', 'ls8']]);
      await d.commit();
      await replica.waitFor((r) => r.table('Logical_Switch').size === ROWS - 1);
      await plain.waitFor((r) => r.table('Logical_Switch').size === ROWS - 1);
      expect(contents(replica)).toEqual(contents(plain));
    } finally {
      await sliced.close();
      await writer.close();
    }
  }, 120_000);
});
