// Replica: an in-memory copy of (part of) a database kept current by a monitor, like the C IDL.
// Fed by update2/update3 (or legacy update) notifications; rows are immutable objects replaced on change.
// Tables are copy-on-write so snapshot() hands out a view that later updates never mutate; a table's copy is a
// fork (row-table.ts) that costs what changed since, not the table's size.

import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { applyDiff, columnDecoder, decodeDatum, defaultValue, UUID_COLUMN_TYPE, ZERO_UUID } from './datum.js';
import { RowTable } from './row-table.js';
import { shareUuid } from './shared-uuid.js';
import { bounded, remaining, throwIfAborted, type CallOptions } from './call.js';
import { ClosedError, ConnectionError, OvsdbError, ProtocolError, TimeoutError } from './errors.js';
import type { Condition, WireCondition } from './operations.js';
import type { RpcSession } from './rpc.js';
import type { ColumnType, TableSchema } from './schema.js';
import { encodeWhere } from './transaction.js';
import type { DatabaseModel, RowOf, Snapshot, TableMap, TableName, TablesOf, Uuid } from './types.js';
import type { MonitorHandle, MonitorHost, MonitorMethod } from './host.js';

/**
 * A monitor condition (monitor_cond and later): the rows matching ANY of its clauses; the server ORs them,
 * unlike a transaction's `where`. A `true` clause matches every row, `false` none; `[]` is every row.
 */
export type MonitorCondition<R> = readonly (Condition<R> | boolean)[];

export interface TableMonitorOptions<R> {
  /** Columns to replicate (default: all). Unreplicated columns are absent from rows. */
  columns?: readonly (keyof R & string)[];
  /** Only rows matching this condition. */
  where?: MonitorCondition<R>;
  /**
   * Replicate the rows' `_version` (default: as the replica's `versions`); false: it reads as the zero UUID. A
   * table of many rows read only by their columns saves a UUID per row on the wire and in memory.
   */
  versions?: boolean;
}

type RawCondition = readonly (readonly [string, string, unknown] | boolean)[];

/** A condition in wire notation (booleans pass through). */
function encodeCondition(schema: TableSchema, where: RawCondition): (WireCondition | boolean)[] {
  return where.map((c) => (typeof c === 'boolean' ? c : encodeWhere(schema, [c])[0]!));
}

export interface MonitorOptions<M extends DatabaseModel> {
  /** Tables to replicate: a list, or per-table options. Default: every table, every column. */
  tables?: readonly TableName<M>[] | { readonly [T in TableName<M>]?: TableMonitorOptions<RowOf<M, T>> | true };
  /** Force a monitor method (default: the best the server supports). */
  method?: MonitorMethod;
  /** Keep coalesced changes for takeChanges() (default true). */
  trackChanges?: boolean;
  /** Replicate each row's `_version` (default true); otherwise it reads as the zero UUID. */
  versions?: boolean;
  /**
   * Decode big batches (a full download, a condition change that brings many rows) in slices of about this many
   * ms, serving the event loop in between, so a daemon keeps answering probes while megabytes of rows decode.
   * The replica still changes in one step once the whole batch is decoded (no one sees half a batch), and later
   * updates wait for it. Default: off (every batch is applied as it arrives).
   */
  sliceMs?: number;
}

export type RowChange<T extends TableMap> = {
  [K in keyof T & string]:
    | {
        readonly kind: 'insert';
        readonly table: K;
        readonly uuid: Uuid<K>;
        readonly old: undefined;
        readonly new: T[K];
      }
    | { readonly kind: 'modify'; readonly table: K; readonly uuid: Uuid<K>; readonly old: T[K]; readonly new: T[K] }
    | {
        readonly kind: 'delete';
        readonly table: K;
        readonly uuid: Uuid<K>;
        readonly old: T[K];
        readonly new: undefined;
      };
}[keyof T & string];

export interface ChangeBatch<T extends TableMap> {
  readonly changes: readonly RowChange<T>[];
  /** True when the batch came from a full re-download after reconnect (the diff against the old contents). */
  readonly resync: boolean;
}

export interface ReplicaEvents<T extends TableMap> {
  change: [batch: ChangeBatch<T>];
  /** The monitor was re-established after a reconnect; `full` says whether everything was re-downloaded. */
  resumed: [info: { full: boolean; method: MonitorMethod }];
  error: [error: Error];
}

/** A custom secondary index: key → rows (non-unique). */
export interface ReplicaIndex<R> {
  get(key: string): R[];
  first(key: string): R | undefined;
  keys(): IterableIterator<string>;
}

type Row = Record<string, unknown> & { _uuid: string };
type Table = RowTable<Row>;

/** One decoded row update of a batch, not yet applied (`next` absent: a delete). */
interface StagedRow {
  readonly table: string;
  readonly uuid: string;
  readonly next: Row | undefined;
}

/** Batches with fewer row updates than this are applied at once even when slicing is on. */
const SLICE_MIN_ROWS = 1000;

interface TableSpec {
  readonly schema: TableSchema;
  readonly columns: readonly string[];
  readonly where?: RawCondition;
  /** `where` in wire notation, and that as text: what the server is asked for (absent: every row). */
  readonly wireWhere?: (WireCondition | boolean)[];
  readonly whereKey: string;
  /** Row with every replicated column at its default (frozen empty sets/maps, safe to share). */
  readonly template: Readonly<Record<string, unknown>>;
  readonly types: ReadonlyMap<string, ColumnType>;
  /** `_version` is asked for (the replica's and the table's options allow it). */
  readonly versions: boolean;
  /** Per-column decoders for full values (initial/insert), `_version` included. */
  readonly decoders: ReadonlyMap<string, (json: unknown) => unknown>;
  /** Schema indexes whose columns are all replicated. */
  readonly indexes: readonly (readonly string[])[];
}

interface CustomIndex {
  readonly table: string;
  readonly keyOf: (row: Row) => string | readonly string[] | undefined;
  readonly map: Map<string, Set<string>>;
}

/** Per-table conditions for setConditions (`undefined`: every row). */
export type ConditionMap<M extends DatabaseModel> = {
  readonly [T in TableName<M>]?: MonitorCondition<RowOf<M, T>> | undefined;
};

function conditionFields(
  schema: TableSchema,
  where: RawCondition | undefined,
): Pick<TableSpec, 'where' | 'wireWhere' | 'whereKey'> {
  if (!where) return { whereKey: '' };
  const wireWhere = encodeCondition(schema, where);
  return { where, wireWhere, whereKey: JSON.stringify(wireWhere) };
}

/**
 * A monitored table's spec under another condition (`undefined`: every row), checked and encoded here, before any
 * table's condition changes. A condition on a plain `monitor` is refused: the server cannot apply it.
 */
function respecified(
  table: string,
  spec: TableSpec | undefined,
  where: RawCondition | undefined,
  method: MonitorMethod | undefined,
): TableSpec {
  if (!spec) throw new ProtocolError(`table ${table} is not monitored`);
  if (where && method === 'monitor') throw new ProtocolError('the server does not support conditional monitors');
  const { schema, columns, versions, template, types, decoders, indexes } = spec;
  return { schema, columns, versions, template, types, decoders, indexes, ...conditionFields(schema, where) };
}

/** A unique index of a table: its columns, and key (indexKey) → row UUID. */
interface UniqueIndex {
  readonly cols: readonly string[];
  readonly map: Map<string, string>;
}

function indexKey(cols: readonly string[], row: Record<string, unknown>): string {
  return cols.length === 1 ? JSON.stringify(row[cols[0]!]) : JSON.stringify(cols.map((c) => row[c]));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    const s = new Set(a);
    return b.every((x) => s.has(x));
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k]);
  }
  return false;
}

export class Replica<M extends DatabaseModel>
  extends EventEmitter<ReplicaEvents<TablesOf<M>>>
  implements MonitorHandle
{
  readonly id: string;
  private readonly specs = new Map<string, TableSpec>();
  private tables = new Map<string, Table>();
  private snap: Snapshot<TablesOf<M>> | undefined;
  /** Per table, its unique indexes (columns, key → uuid); reindex runs for every row an update brings. */
  private readonly uniqueList = new Map<string, UniqueIndex[]>();
  /**
   * Per table and lookup() column list (joined), the unique index answering it, or null for a scan: northd looks up
   * ports by name hundreds of times a round, and finding the index was most of each lookup.
   */
  private readonly lookupIx = new Map<string, Map<string, UniqueIndex | null>>();
  private readonly custom = new Map<string, CustomIndex>();
  /** Notifications that arrived while a monitor request's reply was still being delivered. */
  private held: [string, readonly unknown[]][] | undefined;
  private pending = new Map<string, Map<string, { old: Row | undefined; new: Row | undefined }>>();
  private resyncPending = false;
  private boundSession: RpcSession | undefined;
  private resuming: Promise<void> | undefined;
  private loaded = false;
  /** Set after a bad update: the next subscription must download everything. */
  private forceFull = false;
  private closed = false;
  private method: MonitorMethod | undefined;
  /** Per table, the condition (as text) the server last confirmed (monitor reply or monitor_cond_change). */
  private acked = new Map<string, string>();
  private readonly log: Logger;
  private readonly track: boolean;
  private readonly versions: boolean;
  private readonly sliceMs: number | undefined;
  /** A sliced batch is being decoded: notifications wait here, in order, and are applied after it. */
  private backlog: [string, readonly unknown[]][] | undefined;
  private drainWaiters: (() => void)[] = [];
  /** Update notifications taken in (applied or in the backlog) and applied, for appliedUpTo. */
  private notesIn = 0;
  private notesApplied = 0;
  private appliedWaiters: { n: number; resolve: () => void }[] = [];
  /** The last transaction id seen (monitor_cond_since), used to resume without a full download. */
  lastTxnId: string = ZERO_UUID;
  /** Counters for observability and tests. */
  readonly stats = { fullLoads: 0, incrementalResumes: 0, updates: 0, slicedBatches: 0 };
  /** Resolves once the initial contents are in (monitor() already awaits it). */
  readonly ready: Promise<void>;
  private readyResolve!: () => void;

  constructor(
    private readonly client: MonitorHost,
    readonly model: M,
    opts: MonitorOptions<M>,
    log: Logger,
  ) {
    super();
    this.id = client.nextMonitorId();
    this.log = log.child({ monitor: this.id, db: model.schema.name });
    this.track = opts.trackChanges !== false;
    this.versions = opts.versions !== false;
    this.sliceMs = opts.sliceMs;
    if (opts.method) this.method = opts.method;
    this.ready = new Promise((r) => (this.readyResolve = r));
    const all = model.schema.tables;
    const sel = opts.tables;
    const chosen: [string, TableMonitorOptions<Record<string, unknown>>][] =
      sel === undefined
        ? Object.keys(all).map((t) => [t, {}])
        : Array.isArray(sel)
          ? (sel as readonly string[]).map((t) => [t, {}])
          : Object.entries(sel as Record<string, TableMonitorOptions<Record<string, unknown>> | true | undefined>)
              .filter(([, v]) => v !== undefined)
              .map(([t, v]) => [t, v === true ? {} : (v as TableMonitorOptions<Record<string, unknown>>)]);
    for (const [name, o] of chosen) {
      const schema = all[name];
      if (!schema) throw new ProtocolError(`database ${model.schema.name} has no table ${name}`);
      const columns = o.columns ? [...o.columns] : Object.keys(schema.columns);
      const template: Record<string, unknown> = {};
      const types = new Map<string, ColumnType>();
      for (const c of columns) {
        const col = schema.columns[c];
        if (!col) throw new ProtocolError(`table ${name} has no column ${c}`);
        types.set(c, col.type);
        template[c] = Object.freeze(defaultValue(col.type));
      }
      const indexes = schema.indexes.filter((ix) => ix.every((c) => types.has(c)));
      // A row's _version is its own (no other row names it): kept out of shareUuid's table.
      const decoders = new Map<string, (json: unknown) => unknown>([['_version', decodeVersion]]);
      for (const [c, t] of types) decoders.set(c, columnDecoder(t));
      this.specs.set(name, {
        schema,
        columns,
        versions: this.versions && o.versions !== false,
        ...conditionFields(schema, o.where as RawCondition | undefined),
        template,
        types,
        decoders,
        indexes,
      });
      this.uniqueList.set(
        name,
        indexes.map((ix) => ({ cols: ix, map: new Map<string, string>() })),
      );
    }
    for (const name of Object.keys(all)) this.tables.set(name, new RowTable());
  }

  // ---- reading ----

  /** An immutable view of every table (unreplicated tables are empty). Cheap when nothing changed. */
  snapshot(): Snapshot<TablesOf<M>> {
    if (!this.snap) {
      const out: Record<string, ReadonlyMap<string, Row>> = {};
      for (const [name, t] of this.tables) {
        out[name] = t;
        t.freeze();
      }
      this.snap = Object.freeze(out) as unknown as Snapshot<TablesOf<M>>;
    }
    return this.snap;
  }

  /** The rows of one table as of now. */
  table<T extends TableName<M>>(table: T): ReadonlyMap<Uuid<T>, RowOf<M, T>> {
    return (this.tables.get(table) ?? new Map()) as unknown as ReadonlyMap<Uuid<T>, RowOf<M, T>>;
  }

  get<T extends TableName<M>>(table: T, uuid: Uuid<T> | string): RowOf<M, T> | undefined {
    return this.tables.get(table)?.get(uuid) as RowOf<M, T> | undefined;
  }

  /**
   * Find the row whose columns equal `key`, through the schema index on exactly those columns
   * (e.g. `lookup('Logical_Switch', { name: 'ls1' })`); without such an index, a scan.
   */
  lookup<T extends TableName<M>>(table: T, key: Partial<RowOf<M, T>>): RowOf<M, T> | undefined {
    const cols = Object.keys(key);
    const ix = this.lookupIndex(table, cols);
    if (ix) {
      const uuid = ix.map.get(indexKey(ix.cols, key as Record<string, unknown>));
      return uuid === undefined ? undefined : this.get(table, uuid);
    }
    for (const row of this.tables.get(table)?.values() ?? []) {
      if (cols.every((c) => sameValue(row[c], (key as Record<string, unknown>)[c])))
        return row as unknown as RowOf<M, T>;
    }
    return undefined;
  }

  /** The unique index on exactly `cols` (in any order) of `table`, if any (memoized per column list). */
  private lookupIndex(table: string, cols: readonly string[]): UniqueIndex | null {
    let perTable = this.lookupIx.get(table);
    if (!perTable) this.lookupIx.set(table, (perTable = new Map()));
    const k = cols.length === 1 ? cols[0]! : cols.join(',');
    let ix = perTable.get(k);
    if (ix === undefined) {
      ix =
        this.uniqueList
          .get(table)
          ?.find((i) => i.cols.length === cols.length && i.cols.every((c) => cols.includes(c))) ?? null;
      perTable.set(k, ix);
    }
    return ix;
  }

  /** Define a secondary index: `keyOf` maps a row to zero, one or several keys. */
  addIndex<T extends TableName<M>>(
    table: T,
    name: string,
    keyOf: (row: RowOf<M, T>) => string | readonly string[] | undefined,
  ): ReplicaIndex<RowOf<M, T>> {
    if (this.custom.has(name)) throw new ProtocolError(`index ${name} already exists`);
    const ix: CustomIndex = { table, keyOf: keyOf as unknown as CustomIndex['keyOf'], map: new Map() };
    this.custom.set(name, ix);
    for (const row of this.tables.get(table)?.values() ?? []) this.indexAdd(ix, row);
    return this.index<T>(name);
  }

  /** A secondary index defined with addIndex. */
  index<T extends TableName<M>>(name: string): ReplicaIndex<RowOf<M, T>> {
    const ix = this.custom.get(name);
    if (!ix) throw new ProtocolError(`no index ${name}`);
    const rows = (key: string) => {
      const out: RowOf<M, T>[] = [];
      const t = this.tables.get(ix.table);
      for (const u of ix.map.get(key) ?? []) {
        const r = t?.get(u);
        if (r) out.push(r as unknown as RowOf<M, T>);
      }
      return out;
    };
    return { get: rows, first: (key) => rows(key)[0], keys: () => ix.map.keys() };
  }

  /**
   * Every change since the previous call (or since the start), coalesced per row: an insert then a modify
   * is one insert, an insert then a delete is nothing, and so on. `resync` is true if a full re-download
   * happened in between.
   */
  takeChanges(): ChangeBatch<TablesOf<M>> {
    const changes: RowChange<TablesOf<M>>[] = [];
    for (const [table, rows] of this.pending) {
      for (const [uuid, c] of rows) {
        const ch = this.change(table, uuid, c.old, c.new);
        if (ch) changes.push(ch);
      }
    }
    this.pending = new Map();
    const resync = this.resyncPending;
    this.resyncPending = false;
    return { changes, resync };
  }

  /** Resolve when `predicate` holds (checked now and after every update). */
  waitFor(predicate: (replica: this) => boolean, timeoutMs = 10_000): Promise<void> {
    if (predicate(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (predicate(this)) {
          done();
          resolve();
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new TimeoutError(`condition not met within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.off('change', check);
        this.off('resumed', check);
      };
      this.on('change', check);
      this.on('resumed', check);
    });
  }

  /** Change the condition of one monitored table (see setConditions). */
  setCondition<T extends TableName<M>>(
    table: T,
    where: MonitorCondition<RowOf<M, T>> | undefined,
    call?: CallOptions,
  ): Promise<void> {
    return this.setConditions({ [table]: where } as ConditionMap<M>, call);
  }

  /**
   * Change the conditions of several monitored tables at once (one monitor_cond_change; `undefined`: every
   * row). Resolves once the server has applied them: rows that entered the conditions are in the replica
   * (as inserts) and rows that left them are gone (as deletes). Across a reconnect the new conditions are
   * what the replica resubscribes with. `call` bounds the wait; after a timeout or abort the conditions
   * stay requested (a later call or the next resubscription sends them).
   */
  async setConditions(conds: ConditionMap<M>, call: CallOptions = {}): Promise<void> {
    throwIfAborted('monitor_cond_change', call);
    if (this.closed) throw new ClosedError('monitor closed');
    const next = new Map<string, TableSpec>();
    for (const [table, where] of Object.entries(conds) as [string, RawCondition | undefined][])
      next.set(table, respecified(table, this.specs.get(table), where, this.method));
    const prev = new Map([...next.keys()].map((t) => [t, this.specs.get(t)!]));
    for (const [table, spec] of next) this.specs.set(table, spec);
    const started = Date.now();
    for (;;) {
      if (this.closed) throw new ClosedError('monitor closed');
      const stale = [...next.keys()].filter((t) => this.acked.get(t) !== this.specs.get(t)!.whereKey);
      if (!stale.length) return;
      const s = await this.client.connected(remaining(call, started));
      if (this.resuming)
        await bounded(
          'monitor_cond_change',
          remaining(call, started),
          this.resuming.catch(() => undefined),
        );
      if (this.boundSession !== s || s.isClosed) {
        await new Promise((r) => setTimeout(r, 10)); // a resubscription is starting on that session
        continue;
      }
      const body: Record<string, unknown> = {};
      const sent = new Map<string, string>();
      for (const t of stale) {
        const spec = this.specs.get(t)!;
        // The server refuses column changes here; an absent condition is sent as "every row".
        body[t] = [{ where: spec.wireWhere ?? [true] }];
        sent.set(t, spec.whereKey);
      }
      try {
        await s.request('monitor_cond_change', [this.id, this.id, body], remaining(call, started));
      } catch (e) {
        if (e instanceof ConnectionError && !(e instanceof ClosedError)) continue; // the resubscription carries them
        // Refused (or given up on): a refused condition must not be what later resubscriptions send.
        if (e instanceof OvsdbError)
          for (const [t, spec] of next) if (this.specs.get(t) === spec) this.specs.set(t, prev.get(t)!);
        throw e;
      }
      // The rows the change brought came before its reply; with slicing they may still be decoding.
      await this.drained();
      for (const [t, key] of sent) this.acked.set(t, key);
    }
  }

  /**
   * setConditions through a sequence of steps sent back to back (one monitor_cond_change each, without waiting
   * for the replies in between), the last being where the conditions end: the server composes a step's rows
   * while the ones before are received and decoded, and the caller may use each step's rows as they come (a
   * big widening in parts). One promise per step, resolving once that step's rows are in the replica (later
   * steps' may still be arriving); the last resolves as setConditions would. Across a reconnect (or with no
   * ready session to pipeline on) it goes on as setConditions(last step), and the steps before resolve with it.
   */
  setConditionSteps(steps: readonly ConditionMap<M>[], call: CallOptions = {}): Promise<void>[] {
    if (steps.length <= 1) return steps.map((c) => this.setConditions(c, call));
    const last = steps[steps.length - 1]!;
    const s = this.boundSession;
    if (this.closed || this.resuming === undefined || !s || s.isClosed || call.signal?.aborted) {
      const all = this.setConditions(last, call);
      return steps.map(() => all);
    }
    const started = Date.now();
    // Each step's specs, over the current ones; the replica's own specs are the last step's at once (what a
    // resubscription sends).
    const prev = new Map<string, TableSpec>();
    let cur = new Map<string, TableSpec>();
    const stepSpecs: Map<string, TableSpec>[] = [];
    for (const conds of steps) {
      const next = new Map<string, TableSpec>();
      for (const [table, where] of Object.entries(conds) as [string, RawCondition | undefined][]) {
        next.set(table, respecified(table, cur.get(table) ?? this.specs.get(table), where, this.method));
        if (!prev.has(table)) prev.set(table, this.specs.get(table)!);
      }
      stepSpecs.push(next);
      cur = new Map([...cur, ...next]);
    }
    for (const [table, spec] of cur) this.specs.set(table, spec);
    const finals = cur;
    let fallback: Promise<void> | undefined;
    const viaSetConditions = () =>
      (fallback ??= this.setConditions(
        Object.fromEntries([...finals].map(([t, spec]) => [t, spec.where])) as ConditionMap<M>,
        remaining(call, started),
      ));
    let refused = false;
    // Sent now, in order, on the session the replica is bound to (awaiting its resubscription first).
    const ready = this.resuming.then(
      () => this.boundSession === s && !s.isClosed && !this.closed,
      () => false,
    );
    const requests: Promise<unknown>[] = [];
    const sentAll = ready.then((ok) => {
      if (!ok) return false;
      for (const specs of stepSpecs) {
        const body: Record<string, unknown> = {};
        for (const [t, spec] of specs) body[t] = [{ where: spec.wireWhere ?? [true] }];
        requests.push(s.request('monitor_cond_change', [this.id, this.id, body], remaining(call, started)));
      }
      return true;
    });
    return stepSpecs.map(async (specs, i) => {
      if (!(await sentAll)) return viaSetConditions();
      try {
        await requests[i];
      } catch (e) {
        if (e instanceof ConnectionError && !(e instanceof ClosedError)) return viaSetConditions();
        // Refused (or given up on): a refused condition must not be what later resubscriptions send.
        if (e instanceof OvsdbError && !refused) {
          refused = true;
          for (const [t, spec] of finals) if (this.specs.get(t) === spec) this.specs.set(t, prev.get(t)!);
        }
        throw e;
      }
      // The rows the step brought came before its reply; with slicing they may still be decoding.
      await this.appliedUpTo();
      for (const [t, spec] of specs) this.acked.set(t, spec.whereKey);
    });
  }

  /** Stop monitoring (monitor_cancel) and forget this replica on reconnects. The contents stay readable. */
  async close(call?: CallOptions): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.client.unregisterMonitor(this.id);
    const s = this.boundSession;
    if (s && !s.isClosed) await s.request('monitor_cancel', [this.id], call).catch(() => undefined);
  }

  // ---- lifecycle (called by the client) ----

  /** Register with the client and load the initial contents (`call` bounds the whole load). */
  async start(call: CallOptions = {}): Promise<void> {
    this.client.registerMonitor(this.id, this);
    const started = Date.now();
    try {
      for (;;) {
        const s = await this.client.connected(remaining(call, started));
        try {
          if (this.boundSession !== s) await this.resume(s, remaining(call, started));
          else await this.resuming;
        } catch (e) {
          if (e instanceof ConnectionError && !(e instanceof ClosedError)) continue; // reconnecting: try again
          throw e;
        }
        if (this.loaded) return;
      }
    } catch (e) {
      this.client.unregisterMonitor(this.id);
      throw e;
    }
  }

  /** (Re)issue the monitor on a new session: monitor_cond_since with the last txn id when possible. */
  resume(session: RpcSession, call?: CallOptions): Promise<void> {
    this.boundSession = session;
    const first = !this.loaded;
    this.resuming = this.subscribe(session, call).catch((e: unknown) => {
      // The first subscription reports to monitor()'s caller. A failed re-subscription must not take the
      // whole client down (it would reconnect forever): the replica reports it and stays as it was.
      if (first || (e instanceof ConnectionError && !(e instanceof ClosedError))) throw e;
      this.log.error({ err: (e as Error).message }, 'resubscription failed; replica is stale');
      this.reportError(e as Error);
    });
    return this.resuming;
  }

  onCanceled(session: RpcSession): void {
    if (this.closed) return;
    this.forceFull = true;
    this.resume(session).catch((e: unknown) => {
      this.log.error({ err: (e as Error).message }, 'resubscription after cancel failed');
      this.reportError(e as Error);
    });
  }

  /** 'error' events only when someone listens (an unheard 'error' would throw from the socket handler). */
  private reportError(e: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', e);
  }

  /** The monitor requests for every table, and the condition (as text) each one carries. */
  private requests(method: MonitorMethod): { body: Record<string, unknown>; sent: Map<string, string> } {
    const body: Record<string, unknown> = {};
    const sent = new Map<string, string>();
    for (const [name, spec] of this.specs) {
      const columns = spec.versions ? [...spec.columns, '_version'] : [...spec.columns];
      if (method === 'monitor') {
        if (spec.wireWhere) throw new ProtocolError('the server does not support conditional monitors');
        body[name] = { columns };
      } else {
        body[name] = [{ columns, ...(spec.wireWhere ? { where: spec.wireWhere } : {}) }];
      }
      sent.set(name, spec.whereKey);
    }
    return { body, sent };
  }

  /** Some table's condition changed without the server confirming it (the change was in flight). */
  private conditionsUnacked(): boolean {
    for (const [name, spec] of this.specs) if (this.acked.get(name) !== spec.whereKey) return true;
    return false;
  }

  private async subscribe(session: RpcSession, call?: CallOptions): Promise<void> {
    const db = this.model.schema.name;
    const candidates: MonitorMethod[] = this.method
      ? [this.method]
      : this.client.monitorMethod
        ? [this.client.monitorMethod]
        : ['monitor_cond_since', 'monitor_cond', 'monitor'];
    // Updates of the old session still decoding go first: the last txn id must be the last one applied.
    await this.drained();
    for (let i = 0; i < candidates.length; i++) {
      const method = candidates[i]!;
      const { body, sent } = this.requests(method);
      const params: unknown[] = [db, this.id, body];
      // Resuming from the last txn id under conditions the server never confirmed would miss the rows that
      // match only the new ones and did not change since: download everything then.
      if (method === 'monitor_cond_since')
        params.push(this.loaded && !this.forceFull && !this.conditionsUnacked() ? this.lastTxnId : ZERO_UUID);
      let reply: unknown;
      // The reply resolves a promise (a microtask later), while update notifications that follow it in the
      // same chunk are dispatched at once: hold them back until the reply's contents are applied.
      this.held = [];
      try {
        reply = await session.request(method, params, call);
      } catch (e) {
        this.held = undefined;
        if (e instanceof OvsdbError && e.error === 'unknown method' && i < candidates.length - 1) continue;
        throw e;
      }
      if (!this.method) this.client.monitorMethod = method;
      this.method = method;
      // Notifications stay held while a big reply decodes in slices.
      await this.onReply(method, reply);
      const held = this.held;
      this.held = undefined;
      this.acked = sent;
      for (const [m, p] of held) this.onNotification(m, p);
      return;
    }
  }

  private async onReply(method: MonitorMethod, reply: unknown): Promise<void> {
    let full = true;
    if (method === 'monitor_cond_since') {
      if (
        !Array.isArray(reply) ||
        reply.length !== 3 ||
        typeof reply[0] !== 'boolean' ||
        typeof reply[1] !== 'string'
      ) {
        throw new ProtocolError('monitor_cond_since: malformed reply');
      }
      const [found, txnId, updates] = reply as [boolean, string, unknown];
      full = !(found && this.loaded && !this.forceFull);
      if (full) await this.replaceAll(updates, 2);
      else await this.applyBatch(updates, 2);
      this.lastTxnId = txnId;
    } else {
      await this.replaceAll(reply, method === 'monitor' ? 1 : 2);
    }
    if (full) this.stats.fullLoads++;
    else this.stats.incrementalResumes++;
    this.forceFull = false;
    const first = !this.loaded;
    this.loaded = true;
    this.log.debug({ method, full }, first ? 'monitor loaded' : 'monitor resumed');
    if (first) this.readyResolve();
    else this.emit('resumed', { full, method });
  }

  onNotification(method: string, params: readonly unknown[]): void {
    if (this.closed) return;
    if (this.held) {
      this.held.push([method, params]);
      return;
    }
    this.notesIn++;
    if (this.backlog) {
      this.backlog.push([method, params]);
      return;
    }
    const pending = this.applyNotification(method, params);
    if (!pending) return this.noteApplied();
    // A big batch decodes in slices: everything arriving meanwhile waits in the backlog, in order.
    const backlog: [string, readonly unknown[]][] = (this.backlog = []);
    void (async () => {
      await pending;
      this.noteApplied();
      // After a bad update (or a cancelled monitor) a full download replaces everything: the rest is moot.
      while (backlog.length && !this.closed && !this.forceFull) {
        const [m, p] = backlog.shift()!;
        await this.applyNotification(m, p);
        this.noteApplied();
      }
      this.backlog = undefined;
      this.notesApplied = this.notesIn; // what was left in the backlog is moot (or applied)
      this.noteApplied(0);
      for (const w of this.drainWaiters.splice(0)) w();
    })();
  }

  private noteApplied(n = 1): void {
    this.notesApplied += n;
    if (!this.appliedWaiters.length) return;
    const done = this.appliedWaiters.filter((w) => w.n <= this.notesApplied);
    this.appliedWaiters = this.appliedWaiters.filter((w) => w.n > this.notesApplied);
    for (const w of done) w.resolve();
  }

  /**
   * Resolves once every notification taken in so far is applied (later ones may still be decoding): a reply's
   * rows came before it, so at the reply this is drained() for what the request brought.
   */
  private appliedUpTo(): Promise<void> {
    const n = this.notesIn;
    if (this.notesApplied >= n) return Promise.resolve();
    return new Promise((resolve) => this.appliedWaiters.push({ n, resolve }));
  }

  /** Resolves once no sliced batch is decoding and no notification waits behind one. */
  private drained(): Promise<void> {
    if (!this.backlog) return Promise.resolve();
    return new Promise((r) => this.drainWaiters.push(r));
  }

  /** Applies one update notification; a promise when it is decoding in slices (errors are handled here). */
  private applyNotification(method: string, params: readonly unknown[]): Promise<void> | undefined {
    const fail = (e: unknown) => {
      // A malformed update leaves the replica unreliable: report it and force a fresh download.
      this.log.error({ err: (e as Error).message }, 'bad update; resynchronising');
      this.reportError(e as Error);
      this.forceFull = true;
      this.boundSession?.close(e as Error);
    };
    try {
      let r: Promise<void> | undefined;
      if (method === 'update3') {
        if (typeof params[1] === 'string') this.lastTxnId = params[1];
        r = this.applyBatch(params[2], 2);
      } else if (method === 'update2') r = this.applyBatch(params[1], 2);
      else if (method === 'update') r = this.applyBatch(params[1], 1);
      return r?.catch(fail);
    } catch (e) {
      fail(e);
      return undefined;
    }
  }

  // ---- applying updates ----

  private writable(table: string): Table {
    let t = this.tables.get(table)!;
    if (t.isFrozen) {
      t = t.fork();
      this.tables.set(table, t);
    }
    this.snap = undefined;
    return t;
  }

  /** Decode a row object (all columns present or defaulted) from an initial/insert value. */
  private fullRow(spec: TableSpec, uuid: string, json: unknown): Row {
    // The row's own UUID is the string its references (decoded in the same run) share.
    const row: Row = { _uuid: shareUuid(uuid), _version: ZERO_UUID, ...spec.template };
    if (typeof json !== 'object' || json === null) throw new ProtocolError(`row ${uuid}: not an object`);
    for (const col in json) {
      const decode = spec.decoders.get(col);
      if (decode) row[col] = decode((json as Record<string, unknown>)[col]);
    }
    return row;
  }

  private modifiedRow(spec: TableSpec, old: Row, json: unknown, format: 1 | 2): Row {
    const row: Row = { ...old };
    if (typeof json !== 'object' || json === null) throw new ProtocolError(`row ${old._uuid}: not an object`);
    for (const col in json) {
      const type = col === '_version' ? UUID_COLUMN_TYPE : spec.types.get(col);
      if (!type) continue;
      const v = (json as Record<string, unknown>)[col];
      row[col] = format === 2 ? applyDiff(type, old[col], v) : decodeDatum(type, v);
    }
    return row;
  }

  /** Row updates in a table-updates(2) object (a cheap count: decides whether to slice). */
  private rowCount(updates: object): number {
    let n = 0;
    for (const table in updates) {
      if (!this.specs.has(table)) continue;
      const rows = (updates as Record<string, object>)[table]!;
      for (const _ in rows) if (++n >= SLICE_MIN_ROWS) return n;
    }
    return n;
  }

  /** Decodes the row updates of a table-updates(2) object, one at a time (the replica is not touched). */
  private *decode(updates: object, format: 1 | 2, full: boolean): Generator<StagedRow> {
    for (const table in updates) {
      const spec = this.specs.get(table);
      if (!spec) continue;
      const rows = (updates as Record<string, Record<string, unknown>>)[table]!;
      const t = this.tables.get(table)!;
      for (const uuid in rows) {
        const u = rows[uuid] as Record<string, unknown>;
        if (full) {
          // A full download: only the values count (see replaceAll).
          const value = format === 2 ? (u['initial'] ?? u['insert']) : u['new'];
          if (value !== undefined) yield { table, uuid, next: this.fullRow(spec, uuid, value) };
          continue;
        }
        const old = t.get(uuid);
        let next: Row | undefined;
        if (format === 2) {
          if (u['initial'] !== undefined) next = this.fullRow(spec, uuid, u['initial']);
          else if (u['insert'] !== undefined) next = this.fullRow(spec, uuid, u['insert']);
          else if (u['modify'] !== undefined) {
            if (!old) throw new ProtocolError(`modify of unknown row ${table} ${uuid}`);
            next = this.modifiedRow(spec, old, u['modify'], 2);
          } else if (u['delete'] !== undefined) next = undefined;
          else throw new ProtocolError(`row update for ${table} ${uuid} has no action`);
        } else {
          const nv = u['new'];
          next = nv === undefined ? undefined : old ? this.modifiedRow(spec, old, nv, 1) : this.fullRow(spec, uuid, nv);
        }
        yield { table, uuid, next };
      }
    }
  }

  /**
   * Every decoded row of `updates`: at once, or (slicing on and a big batch) over several event-loop turns.
   * Nothing applies other updates meanwhile (they wait in the backlog or with the held notifications), so a
   * modify decoded against the current row is still against it when the batch is applied.
   */
  private staged(updates: unknown, format: 1 | 2, full: boolean): StagedRow[] | Promise<StagedRow[]> {
    if (typeof updates !== 'object' || updates === null) throw new ProtocolError('table-updates is not an object');
    const it = this.decode(updates, format, full);
    if (this.sliceMs === undefined || this.rowCount(updates) < SLICE_MIN_ROWS) return [...it];
    const sliceMs = this.sliceMs;
    this.stats.slicedBatches++;
    return (async () => {
      const out: StagedRow[] = [];
      for (;;) {
        const end = performance.now() + sliceMs;
        for (let i = 1; ; i++) {
          const r = it.next();
          if (r.done) return out;
          out.push(r.value);
          if ((i & 63) === 0 && performance.now() >= end) break;
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
  }

  /** Apply one table-updates(2) object as a batch of changes (a promise when it decodes in slices). */
  private applyBatch(updates: unknown, format: 1 | 2): Promise<void> | undefined {
    const rows = this.staged(updates, format, false);
    if (Array.isArray(rows)) return void this.commit(updates as object, rows);
    return rows.then((r) => this.commitSliced(updates as object, r, this.sliceMs!));
  }

  /**
   * commit() for a big decoded batch, over several event-loop turns: the rows go into private copies of their
   * tables (and private change records) a slice at a time, and are published in one step at the end, so
   * snapshot(), takeChanges() and the 'change' event see the whole batch or none of it.
   */
  private async commitSliced(updates: object, rows: readonly StagedRow[], sliceMs: number): Promise<void> {
    type Pending = Map<string, { old: Row | undefined; new: Row | undefined }>;
    const copies = new Map<string, Table>();
    const pending = new Map<string, Pending>();
    for (const table in updates)
      if (this.specs.has(table)) {
        copies.set(table, this.tables.get(table)!.fork());
        pending.set(table, new Map());
      }
    const emit = this.listenerCount('change') > 0;
    const changes: RowChange<TablesOf<M>>[] = [];
    const applied: StagedRow[] = [];
    let end = performance.now() + sliceMs;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      const t = copies.get(r.table)!;
      const old = t.get(r.uuid);
      if (r.next) t.set(r.uuid, r.next);
      else if (old) t.delete(r.uuid);
      else continue;
      applied.push(r);
      if (this.track) pending.get(r.table)!.set(r.uuid, { old, new: r.next });
      if (emit) changes.push(this.change(r.table, r.uuid, old, r.next)!);
      if ((i & 255) === 255 && performance.now() >= end) {
        await new Promise((res) => setImmediate(res));
        if (this.closed) return;
        end = performance.now() + sliceMs;
      }
    }
    if (this.closed) return;
    this.stats.updates++;
    // Published at once. The indexes are brought up to date from the rows' old values (the tables' own).
    for (const [table, t] of copies) {
      const live = this.tables.get(table)!;
      for (const r of applied) if (r.table === table) this.reindex(table, r.uuid, live.get(r.uuid), r.next);
      this.tables.set(table, t);
    }
    this.snap = undefined;
    if (this.track)
      for (const [table, p] of pending) {
        const cur = this.pending.get(table);
        if (!cur) this.pending.set(table, p);
        else
          for (const [uuid, c] of p) {
            const prev = cur.get(uuid);
            if (prev) prev.new = c.new;
            else cur.set(uuid, c);
          }
      }
    if (emit) this.emit('change', { changes, resync: false });
  }

  /** The decoded batch goes in, in one step, and is announced as one change batch. */
  private commit(updates: object, rows: readonly StagedRow[]): void {
    if (this.closed) return;
    this.stats.updates++;
    const changes: RowChange<TablesOf<M>>[] | undefined = this.listenerCount('change') > 0 ? [] : undefined;
    const writable = new Map<string, Table>();
    for (const table in updates) if (this.specs.has(table)) writable.set(table, this.writable(table));
    for (const { table, uuid, next } of rows) {
      const t = writable.get(table)!;
      this.put(table, t, uuid, t.get(uuid), next, changes);
    }
    if (changes) this.emit('change', { changes, resync: false });
  }

  /** Replace all contents with a full download; emit the difference as one batch. */
  private async replaceAll(updates: unknown, format: 1 | 2): Promise<void> {
    if (!this.loaded) {
      await this.applyBatch(updates, format);
      return;
    }
    const staged = await this.staged(updates, format, true);
    const byTable = new Map<string, StagedRow[]>();
    for (const r of staged) {
      let l = byTable.get(r.table);
      if (!l) byTable.set(r.table, (l = []));
      l.push(r);
    }
    const changes: RowChange<TablesOf<M>>[] | undefined = this.listenerCount('change') > 0 ? [] : undefined;
    for (const [table, spec] of this.specs) {
      const t = this.writable(table);
      const seen = new Set<string>();
      for (const { uuid, next } of byTable.get(table) ?? []) {
        seen.add(uuid);
        const old = t.get(uuid);
        if (old && spec.columns.every((c) => sameValue(old[c], next![c]))) {
          // Same data. A restarted standalone server renumbers _version: take it silently, it is no change.
          if (old['_version'] !== next!['_version']) t.set(uuid, next!);
          continue;
        }
        this.put(table, t, uuid, old, next, changes);
      }
      for (const [uuid, old] of [...t]) if (!seen.has(uuid)) this.put(table, t, uuid, old, undefined, changes);
    }
    this.resyncPending = true;
    if (changes) this.emit('change', { changes, resync: true });
  }

  private put(
    table: string,
    t: Table,
    uuid: string,
    old: Row | undefined,
    next: Row | undefined,
    changes: RowChange<TablesOf<M>>[] | undefined,
  ): void {
    if (next) t.set(uuid, next);
    else if (old) t.delete(uuid);
    else return;
    this.reindex(table, uuid, old, next);
    if (this.track) {
      let p = this.pending.get(table);
      if (!p) this.pending.set(table, (p = new Map()));
      const prev = p.get(uuid);
      if (prev) prev.new = next;
      else p.set(uuid, { old, new: next });
    }
    if (changes) {
      const c = this.change(table, uuid, old, next);
      if (c) changes.push(c);
    }
  }

  private change(
    table: string,
    uuid: string,
    old: Row | undefined,
    next: Row | undefined,
  ): RowChange<TablesOf<M>> | undefined {
    const kind = old ? (next ? 'modify' : 'delete') : next ? 'insert' : undefined;
    if (!kind) return undefined;
    return { kind, table, uuid, old, new: next } as unknown as RowChange<TablesOf<M>>;
  }

  private reindex(table: string, uuid: string, old: Row | undefined, next: Row | undefined): void {
    for (const { cols, map: m } of this.uniqueList.get(table)!) {
      if (old) {
        const k = indexKey(cols, old);
        if (m.get(k) === uuid) m.delete(k);
      }
      if (next) m.set(indexKey(cols, next), uuid);
    }
    for (const ix of this.custom.values()) {
      if (ix.table !== table) continue;
      if (old) this.indexRemove(ix, old);
      if (next) this.indexAdd(ix, next);
    }
  }

  private keysOf(ix: CustomIndex, row: Row): readonly string[] {
    const k = ix.keyOf(row);
    return k === undefined ? [] : typeof k === 'string' ? [k] : k;
  }

  private indexAdd(ix: CustomIndex, row: Row): void {
    for (const k of this.keysOf(ix, row)) {
      let s = ix.map.get(k);
      if (!s) ix.map.set(k, (s = new Set()));
      s.add(row._uuid);
    }
  }

  private indexRemove(ix: CustomIndex, row: Row): void {
    for (const k of this.keysOf(ix, row)) {
      const s = ix.map.get(k);
      if (s) {
        s.delete(row._uuid);
        if (s.size === 0) ix.map.delete(k);
      }
    }
  }
}

/** A `_version` value: a bare ["uuid", u] as is (not through shareUuid), anything else validated. */
function decodeVersion(j: unknown): unknown {
  return Array.isArray(j) && j.length === 2 && j[0] === 'uuid' && typeof j[1] === 'string'
    ? j[1]
    : decodeDatum(UUID_COLUMN_TYPE, j);
}
