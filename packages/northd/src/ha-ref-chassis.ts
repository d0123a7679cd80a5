// HA_Chassis_Group.ref_chassis, as ovn-northd 23.03 keeps it: for a group of two or more chassis used by
// distributed gateway ports, the chassis that have claimed a port of a switch attached to the group's
// routers or to any router connected with them through switches (they may send traffic through the
// gateway, so the gateway chassis keep BFD sessions to them). Every other group has none.
//
// It follows Port_Binding.chassis, which ovn-controller writes on every port claim, so it is not part
// of the compiled output: the daemon recomputes it from the SB after each round (no write when equal).
import type { Uuid } from 'ovsdb-client-ts';
import type { Tables as SbTables } from '@ovnts/schema/sb';

export interface RefChassisUpdate {
  readonly group: Uuid<'HA_Chassis_Group'>;
  readonly refChassis: Uuid<'Chassis'>[];
}

/**
 * The groups whose ref_chassis differ from what they should be. `refSwitches` names, per group name,
 * the switches (NB UUIDs) that count; `bindingsOn` lists the SB port bindings of such a switch.
 */
export function refChassisUpdates(
  groups: Iterable<Pick<SbTables['HA_Chassis_Group'], '_uuid' | 'name' | 'ha_chassis' | 'ref_chassis'>>,
  refSwitches: ReadonlyMap<string, readonly string[]>,
  bindingsOn: (nbSwitch: string) => Iterable<Pick<SbTables['Port_Binding'], 'chassis'>>,
): RefChassisUpdate[] {
  const out: RefChassisUpdate[] = [];
  const perSwitch = new Map<string, ReadonlySet<Uuid<'Chassis'>>>();
  const chassisOn = (sw: string) => {
    let s = perSwitch.get(sw);
    if (!s) {
      const found = new Set<Uuid<'Chassis'>>();
      for (const pb of bindingsOn(sw)) if (pb.chassis !== null) found.add(pb.chassis);
      perSwitch.set(sw, (s = found));
    }
    return s;
  };
  for (const g of groups) {
    const want = new Set<Uuid<'Chassis'>>();
    if (g.ha_chassis.length > 1)
      for (const sw of refSwitches.get(g.name) ?? []) for (const c of chassisOn(sw)) want.add(c);
    const have = new Set(g.ref_chassis);
    if (have.size === want.size && [...want].every((c) => have.has(c))) continue;
    out.push({ group: g._uuid, refChassis: [...want].sort() });
  }
  return out;
}
