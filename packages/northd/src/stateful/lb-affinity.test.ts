// Load balancer affinity flows (options:affinity_timeout), as ovn-northd 23.03 writes them.
import { describe, expect, it } from 'vitest';
import type { LoadBalancer, LogicalRouter } from '@ovnts/schema/nb';
import { schema } from '@ovnts/schema/nb';
import { Diagnostics } from '../diagnostics.js';
import { makeRow } from '../testing/rows.js';
import { buildRouterLbAffinityFlows, buildSwitchLbAffinityFlows, lbAffinityTimeout } from './lb-affinity.js';
import { parseLb } from './lb-vip.js';

const lb = (vips: Record<string, string>, options: Record<string, string>, protocol = 'tcp') =>
  parseLb(
    makeRow<LoadBalancer>(
      schema,
      'Load_Balancer',
      { name: 'lb', vips, options, protocol: protocol as 'tcp' },
      'a0000000-0000-4000-8000-000000000001',
    ),
    new Diagnostics(),
  );

const flows = (build: (add: (st: string, prio: number, m: string, a: string) => void) => void) => {
  const out: string[] = [];
  build((st, prio, m, a) => out.push(`${st} ${prio} ${m} => ${a}`));
  return out;
};

const router = (options: Record<string, string>) => ({
  nb: makeRow<LogicalRouter>(schema, 'Logical_Router', { name: 'R', options }, 'b0000000-0000-4000-8000-000000000001'),
});

describe('lb affinity', () => {
  it('reads affinity_timeout as an unsigned number, cut to 65535', () => {
    const t = (v: string) => lbAffinityTimeout({ options: { affinity_timeout: v } });
    expect([t('60'), t(' 60'), t('+7'), t('70000'), t('-5'), t('60s'), t(''), t('0')]).toEqual([
      60, 60, 7, 65535, 0, 0, 0, 0,
    ]);
    expect(lbAffinityTimeout({ options: {} })).toBe(0);
  });

  it('a switch checks, reuses and learns per backend; IPv6 without a port', () => {
    const l = lb({ 'fd10::11': 'fd00::4,fd00::5' }, { affinity_timeout: '30' });
    expect(flows((add) => buildSwitchLbAffinityFlows(l, add))).toEqual([
      'ls_in_lb_aff_check 100 ct.new && ip6 && xxreg1 == fd10::11 => reg9[6] = chk_lb_aff(); next;',
      'ls_in_lb_aff_learn 100 reg9[6] == 0 && ct.new && ip6 && xxreg1 == fd10::11 && ip6.dst == fd00::4 => commit_lb_aff(vip = "fd10::11", backend = "fd00::4", timeout = 30); /* drop */',
      'ls_in_lb 150 reg9[6] == 1 && ct.new && ip6 && xxreg0 == fd00::4 => reg0[1] = 0; xxreg1 = fd10::11; ct_lb_mark(backends=fd00::4);',
      'ls_in_lb_aff_learn 100 reg9[6] == 0 && ct.new && ip6 && xxreg1 == fd10::11 && ip6.dst == fd00::5 => commit_lb_aff(vip = "fd10::11", backend = "fd00::5", timeout = 30); /* drop */',
      'ls_in_lb 150 reg9[6] == 1 && ct.new && ip6 && xxreg0 == fd00::5 => reg0[1] = 0; xxreg1 = fd10::11; ct_lb_mark(backends=fd00::5);',
    ]);
  });

  it('a router forcing SNAT marks reused connections force_snat even for a skip_snat balancer', () => {
    const l = lb({ '[fd10::10]:8080': '[fd00::2]:80' }, { affinity_timeout: '60', skip_snat: 'true' }, 'udp');
    expect(
      flows((add) => buildRouterLbAffinityFlows(router({ chassis: 'hv1', lb_force_snat_ip: 'router_ip' }), l, add)),
    ).toEqual([
      'lr_in_lb_aff_check 100 ct.new && !ct.rel && ip6 && ip6.dst == fd10::10 && udp && udp.dst == 8080 => xxreg0 = ip6.dst; reg9[16..31] = udp.dst; reg9[6] = chk_lb_aff(); next;',
      'lr_in_lb_aff_learn 100 reg9[6] == 0 && ct.new && ip6 && xxreg0 == fd10::10 && reg9[16..31] == 8080 && ip6.dst == fd00::2 && udp.dst == 80 => commit_lb_aff(vip = "[fd10::10]:8080", backend = "[fd00::2]:80", proto = udp, timeout = 60); /* drop */',
      'lr_in_dnat 150 reg9[6] == 1 && ct.new && ip6 && xxreg1 == fd00::2 && reg8[0..15] == 80 => xxreg0 = fd10::10; flags.force_snat_for_lb = 1; ct_lb_mark(backends=[fd00::2]:80; force_snat);',
    ]);
    // Without force SNAT on the router, skip_snat applies.
    expect(flows((add) => buildRouterLbAffinityFlows(router({}), l, add))[2]).toContain(
      'flags.skip_snat_for_lb = 1; ct_lb_mark(backends=[fd00::2]:80; skip_snat);',
    );
  });
});
