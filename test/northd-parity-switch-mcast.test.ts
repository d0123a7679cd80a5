// Parity of IGMP/MLD snooping on switches (other_config:mcast_snoop) against the real ovn-northd: the
// L2 lookup flows (punt to ovn-controller, link-local flooding, unregistered multicast to relaying
// routers and statically flooding ports, or dropped) and the `_MC_mrouter_flood` / `_MC_static` groups.
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { formatFlowDiff, runParityCase } from '@ovnts/northd/testing';

const base = [
  ['lr-add', 'lr'],
  ['lrp-add', 'lr', 'lrp1', '00:00:00:00:00:01', '10.10.10.1/24'],
  ['ls-add', 'sw1'],
  ['lsp-add', 'sw1', 'sw1-lr'],
  ['lsp-set-type', 'sw1-lr', 'router'],
  ['lsp-set-options', 'sw1-lr', 'router-port=lrp1'],
  ['lsp-set-addresses', 'sw1-lr', 'router'],
  ['lsp-add', 'sw1', 'vm1'],
  ['lsp-set-addresses', 'vm1', '00:00:00:00:01:01 10.10.10.10'],
  ['lsp-add', 'sw1', 'vm2'],
  ['lsp-set-addresses', 'vm2', '00:00:00:00:01:02 10.10.10.11'],
  ['lsp-add', 'sw1', 'vm3'],
  ['lsp-set-addresses', 'vm3', '00:00:00:00:01:03 10.10.10.12'],
];

describe('parity: switch multicast snooping', () => {
  const sandbox = useSandbox();
  for (const [name, extra] of [
    ['snooping, nothing to flood to', [['set', 'logical_switch', 'sw1', 'other_config:mcast_snoop="true"']]],
    [
      'snooping with a relaying router, static flooding and report flooding',
      [
        ['set', 'logical_switch', 'sw1', 'other_config:mcast_snoop="true"'],
        ['set', 'logical_router', 'lr', 'options:mcast_relay="true"'],
        ['lsp-set-options', 'vm1', 'mcast_flood=true'],
        ['lsp-set-options', 'vm2', 'mcast_flood_reports=true'],
        ['lsp-set-options', 'vm3', 'mcast_flood=true'],
        ['lsp-set-enabled', 'vm3', 'disabled'],
      ],
    ],
    [
      'snooping that floods unregistered traffic',
      [
        [
          'set',
          'logical_switch',
          'sw1',
          'other_config:mcast_snoop="true"',
          'other_config:mcast_flood_unregistered="true"',
        ],
        ['set', 'logical_router', 'lr', 'options:mcast_relay="true"'],
      ],
    ],
    [
      'no snooping: the groups only',
      [
        ['set', 'logical_router', 'lr', 'options:mcast_relay="true"'],
        ['lsp-set-options', 'vm1', 'mcast_flood=true'],
      ],
    ],
  ] as const) {
    it(name, async () => {
      const r = await runParityCase(sandbox(), { name, nbctl: [...base, ...extra], packets: [] });
      console.log(formatFlowDiff(name, r));
      expect({ missing: r.missing, extra: r.extra }).toEqual({ missing: [], extra: [] });
      expect(r.bindings.ours).toEqual(r.bindings.real);
      expect(r.meteredFlows.ours).toEqual(r.meteredFlows.real);
    });
  }
});
