// NB Logical_Switch_Port.up follows the SB: router ports are always up; other ports are up once bound
// to a chassis — and, when that chassis announces port-up notifications, once it set Port_Binding.up.
import type { Uuid } from 'ovsdb-client-ts';
import type { Tables as SbTables } from '@ovnts/schema/sb';
import type { NbInput, TablesView } from './input.js';

export type PortUpInput = TablesView<SbTables, 'Port_Binding' | 'Chassis'>;

type Lsp = NbInput['Logical_Switch_Port'] extends ReadonlyMap<unknown, infer R> ? R : never;

/** Whether a port should be up, given its binding. */
function wantUp(lsp: Lsp, pb: SbTables['Port_Binding'], chassis: PortUpInput['Chassis']): boolean {
  if (lsp.type === 'router') return true;
  if (!pb.chassis) return false;
  const ch = chassis.get(pb.chassis);
  return ch?.other_config['port-up-notif'] === 'true' ? pb.up === true : true;
}

/** The same for just the named ports (what changed since the last round), through lookups by name. */
export function portUpUpdatesFor(
  names: Iterable<string>,
  lsp: (name: string) => Lsp | undefined,
  pb: (name: string) => SbTables['Port_Binding'] | undefined,
  chassis: PortUpInput['Chassis'],
): { uuid: Uuid<'Logical_Switch_Port'>; up: boolean }[] {
  const out: { uuid: Uuid<'Logical_Switch_Port'>; up: boolean }[] = [];
  for (const name of names) {
    const l = lsp(name);
    const b = pb(name);
    if (!l || !b) continue;
    const up = wantUp(l, b, chassis);
    if (l.up !== up) out.push({ uuid: l._uuid, up });
  }
  return out.sort((a, b) => (a.uuid < b.uuid ? -1 : 1));
}

export function portUpUpdates(nb: NbInput, sb: PortUpInput): { uuid: Uuid<'Logical_Switch_Port'>; up: boolean }[] {
  const lspByName = new Map<string, Lsp>();
  for (const lsp of nb.Logical_Switch_Port.values()) lspByName.set(lsp.name, lsp);
  const out: { uuid: Uuid<'Logical_Switch_Port'>; up: boolean }[] = [];
  for (const pb of sb.Port_Binding.values()) {
    const lsp = lspByName.get(pb.logical_port);
    if (!lsp) continue;
    const up = wantUp(lsp, pb, sb.Chassis);
    if (lsp.up !== up) out.push({ uuid: lsp._uuid, up });
  }
  return out.sort((a, b) => (a.uuid < b.uuid ? -1 : 1));
}
