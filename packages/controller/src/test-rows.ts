// SB rows for the controller's unit tests: a snapshot built from plain row lists, numbered UUIDs, and a
// Port_Binding with the columns the controller reads.
import { TABLE_NAMES } from '@ovnts/schema/sb';
import type { Snapshot } from 'ovsdb-client-ts';
import type { SbSnapshot } from './view.js';

export type AnyRow = Record<string, unknown> & { _uuid: string };

export function snapshot(rows: Record<string, AnyRow[]>): SbSnapshot {
  const s: Record<string, Map<string, AnyRow>> = {};
  for (const t of TABLE_NAMES) s[t] = new Map((rows[t] ?? []).map((r) => [r._uuid, r]));
  return s as unknown as Snapshot<never> as SbSnapshot;
}

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
