// Flow parity vs the real ovn-controller: the real controller runs the chassis; ovnts-controller's pure
// computation runs on the same SB and OVS state; the normalised flow tables are compared and the report printed.
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { OvsdbClient } from 'ovsdb-client-ts';
import { model as sbModel } from '@ovnts/schema/sb';
import { model as vsModel } from '@ovnts/schema/vswitch';
import { SwitchConnection } from '@ovnts/openflow';
import {
  bridgeIfaces,
  compareFlows,
  computeChassis,
  findBridge,
  formatParity,
  normalizeFlows,
} from '@ovnts/controller';
import { addRouterWithSwitches, addVif, startCentral } from './controller-fixtures.js';

describe('ovnts-controller flow parity', () => {
  const sandbox = useSandbox();

  it('reproduces the real ovn-controller flow table for a routed topology with ACLs and a load balancer', async () => {
    const sb = sandbox();
    const { sbdb, nbctl } = await startCentral(sb);
    await addRouterWithSwitches(nbctl, [['192.168.1.1/24'], ['192.168.2.1/24']]);
    for (const n of [1, 2]) {
      await addVif(nbctl, `ls${n}`, `vm${n}`, `02:ac:10:ff:0${n}:10 192.168.${n}.10`);
      await nbctl('lsp-set-port-security', `vm${n}`, `02:ac:10:ff:0${n}:10 192.168.${n}.10`);
      // A port bound on another chassis: reached through a tunnel.
      await addVif(nbctl, `ls${n}`, `far${n}`, `02:ac:10:ff:0${n}:20 192.168.${n}.20`);
    }
    await nbctl(
      'acl-add',
      'ls2',
      'to-lport',
      '1001',
      'ip4.src == 192.168.1.10 && tcp.dst == {80, 443}',
      'allow-related',
    );
    await nbctl('acl-add', 'ls2', 'to-lport', '1000', 'ip4', 'drop');
    await nbctl('lb-add', 'lb1', '10.0.0.100:80', '192.168.2.10:80,192.168.1.10:80', 'tcp');
    await nbctl('ls-lb-add', 'ls1', 'lb1');
    await sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, 'chassis-add', 'hv2', 'geneve', '127.0.0.2']);
    await nbctl('--wait=sb', 'sync');
    for (const n of [1, 2]) await sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, 'lsp-bind', `far${n}`, 'hv2']);
    const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
    await hv.startRealController();
    await hv.addVm('vm1', '02:ac:10:ff:01:10', '192.168.1.10/24', '192.168.1.1');
    await hv.addVm('vm2', '02:ac:10:ff:02:10', '192.168.2.10/24', '192.168.2.1');
    await nbctl('--timeout=20', '--wait=hv', 'sync');

    const of = new SwitchConnection({ target: hv.mgmt(), reconnect: false });
    const sbc = await OvsdbClient.connect(sbdb.remotes.unix);
    const vsc = await OvsdbClient.connect(hv.db.remotes.unix);
    try {
      await of.connect();
      const realFlows = (await of.dumpFlows()).map((s) => s.flow);
      const realGroups = await of.dumpGroups();
      const sbSnap = (await sbc.monitor(sbModel)).snapshot();
      const vs = (await vsc.monitor(vsModel, { tables: ['Open_vSwitch', 'Bridge', 'Port', 'Interface'] })).snapshot();
      const br = findBridge(vs, 'br-int')!;
      const ours = computeChassis({
        sb: sbSnap,
        chassisName: 'hv1',
        ifaces: bridgeIfaces(vs, br),
        bridgeExternalIds: br.external_ids,
      });
      expect(ours.errors).toEqual([]);
      const rep = compareFlows(normalizeFlows(ours.flows, ours.groups), normalizeFlows(realFlows, realGroups));
      console.log(formatParity(rep, 40));
      expect(rep.real).toBeGreaterThan(200);
      expect(rep.share).toBe(1);
      expect(rep.onlyReal).toEqual([]);
      expect(rep.onlyOurs).toEqual([]);
    } finally {
      await of.close();
      await sbc.close();
      await vsc.close();
    }
  });
});
