// Physical flows for a small chassis, checked against what the real ovn-controller 23.03 installed for the same
// topology (lines copied from its dump-flows): ls1 (key 1) with vm1/vm2 local, a patch port to lr1 (key 2),
// and a port bound on another chassis reached through a Geneve tunnel.
import { describe, expect, it } from 'vitest';
import { formatFlow } from '@ovnts/openflow';
import { multicastFlows, multicastKey, physicalFlows, type PhysicalContext } from './physical.js';
import { planBindings } from './bindings.js';
import { announcementFrame, announcements } from './garp.js';
import { buildLocalView } from './view.js';
import { pb, snapshot, U, type AnyRow } from './test-rows.js';

const LS = U(0x100);
const LR = U(0x200);
const HV1 = U(0x300);
const HV2 = U(0x301);
const sb = snapshot({
  Chassis: [
    { _uuid: HV1, name: 'hv1', encaps: [] },
    { _uuid: HV2, name: 'hv2', encaps: [] },
  ],
  Datapath_Binding: [
    { _uuid: LS, tunnel_key: 1, external_ids: { 'logical-switch': 'x' } },
    { _uuid: LR, tunnel_key: 2, external_ids: { 'logical-router': 'y' } },
  ],
  Port_Binding: [
    pb(0xf17fb3e5, 'vm1', LS, 1, { chassis: HV1 }),
    pb(0xa70efbbd, 'vm2', LS, 2, { chassis: HV1 }),
    pb(0x087db001, 'ls1-lr1', LS, 3, { type: 'patch', options: { peer: 'lr1-ls1' } }),
    pb(0xfcd99f45, 'lr1-ls1', LR, 1, { type: 'patch', options: { peer: 'ls1-lr1' } }),
    pb(0x0b0b0b0b, 'vm9', LS, 9, { chassis: HV2 }),
    pb(0x0c0c0c0c, 'vm7', LS, 7),
  ],
  Multicast_Group: [
    {
      _uuid: U(0xa8cba19e),
      datapath: LS,
      name: '_MC_flood',
      tunnel_key: 0x8000,
      ports: [U(0xa70efbbd), U(0xf17fb3e5), U(0x087db001), U(0x0b0b0b0b)],
    },
  ],
});
const ifaces = [
  { name: 't1', ofport: 1, type: 'internal', ifaceId: 'vm1' },
  { name: 't2', ofport: 2, type: 'internal', ifaceId: 'vm2' },
  { name: 'ovn-hv2-0', ofport: 5, type: 'geneve', tunnelChassis: 'hv2' },
];
const zones: Record<string, number> = {
  vm1: 2,
  vm2: 6,
  [`${LS}_dnat`]: 5,
  [`${LS}_snat`]: 4,
  [`${LR}_dnat`]: 3,
  [`${LR}_snat`]: 1,
};

describe('physical flows', () => {
  const view = buildLocalView(sb, 'hv1', ifaces);
  const flows = physicalFlows({ view, sb, zone: (k) => zones[k] ?? 0 }).map(formatFlow);

  it('computes the local view: local datapaths over patch ports, local VIFs, remote ports via tunnels', () => {
    expect([...view.localDps.keys()].sort()).toEqual([LS, LR].sort());
    expect([...view.localVifs.values()].sort()).toEqual([1, 2]);
    expect([...view.remotePorts.values()]).toEqual([5]);
  });

  it('matches the real controller for VIFs, patch ports and fixed tables', () => {
    for (const real of [
      'cookie=0xf17fb3e5, priority=100,in_port=1 actions=set_field:0x2->reg13,set_field:0x5->reg11,set_field:0x4->reg12,set_field:0x1->metadata,set_field:0x1->reg14,resubmit(,8)',
      'cookie=0xa70efbbd, table=40, priority=100,reg15=0x2,metadata=0x1 actions=set_field:0x6->reg13,set_field:0x5->reg11,set_field:0x4->reg12,resubmit(,41)',
      'cookie=0xfcd99f45, table=40, priority=100,reg15=0x1,metadata=0x2 actions=set_field:0x3->reg11,set_field:0x1->reg12,resubmit(,41)',
      'cookie=0x87db001, table=41, priority=100,reg10=0/0x1,reg14=0x3,reg15=0x3,metadata=0x1 actions=drop',
      'cookie=0xa70efbbd, table=65, priority=100,reg15=0x2,metadata=0x1 actions=output:2',
      'cookie=0x87db001, table=65, priority=100,reg15=0x3,metadata=0x1 actions=clone(ct_clear,set_field:0->reg11,set_field:0->reg12,set_field:0->reg13,set_field:0x3->reg11,set_field:0x1->reg12,set_field:0x2->metadata,set_field:0x1->reg14,set_field:0->reg10,set_field:0->reg15,set_field:0->reg0,set_field:0->reg1,set_field:0->reg2,set_field:0->reg3,set_field:0->reg4,set_field:0->reg5,set_field:0->reg6,set_field:0->reg7,set_field:0->reg8,set_field:0->reg9,resubmit(,8))',
      'cookie=0xa8cba19e, table=40, priority=100,reg15=0x8000,metadata=0x1 actions=set_field:0x6->reg13,set_field:0x2->reg15,resubmit(,41),set_field:0x2->reg13,set_field:0x1->reg15,resubmit(,41),set_field:0x8000->reg15',
      'table=38, priority=10,reg10=0x1/0x1 actions=resubmit(,40)',
      'table=39, priority=150,reg10=0x2/0x3 actions=resubmit(,40)',
      'table=41, priority=0 actions=set_field:0->reg0,set_field:0->reg1,set_field:0->reg2,set_field:0->reg3,set_field:0->reg4,set_field:0->reg5,set_field:0->reg6,set_field:0->reg7,set_field:0->reg8,set_field:0->reg9,resubmit(,42)',
      'priority=0 actions=drop',
    ])
      expect(flows).toContain(real);
  });

  it('sends remote ports and multicast copies through the tunnel with tun_id = datapath, tun_metadata0 = in<<16|out', () => {
    expect(flows).toContain(
      'cookie=0xb0b0b0b, table=39, priority=100,reg15=0x9,metadata=0x1 actions=set_field:0x1/0xffffff->tun_id,set_field:0x9->tun_metadata0,move:NXM_NX_REG14[0..14]->NXM_NX_TUN_METADATA0[16..30],output:5,resubmit(,40)',
    );
    expect(flows).toContain(
      'cookie=0xa8cba19e, table=39, priority=100,reg15=0x8000,metadata=0x1 actions=set_field:0x3->reg15,resubmit(,41),set_field:0x8000->reg15,set_field:0x1/0xffffff->tun_id,set_field:0x8000->tun_metadata0,move:NXM_NX_REG14[0..14]->NXM_NX_TUN_METADATA0[16..30],output:5,resubmit(,40)',
    );
    expect(flows).toContain(
      'priority=100,in_port=5 actions=move:NXM_NX_TUN_ID[0..23]->OXM_OF_METADATA[0..23],move:NXM_NX_TUN_METADATA0[16..30]->NXM_NX_REG14[0..14],move:NXM_NX_TUN_METADATA0[0..15]->NXM_NX_REG15[0..15],resubmit(,40)',
    );
    // A port nobody binds gets no flows.
    expect(flows.filter((f) => f.startsWith('cookie=0xc0c0c0c,'))).toEqual([]);
  });
});

describe('physical flows over VXLAN', () => {
  // The same chassis with its tunnel to hv2 of type vxlan: the VNI carries datapath | outport << 12 and nothing
  // else; a group key travels as 0x800 | its low 11 bits.
  const vxIfaces = ifaces.map((i) => (i.name === 'ovn-hv2-0' ? { ...i, type: 'vxlan' } : i));
  const view = buildLocalView(sb, 'hv1', vxIfaces);
  const flows = physicalFlows({ view, sb, zone: (k) => zones[k] ?? 0 }).map(formatFlow);

  it('encodes datapath and outport in the VNI for remote ports and groups', () => {
    expect(view.vxlanTunnels).toEqual(new Set([5]));
    expect(flows).toContain(
      'cookie=0xb0b0b0b, table=39, priority=100,reg15=0x9,metadata=0x1 actions=set_field:0x9001/0xffffff->tun_id,output:5,resubmit(,40)',
    );
    expect(flows).toContain(
      'cookie=0xa8cba19e, table=39, priority=100,reg15=0x8000,metadata=0x1 actions=set_field:0x3->reg15,resubmit(,41),set_field:0x8000->reg15,set_field:0x800001/0xffffff->tun_id,output:5,resubmit(,40)',
    );
    expect(flows.some((f) => f.includes('tun_metadata0'))).toBe(false);
  });

  it('decapsulates into datapath and outport (ports at priority 100, groups at 105), no inport', () => {
    expect(flows).toContain(
      'priority=100,in_port=5 actions=move:NXM_NX_TUN_ID[12..23]->NXM_NX_REG15[0..11],move:NXM_NX_TUN_ID[0..11]->OXM_OF_METADATA[0..11],resubmit(,40)',
    );
    expect(flows).toContain(
      'priority=105,tun_id=0x800000/0x800000,in_port=5 actions=set_field:0x8000/0x8000->reg15,move:NXM_NX_TUN_ID[12..22]->NXM_NX_REG15[0..10],move:NXM_NX_TUN_ID[0..11]->OXM_OF_METADATA[0..11],resubmit(,40)',
    );
  });
});

describe('physical flows towards a VTEP gateway (ramp switch)', () => {
  // ls1 with vm1 here and lp-vtep bound to a VTEP gateway chassis (ovn-controller-vtep's is-vtep), reached
  // through a VXLAN tunnel; vm9 on hv2 over Geneve. Both are in the flood group.
  const VTEP = U(0x302);
  const vsb = snapshot({
    Chassis: [
      { _uuid: HV1, name: 'hv1', encaps: [] },
      { _uuid: HV2, name: 'hv2', encaps: [] },
      { _uuid: VTEP, name: 'br-vtep', encaps: [], other_config: { 'is-vtep': 'true' } },
    ],
    Datapath_Binding: [{ _uuid: LS, tunnel_key: 1, external_ids: { 'logical-switch': 'x' } }],
    Port_Binding: [
      pb(0xf17fb3e5, 'vm1', LS, 1, { chassis: HV1 }),
      pb(0x0d0d0d0d, 'lp-vtep', LS, 4, { type: 'vtep', chassis: VTEP }),
      pb(0x0b0b0b0b, 'vm9', LS, 9, { chassis: HV2 }),
    ],
    Multicast_Group: [
      {
        _uuid: U(0xa8cba19e),
        datapath: LS,
        name: '_MC_flood',
        tunnel_key: 0x8000,
        ports: [U(0xf17fb3e5), U(0x0d0d0d0d), U(0x0b0b0b0b)],
      },
    ],
  });
  const view = buildLocalView(vsb, 'hv1', [
    { name: 't1', ofport: 1, type: 'internal', ifaceId: 'vm1' },
    { name: 'ovn-hv2-0', ofport: 5, type: 'geneve', tunnelChassis: 'hv2' },
    { name: 'ovn-br-vte-0', ofport: 6, type: 'vxlan', tunnelChassis: 'br-vtep' },
  ]);
  const flows = physicalFlows({ view, sb: vsb, zone: () => 0 }).map(formatFlow);

  it('outputs to the vtep port with VNI = datapath key and in_port cleared', () => {
    expect(flows).toContain(
      'cookie=0xd0d0d0d, table=39, priority=100,reg15=0x4,metadata=0x1 actions=set_field:ANY->in_port,set_field:0x1/0xffffff->tun_id,output:6,resubmit(,40)',
    );
  });

  it('takes packets from the gateway’s VXLAN tunnel into ingress with the vtep port as inport, from-ramp flag set', () => {
    expect(flows).toContain(
      'cookie=0xd0d0d0d, priority=110,tun_id=0x1,in_port=6 actions=move:NXM_NX_TUN_ID[0..23]->OXM_OF_METADATA[0..23],set_field:0x4/0x7fff->reg14,set_field:0x2/0x2->reg10,resubmit(,8)',
    );
  });

  it('floods to hypervisors first, then to the gateway with its own VNI', () => {
    expect(flows).toContain(
      'cookie=0xa8cba19e, table=39, priority=100,reg15=0x8000,metadata=0x1 actions=set_field:0x1/0xffffff->tun_id,set_field:0x8000->tun_metadata0,move:NXM_NX_REG14[0..14]->NXM_NX_TUN_METADATA0[16..30],output:5,set_field:0x1/0xffffff->tun_id,output:6,resubmit(,40)',
    );
  });
});

describe('bindings', () => {
  it('claims ports with a local iface-id, releases ours that lost it, respects requested-chassis', () => {
    const s = snapshot({
      Port_Binding: [
        pb(1, 'a', LS, 1),
        pb(2, 'b', LS, 2, { chassis: HV1 }),
        pb(3, 'c', LS, 3, { chassis: HV1 }),
        pb(4, 'd', LS, 4, { requested_chassis: HV2 }),
        pb(5, 'r', LS, 5, { type: 'patch' }),
      ],
    });
    const plan = planBindings(s, HV1 as never, new Set(['a', 'b', 'd', 'r']));
    expect(plan.claim.map((p) => p.logical_port)).toEqual(['a']);
    expect(plan.release.map((p) => p.logical_port)).toEqual(['c']);
  });
});

describe('bindings: additional chassis, encap-ip, tug-of-war throttle', () => {
  const E1 = U(0x400);
  const multi = (extra: Partial<AnyRow>) =>
    snapshot({
      Port_Binding: [
        pb(1, 'lsp0', LS, 1, {
          additional_chassis: [],
          requested_additional_chassis: [],
          encap: null,
          additional_encap: [],
          ...extra,
        }),
      ],
    });
  const opts = { myEncaps: [{ uuid: E1 as never, ip: '192.168.0.11' }] };

  it('a requested additional chassis joins additional_chassis and leaves when no longer requested', () => {
    let plan = planBindings(
      multi({ chassis: HV2, requested_chassis: HV2, requested_additional_chassis: [HV1] }),
      HV1 as never,
      new Set(['lsp0']),
      'hv1',
      opts,
    );
    expect(plan.claim).toEqual([]);
    expect(plan.addAdditional.map((p) => p.logical_port)).toEqual(['lsp0']);
    plan = planBindings(
      multi({ chassis: HV2, requested_chassis: HV2, additional_chassis: [HV1] }),
      HV1 as never,
      new Set(['lsp0']),
      'hv1',
      opts,
    );
    expect(plan.removeAdditional.map((p) => p.logical_port)).toEqual(['lsp0']);
  });

  it('the main chassis publishes the Encap of the interface’s encap-ip, and clears it when unset', () => {
    const withIp = { ...opts, encapIps: new Map([['lsp0', '192.168.0.11']]) };
    let plan = planBindings(multi({ chassis: HV1 }), HV1 as never, new Set(['lsp0']), 'hv1', withIp);
    expect(plan.encap.map((e) => [e.column, e.encap])).toEqual([['encap', E1]]);
    plan = planBindings(multi({ chassis: HV1, encap: E1 }), HV1 as never, new Set(['lsp0']), 'hv1', opts);
    expect(plan.encap.map((e) => [e.column, e.encap])).toEqual([['encap', null]]);
  });

  it('a port another chassis took right after our claim is postponed, not claimed back', () => {
    const plan = planBindings(multi({ chassis: HV2 }), HV1 as never, new Set(['lsp0']), 'hv1', {
      postpone: () => true,
    });
    expect(plan.claim).toEqual([]);
    expect(plan.postponed).toEqual(['lsp0']);
  });
});

describe('container ports and localports', () => {
  const s = snapshot({
    Chassis: [{ _uuid: HV1, name: 'hv1', encaps: [] }],
    Datapath_Binding: [{ _uuid: LS, tunnel_key: 1, external_ids: {} }],
    Port_Binding: [
      pb(1, 'vm1', LS, 1, { chassis: HV1 }),
      pb(2, 'cont', LS, 2, { parent_port: 'vm1', tag: 7 }),
      pb(3, 'orphan', LS, 3, { parent_port: 'bar', tag: 8, chassis: HV1 }),
      pb(4, 'meta', LS, 4, { type: 'localport' }),
    ],
  });
  const ifaces = [
    { name: 'vm1', ofport: 1, type: '', ifaceId: 'vm1' },
    { name: 'orphan', ofport: 2, type: '', ifaceId: 'orphan' },
    { name: 'md-old', ofport: 3, type: '', ifaceId: 'meta' },
    { name: 'md-new', ofport: 4, type: '', ifaceId: 'meta' },
  ];

  it('a container port is claimed where its parent is, and released when its parent does not exist', () => {
    const plan = planBindings(s, HV1 as never, new Set(['vm1', 'orphan', 'meta']), 'hv1');
    expect(plan.claim.map((p) => p.logical_port)).toEqual(['cont']);
    expect(plan.release.map((p) => p.logical_port)).toEqual(['orphan']);
  });

  it('container ports ride on the parent’s ofport with their tag; a localport is local on the newest interface', () => {
    const bound = snapshot({
      Chassis: [{ _uuid: HV1, name: 'hv1', encaps: [] }],
      Datapath_Binding: [{ _uuid: LS, tunnel_key: 1, external_ids: {} }],
      Port_Binding: [
        pb(1, 'vm1', LS, 1, { chassis: HV1 }),
        pb(2, 'cont', LS, 2, { parent_port: 'vm1', tag: 7, chassis: HV1 }),
        pb(4, 'meta', LS, 4, { type: 'localport' }),
      ],
    });
    const view = buildLocalView(bound, 'hv1', ifaces);
    expect(view.localVifs.get(U(2) as never)).toBe(1);
    expect(view.localVifs.get(U(4) as never)).toBe(4);
    const flows = physicalFlows({ view, sb: bound, zone: () => 1 }).map(formatFlow);
    expect(flows.some((f) => /priority=150,in_port=1,dl_vlan=7 actions=pop_vlan,.*set_field:0x2->reg14/.test(f))).toBe(
      true,
    );
    expect(
      flows.some((f) => /reg15=0x2,metadata=0x1 .*push_vlan:0x8100,set_field:4103->vlan_vid,output:1/.test(f)),
    ).toBe(true);
    // Only the localport's packets carry the localport flag (the localnet port drops them).
    const fromMeta = flows.filter((f) => / priority=100,in_port=4 /.test(f));
    expect(fromMeta).toHaveLength(1);
    expect(fromMeta[0]).toMatch(/set_field:0x4->reg14,set_field:0x\w+\/0x\w+->reg10,resubmit\(,8\)$/);
    expect(flows.filter((f) => / priority=100,in_port=1 /.test(f))[0]).not.toContain('->reg10');
  });
});

describe('GARP/RARP announcements', () => {
  it('VIFs bound here and resident NAT addresses, each entering from its own port', () => {
    const s = snapshot({
      Chassis: [{ _uuid: HV1, name: 'hv1', encaps: [] }],
      Datapath_Binding: [{ _uuid: LS, tunnel_key: 1, external_ids: {} }],
      Port_Binding: [
        pb(1, 'vm1', LS, 1, { chassis: HV1, mac: ['f0:00:00:00:00:03 10.0.0.3'], nat_addresses: [] }),
        pb(2, 'ln', LS, 2, { type: 'localnet', mac: [], nat_addresses: [], options: { network_name: 'phys' } }),
        pb(3, 'rp', LS, 3, {
          type: 'l3gateway',
          chassis: HV1,
          mac: [],
          nat_addresses: ['f0:00:00:00:00:01'],
          options: { 'l3gateway-chassis': 'hv1', peer: 'x' },
        }),
        pb(4, 'gw', LS, 4, {
          type: 'patch',
          mac: [],
          nat_addresses: ['f0:00:00:00:00:09 172.16.0.9 is_chassis_resident("cr-elsewhere")'],
        }),
      ],
    });
    const view = buildLocalView(s, 'hv1', [
      { name: 'vm1', ofport: 1, type: '', ifaceId: 'vm1' },
      { name: 'patch-ln', ofport: 2, type: 'patch', localnetPort: 'ln' },
    ]);
    const list = announcements(view, s);
    expect(list.map((a) => [a.mac, a.ipv4 ?? 'rarp', a.dpKey, a.portKey])).toEqual([
      ['f0:00:00:00:00:03', '10.0.0.3', 1, 1],
      ['f0:00:00:00:00:01', 'rarp', 1, 3],
    ]);
    expect(announcementFrame(list[1]!).toString('hex')).toBe(
      'fffffffffffff0000000000180350001080006040003f0000000000100000000f0000000000100000000',
    );
    expect(announcementFrame(list[0]!).toString('hex')).toBe(
      'fffffffffffff000000000030806000108000604' + '0001' + 'f00000000003' + '0a000003' + '000000000000' + '0a000003',
    );
  });
});

describe('remote VIFs on a localnet-backed switch', () => {
  it('are reached through the localnet port, not a tunnel', () => {
    const s = snapshot({
      Chassis: [
        { _uuid: HV1, name: 'hv1', encaps: [] },
        { _uuid: HV2, name: 'hv2', encaps: [] },
      ],
      Datapath_Binding: [{ _uuid: LS, tunnel_key: 1, external_ids: {} }],
      Port_Binding: [
        pb(1, 'vm1', LS, 1, { chassis: HV1 }),
        pb(2, 'vm2', LS, 2, { chassis: HV2 }),
        pb(3, 'ln', LS, 3, { type: 'localnet', options: { network_name: 'phys' } }),
      ],
    });
    const view = buildLocalView(s, 'hv1', [
      { name: 'vm1', ofport: 1, type: '', ifaceId: 'vm1' },
      { name: 'patch-ln', ofport: 2, type: 'patch', localnetPort: 'ln' },
      { name: 'ovn-hv2-0', ofport: 3, type: 'geneve', tunnelChassis: 'hv2' },
    ]);
    expect(view.remotePorts.size).toBe(0);
    const flows = physicalFlows({ view, sb: s, zone: () => 1 }).map(formatFlow);
    expect(flows).toContain(
      'cookie=0x2, table=40, priority=100,reg15=0x2,metadata=0x1 actions=set_field:0x3->reg15,resubmit(,40)',
    );
    expect(flows.some((f) => f.includes('reg15=0x2') && f.includes('output:3'))).toBe(false);
  });
});

describe('multicastKey', () => {
  // _MC_flood of ls1 as hv1 sees it, with members added or bound elsewhere: the key moves exactly when the
  // group's flows do.
  const flood = [...sb.Multicast_Group.values()][0]!;
  const ctxOf = (rows: Record<string, AnyRow[]>, tunnels = ifaces): PhysicalContext => {
    const s = snapshot(rows);
    return { view: buildLocalView(s, 'hv1', tunnels), sb: s, zone: (k) => zones[k] ?? 0 };
  };
  const base: Record<string, AnyRow[]> = {
    Chassis: [...sb.Chassis.values()] as unknown as AnyRow[],
    Datapath_Binding: [...sb.Datapath_Binding.values()] as unknown as AnyRow[],
    Port_Binding: [...sb.Port_Binding.values()] as unknown as AnyRow[],
  };
  const withGroup = (rows: Record<string, AnyRow[]>, ports: string[]) => ({
    ...rows,
    Multicast_Group: [{ ...flood, ports }],
  });
  const look = (ctx: PhysicalContext) => {
    const mc = [...ctx.sb.Multicast_Group.values()][0]!;
    return { key: multicastKey(ctx, mc), flows: multicastFlows(ctx, mc).map(formatFlow) };
  };
  const a = look(ctxOf(withGroup(base, flood.ports as string[])));

  it('stays while a new member is reached through a tunnel already in the group, or not at all', () => {
    const hv2Pod = pb(0x0d0d0d0d, 'vm10', LS, 10, { chassis: HV2 });
    const unbound = pb(0x0e0e0e0e, 'vm11', LS, 11);
    const rows = { ...base, Port_Binding: [...base.Port_Binding!, hv2Pod, unbound] };
    const b = look(ctxOf(withGroup(rows, [...(flood.ports as string[]), U(0x0d0d0d0d), U(0x0e0e0e0e)])));
    expect(b.flows).toEqual(a.flows);
    expect(b.key).toBe(a.key);
  });

  it('moves with the flows: a new local member, a new tunnel, a zone, the tunnel type', () => {
    const hv3 = U(0x302);
    const hv3Pod = pb(0x0d0d0d0d, 'vm10', LS, 10, { chassis: hv3 });
    const rows = {
      ...base,
      Chassis: [...base.Chassis!, { _uuid: hv3, name: 'hv3', encaps: [] }],
      Port_Binding: [...base.Port_Binding!, hv3Pod],
    };
    const tunnels = [...ifaces, { name: 'ovn-hv3-0', ofport: 6, type: 'geneve', tunnelChassis: 'hv3' }];
    const variants = [
      look(ctxOf(withGroup(rows, [...(flood.ports as string[]), U(0x0d0d0d0d)]), tunnels)),
      look(
        ctxOf(
          withGroup(
            base,
            (flood.ports as string[]).filter((u) => u !== U(0xa70efbbd)),
          ),
        ),
      ),
      look(
        ctxOf(
          withGroup(base, flood.ports as string[]),
          ifaces.map((i) => (i.type === 'geneve' ? { ...i, type: 'vxlan' } : i)),
        ),
      ),
      (() => {
        const s = snapshot(withGroup(base, flood.ports as string[]));
        const ctx = {
          view: buildLocalView(s, 'hv1', ifaces),
          sb: s,
          zone: (k: string) => (k === 'vm1' ? 9 : (zones[k] ?? 0)),
        };
        return look(ctx);
      })(),
    ];
    for (const v of variants) {
      expect(v.flows).not.toEqual(a.flows);
      expect(v.key).not.toBe(a.key);
    }
  });
});
