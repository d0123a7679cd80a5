// DHCP_Options rows and HA chassis groups.
import { NbError } from './errors.js';
import type { NbStore, Row } from './store.js';
import { parseCidr } from './validate.js';
import { parsePriority } from './routers.js';

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Create DHCP options for a CIDR, with optional external_ids. */
export function createDhcpOptions(s: NbStore, cidr: string, externalIds: Record<string, string> = {}): Row {
  if (!parseCidr(cidr)) throw new NbError(`Invalid cidr format '${cidr}'`);
  return s.insert('DHCP_Options', { cidr, external_ids: externalIds });
}

/** DHCP options are found by UUID only. */
export function findDhcpOptions(s: NbStore, id: string, mustExist = true): Row | undefined {
  const row = UUID_RE.test(id) ? s.get('DHCP_Options', id.toLowerCase()) : undefined;
  if (!row && mustExist) throw new NbError(`${id}: dhcp options UUID not found`);
  return row;
}

export function setDhcpOptions(s: NbStore, id: string, options: Record<string, string>): void {
  s.set('DHCP_Options', findDhcpOptions(s, id)!, 'options', { ...options });
}

export function deleteDhcpOptions(s: NbStore, id: string, opts: { ifExists?: boolean } = {}): void {
  const row = findDhcpOptions(s, id, !opts.ifExists);
  if (row) s.delete('DHCP_Options', row);
}

export function findHaChassisGroup(s: NbStore, id: string): Row {
  const uuid = UUID_RE.test(id);
  const row = (uuid && s.get('HA_Chassis_Group', id.toLowerCase())) || s.rows('HA_Chassis_Group').find((r) => r['name'] === id);
  if (!row) throw new NbError(`${id}: ha_chassi_group ${uuid ? 'UUID' : 'name'} not found`);
  return row;
}

export function addHaChassisGroup(s: NbStore, name: string): Row {
  return s.insert('HA_Chassis_Group', { name });
}

export function deleteHaChassisGroup(s: NbStore, id: string): void {
  s.delete('HA_Chassis_Group', findHaChassisGroup(s, id));
}

function chassisIn(s: NbStore, grp: Row, chassis: string): Row | undefined {
  return (grp['ha_chassis'] as string[]).map((u) => s.deref('HA_Chassis', u)).find((c) => c?.['chassis_name'] === chassis);
}

/** Add a chassis to a group (or change its priority if already there). */
export function addHaChassis(s: NbStore, groupId: string, chassis: string, priorityArg: string): Row {
  const grp = findHaChassisGroup(s, groupId);
  const priority = parsePriority(priorityArg);
  const existing = chassisIn(s, grp, chassis);
  if (existing) {
    s.set('HA_Chassis', existing, 'priority', priority);
    return existing;
  }
  const c = s.insert('HA_Chassis', { chassis_name: chassis, priority });
  s.addToSet('HA_Chassis_Group', grp, 'ha_chassis', [c._uuid]);
  return c;
}

export function removeHaChassis(s: NbStore, groupId: string, chassis: string): void {
  const grp = findHaChassisGroup(s, groupId);
  const c = chassisIn(s, grp, chassis);
  if (!c) throw new NbError(`${chassis}: ha chassis not found in ${groupId} ha chassis group`);
  s.removeFromSet('HA_Chassis_Group', grp, 'ha_chassis', [c._uuid]);
  s.delete('HA_Chassis', c);
}

export function setHaChassisPriority(s: NbStore, groupId: string, chassis: string, priorityArg: string): void {
  const grp = findHaChassisGroup(s, groupId);
  const priority = parsePriority(priorityArg);
  const c = chassisIn(s, grp, chassis);
  if (!c) throw new NbError(`${chassis}: ha chassis not found in ${groupId} ha chassis group`);
  s.set('HA_Chassis', c, 'priority', priority);
}
