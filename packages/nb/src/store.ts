// An in-memory working copy of the NB database for one transaction. Operations read and change it as
// if they were alone; commit turns the difference into one OVSDB transaction (insert/update/delete),
// so a batch of operations either all apply or none do.
import { randomUUID } from 'node:crypto';
import type { DatabaseSchema, TableSchema } from 'ovsdb-client-ts';
import { columnKind } from 'ovsdb-client-ts';
import { defaultValue, encodeDatum, type Atom, type Value } from './wire.js';

/** A row of the working copy: `_uuid` plus every column in the value model. */
export type Row = Record<string, Value> & { readonly _uuid: string };

interface Change {
  readonly table: string;
  readonly uuid: string;
  kind: 'insert' | 'update' | 'delete';
  readonly columns: Set<string>;
}

export class NbStore {
  private readonly tables = new Map<string, Map<string, Row>>();
  private readonly changes = new Map<string, Change>();

  constructor(readonly schema: DatabaseSchema) {
    for (const name of Object.keys(schema.tables)) this.tables.set(name, new Map());
  }

  tableSchema(table: string): TableSchema {
    const t = this.schema.tables[table];
    if (!t) throw new TypeError(`no table ${table}`);
    return t;
  }

  /** Rows of a table, in load/insert order. */
  rows(table: string): Row[] {
    return [...this.map(table).values()];
  }

  get(table: string, uuid: string): Row | undefined {
    return this.map(table).get(uuid);
  }

  /** Load a row as the server has it (no change recorded). */
  load(table: string, row: Row): void {
    this.map(table).set(row._uuid, row);
  }

  /** Insert a row; unset columns get their defaults. Returns its UUID (chosen here, sent with the insert). */
  insert(table: string, values: Record<string, Value>, uuid: string = randomUUID()): Row {
    const ts = this.tableSchema(table);
    const row: Record<string, Value> = { _uuid: uuid };
    for (const [name, col] of Object.entries(ts.columns)) row[name] = values[name] ?? defaultValue(col.type);
    this.map(table).set(uuid, row as Row);
    this.changes.set(uuid, { table, uuid, kind: 'insert', columns: new Set(Object.keys(values)) });
    return row as Row;
  }

  /** Set one column of a row. */
  set(table: string, row: Row, column: string, value: Value): void {
    (row as Record<string, Value>)[column] = value;
    const c = this.changes.get(row._uuid);
    if (c) {
      c.columns.add(column);
    } else {
      this.changes.set(row._uuid, { table, uuid: row._uuid, kind: 'update', columns: new Set([column]) });
    }
  }

  /** Delete a row. References to it must be removed by the caller (as ovsdb-server requires). */
  delete(table: string, row: Row): void {
    this.map(table).delete(row._uuid);
    const c = this.changes.get(row._uuid);
    if (c?.kind === 'insert') {
      this.changes.delete(row._uuid);
    } else if (c) {
      c.kind = 'delete';
    } else {
      this.changes.set(row._uuid, { table, uuid: row._uuid, kind: 'delete', columns: new Set() });
    }
  }

  /** True if this row was inserted in this transaction. */
  isNew(uuid: string): boolean {
    return this.changes.get(uuid)?.kind === 'insert';
  }

  get changed(): boolean {
    return this.changes.size > 0;
  }

  /**
   * The OVSDB operations for everything changed so far. Non-root rows that nothing references any more
   * are left to the server's garbage collection, as ovn-nbctl does.
   */
  toOps(): unknown[] {
    const ops: unknown[] = [];
    for (const c of this.changes.values()) {
      const ts = this.tableSchema(c.table);
      const where = [['_uuid', '==', ['uuid', c.uuid]]];
      if (c.kind === 'delete') {
        ops.push({ op: 'delete', table: c.table, where });
        continue;
      }
      const row = this.map(c.table).get(c.uuid);
      if (!row) continue;
      const out: Record<string, unknown> = {};
      for (const name of c.columns) {
        const col = ts.columns[name];
        if (!col) continue;
        const v = row[name];
        if (c.kind === 'insert' && isEmpty(v, columnKind(col.type))) continue;
        out[name] = encodeDatum(v ?? null, col.type);
      }
      if (c.kind === 'insert') {
        ops.push({ op: 'insert', table: c.table, uuid: c.uuid, row: out });
      } else if (Object.keys(out).length > 0) {
        ops.push({ op: 'update', table: c.table, where, row: out });
      }
    }
    return ops;
  }

  private map(table: string): Map<string, Row> {
    const m = this.tables.get(table);
    if (!m) throw new TypeError(`no table ${table}`);
    return m;
  }
}

function isEmpty(v: Value | undefined, kind: string): boolean {
  if (v === undefined || v === null) return true;
  if (kind === 'set') return (v as Atom[]).length === 0;
  if (kind === 'map') return Object.keys(v as object).length === 0;
  return false;
}
