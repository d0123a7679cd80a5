// External ports (type=external): claimed by the active member of their HA chassis group, never by an
// interface; their switch is local on every member; they are reached through the switch's localnet port.
import { describe, expect, it } from 'vitest';
import type { Uuid } from 'ovsdb-client-ts';
import { formatFlow } from '@ovnts/openflow';
import { planBindings } from './bindings.js';
import { portPhysicalFlows } from './physical.js';
import { pb, snapshot, U, type AnyRow } from './test-rows.js';
import { buildLocalView, type SbSnapshot } from './view.js';

const HV1 = U(1);
const HV2 = U(2);
const HV3 = U(3);
const LS = U(0x10);
const GROUP = U(0x20);
const EXT = 0x31;

function world(opts: { members?: [string, number][]; extChassis?: string | null; group?: boolean } = {}): SbSnapshot {
  const members = opts.members ?? [
    [HV1, 30],
    [HV2, 20],
  ];
  return snapshot({
    Chassis: [HV1, HV2, HV3].map((u, i) => ({ _uuid: u, name: `hv${i + 1}`, other_config: {}, encaps: [] })),
    HA_Chassis: members.map(([c, priority], i) => ({ _uuid: U(0x40 + i), chassis: c, priority, external_ids: {} })),
    HA_Chassis_Group: [
      { _uuid: GROUP, name: 'hagrp1', ha_chassis: members.map((_, i) => U(0x40 + i)), ref_chassis: [] },
    ],
    Datapath_Binding: [{ _uuid: LS, tunnel_key: 7, external_ids: {} }],
    Port_Binding: [
      pb(0x30, 'ln-public', LS, 1, { type: 'localnet', options: { network_name: 'phys' } }),
      pb(EXT, 'ext1', LS, 2, {
        type: 'external',
        mac: ['f0:00:00:00:00:03 10.0.0.6'],
        chassis: opts.extChassis ?? null,
        ha_chassis_group: opts.group === false ? null : GROUP,
      }),
      pb(0x32, 'vm1', LS, 3),
    ] as AnyRow[],
  });
}

const plan = (sb: SbSnapshot, me: string, live: string[], ifaceIds: string[] = []) =>
  planBindings(sb, me as Uuid<'Chassis'>, new Set(ifaceIds), '', { activeTunnels: new Set(live) });
const names = (pbs: readonly { logical_port: string }[]) => pbs.map((p) => p.logical_port);

describe('external port claims', () => {
  it('the highest-priority live member claims it; the others do not', () => {
    expect(names(plan(world(), HV1, ['hv2']).claim)).toEqual(['ext1']);
    expect(names(plan(world(), HV2, ['hv1']).claim)).toEqual([]);
  });
  it('fails over: the backup claims when the primary is gone, the old owner releases', () => {
    const gone = world({ members: [[HV2, 20]], extChassis: HV1 });
    expect(names(plan(gone, HV2, []).claim)).toEqual(['ext1']);
    expect(names(plan(gone, HV1, []).release)).toEqual(['ext1']);
  });
  it('an interface naming it does not bind it, nor does a chassis outside the group; no group, no claim', () => {
    expect(names(plan(world(), HV3, ['hv1', 'hv2'], ['ext1']).claim)).toEqual([]);
    expect(names(plan(world({ group: false }), HV1, [], ['ext1']).claim)).toEqual([]);
    expect(names(plan(world({ group: false, extChassis: HV1 }), HV1, []).release)).toEqual(['ext1']);
  });
});

describe('external port in the local view', () => {
  const ifaces = [{ name: 'patch-br-int-to-ln', ofport: 5, type: 'patch', localnetPort: 'ln-public' }];
  const ext = U(EXT) as Uuid<'Port_Binding'>;
  it('its switch is local on every member of the group, bound or not', () => {
    expect(buildLocalView(world(), 'hv2', ifaces).localDps.has(LS as Uuid<'Datapath_Binding'>)).toBe(true);
    expect(buildLocalView(world(), 'hv3', []).localDps.size).toBe(0);
  });
  it('is reached through the localnet port, on the chassis that claims it too', () => {
    const sb = world({ extChassis: HV1 });
    const view = buildLocalView(sb, 'hv1', ifaces);
    expect(view.viaLocalnet.get(ext)?.logical_port).toBe('ln-public');
    const dp = view.localDps.get(LS as Uuid<'Datapath_Binding'>)!;
    const flows = portPhysicalFlows({ view, sb, zone: () => 0 }, dp, sb.Port_Binding.get(ext)!).map(formatFlow);
    expect(
      flows.some((f) => /table=40, priority=100,reg15=0x2,metadata=0x7 actions=set_field:0x1->reg15/.test(f)),
    ).toBe(true);
  });
  it('lets a localport reach it through the localnet port only where it is claimed (table 41, priority 170)', () => {
    const ln = U(0x30) as Uuid<'Port_Binding'>;
    const at = (chassis: string | null, me: string) => {
      const sb = world({ extChassis: chassis });
      const view = buildLocalView(sb, me, ifaces);
      const dp = view.localDps.get(LS as Uuid<'Datapath_Binding'>)!;
      return portPhysicalFlows({ view, sb, zone: () => 0 }, dp, sb.Port_Binding.get(ln)!)
        .map(formatFlow)
        .filter((f) => f.includes('priority=170'));
    };
    const here = at(HV1, 'hv1');
    expect(here).toHaveLength(1);
    expect(here[0]).toMatch(
      /table=41, priority=170,reg10=0x\d+\/0x\d+,reg15=0x1,metadata=0x7,dl_dst=f0:00:00:00:00:03 /,
    );
    expect(here[0]).toMatch(/set_field:0->reg9,resubmit\(,42\)$/);
    expect(at(HV2, 'hv1')).toEqual([]);
    expect(at(HV1, 'hv2')).toEqual([]);
  });
});
