// Dev tool: interleaved A/B of shared compilation on/off over one SB snapshot (robust to machine load).
import { Sandbox } from '@ovnts/test-harness/servers';
import { OvsdbClient } from 'ovsdb-client-ts';
import { model as sbModel } from '@ovnts/schema/sb';
import { computeChassis, formatParity, compareFlows, normalizeFlows } from '../src/index.js';
import { addPodNodes, startCentral } from '../bench/pod-cluster.js';
const N = Number(process.env['N'] ?? 40),
  P = Number(process.env['P'] ?? 5);
const sb = new Sandbox();
try {
  const { sbdb, nbctl, sbctl } = await startCentral(sb);
  await addPodNodes(nbctl, { nodes: N, pods: P, podGroup: 'empty' });
  await sbctl('chassis-add', 'hv1', 'geneve', '127.0.0.1');
  await nbctl('--wait=sb', 'sync');
  await sbctl('lsp-bind', 'p1-2', 'hv1');
  const c = await OvsdbClient.connect(sbdb.remotes.unix);
  const snap = (await c.monitor(sbModel)).snapshot();
  const input = {
    sb: snap,
    chassisName: 'hv1',
    ifaces: [{ name: 't', ofport: 1, type: 'internal', ifaceId: 'p1-2' }],
    bridgeExternalIds: {},
  };
  const t = { on: [] as number[], off: [] as number[] };
  let a = computeChassis({ ...input, shareCompiles: true }),
    b = computeChassis({ ...input, shareCompiles: false });
  for (let i = 0; i < 4; i++) {
    for (const mode of ['on', 'off'] as const) {
      const t0 = performance.now();
      const r = computeChassis({ ...input, shareCompiles: mode === 'on' });
      t[mode].push(performance.now() - t0);
      if (mode === 'on') a = r;
      else b = r;
    }
  }
  const med = (x: number[]) => x.sort((p, q) => p - q)[Math.floor(x.length / 2)]!.toFixed(0);
  console.log(
    `lflows ${snap.Logical_Flow.size}, flows ${a.flows.length}/${b.flows.length}; shared on ${med(t.on)} ms, off ${med(t.off)} ms`,
  );
  console.log(
    formatParity(compareFlows(normalizeFlows(a.flows, a.groups), normalizeFlows(b.flows, b.groups)), 5).split('\n')[0],
  );
  await c.close();
} finally {
  await sb.stop();
}
