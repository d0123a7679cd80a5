// LB hairpin flows (pure): a VIP with a port learns the L4 protocol and ports; a VIP without one learns the
// IP protocol of the request (NXM_OF_IP_PROTO[]).
import { describe, expect, it } from 'vitest';
import { formatFlow } from '@ovnts/openflow';
import type { DatapathBinding, LoadBalancer } from '@ovnts/schema/sb';
import type { Uuid } from 'ovsdb-client-ts';
import { hairpinSnatIps, lbHairpinFlows } from './lb-hairpin.js';

const DP = 'd0000000-0000-4000-8000-000000000000' as Uuid<'Datapath_Binding'>;
const lb = {
  _uuid: '1b000000-0000-4000-8000-000000000000' as Uuid<'Load_Balancer'>,
  _version: '00000000-0000-4000-8000-000000000000' as Uuid<string>,
  name: 'lb',
  external_ids: {},
  datapaths: [DP],
  datapath_group: null,
  protocol: 'tcp',
  options: { hairpin_orig_tuple: 'true' },
  vips: { '88.88.88.88:8080': '42.42.42.1:4041', '88.88.88.89': '42.42.42.2' },
} as LoadBalancer;
const sb = {
  Load_Balancer: new Map([[lb._uuid, lb]]),
  SB_Global: new Map(),
  Logical_DP_Group: new Map(),
} as Parameters<typeof lbHairpinFlows>[1];
const view = { localDps: new Map([[DP, { _uuid: DP } as DatapathBinding]]) } as Parameters<typeof lbHairpinFlows>[0];

describe('lbHairpinFlows', () => {
  it('learns ports for a VIP with a port and the IP protocol for one without', () => {
    const t68 = lbHairpinFlows(view, sb)
      .map(formatFlow)
      .filter((f) => f.includes('table=68'));
    expect(t68.find((f) => f.includes('reg1=0x58585858'))).toContain('nw_proto=6,NXM_OF_TCP_SRC[]=NXM_OF_TCP_DST[]');
    expect(t68.find((f) => f.includes('reg1=0x58585859'))).toContain('ip_dst=88.88.88.89,NXM_OF_IP_PROTO[],load:');
  });

  it('without hairpin_orig_tuple (an older northd) matches the conntrack original tuple under +trk+dnat', () => {
    const old = { ...lb, options: {} } as LoadBalancer;
    const flows = lbHairpinFlows(view, { ...sb, Load_Balancer: new Map([[old._uuid, old]]) }).map(formatFlow);
    const t68 = flows.filter((f) => f.includes('table=68'));
    const t70 = flows.filter((f) => f.includes('table=70'));
    expect(flows.some((f) => f.includes('reg1=') || f.includes('reg2='))).toBe(false);
    const withPort = t68.find((f) => f.includes('ct_nw_dst=88.88.88.88'));
    expect(withPort).toMatch(/ct_state=\+trk\+dnat/);
    expect(withPort).toMatch(/ct_nw_proto=6/);
    expect(withPort).toMatch(/ct_tp_dst=8080/);
    expect(withPort).toMatch(/tp_dst=4041/);
    expect(t70.find((f) => f.includes('ct_nw_dst=88.88.88.89'))).toMatch(/priority=90,.*ct_state=\+trk\+dnat/);
    expect(t70.find((f) => f.includes('ct_nw_dst=88.88.88.88'))).toMatch(/priority=100,.*ct_tp_dst=8080/);
  });

  it('hairpin_snat_ip: the reply is learned to that address, and table 70 SNATs to it per local datapath', () => {
    const dp2 = 'd2000000-0000-4000-8000-000000000000' as Uuid<'Datapath_Binding'>;
    const snat = {
      ...lb,
      datapaths: [DP, dp2],
      options: { hairpin_orig_tuple: 'true', hairpin_snat_ip: '88.88.88.87 8800::0087' },
      vips: { '88.88.88.88:8080': '42.42.42.1:4041', '[8800::88]:8080': '[4200::1]:4041' },
    } as LoadBalancer;
    const local = { localDps: new Map([[DP, { _uuid: DP, tunnel_key: 5 } as DatapathBinding]]) } as typeof view;
    const flows = lbHairpinFlows(local, { ...sb, Load_Balancer: new Map([[snat._uuid, snat]]) }).map(formatFlow);
    const t68 = flows.filter((f) => f.includes('table=68'));
    const t70 = flows.filter((f) => f.includes('table=70'));
    expect(t68.find((f) => f.includes('reg1='))).toContain('ip_dst=88.88.88.87,');
    expect(t68.find((f) => f.includes('tcp6'))).toContain('ipv6_dst=8800::87,');
    expect(t70).toHaveLength(2); // one per VIP and local datapath (dp2 is not local)
    expect(t70.find((f) => f.includes('reg1='))).toMatch(/priority=200,.*metadata=0x5.*nat\(src=88\.88\.88\.87\)/);
    expect(t70.find((f) => f.includes('tcp6'))).toMatch(/priority=200,.*metadata=0x5.*nat\(src=\[?8800::87\]?\)/);
  });

  it('a malformed hairpin_snat_ip voids the option; one family only leaves the other on the VIP', () => {
    expect(hairpinSnatIps('88.88.88.87 nonsense')).toEqual({});
    expect(hairpinSnatIps(' 88.88.88.87  1.2.3.4 ')).toEqual({ v4: '88.88.88.87' });
    expect(hairpinSnatIps(undefined)).toEqual({});
  });
});
