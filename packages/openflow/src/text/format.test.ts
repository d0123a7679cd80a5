import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatFlow, parseFlow } from '../index.js';

const corpus = readFileSync(new URL('../../fixtures/flows.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter(Boolean);

describe('text format', () => {
  for (const line of corpus) {
    it(line.slice(0, 60), () => {
      expect(formatFlow(parseFlow(line))).toBe(line);
    });
  }
});

describe('parser input spellings', () => {
  const cases: Array<[string, string]> = [
    [
      'table=0,priority=5,tcp,in_port=1,dl_src=00:00:00:00:00:01,nw_dst=10.0.0.0/24,tp_dst=80 actions=output:2',
      'priority=5,tcp,in_port=1,dl_src=00:00:00:00:00:01,nw_dst=10.0.0.0/24,tp_dst=80 actions=output:2',
    ],
    [
      'priority=5,udp6,tp_src=53 actions=load:0x5->NXM_NX_REG0[0..7],load:0x1->NXM_NX_REG1[]',
      'priority=5,udp6,tp_src=53 actions=set_field:0x5/0xff->reg0,set_field:0x1->reg1',
    ],
    [
      'priority=5,arp,nw_src=10.0.0.1,arp_op=2 actions=strip_vlan,CONTROLLER:65535',
      'priority=5,arp,arp_spa=10.0.0.1,arp_op=2 actions=pop_vlan,CONTROLLER:65535',
    ],
    [
      'priority=5,icmp6,icmp_type=135 actions=resubmit:3,LOCAL',
      'priority=5,icmp6,icmp_type=135 actions=resubmit:3,LOCAL',
    ],
    [
      'priority=5,ip,nw_tos=16,dl_vlan=7,dl_vlan_pcp=3 actions=drop',
      'priority=5,ip,dl_vlan=7,dl_vlan_pcp=3,nw_tos=16 actions=drop',
    ],
    ['priority=32768,xxreg0=0x1/0x1 actions=drop', 'reg3=0x1/0x1 actions=drop'],
    // dec_ttl() (no controller ids, as OVN installs it) stays distinct from dec_ttl = dec_ttl(0).
    ['priority=1 actions=dec_ttl(),dec_ttl(0),dec_ttl(3)', 'priority=1 actions=dec_ttl(),dec_ttl,dec_ttl(3)'],
    ['priority=1 actions=note:01.02.03', 'priority=1 actions=note:01.02.03.00.00.00'],
    [
      'priority=1 actions=note:01.02.03.04.05.06.07',
      'priority=1 actions=note:01.02.03.04.05.06.07.00.00.00.00.00.00.00',
    ],
  ];
  for (const [input, canonical] of cases) {
    it(input.slice(0, 60), () => expect(formatFlow(parseFlow(input))).toBe(canonical));
  }

  it('reports syntax errors with a typed error', async () => {
    const { FlowSyntaxError } = await import('./parse.js');
    for (const bad of [
      'priority=5',
      'priority=5,foo=1 actions=drop',
      'actions=bogus',
      'actions=ct(commit',
      'actions=output:1,drop',
      'nw_src=1.2.3 actions=drop',
    ])
      expect(() => parseFlow(bad), bad).toThrow(FlowSyntaxError);
  });
});
