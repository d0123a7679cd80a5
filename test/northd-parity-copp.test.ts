// Parity of control plane protection (NB Copp), empty-backend controller events and BFD flows against
// the real ovn-northd: the flows, and which of them carry which controller_meter (lflow-list does not
// show it, so the metered flows are compared on their own).
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { COPP_PROTOCOLS } from '@ovnts/nb';
import { formatFlowDiff, runParityCase } from '@ovnts/northd/testing';

const PROTOCOLS = COPP_PROTOCOLS;

const topology = [
  ['lr-add', 'r0'],
  ['lrp-add', 'r0', 'r0-sw1', '00:00:00:00:00:01', '192.168.1.1/24', 'fd01::1/64'],
  ['set', 'logical_router_port', 'r0-sw1', 'ipv6_ra_configs:address_mode=slaac'],
  ['lrp-add', 'r0', 'r0-ext', '00:00:00:00:00:02', '172.16.0.1/24', '10.0.0.1/24'],
  ['ls-add', 'sw1'],
  ['lsp-add', 'sw1', 'sw1-r0'],
  ['lsp-set-type', 'sw1-r0', 'router'],
  ['lsp-set-options', 'sw1-r0', 'router-port=r0-sw1'],
  ['lsp-set-addresses', 'sw1-r0', 'router'],
  ['lsp-add', 'sw1', 'vm1'],
  ['lsp-set-addresses', 'vm1', '00:00:00:00:01:01 192.168.1.10 fd01::10'],
  ['set', 'logical_switch', 'sw1', 'other_config:mcast_snoop="true"'],
  [
    '--id=@d',
    'create',
    'DHCP_Options',
    'cidr=192.168.1.0/24',
    'options:server_id=192.168.1.1',
    'options:server_mac="00:00:00:00:00:01"',
    'options:lease_time=3600',
    'options:router=192.168.1.1',
    '--',
    'set',
    'logical_switch_port',
    'vm1',
    'dhcpv4_options=@d',
  ],
  [
    '--id=@d6',
    'create',
    'DHCP_Options',
    'cidr="fd01::/64"',
    'options:server_id="00:00:00:00:00:01"',
    '--',
    'set',
    'logical_switch_port',
    'vm1',
    'dhcpv6_options=@d6',
  ],
  [
    '--id=@dns',
    'create',
    'DNS',
    'records={vm1="192.168.1.10"}',
    '--',
    'add',
    'logical_switch',
    'sw1',
    'dns_records',
    '@dns',
  ],
  ['acl-add', 'sw1', 'from-lport', '1001', 'tcp.dst == 23', 'reject'],
  ['lr-route-add', 'r0', 'fd10::/64', 'fd01::99'],
  // Controller events for VIPs without backends; a rejecting balancer.
  ['--event', 'lb-add', 'lb-ev', '192.168.1.100:80', ''],
  ['--event', 'lb-add', 'lb-ev', '[fd01::100]:80', ''],
  ['--event', 'lb-add', 'lb-ev6', 'fd01::101', ''],
  ['--reject', 'lb-add', 'lb-rej', '192.168.1.200:8080', ''],
  ['ls-lb-add', 'sw1', 'lb-ev'],
  ['ls-lb-add', 'sw1', 'lb-ev6'],
  ['ls-lb-add', 'sw1', 'lb-rej'],
  ['lr-lb-add', 'r0', 'lb-ev'],
  ['lr-lb-add', 'r0', 'lb-rej'],
  // BFD: a session on r0-ext, a route it watches (withdrawn while down), one it does not.
  ['--bfd', 'lr-route-add', 'r0', '240.0.0.0/8', '172.16.0.2', 'r0-ext'],
  ['lr-route-add', 'r0', '250.0.0.0/8', '172.16.0.3', 'r0-ext'],
  ['meter-add', 'm1', 'drop', '100', 'pktps', '10'],
  ['meter-add', 'm2', 'drop', '200', 'pktps'],
];

describe('parity: CoPP, controller events and BFD', () => {
  const sandbox = useSandbox();
  const cases: [string, string[][], string[]][] = [
    ['no Copp', [], []],
    [
      'every protocol metered on the router and the switch',
      [
        ...PROTOCOLS.map((p) => [
          'copp-add',
          'c1',
          p,
          p === 'arp' ? 'm2' : p === 'dhcpv6-opts' ? 'no-such-meter' : 'm1',
        ]),
        ['lr-copp-add', 'c1', 'r0'],
        ['ls-copp-add', 'c1', 'sw1'],
      ],
      [
        'handle_bfd_msg',
        'trigger_event',
        'igmp;',
        'put_arp',
        'put_nd',
        'nd_ns',
        'nd_na',
        'reject',
        'tcp_reset',
        'icmp4',
        'icmp6',
        'put_dhcp_opts',
        'dns_lookup',
        'put_nd_ra_opts',
        'handle_svc_check',
      ],
    ],
    [
      'controller_event in NB_Global, a Copp naming a missing meter',
      [
        ['set', 'nb_global', '.', 'options:controller_event=true'],
        ['lb-add', 'lb-plain', '192.168.1.150:80', ''],
        ['ls-lb-add', 'sw1', 'lb-plain'],
        ['copp-add', 'c2', 'event-elb', 'm1'],
        ['copp-add', 'c2', 'arp', 'missing'],
        ['ls-copp-add', 'c2', 'sw1'],
        ['lr-copp-add', 'c2', 'r0'],
      ],
      ['trigger_event'],
    ],
    [
      'a distributed gateway port with gateway_mtu and NAT, metered',
      [
        ['lrp-del', 'r0-ext'],
        ['lrp-add', 'r0', 'r0-ext', '00:00:00:00:00:02', '172.16.0.1/24', 'fd20::1/64'],
        ['lrp-set-gateway-chassis', 'r0-ext', 'hv1', '10'],
        ['set', 'logical_router_port', 'r0-ext', 'options:gateway_mtu=1400'],
        ['lr-nat-add', 'r0', 'dnat_and_snat', '172.16.0.50', '192.168.1.10', 'vm1', '00:00:00:00:02:50'],
        ['lr-nat-add', 'r0', 'dnat_and_snat', 'fd20::50', 'fd01::10'],
        ['lr-nat-add', 'r0', 'snat', '172.16.0.1', '192.168.1.0/24'],
        ...PROTOCOLS.map((p) => ['copp-add', 'c1', p, 'm1']),
        ['lr-copp-add', 'c1', 'r0'],
        ['ls-copp-add', 'c1', 'sw1'],
      ],
      ['icmp4_error', 'icmp6_error', 'nd_na', 'put_arp', 'put_dhcpv6_opts', 'dns_lookup'],
    ],
  ];
  for (const [name, extra, metered] of cases) {
    it(name, async () => {
      const r = await runParityCase(sandbox(), { name, nbctl: [...topology, ...extra], packets: [] });
      console.log(formatFlowDiff(name, r));
      expect({ missing: r.missing, extra: r.extra }).toEqual({ missing: [], extra: [] });
      expect(r.meteredFlows.ours).toEqual(r.meteredFlows.real);
      for (const action of metered)
        expect(
          r.meteredFlows.ours.some((l) => l.includes(action)),
          action,
        ).toBe(true);
      if (!metered.length) expect(r.meteredFlows.ours).toEqual([]);
    });
  }
});
