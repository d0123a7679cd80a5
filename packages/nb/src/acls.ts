// ACLs (on switches or port groups), port groups, QoS rules and meters. Operations take typed values
// (directions and actions as their schema enums, priorities and rates as numbers); the parse* helpers
// read ovn-nbctl's argument text and fail with its wording.
import type { ACL, QoS } from '@ovnts/schema/nb';
import { NbError } from './errors.js';
import { KINDS, isUuid, lookup } from './lookup.js';
import type { Added, NbRow, NbStore } from './store.js';
import { derefAll } from './switches.js';
import { checkPriority, leadingInt } from './validate.js';

export type Direction = ACL['direction'];

/** Only the first letter counts, as in ovn-nbctl ("t…" → to-lport, "f…" → from-lport). */
export function parseDirection(arg: string): Direction {
  if (arg.startsWith('t')) return 'to-lport';
  if (arg.startsWith('f')) return 'from-lport';
  throw new NbError(`${arg}: direction must be "to-lport" or "from-lport"`);
}

/** A direction given as a value (not text): exactly "to-lport" or "from-lport". */
function checkDirection(direction: Direction): void {
  if (direction !== 'to-lport' && direction !== 'from-lport')
    throw new NbError(`${String(direction)}: direction must be "to-lport" or "from-lport"`);
}

export type AclTarget =
  | { readonly table: 'Logical_Switch'; readonly row: NbRow<'Logical_Switch'> }
  | { readonly table: 'Port_Group'; readonly row: NbRow<'Port_Group'> };

/** What a name given to the acl-* commands may name (ovn-nbctl's --type). */
export type AclTargetType = 'switch' | 'port-group';

/** ovn-nbctl's --type value. */
export function parseAclTargetType(type: string): AclTargetType {
  if (type !== 'switch' && type !== 'port-group') throw new NbError(`Invalid value '${type}' for option --type`);
  return type;
}

/** Resolve "SWITCH | PORTGROUP" (optionally forced with type 'switch' / 'port-group'). */
export function aclTarget(s: NbStore, id: string, type?: AclTargetType): AclTarget {
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
  if (type === 'port-group') return { table: 'Port_Group', row: lookup(s, KINDS.portGroup, id, true) };
  if (type === 'switch') return { table: 'Logical_Switch', row: lookup(s, KINDS.switch, id, true) };
  throw new NbError(`Invalid value '${String(type)}' for option --type`);
}

/** What identifies an ACL among a target's (and what ovn-nbctl sorts by). */
type AclKey = Pick<ACL, 'direction' | 'priority' | 'match' | 'options'>;

const afterLb = (r: AclKey) => ['true', 'yes', 'on', '1'].includes(r.options['apply-after-lb'] ?? '');
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** ovn-nbctl's ACL order: from-lport first, apply-after-lb last, priority high to low, then match. */
export function compareAcls(a: AclKey, b: AclKey): number {
  const da = a.direction === 'from-lport' ? 0 : 1;
  const db = b.direction === 'from-lport' ? 0 : 1;
  if (da !== db) return da - db;
  if (afterLb(a) !== afterLb(b)) return afterLb(b) ? -1 : 1;
  if (a.priority !== b.priority) return b.priority - a.priority;
  return cmp(a.match, b.match);
}

export const ACL_ACTIONS = ['allow', 'allow-related', 'allow-stateless', 'drop', 'reject'] as const;
export type AclAction = ACL['action'];
export type Severity = NonNullable<ACL['severity']>;
const SEVERITIES = ['alert', 'warning', 'notice', 'info', 'debug'] as const satisfies readonly Severity[];

export function parseAclAction(action: string): AclAction {
  const a = ACL_ACTIONS.find((x) => x === action);
  if (a === undefined) {
    throw new NbError(
      `${action}: action must be one of "allow", "allow-related", "allow-stateless", "drop", and "reject"`,
    );
  }
  return a;
}

export function parseSeverity(severity: string): Severity {
  const v = SEVERITIES.find((x) => x === severity);
  if (v === undefined) throw new NbError(`bad severity: ${severity}`);
  return v;
}

/** Only allow and allow-related ACLs carry a label. */
function checkLabelAction(action: AclAction): void {
  if (action !== 'allow' && action !== 'allow-related') {
    throw new NbError('label can only be set with actions "allow" or "allow-related"');
  }
}

/** An ACL label as the CLI gives it (0..4294967295), checked against the action first as ovn-nbctl does. */
export function parseAclLabel(text: string, action: AclAction): number {
  checkLabelAction(action);
  const label = leadingInt(text);
  if (!(label >= 0 && label <= 4294967295)) throw new NbError(`${text}: label must in range 0...4294967295`);
  return label;
}

export interface AclOptions {
  readonly log?: boolean;
  readonly severity?: Severity;
  readonly name?: string;
  readonly meter?: string;
  /** 0..4294967295, for allow and allow-related ACLs. */
  readonly label?: number;
  readonly applyAfterLb?: boolean;
  readonly mayExist?: boolean;
}

export function addAcl(
  s: NbStore,
  target: AclTarget,
  direction: Direction,
  priority: number,
  match: string,
  action: AclAction,
  opts: AclOptions = {},
): Added<'ACL'> {
  checkDirection(direction);
  checkPriority(priority);
  parseAclAction(action);
  if (opts.severity !== undefined) parseSeverity(opts.severity);
  if (opts.label !== undefined) {
    checkLabelAction(action);
    if (!Number.isInteger(opts.label) || opts.label < 0 || opts.label > 4294967295)
      throw new NbError(`${opts.label}: label must in range 0...4294967295`);
  }
  const options: Record<string, string> =
    direction === 'from-lport' && opts.applyAfterLb ? { 'apply-after-lb': 'true' } : {};
  const key = { direction, priority, match, options };
  const same = derefAll(s, 'ACL', target.row.acls).find((a) => compareAcls(a, key) === 0);
  if (same) {
    if (!opts.mayExist) throw new NbError(`Same ACL already existed on the ls ${target.row.name}.`);
    return { row: same, created: false };
  }
  const log = !!opts.log || opts.severity !== undefined || opts.name !== undefined || opts.meter !== undefined;
  const acl = s.insert('ACL', {
    priority,
    direction,
    match,
    action,
    ...(log ? { log } : {}),
    ...(opts.severity !== undefined ? { severity: opts.severity } : {}),
    ...(opts.name !== undefined ? { name: opts.name } : {}),
    ...(opts.meter !== undefined ? { meter: opts.meter } : {}),
    ...(opts.label !== undefined ? { label: opts.label } : {}),
    ...(Object.keys(options).length ? { options } : {}),
  });
  addAclTo(s, target, acl);
  return { row: acl, created: true };
}

function addAclTo(s: NbStore, target: AclTarget, acl: NbRow<'ACL'>): void {
  if (target.table === 'Port_Group') s.addToSet(target.table, target.row, 'acls', [acl._uuid]);
  else s.addToSet(target.table, target.row, 'acls', [acl._uuid]);
}

function removeAclFrom(s: NbStore, target: AclTarget, acl: NbRow<'ACL'>): void {
  if (target.table === 'Port_Group') s.removeFromSet(target.table, target.row, 'acls', [acl._uuid]);
  else s.removeFromSet(target.table, target.row, 'acls', [acl._uuid]);
}

/** Delete all ACLs, those of a direction, or the ones with a direction, priority and match. */
export function deleteAcls(
  s: NbStore,
  target: AclTarget,
  direction?: Direction,
  priority?: number,
  match?: string,
): void {
  if (direction === undefined) {
    if (target.table === 'Port_Group') s.set(target.table, target.row, 'acls', []);
    else s.set(target.table, target.row, 'acls', []);
    return;
  }
  const acls = derefAll(s, 'ACL', target.row.acls);
  if (priority === undefined) {
    for (const a of acls) if (a.direction === direction) removeAclFrom(s, target, a);
    return;
  }
  checkPriority(priority);
  if (match === undefined) throw new NbError('cannot specify priority without match');
  for (const a of acls)
    if (a.priority === priority && a.match === match && a.direction === direction) removeAclFrom(s, target, a);
}

/** A switch's or port group's ACLs in ovn-nbctl's order. */
export function listAcls(s: NbStore, target: AclTarget): NbRow<'ACL'>[] {
  return derefAll(s, 'ACL', target.row.acls).sort(compareAcls);
}

// ---- Port groups ----

export function addPortGroup(s: NbStore, name: string, ports: readonly string[] = []): Added<'Port_Group'> {
  const pg = s.insert('Port_Group', { name });
  setPortGroupPorts(s, pg, ports);
  return { row: pg, created: true };
}

/** Set a port group's ports (switch port names or UUIDs). */
export function setPortGroupPorts(s: NbStore, pg: NbRow<'Port_Group'>, ports: readonly string[]): void {
  const uuids = ports.map((p) => lookup(s, KINDS.switchPort, p, true)._uuid);
  s.set('Port_Group', pg, 'ports', [...new Set(uuids)]);
}

export function deletePortGroup(s: NbStore, id: string): void {
  s.delete('Port_Group', lookup(s, KINDS.portGroup, id, true));
}

// ---- QoS ----

type QosKey = Pick<QoS, 'direction' | 'priority' | 'match'>;

export function compareQos(a: QosKey, b: QosKey): number {
  const da = a.direction === 'from-lport' ? 0 : 1;
  const db = b.direction === 'from-lport' ? 0 : 1;
  if (da !== db) return da - db;
  if (a.priority !== b.priority) return b.priority - a.priority;
  return cmp(a.match, b.match);
}

/** What a QoS rule does: mark DSCP (0..63) and/or limit the rate (kbps, with an optional burst). */
export interface QosAction {
  readonly dscp?: number;
  readonly rate?: number;
  readonly burst?: number;
}

const inRange = (n: number, lo: number, hi: number) => Number.isInteger(n) && n >= lo && n <= hi;

/** ovn-nbctl's qos-add arguments: "dscp=N", "rate=N", "burst=N". */
export function parseQosArgs(args: readonly string[]): QosAction {
  let dscp: number | undefined;
  let rate: number | undefined;
  let burst: number | undefined;
  for (const a of args) {
    if (a.startsWith('dscp=')) {
      dscp = leadingInt(a.slice(5));
      if (!inRange(dscp, 0, 63)) throw new NbError(`${a.slice(5)}: dscp must be in the range 0...63`);
    } else if (a.startsWith('rate=')) {
      rate = leadingInt(a.slice(5));
      if (!inRange(rate, 1, 4294967295)) throw new NbError(`${a.slice(5)}: rate must be in the range 1...4294967295`);
    } else if (a.startsWith('burst=')) {
      burst = leadingInt(a.slice(6));
      if (!inRange(burst, 1, 4294967295)) throw new NbError(`${a.slice(6)}: burst must be in the range 1...4294967295`);
    } else {
      throw new NbError(`${a}: supported arguments are "dscp=", "rate=", and "burst="`);
    }
  }
  return {
    ...(dscp !== undefined ? { dscp } : {}),
    ...(rate !== undefined ? { rate } : {}),
    ...(burst !== undefined ? { burst } : {}),
  };
}

/** Add a QoS rule to a switch. */
export function addQos(
  s: NbStore,
  switchId: string,
  direction: Direction,
  priority: number,
  match: string,
  qos: QosAction,
  opts: { mayExist?: boolean } = {},
): Added<'QoS'> {
  checkDirection(direction);
  checkPriority(priority);
  const ls = lookup(s, KINDS.switch, switchId, true);
  const { dscp, rate, burst } = qos;
  if (dscp !== undefined && !inRange(dscp, 0, 63)) throw new NbError(`${dscp}: dscp must be in the range 0...63`);
  if (rate !== undefined && !inRange(rate, 1, 4294967295))
    throw new NbError(`${rate}: rate must be in the range 1...4294967295`);
  if (burst !== undefined && !inRange(burst, 1, 4294967295))
    throw new NbError(`${burst}: burst must be in the range 1...4294967295`);
  if (dscp === undefined && !rate) throw new NbError('Either "rate" and/or "dscp" must be specified');
  const same = derefAll(s, 'QoS', ls.qos_rules).find((q) => compareQos(q, { direction, priority, match }) === 0);
  if (same) {
    if (!opts.mayExist) throw new NbError(`Same qos already existed on the ls ${switchId}.`);
    return { row: same, created: false };
  }
  const row = s.insert('QoS', {
    priority,
    direction,
    match,
    ...(dscp !== undefined ? { action: { dscp } } : {}),
    ...(rate ? { bandwidth: burst ? { rate, burst } : { rate } } : {}),
  });
  s.addToSet('Logical_Switch', ls, 'qos_rules', [row._uuid]);
  return { row, created: true };
}

/** Which QoS rules of a switch to delete: one by UUID, or those of a direction (and priority and match). */
export type QosSelector =
  { readonly uuid: string } | { readonly direction: Direction; readonly priority?: number; readonly match?: string };

/** Delete a switch's QoS rules: all of them, or those `which` selects. */
export function deleteQos(s: NbStore, switchId: string, which?: QosSelector): void {
  const ls = lookup(s, KINDS.switch, switchId, true);
  if (which === undefined) {
    s.set('Logical_Switch', ls, 'qos_rules', []);
    return;
  }
  const rules = derefAll(s, 'QoS', ls.qos_rules);
  const del = (q: NbRow<'QoS'>) => s.removeFromSet('Logical_Switch', ls, 'qos_rules', [q._uuid]);
  if ('uuid' in which) {
    const q = isUuid(which.uuid) ? rules.find((r) => r._uuid === which.uuid.toLowerCase()) : undefined;
    if (!q) throw new NbError('uuid is not found');
    del(q);
    return;
  }
  const { direction, priority, match } = which;
  if (priority === undefined) {
    for (const q of rules) if (q.direction === direction) del(q);
    return;
  }
  checkPriority(priority);
  if (match === undefined) throw new NbError('cannot specify priority without match');
  for (const q of rules) if (q.priority === priority && q.match === match && q.direction === direction) del(q);
}

// ---- Meters ----

export type MeterUnit = NbRow<'Meter'>['unit'];

export interface MeterBandSpec {
  readonly action: NbRow<'Meter_Band'>['action'];
  /** 1..4294967295, in `unit`s. */
  readonly rate: number;
  readonly unit: MeterUnit;
  /** 0..4294967295 (default 0). */
  readonly burst?: number;
}

/** Meter names are unique unless mayExist (the meter is then rewritten); "__" names are reserved. */
export function checkMeterName(s: NbStore, name: string, mayExist = false): void {
  if (!mayExist && s.findBy('Meter', 'name', name).length)
    throw new NbError(`meter with name "${name}" already exists`);
  if (name.startsWith('__')) throw new NbError('meter names that begin with "__" are reserved');
}

/** ovn-nbctl's meter-add ACTION RATE UNIT [BURST] arguments, checked in its order. */
export function parseMeterBand(action: string, rate: string, unit: string, burst?: string): MeterBandSpec {
  if (action !== 'drop') throw new NbError('action must be "drop"');
  const r = leadingInt(rate);
  if (!inRange(r, 1, 4294967295)) throw new NbError('rate must be in the range 1...4294967295');
  if (unit !== 'kbps' && unit !== 'pktps') throw new NbError('unit must be "kbps" or "pktps"');
  const b = burst === undefined ? 0 : leadingInt(burst);
  if (!inRange(b, 0, 4294967295)) throw new NbError('burst must be in the range 0...4294967295');
  return { action, rate: r, unit, burst: b };
}

/** Add a meter with one band (with mayExist, rewrite the existing one's band). */
export function addMeter(
  s: NbStore,
  name: string,
  band: MeterBandSpec,
  opts: { mayExist?: boolean; fair?: boolean } = {},
): Added<'Meter'> {
  checkMeterName(s, name, opts.mayExist);
  if (band.action !== 'drop') throw new NbError('action must be "drop"');
  if (!inRange(band.rate, 1, 4294967295)) throw new NbError('rate must be in the range 1...4294967295');
  if (band.unit !== 'kbps' && band.unit !== 'pktps') throw new NbError('unit must be "kbps" or "pktps"');
  const burst = band.burst ?? 0;
  if (!inRange(burst, 0, 4294967295)) throw new NbError('burst must be in the range 0...4294967295');
  const existing = s.findBy('Meter', 'name', name)[0];
  const first = existing?.bands[0];
  const bandRow = (first !== undefined ? s.deref('Meter_Band', first) : undefined) ?? s.insert('Meter_Band', {});
  s.set('Meter_Band', bandRow, 'action', band.action);
  s.set('Meter_Band', bandRow, 'rate', band.rate);
  s.set('Meter_Band', bandRow, 'burst_size', burst);
  const meter = existing ?? s.insert('Meter', { name });
  s.set('Meter', meter, 'unit', band.unit);
  s.set('Meter', meter, 'bands', [bandRow._uuid]);
  if (opts.fair) s.set('Meter', meter, 'fair', true);
  return { row: meter, created: !existing };
}

/** Delete one meter by name, or all meters. */
export function deleteMeters(s: NbStore, name?: string): void {
  for (const m of s.rows('Meter')) if (name === undefined || m.name === name) s.delete('Meter', m);
}
