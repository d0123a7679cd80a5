// Topologies for the oracle test and the dev capture script: real ovn-northd + real ovn-controller on a
// netdev ovs-vswitchd, with the features whose logical flows the compiler must reproduce.
import type { Daemon, OvsdbServer, Chassis, Sandbox } from '@ovnts/test-harness/servers';

export interface Lab {
  nb: OvsdbServer;
  sbdb: OvsdbServer;
  hv: Chassis;
  /** Present when the topology spans two chassis (hv2 hosts vm2). */
  hv2?: Chassis;
}

/** ls1 (vm1, vm2) + ls2 (vm3) joined by lr1; ACLs on a port group with address sets, LBs, DHCP, DNS. */
export async function buildRichTopology(sb: Sandbox, opts: { twoChassis?: boolean } = {}): Promise<Lab> {
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
    [
      'acl-add',
      'pg_web',
      'to-lport',
      '1002',
      'outport == @pg_web && ip4.src == $as_admin && tcp.dst == {22, 80, 443}',
      'allow-related',
    ],
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
  const uuid =
    (await nbctl('--bare', '--columns=_uuid', 'find', 'DHCP_Options', 'cidr="192.168.100.0/24"')).trim() || dhcp;
  await nbctl(
    'dhcp-options-set-options',
    uuid,
    'lease_time=3600',
    'router=192.168.100.1',
    'server_id=192.168.100.1',
    'server_mac=02:ac:10:ff:00:01',
  );
  await nbctl('lsp-set-dhcpv4-options', 'vm1', uuid);
  await nbctl(
    '--',
    '--id=@d',
    'create',
    'DNS',
    'records={"vm1.ovn"="192.168.100.10"}',
    '--',
    'add',
    'Logical_Switch',
    'ls1',
    'dns_records',
    '@d',
  );
  const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
  await hv.startRealController();
  await hv.addVm('vm1', '02:ac:10:ff:00:11', '192.168.100.10/24', '192.168.100.1');
  let hv2: Chassis | undefined;
  if (opts.twoChassis) {
    hv2 = await sb.startChassis({ sbRemote: sbdb.remotes.unix, name: 'hv2', systemId: 'hv2', encapIp: '127.0.0.2' });
    await hv2.startRealController();
  }
  await (hv2 ?? hv).addVm('vm2', '02:ac:10:ff:00:22', '192.168.100.11/24', '192.168.100.1');
  await hv.addVm('vm3', '02:ac:10:ff:00:33', '192.168.200.10/24', '192.168.200.1');
  await nbctl('--timeout=30', '--wait=hv', 'sync');
  return { nb, sbdb, hv, ...(hv2 ? { hv2 } : {}) };
}

/** The SB tables the compiler needs, as ovn-sbctl JSON, plus the installed OpenFlow 1.5 flows. */
export async function captureLab(sb: Sandbox, lab: Lab, hv: Chassis = lab.hv): Promise<Record<string, string>> {
  const sbctl = (...a: string[]) => sb.runOk('ovn-sbctl', [`--db=${lab.sbdb.remotes.unix}`, ...a]);
  const out: Record<string, string> = {};
  for (const t of [
    'Logical_Flow',
    'Logical_DP_Group',
    'Datapath_Binding',
    'Port_Binding',
    'Multicast_Group',
    'Address_Set',
    'Port_Group',
    'Chassis',
    'Load_Balancer',
    'Meter',
    'DHCP_Options',
    'DHCPv6_Options',
  ]) {
    out[t] = await sbctl('-f', 'json', 'list', t);
  }
  out['flows'] = await hv.ofctl('-O', 'OpenFlow15', '--no-stats', 'dump-flows', hv.mgmt());
  out['groups'] = await hv.ofctl('-O', 'OpenFlow15', 'dump-groups', hv.mgmt());
  out['meters'] = await hv.ofctl('-O', 'OpenFlow15', 'dump-meters', hv.mgmt());
  out['tlv'] = await hv.ofctl('dump-tlv-map', hv.mgmt());
  return out;
}

/**
 * A gateway topology: ls-int (vm4, IPv6 + DHCPv6 + RA, port security, mcast snooping, reject/log ACLs with a
 * meter, an LB without backends raising controller events) behind lr0, whose distributed gateway port
 * lr0-ext (gateway chassis hv1, gateway_mtu) reaches a localnet switch; SNAT, DNAT_and_SNAT, ECMP routes
 * and an LB with affinity and selection fields.
 */
export async function buildGatewayTopology(sb: Sandbox): Promise<Lab> {
  const { nb, sb: sbdb } = await sb.startCentral();
  await sb.startRealNorthd(nb.remotes.unix, sbdb.remotes.unix);
  const nbctl = (...a: string[]) => sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, ...a]);
  const script = [
    ['set', 'NB_Global', '.', 'options:controller_event=true'],
    ['ls-add', 'ls-int'],
    ['set', 'Logical_Switch', 'ls-int', 'other_config:mcast_snoop=true'],
    ['lsp-add', 'ls-int', 'vm4'],
    ['lsp-set-addresses', 'vm4', '02:ac:10:ff:01:44 10.0.0.10 fd10::10'],
    ['lsp-set-port-security', 'vm4', '02:ac:10:ff:01:44 10.0.0.10 fd10::10'],
    ['lsp-add', 'ls-int', 'vm5'],
    ['lsp-set-addresses', 'vm5', 'dynamic'],
    ['set', 'Logical_Switch', 'ls-int', 'other_config:subnet=10.0.0.0/24'],
    ['ls-add', 'ls-ext'],
    ['lsp-add', 'ls-ext', 'ln-ext'],
    ['lsp-set-type', 'ln-ext', 'localnet'],
    ['lsp-set-addresses', 'ln-ext', 'unknown'],
    ['lsp-set-options', 'ln-ext', 'network_name=phys'],
    ['lr-add', 'lr0'],
    ['lrp-add', 'lr0', 'lr0-int', '02:ac:10:ff:01:01', '10.0.0.1/24', 'fd10::1/64'],
    [
      'set',
      'Logical_Router_Port',
      'lr0-int',
      'ipv6_ra_configs:address_mode=dhcpv6_stateful',
      'ipv6_ra_configs:send_periodic=false',
    ],
    ['lrp-add', 'lr0', 'lr0-ext', '02:ac:10:ff:01:02', '172.16.0.1/24'],
    ['lrp-set-gateway-chassis', 'lr0-ext', 'hv1'],
    ['lrp-set-options', 'lr0-ext', 'gateway_mtu=1400'],
    ['lsp-add', 'ls-int', 'int-lr0'],
    ['lsp-set-type', 'int-lr0', 'router'],
    ['lsp-set-addresses', 'int-lr0', 'router'],
    ['lsp-set-options', 'int-lr0', 'router-port=lr0-int'],
    ['lsp-add', 'ls-ext', 'ext-lr0'],
    ['lsp-set-type', 'ext-lr0', 'router'],
    ['lsp-set-addresses', 'ext-lr0', 'router'],
    ['lsp-set-options', 'ext-lr0', 'router-port=lr0-ext'],
    ['lr-nat-add', 'lr0', 'snat', '172.16.0.1', '10.0.0.0/24'],
    ['lr-nat-add', 'lr0', 'dnat_and_snat', '172.16.0.10', '10.0.0.10'],
    ['lr-route-add', 'lr0', '0.0.0.0/0', '172.16.0.254'],
    ['--ecmp', 'lr-route-add', 'lr0', '192.168.50.0/24', '172.16.0.253'],
    ['--ecmp', 'lr-route-add', 'lr0', '192.168.50.0/24', '172.16.0.252'],
    ['meter-add', 'm1', 'drop', '10', 'pktps'],
    ['acl-add', 'ls-int', 'from-lport', '1001', 'ip4 && tcp.dst == 23', 'reject'],
    [
      '--log',
      '--meter=m1',
      '--severity=info',
      '--name=acl1',
      'acl-add',
      'ls-int',
      'to-lport',
      '900',
      'udp',
      'allow-related',
    ],
    ['lb-add', 'lb3', '172.16.0.100:80', '10.0.0.10:80,10.0.0.11:80', 'tcp'],
    ['set', 'Load_Balancer', 'lb3', 'options:affinity_timeout=60', 'selection_fields=ip_src,ip_dst'],
    ['lr-lb-add', 'lr0', 'lb3'],
    ['ls-lb-add', 'ls-int', 'lb3'],
    ['create', 'Load_Balancer', 'name=lb4', 'vips:"10.0.0.200:80"=""', 'protocol=tcp'],
    ['ls-lb-add', 'ls-int', 'lb4'],
  ];
  for (const cmd of script) await nbctl(...cmd);
  const d6 = (await nbctl('dhcp-options-create', 'fd10::/64')).trim();
  const uuid = (await nbctl('--bare', '--columns=_uuid', 'find', 'DHCP_Options', 'cidr="fd10::/64"')).trim() || d6;
  await nbctl('dhcp-options-set-options', uuid, 'server_id=02:ac:10:ff:01:01', 'dns_server={fd10::53}');
  await nbctl('lsp-set-dhcpv6-options', 'vm4', uuid);
  const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix, bridgeMappings: 'phys:br-phys' });
  await hv.vsctl(
    '--',
    'add-br',
    'br-phys',
    '--',
    'set',
    'bridge',
    'br-phys',
    'datapath_type=netdev',
    'fail-mode=standalone',
  );
  await hv.startRealController();
  await hv.addVm('vm4', '02:ac:10:ff:01:44', '10.0.0.10/24', '10.0.0.1');
  await nbctl('--timeout=30', '--wait=hv', 'sync');
  return { nb, sbdb, hv };
}

export interface ScaleOptions {
  readonly switches: number;
  readonly portsPerSwitch: number;
}

/**
 * A big SB for benchmarks: `switches` logical switches of `portsPerSwitch` VIFs each (addresses, port
 * security), all attached to one router, ACLs on a port group with an address set, one LB per switch.
 * One VIF is bound on the chassis, which makes every datapath local (they share the router).
 */
export async function buildScaleTopology(sb: Sandbox, o: ScaleOptions): Promise<Lab & { northd: Daemon }> {
  const { nb, sb: sbdb } = await sb.startCentral();
  const nbctl = (args: string[][]) =>
    sb.runOk(
      'ovn-nbctl',
      [`--db=${nb.remotes.unix}`, '--timeout=600', ...args.flatMap((a, i) => (i ? ['--', ...a] : a))],
      { timeoutMs: 600_000 },
    );
  await nbctl([
    ['lr-add', 'lr0'],
    ['pg-add', 'pg_all'],
    ['create', 'Address_Set', 'name=as_mgmt', 'addresses="10.255.0.1","10.255.0.2","10.254.0.0/16"'],
  ]);
  for (let s = 0; s < o.switches; s++) {
    const ls = `ls${s}`;
    const hi = s >> 8;
    const lo = s & 0xff;
    const cmds: string[][] = [
      ['ls-add', ls],
      [
        'lrp-add',
        'lr0',
        `lr0-${ls}`,
        `02:00:00:ff:${hi.toString(16).padStart(2, '0')}:${lo.toString(16).padStart(2, '0')}`,
        `10.${hi}.${lo}.1/24`,
      ],
      ['lsp-add', ls, `${ls}-lr0`],
      ['lsp-set-type', `${ls}-lr0`, 'router'],
      ['lsp-set-addresses', `${ls}-lr0`, 'router'],
      ['lsp-set-options', `${ls}-lr0`, `router-port=lr0-${ls}`],
      ['lb-add', `lb${s}`, `172.31.${hi}.${lo}:80`, `10.${hi}.${lo}.10:8080,10.${hi}.${lo}.11:8080`, 'tcp'],
      ['ls-lb-add', ls, `lb${s}`],
    ];
    const ports: string[] = [];
    for (let p = 0; p < o.portsPerSwitch; p++) {
      const name = `vif-${s}-${p}`;
      const mac = `0a:00:${hi.toString(16).padStart(2, '0')}:${lo.toString(16).padStart(2, '0')}:00:${(p + 10).toString(16).padStart(2, '0')}`;
      const ip = `10.${hi}.${lo}.${p + 10}`;
      cmds.push(
        ['lsp-add', ls, name],
        ['lsp-set-addresses', name, `${mac} ${ip}`],
        ['lsp-set-port-security', name, `${mac} ${ip}`],
      );
      ports.push(name);
    }
    cmds.push(['pg-set-ports', 'pg_all', ...ports]);
    await nbctl(cmds);
  }
  await nbctl([
    [
      'acl-add',
      'pg_all',
      'to-lport',
      '1002',
      'outport == @pg_all && ip4.src == $as_mgmt && tcp.dst == {22, 443}',
      'allow-related',
    ],
    [
      'acl-add',
      'pg_all',
      'to-lport',
      '1001',
      'outport == @pg_all && tcp.dst >= 8000 && tcp.dst <= 8999',
      'allow-related',
    ],
    ['acl-add', 'pg_all', 'from-lport', '1000', 'inport == @pg_all && ip4', 'allow-related'],
    ['acl-add', 'pg_all', 'to-lport', '900', 'outport == @pg_all && ip4', 'drop'],
  ]);
  const northd = await sb.startRealNorthd(nb.remotes.unix, sbdb.remotes.unix);
  await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, '--timeout=600', '--wait=sb', 'sync'], {
    timeoutMs: 600_000,
  });
  const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
  await hv.vsctl('set', 'Open_vSwitch', '.', 'external_ids:ovn-enable-lflow-cache=false');
  await hv.startRealController();
  await hv.vsctl(
    'add-port',
    'br-int',
    'benchvif',
    '--',
    'set',
    'Interface',
    'benchvif',
    'type=internal',
    'external_ids:iface-id=vif-0-0',
  );
  await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, '--timeout=600', '--wait=hv', 'sync'], {
    timeoutMs: 600_000,
  });
  return { nb, sbdb, hv, northd };
}

/**
 * An L3 gateway router (options:chassis=hv1) with LB force_snat/skip_snat, SNAT, a virtual port, a localport,
 * IPv6-only VIF with port security, reject ACLs and a stateless ACL, joined to a tenant router over a join switch.
 */
export async function buildL3GatewayTopology(sb: Sandbox): Promise<Lab> {
  const { nb, sb: sbdb } = await sb.startCentral();
  await sb.startRealNorthd(nb.remotes.unix, sbdb.remotes.unix);
  const nbctl = (...a: string[]) => sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, ...a]);
  const script = [
    ['ls-add', 'ls-a'],
    ['lsp-add', 'ls-a', 'vm6'],
    ['lsp-set-addresses', 'vm6', '02:ac:10:ff:02:66 10.1.0.10 fd20::10'],
    ['lsp-set-port-security', 'vm6', '02:ac:10:ff:02:66 10.1.0.10 fd20::10'],
    ['lsp-add', 'ls-a', 'vm7'],
    ['lsp-set-addresses', 'vm7', '02:ac:10:ff:02:77 fd20::77'],
    ['lsp-add', 'ls-a', 'vip1'],
    ['lsp-set-type', 'vip1', 'virtual'],
    ['lsp-set-addresses', 'vip1', '02:ac:10:ff:02:99 10.1.0.99'],
    ['lsp-set-options', 'vip1', 'virtual-ip=10.1.0.99', 'virtual-parents=vm6,vm7'],
    ['lsp-add', 'ls-a', 'lp1'],
    ['lsp-set-type', 'lp1', 'localport'],
    ['lsp-set-addresses', 'lp1', '02:ac:10:ff:02:01 10.1.0.2'],
    ['acl-add', 'ls-a', 'from-lport', '1100', 'ip6 && udp.dst == 53', 'reject'],
    ['acl-add', 'ls-a', 'to-lport', '1000', 'ip4 && icmp4', 'allow-stateless'],
    ['lr-add', 'lr-t'],
    ['lrp-add', 'lr-t', 'lrt-a', '02:ac:10:ff:02:fe', '10.1.0.1/24', 'fd20::1/64'],
    ['lsp-add', 'ls-a', 'a-lrt'],
    ['lsp-set-type', 'a-lrt', 'router'],
    ['lsp-set-addresses', 'a-lrt', 'router'],
    ['lsp-set-options', 'a-lrt', 'router-port=lrt-a'],
    ['ls-add', 'join'],
    ['lrp-add', 'lr-t', 'lrt-join', '02:ac:10:ff:03:01', '100.64.0.1/16'],
    ['lsp-add', 'join', 'join-lrt'],
    ['lsp-set-type', 'join-lrt', 'router'],
    ['lsp-set-addresses', 'join-lrt', 'router'],
    ['lsp-set-options', 'join-lrt', 'router-port=lrt-join'],
    ['lr-add', 'gw'],
    [
      'set',
      'Logical_Router',
      'gw',
      'options:chassis=hv1',
      'options:lb_force_snat_ip=router_ip',
      'options:dynamic_neigh_routers=true',
    ],
    ['lrp-add', 'gw', 'gw-join', '02:ac:10:ff:03:02', '100.64.0.2/16'],
    ['lsp-add', 'join', 'join-gw'],
    ['lsp-set-type', 'join-gw', 'router'],
    ['lsp-set-addresses', 'join-gw', 'router'],
    ['lsp-set-options', 'join-gw', 'router-port=gw-join'],
    ['lr-route-add', 'lr-t', '0.0.0.0/0', '100.64.0.2'],
    ['lr-route-add', 'gw', '10.1.0.0/24', '100.64.0.1'],
    ['lr-nat-add', 'gw', 'snat', '100.64.0.2', '10.1.0.0/24'],
    ['--ecmp-symmetric-reply', 'lr-route-add', 'gw', '192.168.70.0/24', '100.64.0.10'],
    ['--ecmp-symmetric-reply', 'lr-route-add', 'gw', '192.168.70.0/24', '100.64.0.11'],
    ['lb-add', 'lb-gw', '100.64.0.100:443', '10.1.0.10:8443', 'tcp'],
    ['set', 'Load_Balancer', 'lb-gw', 'options:skip_snat=true'],
    ['lr-lb-add', 'gw', 'lb-gw'],
    ['lb-add', 'lb-gw6', '[fd20::100]:80', '[fd20::10]:8080', 'tcp'],
    ['lr-lb-add', 'lr-t', 'lb-gw6'],
    ['ls-lb-add', 'ls-a', 'lb-gw6'],
    ['qos-add', 'ls-a', 'from-lport', '100', 'ip4 && udp', 'rate=1000', 'burst=100'],
    ['qos-add', 'ls-a', 'to-lport', '101', 'ip4 && tcp', 'dscp=10'],
  ];
  for (const cmd of script) await nbctl(...cmd);
  const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
  await hv.startRealController();
  await hv.addVm('vm6', '02:ac:10:ff:02:66', '10.1.0.10/24', '10.1.0.1');
  await hv.vsctl(
    'add-port',
    'br-int',
    'lp1',
    '--',
    'set',
    'Interface',
    'lp1',
    'type=internal',
    'external_ids:iface-id=lp1',
  );
  await nbctl('--timeout=30', '--wait=hv', 'sync');
  return { nb, sbdb, hv };
}
