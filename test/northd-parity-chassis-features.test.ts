// Parity under chassis capabilities (Chassis.other_config): with a chassis that lacks ct-no-masked-label
// the real ovn-northd 23.03 writes ct_lb and keeps conntrack flags in ct_label, without ovn-ct-lb-related
// it does not NAT related traffic nor put skip_snat/force_snat into ct_lb, and SB_Global tells chassis
// lb_hairpin_use_ct_mark=false. ovnts must write the same flows.
import { describe, expect, it } from 'vitest';
import { routerPortArgs, useSandbox, waitFor } from '@ovnts/test-harness';
import { startOvntsNorthd, formatFlowDiff, runParityCase } from '@ovnts/northd/testing';

const TOPOLOGY = [
  ['ls-add', 'ls1'],
  ['lsp-add', 'ls1', 'vm1', '--', 'lsp-set-addresses', 'vm1', '02:ac:10:ff:00:11 192.168.100.10'],
  ['lsp-add', 'ls1', 'vm2', '--', 'lsp-set-addresses', 'vm2', '02:ac:10:ff:00:22 192.168.100.11'],
  ['acl-add', 'ls1', 'to-lport', '1000', 'ip4 && tcp.dst == 80', 'allow-related'],
  ['acl-add', 'ls1', 'to-lport', '900', 'ip4', 'drop'],
  ['lb-add', 'lb1', '10.96.0.1:80', '192.168.100.10:8080,192.168.100.11:8080'],
  ['ls-lb-add', 'ls1', 'lb1'],
  ['lr-add', 'gw1', '--', 'set', 'Logical_Router', 'gw1', 'options:chassis=hv1'],
  ['lrp-add', 'gw1', 'gw1-ls1', '02:ac:10:ff:00:01', '192.168.100.1/24'],
  ['lrp-add', 'gw1', 'gw1-ext', '02:ac:10:ff:ff:01', '172.16.0.10/24'],
  routerPortArgs('ls1', 'ls1-gw1', 'gw1-ls1'),
  ['lr-lb-add', 'gw1', 'lb1'],
  ['lb-add', 'lb2', '172.16.0.100:443', '192.168.100.11:8443'],
  ['set', 'Load_Balancer', 'lb2', 'options:skip_snat=true'],
  ['lr-lb-add', 'gw1', 'lb2'],
  ['lr-nat-add', 'gw1', 'snat', '172.16.0.10', '192.168.100.0/24'],
  ['lr-nat-add', 'gw1', 'dnat_and_snat', '172.16.0.50', '192.168.100.10'],
];

describe('parity: flows follow the chassis capabilities', () => {
  const sandbox = useSandbox();
  for (const [label, sbctl, hairpinMark] of [
    ['a chassis without any capability (ct_lb, ct_label)', [['chassis-add', 'hv1', 'geneve', '127.0.0.1']], false],
    [
      'ct-no-masked-label without ovn-ct-lb-related',
      [
        ['chassis-add', 'hv1', 'geneve', '127.0.0.1'],
        ['set', 'Chassis', 'hv1', 'other_config:ct-no-masked-label=true'],
      ],
      true,
    ],
  ] as const) {
    it(label, async () => {
      const r = await runParityCase(sandbox(), { name: label, sbctl, nbctl: TOPOLOGY, packets: [] });
      console.log(formatFlowDiff(label, r));
      expect(r.compiled.diagnostics).toEqual([]);
      expect({ missing: r.missing, extra: r.extra }).toEqual({ missing: [], extra: [] });
      expect(r.compiled.sbGlobalOptions['lb_hairpin_use_ct_mark']).toBe(hairpinMark ? undefined : 'false');
    });
  }
});

describe('ovnts-northd follows chassis capabilities as chassis come and change', () => {
  const sandbox = useSandbox();
  it('switches ct_lb_mark ↔ ct_lb and lb_hairpin_use_ct_mark with the least capable chassis', async () => {
    const sb = sandbox();
    const { nb, sb: sbdb } = await sb.startCentral();
    await startOvntsNorthd(sb, nb.remotes.unix, sbdb.remotes.unix);
    const nbctl = (...a: string[]) => sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, '--timeout=20', ...a]);
    const sbctl = (...a: string[]) => sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, ...a]);
    // The switch with its ACLs and balancer.
    for (const args of TOPOLOGY.slice(0, 7)) await nbctl(...args);
    await nbctl('--wait=sb', 'sync');
    const lbFlows = async () => (await sbctl('lflow-list', 'ls1')).match(/ct_lb(_mark)?\(backends/g) ?? [];
    const hairpin = async () =>
      (await sbctl('get', 'SB_Global', '.', 'options')).includes('lb_hairpin_use_ct_mark="false"');
    // No chassis: every capability assumed.
    expect(new Set(await lbFlows())).toEqual(new Set(['ct_lb_mark(backends']));
    expect(await hairpin()).toBe(false);

    await sbctl('chassis-add', 'hv1', 'geneve', '127.0.0.1');
    await waitFor('ct_lb', async () => (await lbFlows()).every((f) => f === 'ct_lb(backends'), 15_000);
    await waitFor('lb_hairpin_use_ct_mark=false', hairpin, 15_000);

    await sbctl('set', 'Chassis', 'hv1', 'other_config:ct-no-masked-label=true', 'other_config:ovn-ct-lb-related=true');
    await waitFor('ct_lb_mark again', async () => (await lbFlows()).every((f) => f === 'ct_lb_mark(backends'), 15_000);
    await waitFor('lb_hairpin_use_ct_mark unset', async () => !(await hairpin()), 15_000);
  });
});
