import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectFirst } from './connect.js';
import { ConnectionError } from './errors.js';
import { leaderVerdict } from './leader.js';
import { osErrorText } from './transport.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ovsdb-connect-'));
const servers: net.Server[] = [];
afterAll(() => {
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A fake server on a unix socket: answers _Server.Database selects with `dbRow` and echoes other requests. */
async function fakeServer(name: string, dbRow: Record<string, unknown> | undefined): Promise<string> {
  const file = path.join(dir, name);
  const server = net.createServer((sock) => {
    sock.on('data', (d) => {
      const msg = JSON.parse(d.toString()) as { id: number; method: string; params: unknown[] };
      if (msg.method === 'transact' && msg.params[0] === '_Server') {
        const result = dbRow ? [{ rows: [dbRow] }] : null;
        const error = dbRow ? null : { error: 'unknown database', details: '_Server' };
        sock.write(JSON.stringify({ id: msg.id, result, error }));
      } else {
        sock.write(JSON.stringify({ id: msg.id, result: msg.params, error: null }));
      }
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(file, resolve));
  return `unix:${file}`;
}

async function reason(p: Promise<unknown>): Promise<string | undefined> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ConnectionError);
  return (e as ConnectionError).reason;
}

describe('connectFirst', () => {
  it('skips remotes that fail and opens a session (no logger needed) on the first that works', async () => {
    const good = await fakeServer('good.sock', undefined);
    const { session, remote } = await connectFirst(`unix:${dir}/missing.sock, bogus:x,${good}`);
    expect(remote.text).toBe(good);
    expect(await session.request('echo', ['hi'])).toEqual(['hi']);
    session.close();
  });

  it('reports the last failure with the OS wording, as the C tools print it', async () => {
    expect(await reason(connectFirst(`unix:${dir}/missing.sock`))).toBe('No such file or directory');
    expect(await reason(connectFirst('tcp:127.0.0.1:1'))).toBe('Connection refused');
    expect(await reason(connectFirst('foo:bar'))).toBe('Address family not supported by protocol');
    expect(await reason(connectFirst(''))).toBe('no remote');
    expect(await reason(connectFirst('ssl:127.0.0.1:1'))).toBe('Protocol not available'); // no key/certificate/CA given
  });

  it('with leaderOf, skips a follower of that clustered database and takes the leader', async () => {
    const follower = await fakeServer('follower.sock', {
      name: 'DB',
      model: 'clustered',
      connected: true,
      leader: false,
    });
    const leader = await fakeServer('leader.sock', { name: 'DB', model: 'clustered', connected: true, leader: true });
    const { session, remote } = await connectFirst(`${follower},${leader}`, { leaderOf: 'DB' });
    expect(remote.text).toBe(leader);
    session.close();
    expect(await reason(connectFirst(follower, { leaderOf: 'DB' }))).toBe('not the leader for DB');
    // Without leaderOf the follower is fine; a server without _Server passes the check.
    (await connectFirst(follower)).session.close();
    (await connectFirst(await fakeServer('old.sock', undefined), { leaderOf: 'DB' })).session.close();
  });
});

describe('leaderVerdict', () => {
  const row = (name: string, model: string, connected: boolean, leader: boolean) => ({
    name,
    model,
    connected,
    leader,
  });
  it('accepts standalone databases and clustered leaders, rejects followers and disconnected members', () => {
    expect(leaderVerdict([row('A', 'standalone', false, false), row('B', 'clustered', true, true)])).toBeUndefined();
    expect(leaderVerdict([row('B', 'clustered', true, false)])).toBe('not the leader for B');
    expect(leaderVerdict([row('B', 'clustered', false, false)])).toBe('B is not connected to its cluster');
    expect(leaderVerdict([row('B', 'clustered', true, false)], 'A')).toBeUndefined();
  });
});

describe('osErrorText', () => {
  it('gives strerror wording for known codes and the message otherwise', () => {
    expect(osErrorText(Object.assign(new Error('connect ENOENT /x'), { code: 'ENOENT' }))).toBe(
      'No such file or directory',
    );
    expect(osErrorText(Object.assign(new Error('odd'), { code: 'EWEIRD' }))).toBe('odd');
  });
});
