import { formatActions } from '@ovnts/openflow';
import { describe, expect, it } from 'vitest';
import { Compiler, type DatapathContext } from './compile.js';
import { parseActions } from './parse.js';
import type { Pipeline } from './tables.js';

const PORTS: Record<string, number> = { vm1: 1, vm2: 2, 'lr1-ls1': 1, 'ls1-lr1': 3, _MC_flood: 32768 };
const DHCP = new Map([
  ['offerip', { code: 0, type: 'ipv4' }],
  ['router', { code: 3, type: 'ipv4' }],
  ['lease_time', { code: 51, type: 'uint32' }],
  ['mtu', { code: 26, type: 'uint16' }],
  ['domain_name', { code: 15, type: 'str' }],
  ['domain_search_list', { code: 119, type: 'domains' }],
  ['classless_static_route', { code: 121, type: 'static_routes' }],
]);

function encode(
  actions: string,
  opts: { pipeline?: Pipeline; table?: number; isSwitch?: boolean; match?: string } = {},
): string {
  const groups: string[] = [];
  const dp: DatapathContext = {
    dpKey: 1,
    isSwitch: opts.isSwitch ?? true,
    lookupPort: (n) => PORTS[n],
    isChassisResident: () => true,
    groupId: (g) => groups.push(JSON.stringify(g, (_, v) => (typeof v === 'bigint' ? v.toString() : v))),
    meterId: (n) =>
      n === 'm1'
        ? 7
        : n ===
            '__string: uuid 00000001-0000-0000-0000-000000000000 kbps burst stats bands=type=drop rate=1000 burst_size=100'
          ? 9
          : undefined,
    dhcpOptions: DHCP,
    flowCollectorIds: new Set([5]),
  };
  const r = new Compiler().compile(
    {
      uuid: '00000001-0000-0000-0000-000000000000',
      pipeline: opts.pipeline ?? 'ingress',
      table: opts.table ?? 3,
      priority: 1,
      match: opts.match ?? '1',
      actions,
    },
    dp,
  );
  if (!r.ok) throw new Error(r.error.describe());
  return formatActions(r.value[0]!.actions);
}

describe('action encodings (as ovn-controller 23.03 installs them)', () => {
  it.each([
    ['next;', 'resubmit(,12)'],
    ['next(1);', 'resubmit(,9)'],
    ['next(pipeline=egress, table=2);', 'resubmit(,44)'],
    ['output;', 'resubmit(,37)'],
    ['drop;', 'drop'],
    ['reg0[3] = 1;', 'set_field:0x8000000000000000000000000/0x8000000000000000000000000->xxreg0'],
    [
      'xreg0[0..47] = 02:ac:10:ff:00:01;',
      'set_field:0x2ac10ff00010000000000000000/0xffffffffffff0000000000000000->xxreg0',
    ],
    ['reg8[0..15] = 0;', 'set_field:0/0xffff00000000->xreg4'],
    ['reg9[4] = 0;', 'set_field:0/0x10->xreg4'],
    ['outport = "vm2";', 'set_field:0x2->reg15'],
    ['outport = "nope";', 'set_field:0->reg15'],
    ['flags.loopback = 1;', 'set_field:0x1/0x1->reg10'],
    ['eth.src = 02:ac:10:ff:00:02;', 'set_field:02:ac:10:ff:00:02->eth_src'],
    ['arp.op = 2;', 'set_field:2->arp_op'],
    ['ip.ttl = 255;', 'set_field:255->nw_ttl'],
    ['reg0 = ip4.dst;', 'move:NXM_OF_IP_DST[]->NXM_NX_XXREG0[96..127]'],
    ['outport = inport;', 'move:NXM_NX_REG14[]->NXM_NX_REG15[]'],
    ['eth.dst <-> eth.src;', 'push:NXM_OF_ETH_SRC[],push:NXM_OF_ETH_DST[],pop:NXM_OF_ETH_SRC[],pop:NXM_OF_ETH_DST[]'],
    ['push(reg0); pop(reg1);', 'push:NXM_NX_XXREG0[96..127],pop:NXM_NX_XXREG0[64..95]'],
    ['ip.ttl--;', 'dec_ttl()'],
    ['ct_next;', 'ct(table=12,zone=NXM_NX_REG13[0..15])'],
    ['ct_commit;', 'ct(commit,zone=NXM_NX_REG13[0..15],nat(src))'],
    [
      'ct_commit { ct_mark.blocked = 1; };',
      'ct(commit,zone=NXM_NX_REG13[0..15],nat(src),exec(set_field:0x1/0x1->ct_mark))',
    ],
    ['ct_commit(ct_mark=0x2/0x2);', 'ct(commit,zone=NXM_NX_REG13[0..15],nat(src),exec(set_field:0x2/0x2->ct_mark))'],
    ['ct_lb_mark;', 'ct(table=12,zone=NXM_NX_REG13[0..15],nat)'],
    ['ct_commit_nat;', 'ct(commit,table=12,zone=NXM_NX_REG13[0..15],nat)'],
    ['ct_dnat;', 'ct(table=12,zone=NXM_NX_REG11[0..15],nat)'],
    ['ct_snat(172.16.0.1);', 'ct(commit,table=12,zone=NXM_NX_REG12[0..15],nat(src=172.16.0.1))'],
    ['ct_dnat(10.0.0.10, 8000-9000);', 'ct(commit,table=12,zone=NXM_NX_REG11[0..15],nat(dst=10.0.0.10:8000-9000))'],
    ['ct_clear;', 'ct_clear'],
    ['ct_snat_to_vip;', 'resubmit(,70)'],
    ['clone { outport = "vm1"; output; };', 'clone(set_field:0x1->reg15,resubmit(,37))'],
    [
      'reg0[15] = check_in_port_sec();',
      'set_field:0/0x1000->reg10,resubmit(,73),move:NXM_NX_REG10[12]->NXM_NX_XXREG0[111]',
    ],
    ['reg0[6] = chk_lb_hairpin();', 'set_field:0/0x80->reg10,resubmit(,68),move:NXM_NX_REG10[7]->NXM_NX_XXREG0[102]'],
    ['outport = get_fdb(eth.dst);', 'set_field:0->reg15,resubmit(,71)'],
    [
      'get_arp(outport, reg0);',
      'push:NXM_NX_REG0[],push:NXM_NX_XXREG0[96..127],pop:NXM_NX_REG0[],set_field:00:00:00:00:00:00->eth_dst,resubmit(,66),pop:NXM_NX_REG0[]',
    ],
    [
      'put_arp(inport, arp.spa, arp.sha);',
      'push:NXM_NX_REG0[],push:NXM_OF_ETH_SRC[],push:NXM_NX_ARP_SHA[],push:NXM_OF_ARP_SPA[],pop:NXM_NX_REG0[],pop:NXM_OF_ETH_SRC[],controller(userdata=00.00.00.01.00.00.00.00),pop:NXM_OF_ETH_SRC[],pop:NXM_NX_REG0[]',
    ],
    [
      'reg9[2] = lookup_arp(inport, arp.spa, arp.sha);',
      'push:NXM_NX_REG0[],push:NXM_OF_ETH_SRC[],push:NXM_NX_ARP_SHA[],push:NXM_OF_ARP_SPA[],pop:NXM_NX_REG0[],pop:NXM_OF_ETH_SRC[],set_field:0/0x40->reg10,resubmit(,67),move:NXM_NX_REG10[6]->OXM_OF_PKT_REG4[2],pop:NXM_OF_ETH_SRC[],pop:NXM_NX_REG0[]',
    ],
    ['handle_dhcpv6_reply;', 'controller(userdata=00.00.00.13.00.00.00.00)'],
    ['igmp;', 'controller(userdata=00.00.00.10.00.00.00.00)'],
    ['reg0[4] = dns_lookup();', 'controller(userdata=00.00.00.06.00.00.00.00.00.01.de.10.00.00.00.64,pause)'],
    [
      'log(name="a", severity=info, verdict=drop, meter="m1");',
      'controller(userdata=00.00.00.07.00.00.00.00.01.06.61,meter_id=7)',
    ],
    [
      'reg0[3] = put_dhcp_opts(offerip = 10.0.0.5, router = 10.0.0.1, lease_time = 3600, mtu = 1400, domain_name = "x");',
      'controller(userdata=00.00.00.02.00.00.00.00.00.01.de.10.00.00.00.63.0a.00.00.05.03.04.0a.00.00.01.33.04.00.00.0e.10.1a.02.05.78.0f.01.78,pause)',
    ],
    [
      // RFC 3397: "xyz.abc.com" ends in a pointer to "abc.com" at offset 0 of the option's value.
      'reg0[3] = put_dhcp_opts(offerip = 10.0.0.5, domain_search_list = "abc.com,xyz.abc.com");',
      'controller(userdata=00.00.00.02.00.00.00.00.00.01.de.10.00.00.00.63.0a.00.00.05.77.0f.03.61.62.63.03.63.6f.6d.00.03.78.79.7a.c0.00,pause)',
    ],
    [
      // Pointers into the middle of earlier names ("org" at 4, "ovn.test" at 0x15).
      'reg0[3] = put_dhcp_opts(offerip = 10.0.0.4, domain_search_list = "ovn.org,abc.ovn.org,def.ovn.org,ovn.test,def.ovn.test,test.org,abc.com");',
      'controller(userdata=00.00.00.02.00.00.00.00.00.01.de.10.00.00.00.63.0a.00.00.04.77.35.03.6f.76.6e.03.6f.72.67.00.03.61.62.63.c0.00.03.64.65.66.c0.00.03.6f.76.6e.04.74.65.73.74.00.03.64.65.66.c0.15.04.74.65.73.74.c0.04.03.61.62.63.03.63.6f.6d.00,pause)',
    ],
    [
      'arp { eth.dst = ff:ff:ff:ff:ff:ff; output; };',
      'controller(userdata=00.00.00.00.00.00.00.00.00.19.00.10.80.00.06.06.ff.ff.ff.ff.ff.ff.00.00.ff.ff.00.10.00.00.23.20.00.0e.ff.f8.25.00.00.00)',
    ],
    [
      // Copied from the real controller's flow: nested controller2 with userdata + pause, OF1.5 set_field/copy_field.
      'icmp4_error {reg9[0] = 1; reg9[1] = 0; eth.dst = 02:ac:10:ff:01:02; ip4.dst = ip4.src; ip4.src = 172.16.0.1; ip.ttl = 255; icmp4.type = 3; icmp4.code = 4; icmp4.frag_mtu = 1400; next(pipeline=ingress, table=0); };',
      'controller(userdata=00.00.00.0e.00.00.00.00.00.19.00.18.80.01.09.10.00.00.00.00.00.00.00.01.00.00.00.00.00.00.00.01.00.19.00.18.80.01.09.10.00.00.00.00.00.00.00.00.00.00.00.00.00.00.00.02.00.19.00.10.80.00.06.06.02.ac.10.ff.01.02.00.00.00.1c.00.18.00.20.00.00.00.00.00.00.80.00.16.04.80.00.18.04.00.00.00.00.00.19.00.10.80.00.16.04.ac.10.00.01.00.00.00.00.00.19.00.10.00.01.3a.01.ff.00.00.00.00.00.00.00.00.19.00.10.80.00.26.01.03.00.00.00.00.00.00.00.00.19.00.10.80.00.28.01.04.00.00.00.00.00.00.00.ff.ff.00.28.00.00.23.20.00.25.00.00.00.00.00.00.00.03.00.0e.00.00.00.0d.00.00.00.00.05.78.00.00.00.04.00.04.00.00.00.00.ff.ff.00.10.00.00.23.20.00.0e.ff.f8.08.00.00.00)',
    ],
    ['reg8[16..31] = select(1, 2=50);', 'group:1'],
    ['set_meter(1000, 100);', 'meter:9'],
    [
      'sample(probability=65535, collector_set=5, obs_domain=2, obs_point=$cookie);',
      'sample(probability=65535,collector_set_id=5,obs_domain_id=33554433,obs_point_id=1)',
    ],
    ['sample(probability=10, collector_set=6, obs_domain=2, obs_point=7);', 'drop'],
    [
      'reg1 = 10.0.0.100; ct_lb_mark(backends=10.0.0.1:80, [fd00::1]:80; hash_fields="ip_dst,ip_src"; skip_snat);',
      'set_field:0xa0000640000000000000000/0xffffffff0000000000000000->xxreg0,group:1',
    ],
  ])('%s', (actions, expected) => {
    expect(encode(actions)).toBe(expected);
  });

  it('uses the DNAT zone on routers and the egress output table', () => {
    expect(encode('ct_next;', { isSwitch: false })).toBe('ct(table=12,zone=NXM_NX_REG11[0..15])');
    expect(encode('output;', { pipeline: 'egress' })).toBe('resubmit(,64)');
  });

  it('adds action prerequisites to the match', () => {
    const r = parseActions('ct_next; tcp_reset { output; }; ip4.dst <-> ip4.src;', { pipeline: 'ingress', table: 0 });
    expect(r.ok && r.value.prereqs).toEqual(['ip', 'tcp', 'ip4', 'ip4']);
  });
});

describe('action errors', () => {
  it.each([
    ['next(29);', '"next" action cannot advance beyond table 28.'],
    ['next(pipeline=sideways);', 'Syntax error at `sideways\' expecting "ingress" or "egress".'],
    ['drop; next;', "Syntax error at `next' expecting end of input."],
    ['frobnicate;', "Syntax error at `frobnicate' expecting action."],
    ['next', "Syntax error at `end of input' expecting `;'."],
    ['eth.type = 0x800;', 'Field eth.type is not modifiable.'],
    ['ct_mark.blocked = 1;', 'Field ct_mark.blocked is not modifiable.'],
    ['ip4 = 1;', 'Predicate symbol ip4 used where lvalue required.'],
    ['reg0 <-> eth.src;', "Can't exchange 32-bit field with 48-bit field."],
    ['outport = reg0;', "Can't assign integer field (reg0) to string field (outport)."],
    ['reg0 = "vm1";', 'Integer field reg0 is not compatible with string constant.'],
    ['reg0 = 0x100000000;', '33-bit constant is not compatible with 32-bit field reg0.'],
    ['reg0 = lookup_arp(inport, arp.spa, arp.sha);', 'reg0 expected to be 1-bit field but is 32-bit.'],
    ['get_arp(outport, eth.src);', 'eth.src expected to be 32-bit field but is 48-bit.'],
    ['reg0[0] = put_dhcp_opts(router = 10.0.0.1);', 'put_dhcp_opts requires offerip to be specified.'],
    ['reg0[0] = put_dhcp_opts(offerip = 1.1.1.1, frob = 1);', "Syntax error at `frob' expecting DHCPv4 option name."],
    ['ct_lb(backends=10.0.0.1:99999);', "Syntax error at `99999' expecting small integer."],
    ['ct_lb(backends=[10.0.0.1]);', "Syntax error at `10.0.0.1' expecting IPv6 address."],
    ['ct_snat(foo);', "Syntax error at `foo' expecting IPv4 or IPv6 address."],
    ['ct_dnat(1.1.1.1, 9-5);', "Syntax error at `5' range high should be greater than range low."],
    ['reg0 = ;', "Syntax error at `;' expecting constant."],
    ['reg0 == 1;', "Syntax error at `reg0' expecting action."],
    ['reg0[1] == 1;', "Syntax error at `==' expecting `=' or `<->'."],
    ['clone { '.repeat(33) + '}; '.repeat(33), 'maximum depth of nested actions reached'],
  ])('%s', (actions, msg) => {
    const r = parseActions(actions, { pipeline: 'ingress', table: 3, dhcpOptions: DHCP });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.message).toBe(msg);
      expect(r.error.pos).toBeGreaterThanOrEqual(0);
      expect(r.error.pos).toBeLessThanOrEqual(actions.length);
    }
  });
});
