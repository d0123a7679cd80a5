// Dev tool: the benchmark topology at a small size, real ovn-controller on hv1, then the flow parity report.
import { Sandbox } from '@ovnts/test-harness/servers';
import { OvsdbClient } from 'ovsdb-client-ts';
import { model as sbModel } from '@ovnts/schema/sb';
import { model as vsModel } from '@ovnts/schema/vswitch';
import { SwitchConnection } from '@ovnts/openflow';
import { bridgeIfaces, compareFlows, computeChassis, findBridge, formatParity, normalizeFlows } from '../src/index.js';
import { startPodCluster } from '../bench/pod-cluster.js';

const NODES = Number(process.env['N'] ?? 3);
const PODS = Number(process.env['P'] ?? 3);
const sb = new Sandbox();
try {
  const { sbdb, nbctl, hv } = await startPodCluster(sb, { nodes: NODES, pods: PODS });
  await hv.startRealController();
  await nbctl('--timeout=30', '--wait=hv', 'sync');
  await new Promise((r) => setTimeout(r, 1000));
  const of = new SwitchConnection({ target: hv.mgmt(), reconnect: false });
  await of.connect();
  const real = (await of.dumpFlows()).map((s) => s.flow);
  const realGroups = await of.dumpGroups();
  await of.close();
  const sbc = await OvsdbClient.connect(sbdb.remotes.unix);
  const vsc = await OvsdbClient.connect(hv.db.remotes.unix);
  const sbSnap = (await sbc.monitor(sbModel)).snapshot();
  const vs = (await vsc.monitor(vsModel, { tables: ['Open_vSwitch', 'Bridge', 'Port', 'Interface'] })).snapshot();
  const br = findBridge(vs, 'br-int')!;
  const ours = computeChassis({
    sb: sbSnap,
    chassisName: 'hv1',
    ifaces: bridgeIfaces(vs, br),
    bridgeExternalIds: br.external_ids,
  });
  console.log(
    formatParity(compareFlows(normalizeFlows(ours.flows, ours.groups), normalizeFlows(real, realGroups)), 60)
      .split('\n')
      .filter((l) => !/table=64,/.test(l))
      .join('\n'),
  );
  await sbc.close();
  await vsc.close();
} finally {
  await sb.stop();
}
