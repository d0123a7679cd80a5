// Benchmark: the offload pass (dump parse + translate + judge for every class and profile) against what the
// real tools take for the same questions: ovs-ofctl dump-flows and one ofproto/trace per class and conntrack
// scenario. Sizes: BENCH_SWITCHES switches behind one router, BENCH_VMS VMs each, an LB on every switch.
// Run: npx vite-node --config vitest.config.ts packages/offload/bench/offload.bench.ts
import { performance } from 'node:perf_hooks';
import { Sandbox } from '@ovnts/test-harness/servers';
import { analyze, parseDump, sbContextFromJson, SB_TABLES } from '../src/index.js';

const SWITCHES = Number(process.env['BENCH_SWITCHES'] ?? 3);
const VMS = Number(process.env['BENCH_VMS'] ?? 3);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);

const hex = (n: number) => n.toString(16).padStart(2, '0');
const sb = new Sandbox();
try {
  const { nb, sb: sbdb } = await sb.startCentral();
  await sb.startRealNorthd(nb.remotes.unix, sbdb.remotes.unix);
  const nbctl = (...a: string[]) => sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, ...a]);
  const cmds: string[] = ['lr-add', 'lr1'];
  for (let s = 1; s <= SWITCHES; s++) {
    cmds.push(
      '--',
      'ls-add',
      `ls${s}`,
      '--',
      'lrp-add',
      'lr1',
      `lr1-ls${s}`,
      `02:aa:00:00:${hex(s)}:01`,
      `10.${s}.0.1/24`,
    );
    cmds.push(
      '--',
      'lsp-add',
      `ls${s}`,
      `ls${s}-lr1`,
      '--',
      'lsp-set-type',
      `ls${s}-lr1`,
      'router',
      '--',
      'lsp-set-addresses',
      `ls${s}-lr1`,
      'router',
    );
    cmds.push('--', 'lsp-set-options', `ls${s}-lr1`, `router-port=lr1-ls${s}`);
    for (let v = 1; v <= VMS; v++)
      cmds.push(
        '--',
        'lsp-add',
        `ls${s}`,
        `vm${s}-${v}`,
        '--',
        'lsp-set-addresses',
        `vm${s}-${v}`,
        `02:aa:00:${hex(s)}:${hex(v)}:10 10.${s}.0.${10 + v}`,
      );
  }
  await nbctl(...cmds);
  for (let s = 1; s <= SWITCHES; s++) {
    await nbctl(
      'lb-add',
      `lb${s}`,
      `10.${s}.0.100:80`,
      `10.${s}.0.11:80,10.${s}.0.12:80`,
      'tcp',
      '--',
      'ls-lb-add',
      `ls${s}`,
      `lb${s}`,
    );
    await nbctl('acl-add', `ls${s}`, 'from-lport', '1000', 'ip4', 'allow-related');
  }
  const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
  await hv.startRealController();
  for (let s = 1; s <= SWITCHES; s++)
    for (let v = 1; v <= VMS; v++)
      await hv.addVm(`vm${s}-${v}`, `02:aa:00:${hex(s)}:${hex(v)}:10`, `10.${s}.0.${10 + v}/24`, `10.${s}.0.1`);
  await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, '--timeout=60', '--wait=hv', 'sync']);

  const time = async <T>(f: () => Promise<T> | T): Promise<[T, number]> => {
    const t0 = performance.now();
    const r = await f();
    return [r, performance.now() - t0];
  };
  // Real: reading the flows.
  let dumpText = '';
  let realDump = Infinity;
  for (let i = 0; i < ROUNDS; i++) {
    const [text, ms] = await time(
      async () =>
        `${await hv.ofctl('-O', 'OpenFlow15', 'dump-flows', hv.mgmt())}\n${await hv.ofctl('-O', 'OpenFlow15', 'dump-groups', hv.mgmt())}`,
    );
    dumpText = text;
    realDump = Math.min(realDump, ms);
  }
  const doc: Record<string, unknown> = {};
  for (const t of Object.keys(SB_TABLES))
    doc[t] = JSON.parse(await sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, '-f', 'json', 'list', t]));
  const sbText = JSON.stringify(doc);

  // Ours: parse + analyze everything (best of ROUNDS).
  let best = Infinity;
  let parseBest = Infinity;
  let report = analyze({ dump: parseDump(dumpText), sb: sbContextFromJson(sbText) });
  for (let i = 0; i < ROUNDS; i++) {
    const [dump, pms] = await time(() => parseDump(dumpText));
    parseBest = Math.min(parseBest, pms);
    const [r, ms] = await time(() => analyze({ dump, sb: sbContextFromJson(sbText) }));
    report = r;
    best = Math.min(best, ms + pms);
  }
  const nFlows = dumpText.split('\n').filter((l) => l.includes('actions=')).length;
  const questions = report.classes.reduce((n, c) => n + (c.path.new ? 2 : 1), 0);

  // Real: one ofproto/trace per class and scenario (what the pass answers without a datapath).
  const [, realTrace] = await time(async () => {
    for (const c of report.classes)
      for (const st of c.path.new ? ['new', 'est'] : ['est'])
        await hv.appctl(
          'ofproto/trace',
          'br-int',
          c.traceFlow,
          ...Array.from({ length: 6 }, () => ['--ct-next', `trk,${st}`]).flat(),
        );
  });

  const rows: [string, string, string][] = [
    [
      'flows / groups in the dump',
      `${nFlows} / ${report.classes.length ? (dumpText.match(/group_id=/g) ?? []).length : 0}`,
      '',
    ],
    ['traffic classes (port × class)', String(report.classes.length), `${questions} conntrack scenarios`],
    ['ours: parse dump', `${parseBest.toFixed(1)} ms`, ''],
    ['ours: parse + analyze (4 profiles)', `${best.toFixed(1)} ms`, `${(best / questions).toFixed(2)} ms per scenario`],
    ['real: ovs-ofctl dump-flows + dump-groups', `${realDump.toFixed(1)} ms`, ''],
    [
      'real: ofproto/trace, every scenario',
      `${realTrace.toFixed(1)} ms`,
      `${(realTrace / questions).toFixed(2)} ms per scenario`,
    ],
    [
      'ratio ours(analyze) / real(trace all)',
      (best / realTrace).toFixed(3),
      best < realTrace ? 'ours faster' : 'real faster',
    ],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  console.log(`offload-report bench: ${SWITCHES} switches × ${VMS} VMs, best of ${ROUNDS}`);
  for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`);
} finally {
  await sb.stop();
}
