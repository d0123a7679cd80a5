// Parity for IPv6 router advertisement (Logical_Router_Port.ipv6_ra_configs) and router port
// external_ids: the router-solicitation responder flows and, with send_periodic, the Port_Binding options
// ovn-controller advertises from, as the real ovn-northd 23.03 writes them.
import { describe, expect, it } from 'vitest';
import { routerPortArgs, useSandbox } from '@ovnts/test-harness';
import { formatFlowDiff, runParityCase } from '@ovnts/northd/testing';

describe('parity: IPv6 router advertisement', () => {
  const sandbox = useSandbox();
  it('identical flows and port bindings', async () => {
    const r = await runParityCase(sandbox(), {
      name: 'ipv6-ra',
      nbctl: [
        ['lr-add', 'lr1'],
        ['ls-add', 'ls1'],
        ['ls-add', 'ls2'],
        ['lrp-add', 'lr1', 'lr1-ls1', '00:00:00:00:ff:01', 'aef0::1/64', '10.0.0.1/24'],
        ['lrp-add', 'lr1', 'lr1-ls2', '00:00:00:00:ff:02', 'bef0::1/64', 'bef1::1/64'],
        routerPortArgs('ls1', 'ls1-lr1', 'lr1-ls1'),
        routerPortArgs('ls2', 'ls2-lr1', 'lr1-ls2'),
        [
          'set',
          'Logical_Router_Port',
          'lr1-ls1',
          'ipv6_ra_configs:address_mode=slaac',
          'ipv6_ra_configs:send_periodic=true',
        ],
        ['set', 'Logical_Router_Port', 'lr1-ls1', 'ipv6_ra_configs:mtu=1400', 'ipv6_ra_configs:max_interval=10'],
        ['set', 'Logical_Router_Port', 'lr1-ls1', 'ipv6_ra_configs:router_preference=HIGH', 'external_ids:test=123'],
        ['set', 'Logical_Router_Port', 'lr1-ls2', 'ipv6_ra_configs:address_mode=dhcpv6_stateful'],
        [
          'set',
          'Logical_Router_Port',
          'lr1-ls2',
          'ipv6_ra_configs:rdnss=bef0::53',
          'ipv6_ra_configs:dnssl=example.org',
        ],
        ['set', 'Logical_Router_Port', 'lr1-ls2', 'options:prefix_delegation=true'],
      ],
      packets: [],
    });
    console.log(formatFlowDiff('ipv6 ra', r));
    expect(r.compiled.diagnostics).toEqual([]);
    expect({ missing: r.missing, extra: r.extra }).toEqual({ missing: [], extra: [] });
    expect(r.bindings.ours).toEqual(r.bindings.real);
  });
});
