// Parity of router multicast relay (options:mcast_relay) and static flooding (router port
// options:mcast_flood) against the real ovn-northd: flows and the router's `_MC_static` group.
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { formatFlowDiff, runParityCase } from '@ovnts/northd/testing';

const base = [
  ['lr-add', 'lr'],
  ['lrp-add', 'lr', 'lrp1', '00:00:00:00:00:01', '10.10.10.1/24', '1010::1/64'],
  ['lrp-add', 'lr', 'lrp2', '00:00:00:00:00:02', '20.20.20.1/24', '2020::1/64'],
  ['lrp-add', 'lr', 'lrp3', '00:00:00:00:00:03', '30.30.30.1/24'],
  ['set', 'logical_router_port', 'lrp3', 'enabled=false'],
];

describe('parity: router multicast relay', () => {
  const sandbox = useSandbox();
  for (const [name, extra] of [
    [
      'relay with static flooding',
      [
        ['set', 'logical_router', 'lr', 'options:mcast_relay="true"'],
        ['set', 'logical_router_port', 'lrp1', 'options:mcast_flood="true"'],
        ['set', 'logical_router_port', 'lrp2', 'options:mcast_flood="true"'],
        ['set', 'logical_router_port', 'lrp3', 'options:mcast_flood="true"'],
      ],
    ],
    ['relay only', [['set', 'logical_router', 'lr', 'options:mcast_relay="true"']]],
    ['static flooding only', [['set', 'logical_router_port', 'lrp1', 'options:mcast_flood="true"']]],
  ] as const) {
    it(name, async () => {
      const r = await runParityCase(sandbox(), { name, nbctl: [...base, ...extra], packets: [] });
      console.log(formatFlowDiff(name, r));
      expect({ missing: r.missing, extra: r.extra }).toEqual({ missing: [], extra: [] });
      expect(r.bindings.ours).toEqual(r.bindings.real);
    });
  }
});
