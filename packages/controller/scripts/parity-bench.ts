// Dev tool: the benchmark topology at a small size, real ovn-controller on hv1, then the flow parity report.
import { Sandbox } from '@ovnts/test-harness/servers';
import { OvsdbClient, type Uuid } from 'ovsdb-client-ts';
import { model as sbModel } from '@ovnts/schema/sb';
import { model as vsModel } from '@ovnts/schema/vswitch';
import { SwitchConnection } from '@ovnts/openflow';
import { bridgeIfaces, compareFlows, computeChassis, findBridge, formatParity, normalizeFlows } from '../src/index.js';

const NODES = Number(process.env['N'] ?? 3);
const PODS = Number(process.env['P'] ?? 3);
const ip = (node: number, host: number) => `10.${128 + (node >> 8)}.${node & 0xff}.${host}`;
const mac = (node: number, host: number) =>
  `0a:58:${[128 + (node >> 8), node & 0xff, host >> 8, host & 0xff].map((x) => x.toString(16).padStart(2, '0')).join(':')}`;
const sb = new Sandbox();
try {
  const { nb, sb: sbdb } = await sb.startCentral();
  await sb.startRealNorthd(nb.remotes.unix, sbdb.remotes.unix);
  const nbctl = (...a: string[]) => sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, ...a]);
  await nbctl('lr-add', 'cluster', '--', 'pg-add', 'pods');
  for (let n = 1; n <= NODES; n++) {
    const a = [
      'ls-add',
      `node${n}`,
      '--',
      'lrp-add',
      'cluster',
      `rtos-node${n}`,
      mac(n, 1),
      `${ip(n, 1)}/24`,
      '--',
      'lsp-add',
      `node${n}`,
      `stor-node${n}`,
      '--',
      'lsp-set-type',
      `stor-node${n}`,
      'router',
      '--',
      'lsp-set-addresses',
      `stor-node${n}`,
      'router',
      '--',
      'lsp-set-options',
      `stor-node${n}`,
      `router-port=rtos-node${n}`,
    ];
    for (let p = 2; p < PODS + 2; p++)
      a.push(
        '--',
        'lsp-add',
        `node${n}`,
        `p${n}-${p}`,
        '--',
        'lsp-set-addresses',
        `p${n}-${p}`,
        `${mac(n, p)} ${ip(n, p)}`,
        '--',
        'lsp-set-port-security',
        `p${n}-${p}`,
        `${mac(n, p)} ${ip(n, p)}`,
      );
    await nbctl(...a);
  }
  await nbctl(
    'pg-set-ports',
    'pods',
    ...Array.from({ length: PODS * NODES }, (_, i) => `p${Math.floor(i / PODS) + 1}-${(i % PODS) + 2}`),
  );
  await nbctl('acl-add', 'pods', 'to-lport', '1001', 'outport == @pods && tcp.dst == {80, 443}', 'allow-related');
  await nbctl('acl-add', 'pods', 'to-lport', '1000', 'outport == @pods && ip4', 'drop');
  for (let n = 2; n <= NODES; n++)
    await sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, 'chassis-add', `hv${n}`, 'geneve', `127.0.0.${n}`]);
  await nbctl('--wait=sb', 'sync');
  for (let n = 2; n <= NODES; n++)
    for (let p = 2; p < PODS + 2; p++)
      await sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, 'lsp-bind', `p${n}-${p}`, `hv${n}`]);
  const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
  const add: string[] = [];
  for (let p = 2; p < PODS + 2; p++)
    add.push(
      '--',
      'add-port',
      'br-int',
      `pod${p}`,
      '--',
      'set',
      'Interface',
      `pod${p}`,
      'type=internal',
      `external_ids:iface-id=p1-${p}`,
    );
  await hv.vsctl(...add.slice(1));
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
