// Which replicated changes can alter the compiled SB content. Changes that cannot — the nb_cfg
// handshake counters, NB Logical_Switch_Port.up, what ovn-controller writes into Port_Binding
// (chassis, up, encap), Chassis_Private — must not trigger a full recompute, or every handshake step
// and every VM boot would cost one.

import { smapBool } from './router-options.js';

export interface Change {
  readonly kind: 'insert' | 'modify' | 'delete';
  readonly table: string;
  readonly old: unknown;
  readonly new: unknown;
}

/** Columns per table whose changes never affect the compiled output. */
const IGNORED: Readonly<Record<string, ReadonlySet<string>>> = {
  NB_Global: new Set([
    'nb_cfg',
    'nb_cfg_timestamp',
    'sb_cfg',
    'sb_cfg_timestamp',
    'hv_cfg',
    'hv_cfg_timestamp',
    'connections',
    'ssl',
    'ipsec',
    'external_ids',
    'name',
  ]),
  Logical_Switch_Port: new Set(['up']),
  SB_Global: new Set(['nb_cfg', 'connections', 'ssl', 'ipsec', 'external_ids']),
  Port_Binding: new Set([
    'chassis',
    'additional_chassis',
    'encap',
    'additional_encap',
    'virtual_parent',
    'requested_chassis',
    'requested_additional_chassis',
    'gateway_chassis',
    'ha_chassis_group',
    'nat_addresses',
  ]),
  // hostname: options:requested-chassis may name a chassis by its hostname.
  Chassis: new Set(['nb_cfg', 'other_config', 'external_ids', 'transport_zones', 'vtep_logical_switches']),
  // Written after each round from the ports' claims (ha-ref-chassis.ts), not compiled.
  HA_Chassis_Group: new Set(['ref_chassis']),
  // A weak reference the server empties when the chassis goes: the compiled row has none then either.
  HA_Chassis: new Set(['chassis']),
  // ovn-controller counts IGMP queries in seq_no; northd never writes it.
  IP_Multicast: new Set(['seq_no']),
};
/** Chassis.other_config keys the flows depend on (every chassis must have a capability). */
const FEATURE_KEYS = ['ct-no-masked-label', 'mac-binding-timestamp', 'ovn-ct-lb-related', 'is-remote'];
const featureOf = (row: Record<string, unknown>, k: string) =>
  (row['other_config'] as Record<string, string> | undefined)?.[k];

/** Tables whose changes never affect the compiled output. */
const IGNORED_TABLES: ReadonlySet<string> = new Set([
  'Chassis_Private',
  'RBAC_Role',
  'RBAC_Permission',
  // What ovn-controller learns; checked against the ports instead (stale-rows.ts).
  'MAC_Binding',
  'FDB',
]);

/**
 * Whether a switch port's `up` decides flows: with NB_Global options:ignore_lsp_down=false, a port that
 * is down gets no ARP/ND responder flows (ovn-northd's default ignores it).
 */
export function lspUpMatters(global: { readonly options: Readonly<Record<string, string>> } | undefined): boolean {
  return !smapBool(global?.options ?? {}, 'ignore_lsp_down', true);
}

/** `lspUp`: NB Logical_Switch_Port.up decides flows (lspUpMatters of the NB_Global the change goes with). */
export function affectsCompile(c: Change, lspUp = false): boolean {
  if (IGNORED_TABLES.has(c.table)) return false;
  if (c.kind !== 'modify') return true;
  const ignored = lspUp && c.table === 'Logical_Switch_Port' ? undefined : IGNORED[c.table];
  if (!ignored) return true;
  const o = c.old as Record<string, unknown>;
  const n = c.new as Record<string, unknown>;
  // A chassis's capabilities decide the conntrack dialect of the flows (chassis-features.ts).
  if (c.table === 'Chassis' && FEATURE_KEYS.some((k) => featureOf(o, k) !== featureOf(n, k))) return true;
  // A virtual port bound or released by ovn-controller moves its routers' resolution of its address.
  const vport = c.table === 'Port_Binding' && n['type'] === 'virtual';
  for (const k of Object.keys(n)) {
    if (vport && (k === 'virtual_parent' || k === 'chassis') && JSON.stringify(o[k]) !== JSON.stringify(n[k]))
      return true;
    if (k === '_version' || ignored.has(k)) continue;
    // `up` on a binding only matters when it disappears (northd seeds it with false).
    if (c.table === 'Port_Binding' && k === 'up' && n[k] !== null) continue;
    // Replicas keep the values of columns an update left alone: the same object, no need to print it.
    if (o[k] !== n[k] && JSON.stringify(o[k]) !== JSON.stringify(n[k])) return true;
  }
  return false;
}

/**
 * ovn-controller bound or released a virtual port: of the columns the compiler reads, only the binding's
 * virtual_parent or chassis changed (the routers' resolution of the virtual IP follows them).
 */
export function isVirtualBindingChange(c: Change): boolean {
  if (c.table !== 'Port_Binding' || c.kind !== 'modify') return false;
  const o = c.old as Record<string, unknown>;
  const n = c.new as Record<string, unknown>;
  if (o['type'] !== 'virtual' || n['type'] !== 'virtual') return false;
  const ignored = IGNORED['Port_Binding']!;
  return Object.keys(n).every(
    (k) =>
      k === '_version' ||
      ignored.has(k) ||
      // `up` only matters when it disappears (as in affectsCompile).
      (k === 'up' && n[k] !== null) ||
      o[k] === n[k] ||
      JSON.stringify(o[k]) === JSON.stringify(n[k]),
  );
}

/**
 * SB changes the engine takes through its handlers rather than by rewriting the tables northd owns in
 * full: chassis and encapsulations (tunnel key ranges, features), and ovn-controller's health check
 * verdicts (a Service_Monitor row whose `status` alone changed), the multicast groups it learned
 * (IGMP_Group: the igmp_groups node), and its claims of virtual ports (the routers node).
 */
export function sbHandledIncrementally(c: Change): boolean {
  if (c.table === 'Chassis' || c.table === 'Encap' || c.table === 'IGMP_Group') return true;
  if (isVirtualBindingChange(c)) return true;
  if (c.table !== 'Service_Monitor' || c.kind !== 'modify') return false;
  const o = c.old as Record<string, unknown>;
  const n = c.new as Record<string, unknown>;
  return Object.keys(n).every(
    (k) => k === '_version' || k === 'status' || o[k] === n[k] || JSON.stringify(o[k]) === JSON.stringify(n[k]),
  );
}
