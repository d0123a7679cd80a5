// Chassis MACs and bridged redirects (pure): a router (key 3) with a gateway port whose chassisredirect port
// (redirect-type=bridged) lives on hv3, its external switch (key 2) on VLAN 1000 through a localnet port, and
// the flows hv1 (chassis MAC aa:bb:cc:dd:ee:11) builds for it.
import { describe, expect, it } from 'vitest';
import { formatFlow } from '@ovnts/openflow';
import { bridgedFlows, parseChassisMacMappings } from './chassis-mac.js';
import { physicalFlows } from './physical.js';
import { buildLocalView } from './view.js';
import { pb as row, snapshot, U, type AnyRow } from './test-rows.js';

// Port bindings here carry an empty mac column unless given one.
const pb = (n: number, name: string, dp: string, key: number, extra: Partial<AnyRow> = {}): AnyRow =>
  row(n, name, dp, key, { mac: [], ...extra });

const LS1 = U(0x100);
const EXT = U(0x101);
const LR = U(0x200);
const HV1 = U(0x300);
const HV3 = U(0x303);
const macs = (m: string) => ({ 'ovn-chassis-mac-mappings': `phys:${m}` });
const rows: Record<string, AnyRow[]> = {
  Chassis: [
    { _uuid: HV1, name: 'hv1', encaps: [], other_config: macs('aa:bb:cc:dd:ee:11') },
    { _uuid: HV3, name: 'hv3', encaps: [], other_config: macs('aa:bb:cc:dd:ee:33') },
  ],
  Datapath_Binding: [
    { _uuid: LS1, tunnel_key: 1, external_ids: { 'logical-switch': 'ls1' } },
    { _uuid: EXT, tunnel_key: 2, external_ids: { 'logical-switch': 'ext' } },
    { _uuid: LR, tunnel_key: 3, external_ids: { 'logical-router': 'r' } },
  ],
  Port_Binding: [
    pb(0x1, 'vm1', LS1, 1, { chassis: HV1, mac: ['f0:00:00:00:00:01 192.168.1.1'] }),
    pb(0x2, 'ls1-r', LS1, 2, { type: 'patch', options: { peer: 'r-ls1' } }),
    pb(0x3, 'r-ls1', LR, 1, { type: 'patch', options: { peer: 'ls1-r' }, mac: ['00:00:01:01:02:03 192.168.1.3/24'] }),
    pb(0x4, 'r-ext', LR, 2, { type: 'patch', options: { peer: 'ext-r' }, mac: ['00:00:01:01:02:07 172.31.0.1/24'] }),
    pb(0x5, 'ext-r', EXT, 1, { type: 'patch', options: { peer: 'r-ext' } }),
    pb(0x6, 'ln-ext', EXT, 2, { type: 'localnet', tag: 1000, options: { network_name: 'phys' } }),
    pb(0x7, 'cr-r-ext', LR, 3, {
      type: 'chassisredirect',
      chassis: HV3,
      options: { 'distributed-port': 'r-ext', 'redirect-type': 'bridged' },
      mac: ['00:00:01:01:02:07 172.31.0.1/24'],
    }),
  ],
};
const sb = snapshot(rows);
const ifaces = [
  { name: 'vif1', ofport: 11, type: '', ifaceId: 'vm1' },
  { name: 'patch-ln-ext', ofport: 5, type: 'patch', localnetPort: 'ln-ext' },
  { name: 'ovn-hv3-0', ofport: 9, type: 'geneve', tunnelChassis: 'hv3' },
];

describe('chassis MACs and bridged redirects', () => {
  const view = buildLocalView(sb, 'hv1', ifaces);
  const ctx = { view, sb, zone: () => 0 };
  const flows = bridgedFlows(ctx).map(formatFlow);
  const has = (re: RegExp) => flows.filter((f) => re.test(f));

  it('parses ovn-chassis-mac-mappings, skipping malformed entries', () => {
    expect([...parseChassisMacMappings('phys:aa:bb:cc:dd:ee:01, other:zz,x')]).toEqual([['phys', 'aa:bb:cc:dd:ee:01']]);
  });

  it('sends output to a bridged gateway port on another chassis through the external localnet port', () => {
    const [f, ...more] = has(/table=40,/);
    expect(more).toEqual([]);
    expect(f).toMatch(/reg15=0x3,metadata=0x3/);
    expect(f).toMatch(/set_field:00:00:01:01:02:07->eth_src/);
    expect(f).toMatch(/0x2->metadata/);
    expect(f).toMatch(/0x2->NXM_NX_REG15\[\]|0x2->reg15/);
    expect(f).toMatch(/resubmit\(,65\)/);
    // …and not through the tunnel.
    const all = physicalFlows(ctx).map(formatFlow);
    expect(all.some((x) => /table=39,.*reg15=0x3,metadata=0x3/.test(x))).toBe(false);
  });

  it('replaces the router port MAC by the chassis MAC on localnet output, VLAN pushed, and restores it', () => {
    const out = has(/table=65, priority=150,/);
    expect(out.length).toBe(1);
    expect(out[0]).toMatch(/dl_src=00:00:01:01:02:07/);
    expect(out[0]).toContain(
      'actions=set_field:aa:bb:cc:dd:ee:11->eth_src,push_vlan:0x8100,set_field:5096->vlan_vid,output:5,' +
        'set_field:00:00:01:01:02:07->eth_src,pop_vlan',
    );
  });

  it('maps a remote chassis MAC arriving on the localnet port back to the router port MAC (conjunction)', () => {
    // Table 0 flows print without a table.
    expect(has(/^cookie=0x303, priority=180,dl_src=aa:bb:cc:dd:ee:33 actions=conjunction\(100,1\/2\)$/).length).toBe(1);
    expect(has(/dl_src=aa:bb:cc:dd:ee:11/).filter((f) => !f.includes('table=')).length).toBe(0);
    expect(has(/^cookie=0x6, priority=180,dl_vlan=1000 actions=conjunction\(100,2\/2\)$/).length).toBe(1);
    const [c] = has(/conj_id=100/);
    expect(c).toMatch(/in_port=5,dl_vlan=1000 actions=pop_vlan,/);
    expect(c).toMatch(/set_field:00:00:01:01:02:07->eth_src/);
    expect(c).toMatch(/resubmit\(,8\)/);
  });

  it('leaves the router MAC alone where the gateway port is resident, and builds nothing without chassis MACs', () => {
    const hv3 = buildLocalView(sb, 'hv3', [{ name: 'patch-ln-ext', ofport: 4, type: 'patch', localnetPort: 'ln-ext' }]);
    expect(
      bridgedFlows({ view: hv3, sb, zone: () => 0 })
        .map(formatFlow)
        .filter((f) => f.includes('table=65')),
    ).toEqual([]);
    const bare = snapshot({
      ...rows,
      Chassis: [
        { _uuid: HV1, name: 'hv1', encaps: [], other_config: {} },
        { _uuid: HV3, name: 'hv3', encaps: [], other_config: {} },
      ],
    });
    const plain = bridgedFlows({ view: buildLocalView(bare, 'hv1', ifaces), sb: bare, zone: () => 0 }).map(formatFlow);
    expect(plain.filter((f) => f.includes('table=65') || f.includes('conjunction(100,1/2)'))).toEqual([]);
  });
});
