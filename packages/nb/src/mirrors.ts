// Port mirrors (GRE/ERSPAN tunnels to a sink) and their attachment to switch ports.
import { normalizeIpv4, normalizeIpv6, normalizeMac } from '@ovnts/net';
import { NbError } from './errors.js';
import { KINDS, isUuid, lookup } from './lookup.js';
import type { Added, NbRow, NbStore } from './store.js';

export type MirrorType = NbRow<'Mirror'>['type'];
export type MirrorFilter = NbRow<'Mirror'>['filter'];

/** ovn-nbctl's mirror type argument: the first letter counts ("g"re, "e"rspan). */
export function parseMirrorType(arg: string): MirrorType {
  if (arg.startsWith('g')) return 'gre';
  if (arg.startsWith('e')) return 'erspan';
  throw new NbError(`${arg}: type must be "gre" or "erspan"`);
}

/** ovn-nbctl's mirror selection argument: the first letter counts ("t"o-lport, "f"rom-lport). */
export function parseMirrorFilter(arg: string): MirrorFilter {
  if (arg.startsWith('t')) return 'to-lport';
  if (arg.startsWith('f')) return 'from-lport';
  throw new NbError(`${arg}: selection must be "to-lport" or "from-lport"`);
}

/** ovn-nbctl's index argument: a (64-bit) integer, leading white space allowed as strtol reads it, nothing after. */
export function parseMirrorIndex(arg: string): number {
  const m = /^[ \t\n\v\f\r]*([-+]?\d+)$/.exec(arg);
  const index = m ? Number(m[1]) : NaN;
  if (!(index >= -(2 ** 63) && index < 2 ** 63)) throw new NbError('Invalid Index');
  return index;
}

/** Mirror names are unique. */
export function checkMirrorName(s: NbStore, name: string): void {
  if (s.rows('Mirror').some((m) => m.name === name)) throw new NbError(`Mirror with ${name} name already exists.`);
}

export interface MirrorSpec {
  readonly type: MirrorType;
  /** The tunnel key (GRE) or session id (ERSPAN): an integer. */
  readonly index: number;
  readonly filter: MirrorFilter;
  /** The IPv4 or IPv6 address of the tunnel's remote end. */
  readonly sink: string;
}

/** Add a mirror. */
export function addMirror(s: NbStore, name: string, mirror: MirrorSpec): Added<'Mirror'> {
  const { type, index, filter, sink } = mirror;
  checkMirrorName(s, name);
  if (type !== 'gre' && type !== 'erspan') throw new NbError(`${String(type)}: type must be "gre" or "erspan"`);
  if (!Number.isInteger(index)) throw new NbError('Invalid Index');
  if (filter !== 'to-lport' && filter !== 'from-lport')
    throw new NbError(`${String(filter)}: selection must be "to-lport" or "from-lport"`);
  if (!normalizeIpv4(sink) && !normalizeIpv6(sink)) throw new NbError(`Invalid sink ip: ${sink}`);
  return { row: s.insert('Mirror', { name, type, index, filter, sink }), created: true };
}

/** Delete one mirror by name, or all of them. */
export function deleteMirrors(s: NbStore, name?: string): void {
  for (const m of s.rows('Mirror')) if (name === undefined || m['name'] === name) s.delete('Mirror', m);
}

export function attachMirror(s: NbStore, portId: string, mirrorId: string, opts: { mayExist?: boolean } = {}): void {
  const lsp = lookup(s, KINDS.switchPort, portId, true);
  const mirror = lookup(s, KINDS.mirror, mirrorId, true);
  if (lsp.mirror_rules.includes(mirror._uuid)) {
    if (opts.mayExist) return;
    throw new NbError(`mirror ${mirror.name} is already attached to the logical port ${portId}.`);
  }
  s.addToSet('Logical_Switch_Port', lsp, 'mirror_rules', [mirror._uuid]);
}

export function detachMirror(s: NbStore, portId: string, mirrorId: string): void {
  const lsp = lookup(s, KINDS.switchPort, portId, true);
  const mirror = lookup(s, KINDS.mirror, mirrorId, true);
  s.removeFromSet('Logical_Switch_Port', lsp, 'mirror_rules', [mirror._uuid]);
}

// ---- Forwarding groups ----

function findFwdGroup(s: NbStore, id: string): NbRow<'Forwarding_Group'> | undefined {
  return (
    (isUuid(id) && s.get('Forwarding_Group', id.toLowerCase())) || s.rows('Forwarding_Group').find((g) => g.name === id)
  );
}

/** The switch of a forwarding group: the one holding its first child port. */
export function fwdGroupSwitch(s: NbStore, g: NbRow<'Forwarding_Group'>): NbRow<'Logical_Switch'> | undefined {
  const first = g.child_port[0];
  const lsp = first === undefined ? undefined : lookup(s, KINDS.switchPort, first, false);
  if (!lsp) return undefined;
  try {
    return switchOfPortName(s, lsp.name);
  } catch {
    return undefined;
  }
}

function switchOfPortName(s: NbStore, name: string): NbRow<'Logical_Switch'> {
  const ls = s
    .rows('Logical_Switch')
    .find((r) => s.effective(r, 'ports').some((u) => s.get('Logical_Switch_Port', u)?.name === name));
  if (!ls) throw new NbError(`logical port ${name} is not part of any logical switch`);
  return ls;
}

/** A forwarding group: a VIP/VMAC answered by any live child port of one switch. */
export function addForwardingGroup(
  s: NbStore,
  name: string,
  switchName: string,
  vip: string,
  vmac: string,
  ports: readonly string[],
  opts: { liveness?: boolean } = {},
): Added<'Forwarding_Group'> {
  if (findFwdGroup(s, name)) throw new NbError(`${name}: a forwarding group by this name already exists`);
  const ls = lookup(s, KINDS.switch, switchName, true);
  if (!normalizeIpv4(vip)) throw new NbError(`invalid ip address ${vip}`);
  if (!normalizeMac(vmac)) throw new NbError(`invalid mac address ${vmac}`);
  const g = s.insert('Forwarding_Group', {
    name,
    vip,
    vmac,
    child_port: [...ports],
    ...(opts.liveness ? { liveness: true } : {}),
  });
  for (const p of ports) {
    const lsp = lookup(s, KINDS.switchPort, p, false);
    if (!lsp) throw new NbError(`${p}: logical switch port does not exist`);
    const owner = switchOfPortName(s, lsp.name);
    if (owner.name !== switchName) throw new NbError(`${p}: port already exists but in logical switch ${owner.name}`);
  }
  s.addToSet('Logical_Switch', ls, 'forwarding_groups', [g._uuid]);
  return { row: g, created: true };
}

export function deleteForwardingGroup(s: NbStore, id: string): void {
  const g = findFwdGroup(s, id);
  if (!g) return;
  const ls = fwdGroupSwitch(s, g);
  if (!ls) return;
  for (const u of ls.forwarding_groups) {
    if (s.deref('Forwarding_Group', u)?.name === g.name) {
      s.removeFromSet('Logical_Switch', ls, 'forwarding_groups', [u]);
      s.delete('Forwarding_Group', g);
      return;
    }
  }
}
