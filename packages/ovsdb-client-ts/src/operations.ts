// Typed conditions, mutations and the raw wire operations of `transact` (RFC 7047 §5.1–5.2).

import type { Json } from './datum.js';
import type { Columns, NamedUuid, Ref, Uuid } from './types.js';

export type ConditionFunction = '==' | '!=' | 'includes' | 'excludes' | '<' | '<=' | '>' | '>=';
export type Mutator = '+=' | '-=' | '*=' | '/=' | '%=' | 'insert' | 'delete';

type Element<V> = V extends readonly (infer E)[] ? E : never;
type RefOf<V> = V extends Uuid<infer T> ? Ref<T> : V;

/** What a condition may compare a column against: its own type, or one element for sets. */
export type ConditionValue<V> = V extends readonly unknown[]
  ? readonly RefOf<Element<V>>[] | RefOf<Element<V>>
  : V extends null
    ? null
    : V extends object
      ? V
      : RefOf<V>;

type ColumnNames<R> = keyof R & string;

/** One condition `[column, function, value]`, typed per column of row type R. */
export type Condition<R> = {
  [K in ColumnNames<R>]: readonly [K, ConditionFunction, ConditionValue<R[K]>];
}[ColumnNames<R>];

/** A where clause: all conditions must hold. `[]` matches every row. */
export type Where<R> = readonly Condition<R>[];

/** What a mutation takes: sets take elements; maps take a map (insert/delete) or keys (delete); numbers arithmetic. */
export type MutationValue<V> = V extends readonly unknown[]
  ? readonly RefOf<Element<V>>[] | RefOf<Element<V>>
  : V extends number
    ? number
    : V extends Record<string, infer MV>
      ? Readonly<Record<string, MV>> | readonly string[]
      : never;

/** One mutation `[column, mutator, value]`, typed per mutable column. */
export type Mutation<R> = {
  [K in ColumnNames<Columns<R>>]: readonly [K, Mutator, MutationValue<Columns<R>[K]>];
}[ColumnNames<Columns<R>>];

// ---- raw wire operations (already in wire notation) ----

export type WireCondition = [string, ConditionFunction, Json];
export type WireMutation = [string, Mutator, Json];
export type WireRow = { [column: string]: Json };

export type WireOperation =
  | { op: 'insert'; table: string; row: WireRow; 'uuid-name'?: string; uuid?: string }
  | { op: 'select'; table: string; where: WireCondition[]; columns?: string[] }
  | { op: 'update'; table: string; where: WireCondition[]; row: WireRow }
  | { op: 'mutate'; table: string; where: WireCondition[]; mutations: WireMutation[] }
  | { op: 'delete'; table: string; where: WireCondition[] }
  | {
      op: 'wait';
      table: string;
      where: WireCondition[];
      columns: string[];
      until: '==' | '!=';
      rows: WireRow[];
      timeout?: number;
    }
  | { op: 'commit'; durable: boolean }
  | { op: 'abort' }
  | { op: 'comment'; comment: string }
  | { op: 'assert'; lock: string };

/** One element of a `transact` reply, as the server sends it. */
export interface WireResult {
  uuid?: [string, string];
  count?: number;
  rows?: WireRow[];
  error?: string;
  details?: string;
}

export type { NamedUuid };
