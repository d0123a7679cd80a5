// Port mirrors (GRE/ERSPAN tunnels to a sink) and their attachment to switch ports.
import { NbError } from './errors.js';
import { KINDS, lookup } from './lookup.js';
import type { NbStore, Row } from './store.js';
import { normalizeIPv4Addr, normalizeIPv6Addr } from './addr.js';

/** Add a mirror; type and filter need only their first letter ("g"re/"e"rspan, "t"o-/"f"rom-lport). */
export function addMirror(s: NbStore, name: string, typeArg: string, indexArg: string, filterArg: string, sink: string): Row {
  if (s.rows('Mirror').some((m) => m['name'] === name)) throw new NbError(`Mirror with ${name} name already exists.`);
  const type = typeArg.startsWith('g') ? 'gre' : typeArg.startsWith('e') ? 'erspan' : undefined;
  if (!type) throw new NbError(`${typeArg}: type must be "gre" or "erspan"`);
  if (!/^[-+]?\d+$/.test(indexArg.trim()) || indexArg.trim() !== indexArg) throw new NbError('Invalid Index');
  const filter = filterArg.startsWith('t') ? 'to-lport' : filterArg.startsWith('f') ? 'from-lport' : undefined;
  if (!filter) throw new NbError(`${filterArg}: selection must be "to-lport" or "from-lport"`);
  if (!normalizeIPv4Addr(sink) && !normalizeIPv6Addr(sink)) throw new NbError(`Invalid sink ip: ${sink}`);
  return s.insert('Mirror', { name, type, index: Number(indexArg), filter, sink });
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
