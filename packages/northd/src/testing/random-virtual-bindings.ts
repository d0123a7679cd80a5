// Random claims of virtual ports for the recompute-equivalence test: what ovn-controller writes into the
// SB when a parent announces a virtual IP (bind_vport: Port_Binding.virtual_parent and chassis) or the
// claim is released, applied to the in-memory SB and returned as the SB change the round sees.
import type { Tables as SbTables } from '@ovnts/schema/sb';
import type { SbChange } from '../input.js';
import type { MemSb } from './mem-sb.js';
import type { Rng } from './random-nb-changes.js';

const CHASSIS = '11111111-1111-4111-8111-111111111111' as SbTables['Port_Binding']['chassis'];

type Row = Record<string, unknown>;

/** One random claim or release of a virtual port on `sb` (undefined when there is no virtual port). */
export function randomVirtualBindingEdit(
  sb: MemSb,
  rng: Rng,
): { description: string; changes: SbChange[] } | undefined {
  const pick = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(rng() * xs.length)];
  const table = sb.tables.get('Port_Binding')!;
  const pbs = [...table.values()] as unknown as SbTables['Port_Binding'][];
  const vport = pick(pbs.filter((p) => p.type === 'virtual'));
  if (!vport) return undefined;
  let now: SbTables['Port_Binding'];
  if (vport.virtual_parent !== null && rng() < 0.4) {
    now = { ...vport, virtual_parent: null, chassis: null };
  } else {
    // A VIF of its switch (ovn-controller binds only those), now and then a name no port has.
    const vifs = pbs.filter((p) => p.datapath === vport.datapath && p.type === '').map((p) => p.logical_port);
    const parent = rng() < 0.1 ? 'no-such-parent' : pick(vifs);
    if (parent === undefined) return undefined;
    // Now and then a claim without a chassis (a controller going away): not bound.
    now = { ...vport, virtual_parent: parent, chassis: rng() < 0.1 ? null : CHASSIS };
  }
  table.set(vport._uuid, now as unknown as Row);
  return {
    description: `virtual-binding: ${vport.logical_port} -> ${now.virtual_parent ?? 'none'}${now.chassis ? '' : ' (no chassis)'}`,
    changes: [{ kind: 'modify', table: 'Port_Binding', uuid: vport._uuid, old: vport, new: now }],
  };
}
