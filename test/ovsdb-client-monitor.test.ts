// Acceptance: a replica fed by monitor equals `ovsdb-client dump` after another client writes 10k rows in
// batches; after the server is killed, changed offline and restarted, the replica resynchronises and equals
// the dump again. Also: schema-index lookups, custom indexes, change events, takeChanges, snapshots.
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { model } from '@ovnts/schema/nb';
import { decodeDump, OvsdbClient, type Replica, type RowChange } from 'ovsdb-client-ts';

type NbReplica = Replica<typeof model>;

function replicaTables(replica: NbReplica): Record<string, Map<string, Record<string, unknown>>> {
  const out: Record<string, Map<string, Record<string, unknown>>> = {};
  for (const [table, rows] of Object.entries(replica.snapshot())) {
    out[table] = new Map(
      [...(rows as unknown as ReadonlyMap<string, Record<string, unknown>>)].map(([u, r]) => {
        const { _version, ...rest } = r;
        return [u, rest];
      }),
    );
  }
  return out;
}

describe('replica cache vs ovsdb-client dump', () => {
  const sandbox = useSandbox();

  it('10k rows written in batches by another client; then kill, offline change, restart: resync', async () => {
    const sb = sandbox();
    const server = await sb.startDb('nb');
    const dump = async () =>
      decodeDump(
        model.schema,
        await sb.runOk('ovsdb-client', ['dump', '-f', 'json', server.remotes.unix, 'OVN_Northbound']),
      );
    const writer = await OvsdbClient.connect(server.remotes.tcp);
    const reader = await OvsdbClient.connect(server.remotes.unix, { reconnect: { initialMs: 50, maxMs: 200 } });
    try {
      const replica = await reader.monitor(model);
      const byPrefix = replica.addIndex('Logical_Switch', 'by-prefix', (ls) => ls.external_ids['prefix']);
      const events: RowChange<NonNullable<(typeof model)['__tables']>>[] = [];
      replica.on('change', (b) => events.push(...b.changes));
      expect(replica.takeChanges().changes).toEqual([]);

      // 10 000 rows: 50 batches of 100 switches, each with one port (5 000 + 5 000) and some address sets.
      for (let b = 0; b < 50; b++) {
        const txn = writer.transaction(model);
        for (let i = 0; i < 100; i++) {
          const n = b * 100 + i;
          const port = txn.insert('Logical_Switch_Port', {
            name: `lsp${n}`,
            addresses: [
              `02:00:00:00:${(n >> 8).toString(16).padStart(2, '0')}:${(n & 255).toString(16).padStart(2, '0')} 10.${b}.0.${i}`,
            ],
          });
          txn.insert('Logical_Switch', {
            name: `ls${n}`,
            ports: [port],
            external_ids: { prefix: `p${n % 10}` },
            other_config: { n: String(n) },
          });
        }
        txn.insert('Address_Set', { name: `as${b}`, addresses: [`10.${b}.0.1`, `10.${b}.0.2`] });
        await txn.commit();
      }
      // Modify and delete through the writer too.
      const t2 = writer.transaction(model);
      t2.mutate('Logical_Switch', [['name', '==', 'ls7']], [['other_config', 'insert', { extra: 'yes' }]]);
      t2.delete('Address_Set', [['name', '==', 'as0']]);
      const mutated = t2.update('Address_Set', [['name', '==', 'as1']], { addresses: ['192.0.2.1'] });
      expect((await t2.commit()).count(mutated)).toBe(1);
      // Make sure the reader has seen the writer's last transaction: a barrier through the same server.
      await replica.waitFor((r) => r.lookup('Address_Set', { name: 'as1' })?.addresses[0] === '192.0.2.1');

      expect(replicaTables(replica)).toEqual(await dump());
      expect(replica.table('Logical_Switch').size).toBe(5000);
      expect(replica.lookup('Address_Set', { name: 'as0' })).toBeUndefined();
      expect(replica.lookup('Logical_Switch', { name: 'ls7' })?.other_config).toEqual({ n: '7', extra: 'yes' });
      expect(byPrefix.get('p3')).toHaveLength(500);
      // Events: every insert seen, with old values on modify/delete.
      expect(events.filter((e) => e.kind === 'insert')).toHaveLength(10_050);
      const del = events.find((e) => e.kind === 'delete' && e.table === 'Address_Set');
      expect(del?.old).toMatchObject({ name: 'as0' });
      const mod = events.find((e) => e.kind === 'modify' && e.table === 'Logical_Switch');
      expect(mod?.old).toMatchObject({ name: 'ls7', other_config: { n: '7' } });
      // takeChanges coalesces: the deleted as0 was inserted and deleted since the start, so it is absent.
      const first = replica.takeChanges();
      expect(first.changes).toHaveLength(10_049);
      expect(first.changes.every((c) => c.kind === 'insert')).toBe(true);
      expect(replica.takeChanges().changes).toEqual([]);

      // A snapshot is immutable: later updates do not show through it.
      const snap = replica.snapshot();
      const before = snap.Logical_Switch.size;

      // Kill the server, change the database offline, restart on the same socket.
      await server.kill();
      await sb.runOk('ovsdb-tool', [
        'transact',
        server.dbFile,
        JSON.stringify([
          'OVN_Northbound',
          { op: 'delete', table: 'Logical_Switch', where: [['name', 'includes', 'ls1']] },
          { op: 'delete', table: 'Logical_Switch', where: [['name', '==', 'ls2']] },
          { op: 'insert', table: 'Logical_Switch', row: { name: 'offline' } },
          { op: 'update', table: 'Address_Set', where: [['name', '==', 'as2']], row: { addresses: ['set', []] } },
        ]),
      ]);
      const resumed = new Promise((resolve) => replica.once('resumed', resolve));
      await server.restart();
      await resumed;
      expect(replicaTables(replica)).toEqual(await dump());
      expect(replica.lookup('Logical_Switch', { name: 'offline' })).toBeDefined();
      expect(replica.lookup('Logical_Switch', { name: 'ls2' })).toBeUndefined();
      const afterRestart = replica.takeChanges();
      expect(afterRestart.resync).toBe(true);
      expect(
        afterRestart.changes
          .filter((c) => c.kind === 'delete')
          .map((c) => (c.old as { name?: string }).name)
          .sort(),
      ).toEqual(['ls1', 'ls2', 'lsp1', 'lsp2']); // ports garbage-collected
      expect(afterRestart.changes.filter((c) => c.kind === 'insert')).toHaveLength(1);
      expect(
        afterRestart.changes.filter((c) => c.kind === 'modify').map((c) => (c.new as { name?: string }).name),
      ).toEqual(['as2']);
      expect(snap.Logical_Switch.size).toBe(before);
      expect(replica.snapshot().Logical_Switch.size).toBe(before - 1);

      // And it keeps following live changes after the resync, incl. optional columns set, cleared and set again.
      const t3 = writer.transaction(model);
      t3.insert('Logical_Switch', { name: 'after-restart' });
      t3.insert('BFD', { logical_port: 'p', dst_ip: '192.0.2.9', detect_mult: 3 });
      await t3.commit();
      await replica.waitFor((r) => r.lookup('Logical_Switch', { name: 'after-restart' }) !== undefined);
      for (const v of [5, null, 7]) {
        const t = writer.transaction(model);
        t.update('BFD', [['dst_ip', '==', '192.0.2.9']], { detect_mult: v });
        await t.commit();
        await replica.waitFor((r) => r.lookup('BFD', { logical_port: 'p', dst_ip: '192.0.2.9' })?.detect_mult === v);
      }
      expect(replicaTables(replica)).toEqual(await dump());
    } finally {
      await writer.close();
      await reader.close();
    }
  });

  it('a table monitored with versions: false reads _version as the zero UUID and still follows changes', async () => {
    const sb = sandbox();
    const server = await sb.startDb('nb');
    const client = await OvsdbClient.connect(server.remotes.unix);
    try {
      const replica = await client.monitor(model, {
        tables: { Logical_Switch: { versions: false }, Address_Set: true },
      });
      const txn = client.transaction(model);
      txn.insert('Logical_Switch', { name: 'ls1' });
      txn.insert('Address_Set', { name: 'as1', addresses: ['10.0.0.1'] });
      await txn.commit();
      await replica.waitFor((r) => r.lookup('Address_Set', { name: 'as1' }) !== undefined);
      const zero = '00000000-0000-0000-0000-000000000000';
      expect(replica.lookup('Logical_Switch', { name: 'ls1' })?._version).toBe(zero);
      expect(replica.lookup('Address_Set', { name: 'as1' })?._version).not.toBe(zero);
      const t2 = client.transaction(model);
      t2.update('Logical_Switch', [['name', '==', 'ls1']], { other_config: { a: 'b' } });
      await t2.commit();
      await replica.waitFor((r) => r.lookup('Logical_Switch', { name: 'ls1' })?.other_config['a'] === 'b');
      expect(replica.lookup('Logical_Switch', { name: 'ls1' })?._version).toBe(zero);
    } finally {
      await client.close();
    }
  });
});
