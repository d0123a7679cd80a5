// Gateway HA decisions (pure): which tunnels run BFD, which gateway is active given the live sessions, where a
// chassis outside the group sends a chassisredirect port's traffic, and the binding plan that follows.
import { describe, expect, it } from 'vitest';
import type { Uuid } from 'ovsdb-client-ts';
import type { Bridge } from '@ovnts/schema/vswitch';
import type { Chassis, HAChassisGroup } from '@ovnts/schema/sb';
import { activeTunnels, bfdChassis, bfdSettings, haGroupIsActive, planBfd } from './bfd.js';
import { formatFlow } from '@ovnts/openflow';
import { planBindings } from './bindings.js';
import { portPhysicalFlows } from './physical.js';
import { type AnyRow, snapshot as sbSnap, U, vsSnapshot as vsSnap } from './test-rows.js';
import type { VsSnapshot } from './ovs-state.js';
import { buildLocalView, type SbSnapshot } from './view.js';

const GW1 = U(1);
const GW2 = U(2);
const HV1 = U(3);
const HV2 = U(4);
const REMOTE = U(5);
const chassis = (uuid: string, name: string, other: Record<string, string> = {}): AnyRow => ({
  _uuid: uuid,
  name,
  other_config: other,
  encaps: [],
});
const ha = (n: number, ch: string, priority: number): AnyRow => ({
  _uuid: U(0x100 + n),
  chassis: ch,
  priority,
  external_ids: {},
});
const GROUP = U(0x200);
const LR = U(0x300);
const CR = U(0x400);

function world(extra: Record<string, AnyRow[]> = {}): SbSnapshot {
  return sbSnap({
    Chassis: [
      chassis(GW1, 'gw1'),
      chassis(GW2, 'gw2'),
      chassis(HV1, 'hv1'),
      chassis(HV2, 'hv2'),
      chassis(REMOTE, 'ic', { 'is-remote': 'true' }),
    ],
    HA_Chassis: [ha(1, GW1, 20), ha(2, GW2, 10)],
    HA_Chassis_Group: [
      { _uuid: GROUP, name: 'lr0-public', ha_chassis: [U(0x101), U(0x102)], ref_chassis: [HV1, REMOTE] },
    ],
    SB_Global: [{ _uuid: U(0x500), options: { 'bfd-min-rx': '100', 'bfd-min-tx': '100', other: 'x' } }],
    Datapath_Binding: [{ _uuid: LR, tunnel_key: 1, external_ids: {} }],
    Port_Binding: [
      {
        _uuid: CR,
        logical_port: 'cr-lr0-public',
        datapath: LR,
        tunnel_key: 2,
        type: 'chassisredirect',
        options: { 'distributed-port': 'lr0-public' },
        chassis: null,
        ha_chassis_group: GROUP,
        gateway_chassis: [],
        requested_chassis: null,
        up: false,
      },
    ],
    ...extra,
  });
}

const me = (sb: SbSnapshot, u: string): Chassis => sb.Chassis.get(u as Uuid<'Chassis'>)!;
const group = (sb: SbSnapshot): HAChassisGroup => sb.HA_Chassis_Group.get(GROUP as Uuid<'HA_Chassis_Group'>)!;

describe('bfdChassis', () => {
  const sb = world();
  it('a gateway runs BFD with the other gateways and the non-remote ref_chassis', () => {
    expect([...bfdChassis(sb, me(sb, GW1))].sort()).toEqual(['gw2', 'hv1']);
  });
  it('a ref_chassis runs BFD with the gateways; an unrelated chassis with none', () => {
    expect([...bfdChassis(sb, me(sb, HV1))].sort()).toEqual(['gw1', 'gw2']);
    expect(bfdChassis(sb, me(sb, HV2)).size).toBe(0);
  });
  it('a group of one gateway needs no BFD', () => {
    const one = world({
      HA_Chassis_Group: [{ _uuid: GROUP, name: 'g', ha_chassis: [U(0x101)], ref_chassis: [HV1] }],
    });
    expect(bfdChassis(one, me(one, GW1)).size).toBe(0);
    expect(bfdChassis(one, me(one, HV1)).size).toBe(0);
  });
  it('takes the bfd-* tuning options from SB_Global', () => {
    expect(bfdSettings(sb)).toEqual({ enable: 'true', min_rx: '100', min_tx: '100' });
  });
});

describe('haGroupIsActive', () => {
  const sb = world();
  const g = group(sb);
  const act = (u: string, live: string[]) => haGroupIsActive(sb, g, new Set(live), u as Uuid<'Chassis'>);
  it('the highest-priority member among the live ones is active', () => {
    expect(act(GW1, ['gw2', 'hv1'])).toBe(true);
    expect(act(GW2, ['gw1', 'hv1'])).toBe(false);
  });
  it('the backup takes over when the primary session is down but a ref_chassis is reachable', () => {
    expect(act(GW2, ['hv1'])).toBe(true);
  });
  it('with no session up at all a gateway stays passive (it lost the others)', () => {
    expect(act(GW1, [])).toBe(false);
    expect(act(GW2, [])).toBe(false);
  });
  it('alone among live members without a live ref_chassis, it stays passive', () => {
    const noRef = world({
      HA_Chassis_Group: [{ _uuid: GROUP, name: 'g', ha_chassis: [U(0x101), U(0x102)], ref_chassis: [HV1] }],
    });
    expect(haGroupIsActive(noRef, group(noRef), new Set(['hv2']), GW2 as Uuid<'Chassis'>)).toBe(false);
  });
  it('the only member that exists is active without BFD', () => {
    const lone = world({ Chassis: [chassis(GW1, 'gw1'), chassis(HV1, 'hv1')] });
    expect(haGroupIsActive(lone, group(lone), new Set(), GW1 as Uuid<'Chassis'>)).toBe(true);
  });
  it('equal priorities: the greater chassis name wins', () => {
    const tie = world({ HA_Chassis: [ha(1, GW1, 10), ha(2, GW2, 10)] });
    expect(haGroupIsActive(tie, group(tie), new Set(['gw1', 'hv1']), GW2 as Uuid<'Chassis'>)).toBe(true);
    expect(haGroupIsActive(tie, group(tie), new Set(['gw2', 'hv1']), GW1 as Uuid<'Chassis'>)).toBe(false);
  });
});

describe('gateway claims follow liveness', () => {
  const plan = (sb: SbSnapshot, u: string, live: string[]) =>
    planBindings(sb, u as Uuid<'Chassis'>, new Set(), '', { activeTunnels: new Set(live) });
  it('claims on the active gateway, releases on the one that lost', () => {
    const sb = world();
    expect(plan(sb, GW1, ['gw2', 'hv1']).claim.map((p) => p.logical_port)).toEqual(['cr-lr0-public']);
    expect(plan(sb, GW2, ['gw1', 'hv1']).claim).toEqual([]);
    const onGw1 = world();
    const cr = onGw1.Port_Binding.get(CR as Uuid<'Port_Binding'>)!;
    const bound = world({ Port_Binding: [{ ...cr, chassis: GW1 } as AnyRow] });
    expect(plan(bound, GW2, ['hv1']).claim.map((p) => p.logical_port)).toEqual(['cr-lr0-public']);
    expect(plan(bound, GW1, []).release.map((p) => p.logical_port)).toEqual(['cr-lr0-public']);
  });
  it('a non-member never claims', () => {
    expect(plan(world(), HV1, ['gw1', 'gw2']).claim).toEqual([]);
  });
  it('without BFD information, priority alone decides', () => {
    const p = planBindings(world(), GW1 as Uuid<'Chassis'>, new Set(), '');
    expect(p.claim.map((x) => x.logical_port)).toEqual(['cr-lr0-public']);
  });
});

describe('remote chassisredirect port of an HA group', () => {
  const cr = world().Port_Binding.get(CR as Uuid<'Port_Binding'>)!;
  // hv1 has a VIF on a switch patched to lr0, so lr0 is local; the redirect port is bound to gw1 in the SB
  // (or to no chassis yet).
  const LS = U(0x600);
  const lrWorld = (crChassis: string | null) =>
    world({
      Datapath_Binding: [
        { _uuid: LR, tunnel_key: 1, external_ids: {} },
        { _uuid: LS, tunnel_key: 3, external_ids: {} },
      ],
      Port_Binding: [
        { ...cr, chassis: crChassis } as AnyRow,
        { _uuid: U(0x701), logical_port: 'vm1', datapath: LS, tunnel_key: 1, type: '', options: {}, chassis: HV1 },
        {
          _uuid: U(0x702),
          logical_port: 'ls-lr',
          datapath: LS,
          tunnel_key: 2,
          type: 'patch',
          options: { peer: 'lr-ls' },
        },
        {
          _uuid: U(0x703),
          logical_port: 'lr-ls',
          datapath: LR,
          tunnel_key: 3,
          type: 'patch',
          options: { peer: 'ls-lr' },
        },
      ],
    });
  const sb = lrWorld(GW1);
  const ifaces = [
    { name: 'vm1', ofport: 1, type: '', ifaceId: 'vm1' },
    { name: 'ovn-gw1-0', ofport: 10, type: 'geneve', tunnelChassis: 'gw1' },
    { name: 'ovn-gw2-0', ofport: 11, type: 'geneve', tunnelChassis: 'gw2' },
  ];
  const crUuid = CR as Uuid<'Port_Binding'>;
  it('goes to the gateways by priority through an active_backup bundle, the switch judging liveness', () => {
    const view = buildLocalView(sb, 'hv1', ifaces);
    expect(view.haRemotes.get(crUuid)).toEqual([10, 11]);
    expect(view.remotePorts.has(crUuid)).toBe(false);
    const ctx = { view, sb, zone: () => 0 };
    const lr = view.localDps.get(LR as Uuid<'Datapath_Binding'>)!;
    const flows = portPhysicalFlows(ctx, lr, sb.Port_Binding.get(crUuid)!).map(formatFlow);
    expect(flows).toEqual([
      'cookie=0x400, table=39, priority=100,reg15=0x2,metadata=0x1 actions=set_field:0x1/0xffffff->tun_id,' +
        'set_field:0x2->tun_metadata0,move:NXM_NX_REG14[0..14]->NXM_NX_TUN_METADATA0[16..30],' +
        'bundle(eth_src,0,active_backup,ofport,members:10,11)',
    ]);
  });
  it('the same before any gateway has claimed the port', () => {
    const unbound = lrWorld(null);
    expect(buildLocalView(unbound, 'hv1', ifaces).haRemotes.get(crUuid)).toEqual([10, 11]);
  });
  it('a backup gateway sends to the others only (no tunnel to itself)', () => {
    const gw2Ifaces = [{ name: 'ovn-gw1-0', ofport: 7, type: 'geneve', tunnelChassis: 'gw1' }];
    expect(buildLocalView(sb, 'gw2', gw2Ifaces).haRemotes.get(crUuid)).toEqual([7]);
  });
  it('a backup gateway keeps the router datapath local; a chassis outside the group does not', () => {
    expect(buildLocalView(sb, 'gw2', []).localDps.has(LR as Uuid<'Datapath_Binding'>)).toBe(true);
    expect(buildLocalView(sb, 'hv2', []).localDps.size).toBe(0);
  });
});

describe('BFD on tunnel interfaces', () => {
  const BR = U(0x800);
  const tunnelRows = (bfd1: Record<string, string>, status1: Record<string, string>) =>
    vsSnap({
      Bridge: [{ _uuid: BR, name: 'br-int', ports: [U(0x811), U(0x812), U(0x813)], external_ids: {} }],
      Port: [
        {
          _uuid: U(0x811),
          name: 'ovn-gw1-0',
          interfaces: [U(0x821)],
          external_ids: { 'ovn-chassis-id': 'gw1@192.0.2.1' },
        },
        {
          _uuid: U(0x812),
          name: 'ovn-hv2-0',
          interfaces: [U(0x822)],
          external_ids: { 'ovn-chassis-id': 'hv2@192.0.2.4' },
        },
        { _uuid: U(0x813), name: 'vm1', interfaces: [U(0x823)], external_ids: {} },
      ],
      Interface: [
        { _uuid: U(0x821), name: 'ovn-gw1-0', bfd: bfd1, bfd_status: status1 },
        { _uuid: U(0x822), name: 'ovn-hv2-0', bfd: { enable: 'true' }, bfd_status: { state: 'up' } },
        { _uuid: U(0x823), name: 'vm1', bfd: {}, bfd_status: {} },
      ],
    });
  const bridge = (vs: VsSnapshot): Bridge => vs.Bridge.get(BR as Uuid<'Bridge'>)!;
  it('enables BFD where wanted and disables it elsewhere', () => {
    const vs = tunnelRows({}, {});
    const w = planBfd(vs, bridge(vs), new Set(['gw1']), { enable: 'true', min_rx: '100' });
    expect(w.map((x) => [x.name, x.bfd])).toEqual([
      ['ovn-gw1-0', { enable: 'true', min_rx: '100' }],
      ['ovn-hv2-0', {}],
    ]);
  });
  it('writes nothing when the settings are in place', () => {
    const vs = tunnelRows({ enable: 'true' }, {});
    expect(planBfd(vs, bridge(vs), new Set(['gw1', 'hv2']), { enable: 'true' })).toEqual([]);
  });
  it('active tunnels: BFD enabled and its state up', () => {
    const down = tunnelRows({ enable: 'true' }, { state: 'down' });
    expect([...activeTunnels(down, bridge(down))]).toEqual(['hv2']);
    const up = tunnelRows({ enable: 'true' }, { state: 'up' });
    expect([...activeTunnels(up, bridge(up))].sort()).toEqual(['gw1', 'hv2']);
  });
});
