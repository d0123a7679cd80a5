// Routers with several distributed gateway ports, VTEP peers and bridged redirects (ovn-northd 23.03).
import { describe, expect, it } from 'vitest';
import type { NAT } from '@ovnts/schema/nb';
import { schema } from '@ovnts/schema/nb';
import { compile } from '../compile.js';
import { NbBuilder } from '../testing/nb-builder.js';
import { makeRow } from '../testing/rows.js';

type Rows = Record<string, Map<string, unknown>>;
let n = 0;

function addNat(b: NbBuilder, input: ReturnType<NbBuilder['build']>, lr: string, values: Partial<NAT>): void {
  const nat = makeRow<NAT>(schema, 'NAT', values, `c0000000-0000-4000-8000-${(++n).toString(16).padStart(12, '0')}`);
  (input as unknown as Rows)['NAT']!.set(nat._uuid, nat);
  b.routers.get(lr)!.nat.push(nat._uuid);
}

const flowsOf = (b: NbBuilder, input = b.build()) =>
  compile(input).logicalFlows.map((f) => `${f.stageName} ${f.priority} ${f.match} => ${f.actions}`);

describe('distributed gateway ports', () => {
  it('NAT entries apply through their gateway_port, else the port whose network holds the external IP', () => {
    const b = new NbBuilder()
      .lr('DR')
      .lrp('DR', 'DR-S1', '02:ac:10:01:00:01', ['172.16.1.1/24'])
      .lrp('DR', 'DR-S2', '03:ac:10:01:00:01', ['10.0.0.1/24'])
      .gwChassis('DR-S1', 'gw1', 1)
      .gwChassis('DR-S2', 'gw2', 1);
    const input = b.build();
    addNat(b, input, 'DR', { type: 'snat', external_ip: '172.16.1.10', logical_ip: '20.0.0.10' });
    addNat(b, input, 'DR', {
      type: 'dnat',
      external_ip: '172.16.1.11',
      logical_ip: '20.0.0.11',
      gateway_port: b.lrps.get('DR-S2')!._uuid,
    });
    addNat(b, input, 'DR', { type: 'snat', external_ip: '192.168.9.9', logical_ip: '20.0.0.12' });
    const flows = flowsOf(b, input);
    expect(flows).toContain(
      'lr_out_snat 161 ip && ip4.src == 20.0.0.10 && outport == "DR-S1" && is_chassis_resident("cr-DR-S1") => ct_snat_in_czone(172.16.1.10);',
    );
    expect(flows).toContain(
      'lr_in_dnat 100 ip && ip4.dst == 172.16.1.11 && inport == "DR-S2" && is_chassis_resident("cr-DR-S2") => ct_dnat_in_czone(20.0.0.11);',
    );
    // No gateway port holds 192.168.9.9: the entry has no gateway flows.
    expect(flows.filter((f) => f.includes('lr_out_snat') && f.includes('192.168.9.9'))).toEqual([]);
  });

  it('a gateway port with VTEP ports on its peer switch is not centralized', () => {
    const b = new NbBuilder()
      .ls('ls1')
      .lr('lr1')
      .link('lr1', 'ls1', '00:00:00:00:00:01', ['10.0.0.1/24'])
      .gwChassis('lr1-ls1', 'ch1', 1)
      .lsp('ls1', 'lsp-vtep', { type: 'vtep' });
    const c = compile(b.build());
    const flows = c.logicalFlows.map((f) => `${f.stageName} ${f.priority} ${f.match} => ${f.actions}`);
    expect(flows).toContain(
      'lr_in_admission 50 eth.dst == 00:00:00:00:00:01 && inport == "lr1-ls1" => xreg0[0..47] = 00:00:00:00:00:01; next;',
    );
    expect(flows.filter((f) => f.startsWith('lr_in_gw_redirect 50'))).toEqual([]);
    expect(c.portBindings.find((p) => p.logicalPort === 'cr-lr1-ls1')!.options).toEqual({
      'distributed-port': 'lr1-ls1',
    });
  });

  it('redirect-type=bridged: floating IPs resolve next hops on their port chassis', () => {
    const b = new NbBuilder()
      .ls('S0')
      .lr('R1')
      .link('R1', 'S0', '02:ac:10:01:00:01', ['10.0.0.1/24'])
      .lrp('R1', 'R1-PUB', '02:ac:20:01:01:01', ['172.16.0.1/24'], { options: { 'redirect-type': 'bridged' } })
      .gwChassis('R1-PUB', 'hv1', 20)
      .vif('S0', 'S0-P0', '50:54:00:00:00:03 10.0.0.3');
    const input = b.build();
    addNat(b, input, 'R1', {
      type: 'dnat_and_snat',
      external_ip: '172.16.0.110',
      logical_ip: '10.0.0.3',
      logical_port: 'S0-P0',
      external_mac: '30:54:00:00:00:03',
    });
    expect(flowsOf(b, input)).toContain(
      'lr_in_arp_resolve 90 outport == "R1-PUB" && ip4.src == 10.0.0.3 && is_chassis_resident("S0-P0") => get_arp(outport, reg0); next;',
    );
  });
});
