// Parity of the NB_Global options that reshape every switch's ACL stages: use_ct_inv_match=false (no
// ct.inv matches) and default_acl_drop=true (what no ACL allows is dropped), against the real ovn-northd.
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { formatFlowDiff, runParityCase } from '@ovnts/northd/testing';

const topology = [
  ['ls-add', 'ls1'],
  ['ls-add', 'ls2'],
  ['lsp-add', 'ls1', 'vm1', '--', 'lsp-set-addresses', 'vm1', '02:ac:10:ff:00:11 192.168.100.10'],
  ['lsp-add', 'ls2', 'vm2', '--', 'lsp-set-addresses', 'vm2', '02:ac:10:ff:00:22 192.168.100.11'],
  ['acl-add', 'ls1', 'from-lport', '1000', 'ip4 && tcp.dst == 80', 'allow-related'],
  ['--log', '--label=7', 'acl-add', 'ls1', 'to-lport', '1001', 'ip4 && tcp.dst == 81', 'allow-related'],
  ['set', 'ACL', '@acl', 'options:log-related=true'],
  ['acl-add', 'ls1', 'to-lport', '900', 'ip4', 'drop'],
  ['acl-add', 'ls2', 'to-lport', '900', 'ip4 && udp', 'allow'],
];

describe('parity: NB_Global ACL options', () => {
  const sandbox = useSandbox();
  for (const options of [
    ['use_ct_inv_match=false'],
    ['default_acl_drop=true'],
    ['use_ct_inv_match=false', 'default_acl_drop=true'],
  ]) {
    it(options.join(' '), async () => {
      const r = await runParityCase(sandbox(), {
        name: options.join(' '),
        nbctl: [
          ...topology.filter((a) => a[0] !== 'set'),
          ['set', 'NB_Global', '.', ...options.map((o) => `options:${o}`)],
        ],
        packets: [],
      });
      console.log(formatFlowDiff(options.join(' '), r));
      expect({ missing: r.missing, extra: r.extra }).toEqual({ missing: [], extra: [] });
    });
  }
});
