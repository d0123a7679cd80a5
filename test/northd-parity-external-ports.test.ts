// Parity of external switch ports (type=external) against the real ovn-northd 23.03: their DHCPv4/DHCPv6
// answers served through the switch's localnet ports and only where the port is resident, the
// ls_in_external_port drops of ARP/ND for the router's addresses elsewhere, no port security, no ARP
// responder and no unicast lookup of their own, and their SB Port_Binding rows.
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { formatFlowDiff, runParityCase } from '@ovnts/northd/testing';

const dhcp = [
  '--',
  '--id=@d4',
  'create',
  'DHCP_Options',
  'cidr=10.0.0.0/24',
  'options:server_id=10.0.0.1',
  'options:server_mac="ff:10:00:00:00:01"',
  'options:lease_time=3600',
  'options:router=10.0.0.1',
  '--',
  '--id=@d6',
  'create',
  'DHCP_Options',
  'cidr="ae70::/64"',
  'options:server_id="00:00:00:10:00:01"',
  ...['ls1-lp1', 'ext1', 'ext2'].flatMap((p) => [
    '--',
    'set',
    'Logical_Switch_Port',
    p,
    'dhcpv4_options=@d4',
    'dhcpv6_options=@d6',
  ]),
];

const base = [
  ['ls-add', 'ls1'],
  ['lsp-add', 'ls1', 'ls1-lp1', '--', 'lsp-set-addresses', 'ls1-lp1', 'f0:00:00:00:00:01 10.0.0.4 ae70::4'],
  ['lsp-add', 'ls1', 'ext1', '--', 'lsp-set-addresses', 'ext1', 'f0:00:00:00:00:03 10.0.0.6 ae70::6'],
  ['lsp-set-port-security', 'ext1', 'f0:00:00:00:00:03 10.0.0.6 ae70::6'],
  ['lsp-set-type', 'ext1', 'external'],
  ['lsp-add', 'ls1', 'ext2', '--', 'lsp-set-addresses', 'ext2', 'f0:00:00:00:00:04 10.0.0.7 ae70::7'],
  ['lsp-set-type', 'ext2', 'external'],
  dhcp,
  ['lr-add', 'lr0'],
  ['lrp-add', 'lr0', 'lr0-ls1', 'a0:10:00:00:00:01', '10.0.0.1/24', 'ae70::1/64'],
  ['lsp-add', 'ls1', 'ls1-lr0'],
  ['set', 'Logical_Switch_Port', 'ls1-lr0', 'type=router', 'options:router-port=lr0-ls1', 'addresses=router'],
  ['ha-chassis-group-add', 'hagrp1'],
  ['ha-chassis-group-add-chassis', 'hagrp1', 'hv1', '30'],
  ['ha-chassis-group-add-chassis', 'hagrp1', 'hv2', '20'],
];

const localnet = (name: string, network: string) => [
  ['lsp-add', 'ls1', name, '--', 'lsp-set-addresses', name, 'unknown'],
  ['lsp-set-type', name, 'localnet'],
  ['lsp-set-options', name, `network_name=${network}`],
];

const setGroup = (port: string) => [
  '--',
  '--id=@g',
  'get',
  'HA_Chassis_Group',
  'hagrp1',
  '--',
  'set',
  'Logical_Switch_Port',
  port,
  'ha_chassis_group=@g',
];

const cases: { name: string; nbctl: string[][] }[] = [
  { name: 'external ports without a localnet port or a group', nbctl: base },
  { name: 'a group but no localnet port', nbctl: [...base, setGroup('ext1')] },
  {
    name: 'a localnet port, one port in a group, one not',
    nbctl: [...base, ...localnet('ln-public', 'phys'), setGroup('ext1')],
  },
  {
    name: 'two localnet ports, both ports in the group, DNS records, a stateful ACL',
    nbctl: [
      ...base,
      ...localnet('ln-public', 'phys'),
      ...localnet('ln-public2', 'phys2'),
      setGroup('ext1'),
      setGroup('ext2'),
      [
        '--',
        '--id=@d',
        'create',
        'DNS',
        'records={vm1="10.0.0.4"}',
        '--',
        'add',
        'Logical_Switch',
        'ls1',
        'dns_records',
        '@d',
      ],
      ['acl-add', 'ls1', 'to-lport', '1001', 'ip4', 'allow-related'],
    ],
  },
  {
    name: 'a gateway router port on the switch and an external port with requested-chassis',
    nbctl: [
      ...base,
      ...localnet('ln-public', 'phys'),
      setGroup('ext1'),
      ['lsp-set-options', 'ext2', 'requested-chassis=hv3'],
      ['lrp-set-gateway-chassis', 'lr0-ls1', 'hv1', '10'],
      // A second router, IPv4 only: its link-local address is answered for too.
      ['lr-add', 'lr1'],
      ['lrp-add', 'lr1', 'lr1-ls1', 'a0:10:00:00:00:02', '10.0.0.2/24'],
      ['lsp-add', 'ls1', 'ls1-lr1'],
      ['set', 'Logical_Switch_Port', 'ls1-lr1', 'type=router', 'options:router-port=lr1-ls1', 'addresses=router'],
    ],
  },
];

describe('parity: external switch ports', () => {
  const sandbox = useSandbox();
  for (const c of cases) {
    it(c.name, { timeout: 240_000 }, async () => {
      const r = await runParityCase(sandbox(), { name: c.name, nbctl: c.nbctl, packets: [] });
      console.log(formatFlowDiff(c.name, r));
      expect({ missing: r.missing, extra: r.extra }).toEqual({ missing: [], extra: [] });
      expect(r.bindings.ours).toEqual(r.bindings.real);
    });
  }
});
