// Parity for NAT and load balancing on routers, on the configurations of ovn-northd.at's router NAT
// cases: NAT rules limited by allowed/exempted external address sets (on a gateway router and on a
// distributed gateway port), force-SNAT address lists, ARP/ND responders for NAT and VIP addresses.
import { describe, expect, it } from 'vitest';
import { routerPortArgs, useSandbox } from '@ovnts/test-harness';
import { formatFlowDiff, runParityCase, type ParityCase } from '@ovnts/northd/testing';

type Case = Pick<ParityCase, 'name' | 'nbctl' | 'sbctl'>;

const CASES: readonly Case[] = [
  {
    // ovn-northd.at "check allowed/disallowed external dnat, snat and dnat_and_snat rules".
    name: 'nat-ext-ips',
    sbctl: [['chassis-add', 'gw1', 'geneve', '127.0.0.1']],
    nbctl: [
      ['lr-add', 'DR'],
      ['lrp-add', 'DR', 'DR-S1', '02:ac:10:01:00:01', '172.16.1.1/24'],
      ['lr-add', 'CR'],
      ['set', 'Logical_Router', 'CR', 'options:chassis=gw1'],
      ['lrp-add', 'CR', 'CR-S2', '02:ac:10:01:00:01', '172.16.1.1/24'],
      ['ls-add', 'S1'],
      routerPortArgs('S1', 'S1-DR', 'DR-S1'),
      ['ls-add', 'S2'],
      routerPortArgs('S2', 'S2-CR', 'CR-S2'),
      ['lrp-set-gateway-chassis', 'DR-S1', 'gw1'],
      ['create', 'Address_Set', 'name=allowed_range', 'addresses="1.1.1.1"'],
      ['create', 'Address_Set', 'name=disallowed_range', 'addresses="2.2.2.2"'],
      ...['DR', 'CR'].flatMap((r) => [
        ['lr-nat-add', r, 'snat', '172.16.1.1', '50.0.0.11'],
        ['lr-nat-update-ext-ip', r, 'snat', '50.0.0.11', 'allowed_range'],
        ['lr-nat-add', r, 'snat', '172.16.1.1', '50.0.0.12'],
        ['--is-exempted', 'lr-nat-update-ext-ip', r, 'snat', '50.0.0.12', 'disallowed_range'],
        ['lr-nat-add', r, 'dnat_and_snat', '172.16.1.2', '50.0.0.13'],
        ['lr-nat-update-ext-ip', r, 'dnat_and_snat', '172.16.1.2', 'allowed_range'],
        ['lr-nat-add', r, 'dnat_and_snat', '172.16.1.3', '50.0.0.14'],
        ['--is-exempted', 'lr-nat-update-ext-ip', r, 'dnat_and_snat', '172.16.1.3', 'disallowed_range'],
        ['--stateless', 'lr-nat-add', r, 'dnat_and_snat', '172.16.1.4', '50.0.0.15'],
        ['lr-nat-update-ext-ip', r, 'dnat_and_snat', '172.16.1.4', 'allowed_range'],
        ['--stateless', 'lr-nat-add', r, 'dnat_and_snat', '172.16.1.5', '50.0.0.16'],
        ['--is-exempted', 'lr-nat-update-ext-ip', r, 'dnat_and_snat', '172.16.1.5', 'disallowed_range'],
        ['lr-nat-add', r, 'dnat', '172.16.1.6', '50.0.0.17'],
        ['--is-exempted', 'lr-nat-update-ext-ip', r, 'dnat', '172.16.1.6', 'disallowed_range'],
      ]),
    ],
  },
  {
    // "DNAT force snat IP" and "Load Balancers and lb_force_snat_ip for Gateway Routers".
    name: 'force-snat-ips',
    nbctl: [
      ['lr-add', 'lr0'],
      ['lrp-add', 'lr0', 'lr0-public', '00:00:01:01:02:04', '192.168.2.1/24'],
      ['lrp-add', 'lr0', 'lr0-join', '00:00:01:01:02:04', '10.10.0.1/24'],
      ['set', 'logical_router', 'lr0', 'options:chassis=ch1', 'options:dnat_force_snat_ip=192.168.2.3'],
      ['lr-nat-add', 'lr0', 'dnat', '192.168.2.2', '10.0.0.5'],
      ...['lr1', 'lr2'].flatMap((lr) => [
        ['ls-add', `${lr}-sw0`],
        ['ls-add', `${lr}-sw1`],
        ['lr-add', lr],
        ['lrp-add', lr, `${lr}-p0`, '00:00:00:00:ff:01', '10.0.0.1/24'],
        routerPortArgs(`${lr}-sw0`, `${lr}-sw0-lr`, `${lr}-p0`),
        ['lrp-add', lr, `${lr}-p1`, '00:00:00:00:ff:02', '20.0.0.1/24', 'bef0::1/64'],
        routerPortArgs(`${lr}-sw1`, `${lr}-sw1-lr`, `${lr}-p1`),
        ['set', 'logical_router', lr, 'options:chassis=ch1'],
      ]),
      ['lb-add', 'lb1', '10.0.0.10:80', '10.0.0.4:8080'],
      ['lb-add', 'lb2', '10.0.0.20:80', '10.0.0.40:8080'],
      ['set', 'load_balancer', 'lb2', 'options:skip_snat=true'],
      ['lr-lb-add', 'lr1', 'lb1'],
      ['lr-lb-add', 'lr1', 'lb2'],
      ['lr-lb-add', 'lr2', 'lb1'],
      ['set', 'logical_router', 'lr1', 'options:lb_force_snat_ip="20.0.0.4 aef0::4"'],
      ['set', 'logical_router', 'lr2', 'options:lb_force_snat_ip=router_ip'],
      // A distributed router with a force-SNAT address: its balancers mark connections too.
      ['lr-add', 'lr3'],
      ['lrp-add', 'lr3', 'lr3-p0', '00:00:00:00:ff:03', '30.0.0.1/24'],
      ['lr-lb-add', 'lr3', 'lb1'],
      ['set', 'logical_router', 'lr3', 'options:lb_force_snat_ip=30.0.0.1'],
    ],
  },
  {
    // "check router ARP/NS responder": ARP/ND for NAT addresses and reachable VIPs (neighbor_responder).
    name: 'arp-nd-responder',
    sbctl: [['chassis-add', 'ch', 'geneve', '127.0.0.1']],
    nbctl: [
      ['lr-add', 'lr'],
      ['lrp-add', 'lr', 'lrp-public', '00:00:00:00:01:00', '43.43.43.1/24', '4343::1/64'],
      ['lrp-add', 'lr', 'lrp', '00:00:00:00:00:01', '42.42.42.1/24'],
      ['ls-add', 'ls'],
      routerPortArgs('ls', 'ls-rp', 'lrp'),
      ['lsp-add', 'ls', 'ls-vm'],
      ['set', 'logical_router', 'lr', 'options:chassis=ch'],
      ['lr-nat-add', 'lr', 'dnat_and_snat', '43.43.43.2', '42.42.42.2'],
      ['lr-nat-add', 'lr', 'dnat', '43.43.43.3', '42.42.42.3'],
      ['lr-nat-add', 'lr', 'dnat_and_snat', '43.43.43.4', '42.42.42.4', 'ls-vm', '00:00:00:00:00:02'],
      // More floating IPs: their MACs are listed in ovn-northd's hash order.
      ...[3, 4, 5, 6, 7].flatMap((i) => [
        ['lsp-add', 'ls', `ls-vm${i}`],
        [
          'lr-nat-add',
          'lr',
          'dnat_and_snat',
          `43.43.43.${i + 2}`,
          `42.42.42.${i + 2}`,
          `ls-vm${i}`,
          `00:00:00:00:0${i}:0${i}`,
        ],
      ]),
      ['lr-nat-add', 'lr', 'snat', '43.43.43.150', '43.43.43.50'],
      ['lr-nat-add', 'lr', 'snat', '43.43.43.150', '43.43.43.51'],
      ['lb-add', 'lb1', '192.168.2.1:8080', '10.0.0.4:8080'],
      ['lb-add', 'lb2', '192.168.2.4:8080', '10.0.0.5:8080', 'udp'],
      ['lb-add', 'lb3', '192.168.2.5:8080', '10.0.0.6:8080'],
      ['lb-add', 'lb4', '192.168.2.6:8080', '10.0.0.7:8080'],
      ['lb-add', 'lb5', '[fe80::200:ff:fe00:101]:8080', '[fe02::200:ff:fe00:101]:8080'],
      ['lb-add', 'lb5', '[fe80::200:ff:fe00:102]:8080', '[fe02::200:ff:fe00:102]:8080'],
      ['lb-add', 'lb6', '43.43.43.43:8080', '10.0.0.8:8080', 'udp'],
      ['lb-add', 'lb7', '[4343::4343]:8080', '[10::10]:8080', 'udp'],
      ['lb-add', 'lb8', '44.44.44.44:8080', '10.0.0.8:8080', 'udp'],
      ['set', 'Load_Balancer', 'lb8', 'options:neighbor_responder=all'],
      ['lb-add', 'lb9', '[4444::4444]:8080', '[10::10]:8080', 'udp'],
      ['set', 'Load_Balancer', 'lb9', 'options:neighbor_responder=all'],
      ['lb-add', 'lb10', '55.55.55.55:8080', '10.0.0.8:8080', 'udp'],
      ['set', 'Load_Balancer', 'lb10', 'options:neighbor_responder=none'],
      ['lb-add', 'lb11', '[5555::5555]:8080', '[10::10]:8080', 'udp'],
      ['set', 'Load_Balancer', 'lb11', 'options:neighbor_responder=none'],
      ...Array.from({ length: 11 }, (_, i) => ['lr-lb-add', 'lr', `lb${i + 1}`]),
    ],
  },
];

describe('parity: router NAT and load balancing', () => {
  const sandbox = useSandbox();
  it.each(CASES.map((c) => [c.name, c] as const))('%s: identical flows', async (_name, c) => {
    const r = await runParityCase(sandbox(), { ...c, packets: [] });
    console.log(formatFlowDiff(c.name, r));
    expect(r.compiled.diagnostics).toEqual([]);
    expect({ missing: r.missing, extra: r.extra }).toEqual({ missing: [], extra: [] });
    expect(r.bindings.ours).toEqual(r.bindings.real);
  });
});
