import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EncodedOps } from './encoded.js';
import { ConnectionError } from './errors.js';
import { parseRemote } from './remote.js';
import { openStream } from './transport.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ovsdb-thread-'));
const servers: net.Server[] = [];
afterAll(() => {
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

/** An echo server on a unix socket. */
async function echoServer(name: string): Promise<string> {
  const file = path.join(dir, name);
  const server = net.createServer((sock) => sock.pipe(sock));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(file, resolve));
  return file;
}

describe('openStream with ioThread (socket on a worker thread)', () => {
  it('carries bytes both ways, in order, and ends when the peer closes', async () => {
    const file = await echoServer('echo.sock');
    const s = await openStream(parseRemote(`unix:${file}`), 5000, undefined, true);
    const got: Buffer[] = [];
    s.on('data', (b: Buffer) => got.push(b));
    const ended = new Promise((r) => s.once('end', r));
    // Several writes, one of them larger than a socket buffer.
    const big = Buffer.alloc(3 << 20, 'x');
    s.write('hello ');
    s.write(big);
    s.end('bye');
    await ended;
    const all = Buffer.concat(got);
    expect(all.length).toBe(6 + big.length + 3);
    expect(all.subarray(0, 6).toString()).toBe('hello ');
    expect(all.subarray(-3).toString()).toBe('bye');
  });

  it("moves an EncodedOps' handed-over buffers to the thread, copies anything else", async () => {
    const file = await echoServer('move.sock');
    const s = await openStream(parseRemote(`unix:${file}`), 5000, undefined, true);
    const got: Buffer[] = [];
    s.on('data', (b: Buffer) => got.push(b));
    const ended = new Promise((r) => s.once('end', r));
    const ops = new EncodedOps();
    for (let i = 0; i < 20_000; i++) ops.begin().text(`{"op":"insert","n":${i}}`);
    const expected = Buffer.concat(ops.pieces()).toString();
    const pieces = ops.take();
    expect(pieces.length).toBeGreaterThan(1);
    const mine = Buffer.alloc(100_000, 'y'); // the caller's: never moved
    const small = Buffer.from('tail'); // from Node's pool, shared with others
    s.cork();
    for (const p of pieces) s.write(p);
    s.write(mine);
    s.write(small);
    s.uncork();
    // Moved: the buffers are gone from this thread (detached), not copied.
    for (const p of pieces) expect(p.buffer.byteLength).toBe(0);
    expect(mine.length).toBe(100_000);
    expect(small.toString()).toBe('tail');
    s.end();
    await ended;
    expect(Buffer.concat(got).toString()).toBe(expected + 'y'.repeat(100_000) + 'tail');
  });

  it('fails to connect with the OS text, as the plain transport does', async () => {
    const remote = parseRemote(`unix:${path.join(dir, 'nobody.sock')}`);
    const e = await openStream(remote, 5000, undefined, true).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(ConnectionError);
    expect((e as ConnectionError).message).toContain('nobody.sock');
    expect((e as ConnectionError).reason).toBe('No such file or directory');
  });

  it('a destroyed stream closes its socket', async () => {
    const file = path.join(dir, 'closer.sock');
    let closedAtServer!: () => void;
    const closed = new Promise<void>((r) => (closedAtServer = r));
    const server = net.createServer((sock) => sock.on('close', () => closedAtServer()));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(file, resolve));
    const s = await openStream(parseRemote(`unix:${file}`), 5000, undefined, true);
    s.destroy();
    await closed;
  });
});
