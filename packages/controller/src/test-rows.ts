// SB and Open_vSwitch rows for the controller's unit tests: snapshots built from plain row lists, numbered
// UUIDs, and a Port_Binding with the columns the controller reads.
import { TABLE_NAMES } from '@ovnts/schema/sb';
import { TABLE_NAMES as VS_TABLES } from '@ovnts/schema/vswitch';
import type { Snapshot } from 'ovsdb-client-ts';
import type { VsSnapshot } from './ovs-state.js';
import type { SbSnapshot } from './view.js';

export type AnyRow = Record<string, unknown> & { _uuid: string };

/** Every table of the schema, each holding the rows given for it (none for the others). */
function tables(names: readonly string[], rows: Record<string, AnyRow[]>): Snapshot<never> {
  const s: Record<string, Map<string, AnyRow>> = {};
  for (const t of names) s[t] = new Map((rows[t] ?? []).map((r) => [r._uuid, r]));
  return s as unknown as Snapshot<never>;
}

export const snapshot = (rows: Record<string, AnyRow[]>): SbSnapshot => tables(TABLE_NAMES, rows) as SbSnapshot;
export const vsSnapshot = (rows: Record<string, AnyRow[]>): VsSnapshot => tables(VS_TABLES, rows) as VsSnapshot;

export const U = (n: number) => `${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;

export const pb = (n: number, name: string, dp: string, key: number, extra: Partial<AnyRow> = {}): AnyRow => ({
  _uuid: U(n),
  logical_port: name,
  datapath: dp,
  tunnel_key: key,
  type: '',
  options: {},
  chassis: null,
  requested_chassis: null,
  up: false,
  ...extra,
});
