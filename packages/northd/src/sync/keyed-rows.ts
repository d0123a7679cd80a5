// SB tables northd copies from the NB (or derives per switch) row by row, each row known by a key of its
// own: Mirror by name, Static_MAC_Binding by (logical_port, ip), Chassis_Template_Var by chassis,
// IP_Multicast by its switch, Service_Monitor by (logical_port, ip, port, protocol), DNS by the NB DNS
// row it copies (external_ids:dns_id). The same two writers as the other tables: a full diff of every row, and an
// incremental pass over the keys a round touched. Only the columns a desired row names are compared, so
// columns northd never sets (IP_Multicast.seq_no, which ovn-controller bumps; Service_Monitor.status,
// which it writes) are left alone.
import type { Uuid } from 'ovsdb-client-ts';
import type { Tables as SbTables } from '@ovnts/schema/sb';
import { svcMonKey } from '../stateful/svc-monitor.js';

export const KEYED_TABLES = [
  'Mirror',
  'Static_MAC_Binding',
  'Chassis_Template_Var',
  'IP_Multicast',
  'Service_Monitor',
  'DNS',
] as const;
export type KeyedTable = (typeof KEYED_TABLES)[number];

type Row = Record<string, unknown>;

/**
 * One desired row: its columns, and the NB datapath its `datapath` column points at (if it has one), or
 * the NB datapaths its `datapaths` set names (a row naming none of them written is not written).
 */
export interface KeyedRow {
  readonly columns: Readonly<Row>;
  readonly datapath?: string;
  readonly datapaths?: readonly string[];
}

/** Desired rows per table, by key. */
export type KeyedRows = { readonly [T in KeyedTable]: ReadonlyMap<string, KeyedRow> };
/** Keys per table whose rows may differ from what was last written. */
export type KeyedTouched = { readonly [T in KeyedTable]: ReadonlySet<string> };

/** One value per keyed table. */
export function perKeyedTable<V>(make: () => V): { [T in KeyedTable]: V } {
  return {
    Mirror: make(),
    Static_MAC_Binding: make(),
    Chassis_Template_Var: make(),
    IP_Multicast: make(),
    Service_Monitor: make(),
    DNS: make(),
  };
}

export const smbKey = (logicalPort: string, ip: string): string => `${logicalPort}\u0000${ip}`;

/** The key of a current SB row; undefined when it stands for nothing (its datapath is not ours). */
export const CURRENT_KEY: {
  readonly [T in KeyedTable]: (
    row: SbTables[T],
    nbIdOf: (sbDatapath: string) => string | undefined,
  ) => string | undefined;
} = {
  Mirror: (r) => r.name,
  Static_MAC_Binding: (r) => smbKey(r.logical_port, r.ip),
  Chassis_Template_Var: (r) => r.chassis,
  IP_Multicast: (r, nbIdOf) => nbIdOf(r.datapath),
  // A row without a protocol is none of northd's (it always writes one).
  Service_Monitor: (r) => (r.protocol === null ? undefined : svcMonKey(r.logical_port, r.ip, r.port, r.protocol)),
  DNS: (r) => r.external_ids['dns_id'],
};

/** The key of a current SB row of `table`. */
export function currentKey<T extends KeyedTable>(
  table: T,
  row: SbTables[T],
  nbIdOf: (sbDatapath: string) => string | undefined,
): string | undefined {
  return (CURRENT_KEY[table] as (r: SbTables[T], n: typeof nbIdOf) => string | undefined)(row, nbIdOf);
}

/** What the writers need from a transaction, with the caller's counters. */
export interface KeyedOps {
  ins(table: KeyedTable, row: Row): unknown;
  /** Only the columns of `row` that differ from `current`; nothing when none do. */
  upd(table: KeyedTable, uuid: Uuid, current: object, row: Row): void;
  del(table: KeyedTable, uuid: Uuid): void;
}

/** The reference a row's `datapath` column takes (a row whose datapath has none is not written). */
export type DatapathRef = (nbId: string) => unknown;

function columnsOf(want: KeyedRow, dpRef: DatapathRef): Row | undefined {
  if (want.datapaths !== undefined) {
    const refs = want.datapaths.map(dpRef).filter((r) => r !== undefined);
    return refs.length ? { ...want.columns, datapaths: refs } : undefined;
  }
  if (want.datapath === undefined) return { ...want.columns };
  const dp = dpRef(want.datapath);
  return dp === undefined ? undefined : { ...want.columns, datapath: dp };
}

/** Mirror rows by name, as Port_Binding.mirror_rules refers to them (inserted ones by named-uuid). */
export type MirrorRefs = Map<string, unknown>;

function put<T extends KeyedTable>(
  table: T,
  key: string,
  want: KeyedRow | undefined,
  cur: SbTables[T] | undefined,
  dpRef: DatapathRef,
  ops: KeyedOps,
  mirrors: MirrorRefs,
): void {
  const row = want && columnsOf(want, dpRef);
  if (!row) {
    if (cur) ops.del(table, cur._uuid as Uuid);
    return;
  }
  if (cur) ops.upd(table, cur._uuid as Uuid, cur, row);
  const ref = cur ? cur._uuid : ops.ins(table, row);
  if (table === 'Mirror') mirrors.set(key, ref);
}

/** Full diff of every keyed table: duplicates and rows no longer desired are deleted. */
export function diffKeyedRows(
  desired: KeyedRows,
  sb: { readonly [T in KeyedTable]: ReadonlyMap<Uuid<T>, SbTables[T]> },
  nbIdOf: (sbDatapath: string) => string | undefined,
  dpRef: DatapathRef,
  ops: KeyedOps,
): MirrorRefs {
  const mirrors: MirrorRefs = new Map();
  const one = <T extends KeyedTable>(table: T) => {
    const current = new Map<string, SbTables[T]>();
    for (const r of sb[table].values()) {
      const k = currentKey(table, r, nbIdOf);
      if (k === undefined || current.has(k) || !desired[table].has(k)) ops.del(table, r._uuid as Uuid);
      else current.set(k, r);
    }
    for (const [k, want] of desired[table]) put(table, k, want, current.get(k), dpRef, ops, mirrors);
  };
  for (const t of KEYED_TABLES) one(t);
  return mirrors;
}

/** The incremental pass: only the touched keys are compared and written. */
export function syncKeyedRows(
  touched: KeyedTouched,
  want: <T extends KeyedTable>(table: T, key: string) => KeyedRow | undefined,
  current: <T extends KeyedTable>(table: T, key: string) => SbTables[T] | undefined,
  dpRef: DatapathRef,
  ops: KeyedOps,
): MirrorRefs {
  const mirrors: MirrorRefs = new Map();
  for (const t of KEYED_TABLES) for (const k of touched[t]) put(t, k, want(t, k), current(t, k), dpRef, ops, mirrors);
  return mirrors;
}
