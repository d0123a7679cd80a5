// ACLs (on switches or port groups), port groups, QoS rules and meters.
import { NbError } from './errors.js';
import { KINDS, lookup } from './lookup.js';
import type { Added, NbStore, Row } from './store.js';
import { parsePriority } from './routers.js';

export type Direction = 'from-lport' | 'to-lport';

/** Only the first letter counts, as in ovn-nbctl ("t…" → to-lport, "f…" → from-lport). */
export function parseDirection(arg: string): Direction {
  if (arg.startsWith('t')) return 'to-lport';
  if (arg.startsWith('f')) return 'from-lport';
  throw new NbError(`${arg}: direction must be "to-lport" or "from-lport"`);
}

export type AclTarget = { readonly table: 'Logical_Switch' | 'Port_Group'; readonly row: Row };

/** Resolve "SWITCH | PORTGROUP" (optionally forced with type 'switch' / 'port-group'). */
export function aclTarget(s: NbStore, id: string, type?: string): AclTarget {
  if (type === undefined) {
    const pg = lookup(s, KINDS.portGroup, id, false);
    const ls = lookup(s, KINDS.switch, id, false);
    if (pg && ls) {
      throw new NbError(
        `Same name '${id}' exists in both port-groups and logical switches. Specify --type=port-group or switch, or use a UUID.`,
      );
    }
    if (pg) return { table: 'Port_Group', row: pg };
    if (ls) return { table: 'Logical_Switch', row: ls };
    throw new NbError(`'${id}' is not found for port-group or switch.`);
  }
  if (type === 'port-group') return { table: 'Port_Group', row: lookup(s, KINDS.portGroup, id, true)! };
  if (type === 'switch') return { table: 'Logical_Switch', row: lookup(s, KINDS.switch, id, true)! };
  throw new NbError(`Invalid value '${type}' for option --type`);
}

const afterLb = (r: Row) =>
  ['true', 'yes', 'on', '1'].includes((r['options'] as Record<string, string>)['apply-after-lb'] ?? '');
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** ovn-nbctl's ACL order: from-lport first, apply-after-lb last, priority high to low, then match. */
export function compareAcls(a: Row, b: Row): number {
  const da = a['direction'] === 'from-lport' ? 0 : 1;
  const db = b['direction'] === 'from-lport' ? 0 : 1;
  if (da !== db) return da - db;
  if (afterLb(a) !== afterLb(b)) return afterLb(b) ? -1 : 1;
  if (a['priority'] !== b['priority']) return Number(b['priority']) - Number(a['priority']);
  return cmp(String(a['match']), String(b['match']));
}

export const ACL_ACTIONS = ['allow', 'allow-related', 'allow-stateless', 'drop', 'reject'] as const;
const SEVERITIES = ['alert', 'warning', 'notice', 'info', 'debug'];

export interface AclOptions {
  readonly log?: boolean;
  readonly severity?: string;
  readonly name?: string;
  readonly meter?: string;
  readonly label?: string;
  readonly applyAfterLb?: boolean;
  readonly mayExist?: boolean;
}

export function addAcl(
  s: NbStore,
  target: AclTarget,
  directionArg: string,
  priorityArg: number | string,
  match: string,
  action: string,
  opts: AclOptions = {},
): Added<'ACL'> {
  const direction = parseDirection(directionArg);
  const priority = parsePriority(String(priorityArg));
  if (!(ACL_ACTIONS as readonly string[]).includes(action)) {
    throw new NbError(
      `${action}: action must be one of "allow", "allow-related", "allow-stateless", "drop", and "reject"`,
    );
  }
  const values: Record<string, string | number | boolean | Record<string, string>> = {
    priority,
    direction,
    match,
    action,
  };
  if (opts.log || opts.severity !== undefined || opts.name !== undefined || opts.meter !== undefined)
    values['log'] = true;
  if (opts.severity !== undefined) {
    if (!SEVERITIES.includes(opts.severity)) throw new NbError(`bad severity: ${opts.severity}`);
    values['severity'] = opts.severity;
  }
  if (opts.name !== undefined) values['name'] = opts.name;
  if (opts.meter !== undefined) values['meter'] = opts.meter;
  if (opts.label !== undefined) {
    if (action !== 'allow' && action !== 'allow-related') {
      throw new NbError('label can only be set with actions "allow" or "allow-related"');
    }
    const m = /^\s*[-+]?\d+/.exec(opts.label);
    const label = m ? Number(m[0]) : NaN;
    if (!m || label < 0 || label > 4294967295) throw new NbError(`${opts.label}: label must in range 0...4294967295`);
    values['label'] = label;
  }
  if (direction === 'from-lport' && opts.applyAfterLb) values['options'] = { 'apply-after-lb': 'true' };
  const probe = { _uuid: '', options: {}, ...values } as unknown as Row;
  const existing = (target.row['acls'] as string[]).map((u) => s.deref('ACL', u)).filter((r): r is Row => !!r);
  const same = existing.find((a) => compareAcls(a, probe) === 0);
  if (same) {
    if (!opts.mayExist) throw new NbError(`Same ACL already existed on the ls ${String(target.row['name'])}.`);
    return { row: s.typed('ACL', same), created: false };
  }
  const acl = s.insert('ACL', values as Record<string, string>);
  s.addToSet(target.table, target.row, 'acls', [acl._uuid]);
  return { row: acl, created: true };
}

/** Delete all ACLs, those of a direction, or the one with a direction, priority and match. */
export function deleteAcls(
  s: NbStore,
  target: AclTarget,
  directionArg?: string,
  priorityArg?: number | string,
  match?: string,
): void {
  if (directionArg === undefined) {
    s.set(target.table, target.row, 'acls', []);
    return;
  }
  const direction = parseDirection(directionArg);
  const acls = (target.row['acls'] as string[]).map((u) => s.deref('ACL', u)).filter((r): r is Row => !!r);
  const del = (a: Row) => s.removeFromSet(target.table, target.row, 'acls', [a._uuid]);
  if (priorityArg === undefined) {
    for (const a of acls) if (a['direction'] === direction) del(a);
    return;
  }
  const priority = parsePriority(String(priorityArg));
  if (match === undefined) throw new NbError('cannot specify priority without match');
  for (const a of acls) if (a['priority'] === priority && a['match'] === match && a['direction'] === direction) del(a);
}

export function listAcls(s: NbStore, target: AclTarget): Row[] {
  return (target.row['acls'] as string[])
    .map((u) => s.deref('ACL', u))
    .filter((r): r is Row => !!r)
    .sort(compareAcls);
}

// ---- Port groups ----

export function addPortGroup(s: NbStore, name: string, ports: readonly string[] = []): Added<'Port_Group'> {
  const pg = s.insert('Port_Group', { name });
  setPortGroupPorts(s, pg, ports);
  return { row: pg, created: true };
}

export function setPortGroupPorts(s: NbStore, pg: Row, ports: readonly string[]): void {
  const uuids = ports.map((p) => lookup(s, KINDS.switchPort, p, true)!._uuid);
  s.set('Port_Group', pg, 'ports', [...new Set(uuids)]);
}

export function deletePortGroup(s: NbStore, id: string): void {
  s.delete('Port_Group', lookup(s, KINDS.portGroup, id, true)!);
}

// ---- QoS ----

export function compareQos(a: Row, b: Row): number {
  const da = a['direction'] === 'from-lport' ? 0 : 1;
  const db = b['direction'] === 'from-lport' ? 0 : 1;
  if (da !== db) return da - db;
  if (a['priority'] !== b['priority']) return Number(b['priority']) - Number(a['priority']);
  return cmp(String(a['match']), String(b['match']));
}

/** Add a QoS rule: args are "dscp=N", "rate=N", "burst=N". */
export function addQos(
  s: NbStore,
  switchId: string,
  directionArg: string,
  priorityArg: number | string,
  match: string,
  args: readonly string[],
  opts: { mayExist?: boolean } = {},
): Added<'QoS'> {
  const direction = parseDirection(directionArg);
  const priority = parsePriority(String(priorityArg));
  const ls = lookup(s, KINDS.switch, switchId, true)!;
  let dscp = -1;
  let rate = 0;
  let burst = 0;
  const num = (t: string) => {
    const m = /^\s*[-+]?\d+/.exec(t);
    return m ? Number(m[0]) : NaN;
  };
  for (const a of args) {
    if (a.startsWith('dscp=')) {
      dscp = num(a.slice(5));
      if (!(dscp >= 0 && dscp <= 63)) throw new NbError(`${a.slice(5)}: dscp must be in the range 0...63`);
    } else if (a.startsWith('rate=')) {
      rate = num(a.slice(5));
      if (!(rate >= 1 && rate <= 4294967295))
        throw new NbError(`${a.slice(5)}: rate must be in the range 1...4294967295`);
    } else if (a.startsWith('burst=')) {
      burst = num(a.slice(6));
      if (!(burst >= 1 && burst <= 4294967295))
        throw new NbError(`${a.slice(6)}: burst must be in the range 1...4294967295`);
    } else {
      throw new NbError(`${a}: supported arguments are "dscp=", "rate=", and "burst="`);
    }
  }
  if (dscp === -1 && !rate) throw new NbError('Either "rate" and/or "dscp" must be specified');
  const probe = { _uuid: '', direction, priority, match } as unknown as Row;
  const existing = (ls['qos_rules'] as string[]).map((u) => s.deref('QoS', u)).filter((r): r is Row => !!r);
  const same = existing.find((q) => compareQos(q, probe) === 0);
  if (same) {
    if (!opts.mayExist) throw new NbError(`Same qos already existed on the ls ${switchId}.`);
    return { row: s.typed('QoS', same), created: false };
  }
  const qos = s.insert('QoS', {
    priority,
    direction,
    match,
    ...(dscp !== -1 ? { action: { dscp } } : {}),
    ...(rate ? { bandwidth: burst ? { rate, burst } : { rate } } : {}),
  });
  s.addToSet('Logical_Switch', ls, 'qos_rules', [qos._uuid]);
  return { row: qos, created: true };
}

export function deleteQos(
  s: NbStore,
  switchId: string,
  directionOrUuid?: string,
  priorityArg?: number | string,
  match?: string,
): void {
  const ls = lookup(s, KINDS.switch, switchId, true)!;
  if (directionOrUuid === undefined) {
    s.set('Logical_Switch', ls, 'qos_rules', []);
    return;
  }
  const rules = (ls['qos_rules'] as string[]).map((u) => s.deref('QoS', u)).filter((r): r is Row => !!r);
  const del = (q: Row) => s.removeFromSet('Logical_Switch', ls, 'qos_rules', [q._uuid]);
  const isUuid = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(directionOrUuid);
  const direction = isUuid ? undefined : parseDirection(directionOrUuid);
  if (priorityArg === undefined) {
    if (isUuid) {
      const q = rules.find((r) => r._uuid === directionOrUuid.toLowerCase());
      if (!q) throw new NbError('uuid is not found');
      del(q);
    } else {
      for (const q of rules) if (q['direction'] === direction) del(q);
    }
    return;
  }
  if (isUuid) throw new NbError('uuid must be the only argument');
  const priority = parsePriority(String(priorityArg));
  if (match === undefined) throw new NbError('cannot specify priority without match');
  for (const q of rules) if (q['priority'] === priority && q['match'] === match && q['direction'] === direction) del(q);
}

// ---- Meters ----

export function addMeter(
  s: NbStore,
  name: string,
  action: string,
  rateArg: string,
  unit: string,
  burstArg?: string,
  opts: { mayExist?: boolean; fair?: boolean } = {},
): Added<'Meter'> {
  let meter: Row | undefined;
  let band: Row | undefined;
  const existing = s.rows('Meter').find((m) => m['name'] === name);
  if (existing) {
    if (!opts.mayExist) throw new NbError(`meter with name "${name}" already exists`);
    meter = existing;
    const b = (meter['bands'] as string[])[0];
    band = b ? s.deref('Meter_Band', b) : undefined;
  }
  if (name.startsWith('__')) throw new NbError('meter names that begin with "__" are reserved');
  if (action !== 'drop') throw new NbError('action must be "drop"');
  const int = (t: string) => (/^\s*[-+]?\d+/.exec(t) ? Number(/^\s*[-+]?\d+/.exec(t)![0]) : NaN);
  const rate = int(rateArg);
  if (!(rate >= 1 && rate <= 4294967295)) throw new NbError('rate must be in the range 1...4294967295');
  if (unit !== 'kbps' && unit !== 'pktps') throw new NbError('unit must be "kbps" or "pktps"');
  const burst = burstArg === undefined ? 0 : int(burstArg);
  if (!(burst >= 0 && burst <= 4294967295)) throw new NbError('burst must be in the range 0...4294967295');
  band ??= s.insert('Meter_Band', { action });
  s.set('Meter_Band', band, 'action', action);
  s.set('Meter_Band', band, 'rate', rate);
  s.set('Meter_Band', band, 'burst_size', burst);
  const created = !meter;
  meter ??= s.insert('Meter', { name });
  s.set('Meter', meter, 'unit', unit);
  s.set('Meter', meter, 'bands', [band._uuid]);
  if (opts.fair) s.set('Meter', meter, 'fair', true);
  return { row: s.typed('Meter', meter), created };
}

/** Delete one meter by name, or all meters. */
export function deleteMeters(s: NbStore, name?: string): void {
  for (const m of s.rows('Meter')) if (name === undefined || m['name'] === name) s.delete('Meter', m);
}
