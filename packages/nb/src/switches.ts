// Logical switches and their ports. Every function changes the given NbStore only, so several calls
// commit together as one transaction; errors (NbError, with ovn-nbctl's wording) leave the batch to be
// dropped by the caller.
import { isIpv4Text, isIpv6Text, startsWithMac } from '@ovnts/net';
import { lspAddressText, type LspAddressArg } from './addresses.js';
import { parseLspAddresses } from './validate.js';
import { NbError } from './errors.js';
import { KINDS, lookup } from './lookup.js';
import type { TableName } from '@ovnts/schema/nb';
import type { Added, NbRow, NbStore } from './store.js';

export interface AddOptions {
  /** Succeed without change if it already exists. */
  readonly mayExist?: boolean;
  /** Create even if the name is taken. */
  readonly addDuplicate?: boolean;
}

export function findSwitch(s: NbStore, id: string): NbRow<'Logical_Switch'>;
export function findSwitch(s: NbStore, id: string, mustExist: boolean): NbRow<'Logical_Switch'> | undefined;
export function findSwitch(s: NbStore, id: string, mustExist = true): NbRow<'Logical_Switch'> | undefined {
  return lookup(s, KINDS.switch, id, mustExist);
}

export function findSwitchPort(s: NbStore, id: string): NbRow<'Logical_Switch_Port'>;
export function findSwitchPort(s: NbStore, id: string, mustExist: boolean): NbRow<'Logical_Switch_Port'> | undefined;
export function findSwitchPort(s: NbStore, id: string, mustExist = true): NbRow<'Logical_Switch_Port'> | undefined {
  return lookup(s, KINDS.switchPort, id, mustExist);
}

/** Add a switch (unnamed if `name` is undefined). Returns the new row, or the existing one with mayExist. */
export function addSwitch(s: NbStore, name: string | undefined, opts: AddOptions = {}): Added<'Logical_Switch'> {
  if (opts.mayExist && opts.addDuplicate) throw new NbError('--may-exist and --add-duplicate may not be used together');
  if (name !== undefined) {
    if (!opts.addDuplicate) {
      const existing = s.findBy('Logical_Switch', 'name', name)[0];
      if (existing) {
        if (opts.mayExist) return { row: existing, created: false };
        throw new NbError(`${name}: a switch with this name already exists`);
      }
    }
  } else if (opts.mayExist) {
    throw new NbError('--may-exist requires specifying a name');
  } else if (opts.addDuplicate) {
    throw new NbError('--add-duplicate requires specifying a name');
  }
  return { row: s.insert('Logical_Switch', name !== undefined ? { name } : {}), created: true };
}

/** Delete a switch (its ports go with it). */
export function deleteSwitch(s: NbStore, id: string, opts: { ifExists?: boolean } = {}): void {
  const ls = findSwitch(s, id, !opts.ifExists);
  if (ls) s.delete('Logical_Switch', ls);
}

/** Switches sorted by name, as ls-list prints them. */
export function listSwitches(s: NbStore): NbRow<'Logical_Switch'>[] {
  return sortByName(s.rows('Logical_Switch'));
}

/** Rows with a name column, sorted by name, then UUID (ovn-nbctl's listing order). */
export function sortByName<R extends NbRow<TableName> & { readonly name: string | null }>(rows: readonly R[]): R[] {
  return [...rows].sort((a, b) => cmp(String(a.name), String(b.name)) || cmp(a._uuid, b._uuid));
}

/** The rows of `table` a reference list names, skipping dangling ones (deleted rows stay reachable). */
export function derefAll<T extends TableName>(s: NbStore, table: T, uuids: readonly string[]): NbRow<T>[] {
  const out: NbRow<T>[] = [];
  for (const u of uuids) {
    const r = s.deref(table, u);
    if (r) out.push(r);
  }
  return out;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The switch a port belongs to (by port name, as ovn-nbctl tracks it). */
export function switchOfPort(s: NbStore, lsp: NbRow<'Logical_Switch_Port'>): NbRow<'Logical_Switch'> {
  const name = lsp.name;
  const ls = s
    .rows('Logical_Switch')
    .find((r) => s.effective(r, 'ports').some((u) => s.get('Logical_Switch_Port', u)?.name === name));
  if (!ls) throw new NbError(`logical port ${name} is not part of any logical switch`);
  return ls;
}

const switchName = (ls: NbRow<'Logical_Switch'>): string => ls.name || ls._uuid;

export interface AddPortOptions {
  readonly mayExist?: boolean;
  /** For a container port: the parent (VM) port and the VLAN tag 0..4095. */
  readonly parent?: { readonly name: string; readonly tag: number };
}

/** Add a port to a switch. */
export function addSwitchPort(
  s: NbStore,
  switchId: string,
  name: string,
  opts: AddPortOptions = {},
): Added<'Logical_Switch_Port'> {
  const ls = findSwitch(s, switchId);
  const parent = opts.parent;
  if (parent && (!Number.isInteger(parent.tag) || parent.tag < 0 || parent.tag > 4095)) {
    throw new NbError(`${parent.tag}: invalid tag (must be in range 0 to 4095)`);
  }
  const existing = findSwitchPort(s, name, false);
  if (existing) {
    if (!opts.mayExist) throw new NbError(`${name}: a port with this name already exists`);
    const lsw = switchOfPort(s, existing);
    if (lsw !== ls) throw new NbError(`${name}: port already exists but in switch ${switchName(lsw)}`);
    const parentName = existing.parent_name;
    if (parent) {
      if (parentName === null) throw new NbError(`${name}: port already exists but has no parent`);
      if (parentName !== parent.name)
        throw new NbError(`${name}: port already exists with different parent ${parentName}`);
      const tr = existing.tag_request;
      if (tr === null) throw new NbError(`${name}: port already exists but has no tag_request`);
      if (tr !== parent.tag) throw new NbError(`${name}: port already exists with different tag_request ${tr}`);
    } else if (parentName !== null) {
      throw new NbError(`${name}: port already exists but has parent ${parentName}`);
    }
    return { row: existing, created: false };
  }
  const lsp = s.insert(
    'Logical_Switch_Port',
    parent ? { name, parent_name: parent.name, tag_request: parent.tag } : { name },
  );
  s.addToSet('Logical_Switch', ls, 'ports', [lsp._uuid]);
  return { row: lsp, created: true };
}

/** Remove a port from its switch and delete it. */
export function deleteSwitchPort(s: NbStore, id: string, opts: { ifExists?: boolean } = {}): void {
  const lsp = findSwitchPort(s, id, !opts.ifExists);
  if (!lsp) return;
  const ls = switchOfPort(s, lsp);
  s.removeFromSet('Logical_Switch', ls, 'ports', [lsp._uuid]);
  s.delete('Logical_Switch_Port', lsp);
}

/** A switch's ports sorted by name. */
export function listSwitchPorts(s: NbStore, switchId: string): NbRow<'Logical_Switch_Port'>[] {
  return sortByName(derefAll(s, 'Logical_Switch_Port', findSwitch(s, switchId).ports));
}

const ADDRESS_KEYWORDS = ['unknown', 'dynamic', 'router'];

function isValidAddressArg(a: string): boolean {
  if (ADDRESS_KEYWORDS.includes(a) || startsWithMac(a)) return true;
  const m = /^dynamic (\S+)/.exec(a);
  return !!m && (isIpv4Text(m[1]!) || isIpv6Text(m[1]!.split('/')[0]!));
}

/** Set a port's addresses ("MAC IP...", "unknown", "dynamic", "router"), rejecting IPs used by another port of the switch. */
export function setSwitchPortAddresses(s: NbStore, id: string, addressArgs: readonly LspAddressArg[]): void {
  const addresses = addressArgs.map(lspAddressText);
  const lsp = findSwitchPort(s, id);
  const ls = switchOfPort(s, lsp);
  for (const a of addresses) {
    if (!isValidAddressArg(a)) {
      throw new NbError(
        `${a}: Invalid address format. See ovn-nb(5). Hint: An Ethernet address must be listed before an IP address, together as a single argument.`,
      );
    }
    const mine = parseLspAddresses(a);
    if (!mine) continue;
    for (const u of ls.ports) {
      const other = s.get('Logical_Switch_Port', u);
      if (!other || other === lsp) continue;
      for (let addr of other.addresses) {
        const dyn = other.dynamic_addresses;
        if (/^dynamic\b/.test(addr) && dyn) addr = dyn;
        const theirs = parseLspAddresses(addr);
        if (!theirs) continue;
        const dup4 = mine.ipv4.find((x) => theirs.ipv4.includes(x));
        const dup6 = dup4 ? undefined : mine.ipv6.find((x) => theirs.ipv6.includes(x));
        if (dup4 || dup6) {
          throw new NbError(
            `Error on switch ${ls.name}: duplicate IPv${dup4 ? 4 : 6} address '${dup4 ?? dup6}' found on logical switch port '${other.name}'`,
          );
        }
      }
    }
  }
  s.set('Logical_Switch_Port', lsp, 'addresses', [...addresses]);
}

/** Known Logical_Switch_Port.type values (ovn-nb(5)). */
export const LSP_TYPES = [
  '',
  'l2gateway',
  'localnet',
  'localport',
  'router',
  'vtep',
  'external',
  'virtual',
  'remote',
] as const;

export type LspType = (typeof LSP_TYPES)[number];

/** A port type ovn-nb(5) knows ("" for a VM or container port). */
export function parseLspType(type: string): LspType {
  const t = LSP_TYPES.find((x) => x === type);
  if (t === undefined) throw new NbError(`Logical switch port type '${type}' is unrecognized. Not setting type.`);
  return t;
}

export function setSwitchPortType(s: NbStore, id: string, type: LspType): void {
  const lsp = findSwitchPort(s, id);
  s.set('Logical_Switch_Port', lsp, 'type', parseLspType(type));
}

export function setSwitchPortEnabled(s: NbStore, id: string, enabled: boolean): void {
  s.set('Logical_Switch_Port', findSwitchPort(s, id), 'enabled', enabled);
}

/** "enabled"/"disabled" (any case) → boolean, as lsp-set-enabled and lrp-set-enabled accept. */
export function parseEnabled(state: string): boolean {
  const l = state.toLowerCase();
  if (l === 'enabled') return true;
  if (l === 'disabled') return false;
  throw new NbError(`${state}: state must be "enabled" or "disabled"`);
}

export function setSwitchPortOptions(s: NbStore, id: string, options: Record<string, string>): void {
  s.set('Logical_Switch_Port', findSwitchPort(s, id), 'options', { ...options });
}

export function setSwitchPortSecurity(s: NbStore, id: string, addrs: readonly LspAddressArg[]): void {
  s.set('Logical_Switch_Port', findSwitchPort(s, id), 'port_security', addrs.map(lspAddressText));
}
