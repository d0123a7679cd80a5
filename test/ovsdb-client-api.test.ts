// The rest of the client surface against a real ovsdb-server: methods, typed errors with operation
// indexes, optimistic concurrency (verify), conditional monitors, monitor_cancel, IPv6 remotes,
// connection-state events, and leader-only vs any-member connections to a Raft cluster.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { freePort, SCHEMA_FILE, useSandbox } from '@ovnts/test-harness';
import { model } from '@ovnts/schema/nb';
import { ConnectionError, OvsdbClient, OvsdbError, parseSchema, type ConnectionState } from 'ovsdb-client-ts';

describe('client API against ovsdb-server', () => {
  const sandbox = useSandbox();

  it('list_dbs, get_schema, echo, raw transact', async () => {
    const sb = sandbox();
    const server = await sb.startDb('nb');
    const c = await OvsdbClient.connect(server.remotes.unix);
    try {
      expect(await c.listDbs()).toEqual(['OVN_Northbound', '_Server']);
      expect(await c.getSchema('OVN_Northbound')).toEqual(
        parseSchema(JSON.parse(await readFile(SCHEMA_FILE.nb, 'utf8'))),
      );
      expect(await c.echo('a', 1, { b: [true] })).toEqual(['a', 1, { b: [true] }]);
      const res = await c.transact('OVN_Northbound', [
        { op: 'insert', table: 'Logical_Switch', row: { name: 'raw' }, 'uuid-name': 'x' },
        { op: 'select', table: 'Logical_Switch', where: [['_uuid', '==', ['named-uuid', 'x']]], columns: ['name'] },
      ]);
      expect(res[1]?.rows).toEqual([{ name: 'raw' }]);
      await expect(c.getSchema('nope')).rejects.toMatchObject({ name: 'OvsdbError', error: 'unknown database' });
    } finally {
      await c.close();
    }
  });

  it('typed errors carry the failing operation index; commit-level errors have none', async () => {
    const sb = sandbox();
    const server = await sb.startDb('nb');
    const c = await OvsdbClient.connect(server.remotes.unix);
    try {
      const t1 = c.transaction(model);
      t1.insert('Logical_Switch', { name: 'a' });
      t1.comment('second op fails');
      t1.mutate('Logical_Switch', [['name', '==', 'a']], [['other_config', 'insert', { k: 'v' }]]);
      t1.update('ACL', [], { priority: 99999 });
      const e1 = await t1.commit().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(e1).toBeInstanceOf(OvsdbError);
      expect(e1).toMatchObject({ error: 'constraint violation', opIndex: 3 });

      // A dangling strong reference is found at commit: no operation to blame.
      const t2 = c.transaction(model);
      t2.insert('Logical_Switch', { name: 'b', ports: ['6a0d3f3e-8a5c-4c8e-9d3f-000000000001' as never] });
      const e2 = await t2.commit().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(e2).toMatchObject({ name: 'OvsdbError', error: 'referential integrity violation', opIndex: undefined });

      // abort() fails the transaction where it stands.
      const t3 = c.transaction(model);
      t3.insert('Logical_Switch', { name: 'c' });
      t3.abort();
      await expect(t3.commit()).rejects.toMatchObject({ error: 'aborted', opIndex: 1 });
      const t4 = c.transaction(model);
      const sel = t4.select('Logical_Switch', [], ['name']);
      expect((await t4.commit()).rows(sel)).toEqual([]);
    } finally {
      await c.close();
    }
  });

  it('verify: optimistic concurrency fails when a read column changed meanwhile', async () => {
    const sb = sandbox();
    const server = await sb.startDb('nb');
    const a = await OvsdbClient.connect(server.remotes.unix);
    const b = await OvsdbClient.connect(server.remotes.unix);
    try {
      const replica = await a.monitor(model, { tables: ['Logical_Switch'] });
      const t0 = a.transaction(model);
      t0.insert('Logical_Switch', { name: 'ls', other_config: { n: '1' } });
      await t0.commit();
      await replica.waitFor((r) => r.lookup('Logical_Switch', { name: 'ls' }) !== undefined);
      const seen = replica.lookup('Logical_Switch', { name: 'ls' })!;

      // Someone else changes the row after we read it.
      const tb = b.transaction(model);
      tb.update('Logical_Switch', [['name', '==', 'ls']], { other_config: { n: '2' } });
      await tb.commit();

      const ta = a.transaction(model);
      ta.verify('Logical_Switch', seen, ['other_config']);
      ta.update('Logical_Switch', [['_uuid', '==', seen._uuid]], {
        other_config: { n: String(Number(seen.other_config['n']) + 1) },
      });
      await expect(ta.commit()).rejects.toMatchObject({ error: 'timed out', opIndex: 0 });

      // With the current row, the same transaction goes through.
      await replica.waitFor((r) => r.get('Logical_Switch', seen._uuid)?.other_config['n'] === '2');
      const fresh = replica.get('Logical_Switch', seen._uuid)!;
      const tc = a.transaction(model);
      tc.verify('Logical_Switch', fresh, ['other_config']);
      const upd = tc.update('Logical_Switch', [['_uuid', '==', fresh._uuid]], { other_config: { n: '3' } });
      expect((await tc.commit()).count(upd)).toBe(1);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('conditional monitor, monitor_cond_change and monitor_cancel', async () => {
    const sb = sandbox();
    const server = await sb.startDb('nb');
    const c = await OvsdbClient.connect(server.remotes.unix);
    try {
      const t = c.transaction(model);
      for (const name of ['a1', 'a2', 'b1']) t.insert('Logical_Switch', { name, external_ids: { group: name[0]! } });
      await t.commit();
      const replica = await c.monitor(model, {
        tables: {
          Logical_Switch: { columns: ['name', 'external_ids'], where: [['external_ids', 'includes', { group: 'a' }]] },
        },
      });
      const names = () => [...replica.table('Logical_Switch').values()].map((r) => r.name).sort();
      expect(names()).toEqual(['a1', 'a2']);
      // Unreplicated columns are absent; replicated ones are typed values.
      expect(Object.keys(replica.lookup('Logical_Switch', { name: 'a1' })!).sort()).toEqual([
        '_uuid',
        '_version',
        'external_ids',
        'name',
      ]);

      await replica.setCondition('Logical_Switch', [['name', '==', 'b1']]);
      await replica.waitFor(() => names().join() === 'b1');

      await replica.close();
      const t2 = c.transaction(model);
      t2.insert('Logical_Switch', { name: 'b1' });
      await t2.commit();
      await c.echo(); // a barrier: any update for the cancelled monitor would have arrived first
      expect(names()).toEqual(['b1']);
    } finally {
      await c.close();
    }
  });

  it('a schema conversion cancels monitors; the replica resubscribes (db-change-aware)', async () => {
    const sb = sandbox();
    const server = await sb.startDb('nb');
    const c = await OvsdbClient.connect(server.remotes.unix);
    try {
      const replica = await c.monitor(model, { tables: ['Logical_Switch'] });
      const t = c.transaction(model);
      t.insert('Logical_Switch', { name: 'before' });
      await t.commit();
      await replica.waitFor((r) => r.lookup('Logical_Switch', { name: 'before' }) !== undefined);
      const resumed = new Promise<{ full: boolean }>((r) => replica.once('resumed', r));
      let disconnects = 0;
      c.on('disconnected', () => disconnects++);
      await sb.runOk('ovsdb-client', ['convert', server.remotes.unix, SCHEMA_FILE.nb]);
      expect((await resumed).full).toBe(true);
      expect(disconnects).toBe(0); // monitor_canceled, not a dropped connection
      expect(c.state).toBe('connected');
      const t2 = c.transaction(model);
      t2.insert('Logical_Switch', { name: 'after' });
      await t2.commit();
      await replica.waitFor((r) => r.lookup('Logical_Switch', { name: 'after' }) !== undefined);
      expect(replica.table('Logical_Switch').size).toBe(2);
    } finally {
      await c.close();
    }
  });

  it('IPv6 remotes and connection-state events across a server restart', async () => {
    const sb = sandbox();
    const port = await freePort();
    const server = await sb.startDb('nb', { extraArgs: [`--remote=ptcp:${port}:[::1]`] });
    const states: ConnectionState[] = [];
    const c = await OvsdbClient.connect(`tcp:[::1]:${port}`, { reconnect: { initialMs: 20, maxMs: 100 } });
    c.on('state', (s) => states.push(s));
    try {
      expect(c.remote).toBe(`tcp:[::1]:${port}`);
      expect(c.state).toBe('connected');
      const down = new Promise((r) => c.once('disconnected', r));
      await server.kill();
      await down;
      const up = new Promise((r) => c.once('connected', r));
      await server.restart();
      await up;
      expect(states[0]).toBe('connecting');
      expect(states).toContain('backoff');
      expect(states.at(-1)).toBe('connected');
      expect(await c.listDbs()).toContain('OVN_Northbound');
    } finally {
      await c.close();
    }
    expect(c.state).toBe('closed');
    await expect(c.listDbs()).rejects.toBeInstanceOf(ConnectionError);
  });

  it('Raft: leaderOnly skips followers; leaderOnly=false accepts any member', async () => {
    const sb = sandbox();
    const cl = await sb.startCluster('sb');
    const leader = await cl.leader();
    const follower = (leader + 1) % 3;
    // The follower is listed first: a leader-only client must pass it by.
    const list = [cl.members[follower]!.remotes.tcp, cl.members[leader]!.remotes.tcp].join(',');
    const writer = await OvsdbClient.connect(list);
    const any = await OvsdbClient.connect(cl.members[follower]!.remotes.tcp, { leaderOnly: false });
    const strict = OvsdbClient.connect(cl.members[follower]!.remotes.tcp, { reconnect: false });
    try {
      expect(writer.remote).toBe(cl.members[leader]!.remotes.tcp);
      expect(any.remote).toBe(cl.members[follower]!.remotes.tcp);
      await expect(strict).rejects.toThrow(/not the leader/);
    } finally {
      await writer.close();
      await any.close();
    }
  });
});
