// Acceptance (fuzz): random byte chunks, malformed JSON and wrong-type replies into the framing, the decoder
// and a live client: never a crash or an unhandled rejection, always a typed error.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { model } from '@ovnts/schema/nb';
import {
  ConnectionError,
  DatumError,
  FramingError,
  JsonFramer,
  OvsdbClient,
  OvsdbError,
  ProtocolError,
  applyDiff,
  decodeDatum,
  decodeRow,
  type ColumnType,
} from 'ovsdb-client-ts';

/** Deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TYPED = [FramingError, ProtocolError, DatumError, ConnectionError, OvsdbError];
const isTyped = (e: unknown) => TYPED.some((T) => e instanceof T);

function randomJson(rnd: () => number, depth = 0): unknown {
  const k = Math.floor(rnd() * (depth > 3 ? 6 : 10));
  switch (k) {
    case 0:
      return null;
    case 1:
      return rnd() < 0.5;
    case 2:
      return Math.floor(rnd() * 2000) - 1000;
    case 3:
      return rnd() * 10;
    case 4:
      return ['', 'uuid', 'set', 'map', 'named-uuid', '0b7b7d96-8a9d-4a04-bb5b-0b93c1a0a1a3', 'é"{'][
        Math.floor(rnd() * 7)
      ];
    case 5:
      return ['uuid', '0b7b7d96-8a9d-4a04-bb5b-0b93c1a0a1a3'];
    case 6:
      return ['set', Array.from({ length: Math.floor(rnd() * 3) }, () => randomJson(rnd, depth + 1))];
    case 7:
      return [
        'map',
        Array.from({ length: Math.floor(rnd() * 3) }, () => [randomJson(rnd, depth + 1), randomJson(rnd, depth + 1)]),
      ];
    case 8:
      return Array.from({ length: Math.floor(rnd() * 3) }, () => randomJson(rnd, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(rnd() * 3); i > 0; i--)
        o[['a', 'name', 'ports', 'external_ids', 'other_config'][Math.floor(rnd() * 5)]!] = randomJson(rnd, depth + 1);
      return o;
    }
  }
}

describe('fuzz', () => {
  it('framer: 100k random chunks (valid fragments, junk, truncations) only ever yield values or FramingError', () => {
    const rnd = prng(1);
    const valid = Buffer.from(
      JSON.stringify({ id: 1, result: ['a{', 'ü"}', { x: [1, 2, { y: '\\' }] }], error: null }),
    );
    let framer = new JsonFramer({ maxMessageBytes: 1 << 16 });
    let values = 0;
    let errors = 0;
    for (let i = 0; i < 100_000; i++) {
      let chunk: Buffer;
      const r = rnd();
      if (r < 0.5) {
        const a = Math.floor(rnd() * valid.length);
        chunk = valid.subarray(a, a + 1 + Math.floor(rnd() * 40));
      } else if (r < 0.8) {
        chunk = Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 32) }, () => Math.floor(rnd() * 256)));
      } else {
        chunk = Buffer.from(
          Array.from({ length: 1 + Math.floor(rnd() * 16) }, () => '{}[]",:\\ 1a'.charCodeAt(Math.floor(rnd() * 12))),
        );
      }
      try {
        values += framer.push(chunk).length;
      } catch (e) {
        expect(e).toBeInstanceOf(FramingError);
        errors++;
        framer = new JsonFramer({ maxMessageBytes: 1 << 16 });
      }
    }
    expect(errors).toBeGreaterThan(100);
    expect(values).toBeGreaterThan(0);
  });

  it('decoder: random JSON against every NB column type only ever yields values or DatumError', () => {
    const rnd = prng(2);
    const types: ColumnType[] = Object.values(model.schema.tables).flatMap((t) =>
      Object.values(t.columns).map((c) => c.type),
    );
    const tables = Object.values(model.schema.tables);
    let ok = 0;
    for (let i = 0; i < 100_000; i++) {
      const type = types[Math.floor(rnd() * types.length)]!;
      const json = randomJson(rnd);
      try {
        if (i % 3 === 0) decodeDatum(type, json);
        else if (i % 3 === 1) applyDiff(type, decodeDatumSafe(type), json);
        else decodeRow(tables[i % tables.length]!, json);
        ok++;
      } catch (e) {
        if (!(e instanceof DatumError)) throw e;
      }
    }
    expect(ok).toBeGreaterThan(0);
  });

  describe('client against a misbehaving server', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ovnts-fuzz-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    /** A fake server: `reply(method, params)` returns raw text to send (or undefined for a normal error). */
    async function fakeServer(
      name: string,
      reply: (method: string, id: unknown, params: unknown[]) => string | undefined,
      endAfterReply = false,
    ) {
      const sock = path.join(dir, `${name}.sock`);
      const conns = new Set<net.Socket>();
      const srv = net.createServer((c) => {
        conns.add(c);
        c.on('error', () => undefined);
        c.on('close', () => conns.delete(c));
        const framer = new JsonFramer();
        c.on('data', (d) => {
          let msgs: unknown[];
          try {
            msgs = framer.push(d);
          } catch {
            c.destroy();
            return;
          }
          for (const m of msgs as { method: string; id: unknown; params: unknown[] }[]) {
            if (m.method === 'monitor' && m.params[0] === '_Server') {
              c.write(JSON.stringify({ id: m.id, result: null, error: 'unknown database' }));
              continue;
            }
            if (m.method === 'set_db_change_aware') {
              c.write(JSON.stringify({ id: m.id, result: {}, error: null }));
              continue;
            }
            const text = reply(m.method, m.id, m.params);
            c.write(text ?? JSON.stringify({ id: m.id, result: null, error: { error: 'nope', details: 'fuzz' } }));
            if (endAfterReply) c.end();
          }
        });
      });
      await new Promise<void>((r) => srv.listen(sock, r));
      return {
        remote: `unix:${sock}`,
        close: () => {
          for (const c of conns) c.destroy();
          return new Promise<void>((r) => srv.close(() => r()));
        },
      };
    }

    it('wrong-type replies become ProtocolError / OvsdbError, never crashes', async () => {
      const replies: Record<string, unknown> = {
        list_dbs: 42,
        echo: { not: 'an array' },
        get_schema: { name: 1 },
        transact: { what: true },
        monitor_cond_since: [true],
      };
      const srv = await fakeServer('types', (method, id) =>
        method in replies ? JSON.stringify({ id, result: replies[method], error: null }) : undefined,
      );
      const c = await OvsdbClient.connect(srv.remote, { reconnect: false });
      try {
        await expect(c.listDbs()).rejects.toBeInstanceOf(ProtocolError);
        await expect(c.echo()).rejects.toBeInstanceOf(ProtocolError);
        await expect(c.getSchema('x')).rejects.toThrow();
        await expect(c.transact('x', [{ op: 'comment', comment: 'x' }])).rejects.toBeInstanceOf(ProtocolError);
        await expect(c.monitor(model)).rejects.toBeInstanceOf(ProtocolError);
        await expect(c.request('lock', ['x'])).rejects.toMatchObject({
          name: 'OvsdbError',
          error: 'nope',
          details: 'fuzz',
        });
        const t = c.transaction(model);
        t.insert('Logical_Switch', { name: 'x' });
        await expect(t.commit()).rejects.toBeInstanceOf(ProtocolError);
      } finally {
        await c.close();
        await srv.close();
      }
    });

    it('random garbage from the server drops the connection with a typed error', async () => {
      const rnd = prng(3);
      for (let round = 0; round < 30; round++) {
        const srv = await fakeServer(
          `garbage${round}`,
          (_m, id) => {
            const junk = Buffer.from(
              Array.from({ length: 1 + Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256)),
            ).toString('latin1');
            return rnd() < 0.5 ? junk : `{"id":${JSON.stringify(id)},"result":` + junk;
          },
          true,
        );
        const c = await OvsdbClient.connect(srv.remote, { reconnect: false, inactivityProbeMs: 200 });
        try {
          const err = await c.echo('x').then(
            () => undefined,
            (e: unknown) => e,
          );
          // Either the junk completed a value (a typed error about it) or the session died (typed too).
          if (err !== undefined) expect(isTyped(err), String(err)).toBe(true);
        } finally {
          await c.close();
          await srv.close();
        }
      }
    });

    // Found by the daemons' hostile-peer test (issue 24): the leader check waited forever on a server that
    // kept the session alive (answering echoes) but never answered the request.
    it('a server that answers echoes but never the setup requests is dropped after setupTimeoutMs and retried', async () => {
      const sock = path.join(dir, 'echo-only.sock');
      let connections = 0;
      const conns = new Set<net.Socket>();
      const srv = net.createServer((c) => {
        connections++;
        conns.add(c);
        c.on('error', () => undefined);
        const framer = new JsonFramer();
        c.on('data', (d) => {
          for (const m of framer.push(d) as { method: string; id: unknown; params: unknown[] }[])
            if (m.method === 'echo') c.write(JSON.stringify({ id: m.id, result: m.params, error: null }));
        });
      });
      await new Promise<void>((r) => srv.listen(sock, r));
      try {
        const err = await OvsdbClient.connect(`unix:${sock}`, {
          waitForServer: true,
          setupTimeoutMs: 200,
          inactivityProbeMs: 50,
          initialConnectTimeoutMs: 2_000,
          reconnect: { initialMs: 10, maxMs: 50 },
        }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(Error);
        expect((err as Error).message).toMatch(/could not connect .* monitor: no answer in 200 ms/);
        expect(connections).toBeGreaterThanOrEqual(2);
      } finally {
        for (const c of conns) c.destroy();
        await new Promise<void>((r) => srv.close(() => r()));
      }
    });

    it('a silent server trips the inactivity probe', async () => {
      const srv = await fakeServer('silent', (method, id) =>
        method === 'echo' ? '' : JSON.stringify({ id, result: [], error: null }),
      );
      const c = await OvsdbClient.connect(srv.remote, { reconnect: false, inactivityProbeMs: 100 });
      try {
        // The fake answers everything but echo: after 100 ms of silence the probe echo goes unanswered.
        const err = await new Promise<Error>((r) => c.once('disconnected', r));
        expect(err.name).toBe('TimeoutError');
        expect(c.state).toBe('closed');
        await expect(c.listDbs()).rejects.toBeInstanceOf(ConnectionError);
      } finally {
        await c.close();
        await srv.close();
      }
    });
  });
});

function decodeDatumSafe(type: ColumnType): unknown {
  return decodeDatum(
    type,
    type.value
      ? ['map', []]
      : type.min === 0
        ? ['set', []]
        : type.key.type === 'uuid'
          ? ['uuid', '0b7b7d96-8a9d-4a04-bb5b-0b93c1a0a1a3']
          : type.key.enum
            ? type.key.enum[0]
            : type.key.type === 'string'
              ? ''
              : type.key.type === 'boolean'
                ? false
                : 0,
  );
}
