// Whole-database snapshots in wire notation, and the one transaction that puts a database back to a
// snapshot. The northd bench uses them so that each daemon starts on exactly the same NB: both northds
// write to the NB (NB_Global options and cfg handshake columns, Logical_Switch_Port.up) and the latency
// runs add ports, backends and ACLs; afterwards the NB is restored and compared to the snapshot again.
import type { DatabaseSchema, Json, OvsdbClient, WireOperation, WireRow } from 'ovsdb-client-ts';

/** table → row uuid → columns (without _uuid/_version), each value in wire notation. */
export type DbSnapshot = Map<string, Map<string, WireRow>>;

export async function snapshotDb(client: OvsdbClient, schema: DatabaseSchema): Promise<DbSnapshot> {
  const tables = Object.keys(schema.tables).sort();
  const res = await client.transact(
    schema.name,
    tables.map((table) => ({ op: 'select', table, where: [] }) as WireOperation),
  );
  const snap: DbSnapshot = new Map();
  tables.forEach((table, i) => {
    const rows = (res[i] as { rows?: WireRow[] } | undefined)?.rows ?? [];
    const m = new Map<string, WireRow>();
    for (const row of rows) {
      const { _uuid, _version, ...rest } = row;
      void _version;
      m.set((_uuid as [string, string])[1], rest);
    }
    snap.set(table, m);
  });
  return snap;
}

const same = (a: Json | undefined, b: Json | undefined) => JSON.stringify(a) === JSON.stringify(b);

/** Differences of `current` against `target`, as readable lines (empty when identical). */
export function diffSnapshots(target: DbSnapshot, current: DbSnapshot): string[] {
  const out: string[] = [];
  for (const [table, want] of target) {
    const have = current.get(table) ?? new Map<string, WireRow>();
    for (const [uuid, row] of have) {
      const w = want.get(uuid);
      if (!w) {
        out.push(`${table} ${uuid}: extra row ${JSON.stringify(row).slice(0, 160)}`);
        continue;
      }
      for (const col of new Set([...Object.keys(w), ...Object.keys(row)]))
        if (!same(w[col], row[col]))
          out.push(`${table} ${uuid}: ${col} is ${JSON.stringify(row[col])}, was ${JSON.stringify(w[col])}`);
    }
    for (const uuid of want.keys()) if (!have.has(uuid)) out.push(`${table} ${uuid}: row missing`);
  }
  return out;
}

/**
 * Operations that turn `current` back into `target`: delete added rows, reset changed columns.
 * Rows that vanished cannot get their UUIDs back, so that is an error.
 */
export function restoreOps(schema: DatabaseSchema, target: DbSnapshot, current: DbSnapshot): WireOperation[] {
  const ops: WireOperation[] = [];
  for (const [table, want] of target) {
    const have = current.get(table) ?? new Map<string, WireRow>();
    const cols = schema.tables[table]!.columns;
    for (const [uuid, row] of have) {
      const where: WireOperation & { op: 'delete' } = {
        op: 'delete',
        table,
        where: [['_uuid', '==', ['uuid', uuid]]],
      };
      const w = want.get(uuid);
      if (!w) {
        ops.push(where);
        continue;
      }
      const changed: WireRow = {};
      for (const col of Object.keys(w)) {
        if (same(w[col], row[col])) continue;
        if (cols[col] && !cols[col].mutable)
          throw new Error(`cannot restore ${table} ${uuid}: immutable column ${col} changed`);
        changed[col] = w[col]!;
      }
      if (Object.keys(changed).length) ops.push({ op: 'update', table, where: where.where, row: changed });
    }
    for (const uuid of want.keys())
      if (!have.has(uuid)) throw new Error(`cannot restore ${table} ${uuid}: the row was deleted`);
  }
  return ops;
}

/** Put the database back to `target` in one transaction, then check that it is identical. */
export async function restoreDb(client: OvsdbClient, schema: DatabaseSchema, target: DbSnapshot): Promise<number> {
  const ops = restoreOps(schema, target, await snapshotDb(client, schema));
  if (ops.length) await client.transact(schema.name, ops);
  const left = diffSnapshots(target, await snapshotDb(client, schema));
  if (left.length)
    throw new Error(`${schema.name} differs from its snapshot after restore:\n  ${left.slice(0, 10).join('\n  ')}`);
  return ops.length;
}
