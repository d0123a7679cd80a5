// Issue 24, hostile input at the daemons' sockets: ovnts-northd whose NB "server" answers with fuzzed
// JSON-RPC (the real schema, then junk: wrong-type results, updates with random rows and columns, bad framing,
// unsolicited notifications, dropped connections), and hostile clients on its control socket. It does not die,
// keeps reconnecting, logs what it refused, and still answers `status`/`version` afterwards. (ovnts-controller
// against an SB that answers echoes but nothing else: controller-silent-sb.test.ts.) DAEMON_FUZZ_ROUNDS raises the control-socket
// messages (default 200, seeded); DAEMON_FUZZ_SECONDS how long the hostile database serves (default 15).
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { JsonFramer } from 'ovsdb-client-ts';
import { useSandbox, waitFor, type Daemon, type Sandbox } from '@ovnts/test-harness';
import { makeRng, startOvntsNorthd, type Rng } from '@ovnts/northd/testing';

const ROUNDS = Number(process.env['DAEMON_FUZZ_ROUNDS'] ?? 200);
const SECONDS = Number(process.env['DAEMON_FUZZ_SECONDS'] ?? 15);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const schemaOf = (f: string): unknown => JSON.parse(readFileSync(path.join(ROOT, 'schemas', f), 'utf8'));

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

function junkValue(r: Rng, depth = 0): unknown {
  switch (Math.floor(r() * (depth > 2 ? 6 : 9))) {
    case 0:
      return null;
    case 1:
      return r() < 0.5;
    case 2:
      return Math.floor(r() * 1e6) - 5e5;
    case 3:
      return pick(r, ['', 'x', 'uuid', 'set', 'map', '名前', '0b7b7d96-8a9d-4a04-bb5b-0b93c1a0a1a3', 'a'.repeat(3000)]);
    case 4:
      return ['uuid', pick(r, ['0b7b7d96-8a9d-4a04-bb5b-0b93c1a0a1a3', 'not-a-uuid'])];
    case 5:
      return ['set', [junkValue(r, depth + 1)]];
    case 6:
      return ['map', [[junkValue(r, depth + 1), junkValue(r, depth + 1)]]];
    case 7:
      return Array.from({ length: Math.floor(r() * 3) }, () => junkValue(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(r() * 3); i > 0; i--)
        o[pick(r, ['name', 'ports', 'options', 'x', 'new'])] = junkValue(r, depth + 1);
      return o;
    }
  }
}

/** Updates for a monitor reply: plausible tables and row UUIDs, random column values. */
function junkUpdates(r: Rng, tables: readonly string[], columns: (t: string) => string[]): unknown {
  const out: Record<string, unknown> = {};
  for (let i = 1 + Math.floor(r() * 3); i > 0; i--) {
    const t = r() < 0.9 ? pick(r, tables) : 'No_Such_Table';
    const rows: Record<string, unknown> = {};
    for (let j = 1 + Math.floor(r() * 3); j > 0; j--) {
      const row: Record<string, unknown> = {};
      const cols = columns(t);
      for (let k = Math.floor(r() * 4); k > 0; k--) row[cols.length ? pick(r, cols) : 'x'] = junkValue(r);
      const uuid = `0000${Math.floor(r() * 16).toString(16)}000-0000-4000-8000-000000000000`;
      rows[uuid] =
        r() < 0.2
          ? junkValue(r)
          : pick(r, [
              { initial: row },
              { insert: row },
              { modify: row },
              { delete: null },
              { new: row },
              { old: row },
              row,
            ]);
    }
    out[t] = rows;
  }
  return out;
}

interface HostileDb {
  readonly remote: string;
  connections: number;
  stop(): Promise<void>;
}

/**
 * A database server that answers list_dbs and get_schema properly (so clients get to their monitors) and
 * everything else with junk; a connection lives for a few messages.
 */
async function hostileDb(sb: Sandbox, name: string, schema: Record<string, unknown>, seed: number): Promise<HostileDb> {
  const r = makeRng(seed);
  const dbName = String(schema['name']);
  const tablesObj = schema['tables'] as Record<string, { columns: Record<string, unknown> }>;
  const tables = Object.keys(tablesObj);
  const columns = (t: string) => Object.keys(tablesObj[t]?.columns ?? {});
  const file = sb.file(`${name}.sock`);
  const sockets = new Set<net.Socket>();
  const db: HostileDb = { remote: `unix:${file}`, connections: 0, stop: async () => undefined };
  const server = net.createServer((c) => {
    db.connections++;
    sockets.add(c);
    c.on('close', () => sockets.delete(c));
    c.on('error', () => undefined);
    const framer = new JsonFramer({ maxMessageBytes: 1 << 24 });
    let budget = 2 + Math.floor(r() * 12);
    const send = (x: unknown) => !c.destroyed && c.write(typeof x === 'string' ? x : JSON.stringify(x));
    c.on('data', (d) => {
      let msgs: unknown[];
      try {
        msgs = framer.push(d);
      } catch {
        return void c.destroy();
      }
      for (const m of msgs) {
        const { id, method, params } = (m ?? {}) as { id?: unknown; method?: unknown; params?: unknown[] };
        if (method === 'echo') {
          send({ id, result: params ?? [], error: null });
          continue;
        }
        if (method === 'list_dbs') {
          send({ id, result: r() < 0.9 ? [dbName] : junkValue(r), error: null });
          continue;
        }
        if (method === 'get_schema') {
          send({ id, result: r() < 0.9 ? schema : junkValue(r), error: null });
          continue;
        }
        if (--budget < 0) {
          // The end of this connection: bad framing, a truncated value, or a plain close.
          const end = Math.floor(r() * 3);
          if (end === 1) send(']]]');
          if (end === 2) send(`{"id":${JSON.stringify(id ?? 0)},"result":[{"rows":`);
          c.destroy();
          continue;
        }
        const x = r();
        if (typeof method === 'string' && method.startsWith('monitor') && x < 0.6) {
          const updates = junkUpdates(r, tables, columns);
          send({ id, result: method === 'monitor_cond_since' ? [r() < 0.5, 'x', updates] : updates, error: null });
        } else if (x < 0.75) send({ id, result: junkValue(r), error: null });
        else if (x < 0.85) send({ id, result: null, error: junkValue(r) });
        else if (x < 0.95)
          send({
            id: null,
            method: pick(r, ['update', 'update2', 'update3', 'locked', 'stolen', 'echo', 'nope']),
            params: [junkValue(r), junkUpdates(r, tables, columns)],
          });
        else send({ id: junkValue(r), result: junkValue(r), error: null });
      }
    });
  });
  await new Promise<void>((res) => server.listen(file, res));
  db.stop = async () => {
    for (const s of sockets) s.destroy();
    await new Promise((res) => server.close(res));
  };
  return sb.own(db);
}

/** Hostile messages to a control socket; between them `probe` must still answer. Returns how each went. */
async function fuzzControlSocket(
  file: string,
  seed: number,
  probe: () => Promise<string>,
): Promise<Map<string, number>> {
  const r = makeRng(seed);
  const methods = [
    'status',
    'version',
    'list-commands',
    'vlog/list',
    'memory/show',
    'inc-engine/show-stats',
    'nope',
    '',
    '__proto__',
  ];
  const outcomes = new Map<string, number>();
  for (let i = 0; i < ROUNDS; i++) {
    const k = Math.floor(r() * 5);
    let bytes: Buffer;
    if (k === 0) bytes = Buffer.from(Array.from({ length: 1 + Math.floor(r() * 100) }, () => Math.floor(r() * 256)));
    else if (k === 1) bytes = Buffer.from(JSON.stringify(junkValue(r)));
    else {
      const text = JSON.stringify({
        id: r() < 0.8 ? i : junkValue(r),
        method: r() < 0.8 ? pick(r, methods) : junkValue(r),
        params: r() < 0.7 ? [junkValue(r)].filter((x) => typeof x === 'string') : junkValue(r),
      });
      bytes = Buffer.from(k === 2 ? text.slice(0, Math.floor(r() * text.length)) : text);
    }
    const how = await new Promise<string>((resolve) => {
      const s = net.connect(file);
      const t = setTimeout(() => done('silent'), 200);
      const done = (x: string) => {
        clearTimeout(t);
        s.destroy();
        resolve(x);
      };
      s.on('error', () => done('error'));
      s.on('data', () => done('answered'));
      s.on('close', () => done('closed'));
      s.on('connect', () => s.write(bytes));
    });
    outcomes.set(how, (outcomes.get(how) ?? 0) + 1);
    if (i % 50 === 49) expect(await probe()).not.toBe('');
  }
  return outcomes;
}

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

async function expectSurvived(d: Daemon, db: HostileDb, what: string): Promise<void> {
  await waitFor(`${what}: a few connections to the hostile server`, () => db.connections >= 3, 150_000, 100);
  await sleep(SECONDS * 1000);
  expect(d.alive, `${what} died; log:\n${(await d.log()).slice(-3000)}`).toBe(true);
  expect(db.connections, `${what} reconnects`).toBeGreaterThanOrEqual(3);
  const log = await d.log();
  expect(log).not.toMatch(/Uncaught|UnhandledPromiseRejection|TypeError|RangeError/);
}

describe('daemons against hostile peers', () => {
  const sandbox = useSandbox();

  it('ovnts-northd: a hostile NB server and hostile control-socket clients', { timeout: 300_000 }, async () => {
    const sb = sandbox();
    const sbdb = await sb.startDb('sb');
    const nb = await hostileDb(sb, 'hostile-nb', schemaOf('ovn-nb.ovsschema') as Record<string, unknown>, 1);
    const ctl = sb.file('northd.ctl');
    const northd = await startOvntsNorthd(sb, nb.remote, sbdb.remotes.unix, { extraArgs: [`--unixctl=${ctl}`] });
    await expectSurvived(northd, nb, 'ovnts-northd');
    const appctl = (c: string) => sb.runOk('ovn-appctl', ['-t', ctl, c]);
    const outcomes = await fuzzControlSocket(ctl, 2, () => appctl('version'));
    expect([...outcomes.keys()]).toEqual(expect.arrayContaining(['answered', 'closed']));
    expect(await appctl('status')).toMatch(/Status: /);
    expect(northd.alive).toBe(true);
    expect(await northd.log()).toMatch(/unixctl\|WARN\|.*received bad JSON-RPC message/);
  });
});
