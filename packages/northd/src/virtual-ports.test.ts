import { describe, expect, it } from 'vitest';
import { Diagnostics } from './diagnostics.js';
import type { AddFlow } from './lflow-table.js';
import { NbBuilder } from './testing/nb-builder.js';
import { buildTopology } from './topology.js';
import {
  buildVirtualPortBindFlows,
  buildVirtualPortResolve,
  virtualIpOf,
  type VirtualParentOf,
} from './virtual-ports.js';

/** sw0: VIFs p1, p2, a virtual port `vip` (options as given), routers lr0 (10.0.0.0/24) and lr1 (10.1.0.0/24). */
function world(options: Record<string, string>) {
  const b = new NbBuilder()
    .ls('sw0')
    .ls('sw1')
    .lr('lr0')
    .lr('lr1')
    .link('lr0', 'sw0', '00:00:00:00:ff:01', ['10.0.0.1/24', '1000::a/64'])
    .link('lr1', 'sw0', '00:00:00:00:ff:02', ['10.1.0.1/24'])
    .vif('sw0', 'p1', '50:54:00:00:00:03 10.0.0.3')
    .vif('sw0', 'p2', '50:54:00:00:00:04 10.0.0.4')
    .vif('sw1', 'q1', '50:54:00:00:00:05 10.0.0.5');
  b.lsp('sw0', 'vip', { type: 'virtual', addresses: ['50:54:00:00:00:10 10.0.0.10'], options });
  const topo = buildTopology(b.build(), new Diagnostics());
  const flows: string[] = [];
  const add: AddFlow = (stage, prio, match, actions, ioPort) =>
    flows.push(`${stage} ${prio} ${ioPort} ${match} => ${actions}`);
  buildVirtualPortBindFlows(
    topo.switches.find((s) => s.name === 'sw0')!,
    add,
  );
  const resolve = (parentOf: VirtualParentOf) =>
    topo.routers.flatMap((lr) =>
      lr.ports.flatMap((p) => {
        const out: string[] = [];
        buildVirtualPortResolve(p, topo.lsps.get('vip')!, parentOf, (m, mac) => out.push(`${m} => ${mac}`));
        return out;
      }),
    );
  return { flows, resolve, lsps: topo.lsps };
}

describe('virtual ports', () => {
  it('bind through each parent of the same switch announcing the address', () => {
    const { flows } = world({ 'virtual-ip': '10.0.0.10', 'virtual-parents': 'p1,,q1,nope,p2' });
    expect(flows).toEqual([
      'ls_in_arp_rsp 100 p1 inport == "p1" && ((arp.op == 1 && arp.spa == 10.0.0.10 && arp.tpa == 10.0.0.10) || (arp.op == 2 && arp.spa == 10.0.0.10)) => bind_vport("vip", inport); next;',
      'ls_in_arp_rsp 100 p2 inport == "p2" && ((arp.op == 1 && arp.spa == 10.0.0.10 && arp.tpa == 10.0.0.10) || (arp.op == 2 && arp.spa == 10.0.0.10)) => bind_vport("vip", inport); next;',
    ]);
  });

  it('an IPv6 address is announced by NS or NA', () => {
    const { flows } = world({ 'virtual-ip': '1000::61d1', 'virtual-parents': 'p1' });
    expect(flows).toEqual([
      'ls_in_arp_rsp 100 p1 inport == "p1" && ((nd_ns && ip6.dst == {1000::61d1, ff02::1:ff00:61d1} && nd.target == 1000::61d1) ||(nd_na && nd.target == 1000::61d1)) => bind_vport("vip", inport); next;',
    ]);
  });

  it('needs both options and an address that parses', () => {
    expect(world({ 'virtual-ip': '10.0.0.10' }).flows).toEqual([]);
    expect(world({ 'virtual-ip': '10.0.0.300', 'virtual-parents': 'p1' }).flows).toEqual([]);
    expect(world({ 'virtual-parents': 'p1' }).flows).toEqual([]);
  });

  it("resolves on the router port holding the address: by ARP until bound, then to the parent's MAC", () => {
    const w = world({ 'virtual-ip': '10.0.0.10', 'virtual-parents': 'p1,p2' });
    expect(w.resolve(() => null)).toEqual(['outport == "lr0-sw0" && reg0 == 10.0.0.10 => 00:00:00:00:00:00']);
    expect(w.resolve(() => ({ parent: w.lsps.get('p2') }))).toEqual([
      'outport == "lr0-sw0" && reg0 == 10.0.0.10 => 50:54:00:00:00:04',
    ]);
    // Bound to a parent no switch port is (or one on another switch): nothing to resolve to.
    expect(w.resolve(() => ({ parent: undefined }))).toEqual([]);
    expect(w.resolve(() => ({ parent: w.lsps.get('q1') }))).toEqual([]);
  });

  it('reads its options only on virtual ports', () => {
    const w = world({ 'virtual-ip': '10.0.0.10', 'virtual-parents': 'p1' });
    expect(virtualIpOf(w.lsps.get('p1')!)).toBeNull();
    expect(virtualIpOf(w.lsps.get('vip')!)?.parents).toEqual(['p1']);
  });
});
