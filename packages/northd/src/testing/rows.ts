// Test helpers: typed rows with schema defaults filled in, decoding of OVSDB wire rows (as returned by
// `ovsdb-client transact` selects) into the value model, and table views built from row lists.
import { randomUUID } from 'node:crypto';
import { columnKind, type ColumnType, type DatabaseSchema, type TableSchema, type Uuid } from 'ovsdb-client-ts';

/** The default value of a column as ovsdb-server fills it for an insert without that column. */
export function defaultValue(t: ColumnType): unknown {
  switch (columnKind(t)) {
    case 'map':
      return {};
    case 'set':
      return [];
    case 'optional':
      return null;
    case 'scalar': {
      const e = t.key.enum;
      if (e && e.length) return [...e].sort()[0];
      switch (t.key.type) {
        case 'integer':
        case 'real':
          return 0;
        case 'boolean':
          return false;
        case 'string':
          return '';
        case 'uuid':
          return '00000000-0000-0000-0000-000000000000';
      }
    }
  }
  return null;
}

export function makeRow<R>(schema: DatabaseSchema, table: string, values: Partial<R>, uuid: string = randomUUID()): R {
  const ts = schema.tables[table];
  if (!ts) throw new Error(`no table ${table}`);
  const row: Record<string, unknown> = { _uuid: uuid, _version: randomUUID() };
  for (const [name, col] of Object.entries(ts.columns)) row[name] = defaultValue(col.type);
  return { ...row, ...values } as R;
}

function decodeAtom(v: unknown): unknown {
  if (Array.isArray(v) && (v[0] === 'uuid' || v[0] === 'named-uuid')) return v[1];
  return v;
}

/** Decode one wire-format row (RFC 7047 §5.1) using the table schema. */
export function decodeWireRow(ts: TableSchema, json: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(json)) {
    if (name === '_uuid' || name === '_version') {
      out[name] = decodeAtom(v);
      continue;
    }
    const col = ts.columns[name];
    if (!col) continue;
    const kind = columnKind(col.type);
    const isSet = Array.isArray(v) && v[0] === 'set';
    const isMap = Array.isArray(v) && v[0] === 'map';
    if (kind === 'map') {
      const o: Record<string, unknown> = {};
      for (const [k, val] of (isMap ? (v as [string, [unknown, unknown][]])[1] : []) as [unknown, unknown][])
        o[String(decodeAtom(k))] = decodeAtom(val);
      out[name] = o;
    } else if (kind === 'set') {
      out[name] = isSet ? (v as [string, unknown[]])[1].map(decodeAtom) : [decodeAtom(v)];
    } else if (kind === 'optional') {
      const items = isSet ? (v as [string, unknown[]])[1] : [v];
      out[name] = items.length ? decodeAtom(items[0]) : null;
    } else {
      out[name] = decodeAtom(v);
    }
  }
  return out;
}

/** A table view (name → Map<uuid, row>) from rows grouped by table. */
export function viewOf<T>(
  tables: readonly string[],
  rows: Readonly<Record<string, readonly Record<string, unknown>[]>>,
): T {
  const out: Record<string, Map<Uuid, unknown>> = {};
  for (const t of tables) out[t] = new Map((rows[t] ?? []).map((r) => [r['_uuid'] as Uuid, r]));
  return out as T;
}
