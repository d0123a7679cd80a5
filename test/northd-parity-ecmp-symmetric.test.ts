// Parity of symmetric ECMP replies (static routes with options:ecmp_symmetric_reply=true on a gateway
// router) against the real ovn-northd: conntrack commits with the reply MAC and port key, the reply
// bypass in routing, policies and ARP resolution; in both conntrack dialects (a chassis without
// ct-no-masked-label makes them ct_label). One router port: each northd numbers ports its own way.
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { formatFlowDiff, runParityCase } from '@ovnts/northd/testing';

const nbctl = [
  ['lr-add', 'lr0'],
  ['set', 'logical_router', 'lr0', 'options:chassis=ch1'],
  ['ls-add', 'public'],
  ['lrp-add', 'lr0', 'lr0-public', '00:00:20:20:12:13', '192.168.0.1/24', '2001::1/64'],
  ['lsp-add', 'public', 'public-lr0', '--', 'lsp-set-type', 'public-lr0', 'router'],
  ['lsp-set-addresses', 'public-lr0', 'router'],
  ['lsp-set-options', 'public-lr0', 'router-port=lr0-public'],
  ['--ecmp-symmetric-reply', 'lr-route-add', 'lr0', '1.0.0.1', '192.168.0.10'],
  ['--ecmp-symmetric-reply', 'lr-route-add', 'lr0', '1.0.0.1', '192.168.0.20'],
  // A next hop no port reaches: left out.
  ['--ecmp-symmetric-reply', 'lr-route-add', 'lr0', '1.0.0.1', '192.168.1.20'],
  ['--ecmp-symmetric-reply', 'lr-route-add', 'lr0', '3.0.0.0/24', '192.168.0.30'],
  ['--ecmp-symmetric-reply', 'lr-route-add', 'lr0', '3.0.0.0/24', '192.168.0.40'],
  ['--ecmp-symmetric-reply', 'lr-route-add', 'lr0', '3000::/64', '2001::10'],
  ['--ecmp-symmetric-reply', 'lr-route-add', 'lr0', '3000::/64', '2001::20'],
  // Not symmetric, and a symmetric route alone (no ECMP group): nothing extra.
  ['--ecmp', 'lr-route-add', 'lr0', '4.0.0.0/24', '192.168.0.50'],
  ['--ecmp', 'lr-route-add', 'lr0', '4.0.0.0/24', '192.168.0.60'],
  ['--ecmp-symmetric-reply', 'lr-route-add', 'lr0', '5.0.0.0/24', '192.168.0.70'],
  // A route to an output port, without a next hop.
  ['lr-route-add', 'lr0', '2.0.0.0/24', 'lr0-public'],
];

describe('parity: symmetric ECMP replies', () => {
  const sandbox = useSandbox();
  for (const [name, sbctl] of [
    ['no chassis (ct_mark)', []],
    ['a chassis without ct-no-masked-label (ct_label)', [['chassis-add', 'ch1', 'geneve', '127.0.0.1']]],
  ] as const) {
    it(name, async () => {
      const r = await runParityCase(sandbox(), { name, nbctl, sbctl, packets: [] });
      console.log(formatFlowDiff(name, r));
      // ECMP group and member ids follow ovn-northd's hash order (upstream's own test masks them):
      // the member flows are compared by the upstream suite, the symmetric-reply flows here.
      const symmetric = (lines: readonly string[]) =>
        lines.filter((l) => !l.includes(' lr_in_ip_routing_ecmp ') && !/select\(/.test(l));
      expect({ missing: symmetric(r.missing), extra: symmetric(r.extra) }).toEqual({ missing: [], extra: [] });
    });
  }
});
