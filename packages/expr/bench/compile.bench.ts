// Benchmark: compile every logical flow of a big generated SB for one chassis, against the real
// ovn-controller's full recompute ("flow-generation" stopwatch after inc-engine/recompute, lflow cache
// off) on the same SB, in the same run.
//
// The SB comes from the real ovn-northd (BENCH_SWITCHES × BENCH_PORTS VIFs behind one router, LBs, ACLs
// on a port group); northd is then stopped and every logical flow is cloned BENCH_COPIES-1 times at other
// priorities, which grows the table to the target size with realistic match/action text.
//
//   npx vite-node --config vitest.config.ts packages/expr/bench/compile.bench.ts
//   BENCH_SWITCHES=100 BENCH_PORTS=100 BENCH_COPIES=5 (defaults: ≈ 44k × 5 ≈ 220k logical flows)
import { readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Sandbox } from '@ovnts/test-harness/servers';
import { Compiler } from '../src/index.js';
import { asSet, sbRows } from '../scripts/sb-json.js';
import { sbView } from '../scripts/oracle.js';
import { buildScaleTopology } from '../scripts/topology.js';

const SWITCHES = Number(process.env['BENCH_SWITCHES'] ?? 100);
const PORTS = Number(process.env['BENCH_PORTS'] ?? 100);
const COPIES = Number(process.env['BENCH_COPIES'] ?? 5);
const TABLES = [
  'Logical_Flow',
  'Logical_DP_Group',
  'Datapath_Binding',
  'Port_Binding',
  'Multicast_Group',
  'Address_Set',
  'Port_Group',
  'Chassis',
  'Meter',
  'DHCP_Options',
  'DHCPv6_Options',
];

/** One OVSDB JSON-RPC transact over the server's unix socket (transactions too big for argv). */
function transact(remote: string, params: unknown[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(remote.replace(/^unix:/, ''));
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      try {
        const reply = JSON.parse(buf) as { result?: { error?: string }[]; error?: unknown };
        sock.end();
        const err = reply.error ?? reply.result?.find((r) => r && r.error);
        if (err) reject(new Error(`transact failed: ${JSON.stringify(err)}`));
        else resolve();
      } catch {
        // Reply not complete yet.
      }
    });
    sock.on('error', reject);
    sock.write(JSON.stringify({ method: 'transact', params, id: 1 }));
  });
}

const sb = new Sandbox('ovnts-exprbench-');
try {
  const t0 = Date.now();
  const lab = await buildScaleTopology(sb, { switches: SWITCHES, portsPerSwitch: PORTS });
  await lab.northd.stop();
  const sbctl = (...a: string[]) =>
    sb.runOk('ovn-sbctl', [`--db=${lab.sbdb.remotes.unix}`, ...a], { timeoutMs: 600_000 });

  // Clone the logical flows (northd is stopped, so nobody reverts this).
  const base = sbRows(await sbctl('-f', 'json', 'list', 'Logical_Flow'));
  const ops: unknown[] = [];
  const flush = async () => {
    if (!ops.length) return;
    await transact(lab.sbdb.remotes.unix, ['OVN_Southbound', ...ops]);
    ops.length = 0;
  };
  for (let k = 1; k < COPIES; k++) {
    for (const f of base) {
      const dp = asSet<string>(f['logical_datapath'])[0];
      const grp = asSet<string>(f['logical_dp_group'])[0];
      const row: Record<string, unknown> = {
        pipeline: f['pipeline'],
        table_id: f['table_id'],
        priority: ((f['priority'] as number) + k * 9973) % 65536,
        match: f['match'],
        actions: f['actions'],
      };
      if (dp) row['logical_datapath'] = ['uuid', dp];
      if (grp) row['logical_dp_group'] = ['uuid', grp];
      ops.push({ op: 'insert', table: 'Logical_Flow', row });
      if (ops.length >= 5000) await flush();
    }
  }
  await flush();
  const setupS = (Date.now() - t0) / 1000;

  // The real controller: force a full recompute and read its flow-generation stopwatch.
  const rundir = lab.hv.rundir;
  const ctl = readdirSync(rundir).find((f) => /^ovn-controller\.\d+\.ctl$/.test(f));
  if (!ctl) throw new Error(`no ovn-controller control socket in ${rundir}`);
  const appctl = (...a: string[]) =>
    sb.runOk('ovn-appctl', ['-t', path.join(rundir, ctl), ...a], { timeoutMs: 600_000, env: lab.hv.env });
  // northd is stopped, so --wait=hv cannot work: wait until the installed flow count stops changing.
  const flowCount = async () =>
    Number(/flow_count=(\d+)/.exec(await lab.hv.ofctl('dump-aggregate', lab.hv.mgmt()))?.[1] ?? 0);
  for (let prev = -1, cur = await flowCount(), i = 0; cur !== prev && i < 600; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    prev = cur;
    cur = await flowCount();
  }
  const samples = async () => {
    const out = await appctl('stopwatch/show', 'flow-generation');
    return {
      n: Number(/Total samples: (\d+)/.exec(out)?.[1] ?? 0),
      max: Number(/Maximum: ([\d.]+)/.exec(out)?.[1] ?? NaN),
    };
  };
  const realRuns: number[] = [];
  for (let i = 0; i < 3; i++) {
    await appctl('stopwatch/reset', 'flow-generation');
    await appctl('inc-engine/recompute');
    const deadline = Date.now() + 600_000;
    let s = await samples();
    while (s.n < 1 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      s = await samples();
    }
    await new Promise((r) => setTimeout(r, 500));
    realRuns.push((await samples()).max);
  }
  const ofFlows = await flowCount();

  // Ours, on the same SB.
  const tables: Record<string, string> = {};
  for (const t of TABLES) tables[t] = await sbctl('-f', 'json', 'list', t);
  const view = sbView(tables, 'hv1');
  const ourRuns: { ms: number; pairs: number; flows: number; errors: number; cache: boolean }[] = [];
  for (let i = 0; i < 6; i++) {
    // Runs 0-2 with the per-lflow parse cache (shared across datapaths), 3-5 without, like the real one here.
    const cache = i < 3;
    const compiler = new Compiler(undefined, { cache });
    let pairs = 0;
    let flows = 0;
    let errors = 0;
    const start = process.hrtime.bigint();
    for (const { flow, dps } of view.local)
      for (const dp of dps) {
        const r = compiler.compile(flow, view.context(dp.uuid));
        pairs++;
        if (r.ok) flows += r.value.length;
        else errors++;
      }
    ourRuns.push({ ms: Number(process.hrtime.bigint() - start) / 1e6, pairs, flows, errors, cache });
  }

  const best = (xs: number[]) => Math.min(...xs);
  const realMs = best(realRuns);
  const cached = ourRuns.filter((r) => r.cache).map((r) => r.ms);
  const uncached = ourRuns.filter((r) => !r.cache).map((r) => r.ms);
  const ourMs = best(cached);
  const ourNoCacheMs = best(uncached);
  const r0 = ourRuns[0]!;
  const row = (name: string, ms: number, note: string) =>
    console.log(
      `${name.padEnd(34)} ${ms.toFixed(0).padStart(9)} ms ${((view.lflows / ms) * 1000).toFixed(0).padStart(10)} lflows/s   ${note}`,
    );
  console.log(
    `\nSB: ${view.lflows} logical flows (${base.length} from ovn-northd × ${COPIES}), ${SWITCHES} switches × ${PORTS} VIFs; setup ${setupS.toFixed(0)} s`,
  );
  console.log(
    `local (logical flow, datapath) pairs: ${r0.pairs}; OpenFlow flows: ours ${r0.flows}, real controller ${ofFlows}; compile errors: ${r0.errors}\n`,
  );
  console.log(`${'engine'.padEnd(34)} ${'time'.padStart(12)} ${'throughput'.padStart(17)}`);
  row('ovn-controller 23.03 full recompute', realMs, `(flow-generation, best of ${realRuns.join('/')} ms)`);
  row('@ovnts/expr compile (parse cache)', ourMs, `(best of ${cached.map((x) => x.toFixed(0)).join('/')} ms)`);
  row('@ovnts/expr compile (no cache)', ourNoCacheMs, `(best of ${uncached.map((x) => x.toFixed(0)).join('/')} ms)`);
  console.log(
    `\nratio ours/real time: ${(ourMs / realMs).toFixed(2)}× with cache, ${(ourNoCacheMs / realMs).toFixed(2)}× without (< 1 = faster than ovn-controller)`,
  );
} finally {
  await sb.stop();
}
