// The typed transaction builder. Operations are encoded as they are added (so a bad value fails at the
// call site), inserts get named-uuids that later operations can reference, and commit() resolves them.
//
// Failover and idempotency: every insert carries an explicit, client-generated UUID (OVSDB ≥ 2.13).
// If the connection drops after the transaction was written but before the reply arrived, its outcome is
// unknown. When the transaction has an insert, commit() waits for the next session and re-sends it
// prefixed by a `wait` that the first inserted row does not exist: if it does, the first attempt committed
// and commit() reports success (`recovered: true`); otherwise the re-send applies it exactly once. A
// transaction without an insert cannot be checked this way and rejects with ConnectionError
// (outcome 'unknown'), so it is never silently dropped or applied twice.

import { columnType, decodeRow, encodeAtom, encodeDatum, encodeRow, type Json } from './datum.js';
import { ClosedError, ConnectionError, DatumError, OvsdbError } from './errors.js';
import type { Mutation, WireCondition, WireMutation, WireOperation, WireResult, Where } from './operations.js';
import { checkTransactResults } from './results.js';
import { columnKind, type ColumnType, type TableSchema } from './schema.js';
import type { DatabaseModel, Insert, NamedUuid, RowOf, TableName, Update, Uuid } from './types.js';
import type { RequestHost } from './host.js';
import { remaining, throwIfAborted, type CallOptions } from './call.js';
import { newUuid } from './new-uuid.js';

/** A handle on an operation added to a transaction, used to read its result. */
export interface OpRef<Kind extends 'count' | 'rows' | 'none', R = unknown> {
  readonly index: number;
  readonly kind: Kind;
  /** Phantom: the row type a select returns. */
  readonly __row?: R;
}

/** `timeoutMs`/`signal` bound the whole commit, failover re-sends included. */
export interface CommitOptions extends CallOptions {
  /** Re-send (guarded) after a failover when the outcome is unknown (default true). */
  retryOnFailover?: boolean;
  /** How long to keep re-sending (guarded) before giving up with outcome 'unknown' (ms, default 60000). */
  failoverTimeoutMs?: number;
}

/** Encode a where clause against a table. */
export function encodeWhere(
  table: TableSchema,
  where: readonly (readonly [string, string, unknown])[],
): WireCondition[] {
  return where.map(([col, fn, value]) => {
    const type = columnType(table, col);
    // Relational operators compare atoms; == / != / includes / excludes take a datum of the column's type.
    const json = at(table, col, () =>
      fn === '<' || fn === '<=' || fn === '>' || fn === '>=' ? encodeAtom(type.key, value) : encodeDatum(type, value),
    );
    return [col, fn, json] as WireCondition;
  });
}

/** Run an encoder, naming the table and column in the DatumError it throws. */
function at(table: TableSchema, column: string, encode: () => Json): Json {
  try {
    return encode();
  } catch (e) {
    if (!(e instanceof DatumError)) throw e;
    throw new DatumError(`${table.name}.${column}: ${e.message}`, { table: table.name, column }, { cause: e });
  }
}

/** Encode mutations against a table. */
export function encodeMutations(
  table: TableSchema,
  mutations: readonly (readonly [string, string, unknown])[],
): WireMutation[] {
  return mutations.map(([col, mutator, value]) => {
    const type = columnType(table, col);
    const kind = columnKind(type);
    return [col, mutator, at(table, col, () => encodeMutation(type, kind, mutator, value))] as WireMutation;
  });
}

/** One mutation's value: sets take a set of elements, maps a map (or a set of keys to delete), arithmetic an atom. */
function encodeMutation(type: ColumnType, kind: string, mutator: string, value: unknown): Json {
  if (mutator !== 'insert' && mutator !== 'delete') return encodeAtom(type.key, value);
  // Deleting map keys: a set of keys.
  if (kind === 'map' && mutator === 'delete' && Array.isArray(value))
    return ['set', value.map((k) => encodeAtom(type.key, k))];
  if (kind === 'map') return encodeDatum(type, value);
  // Sets (and optional/scalar columns, which are sets too) take a set of elements.
  return encodeDatum({ key: type.key, min: 0, max: Infinity }, value);
}

export class TransactionResult<M extends DatabaseModel = DatabaseModel> {
  constructor(
    private readonly model: M,
    private readonly ops: readonly WireOperation[],
    /** Per-operation results as the server sent them (empty objects when `recovered`). */
    readonly results: readonly WireResult[],
    private readonly names: ReadonlyMap<string, string>,
    /**
     * True when the reply was lost in a failover and the transaction was found to have committed:
     * UUIDs are known, counts and selected rows are not.
     */
    readonly recovered: boolean,
  ) {}

  /** The UUID the server gave a row inserted under `ref`. */
  uuidOf<T extends string>(ref: NamedUuid<T>): Uuid<T> {
    const u = this.names.get(ref.namedUuid);
    if (!u) throw new DatumError(`no insert named ${ref.namedUuid} in this transaction`);
    return u as Uuid<T>;
  }

  /** Rows matched by an update, mutate or delete. */
  count(ref: OpRef<'count'>): number {
    const c = this.results[ref.index]?.count;
    if (typeof c !== 'number')
      throw new DatumError(`operation ${ref.index} has no count${this.recovered ? ' (recovered after failover)' : ''}`);
    return c;
  }

  /** Rows returned by a select, decoded. */
  rows<R>(ref: OpRef<'rows', R>): R[] {
    const op = this.ops[ref.index];
    const rows = this.results[ref.index]?.rows;
    if (!op || op.op !== 'select' || !rows)
      throw new DatumError(`operation ${ref.index} has no rows${this.recovered ? ' (recovered after failover)' : ''}`);
    const table = this.model.schema.tables[op.table]!;
    return rows.map((r) => decodeRow(table, r) as R);
  }
}

export class Transaction<M extends DatabaseModel> {
  private readonly wireOps: WireOperation[] = [];
  /** named-uuid → explicit UUID, for uuidOf and the failover guard. */
  private readonly names = new Map<string, string>();
  private firstInsert: { table: string; uuid: string } | undefined;
  private seq = 0;

  constructor(
    private readonly client: RequestHost,
    readonly model: M,
  ) {}

  /** The operations so far, in wire notation. */
  get operations(): readonly WireOperation[] {
    return this.wireOps;
  }

  private table(name: string): TableSchema {
    const t = this.model.schema.tables[name];
    if (!t) throw new DatumError(`database ${this.model.schema.name} has no table ${name}`, { table: name });
    return t;
  }

  /** Insert a row; returns a named-uuid that later operations (and row values) may reference. */
  insert<T extends TableName<M>>(table: T, row: Insert<RowOf<M, T>>, opts: { uuid?: Uuid<T> } = {}): NamedUuid<T> {
    const ts = this.table(table);
    const name = `row${++this.seq}`;
    const uuid = opts.uuid ?? newUuid();
    this.wireOps.push({
      op: 'insert',
      table,
      row: encodeRow(ts, row as Record<string, unknown>),
      'uuid-name': name,
      uuid,
    });
    this.names.set(name, uuid);
    this.firstInsert ??= { table, uuid };
    return { namedUuid: name, table };
  }

  update<T extends TableName<M>>(table: T, where: Where<RowOf<M, T>>, row: Update<RowOf<M, T>>): OpRef<'count'> {
    const ts = this.table(table);
    return this.push(
      { op: 'update', table, where: encodeWhere(ts, where), row: encodeRow(ts, row as Record<string, unknown>) },
      'count',
    );
  }

  mutate<T extends TableName<M>>(
    table: T,
    where: Where<RowOf<M, T>>,
    mutations: readonly Mutation<RowOf<M, T>>[],
  ): OpRef<'count'> {
    const ts = this.table(table);
    return this.push(
      { op: 'mutate', table, where: encodeWhere(ts, where), mutations: encodeMutations(ts, mutations) },
      'count',
    );
  }

  delete<T extends TableName<M>>(table: T, where: Where<RowOf<M, T>>): OpRef<'count'> {
    return this.push({ op: 'delete', table, where: encodeWhere(this.table(table), where) }, 'count');
  }

  /** Select rows (all columns, or `columns`); read them with `result.rows(ref)`. */
  select<T extends TableName<M>, C extends keyof RowOf<M, T> & string = keyof RowOf<M, T> & string>(
    table: T,
    where: Where<RowOf<M, T>>,
    columns?: readonly C[],
  ): OpRef<'rows', Pick<RowOf<M, T>, C>> {
    const op: WireOperation = { op: 'select', table, where: encodeWhere(this.table(table), where) };
    if (columns) op.columns = [...columns];
    return this.push(op, 'rows');
  }

  /**
   * Block until (or fail unless, with timeout 0) the rows matching `where`, projected on `columns`,
   * are (`==`) or are not (`!=`) exactly `rows`.
   */
  wait<T extends TableName<M>>(
    table: T,
    where: Where<RowOf<M, T>>,
    columns: readonly (keyof RowOf<M, T> & string)[],
    until: '==' | '!=',
    rows: readonly Partial<RowOf<M, T>>[],
    timeoutMs = 0,
  ): OpRef<'none'> {
    const ts = this.table(table);
    return this.push(
      {
        op: 'wait',
        table,
        where: encodeWhere(ts, where),
        columns: [...columns],
        until,
        rows: rows.map((r) => encodeRow(ts, r as Record<string, unknown>)),
        timeout: timeoutMs,
      },
      'none',
    );
  }

  /**
   * Optimistic concurrency, like the C IDL's verify: fail the transaction if `columns` of `row` changed
   * since it was read (a `wait` with timeout 0 on the values seen).
   */
  verify<T extends TableName<M>>(
    table: T,
    row: RowOf<M, T>,
    columns: readonly (keyof RowOf<M, T> & string)[],
  ): OpRef<'none'> {
    const seen: Record<string, unknown> = {};
    for (const c of columns) seen[c] = (row as unknown as Record<string, unknown>)[c];
    const where = [['_uuid', '==', row._uuid]] as unknown as Where<RowOf<M, T>>;
    return this.wait(table, where, columns, '==', [seen as Partial<RowOf<M, T>>]);
  }

  /** Add a comment (ovsdb-server logs it with the transaction). */
  comment(text: string): this {
    this.wireOps.push({ op: 'comment', comment: text });
    return this;
  }

  /** Fail the transaction unless this client holds `lock`. */
  assert(lock: string): this {
    this.wireOps.push({ op: 'assert', lock });
    return this;
  }

  /** Ask the server to commit durably (fsync) before replying. */
  durable(): this {
    this.wireOps.push({ op: 'commit', durable: true });
    return this;
  }

  /** Make the transaction fail (with "aborted") when it reaches this point. */
  abort(): this {
    this.wireOps.push({ op: 'abort' });
    return this;
  }

  private push<K extends 'count' | 'rows' | 'none', R>(op: WireOperation, kind: K): OpRef<K, R> {
    this.wireOps.push(op);
    return { index: this.wireOps.length - 1, kind };
  }

  /**
   * Send the transaction. Resolves with per-operation results; rejects with OvsdbError (`error`, `details`,
   * `opIndex`) if the server refused it, or ConnectionError if its outcome cannot be known.
   */
  async commit(opts: CommitOptions = {}): Promise<TransactionResult<M>> {
    const db = this.model.schema.name;
    const ops = this.wireOps;
    const started = Date.now();
    const call: CallOptions = {
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    };
    try {
      const r = await this.client.request('transact', [db, ...ops], call);
      return this.result(checkTransactResults(r, ops.length, 0, ops), false);
    } catch (e) {
      const guard = this.firstInsert;
      if (!isUnknownOutcome(e) || !guard || opts.retryOnFailover === false) throw e;
      const deadline = Date.now() + (opts.failoverTimeoutMs ?? 60_000);
      const check: WireOperation = {
        op: 'wait',
        table: guard.table,
        where: [['_uuid', '==', ['uuid', guard.uuid]]],
        columns: ['_uuid'],
        until: '==',
        rows: [],
        timeout: 0,
      };
      // Until we get an answer: every attempt that fails to get one leaves the outcome unknown.
      while (Date.now() < deadline) {
        throwIfAborted('transact', call);
        try {
          const r = await this.client.request('transact', [db, check, ...ops], remaining(call, started));
          return this.result(checkTransactResults(r, ops.length + 1, 1, [check, ...ops]).slice(1), false);
        } catch (e2) {
          if (e2 instanceof OvsdbError && e2.opIndex === -1 && e2.error === 'timed out') {
            // The guard row exists: an earlier attempt committed.
            return this.result(
              ops.map(() => ({})),
              true,
            );
          }
          if (!isUnknownOutcome(e2) && !(e2 instanceof ConnectionError && !(e2 instanceof ClosedError))) throw e2;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
      throw new ConnectionError(
        'transact: outcome unknown: no answer from the cluster before the failover timeout',
        'unknown',
      );
    }
  }

  private result(results: WireResult[], recovered: boolean): TransactionResult<M> {
    if (!recovered) {
      // Prefer what the server reports (it equals the explicit UUID we sent).
      this.wireOps.forEach((op, i) => {
        const u = results[i]?.uuid;
        if (op.op === 'insert' && op['uuid-name'] && Array.isArray(u) && typeof u[1] === 'string')
          this.names.set(op['uuid-name'], u[1]);
      });
    }
    return new TransactionResult(this.model, this.wireOps, results, this.names, recovered);
  }
}

/** Sent but unanswered, or cancelled by the server (e.g. on a leadership change) after it may have been submitted. */
function isUnknownOutcome(e: unknown): boolean {
  if (e instanceof OvsdbError) return e.error === 'canceled';
  return e instanceof ConnectionError && !(e instanceof ClosedError) && e.outcome === 'unknown';
}
