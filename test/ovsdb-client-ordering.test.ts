// A monitor reply and the update that follows it often arrive in one chunk. The reply resolves a promise
// (applied a microtask later) while the notification is dispatched at once; the replica must still apply
// them in wire order, or the update modifies a row it does not know yet.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { model } from '@ovnts/schema/nb';
import { JsonFramer, OvsdbClient } from 'ovsdb-client-ts';

const LS = '11111111-2222-3333-4444-555555555555';

describe('replica ordering', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ovnts-order-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('applies an update that shares a chunk with the monitor reply after the reply', async () => {
    const sock = path.join(dir, 'nb.sock');
    const srv = net.createServer((c) => {
      const framer = new JsonFramer();
      c.on('error', () => undefined);
      c.on('data', (d) => {
        for (const m of framer.push(d) as { id: unknown; method: string; params: unknown[] }[]) {
          if (m.method === 'monitor_cond_since') {
            const reply = {
              id: m.id,
              error: null,
              result: [
                false,
                'aaaaaaaa-0000-0000-0000-000000000001',
                { Logical_Switch: { [LS]: { initial: { name: 'before' } } } },
              ],
            };
            const update = {
              id: null,
              method: 'update3',
              params: [
                m.params[1],
                'aaaaaaaa-0000-0000-0000-000000000002',
                { Logical_Switch: { [LS]: { modify: { name: 'after' } } } },
              ],
            };
            c.write(JSON.stringify(reply) + JSON.stringify(update)); // one chunk
          } else c.write(JSON.stringify({ id: m.id, error: null, result: m.method === 'echo' ? m.params : {} }));
        }
      });
    });
    await new Promise<void>((r) => srv.listen(sock, r));
    const client = await OvsdbClient.connect(`unix:${sock}`, { inactivityProbeMs: 0 });
    try {
      const errors: Error[] = [];
      const replica = await client.monitor(model, { tables: ['Logical_Switch'] });
      replica.on('error', (e: Error) => errors.push(e));
      await replica.ready;
      await replica.waitFor((r) => r.get('Logical_Switch', LS as never)?.name === 'after', 2_000);
      expect(errors).toEqual([]);
      expect(replica.lastTxnId).toBe('aaaaaaaa-0000-0000-0000-000000000002');
    } finally {
      await client.close();
      await new Promise<void>((r) => srv.close(() => r()));
    }
  });
});
