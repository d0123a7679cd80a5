// Parity of load balancer health checks against the real ovn-northd: the SB Service_Monitor rows it
// writes for the mapped backends (a disabled port has none, a port-less VIP's monitors have port 0, IPv6
// mappings in brackets), ct_lb over the backends ovn-controller did not find offline on switches and on a
// gateway router (drop, or reject with options:reject, once none is left), and the ARP/ND answers for the
// monitors' source addresses.
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { formatFlowDiff, runParityCase } from '@ovnts/northd/testing';

const lsp = (sw: string, name: string, addr: string) => ['lsp-add', sw, name, '--', 'lsp-set-addresses', name, addr];
const check = (lb: string, vip: string) => [
  '--',
  '--id=@hc',
  'create',
  'Load_Balancer_Health_Check',
  `vip="${vip}"`,
  'options:interval=5',
  'options:failure_count=2',
  '--',
  'add',
  'Load_Balancer',
  lb,
  'health_check',
  '@hc',
];

describe('parity: load balancer health checks', () => {
  const sandbox = useSandbox();
  it('Service_Monitor rows, backends online only, ARP/ND for the source addresses', async () => {
    const r = await runParityCase(sandbox(), {
      name: 'lb-health-check',
      nbctl: [
        ['ls-add', 'sw0'],
        ['ls-add', 'sw1'],
        lsp('sw0', 'sw0-p1', '00:00:00:00:00:03 10.0.0.3'),
        lsp('sw0', 'sw0-p2', '00:00:00:00:00:04 10.0.0.4'),
        lsp('sw0', 'sw0-p3', '00:00:00:00:00:05 10.0.0.5'),
        lsp('sw1', 'sw1-p1', '00:00:00:00:01:03 20.0.0.3'),
        lsp('sw1', 'sw1-p2', '00:00:00:00:01:04 fd00::3'),
        ['lsp-set-enabled', 'sw0-p2', 'disabled'],
        ['lb-add', 'lb1', '10.0.0.10:80', '10.0.0.3:80,10.0.0.4:80,20.0.0.3:80'],
        ['lb-add', 'lb1', '10.0.0.11:80', '10.0.0.3:80,20.0.0.3:80'],
        ['lb-add', 'lb1', '[fd00::10]:80', '[fd00::3]:80'],
        [
          'set',
          'load_balancer',
          'lb1',
          'ip_port_mappings:10.0.0.3=sw0-p1:10.0.0.2',
          'ip_port_mappings:10.0.0.4=sw0-p2:10.0.0.2',
          'ip_port_mappings:20.0.0.3=sw1-p1:20.0.0.2',
          'ip_port_mappings:"[fd00::3]"="sw1-p2:[fd00::2]"',
        ],
        check('lb1', '10.0.0.10:80'),
        check('lb1', '[fd00::10]:80'),
        ['--reject', 'lb-add', 'lb2', '10.0.0.12', '10.0.0.5'],
        ['set', 'load_balancer', 'lb2', 'protocol=udp'],
        ['lb-add', 'lb2', '10.0.0.13', '10.0.0.3'],
        [
          'set',
          'load_balancer',
          'lb2',
          'ip_port_mappings:10.0.0.5=sw0-p3:10.0.0.2',
          'ip_port_mappings:10.0.0.3=sw0-p1:10.0.0.2',
        ],
        check('lb2', '10.0.0.12'),
        check('lb2', '10.0.0.13'),
        ['ls-lb-add', 'sw0', 'lb1'],
        ['ls-lb-add', 'sw0', 'lb2'],
        ['ls-lb-add', 'sw1', 'lb1'],
        ['lr-add', 'lr0'],
        ['set', 'logical_router', 'lr0', 'options:chassis=hv1'],
        ['lrp-add', 'lr0', 'lr0-sw0', '00:00:00:00:ff:01', '10.0.0.1/24'],
        lsp('sw0', 'sw0-lr0', 'router'),
        ['lsp-set-type', 'sw0-lr0', 'router'],
        ['lsp-set-options', 'sw0-lr0', 'router-port=lr0-sw0'],
        ['lr-lb-add', 'lr0', 'lb1'],
        ['lr-lb-add', 'lr0', 'lb2'],
      ],
      // ovn-controller's verdicts: one of lb1's backends and lb2's only one are offline.
      sbctlAfter: [
        ['set', 'service_monitor', 'sw1-p1', 'status=offline'],
        ['set', 'service_monitor', 'sw0-p3', 'status=offline'],
      ],
      packets: [],
    });
    console.log(formatFlowDiff('lb-health-check', r));
    expect({ missing: r.missing, extra: r.extra }).toEqual({ missing: [], extra: [] });

    const cols = (m: Record<string, unknown>) =>
      JSON.stringify([m['logical_port'], m['ip'], m['port'], m['protocol'], m['src_ip'], m['src_mac'], m['options']]);
    const real = [...r.realSb.Service_Monitor.values()].map((m) => cols(m as unknown as Record<string, unknown>));
    const ours = [...r.compiled.keyedRows.Service_Monitor.values()].map((m) => cols(m.columns));
    expect(ours.sort()).toEqual(real.sort());
    expect(real).toHaveLength(5);
    // The filtering is visible in the flows both wrote.
    const sw0Lb = (vip: string) =>
      r.compiled.logicalFlows.find((f) => f.stageName === 'ls_in_lb' && f.match.includes(vip));
    expect(sw0Lb('ip4.dst == 10.0.0.10 ')?.actions).toBe('reg0[1] = 0; ct_lb_mark(backends=10.0.0.3:80);');
    expect(sw0Lb('ip4.dst == 10.0.0.12')?.actions).toMatch(/^reg0 = 0; reject /);
    // A port-less VIP's backends are listed with port 0 once checked.
    expect(sw0Lb('ip4.dst == 10.0.0.13')?.actions).toBe('reg0[1] = 0; ct_lb_mark(backends=10.0.0.3:0);');
  });
});
