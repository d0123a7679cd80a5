// Port mirrors (GRE/ERSPAN tunnels to a sink) and their attachment to switch ports.
import { normalizeIpv4, normalizeIpv6, normalizeMac } from '@ovnts/net';
import { NbError } from './errors.js';
import { KINDS, lookup } from './lookup.js';
import type { Added, NbStore, Row } from './store.js';

/** Add a mirror; type and filter need only their first letter ("g"re/"e"rspan, "t"o-/"f"rom-lport). */
export function addMirror(
  s: NbStore,
  name: string,
  typeArg: string,
  indexArg: string,
  filterArg: string,
  sink: string,
): Added<'Mirror'> {
  if (s.rows('Mirror').some((m) => m['name'] === name)) throw new NbError(`Mirror with ${name} name already exists.`);
  const type = typeArg.startsWith('g') ? 'gre' : typeArg.startsWith('e') ? 'erspan' : undefined;
  if (!type) throw new NbError(`${typeArg}: type must be "gre" or "erspan"`);
  if (!/^[-+]?\d+$/.test(indexArg.trim()) || indexArg.trim() !== indexArg) throw new NbError('Invalid Index');
  const filter = filterArg.startsWith('t') ? 'to-lport' : filterArg.startsWith('f') ? 'from-lport' : undefined;
  if (!filter) throw new NbError(`${filterArg}: selection must be "to-lport" or "from-lport"`);
  if (!normalizeIpv4(sink) && !normalizeIpv6(sink)) throw new NbError(`Invalid sink ip: ${sink}`);
  return { row: s.insert('Mirror', { name, type, index: Number(indexArg), filter, sink }), created: true };
}

/** Delete one mirror by name, or all of them. */
export function deleteMirrors(s: NbStore, name?: string): void {
  for (const m of s.rows('Mirror')) if (name === undefined || m['name'] === name) s.delete('Mirror', m);
}

export function attachMirror(s: NbStore, portId: string, mirrorId: string, opts: { mayExist?: boolean } = {}): void {
  const lsp = lookup(s, KINDS.switchPort, portId, true)!;
  const mirror = lookup(s, KINDS.mirror, mirrorId, true)!;
  if ((lsp['mirror_rules'] as string[]).includes(mirror._uuid)) {
    if (opts.mayExist) return;
    throw new NbError(`mirror ${String(mirror['name'])} is already attached to the logical port ${portId}.`);
  }
  s.addToSet('Logical_Switch_Port', lsp, 'mirror_rules', [mirror._uuid]);
}

export function detachMirror(s: NbStore, portId: string, mirrorId: string): void {
  const lsp = lookup(s, KINDS.switchPort, portId, true)!;
  const mirror = lookup(s, KINDS.mirror, mirrorId, true)!;
  s.removeFromSet('Logical_Switch_Port', lsp, 'mirror_rules', [mirror._uuid]);
}

// ---- Forwarding groups ----

function findFwdGroup(s: NbStore, id: string): Row | undefined {
  const uuid = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(id);
  return (
    (uuid && s.get('Forwarding_Group', id.toLowerCase())) || s.rows('Forwarding_Group').find((g) => g['name'] === id)
  );
}

/** The switch of a forwarding group: the one holding its first child port. */
export function fwdGroupSwitch(s: NbStore, g: Row): Row | undefined {
  const first = (g['child_port'] as string[])[0];
  const lsp = first === undefined ? undefined : lookup(s, KINDS.switchPort, first, false);
  if (!lsp) return undefined;
  try {
    return switchOfPortName(s, String(lsp['name']));
  } catch {
    return undefined;
  }
}

function switchOfPortName(s: NbStore, name: string): Row {
  const ls = s
    .rows('Logical_Switch')
    .find((r) => (s.effective(r, 'ports') as string[]).some((u) => s.get('Logical_Switch_Port', u)?.['name'] === name));
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
  const ls = lookup(s, KINDS.switch, switchName, true)!;
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
    const owner = switchOfPortName(s, String(lsp['name']));
    if (owner['name'] !== switchName)
      throw new NbError(`${p}: port already exists but in logical switch ${String(owner['name'])}`);
  }
  s.addToSet('Logical_Switch', ls, 'forwarding_groups', [g._uuid]);
  return { row: g, created: true };
}

export function deleteForwardingGroup(s: NbStore, id: string): void {
  const g = findFwdGroup(s, id);
  if (!g) return;
  const ls = fwdGroupSwitch(s, g);
  if (!ls) return;
  for (const u of ls['forwarding_groups'] as string[]) {
    if (s.deref('Forwarding_Group', u)?.['name'] === g['name']) {
      s.removeFromSet('Logical_Switch', ls, 'forwarding_groups', [u]);
      s.delete('Forwarding_Group', g);
      return;
    }
  }
}
