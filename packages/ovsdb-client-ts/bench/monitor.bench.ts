// Initial monitor of a large Southbound DB: ovsdb-client-ts replica vs the real `ovsdb-client monitor`.
// Generates an SB with BENCH_ROWS (default 200 000) Logical_Flow rows across 100 datapaths, then times
//   - ours: connect + monitor(all tables) until the replica holds every row (decoded, indexed),
//   - ovsdb-client monitor -f json ALL: spawn until its last byte of initial output,
// best of BENCH_RUNS (default 3) each. Run: npx vite-node --config vitest.config.ts packages/ovsdb-client-ts/bench/monitor.bench.ts
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { model } from '@ovnts/schema/sb';
import { OvsdbClient, type WireOperation } from 'ovsdb-client-ts';
import { Sandbox } from '@ovnts/test-harness/servers';

const ROWS = Number(process.env['BENCH_ROWS'] ?? 200_000);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const BATCH = 10_000;

async function fill(remote: string): Promise<number> {
  const c = await OvsdbClient.connect(remote);
  const t0 = performance.now();
  const dps: WireOperation[] = Array.from({ length: 100 }, (_, i) => ({
    op: 'insert',
    table: 'Datapath_Binding',
    row: { tunnel_key: i + 1, external_ids: ['map', [['name', `ls${i}`]]] },
    'uuid-name': `dp${i}`,
  }));
  const res = await c.transact('OVN_Southbound', dps);
  const dpUuids = res.map((r) => r.uuid!);
  for (let base = 0; base < ROWS; base += BATCH) {
    const ops: WireOperation[] = [];
    for (let n = base; n < Math.min(ROWS, base + BATCH); n++) {
      ops.push({
        op: 'insert',
        table: 'Logical_Flow',
        row: {
          logical_datapath: dpUuids[n % 100]!,
          pipeline: n % 2 ? 'egress' : 'ingress',
          table_id: n % 30,
          priority: n % 65_536,
          match: `inport == "lsp${n}" && eth.src == 02:00:00:${((n >> 16) & 255).toString(16).padStart(2, '0')}:${((n >> 8) & 255).toString(16).padStart(2, '0')}:${(n & 255).toString(16).padStart(2, '0')} && ip4.src == {10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}}`,
          actions: `reg0[${n % 16}] = 1; next;`,
          external_ids: [
            'map',
            [
              ['source', `northd.c:${n % 9000}`],
              ['stage-name', 'ls_in_port_sec_l2'],
            ],
          ],
        },
      });
    }
    await c.transact('OVN_Southbound', ops);
  }
  const ms = performance.now() - t0;
  await c.close();
  return ms;
}

async function ours(
  remote: string,
): Promise<{ ms: number; cpuMs: number; bytes: number; rows: number; tables: number }> {
  const t0 = performance.now();
  const u0 = process.cpuUsage();
  const c = await OvsdbClient.connect(remote, { inactivityProbeMs: 0 });
  const replica = await c.monitor(model);
  const ms = performance.now() - t0;
  const u = process.cpuUsage(u0);
  const bytes = c.sessionStats.bytesIn;
  let rows = 0;
  let tables = 0;
  for (const t of Object.values(replica.snapshot())) {
    rows += t.size;
    if (t.size > 0) tables++;
  }
  await c.close();
  return { ms, cpuMs: (u.user + u.system) / 1000, bytes, rows, tables };
}

/** The raw initial monitor_cond_since reply, as the server sent it (to replay without server cost). */
async function capture(remote: string): Promise<Buffer> {
  const c = await OvsdbClient.connect(remote, { inactivityProbeMs: 0 });
  const requests: Record<string, unknown> = {};
  for (const t of Object.keys(model.schema.tables))
    requests[t] = [{ columns: [...Object.keys(model.schema.tables[t]!.columns), '_version'] }];
  const reply = await c.request('monitor_cond_since', [
    'OVN_Southbound',
    'cap',
    requests,
    '00000000-0000-0000-0000-000000000000',
  ]);
  await c.close();
  return Buffer.from(JSON.stringify(reply));
}

/**
 * A unix-socket server in a child process that answers monitor_cond_since with a canned reply (read from
 * a file), so the measurement covers the client alone and its CPU time is not mixed with the server's.
 */
const REPLAY_SERVER = `
const net = require('node:net'), fs = require('node:fs');
const [sock, file] = process.argv.slice(1);
const canned = fs.readFileSync(file);
net.createServer((conn) => {
  let buf = '';
  conn.on('error', () => {});
  conn.on('data', (d) => {
    buf += d.toString();
    for (;;) {
      let depth = 0, end = -1, inStr = false;
      for (let i = 0; i < buf.length; i++) {
        const ch = buf[i];
        if (inStr) { if (ch === '\\\\') i++; else if (ch === '"') inStr = false; continue; }
        if (ch === '"') inStr = true;
        else if (ch === '{' || ch === '[') depth++;
        else if ((ch === '}' || ch === ']') && --depth === 0) { end = i + 1; break; }
      }
      if (end < 0) break;
      const m = JSON.parse(buf.slice(0, end));
      buf = buf.slice(end);
      const id = JSON.stringify(m.id);
      if (m.method === 'monitor_cond_since') { conn.write('{"id":' + id + ',"error":null,"result":'); conn.write(canned); conn.write('}'); }
      else if (m.method === 'monitor') conn.write('{"id":' + id + ',"result":null,"error":"unknown database"}');
      else conn.write('{"id":' + id + ',"result":{},"error":null}');
    }
  });
}).listen(sock, () => process.stdout.write('ready\\n'));
`;

async function replayServer(sock: string, file: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', REPLAY_SERVER, sock, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    child.stdout!.once('data', resolve);
    child.once('exit', (code) => reject(new Error(`replay server exited (${code})`)));
  });
  return child;
}

/**
 * `ovsdb-client monitor -f json` prints one line per non-empty table once the initial reply is in, then
 * waits: time from spawn to the last of those lines.
 */
function reference(sb: Sandbox, remote: string, tables: number): Promise<{ ms: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn('ovsdb-client', ['monitor', '-f', 'json', remote, 'OVN_Southbound', 'ALL'], {
      env: sb.env,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let bytes = 0;
    let lines = 0;
    p.stdout.on('data', (d: Buffer) => {
      bytes += d.length;
      for (let i = d.indexOf(10); i >= 0; i = d.indexOf(10, i + 1)) lines++;
      if (lines >= tables) {
        resolve({ ms: performance.now() - t0, bytes });
        p.kill('SIGTERM');
      }
    });
    p.on('error', reject);
    p.on('exit', () => reject(new Error(`ovsdb-client monitor exited after ${lines} of ${tables} tables`)));
  });
}

const sb = new Sandbox('ovnts-bench-');
try {
  const server = await sb.startDb('sb');
  const remote = server.remotes.unix;
  const fillMs = await fill(remote);
  console.log(
    `generated ${ROWS} Logical_Flow + 100 Datapath_Binding rows in ${(fillMs / 1000).toFixed(1)} s (ovsdb-client-ts transact, ${BATCH}/txn)`,
  );
  const o: Awaited<ReturnType<typeof ours>>[] = [];
  const r: Awaited<ReturnType<typeof reference>>[] = [];
  for (let i = 0; i < RUNS; i++) {
    o.push(await ours(remote));
    r.push(await reference(sb, remote, o[0]!.tables));
  }
  // Client side alone: the same reply replayed from memory through framing, JSON, decoding and the replica.
  const canned = await capture(remote);
  const sock = sb.file('replay.sock');
  writeFileSync(sb.file('replay.json'), canned);
  const srv = await replayServer(sock, sb.file('replay.json'));
  const replay: Awaited<ReturnType<typeof ours>>[] = [];
  try {
    for (let i = 0; i < RUNS; i++) replay.push(await ours(`unix:${sock}`));
  } finally {
    srv.kill();
  }
  let parseMs = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    JSON.parse(canned.toString('utf8'));
    parseMs = Math.min(parseMs, performance.now() - t0);
  }
  const bestP = replay.reduce((a, b) => (b.ms < a.ms ? b : a));
  const bestO = o.reduce((a, b) => (b.ms < a.ms ? b : a));
  const bestR = r.reduce((a, b) => (b.ms < a.ms ? b : a));
  const rows = bestO.rows;
  const mb = bestO.bytes / 1e6;
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log(`\ninitial monitor of ${fmt(rows)} rows (${mb.toFixed(1)} MB on the wire), best of ${RUNS}`);
  console.table([
    {
      impl: 'ovsdb-client-ts monitor → replica',
      ms: fmt(bestO.ms),
      'rows/s': fmt(rows / (bestO.ms / 1000)),
      'MB/s': (mb / (bestO.ms / 1000)).toFixed(1),
      'vs ovsdb-client': (bestR.ms / bestO.ms).toFixed(2) + '×',
    },
    {
      impl: 'ovsdb-client monitor -f json ALL',
      ms: fmt(bestR.ms),
      'rows/s': fmt(rows / (bestR.ms / 1000)),
      'MB/s': (mb / (bestR.ms / 1000)).toFixed(1),
      'vs ovsdb-client': '1.00×',
    },
  ]);
  console.log(
    `(ratio > 1 means ovsdb-client-ts is faster; ovsdb-client's printed output was ${(bestR.bytes / 1e6).toFixed(1)} MB)`,
  );
  const cmb = canned.length / 1e6;
  console.log(
    `\nclient side only (reply replayed from memory, ${cmb.toFixed(1)} MB): framing + JSON + decode + replica`,
  );
  console.table([
    {
      stage: 'ovsdb-client-ts replica load',
      ms: fmt(bestP.ms),
      'rows/s': fmt(bestP.rows / (bestP.ms / 1000)),
      'MB/s': (cmb / (bestP.ms / 1000)).toFixed(1),
      'rows/CPU-s': fmt(bestP.rows / (bestP.cpuMs / 1000)),
    },
    {
      stage: 'JSON.parse of the reply alone',
      ms: fmt(parseMs),
      'rows/s': fmt(bestP.rows / (parseMs / 1000)),
      'MB/s': (cmb / (parseMs / 1000)).toFixed(1),
      'rows/CPU-s': '',
    },
  ]);
  console.log('(rows/CPU-s: CPU time of the client process alone; steadier than wall time on a busy host)');
} finally {
  await sb.stop();
}
