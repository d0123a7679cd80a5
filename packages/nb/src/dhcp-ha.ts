// DHCP_Options rows and HA chassis groups.
import { normalizeIpv4, normalizeIpv6, normalizeMac, parsePrefixText } from '@ovnts/net';
import { ipText, macText, prefixText, type IpArg, type MacArg, type PrefixArg } from './addresses.js';
import { NbError } from './errors.js';
import { isUuid } from './lookup.js';
import type { Added, NbRow, NbStore } from './store.js';
import { findRouterPort } from './routers.js';
import { derefAll } from './switches.js';
import { checkPriority } from './validate.js';

/** Create DHCP options for a CIDR, with optional external_ids. */
export function createDhcpOptions(
  s: NbStore,
  cidrArg: PrefixArg,
  externalIds: Record<string, string> = {},
): Added<'DHCP_Options'> {
  const cidr = prefixText(cidrArg);
  if (!parsePrefixText(cidr)) throw new NbError(`Invalid cidr format '${cidr}'`);
  return { row: s.insert('DHCP_Options', { cidr, external_ids: externalIds }), created: true };
}

/** DHCP options are found by UUID only. */
export function findDhcpOptions(s: NbStore, id: string): NbRow<'DHCP_Options'>;
export function findDhcpOptions(s: NbStore, id: string, mustExist: boolean): NbRow<'DHCP_Options'> | undefined;
export function findDhcpOptions(s: NbStore, id: string, mustExist = true): NbRow<'DHCP_Options'> | undefined {
  const row = isUuid(id) ? s.get('DHCP_Options', id.toLowerCase()) : undefined;
  if (!row && mustExist) throw new NbError(`${id}: dhcp options UUID not found`);
  return row;
}

export function setDhcpOptions(s: NbStore, id: string, options: Record<string, string>): void {
  s.set('DHCP_Options', findDhcpOptions(s, id), 'options', { ...options });
}

export function deleteDhcpOptions(s: NbStore, id: string, opts: { ifExists?: boolean } = {}): void {
  const row = findDhcpOptions(s, id, !opts.ifExists);
  if (row) s.delete('DHCP_Options', row);
}

export function findHaChassisGroup(s: NbStore, id: string): NbRow<'HA_Chassis_Group'> {
  const uuid = isUuid(id);
  const row =
    (uuid && s.get('HA_Chassis_Group', id.toLowerCase())) || s.rows('HA_Chassis_Group').find((r) => r.name === id);
  if (!row) throw new NbError(`${id}: ha_chassi_group ${uuid ? 'UUID' : 'name'} not found`);
  return row;
}

export function addHaChassisGroup(s: NbStore, name: string): Added<'HA_Chassis_Group'> {
  return { row: s.insert('HA_Chassis_Group', { name }), created: true };
}

export function deleteHaChassisGroup(s: NbStore, id: string): void {
  s.delete('HA_Chassis_Group', findHaChassisGroup(s, id));
}

function chassisIn(s: NbStore, grp: NbRow<'HA_Chassis_Group'>, chassis: string): NbRow<'HA_Chassis'> | undefined {
  return derefAll(s, 'HA_Chassis', grp.ha_chassis).find((c) => c.chassis_name === chassis);
}

/** Add a chassis to a group with a priority 0..32767 (or change its priority if already there). */
export function addHaChassis(s: NbStore, groupId: string, chassis: string, priority: number): Added<'HA_Chassis'> {
  const grp = findHaChassisGroup(s, groupId);
  checkPriority(priority);
  const existing = chassisIn(s, grp, chassis);
  if (existing) {
    s.set('HA_Chassis', existing, 'priority', priority);
    return { row: existing, created: false };
  }
  const c = s.insert('HA_Chassis', { chassis_name: chassis, priority });
  s.addToSet('HA_Chassis_Group', grp, 'ha_chassis', [c._uuid]);
  return { row: c, created: true };
}

export function removeHaChassis(s: NbStore, groupId: string, chassis: string): void {
  const grp = findHaChassisGroup(s, groupId);
  const c = chassisIn(s, grp, chassis);
  if (!c) throw new NbError(`${chassis}: ha chassis not found in ${groupId} ha chassis group`);
  s.removeFromSet('HA_Chassis_Group', grp, 'ha_chassis', [c._uuid]);
  s.delete('HA_Chassis', c);
}

export function setHaChassisPriority(s: NbStore, groupId: string, chassis: string, priority: number): void {
  const grp = findHaChassisGroup(s, groupId);
  checkPriority(priority);
  const c = chassisIn(s, grp, chassis);
  if (!c) throw new NbError(`${chassis}: ha chassis not found in ${groupId} ha chassis group`);
  s.set('HA_Chassis', c, 'priority', priority);
}

// ---- Static MAC bindings and NB connections ----

/** A static MAC binding for a router port's neighbor IP. */
export function addStaticMacBinding(
  s: NbStore,
  port: string,
  ipArg: IpArg,
  macArg: MacArg,
  opts: { mayExist?: boolean } = {},
): Added<'Static_MAC_Binding'> {
  const ip = ipText(ipArg);
  const mac = macText(macArg);
  findRouterPort(s, port);
  const newIp = normalizeIpv4(ip) ?? normalizeIpv6(ip);
  if (!newIp) throw new NbError(`${ip}: Not a valid IPv4 or IPv6 address.`);
  if (!normalizeMac(mac)) throw new NbError(`invalid mac address ${mac}.`);
  // ovn-nbctl looks the binding up by the IP as typed.
  const existing = s.rows('Static_MAC_Binding').find((r) => r.logical_port === port && r.ip === ip);
  if (existing) {
    if (!opts.mayExist) {
      throw new NbError(`${port}, ${newIp}: a Static_MAC_Binding with this logical_port and ip already exists`);
    }
    if (existing.mac !== mac) s.set('Static_MAC_Binding', existing, 'mac', mac);
    return { row: existing, created: false };
  }
  return { row: s.insert('Static_MAC_Binding', { logical_port: port, ip: newIp, mac }), created: true };
}

export function deleteStaticMacBinding(
  s: NbStore,
  port: string,
  ipArg: IpArg,
  opts: { ifExists?: boolean } = {},
): void {
  const ip = ipText(ipArg);
  findRouterPort(s, port);
  const newIp = normalizeIpv4(ip) ?? normalizeIpv6(ip);
  if (!newIp) throw new NbError(`${ip}: Not a valid IPv4 or IPv6 address.`);
  const existing = s.rows('Static_MAC_Binding').find((r) => r.logical_port === port && r.ip === newIp);
  if (existing) s.delete('Static_MAC_Binding', existing);
  else if (!opts.ifExists) throw new NbError(`no matching Static_MAC_Binding with port ${port} and ip ${newIp}`);
}

/** Replace NB_Global's connections with these targets ("ptcp:6641", ...). */
export function setConnections(s: NbStore, targets: readonly string[], inactivityProbeMs?: number): void {
  deleteConnections(s);
  const nbg = s.rows('NB_Global')[0];
  if (!nbg) return;
  const rows = targets.map((target) =>
    s.insert('Connection', {
      target,
      ...(inactivityProbeMs !== undefined ? { inactivity_probe: inactivityProbeMs } : {}),
    }),
  );
  s.set(
    'NB_Global',
    nbg,
    'connections',
    rows.map((r) => r._uuid),
  );
}

export function deleteConnections(s: NbStore): void {
  for (const c of s.rows('Connection')) s.delete('Connection', c);
  const nbg = s.rows('NB_Global')[0];
  if (nbg) s.set('NB_Global', nbg, 'connections', []);
}

// ---- SSL settings of the NB database server ----

export interface SslSettings {
  readonly privateKey: string;
  readonly certificate: string;
  readonly caCert: string;
  readonly bootstrap?: boolean;
  readonly protocols?: string;
  readonly ciphers?: string;
}

/** Replace NB_Global's SSL row. */
export function setSsl(s: NbStore, ssl: SslSettings): NbRow<'SSL'> {
  deleteSsl(s);
  const row = s.insert('SSL', {
    private_key: ssl.privateKey,
    certificate: ssl.certificate,
    ca_cert: ssl.caCert,
    bootstrap_ca_cert: !!ssl.bootstrap,
    ...(ssl.protocols !== undefined ? { ssl_protocols: ssl.protocols } : {}),
    ...(ssl.ciphers !== undefined ? { ssl_ciphers: ssl.ciphers } : {}),
  });
  const nbg = s.rows('NB_Global')[0];
  if (nbg) s.set('NB_Global', nbg, 'ssl', row._uuid);
  return row;
}

export function deleteSsl(s: NbStore): void {
  const ssl = s.rows('SSL')[0];
  if (!ssl) return;
  s.delete('SSL', ssl);
  const nbg = s.rows('NB_Global')[0];
  if (nbg) s.set('NB_Global', nbg, 'ssl', null);
}
