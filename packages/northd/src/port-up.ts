// NB Logical_Switch_Port.up follows the SB: router ports are always up; other ports are up once bound
// to a chassis — and, when that chassis announces port-up notifications, once it set Port_Binding.up.
import type { Uuid } from 'ovsdb-client-ts';
import type { Tables as SbTables } from '@ovnts/schema/sb';
import type { NbInput, TablesView } from './input.js';

export type PortUpInput = TablesView<SbTables, 'Port_Binding' | 'Chassis'>;

export function portUpUpdates(nb: NbInput, sb: PortUpInput): { uuid: Uuid<'Logical_Switch_Port'>; up: boolean }[] {
  const lspByName = new Map<string, NbInput['Logical_Switch_Port'] extends ReadonlyMap<unknown, infer R> ? R : never>();
  for (const lsp of nb.Logical_Switch_Port.values()) lspByName.set(lsp.name, lsp);
  const out: { uuid: Uuid<'Logical_Switch_Port'>; up: boolean }[] = [];
  for (const pb of sb.Port_Binding.values()) {
    const lsp = lspByName.get(pb.logical_port);
    if (!lsp) continue;
    let up = false;
    if (lsp.type === 'router') up = true;
    else if (pb.chassis) {
      const ch = sb.Chassis.get(pb.chassis);
      up = ch?.other_config['port-up-notif'] === 'true' ? pb.up === true : true;
    }
    if (lsp.up !== up) out.push({ uuid: lsp._uuid, up });
  }
  return out.sort((a, b) => (a.uuid < b.uuid ? -1 : 1));
}
