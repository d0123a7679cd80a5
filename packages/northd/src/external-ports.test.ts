import { describe, expect, it } from 'vitest';
import { schema, type DHCPOptions } from '@ovnts/schema/nb';
import type { Uuid } from 'ovsdb-client-ts';
import { Diagnostics } from './diagnostics.js';
import { buildExternalPortFlows } from './external-ports.js';
import type { AddFlow } from './lflow-table.js';
import { buildDhcpFlows } from './stateful/dhcp.js';
import { NbBuilder } from './testing/nb-builder.js';
import { makeRow } from './testing/rows.js';
import { buildTopology } from './topology.js';

/** ls1: a VIF, an external port ext1 (in a group unless `group` is false), a router port, `localnets` localnet ports. */
function world(localnets: number, group = true) {
  const b = new NbBuilder().ls('ls1').lr('lr0').link('lr0', 'ls1', 'a0:10:00:00:00:01', ['10.0.0.1/24']);
  b.haGroup('hagrp1', [['hv1', 30]]);
  b.vif('ls1', 'vm1', 'f0:00:00:00:00:01 10.0.0.4');
  b.lsp('ls1', 'ext1', { type: 'external', addresses: ['f0:00:00:00:00:03 10.0.0.6'] });
  for (let i = 0; i < localnets; i++)
    b.lsp('ls1', `ln${i}`, { type: 'localnet', addresses: ['unknown'], options: { network_name: `phys${i}` } });
  const d4 = makeRow<DHCPOptions>(
    schema,
    'DHCP_Options',
    {
      cidr: '10.0.0.0/24',
      options: { server_id: '10.0.0.1', server_mac: 'ff:10:00:00:00:01', lease_time: '3600', router: '10.0.0.1' },
    },
    'dddddddd-0000-4000-8000-000000000001',
  );
  for (const p of ['vm1', 'ext1']) b.lsps.get(p)!.dhcpv4_options = d4._uuid as Uuid<'DHCP_Options'>;
  if (group) b.lsps.get('ext1')!.ha_chassis_group = b.haGroups.get('hagrp1')!._uuid as Uuid<'HA_Chassis_Group'>;
  const nb = { ...b.build(), DHCP_Options: new Map([[d4._uuid as Uuid<never>, d4]]) };
  const sw = buildTopology(nb, new Diagnostics()).switches[0]!;
  const flows: { stage: string; match: string; actions: string; ioPort?: string }[] = [];
  const add: AddFlow = (stage, _prio, match, actions, ioPort) => flows.push({ stage, match, actions, ioPort });
  buildExternalPortFlows(sw, add);
  buildDhcpFlows(sw, nb, false, add);
  return flows;
}

describe('external ports', () => {
  it('drop ARP/ND for the router and frames to its MAC from the port through each localnet port, off its chassis', () => {
    const flows = world(2).filter((f) => f.stage === 'ls_in_external_port');
    const ln0 = flows.filter((f) => f.ioPort === 'ln0').map((f) => f.match);
    expect(ln0).toEqual([
      'inport == "ln0" && eth.src == f0:00:00:00:00:03 && !is_chassis_resident("ext1") && arp.tpa == 10.0.0.1 && arp.op == 1',
      'inport == "ln0" && eth.src == f0:00:00:00:00:03 && !is_chassis_resident("ext1") && nd_ns && ip6.dst == {fe80::a210:ff:fe00:1, ff02::1:ff00:1} && nd.target == fe80::a210:ff:fe00:1',
      'inport == "ln0" && eth.src == f0:00:00:00:00:03 && eth.dst == a0:10:00:00:00:01 && !is_chassis_resident("ext1")',
    ]);
    expect(flows.filter((f) => f.ioPort === 'ln1')).toHaveLength(3);
    expect(new Set(flows.map((f) => f.actions))).toEqual(new Set(['drop;']));
  });

  it('answer DHCP through each localnet port where the port is resident, only with a group', () => {
    const dhcp = (fs: ReturnType<typeof world>) =>
      fs.filter((f) => f.stage.startsWith('ls_in_dhcp') && f.match.includes('f0:00:00:00:00:03'));
    const two = dhcp(world(2));
    expect(two).toHaveLength(6);
    expect(new Set(two.map((f) => f.ioPort))).toEqual(new Set(['ln0', 'ln1']));
    for (const f of two) expect(f.match).toMatch(/is_chassis_resident\("ext1"\)$/);
    expect(dhcp(world(2, false))).toEqual([]);
    expect(dhcp(world(0))).toEqual([]);
    // The VIF is answered on its own port, with no residency check, and gets the server's egress ACL exception.
    const vm = world(2).filter((f) => f.match.includes('f0:00:00:00:00:01') || f.match.startsWith('outport'));
    expect(vm.map((f) => f.ioPort)).toEqual(['vm1', 'vm1', 'vm1', 'vm1']);
  });

  it('nothing without a localnet port', () => {
    expect(world(0).filter((f) => f.stage === 'ls_in_external_port')).toEqual([]);
  });
});
