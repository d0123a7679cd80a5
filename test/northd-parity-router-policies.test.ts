// Parity of logical router policies against the real ovn-northd: allow (with pkt_mark), drop, reroute to
// one next hop (IPv4 and IPv6), ECMP reroute over several, and reroutes no port reaches (left out).
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { formatFlowDiff, runParityCase } from '@ovnts/northd/testing';

const nbctl = [
  ['ls-add', 'sw0'],
  ['lsp-add', 'sw0', 'sw0-port1', '--', 'lsp-set-addresses', 'sw0-port1', '50:54:00:00:00:03 10.0.0.3'],
  ['lr-add', 'lr0'],
  ['lrp-add', 'lr0', 'lr0-sw0', '00:00:00:00:ff:01', '10.0.0.1/24', '1000::a/64'],
  ['lsp-add', 'sw0', 'sw0-lr0', '--', 'lsp-set-type', 'sw0-lr0', 'router'],
  ['lsp-set-addresses', 'sw0-lr0', '00:00:00:00:ff:01'],
  ['lsp-set-options', 'sw0-lr0', 'router-port=lr0-sw0'],
  ['ls-add', 'public'],
  ['lrp-add', 'lr0', 'lr0-public', '00:00:20:20:12:13', '172.168.0.100/24', '2000::a/64'],
  ['lsp-add', 'public', 'public-lr0', '--', 'lsp-set-type', 'public-lr0', 'router'],
  ['lsp-set-addresses', 'public-lr0', 'router'],
  ['lsp-set-options', 'public-lr0', 'router-port=lr0-public'],
  ['lr-policy-add', 'lr0', '10', 'ip4.src == 10.0.0.3', 'reroute', '172.168.0.101,172.168.0.102'],
  ['lr-policy-add', 'lr0', '11', 'ip4.src == 10.0.0.4', 'reroute', '172.168.0.103,172.168.0.104,10.0.0.5'],
  ['lr-policy-add', 'lr0', '12', 'ip6.src == 1000::3', 'reroute', '2000::b'],
  ['lr-policy-add', 'lr0', '13', 'ip4.src == 10.0.0.6', 'reroute', '172.168.0.200'],
  ['lr-policy-add', 'lr0', '14', 'ip4.src == 10.0.0.7', 'reroute', '192.168.0.1'],
  ['lr-policy-add', 'lr0', '15', 'ip4.src == 10.0.0.8', 'reroute', '172.168.0.1,192.168.0.2'],
  ['lr-policy-add', 'lr0', '20', 'ip4.dst == 8.8.8.8', 'drop'],
  ['lr-policy-add', 'lr0', '30', 'ip4.dst == 9.9.9.9', 'allow', 'pkt_mark=7'],
  ['lr-policy-add', 'lr0', '31', 'ip4.dst == 9.9.9.10', 'allow'],
  ['lr-policy-add', 'lr0', '32', 'ip4.dst == 9.9.9.11', 'reroute', '172.168.0.150', 'pkt_mark=9'],
];

describe('parity: router policies', () => {
  const sandbox = useSandbox();
  it('allow, drop, reroute and ECMP reroute', async () => {
    const r = await runParityCase(sandbox(), { name: 'router policies', nbctl, packets: [] });
    console.log(formatFlowDiff('router policies', r));
    // ECMP group ids follow the policies' UUID order, which differs between the two NBs: compared by shape.
    const norm = (lines: readonly string[]) =>
      lines.map((l) => l.replace(/reg8\[0\.\.15\] (==|=) \d+/g, 'reg8[0..15] $1 G')).sort();
    expect(norm(r.missing)).toEqual(norm(r.extra));
  });
});
