// Flow-table sync: the controller's FlowInstaller against `ovs-ofctl --bundle replace-flows` of the same flows
// on the same ovs-vswitchd (netdev br-int), in the same run. N flows (default 200k, BENCH_FLOWS) in 40 tables,
// owned 100 each like compiled logical flows. Cases:
//   initial    empty bridge → N flows (ours: desired table built from the flow objects, dump, diff, bundle)
//   reconnect  N installed, 1 % changed (modify, remove, add): ours reads the switch again and diffs in full
//   steady     the same 1 % change with the installed set tracked: no dump, only the changed owners diffed
//   no-op      nothing changed
// Every ovs-ofctl case reads the switch, parses the file and diffs (that is what replace-flows does).
// The end states are compared (dump-flows text) so both ways install exactly the same table.
// Besides wall time, the CPU each side spends is reported: this process (ours) or the ovs-ofctl child,
// plus ovs-vswitchd's. On a loaded machine wall time mostly measures the scheduler; CPU does not.
// Run: npx vite-node --config vitest.config.ts packages/controller/bench/flow-sync.bench.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Sandbox, runOk } from '@ovnts/test-harness/servers';
import { SwitchConnection, formatFlow, m, type Flow } from '@ovnts/openflow';
import { DesiredFlows } from '../src/flow-table.js';
import { FlowInstaller } from '../src/flow-installer.js';

const N = Number(process.env['BENCH_FLOWS'] ?? 200_000);
const PER_OWNER = 100;
const OWNERS = Math.ceil(N / PER_OWNER);

/** Flow i of owner o, shaped like a compiled logical flow (cookie = owner, metadata, regs, ct, resubmit). */
function flow(i: number, variant = 0): Flow {
  const table = 8 + (i % 40);
  return {
    table,
    priority: 100 + (i % 7) * 10,
    cookie: BigInt(Math.floor(i / PER_OWNER) + 1),
    match: [
      m('eth_type', 0x0800),
      m('metadata', 1 + (i >> 12)),
      m('reg14', i & 0x7fff),
      m('ip_dst', 0x0a000000 + i, 0xffffffff),
    ],
    actions: [
      { type: 'set_field', field: 'reg15', value: BigInt((i + variant) & 0x7fff) },
      {
        type: 'ct',
        commit: true,
        zone: { field: 'reg13', start: 0, nBits: 16 },
        exec: [{ type: 'set_field', field: 'ct_mark', value: 1n, mask: 1n }],
      },
      { type: 'resubmit', table: table + 1 },
    ],
  };
}

const ownerFlows = (o: number, variant = 0) =>
  Array.from({ length: Math.min(PER_OWNER, N - o * PER_OWNER) }, (_, j) => flow(o * PER_OWNER + j, variant));

/** The 1 % change: 1/2 of it modified actions, 1/4 owners gone, 1/4 new owners. */
const CHANGED = Math.max(4, Math.floor(OWNERS / 100));
const modified = Array.from({ length: Math.floor(CHANGED / 2) }, (_, i) => i);
const removed = Array.from({ length: Math.floor(CHANGED / 4) }, (_, i) => Math.floor(CHANGED / 2) + i);
const added = Array.from({ length: Math.floor(CHANGED / 4) }, (_, i) => OWNERS + i);
const changedSet = (): Map<number, Flow[]> => {
  const out = new Map<number, Flow[]>();
  for (let o = 0; o < OWNERS; o++) if (!removed.includes(o)) out.set(o, ownerFlows(o, modified.includes(o) ? 1 : 0));
  for (const o of added) out.set(o, ownerFlows(o));
  return out;
};
const baseSet = (): Map<number, Flow[]> => new Map(Array.from({ length: OWNERS }, (_, o) => [o, ownerFlows(o)]));

function desiredOf(set: Map<number, Flow[]>): DesiredFlows {
  const d = new DesiredFlows();
  for (const [o, fs] of set) d.set(`lflow-${o}`, fs);
  return d;
}

/** CPU milliseconds of a process (utime + stime), and of this process's waited-for children. */
function cpuMs(pid: number | 'self'): { own: number; children: number } {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const tick = (i: number) => Number(f[i - 2]) * 10; // fields 14.. counted from 1, clock ticks of 10 ms
  return { own: tick(14) + tick(15), children: tick(16) + tick(17) };
}

interface Measure {
  readonly wall: number;
  /** CPU of the client (ours: this process; ovs-ofctl: the child). */
  readonly client: number;
  readonly vswitchd: number;
}

const sb = new Sandbox('ovnts-bench-');
const rows: Array<{ name: string; ours: Measure; ofctl: Measure }> = [];
try {
  const hv = await sb.startChassis({ sbRemote: 'unix:/nonexistent' });
  const ofctl = (...args: string[]) =>
    runOk('ovs-ofctl', ['-O', 'OpenFlow15', ...args], { env: hv.env, timeoutMs: 900_000 });
  const count = async () => Number(/flow_count=(\d+)/.exec(await ofctl('dump-aggregate', hv.mgmt()))?.[1]);
  const dumpText = async () =>
    (await ofctl('--no-stats', 'dump-flows', hv.mgmt()))
      .split('\n')
      .filter((l) => l.includes('actions='))
      .map((l) => l.trim())
      .sort()
      .join('\n');
  const clear = () => ofctl('del-flows', hv.mgmt());
  const writeFlows = (name: string, set: Map<number, Flow[]>) => {
    const file = sb.file(name);
    const lines: string[] = [];
    for (const fs of set.values()) for (const f of fs) lines.push(formatFlow(f));
    writeFileSync(file, lines.join('\n') + '\n');
    return { file, n: lines.length };
  };
  const base = writeFlows('base.txt', baseSet());
  const changed = writeFlows('changed.txt', changedSet());
  const replace = (file: string) => ofctl('--bundle', 'replace-flows', hv.mgmt(), file);
  const vswitchdPid = Number(readFileSync(sb.file('hv1-vswitchd.pid'), 'utf8').trim());
  const time = async (fn: () => Promise<unknown>): Promise<Measure> => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const k0 = cpuMs('self').children;
    const v0 = cpuMs(vswitchdPid).own;
    await fn();
    const wall = performance.now() - t0;
    const own = process.cpuUsage(c0);
    const kids = cpuMs('self').children - k0;
    const m: Measure = {
      wall,
      // A case either runs ovs-ofctl (a child) or our code (this process), never both.
      client: kids > 0 ? kids : (own.user + own.system) / 1000,
      vswitchd: cpuMs(vswitchdPid).own - v0,
    };
    if (process.env['BENCH_VERBOSE']) console.log(' ', JSON.stringify(m));
    return m;
  };
  const expectCount = async (what: string, n: number) => {
    const got = await count();
    if (got !== n) throw new Error(`${what}: ${got} flows on the switch, expected ${n}`);
  };

  // The switch serving ovs-ofctl's 200k flows answers no echo of ours for a while: no keepalive here.
  const conn = new SwitchConnection({
    target: hv.mgmt(),
    reconnect: false,
    requestTimeoutMs: 900_000,
    echoIntervalMs: 3_600_000,
  });
  await conn.connect();

  // initial
  await clear();
  let installer = new FlowInstaller(conn);
  const baseFlows = baseSet(); // the flow objects exist before a sync (the computation made them)
  const oursInitial = await time(() => installer.sync(desiredOf(baseFlows), []));
  await expectCount('ours, initial', base.n);
  await clear();
  const ofctlInitial = await time(() => replace(base.file));
  await expectCount('ofctl, initial', base.n);
  rows.push({ name: `initial: empty → ${base.n} flows`, ours: oursInitial, ofctl: ofctlInitial });

  // reconnect: the switch holds the base set (from ofctl); a fresh installer reads it and diffs in full.
  installer = new FlowInstaller(conn);
  const changedFlows = changedSet();
  const oursReconnect = await time(() => installer.sync(desiredOf(changedFlows), []));
  await expectCount('ours, reconnect', changed.n);
  const oursText = await dumpText();
  await replace(base.file);
  const ofctlChange = await time(() => replace(changed.file));
  await expectCount('ofctl, 1 % change', changed.n);
  if ((await dumpText()) !== oursText) throw new Error('ovs-ofctl and ovnts installed different tables');
  rows.push({ name: 'reconnect: read switch, 1 % changed', ours: oursReconnect, ofctl: ofctlChange });

  // steady: back to the base set through a tracked installer, then only the changed owners move.
  installer = new FlowInstaller(conn);
  const desired = desiredOf(baseSet());
  await installer.sync(desired, []);
  await expectCount('ours, back to base', base.n);
  const next = changedSet();
  const oursSteady = await time(async () => {
    for (const o of [...modified, ...added]) desired.set(`lflow-${o}`, next.get(o)!);
    for (const o of removed) desired.delete(`lflow-${o}`);
    const plan = await installer.sync(desired, []);
    if (plan.full) throw new Error('steady-state sync read the switch');
  });
  await expectCount('ours, steady', changed.n);
  if ((await dumpText()) !== oursText) throw new Error('steady-state sync installed a different table');
  rows.push({ name: 'steady: tracked, 1 % changed', ours: oursSteady, ofctl: ofctlChange });

  const oursNoop = await time(() => installer.sync(desired, []));
  const ofctlNoop = await time(() => replace(changed.file));
  rows.push({ name: 'no-op', ours: oursNoop, ofctl: ofctlNoop });
  await conn.close();

  console.log(`\nflow-table sync into ovs-vswitchd (netdev), N = ${N}, load average ${loadavg()[0]!.toFixed(1)}\n`);
  const head = [
    'case',
    'ovnts wall ms',
    'ofctl wall ms',
    'speed-up',
    'ovnts CPU ms (+vswitchd)',
    'ofctl CPU ms (+vswitchd)',
    'CPU ratio',
  ];
  const cpu = (x: Measure) => x.client + x.vswitchd;
  const table = [
    head,
    ...rows.map((r) => [
      r.name,
      r.ours.wall.toFixed(0),
      r.ofctl.wall.toFixed(0),
      `${(r.ofctl.wall / r.ours.wall).toFixed(2)}x`,
      `${r.ours.client.toFixed(0)} (+${r.ours.vswitchd.toFixed(0)})`,
      `${r.ofctl.client.toFixed(0)} (+${r.ofctl.vswitchd.toFixed(0)})`,
      `${(cpu(r.ofctl) / cpu(r.ours)).toFixed(2)}x`,
    ]),
  ];
  const w = head.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  for (const r of table) console.log(r.map((c, i) => (i ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join('  '));
} finally {
  await sb.stop();
}
