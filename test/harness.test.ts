// The harness itself, against real ovsdb-server: standalone and Raft, unix and tcp, and a clean teardown.
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive, Sandbox } from '@ovnts/test-harness';

/** Minimal raw JSON-RPC list_dbs, independent of ovsdb-client-ts so the harness is tested on its own. */
function listDbs(remote: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const [kind, ...rest] = remote.split(':');
    const sock =
      kind === 'unix'
        ? net.connect(rest.join(':'))
        : net.connect(Number(rest[rest.length - 1]), rest.slice(0, -1).join(':'));
    let buf = '';
    sock.setTimeout(5_000, () => sock.destroy(new Error(`no reply from ${remote}`)));
    sock.on('error', reject);
    sock.on('connect', () => sock.write(JSON.stringify({ id: 1, method: 'list_dbs', params: [] })));
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      try {
        const msg = JSON.parse(buf) as { id: number; result: string[] };
        sock.end();
        resolve(msg.result);
      } catch {
        // incomplete; wait for more
      }
    });
  });
}

describe('test harness', () => {
  const sandboxes: Sandbox[] = [];
  afterAll(async () => Promise.all(sandboxes.map((s) => s.stop())));

  it('starts NB standalone and a 3-member Raft NB cluster, both reachable over unix and tcp, and cleans up', async () => {
    const sb = new Sandbox();
    sandboxes.push(sb);
    const nb = await sb.startDb('nb');
    expect(await listDbs(nb.remotes.unix)).toContain('OVN_Northbound');
    expect(await listDbs(nb.remotes.tcp)).toContain('OVN_Northbound');

    const cluster = await sb.startCluster('nb');
    expect(cluster.members).toHaveLength(3);
    for (const m of cluster.members) {
      expect(await listDbs(m.remotes.unix)).toContain('OVN_Northbound');
      expect(await listDbs(m.remotes.tcp)).toContain('OVN_Northbound');
    }
    expect(cluster.remotes.tcp.split(',')).toHaveLength(3);
    const leader = await cluster.leader();
    expect(leader).toBeGreaterThanOrEqual(0);

    const pids = [nb.pid, ...cluster.members.map((m) => m.pid)];
    expect(pids.every(isAlive)).toBe(true);
    await sb.stop();
    expect(pids.some(isAlive)).toBe(false);
    expect(existsSync(sb.dir)).toBe(false);
  });

  it('restarts a killed server on the same remotes', async () => {
    const sb = new Sandbox();
    sandboxes.push(sb);
    const nb = await sb.startDb('nb');
    const { tcp } = nb.remotes;
    await nb.kill();
    expect(nb.alive).toBe(false);
    await nb.restart();
    expect(nb.remotes.tcp).toBe(tcp);
    expect(await listDbs(tcp)).toContain('OVN_Northbound');
    await sb.stop();
    expect(existsSync(sb.dir)).toBe(false);
  });

  it('stops at once what a test starts in a sandbox after its teardown (a timed-out test runs on)', async () => {
    const sb = new Sandbox();
    await sb.stop();
    let stopped = 0;
    expect(() => sb.own({ stop: async () => void stopped++ })).toThrow(/was torn down/);
    expect(stopped).toBe(1);
    await expect(sb.addNetns('late')).rejects.toThrow(/was torn down/);
    const { execFileSync } = await import('node:child_process');
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(path.basename(sb.dir));
  });
});
