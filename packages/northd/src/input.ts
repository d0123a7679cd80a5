// What the compiler reads: the NB tables it compiles (as the replica cache exposes them) and, for key
// stability, the SB tables that already hold keys. Only the tables listed here are needed, so a later
// incremental engine can track exactly these inputs.
import type { RowChange, Uuid } from 'ovsdb-client-ts';
import type { Tables as NbTables } from '@ovnts/schema/nb';
import type { Tables as SbTables } from '@ovnts/schema/sb';

/** A read-only view of some tables: table name → rows by UUID (same shape as the client's Snapshot). */
export type TablesView<T, K extends keyof T> = { readonly [P in K]: ReadonlyMap<Uuid<P & string>, T[P]> };

export const NB_INPUT_TABLES = [
  'NB_Global',
  'Logical_Switch',
  'Logical_Switch_Port',
  'Logical_Router',
  'Logical_Router_Port',
  'Logical_Router_Static_Route',
  'Logical_Router_Policy',
  'ACL',
  'Port_Group',
  'Address_Set',
  'Load_Balancer',
  'Load_Balancer_Group',
  'Load_Balancer_Health_Check',
  'NAT',
  'DHCP_Options',
  'DNS',
  'HA_Chassis_Group',
  'HA_Chassis',
  'Gateway_Chassis',
  'Meter',
  'Meter_Band',
  'Mirror',
  'Static_MAC_Binding',
  'Chassis_Template_Var',
  'BFD',
  'Copp',
] as const satisfies readonly (keyof NbTables)[];

export const SB_INPUT_TABLES = [
  'Datapath_Binding',
  'Port_Binding',
  'Chassis',
  'Encap',
  // ovn-controller's health check verdicts (`status`) decide which backends ct_lb balances over.
  'Service_Monitor',
  // Multicast groups ovn-controller learned by IGMP/MLD snooping (igmp-groups.ts).
  'IGMP_Group',
] as const satisfies readonly (keyof SbTables)[];

export type NbInput = TablesView<NbTables, (typeof NB_INPUT_TABLES)[number]>;
/**
 * The current SB content relevant to key allocation (and the health checks' status); omit for a cold
 * start on an empty SB. Without Service_Monitor rows every monitor counts as online; without IGMP_Group
 * rows no group is learned; Multicast_Group rows give learned groups their existing keys.
 */
export type SbKeyInput = TablesView<
  SbTables,
  Exclude<(typeof SB_INPUT_TABLES)[number], 'Service_Monitor' | 'IGMP_Group'>
> &
  Partial<TablesView<SbTables, 'Service_Monitor' | 'IGMP_Group' | 'Multicast_Group'>>;

export type NbInputTable = (typeof NB_INPUT_TABLES)[number];
export type NbInputTables = Pick<NbTables, NbInputTable>;
/** A tracked change of an NB input row, as the replica's takeChanges() reports it. */
export type NbChange = RowChange<NbInputTables>;
export type SbInputTables = Pick<SbTables, (typeof SB_INPUT_TABLES)[number]>;
/** A tracked change of an SB input row (chassis and encapsulations decide the tunnel key ranges). */
export type SbChange = RowChange<SbInputTables>;

const SB_INPUT_SET: ReadonlySet<string> = new Set(SB_INPUT_TABLES);
/** Whether an SB replica change is of a table the engine reads. */
export function isSbInputChange(c: RowChange<SbTables>): c is SbChange {
  return SB_INPUT_SET.has(c.table);
}
