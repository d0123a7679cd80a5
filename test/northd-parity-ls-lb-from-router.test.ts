// Parity of NB_Global options:install_ls_lb_from_router=true against the real ovn-northd: the switches
// peering with a router apply the router's load balancers (direct and through a group) as their own.
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { formatFlowDiff, runParityCase } from '@ovnts/northd/testing';

const topology = [
  ['lr-add', 'R1'],
  ['set', 'logical_router', 'R1', 'options:chassis=hv1'],
  ['lrp-add', 'R1', 'R1-S0', '02:ac:10:01:00:01', '10.0.0.1/24'],
  ['lrp-add', 'R1', 'R1-S1', '02:ac:10:01:01:01', '20.0.0.1/24'],
  ['lrp-add', 'R1', 'R1-PUB', '02:ac:20:01:01:01', '172.16.0.1/24'],
  ['ls-add', 'S0'],
  ['lsp-add', 'S0', 'S0-R1', '--', 'lsp-set-type', 'S0-R1', 'router'],
  ['lsp-set-addresses', 'S0-R1', '02:ac:10:01:00:01'],
  ['lsp-set-options', 'S0-R1', 'router-port=R1-S0'],
  ['lsp-add', 'S0', 'vm0', '--', 'lsp-set-addresses', 'vm0', '00:00:00:00:00:02 10.0.0.2'],
  ['ls-add', 'S1'],
  ['lsp-add', 'S1', 'S1-R1', '--', 'lsp-set-type', 'S1-R1', 'router'],
  ['lsp-set-addresses', 'S1-R1', '02:ac:10:01:01:01'],
  ['lsp-set-options', 'S1-R1', 'router-port=R1-S1'],
  ['ls-add', 'S2'],
  ['lb-add', 'lb0', '172.16.0.10:80', '10.0.0.2:80'],
  ['lr-lb-add', 'R1', 'lb0'],
  ['lb-add', 'lb2', '172.16.0.12:8080', '10.0.0.3:8080'],
  ['ls-lb-add', 'S2', 'lb2'],
  // lb1 reaches R1 through a load balancer group.
  [
    '--id=@lb',
    'create',
    'load_balancer',
    'name=lb1',
    'protocol=tcp',
    'vips:"172.16.0.11:8080"="10.0.0.2:8080"',
    '--',
    '--id=@g',
    'create',
    'load_balancer_group',
    'name=lbg',
    'load_balancer=@lb',
    '--',
    'add',
    'logical_router',
    'R1',
    'load_balancer_group',
    '@g',
  ],
  ['set', 'NB_Global', '.', 'options:install_ls_lb_from_router=true'],
];

describe('parity: install_ls_lb_from_router', () => {
  const sandbox = useSandbox();
  it("switches apply their router's load balancers", async () => {
    const r = await runParityCase(sandbox(), { name: 'install_ls_lb_from_router', nbctl: topology, packets: [] });
    console.log(formatFlowDiff('install_ls_lb_from_router', r));
    expect({ missing: r.missing, extra: r.extra }).toEqual({ missing: [], extra: [] });
  });
});
