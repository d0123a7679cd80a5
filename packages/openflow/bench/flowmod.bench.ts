// Flow-mod throughput: N flow adds (default 200k, BENCH_FLOWS to change) into a real ovs-vswitchd netdev
// bridge, three ways through our codec+connection and via `ovs-ofctl --bundle add-flows` of the same flows.
// Run: npx vite-node --config vitest.config.ts packages/openflow/bench/flowmod.bench.ts
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
// The harness index pulls in vitest; the bench only needs the Sandbox class.
import { Sandbox, runOk } from '@ovnts/test-harness/servers';
import { SwitchConnection, encodeMessage, formatFlow, m, type Flow, type OfMessage } from '@ovnts/openflow';

const N = Number(process.env['BENCH_FLOWS'] ?? 200_000);
const TABLE = 20;

function makeFlows(n: number): Flow[] {
  return Array.from({ length: n }, (_, i) => ({
    table: TABLE,
    priority: 1000,
    cookie: 0xabn,
    match: [
      m('eth_type', 0x0800),
      m('metadata', 1 + (i >> 12)),
      m('reg14', i & 0xfff),
      m('ip_dst', 0x0a000000 + i, 0xffffffff),
    ],
    actions: [
      { type: 'set_field', field: 'reg15', value: BigInt(i & 0x7fff) },
      {
        type: 'ct',
        commit: true,
        zone: { field: 'reg13', start: 0, nBits: 16 },
        exec: [{ type: 'set_field', field: 'ct_mark', value: 1n, mask: 1n }],
      },
      { type: 'resubmit', table: TABLE + 1 },
    ],
  }));
}

const sb = new Sandbox('ovnts-bench-');
const rows: Array<{ name: string; ms: number }> = [];
try {
  const hv = await sb.startChassis({ sbRemote: 'unix:/nonexistent' });
  const flows = makeFlows(N);
  const count = async () =>
    Number(
      /flow_count=(\d+)/.exec(await hv.ofctl('-O', 'OpenFlow15', 'dump-aggregate', hv.mgmt(), `table=${TABLE}`))?.[1],
    );
  const clear = async () => {
    await hv.ofctl('-O', 'OpenFlow15', 'del-flows', hv.mgmt(), `table=${TABLE}`);
    if ((await count()) !== 0) throw new Error('table not cleared');
  };
  const time = async (name: string, fn: () => Promise<unknown>, opts: { verify?: boolean; keep?: boolean } = {}) => {
    const t0 = performance.now();
    await fn();
    const ms = performance.now() - t0;
    if (opts.verify !== false) {
      const got = await count();
      if (got !== N) throw new Error(`${name}: ${got} flows installed, expected ${N}`);
    }
    rows.push({ name, ms });
    if (opts.verify !== false && !opts.keep) await clear();
  };

  await time(
    'encode only (codec, no I/O)',
    async () => {
      for (let i = 0; i < N; i++) encodeMessage({ type: 'flow_mod', command: 'add', flow: flows[i]! }, i + 1);
    },
    { verify: false },
  );

  const conn = new SwitchConnection({ target: hv.mgmt(), reconnect: false });
  await conn.connect();
  const adds = flows.map((flow): OfMessage => ({ type: 'flow_mod', command: 'add', flow }));
  await time('ovnts: flow_mods + barrier', () => conn.sendChecked(adds));
  await time('ovnts: one atomic bundle', () => conn.bundle(adds), { keep: true });
  // Reading the table back (what syncFlows does first), vs the ofctl dump of the same table.
  let dumped = 0;
  await time('ovnts: dump + decode all flows', async () => (dumped = (await conn.dumpFlows({ table: TABLE })).length), {
    verify: false,
  });
  if (dumped !== N) throw new Error(`dumped ${dumped} flows, expected ${N}`);
  await time(
    'ovnts: syncFlows, nothing to change',
    async () => {
      const plan = await conn.syncFlows(flows, { table: TABLE });
      if (plan.add.length + plan.modify.length + plan.remove.length) throw new Error('sync found differences');
    },
    { verify: false },
  );
  await conn.close();

  const file = sb.file('flows.txt');
  writeFileSync(file, flows.map(formatFlow).join('\n') + '\n');
  // The harness's default 30 s tool timeout is too short for 200k flows on a loaded machine.
  const ofctl = (...args: string[]) => runOk('ovs-ofctl', args, { env: hv.env, timeoutMs: 600_000 });
  await time(
    'ovs-ofctl --bundle add-flows',
    () => ofctl('-O', 'OpenFlow15', '--bundle', 'add-flows', hv.mgmt(), file),
    { keep: true },
  );
  await time(
    'ovs-ofctl dump-flows (text)',
    () => ofctl('-O', 'OpenFlow15', 'dump-flows', hv.mgmt(), `table=${TABLE}`),
    { keep: true },
  );
  await clear();
  await time('ovs-ofctl add-flows (no bundle)', () => ofctl('-O', 'OpenFlow15', 'add-flows', hv.mgmt(), file));

  // Ratios: adds against `ovs-ofctl --bundle add-flows`, reads against `ovs-ofctl dump-flows`.
  const refAdd = rows.find((r) => r.name.startsWith('ovs-ofctl --bundle'))!.ms;
  const refDump = rows.find((r) => r.name.startsWith('ovs-ofctl dump-flows'))!.ms;
  console.log(`\nflow adds into ovs-vswitchd (netdev), N = ${N}, load average ${loadavg()[0]!.toFixed(1)}\n`);
  console.log('case'.padEnd(38), 'ms'.padStart(10), 'flows/s'.padStart(12), 'vs ovs-ofctl'.padStart(14));
  for (const r of rows) {
    const ref = /dump|sync/.test(r.name) ? refDump : refAdd;
    console.log(
      r.name.padEnd(38),
      r.ms.toFixed(0).padStart(10),
      Math.round((N / r.ms) * 1000)
        .toString()
        .padStart(12),
      `${(ref / r.ms).toFixed(2)}x`.padStart(14),
    );
  }
} finally {
  await sb.stop();
}
