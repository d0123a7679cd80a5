// An in-memory working copy of the NB database for one transaction. Operations read and change it as
// if they were alone; commit turns the difference into one OVSDB transaction (insert/update/delete),
// so a batch of operations either all apply or none do.
import {
  type ColumnSchema,
  type ColumnType,
  type DatabaseSchema,
  type TableSchema,
  defaultValue,
  encodeDatum,
  type Atom,
  DatumError,
  columnKind,
} from 'ovsdb-client-ts/wire';
import type { TableName, Tables } from '@ovnts/schema/nb';
import { NbSchemaError } from './errors.js';

export type { Atom };
/** A cell in the value model of CONTRIBUTING.md: scalar → atom, optional → atom | null, set → array, map → object. */
export type Value = Atom | null | Atom[] | Record<string, Atom>;

/** A row of the working copy, table not known at compile time: `_uuid` plus every column in the value model. */
export type Row = Record<string, Value> & { readonly _uuid: string };

/**
 * A working-copy row of NB table T, typed by the generated schema (`row.priority` is a number, `row.ports`
 * a list of Logical_Switch_Port UUIDs, a typo'd column a compile error), and still usable wherever a Row is.
 * What the store and every operation return when the table is named literally.
 */
export type NbRow<T extends TableName> = Omit<Tables[T], '_version'>;

/** The columns of NB table T a caller may read or write (not `_uuid`/`_version`). */
export type Column<T extends TableName> = Exclude<keyof Tables[T] & string, '_uuid' | '_version'>;

/** The value of column C of table T, as `set` takes it and a row holds it. */
export type Cell<T extends TableName, C extends Column<T>> = Tables[T][C];

/** Column values for `insert`: any subset of the table's columns. */
export type Insert<T extends TableName> = { readonly [C in Column<T>]?: Cell<T, C> };

/** What addToSet takes for a column of type V: elements of a set (or optional), pairs of a map. */
export type Elements<V> = V extends readonly (infer E)[]
  ? readonly E[]
  : V extends Readonly<Record<string, infer X>>
    ? Readonly<Record<string, X>>
    : readonly NonNullable<V>[];

/** What removeFromSet takes for a column of type V: elements of a set (or optional), keys of a map. */
export type Keys<V> = V extends readonly (infer E)[]
  ? readonly E[]
  : V extends Readonly<Record<string, unknown>>
    ? readonly string[]
    : readonly NonNullable<V>[];

/**
 * A table name only known at run time (the generic database commands): `string` is accepted, a literal
 * table name is not, so that calls naming a table go through the typed signatures (columns checked).
 */
export type RuntimeTable<S extends string> = S & (string extends S ? unknown : never);

/**
 * What every add operation returns: the row, and whether this call created it (false: an equal row already
 * existed and, as with ovn-nbctl's --may-exist, was kept).
 */
export interface Added<T extends TableName> {
  readonly row: NbRow<T>;
  readonly created: boolean;
}

/** Elements to add to / remove from a set or map column without rewriting it (an OVSDB "mutate"). */
interface Mutation {
  readonly insert: readonly Atom[] | Readonly<Record<string, Atom>>;
  readonly remove: readonly Atom[];
}

interface Change {
  readonly table: string;
  readonly uuid: string;
  kind: 'insert' | 'update' | 'delete';
  readonly columns: Set<string>;
}

export class NbStore {
  private readonly tables = new Map<string, Map<string, Row>>();
  private readonly changes = new Map<string, Change>();
  private readonly mutations = new Map<string, { table: string; column: string; m: Mutation }[]>();
  private readonly dropped = new Set<string>();
  private readonly deleted = new Map<string, Row>();
  /** Lazily built column indexes ("table\0column" → value → rows), kept current by insert/set/delete. */
  private readonly indexes = new Map<string, Map<Value, Row[]>>();

  /**
   * With `deferredMutations` (the CLI's mode, matching ovn-nbctl's IDL), addToSet/removeFromSet are
   * sent as mutations and a later read of the column in the same batch still sees the old value.
   * Otherwise they change the value at once, which is what library callers expect.
   */
  constructor(
    readonly schema: DatabaseSchema,
    readonly deferredMutations = false,
  ) {
    for (const name of Object.keys(schema.tables)) this.tables.set(name, new Map());
  }

  /** The table's schema; NbSchemaError for a table the database does not have. */
  tableSchema(table: string): TableSchema {
    const t = this.schema.tables[table];
    if (!t) throw new NbSchemaError(`${this.schema.name} has no table "${table}"`, table);
    return t;
  }

  /** The column's schema; NbSchemaError naming the table for a column it does not have. */
  private column(table: string, column: string, row?: string): ColumnSchema {
    const c = this.tableSchema(table).columns[column];
    if (!c) throw new NbSchemaError(`table ${table} has no column "${column}"`, table, column, row);
    return c;
  }

  /** Check `value` against the column's type now, so a wrong type fails at the call, not at commit. */
  private check(table: string, column: string, value: unknown, row?: string): void {
    this.checkType(table, column, this.column(table, column, row).type, value, row);
  }

  private checkType(table: string, column: string, type: ColumnType, value: unknown, row?: string): void {
    try {
      encodeDatum(type, value);
    } catch (e) {
      if (!(e instanceof DatumError)) throw e;
      const where = row !== undefined ? `${table} row ${row} column ${column}` : `${table} column ${column}`;
      throw new NbSchemaError(`${where}: ${e.message}`, table, column, row, { cause: e });
    }
  }

  /** `row` typed as a row of `table`; NbSchemaError if it is not one of that table's rows (live or deleted). */
  typed<T extends TableName>(table: T, row: Row | NbRow<T>): NbRow<T> {
    this.own(table, row);
    return row as NbRow<T>;
  }

  /** NbSchemaError unless `row` is one of the table's rows in this store (live, or deleted in this batch). */
  private own(table: string, row: { readonly _uuid: string }): void {
    if (this.map(table).get(row._uuid) !== row && this.deleted.get(row._uuid) !== row)
      throw new NbSchemaError(`row ${row._uuid} is not a ${table} row of this store`, table, undefined, row._uuid);
  }

  /** Rows of a table, in load/insert order. */
  rows<T extends TableName>(table: T): NbRow<T>[];
  rows<S extends string>(table: RuntimeTable<S>): Row[];
  rows(table: string): Row[] {
    return [...this.map(table).values()];
  }

  get<T extends TableName>(table: T, uuid: string): NbRow<T> | undefined;
  get<S extends string>(table: RuntimeTable<S>, uuid: string): Row | undefined;
  get(table: string, uuid: string): Row | undefined {
    return this.map(table).get(uuid);
  }

  /**
   * Follow a reference: like get(), but a row deleted in this batch is still returned (the way the
   * IDL keeps deleted rows reachable from references until commit).
   */
  deref<T extends TableName>(table: T, uuid: string): NbRow<T> | undefined;
  deref<S extends string>(table: RuntimeTable<S>, uuid: string): Row | undefined;
  deref(table: string, uuid: string): Row | undefined {
    return this.map(table).get(uuid) ?? this.deleted.get(uuid);
  }

  /** Load a row as the server has it (no change recorded). */
  load(table: string, row: Row): void {
    this.map(table).set(row._uuid, row);
    this.reindex(table, row, undefined, 'add');
  }

  /** Rows whose scalar `column` equals `value`, in insertion order (indexed: O(1) after the first call). */
  findBy<T extends TableName, C extends Column<T> | '_uuid'>(table: T, column: C, value: Tables[T][C]): NbRow<T>[];
  findBy<S extends string>(table: RuntimeTable<S>, column: string, value: Value): Row[];
  findBy(table: string, column: string, value: Value): Row[] {
    const key = `${table}\0${column}`;
    let idx = this.indexes.get(key);
    if (!idx) {
      if (column !== '_uuid') this.column(table, column);
      idx = new Map();
      for (const r of this.map(table).values()) addTo(idx, r[column] ?? null, r);
      this.indexes.set(key, idx);
    }
    return idx.get(value) ?? [];
  }

  private reindex(table: string, row: Row, column: string | undefined, how: 'add' | 'remove'): void {
    for (const [key, idx] of this.indexes) {
      const [t, c] = key.split('\0') as [string, string];
      if (t !== table || (column !== undefined && c !== column)) continue;
      const v = row[c] ?? null;
      if (how === 'add') addTo(idx, v, row);
      else {
        const list = idx.get(v);
        if (list)
          idx.set(
            v,
            list.filter((r) => r !== row),
          );
      }
    }
  }

  /** Insert a row; unset columns get their defaults. Returns its UUID (chosen here, sent with the insert). */
  insert<T extends TableName>(table: T, values: Insert<T>, uuid?: string): NbRow<T>;
  insert<S extends string>(table: RuntimeTable<S>, values: Record<string, Value>, uuid?: string): Row;
  insert(table: string, values: Record<string, Value | undefined>, uuid: string = globalThis.crypto.randomUUID()): Row {
    const ts = this.tableSchema(table);
    for (const [name, v] of Object.entries(values)) if (v !== undefined) this.check(table, name, v);
    const row: Record<string, Value> = { _uuid: uuid };
    for (const [name, col] of Object.entries(ts.columns)) row[name] = values[name] ?? (defaultValue(col.type) as Value);
    this.map(table).set(uuid, row as Row);
    this.reindex(table, row as Row, undefined, 'add');
    this.changes.set(uuid, { table, uuid, kind: 'insert', columns: new Set(Object.keys(values)) });
    return row as Row;
  }

  /** Set one column of a row; NbSchemaError (table, column, row named) for an unknown column or a wrong type. */
  set<T extends TableName, C extends Column<T>>(table: T, row: NoInfer<NbRow<T>>, column: C, value: Cell<T, C>): void;
  set<S extends string>(table: RuntimeTable<S>, row: Row, column: string, value: Value): void;
  set(table: string, row: Row, column: string, value: Value): void {
    this.own(table, row);
    this.check(table, column, value, row._uuid);
    const live = this.map(table).get(row._uuid) === row;
    if (live) this.reindex(table, row, column, 'remove');
    (row as Record<string, Value>)[column] = value;
    if (live) this.reindex(table, row, column, 'add');
    const c = this.changes.get(row._uuid);
    if (c) {
      c.columns.add(column);
    } else {
      this.changes.set(row._uuid, { table, uuid: row._uuid, kind: 'update', columns: new Set([column]) });
    }
  }

  /** Add references/values to a set column (or pairs to a map column, keeping existing keys). */
  addToSet<T extends TableName, C extends Column<T>>(
    table: T,
    row: NoInfer<NbRow<T>>,
    column: C,
    values: Elements<Cell<T, C>>,
  ): void;
  addToSet<S extends string>(
    table: RuntimeTable<S>,
    row: Row,
    column: string,
    values: readonly Atom[] | Readonly<Record<string, Atom>>,
  ): void;
  addToSet(table: string, row: Row, column: string, values: readonly Atom[] | Readonly<Record<string, Atom>>): void {
    this.mutate(table, row, column, { insert: values, remove: [] });
  }

  /** Remove values from a set column (or keys from a map column). */
  removeFromSet<T extends TableName, C extends Column<T>>(
    table: T,
    row: NoInfer<NbRow<T>>,
    column: C,
    values: Keys<Cell<T, C>>,
  ): void;
  removeFromSet<S extends string>(table: RuntimeTable<S>, row: Row, column: string, values: readonly Atom[]): void;
  removeFromSet(table: string, row: Row, column: string, values: readonly Atom[]): void {
    this.mutate(table, row, column, { insert: [], remove: values });
  }

  /** The column's value with this batch's pending mutations applied. */
  effective<R extends NbRow<TableName> | Row, C extends keyof R & string>(row: R, column: C): R[C];
  effective(row: Row, column: string): Value {
    let v = row[column] ?? null;
    for (const { column: c, m } of this.mutations.get(row._uuid) ?? []) if (c === column) v = applyMutation(v, m);
    return v;
  }

  private mutate(table: string, row: Row, column: string, m: Mutation): void {
    this.own(table, row);
    const col = this.column(table, column, row._uuid);
    const kind = columnKind(col.type);
    if (kind !== 'set' && kind !== 'map' && kind !== 'optional')
      throw new NbSchemaError(`${table} column ${column} is not a set or map`, table, column, row._uuid);
    // Added elements as a set of the key type (map pairs as the map), removals as keys.
    const elements: ColumnType = { key: col.type.key, min: 0, max: Infinity };
    const added = kind === 'map' && !isList(m.insert) ? col.type : elements;
    this.checkType(table, column, added, m.insert, row._uuid);
    this.checkType(table, column, elements, m.remove, row._uuid);
    if (!this.deferredMutations) {
      this.set(table, row, column, applyMutation(row[column] ?? null, m));
      return;
    }
    let list = this.mutations.get(row._uuid);
    if (!list) this.mutations.set(row._uuid, (list = []));
    list.push({ table, column, m });
  }

  /** Delete a row. References to it must be removed by the caller (as ovsdb-server requires). */
  delete<T extends TableName>(table: T, row: NoInfer<NbRow<T>>): void;
  delete<S extends string>(table: RuntimeTable<S>, row: Row): void;
  delete(table: string, row: Row): void {
    if (this.map(table).get(row._uuid) === row) this.reindex(table, row, undefined, 'remove');
    this.map(table).delete(row._uuid);
    this.deleted.set(row._uuid, row);
    const c = this.changes.get(row._uuid);
    if (c?.kind === 'insert') {
      this.changes.delete(row._uuid);
      this.dropped.add(row._uuid);
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
    return this.changes.size > 0 || this.mutations.size > 0;
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
        out[name] = encodeDatum(col.type, v ?? null);
      }
      if (c.kind === 'insert') {
        ops.push({ op: 'insert', table: c.table, uuid: c.uuid, row: out });
      } else if (Object.keys(out).length > 0) {
        ops.push({ op: 'update', table: c.table, where, row: out });
      }
    }
    for (const [uuid, list] of this.mutations) {
      const c = this.changes.get(uuid);
      if (c?.kind === 'delete' || list.length === 0) continue;
      const ts = this.tableSchema(list[0]!.table);
      // One insert and one delete per column, as the IDL sends them (not one op per call).
      // Per column and element the last call wins (as in the IDL's partial updates).
      const byColumn = new Map<string, { last: Map<Atom, 'ins' | 'rm'>; insMap: Record<string, Atom> }>();
      for (const { column, m } of list) {
        let acc = byColumn.get(column);
        if (!acc) byColumn.set(column, (acc = { last: new Map(), insMap: {} }));
        if (isList(m.insert)) for (const a of m.insert) acc.last.set(a, 'ins');
        else Object.assign(acc.insMap, m.insert);
        for (const a of m.remove) {
          acc.last.set(a, 'rm');
          delete acc.insMap[String(a)];
        }
      }
      const mutations: unknown[] = [];
      for (const [column, acc] of byColumn) {
        const col = ts.columns[column];
        if (!col) continue;
        const keep = (a: Atom) => !this.dropped.has(String(a));
        const ins = [...acc.last].filter(([a, op]) => op === 'ins' && keep(a)).map(([a]) => a);
        if (ins.length)
          mutations.push([column, 'insert', encodeDatum({ key: col.type.key, min: 0, max: Infinity }, ins)]);
        if (Object.keys(acc.insMap).length) mutations.push([column, 'insert', encodeDatum(col.type, acc.insMap)]);
        const rm = [...acc.last].filter(([a, op]) => op === 'rm' && keep(a)).map(([a]) => a);
        if (rm.length)
          mutations.push([column, 'delete', encodeDatum({ key: col.type.key, min: 0, max: Infinity }, rm)]);
      }
      if (mutations.length) {
        ops.push({ op: 'mutate', table: list[0]!.table, where: [['_uuid', '==', ['uuid', uuid]]], mutations });
      }
    }
    return ops;
  }

  private map(table: string): Map<string, Row> {
    const m = this.tables.get(table);
    if (!m) throw new NbSchemaError(`${this.schema.name} has no table "${table}"`, table);
    return m;
  }
}

function isEmpty(v: Value | undefined, kind: string): boolean {
  if (v === undefined || v === null) return true;
  if (kind === 'set') return (v as Atom[]).length === 0;
  if (kind === 'map') return Object.keys(v as object).length === 0;
  return false;
}

function addTo(idx: Map<Value, Row[]>, v: Value, row: Row): void {
  const list = idx.get(v);
  if (list) list.push(row);
  else idx.set(v, [row]);
}

/** Array.isArray, narrowing readonly arrays too. */
const isList = (x: readonly Atom[] | Readonly<Record<string, Atom>>): x is readonly Atom[] => Array.isArray(x);

function applyMutation(v: Value, m: Mutation): Value {
  if (Array.isArray(v) || v === null) {
    const cur = (v ?? []) as Atom[];
    const ins = (isList(m.insert) ? m.insert : []).filter((x) => !cur.includes(x));
    return [...cur, ...ins].filter((x) => !m.remove.includes(x));
  }
  if (typeof v === 'object') {
    const out: Record<string, Atom> = { ...(isList(m.insert) ? {} : m.insert), ...v };
    for (const k of m.remove) delete out[String(k)];
    return out;
  }
  return v;
}
