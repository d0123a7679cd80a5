// The failover rules of Transaction.commit, made deterministic with a scripted server: a transaction whose
// reply is lost is re-sent behind a guard on its first inserted row; "already there" means it committed.
// A transaction without an insert cannot be checked and is reported with outcome 'unknown'.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { model } from '@ovnts/schema/nb';
import { ConnectionError, JsonFramer, OvsdbClient, type WireOperation } from 'ovsdb-client-ts';

type Msg = { id: unknown; method: string; params: unknown[] };

/** A server that hangs up on the first transact and answers later ones with `answer(ops)`. */
async function scriptedServer(sock: string, answer: (ops: WireOperation[]) => unknown) {
  const transacts: WireOperation[][] = [];
  const conns = new Set<net.Socket>();
  const srv = net.createServer((c) => {
    conns.add(c);
    c.on('error', () => undefined);
    c.on('close', () => conns.delete(c));
    const framer = new JsonFramer();
    c.on('data', (d) => {
      for (const m of framer.push(d) as Msg[]) {
        const reply = (result: unknown, error: unknown = null) => c.write(JSON.stringify({ id: m.id, result, error }));
        if (m.method === 'monitor') reply(null, 'unknown database');
        else if (m.method === 'transact') {
          transacts.push(m.params.slice(1) as WireOperation[]);
          if (transacts.length === 1)
            c.destroy(); // the reply is lost
          else reply(answer(m.params.slice(1) as WireOperation[]));
        } else if (m.method === 'echo') reply(m.params);
        else reply({});
      }
    });
  });
  await new Promise<void>((r) => srv.listen(sock, r));
  return {
    transacts,
    close: () => {
      for (const c of conns) c.destroy();
      return new Promise<void>((r) => srv.close(() => r()));
    },
  };
}

describe('transactions across a lost connection', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ovnts-failover-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const opts = { reconnect: { initialMs: 10, maxMs: 20 }, inactivityProbeMs: 0 };

  it('the first attempt had committed: the guard says so and commit() reports it (recovered)', async () => {
    const srv = await scriptedServer(path.join(dir, 'a.sock'), () => [
      { error: 'timed out', details: 'guard row exists' },
      null,
    ]);
    const c = await OvsdbClient.connect(`unix:${path.join(dir, 'a.sock')}`, opts);
    try {
      const txn = c.transaction(model);
      const ref = txn.insert('Logical_Switch', { name: 'x' });
      const res = await txn.commit();
      expect(res.recovered).toBe(true);
      const [first, retry] = srv.transacts;
      const uuid = (first![0] as { uuid: string }).uuid;
      expect(res.uuidOf(ref)).toBe(uuid);
      // The re-send is the same transaction behind a wait for "no row with that UUID yet".
      expect(retry![0]).toEqual({
        op: 'wait',
        table: 'Logical_Switch',
        where: [['_uuid', '==', ['uuid', uuid]]],
        columns: ['_uuid'],
        until: '==',
        rows: [],
        timeout: 0,
      });
      expect(retry!.slice(1)).toEqual(first);
    } finally {
      await c.close();
      await srv.close();
    }
  });

  it('the first attempt had not committed: the guarded re-send applies it once', async () => {
    const srv = await scriptedServer(path.join(dir, 'b.sock'), (ops) => [
      {},
      { uuid: ['uuid', (ops[1] as { uuid: string }).uuid] },
      { count: 1 },
    ]);
    const c = await OvsdbClient.connect(`unix:${path.join(dir, 'b.sock')}`, opts);
    try {
      const txn = c.transaction(model);
      const ref = txn.insert('Logical_Switch', { name: 'y' });
      const upd = txn.update('Logical_Switch', [['name', '==', 'y']], { other_config: { a: 'b' } });
      const res = await txn.commit();
      expect(res.recovered).toBe(false);
      expect(res.count(upd)).toBe(1);
      expect(res.uuidOf(ref)).toBe((srv.transacts[0]![0] as { uuid: string }).uuid);
      expect(srv.transacts).toHaveLength(2);
    } finally {
      await c.close();
      await srv.close();
    }
  });

  it('a transaction without an insert is reported as outcome unknown, never re-sent', async () => {
    const srv = await scriptedServer(path.join(dir, 'c.sock'), () => [{ count: 1 }]);
    const c = await OvsdbClient.connect(`unix:${path.join(dir, 'c.sock')}`, opts);
    try {
      const txn = c.transaction(model);
      txn.mutate('Logical_Switch', [['name', '==', 'z']], [['other_config', 'insert', { k: 'v' }]]);
      const err = await txn.commit().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ConnectionError);
      expect((err as ConnectionError).outcome).toBe('unknown');
      await c.echo(); // reconnected meanwhile; still only the one attempt
      expect(srv.transacts).toHaveLength(1);
    } finally {
      await c.close();
      await srv.close();
    }
  });
});
