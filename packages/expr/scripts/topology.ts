// Topologies for the oracle test and the dev capture script: real ovn-northd + real ovn-controller on a
// netdev ovs-vswitchd, with the features whose logical flows the compiler must reproduce.
import type { Chassis, OvsdbServer, Sandbox } from '../../../test/harness/src/sandbox.js';

export interface Lab {
  nb: OvsdbServer;
  sbdb: OvsdbServer;
  hv: Chassis;
}

/** ls1 (vm1, vm2) + ls2 (vm3) joined by lr1; ACLs on a port group with address sets, LBs, DHCP, DNS. */
export async function buildRichTopology(sb: Sandbox): Promise<Lab> {
  const { nb, sb: sbdb } = await sb.startCentral();
  await sb.startRealNorthd(nb.remotes.unix, sbdb.remotes.unix);
  const nbctl = (...a: string[]) => sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, ...a]);
  const script = [
    ['ls-add', 'ls1'],
    ['lsp-add', 'ls1', 'vm1'],
    ['lsp-set-addresses', 'vm1', '02:ac:10:ff:00:11 192.168.100.10 fd00::10'],
    ['lsp-set-port-security', 'vm1', '02:ac:10:ff:00:11 192.168.100.10 fd00::10'],
    ['lsp-add', 'ls1', 'vm2'],
    ['lsp-set-addresses', 'vm2', '02:ac:10:ff:00:22 192.168.100.11'],
    ['ls-add', 'ls2'],
    ['lsp-add', 'ls2', 'vm3'],
    ['lsp-set-addresses', 'vm3', '02:ac:10:ff:00:33 192.168.200.10'],
    ['lr-add', 'lr1'],
    ['lrp-add', 'lr1', 'lr1-ls1', '02:ac:10:ff:00:01', '192.168.100.1/24', 'fd00::1/64'],
    ['lrp-add', 'lr1', 'lr1-ls2', '02:ac:10:ff:00:02', '192.168.200.1/24'],
    ['lsp-add', 'ls1', 'ls1-lr1'],
    ['lsp-set-type', 'ls1-lr1', 'router'],
    ['lsp-set-addresses', 'ls1-lr1', 'router'],
    ['lsp-set-options', 'ls1-lr1', 'router-port=lr1-ls1'],
    ['lsp-add', 'ls2', 'ls2-lr1'],
    ['lsp-set-type', 'ls2-lr1', 'router'],
    ['lsp-set-addresses', 'ls2-lr1', 'router'],
    ['lsp-set-options', 'ls2-lr1', 'router-port=lr1-ls2'],
    ['pg-add', 'pg_web', 'vm1', 'vm2'],
    ['create', 'Address_Set', 'name=as_admin', 'addresses="10.0.0.1","10.0.0.2","10.1.0.0/16"'],
    ['acl-add', 'pg_web', 'from-lport', '1002', 'inport == @pg_web && ip4', 'allow-related'],
    ['acl-add', 'pg_web', 'to-lport', '1002', 'outport == @pg_web && ip4.src == $as_admin && tcp.dst == {22, 80, 443}', 'allow-related'],
    ['acl-add', 'pg_web', 'to-lport', '1001', 'outport == @pg_web && tcp.dst >= 1000 && tcp.dst <= 1999', 'allow'],
    ['acl-add', 'pg_web', 'to-lport', '1000', 'outport == @pg_web && ip4', 'drop'],
    ['lb-add', 'lb1', '10.0.0.100:80', '192.168.100.10:8080,192.168.100.11:8080', 'tcp'],
    ['ls-lb-add', 'ls1', 'lb1'],
    ['lr-lb-add', 'lr1', 'lb1'],
    ['lb-add', 'lb2', '10.0.0.101', '192.168.200.10'],
    ['ls-lb-add', 'ls2', 'lb2'],
  ];
  for (const cmd of script) await nbctl(...cmd);
  const dhcp = (await nbctl('dhcp-options-create', '192.168.100.0/24')).trim();
  const uuid = (await nbctl('--bare', '--columns=_uuid', 'find', 'DHCP_Options', 'cidr="192.168.100.0/24"')).trim() || dhcp;
  await nbctl('dhcp-options-set-options', uuid, 'lease_time=3600', 'router=192.168.100.1', 'server_id=192.168.100.1', 'server_mac=02:ac:10:ff:00:01');
  await nbctl('lsp-set-dhcpv4-options', 'vm1', uuid);
  await nbctl('--', '--id=@d', 'create', 'DNS', 'records={"vm1.ovn"="192.168.100.10"}', '--', 'add', 'Logical_Switch', 'ls1', 'dns_records', '@d');
  const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
  await hv.startRealController();
  await hv.addVm('vm1', '02:ac:10:ff:00:11', '192.168.100.10/24', '192.168.100.1');
  await hv.addVm('vm2', '02:ac:10:ff:00:22', '192.168.100.11/24', '192.168.100.1');
  await hv.addVm('vm3', '02:ac:10:ff:00:33', '192.168.200.10/24', '192.168.200.1');
  await nbctl('--timeout=30', '--wait=hv', 'sync');
  return { nb, sbdb, hv };
}

/** The SB tables the compiler needs, as ovn-sbctl JSON, plus the installed OpenFlow 1.5 flows. */
export async function captureLab(sb: Sandbox, lab: Lab): Promise<Record<string, string>> {
  const sbctl = (...a: string[]) => sb.runOk('ovn-sbctl', [`--db=${lab.sbdb.remotes.unix}`, ...a]);
  const out: Record<string, string> = {};
  for (const t of ['Logical_Flow', 'Logical_DP_Group', 'Datapath_Binding', 'Port_Binding', 'Multicast_Group', 'Address_Set', 'Port_Group', 'Chassis', 'Load_Balancer', 'Meter', 'DHCP_Options', 'DHCPv6_Options']) {
    out[t] = await sbctl('-f', 'json', 'list', t);
  }
  out['flows'] = await lab.hv.ofctl('-O', 'OpenFlow15', '--no-stats', 'dump-flows', lab.hv.mgmt());
  out['groups'] = await lab.hv.ofctl('-O', 'OpenFlow15', 'dump-groups', lab.hv.mgmt());
  out['tlv'] = await lab.hv.ofctl('dump-tlv-map', lab.hv.mgmt());
  return out;
}
