// How much CPU the SB ovsdb-server spends committing one cold SB (rows from a saved database file),
// sent as one transaction or as K transactions (client-chosen row UUIDs, so later transactions can
// name rows of earlier ones). A developer's tool, not part of `npm run bench`.
//   npx vite-node --config vitest.config.ts packages/northd/bench/sb-commit-split.ts SB.db K [pipelined|sequential]
import { readFileSync } from 'node:fs';
import { OvsdbClient, type WireOperation } from 'ovsdb-client-ts';
import { Sandbox } from '@ovnts/test-harness/servers';
import { cpuSeconds, vmHwmMb } from './proc-stats.js';

const [file, kArg, mode = 'pipelined'] = process.argv.slice(2);
const K = Number(kArg ?? 1);
const lines = readFileSync(file!, 'utf8').split('\n');
const rows = new Map<string, Map<string, Record<string, unknown>>>();
for (let i = 3; i < lines.length; i += 2) {
  if (!lines[i]) continue;
  const rec = JSON.parse(lines[i]!) as Record<string, unknown>;
  for (const [t, v] of Object.entries(rec)) {
    if (t.startsWith('_') || typeof v !== 'object' || v === null) continue;
    let m = rows.get(t);
    if (!m) rows.set(t, (m = new Map()));
    for (const [u, r] of Object.entries(v as Record<string, Record<string, unknown> | null>))
      if (r) m.set(u, { ...(m.get(u) ?? {}), ...r });
      else m.delete(u);
  }
}
const ins = (t: string, u: string, r: Record<string, unknown>): WireOperation =>
  ({ op: 'insert', table: t, uuid: u, row: r }) as unknown as WireOperation;
// Logical_DP_Group is not a root table: a group travels with the first flow naming it, or the server
// collects it at the end of its transaction.
const head: WireOperation[] = [];
for (const [t, m] of rows)
  if (t !== 'Logical_Flow' && t !== 'Logical_DP_Group') for (const [u, r] of m) head.push(ins(t, u, r));
const groups = rows.get('Logical_DP_Group') ?? new Map();
const sent = new Set<string>();
const flowRows = [...(rows.get('Logical_Flow') ?? new Map())];
for (const r of rows.get('Load_Balancer')?.values() ?? []) {
  const g = (r['datapath_group'] as [string, string] | undefined)?.[1];
  if (g && !sent.has(g)) (sent.add(g), head.push(ins('Logical_DP_Group', g, groups.get(g)!)));
}
const txns: WireOperation[][] = [];
const per = Math.ceil(flowRows.length / Math.max(K, 1));
for (let i = 0; i < flowRows.length; i += per) {
  const ops: WireOperation[] = i ? [] : [...head];
  for (const [u, r] of flowRows.slice(i, i + per)) {
    const g = (r['logical_dp_group'] as [string, string] | undefined)?.[1];
    if (g && !sent.has(g)) {
      sent.add(g);
      ops.push(ins('Logical_DP_Group', g, groups.get(g)!));
    }
    ops.push(ins('Logical_Flow', u, r));
  }
  txns.push(ops);
}
const sb = new Sandbox('ovnts-sb-split-');
try {
  const db = await sb.startDb('sb');
  const c = await OvsdbClient.connect(db.remotes.unix, { inactivityProbeMs: 0, reconnect: false });
  const perfOut = process.env['PERF_OUT'];
  const { spawn } = await import('node:child_process');
  const perf = perfOut
    ? spawn('perf', ['record', '-g', '-o', perfOut, '-p', String(db.pid)], { stdio: 'ignore' })
    : undefined;
  if (perf) await new Promise((r) => setTimeout(r, 500));
  const c0 = cpuSeconds(db.pid);
  const t0 = performance.now();
  if (mode === 'pipelined') await Promise.all(txns.map((ops) => c.transact('OVN_Southbound', ops)));
  else for (const ops of txns) await c.transact('OVN_Southbound', ops);
  const wall = performance.now() - t0;
  console.log(
    `${K} txn(s) ${mode}: ${head.length + flowRows.length} rows, wall ${wall.toFixed(0)} ms, server CPU ${(cpuSeconds(db.pid) - c0).toFixed(2)} s, server VmHWM ${vmHwmMb(db.pid).toFixed(0)} MB`,
  );
  perf?.kill('SIGINT');
  if (perf) await new Promise((r) => perf.once('exit', r));
  await c.close();
} finally {
  await sb.stop();
}
