import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildClasses, traceFlow } from './classes.js';
import { parseDump } from './dump.js';
import { sbContextFromJson } from './sb.js';
import { buildTopology, linkLocal, localPorts, parseAddresses } from './topology.js';

const fx = (n: string) => readFileSync(new URL(`../fixtures/${n}`, import.meta.url), 'utf8');
const dump = parseDump(fx('lab-flows.txt'));
const sb = sbContextFromJson(fx('lab-sb.json'));

describe('topology and traffic classes', () => {
  it('finds local VIFs (ofport → datapath, port key) in table 0', () => {
    const { local } = localPorts(dump.flows);
    expect(local.map((l) => [l.ofport, l.dpKey, l.portKey])).toEqual([
      [1, 1, 1],
      [3, 1, 2],
      [4, 2, 1],
    ]);
  });

  it('names ports and routers from SB and builds the classes per VIF', () => {
    const topo = buildTopology(dump.flows, sb);
    expect(topo.byName.get('vm1')).toMatchObject({ ofport: 1, dpName: 'ls1', type: '' });
    expect(topo.byName.get('lr1-ls1')!.ips[0]!.prefix).toBe(24);
    const classes = buildClasses(topo);
    // ls1 has an LB but no ACLs: no acl-conntrack class.
    expect(classes.filter((c) => c.port === 'vm1').map((c) => c.id)).toEqual([
      'l2',
      'arp-vm',
      'nd-vm',
      'arp-router',
      'icmp-router',
      'nd-router',
      'routed',
      'snat-out',
      'oversize',
      'unresolved-nexthop',
      'lb-vip',
      'dhcp',
      'broadcast',
      'multicast',
    ]);
    // vm3 is alone on ls2 and its switch has no LB.
    expect(classes.filter((c) => c.port === 'vm3').map((c) => c.id)).toEqual([
      'arp-router',
      'icmp-router',
      'nd-router',
      'routed',
      'snat-out',
      'oversize',
      'unresolved-nexthop',
      'dhcp',
      'broadcast',
      'multicast',
    ]);
    const snat = classes.find((c) => c.port === 'vm1' && c.id === 'snat-out')!;
    expect(snat.description).toMatch(/via distributed gateway port lr1-pub, out pub-ln, SNAT to 172\.16\.0\.1/);
    // The un-SNAT return enters from the localnet port (patch port 2, untagged) to the SNAT address.
    expect(traceFlow(snat.reply!)).toBe(
      'udp,in_port=2,dl_src=02:00:00:00:00:50,dl_dst=02:ac:10:ff:00:03,nw_src=172.16.0.50,nw_dst=172.16.0.1,nw_ttl=64,udp_src=5000,udp_dst=40000',
    );
    expect(classes.find((c) => c.port === 'vm1' && c.id === 'unresolved-nexthop')!.description).toMatch(
      /→ 172\.16\.0\.254/,
    );
    expect(traceFlow(classes.find((c) => c.port === 'vm1' && c.id === 'broadcast')!.packet)).toMatch(
      /nw_dst=192\.168\.100\.255/,
    );
    const routed = classes.find((c) => c.port === 'vm1' && c.id === 'routed')!;
    expect(routed.description).toBe('routed to another switch: → vm3 tcp:80 via lr1-ls1');
    expect(traceFlow(routed.packet)).toBe(
      'tcp,in_port=1,dl_src=02:ac:10:ff:00:11,dl_dst=02:ac:10:ff:00:01,nw_src=192.168.100.10,nw_dst=192.168.200.10,nw_ttl=64,tcp_src=40000,tcp_dst=80',
    );
    const nd = classes.find((c) => c.port === 'vm1' && c.id === 'nd-router')!;
    expect(traceFlow(nd.packet)).toBe(
      'icmp6,in_port=1,dl_src=02:ac:10:ff:00:11,dl_dst=33:33:ff:ff:00:01,ipv6_src=fe80:0:0:0:ac:10ff:feff:11,ipv6_dst=ff02:0:0:0:0:1:ffff:1,nw_ttl=255,icmpv6_type=135,icmpv6_code=0,nd_target=fe80:0:0:0:ac:10ff:feff:1,nd_sll=02:ac:10:ff:00:11',
    );
    const arp = classes.find((c) => c.port === 'vm1' && c.id === 'arp-router')!;
    expect(traceFlow(arp.packet)).toBe(
      'arp,in_port=1,dl_src=02:ac:10:ff:00:11,dl_dst=ff:ff:ff:ff:ff:ff,arp_spa=192.168.100.10,arp_tpa=192.168.100.1,arp_op=1,arp_sha=02:ac:10:ff:00:11',
    );
  });

  it('address strings', () => {
    expect(parseAddresses('02:ac:10:ff:00:01 192.168.100.1/24 fd00::1/64')).toEqual({
      mac: 0x02ac10ff0001n,
      ips: [{ ip: 0xc0a86401n, prefix: 24 }],
      ip6s: [{ ip: 0xfd000000000000000000000000000001n, prefix: 64 }],
    });
    expect(parseAddresses('router')).toEqual({ ips: [], ip6s: [] });
    expect(linkLocal(0x02ac10ff0001n)).toBe(0xfe8000000000000000ac10fffeff0001n);
  });
});
