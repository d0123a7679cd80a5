// Parity of the groups learned by IGMP/MLD snooping (SB IGMP_Group rows, as ovn-controller writes them)
// against the real ovn-northd: the Multicast_Group rows per switch and relaying router, the L2 lookup
// flow per group and the router's relay flows, with static flooding, mrouter ports, localnet ports and
// reserved addresses.
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { formatFlowDiff, runParityCase, type IgmpGroupSpec } from '@ovnts/northd/testing';

const base = [
  ['lr-add', 'lr'],
  ['lrp-add', 'lr', 'lrp1', '00:00:00:00:00:01', '10.10.10.1/24', 'fd00::1/64'],
  ['lrp-add', 'lr', 'lrp2', '00:00:00:00:00:02', '20.20.20.1/24', 'fd01::1/64'],
  ['ls-add', 'sw1'],
  ['lsp-add', 'sw1', 'sw1-lr'],
  ['lsp-set-type', 'sw1-lr', 'router'],
  ['lsp-set-options', 'sw1-lr', 'router-port=lrp1'],
  ['lsp-set-addresses', 'sw1-lr', 'router'],
  ['ls-add', 'sw2'],
  ['lsp-add', 'sw2', 'sw2-lr'],
  ['lsp-set-type', 'sw2-lr', 'router'],
  ['lsp-set-options', 'sw2-lr', 'router-port=lrp2'],
  ['lsp-set-addresses', 'sw2-lr', 'router'],
  ['lsp-add', 'sw2', 'vm21'],
  ['lsp-set-addresses', 'vm21', '00:00:00:00:02:01 20.20.20.10'],
  ['set', 'logical_switch', 'sw2', 'other_config:mcast_snoop="true"'],
  ...['vm1', 'vm2', 'vm3'].flatMap((vm, i) => [
    ['lsp-add', 'sw1', vm],
    ['lsp-set-addresses', vm, `00:00:00:00:01:0${i + 1} 10.10.10.1${i}`],
  ]),
  ['set', 'logical_switch', 'sw1', 'other_config:mcast_snoop="true"'],
];

const groups: IgmpGroupSpec[] = [
  { address: '239.0.1.68', datapath: 'sw1', ports: ['vm1'] },
  { address: '239.0.1.68', datapath: 'sw1', ports: ['vm2'], chassis: 'hv2' },
  { address: '239.0.1.68', datapath: 'sw2', ports: ['vm21'] },
  { address: 'ff0a:dead:beef::1', datapath: 'sw1', ports: ['vm2'] },
  { address: 'ff02::1:3', datapath: 'sw1', ports: ['vm3'] },
  { address: '224.0.0.251', datapath: 'sw1', ports: ['vm3'] },
];

describe('parity: learned multicast groups (IGMP_Group)', () => {
  const sandbox = useSandbox();
  for (const [name, extra, learned] of [
    ['snooping switches, no relay', [], groups],
    [
      'a relaying router, static flooding, a localnet port',
      [
        ['set', 'logical_router', 'lr', 'options:mcast_relay="true"'],
        ['lsp-set-options', 'vm3', 'mcast_flood=true'],
        ['lsp-add', 'sw1', 'ln1'],
        ['lsp-set-type', 'ln1', 'localnet'],
        ['lsp-set-addresses', 'ln1', 'unknown'],
        ['lsp-set-options', 'ln1', 'network_name=phys'],
      ],
      groups,
    ],
    [
      'ports behind multicast routers, a table of one group',
      [['set', 'logical_switch', 'sw2', 'other_config:mcast_table_size=1']],
      [
        { address: 'mrouters', datapath: 'sw1', ports: ['vm1'] },
        { address: '239.0.1.68', datapath: 'sw2', ports: ['vm21'] },
        { address: '239.0.1.69', datapath: 'sw2', ports: ['vm21'] },
      ],
    ],
  ] as const) {
    it(name, async () => {
      const r = await runParityCase(sandbox(), { name, nbctl: [...base, ...extra], packets: [], igmpGroups: learned });
      console.log(formatFlowDiff(name, r));
      if (name.includes('table of one')) {
        // Which of two new groups gets the one flow follows ovn-northd's hash order: compare all but those.
        const other = (l: string) => !/ip4\.dst == 239\.0\.1\.6[89] /.test(l);
        expect({ missing: r.missing.filter(other), extra: r.extra.filter(other) }).toEqual({ missing: [], extra: [] });
        expect(r.missing.length).toBe(r.extra.length);
      } else expect({ missing: r.missing, extra: r.extra }).toEqual({ missing: [], extra: [] });
      expect(r.bindings.ours).toEqual(r.bindings.real);
    });
  }
});
