// Writing SB HA_Chassis_Group rows (by name) with their HA_Chassis members, and resolving the Chassis
// rows that HA_Chassis.chassis and Port_Binding.requested_chassis refer to. Shared by the full diff
// (sb-diff.ts) and the incremental writer (engine/sb-sync.ts).
//
// As ovn-northd 23.03: an HA_Chassis row keeps its chassis name in external_ids:chassis-name and
// refers to the Chassis of that name when there is one (a chassis that goes away empties the weak
// reference; the row is kept, and refers to the chassis again when it comes back). requested-chassis
// names a chassis by name or, failing that, by hostname; the first one found is requested_chassis, the
// others requested_additional_chassis. HA_Chassis rows are not a root table: members dropped from a
// group's set are deleted by the server.
import type { NamedUuid, Uuid } from 'ovsdb-client-ts';
import type { Tables as SbTables } from '@ovnts/schema/sb';
import type { HaGroupOut } from './ha-chassis-groups.js';

type Row = Record<string, unknown>;
type Ref<T extends string> = Uuid<T> | NamedUuid<T>;
type ChassisRow = Pick<SbTables['Chassis'], '_uuid' | 'name' | 'hostname'>;

export interface ChassisResolver {
  byName(name: string): Uuid<'Chassis'> | undefined;
  /** By name, else by hostname. */
  byNameOrHostname(name: string): Uuid<'Chassis'> | undefined;
}

export function chassisResolver(chassis: Iterable<ChassisRow>): ChassisResolver {
  const byName = new Map<string, Uuid<'Chassis'>>();
  const byHost = new Map<string, Uuid<'Chassis'>>();
  for (const c of chassis) {
    if (!byName.has(c.name)) byName.set(c.name, c._uuid);
    if (c.hostname && !byHost.has(c.hostname)) byHost.set(c.hostname, c._uuid);
  }
  return {
    byName: (n) => byName.get(n),
    byNameOrHostname: (n) => byName.get(n) ?? byHost.get(n),
  };
}

/** Port_Binding.requested_chassis and requested_additional_chassis for requested-chassis names. */
export function requestedChassisColumns(names: readonly string[], chassis: ChassisResolver): Row {
  const found: Uuid<'Chassis'>[] = [];
  for (const n of names) {
    const u = chassis.byNameOrHostname(n);
    if (u) found.push(u);
  }
  return { requested_chassis: found[0] ?? null, requested_additional_chassis: found.slice(1) };
}

export interface HaRowOps {
  ins<T extends string>(table: T, row: Row): Ref<T>;
  /** Writes the columns of `row` that differ from `current`, if any. */
  upd(table: string, uuid: Uuid, current: object, row: Row): void;
  del(table: string, uuid: Uuid): void;
}

/**
 * Bring one group's row to `want` (inserted when `cur` is absent). Members are matched to the
 * current HA_Chassis rows by chassis name and updated in place. Returns the group's row reference.
 */
export function writeHaGroup(
  want: HaGroupOut,
  cur: SbTables['HA_Chassis_Group'] | undefined,
  haChassis: (u: Uuid<'HA_Chassis'>) => SbTables['HA_Chassis'] | undefined,
  chassis: ChassisResolver,
  ops: HaRowOps,
): Ref<'HA_Chassis_Group'> {
  // Several members may name one chassis (an NB group can list it twice): each current row serves
  // one member, so that writing the same group again changes nothing.
  const byName = new Map<string, SbTables['HA_Chassis'][]>();
  for (const u of cur?.ha_chassis ?? []) {
    const m = haChassis(u);
    const n = m?.external_ids['chassis-name'];
    if (m && n !== undefined) byName.set(n, [...(byName.get(n) ?? []), m]);
  }
  const members: Ref<'HA_Chassis'>[] = [];
  for (const m of want.members) {
    const row: Row = {
      chassis: chassis.byName(m.chassis) ?? null,
      priority: m.priority,
      external_ids: { 'chassis-name': m.chassis },
    };
    const have = byName.get(m.chassis)?.shift();
    if (have) {
      ops.upd('HA_Chassis', have._uuid, have, row);
      members.push(have._uuid);
    } else members.push(ops.ins('HA_Chassis', row));
  }
  const row: Row = { name: want.name, ha_chassis: members };
  if (!cur) return ops.ins('HA_Chassis_Group', row);
  ops.upd('HA_Chassis_Group', cur._uuid, cur, row);
  return cur._uuid;
}
