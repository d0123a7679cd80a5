// The in-memory value model for OVSDB data, shared by the codec, the replica cache and the code
// generated in packages/schema:
//   scalar column (min 1, max 1)   → the atom itself
//   optional column (min 0, max 1) → the atom or null
//   set column                     → an array of atoms
//   map column                     → a plain object (integer keys are written as numbers, stored as strings)
// Atoms: integer/real → number, boolean → boolean, string → string, uuid → Uuid<Table>.

import type { DatabaseSchema } from './schema.js';

declare const uuidBrand: unique symbol;

/** A row UUID. `Uuid<'Logical_Switch'>` only accepts references to Logical_Switch rows. */
export type Uuid<Table extends string = string> = string & { readonly [uuidBrand]: Table };

/** A named-uuid placeholder for a row inserted earlier in the same transaction. */
export interface NamedUuid<Table extends string = string> {
  readonly namedUuid: string;
  readonly table?: Table;
}

/** A reference column accepts an existing row's UUID or a named-uuid from the same transaction. */
export type Ref<Table extends string> = Uuid<Table> | NamedUuid<Table>;

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function isUuid(s: unknown): s is Uuid {
  return typeof s === 'string' && UUID_RE.test(s);
}

/** Brand a string as a UUID after checking its syntax. */
export function asUuid<Table extends string = string>(s: string): Uuid<Table> {
  if (!UUID_RE.test(s)) throw new TypeError(`"${s}" is not a UUID`);
  return s.toLowerCase() as Uuid<Table>;
}

/** Columns every row has. */
export interface RowBase<Table extends string> {
  readonly _uuid: Uuid<Table>;
  readonly _version: Uuid;
}

/** A database's tables as a type: table name → row type. */
export type TableMap = { [table: string]: RowBase<string> };

/** The runtime schema paired with its generated row types. */
export interface DatabaseModel<Name extends string = string, Tables extends TableMap = TableMap> {
  readonly name: Name;
  readonly schema: DatabaseSchema;
  /** Phantom: never set at runtime, carries the row types. */
  readonly __tables?: Tables;
}

export type TablesOf<M> = M extends DatabaseModel<string, infer T> ? T : never;
export type TableName<M> = keyof TablesOf<M> & string;
export type RowOf<M, T extends TableName<M>> = TablesOf<M>[T];

/** The writable columns of a row (no _uuid/_version). */
export type Columns<R> = Omit<R, '_uuid' | '_version'>;

/** Replace reference atoms with Ref so inserts can point at named-uuids. */
type Writable<V> =
  V extends Uuid<infer T>
    ? Ref<T>
    : V extends readonly (infer E)[]
      ? Writable<E>[]
      : V extends null
        ? null
        : V extends object
          ? { [K in keyof V]: Writable<V[K]> }
          : V;

/** Values for an insert: every column optional (the server fills defaults). */
export type Insert<R> = { [K in keyof Columns<R>]?: Writable<Columns<R>[K]> };
/** Values for an update: any subset of the writable columns. */
export type Update<R> = Insert<R>;

/**
 * A consistent, read-only view of a database: table name → rows by UUID. Snapshots taken from a Replica are
 * immutable: later updates copy the affected tables instead of changing a snapshot already handed out.
 */
export type Snapshot<T extends TableMap> = { readonly [K in keyof T]: ReadonlyMap<Uuid<K & string>, T[K]> };
