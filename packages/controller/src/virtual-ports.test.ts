// Virtual ports (type=virtual): pinctrl binds them (bind_vport); the binding plan never claims one, not even
// for an interface named after it, and releases one bound here once its parent is not bound here.
import { describe, expect, it } from 'vitest';
import type { Uuid } from 'ovsdb-client-ts';
import { planBindings } from './bindings.js';
import { pb, snapshot, U, type AnyRow } from './test-rows.js';
import type { SbSnapshot } from './view.js';

const HV1 = U(1);
const HV2 = U(2);
const LS = U(0x10);

function world(vir: Partial<AnyRow>, parentChassis: string | null = HV1): SbSnapshot {
  return snapshot({
    Chassis: [HV1, HV2].map((u, i) => ({ _uuid: u, name: `hv${i + 1}`, other_config: {}, encaps: [] })),
    Datapath_Binding: [{ _uuid: LS, tunnel_key: 1, external_ids: {} }],
    Port_Binding: [
      pb(0x20, 'sw0-p1', LS, 1, { chassis: parentChassis }),
      pb(0x21, 'sw0-vir', LS, 2, { type: 'virtual', virtual_parent: null, ...vir }),
    ],
  });
}
const plan = (sb: SbSnapshot, ifaceIds: string[]) => planBindings(sb, HV1 as Uuid<'Chassis'>, new Set(ifaceIds), 'hv1');
const names = (pbs: readonly { logical_port: string }[]) => pbs.map((p) => p.logical_port);

describe('virtual port bindings', () => {
  it('holds while its parent is bound here', () => {
    const p = plan(world({ chassis: HV1, virtual_parent: 'sw0-p1' }), ['sw0-p1']);
    expect([...names(p.claim), ...names(p.release)]).toEqual([]);
  });
  it('is released when the parent is gone from here (unbound, moved, or its interface removed)', () => {
    expect(names(plan(world({ chassis: HV1, virtual_parent: 'sw0-p1' }, null), ['sw0-p1']).release)).toEqual([
      'sw0-vir',
    ]);
    expect(names(plan(world({ chassis: HV1, virtual_parent: 'sw0-p1' }, HV2), []).release)).toEqual(['sw0-vir']);
    expect(names(plan(world({ chassis: HV1, virtual_parent: 'sw0-p1' }), []).release)).toContain('sw0-vir');
    expect(names(plan(world({ chassis: HV1, virtual_parent: null }), ['sw0-p1']).release)).toEqual(['sw0-vir']);
  });
  it('an interface named after it does not bind it; bound elsewhere it is left alone', () => {
    expect(names(plan(world({}), ['sw0-p1', 'sw0-vir']).claim)).toEqual([]);
    expect(names(plan(world({ chassis: HV2, virtual_parent: 'sw0-p1' }), ['sw0-p1']).release)).toEqual([]);
  });
});
