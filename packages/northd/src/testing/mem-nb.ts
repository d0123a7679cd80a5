// An in-memory NB database for tests of the incremental engine: applies RFC 7047 wire operations the
// way ovsdb-server commits them (atomic transactions, named-uuids, referential integrity, unique indexes,
// weak references dropped, unreferenced non-root rows garbage-collected) and exposes the result the way
// the replica cache does (copy-on-write snapshots of immutable rows, coalesced changes).
import {
  columnKind,
  decodeDatum,
  UUID_COLUMN_TYPE,
  type BaseType,
  type ChangeBatch,
  type ColumnKind,
  type ColumnType,
  type RowChange,
  type TableSchema,
} from 'ovsdb-client-ts';
import { schema, type Tables as NbTables } from '@ovnts/schema/nb';
import { NB_INPUT_TABLES, type NbInput } from '../input.js';
import { defaultValue } from './rows.js';

export type NbInputTable = (typeof NB_INPUT_TABLES)[number];
export type NbInputTables = Pick<NbTables, NbInputTable>;
/** A change as the replica's takeChanges() reports it, for the NB input tables. */
export type NbRowChange = RowChange<NbInputTables>;

export class MemNbError extends Error {
  override readonly name = 'MemNbError';
}

type Row = Record<string, unknown> & { _uuid: string; _version: string };
type Atom = string | number | boolean;

interface RefCol {
  readonly col: string;
  readonly part: 'key' | 'value';
  readonly refTable: string;
  readonly kind: ColumnKind;
}

interface TableInfo {
  readonly name: string;
  readonly schema: TableSchema;
  readonly isRoot: boolean;
  readonly tracked: boolean;
  /** Every column at its default (fresh sets/maps are copied per row). */
  readonly columns: readonly (readonly [string, ColumnType])[];
  readonly strong: readonly RefCol[];
  readonly weak: readonly RefCol[];
  readonly indexes: readonly (readonly string[])[];
}

const TRACKED = new Set<string>(NB_INPUT_TABLES);

function buildInfo(ts: TableSchema): TableInfo {
  const strong: RefCol[] = [];
  const weak: RefCol[] = [];
  const columns: [string, ColumnType][] = [];
  for (const [name, c] of Object.entries(ts.columns)) {
    columns.push([name, c.type]);
    const kind = columnKind(c.type);
    for (const part of ['key', 'value'] as const) {
      const b = c.type[part];
      if (b?.refTable) (b.refType === 'weak' ? weak : strong).push({ col: name, part, refTable: b.refTable, kind });
    }
  }
  return {
    name: ts.name,
    schema: ts,
    isRoot: ts.isRoot,
    tracked: TRACKED.has(ts.name),
    columns,
    strong,
    weak,
    indexes: ts.indexes,
  };
}

const INFOS = new Map<string, TableInfo>(Object.values(schema.tables).map((ts) => [ts.name, buildInfo(ts)]));

/** The uuids a reference column holds in one row. */
function refsOf(row: Row, rc: RefCol): string[] {
  const v = row[rc.col];
  switch (rc.kind) {
    case 'scalar':
      return [v as string];
    case 'optional':
      return v === null ? [] : [v as string];
    case 'set':
      return v as string[];
    case 'map': {
      const o = v as Record<string, string>;
      return rc.part === 'key' ? Object.keys(o) : Object.values(o);
    }
  }
}

function compareAtoms(a: Atom, b: Atom): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function describe(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function checkAtom(base: BaseType, a: Atom, what: string): void {
  if (base.enum && !base.enum.includes(a)) {
    throw new MemNbError(`constraint violation: ${what}: ${describe(a)} is not one of the allowed values`);
  }
  if (typeof a === 'number') {
    const lo = base.type === 'integer' ? base.minInteger : base.minReal;
    const hi = base.type === 'integer' ? base.maxInteger : base.maxReal;
    if ((lo !== undefined && a < lo) || (hi !== undefined && a > hi)) {
      throw new MemNbError(`constraint violation: ${what}: ${a} is out of range`);
    }
  }
  if (typeof a === 'string' && base.type === 'string') {
    if (
      (base.minLength !== undefined && a.length < base.minLength) ||
      (base.maxLength !== undefined && a.length > base.maxLength)
    ) {
      throw new MemNbError(`constraint violation: ${what}: string length out of range`);
    }
  }
}

/** A column value in canonical form (sets sorted, map keys sorted), checked against the column constraints. */
function canonical(type: ColumnType, v: unknown, what: string): unknown {
  const kind = columnKind(type);
  if (kind === 'scalar') {
    checkAtom(type.key, v as Atom, what);
    return v;
  }
  if (kind === 'optional') {
    if (v !== null) checkAtom(type.key, v as Atom, what);
    return v;
  }
  if (kind === 'set') {
    const arr = [...(v as Atom[])].sort(compareAtoms);
    for (let i = 0; i < arr.length; i++) {
      checkAtom(type.key, arr[i]!, what);
      if (i > 0 && arr[i] === arr[i - 1])
        throw new MemNbError(`${what}: set contains duplicate value ${describe(arr[i])}`);
    }
    checkSize(type, arr.length, what);
    return arr;
  }
  const o = v as Record<string, Atom>;
  const keys = Object.keys(o).sort();
  const out: Record<string, Atom> = {};
  for (const k of keys) {
    checkAtom(type.key, type.key.type === 'integer' || type.key.type === 'real' ? Number(k) : k, what);
    checkAtom(type.value!, o[k]!, what);
    out[k] = o[k]!;
  }
  checkSize(type, keys.length, what);
  return out;
}

function checkSize(type: ColumnType, n: number, what: string): void {
  if (n < type.min || n > type.max) {
    throw new MemNbError(`constraint violation: ${what}: ${n} elements, must have ${type.min} to ${type.max}`);
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k]);
  }
  return false;
}

function sameRow(info: TableInfo, a: Row, b: Row): boolean {
  for (const [c] of info.columns) if (!sameValue(a[c], b[c])) return false;
  return true;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A set/optional/map type with the size limits lifted: how condition and mutation operands are decoded. */
function relaxed(type: ColumnType): ColumnType {
  return { ...type, min: 0, max: Infinity };
}

function indexKey(cols: readonly string[], row: Row): string {
  return cols.length === 1 ? JSON.stringify(row[cols[0]!]) : JSON.stringify(cols.map((c) => row[c]));
}

function uuidOf(n: number, tail: string): string {
  return `${n.toString(16).padStart(8, '0')}-0000-4000-8000-${tail}`;
}

/**
 * An in-memory OVN_Northbound: `transact(ops)` applies RFC 7047 operations (insert, update, mutate,
 * delete, comment) atomically; `snapshot()` and `takeChanges()` behave like the replica cache's.
 * Every table of the schema is held (so references to, e.g., Gateway_Chassis resolve), but snapshots
 * and changes cover the NB_INPUT_TABLES only. UUIDs are counter-based, so runs are reproducible.
 */
export class MemNb {
  private readonly tables = new Map<string, Map<string, Row>>();
  private readonly shared = new Set<string>();
  private snap: NbInput | undefined;
  /** Strong references into each row (committed state). */
  private readonly strongCount = new Map<string, number>();
  /** Rows holding weak references to each row: target → referrer uuid → referrer table. */
  private readonly weakReferrers = new Map<string, Map<string, string>>();
  /** Unique indexes: table → index columns → key → uuid. */
  private readonly unique = new Map<string, Map<string, Map<string, string>>>();
  private pending = new Map<string, Map<string, { old: Row | undefined; new: Row | undefined }>>();
  private rowCounter = 0;
  private versionCounter = 0;
  /** The transaction being executed: table → uuid → new row, or null for deleted. */
  private staged = new Map<string, Map<string, Row | null>>();
  private named = new Map<string, string>();

  constructor() {
    for (const info of INFOS.values()) {
      this.tables.set(info.name, new Map());
      this.unique.set(info.name, new Map(info.indexes.map((ix) => [ix.join(','), new Map()])));
    }
  }

  // ---- reading ----

  /** An immutable view of the NB input tables; later transactions never change it. Cheap when nothing changed. */
  snapshot(): NbInput {
    if (!this.snap) {
      const out: Record<string, ReadonlyMap<string, Row>> = {};
      for (const t of NB_INPUT_TABLES) {
        out[t] = this.tables.get(t)!;
        this.shared.add(t);
      }
      this.snap = Object.freeze(out) as unknown as NbInput;
    }
    return this.snap;
  }

  /** The current row of any table (input tables or not). */
  get(table: string, uuid: string): Readonly<Record<string, unknown>> | undefined {
    return this.tables.get(table)?.get(uuid);
  }

  /** The current rows of any table. */
  rows(table: string): ReadonlyMap<string, Readonly<Record<string, unknown>>> {
    const t = this.tables.get(table);
    if (!t) throw new MemNbError(`no table ${table}`);
    return t;
  }

  /**
   * Every change to the input tables since the previous call, coalesced per row as the replica does:
   * insert+modify = insert (latest row), insert+delete = nothing, modify+delete = delete (original old).
   */
  takeChanges(): ChangeBatch<NbInputTables> {
    const changes: NbRowChange[] = [];
    for (const [table, rows] of this.pending) {
      for (const [uuid, c] of rows) {
        const kind = c.old ? (c.new ? 'modify' : 'delete') : c.new ? 'insert' : undefined;
        if (kind) changes.push({ kind, table, uuid, old: c.old, new: c.new } as unknown as NbRowChange);
      }
    }
    this.pending = new Map();
    return { changes, resync: false };
  }

  // ---- transactions ----

  /**
   * Apply one transaction of wire operations. Returns the UUIDs of the inserted rows, in operation
   * order. On any error, throws a MemNbError and applies nothing.
   */
  transact(ops: readonly unknown[]): string[] {
    const savedRows = this.rowCounter;
    const savedVersions = this.versionCounter;
    this.staged = new Map();
    this.named = new Map();
    try {
      if (!Array.isArray(ops)) throw new MemNbError('transaction: operations must be an array');
      // uuid-names first, so references may come before the insert that defines them (as ovsdb-server allows).
      ops.forEach((op, i) => {
        if (!isObject(op)) throw new MemNbError(`operation ${i}: not an object`);
        const name = op['uuid-name'];
        if (op['op'] === 'insert' && name !== undefined) {
          if (typeof name !== 'string' || !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name)) {
            throw new MemNbError(`operation ${i}: bad uuid-name ${describe(name)}`);
          }
          if (this.named.has(name)) throw new MemNbError(`operation ${i}: duplicate uuid-name ${name}`);
          this.named.set(name, uuidOf(++this.rowCounter, '000000000000'));
        }
      });
      const inserted: string[] = [];
      ops.forEach((op, i) => {
        try {
          const u = this.execute(op as Record<string, unknown>);
          if (u !== undefined) inserted.push(u);
        } catch (e) {
          if (e instanceof MemNbError || (e instanceof Error && e.name === 'DatumError')) {
            throw new MemNbError(`operation ${i} (${describe((op as Record<string, unknown>)['op'])}): ${e.message}`);
          }
          throw e;
        }
      });
      const changes = this.precommit();
      this.apply(changes);
      return inserted;
    } catch (e) {
      this.rowCounter = savedRows;
      this.versionCounter = savedVersions;
      throw e;
    } finally {
      this.staged = new Map();
      this.named = new Map();
    }
  }

  private info(table: unknown): TableInfo {
    const info = typeof table === 'string' ? INFOS.get(table) : undefined;
    if (!info) throw new MemNbError(`unknown table ${describe(table)}`);
    return info;
  }

  /** The row as the transaction sees it so far. */
  private current(table: string, uuid: string): Row | undefined {
    const s = this.staged.get(table);
    if (s?.has(uuid)) return s.get(uuid) ?? undefined;
    return this.tables.get(table)!.get(uuid);
  }

  private stage(table: string, uuid: string, row: Row | null): void {
    let s = this.staged.get(table);
    if (!s) this.staged.set(table, (s = new Map()));
    s.set(uuid, row);
  }

  /** Replace named-uuids by the UUIDs this transaction gave them. */
  private resolve(json: unknown): unknown {
    if (!Array.isArray(json)) return json;
    if (json.length === 2 && json[0] === 'named-uuid') {
      const u = typeof json[1] === 'string' ? this.named.get(json[1]) : undefined;
      if (!u) throw new MemNbError(`unknown named-uuid ${describe(json[1])}`);
      return ['uuid', u];
    }
    let out: unknown[] | undefined;
    for (let i = 0; i < json.length; i++) {
      const r = this.resolve(json[i]);
      if (r !== json[i]) (out ??= [...json])[i] = r;
    }
    return out ?? json;
  }

  private decode(type: ColumnType, json: unknown, what: string): unknown {
    try {
      return decodeDatum(type, this.resolve(json));
    } catch (e) {
      if (e instanceof Error && e.name === 'DatumError') throw new MemNbError(`${what}: ${e.message}`);
      throw e;
    }
  }

  private column(info: TableInfo, col: unknown): ColumnType {
    const c = typeof col === 'string' ? info.schema.columns[col] : undefined;
    if (!c) throw new MemNbError(`table ${info.name} has no column ${describe(col)}`);
    return c.type;
  }

  private execute(op: Record<string, unknown>): string | undefined {
    switch (op['op']) {
      case 'insert':
        return this.insert(op);
      case 'update':
        this.update(op);
        return undefined;
      case 'mutate':
        this.mutate(op);
        return undefined;
      case 'delete': {
        const info = this.info(op['table']);
        for (const row of this.select(info, op['where'])) this.stage(info.name, row._uuid, null);
        return undefined;
      }
      case 'comment':
        return undefined;
      default:
        throw new MemNbError(`unsupported operation ${describe(op['op'])}`);
    }
  }

  private insert(op: Record<string, unknown>): string {
    const info = this.info(op['table']);
    const values = op['row'] ?? {};
    if (!isObject(values)) throw new MemNbError('row is not an object');
    const name = op['uuid-name'];
    const uuid = typeof name === 'string' ? this.named.get(name)! : uuidOf(++this.rowCounter, '000000000000');
    const row: Row = { _uuid: uuid, _version: '' };
    for (const [c, t] of info.columns) row[c] = defaultValue(t);
    for (const [c, v] of Object.entries(values)) {
      const type = this.column(info, c);
      row[c] = canonical(type, this.decode(type, v, `${info.name}.${c}`), `${info.name}.${c}`);
    }
    this.stage(info.name, uuid, row);
    return uuid;
  }

  private update(op: Record<string, unknown>): void {
    const info = this.info(op['table']);
    const values = op['row'];
    if (!isObject(values)) throw new MemNbError('row is not an object');
    const decoded: [string, unknown][] = Object.entries(values).map(([c, v]) => {
      const type = this.column(info, c);
      return [c, canonical(type, this.decode(type, v, `${info.name}.${c}`), `${info.name}.${c}`)];
    });
    for (const cur of this.select(info, op['where'])) {
      const next: Row = { ...cur };
      for (const [c, v] of decoded) next[c] = v;
      this.stage(info.name, cur._uuid, next);
    }
  }

  private mutate(op: Record<string, unknown>): void {
    const info = this.info(op['table']);
    const muts = op['mutations'];
    if (!Array.isArray(muts)) throw new MemNbError('mutations is not an array');
    const parsed = muts.map((m) => {
      if (!Array.isArray(m) || m.length !== 3 || typeof m[1] !== 'string') {
        throw new MemNbError(`malformed mutation ${describe(m)}`);
      }
      const type = this.column(info, m[0]);
      return { col: m[0] as string, type, mutator: m[1], arg: m[2] as unknown };
    });
    for (const cur of this.select(info, op['where'])) {
      const next: Row = { ...cur };
      for (const m of parsed) {
        const what = `${info.name}.${m.col}`;
        next[m.col] = canonical(m.type, this.mutateValue(m.type, next[m.col], m.mutator, m.arg, what), what);
      }
      this.stage(info.name, cur._uuid, next);
    }
  }

  private mutateValue(type: ColumnType, value: unknown, mutator: string, arg: unknown, what: string): unknown {
    const kind = columnKind(type);
    const arith = ['+=', '-=', '*=', '/=', '%='].includes(mutator);
    if (arith) {
      if (kind === 'map' || (type.key.type !== 'integer' && type.key.type !== 'real')) {
        throw new MemNbError(`${what}: mutator ${mutator} needs an integer or real column`);
      }
      const n = this.decode({ key: { type: type.key.type }, min: 1, max: 1 }, arg, what) as number;
      const f = (x: number): number => {
        let r: number;
        switch (mutator) {
          case '+=':
            r = x + n;
            break;
          case '-=':
            r = x - n;
            break;
          case '*=':
            r = x * n;
            break;
          default:
            if (n === 0) throw new MemNbError(`domain error: ${what}: division by zero`);
            r = mutator === '/=' ? x / n : x % n;
            if (type.key.type === 'integer') r = Math.trunc(r);
        }
        return r;
      };
      if (kind === 'scalar') return f(value as number);
      if (kind === 'optional') return value === null ? null : f(value as number);
      return (value as number[]).map(f);
    }
    if (mutator !== 'insert' && mutator !== 'delete')
      throw new MemNbError(`${what}: unknown mutator ${describe(mutator)}`);
    if (kind === 'scalar') throw new MemNbError(`${what}: mutator ${mutator} needs a set or map column`);
    if (kind === 'map') {
      const cur = value as Record<string, Atom>;
      const out: Record<string, Atom> = { ...cur };
      const resolved = this.resolve(arg);
      if (mutator === 'insert' || (Array.isArray(resolved) && resolved[0] === 'map')) {
        const pairs = this.decode(relaxed(type), resolved, what) as Record<string, Atom>;
        for (const [k, v] of Object.entries(pairs)) {
          if (mutator === 'insert') {
            if (!(k in out)) out[k] = v; // insert never replaces an existing key
          } else if (k in out && out[k] === v) delete out[k];
        }
      } else {
        const keys = this.decode({ key: type.key, min: 0, max: Infinity }, resolved, what) as Atom[];
        for (const k of keys) delete out[String(k)];
      }
      return out;
    }
    const atoms = this.decode({ key: type.key, min: 0, max: Infinity }, arg, what) as Atom[];
    const cur = kind === 'optional' ? (value === null ? [] : [value as Atom]) : (value as Atom[]);
    const set = new Set<Atom>(cur);
    for (const a of atoms) {
      if (mutator === 'insert') set.add(a);
      else set.delete(a);
    }
    if (kind === 'optional') {
      if (set.size > 1) throw new MemNbError(`constraint violation: ${what}: ${set.size} elements, must have 0 to 1`);
      return set.size ? [...set][0] : null;
    }
    return [...set];
  }

  // ---- where ----

  private select(info: TableInfo, where: unknown): Row[] {
    if (!Array.isArray(where)) throw new MemNbError('where is not an array');
    const conds = where.map((c) => this.condition(info, c));
    // A `_uuid ==` condition picks one row directly.
    const byUuid = conds.find((c) => c.col === '_uuid' && c.fn === '==');
    const out: Row[] = [];
    const test = (r: Row) => conds.every((c) => c.test(r));
    if (byUuid) {
      const r = this.current(info.name, byUuid.value as string);
      if (r && test(r)) out.push(r);
      return out;
    }
    const staged = this.staged.get(info.name);
    for (const [u, r] of this.tables.get(info.name)!) if (!staged?.has(u) && test(r)) out.push(r);
    if (staged) for (const r of staged.values()) if (r && test(r)) out.push(r);
    return out;
  }

  private condition(
    info: TableInfo,
    c: unknown,
  ): { col: string; fn: string; value: unknown; test: (r: Row) => boolean } {
    if (!Array.isArray(c) || c.length !== 3 || typeof c[0] !== 'string' || typeof c[1] !== 'string') {
      throw new MemNbError(`malformed condition ${describe(c)}`);
    }
    const [col, fn, arg] = c as [string, string, unknown];
    const type = col === '_uuid' || col === '_version' ? UUID_COLUMN_TYPE : this.column(info, col);
    const kind = columnKind(type);
    const what = `${info.name}.${col}`;
    if (kind === 'scalar') {
      const v = this.decode(type, arg, what) as Atom;
      const cmp = (r: Row) => compareAtoms(r[col] as Atom, v);
      const tests: Record<string, (r: Row) => boolean> = {
        '==': (r) => r[col] === v,
        includes: (r) => r[col] === v,
        '!=': (r) => r[col] !== v,
        excludes: (r) => r[col] !== v,
        '<': (r) => cmp(r) < 0,
        '<=': (r) => cmp(r) <= 0,
        '>': (r) => cmp(r) > 0,
        '>=': (r) => cmp(r) >= 0,
      };
      const test = tests[fn];
      if (!test) throw new MemNbError(`${what}: unknown condition function ${describe(fn)}`);
      if (fn.startsWith('<') || fn.startsWith('>')) {
        if (type.key.type !== 'integer' && type.key.type !== 'real') {
          throw new MemNbError(`${what}: ${fn} needs an integer or real column`);
        }
      }
      return { col, fn, value: v, test };
    }
    if (kind === 'map') {
      const m = this.decode(relaxed(type), arg, what) as Record<string, Atom>;
      const entries = Object.entries(m);
      const eq = (r: Row) => {
        const o = r[col] as Record<string, Atom>;
        return Object.keys(o).length === entries.length && entries.every(([k, v]) => o[k] === v);
      };
      const incl = (r: Row) => entries.every(([k, v]) => (r[col] as Record<string, Atom>)[k] === v);
      const excl = (r: Row) => entries.every(([k, v]) => (r[col] as Record<string, Atom>)[k] !== v);
      const tests: Record<string, (r: Row) => boolean> = {
        '==': eq,
        '!=': (r) => !eq(r),
        includes: incl,
        excludes: excl,
      };
      const test = tests[fn];
      if (!test) throw new MemNbError(`${what}: unknown condition function ${describe(fn)} for a map`);
      return { col, fn, value: m, test };
    }
    const atoms = new Set(this.decode(relaxed({ ...type, min: 0, max: Infinity }), arg, what) as Atom[]);
    const values = (r: Row): Atom[] => {
      const v = r[col];
      return kind === 'optional' ? (v === null ? [] : [v as Atom]) : (v as Atom[]);
    };
    const eq = (r: Row) => {
      const vs = values(r);
      return vs.length === atoms.size && vs.every((a) => atoms.has(a));
    };
    const tests: Record<string, (r: Row) => boolean> = {
      '==': eq,
      '!=': (r) => !eq(r),
      includes: (r) => {
        const vs = new Set(values(r));
        for (const a of atoms) if (!vs.has(a)) return false;
        return true;
      },
      excludes: (r) => values(r).every((a) => !atoms.has(a)),
    };
    const test = tests[fn];
    if (!test) throw new MemNbError(`${what}: unknown condition function ${describe(fn)} for a set`);
    return { col, fn, value: atoms, test };
  }

  // ---- commit ----

  /**
   * ovsdb-server's commit checks: strong references resolve and deleted rows are unreferenced; unreferenced
   * non-root rows are collected; weak references to missing rows are dropped; unique indexes hold.
   * Returns the rows that really change (unchanged rows keep their identity and report nothing).
   */
  private precommit(): { info: TableInfo; uuid: string; old: Row | undefined; next: Row | undefined }[] {
    const delta = new Map<string, number>();
    const gcWork: [string, string][] = [];
    const bump = (u: string, d: number, table: string) => {
      delta.set(u, (delta.get(u) ?? 0) + d);
      if (d < 0) gcWork.push([u, table]);
    };
    const count = (u: string) => (this.strongCount.get(u) ?? 0) + (delta.get(u) ?? 0);
    const explicitDeletes: [string, string][] = [];
    for (const [table, rows] of this.staged) {
      const info = INFOS.get(table)!;
      const committed = this.tables.get(table)!;
      for (const [uuid, next] of rows) {
        const old = committed.get(uuid);
        for (const rc of info.strong) {
          if (old) for (const t of refsOf(old, rc)) bump(t, -1, rc.refTable);
          if (next) {
            for (const t of refsOf(next, rc)) {
              if (!this.current(rc.refTable, t)) {
                throw new MemNbError(
                  `referential integrity violation: ${table} row ${uuid} column ${rc.col} references nonexistent ${rc.refTable} row ${t}`,
                );
              }
              bump(t, 1, rc.refTable);
            }
          }
        }
        if (!next) explicitDeletes.push([uuid, table]);
        else if (!old && !info.isRoot) gcWork.push([uuid, table]);
      }
    }
    for (const [uuid, table] of explicitDeletes) {
      const n = count(uuid);
      if (n > 0) {
        throw new MemNbError(
          `referential integrity violation: cannot delete ${table} row ${uuid} because of ${n} remaining reference(s)`,
        );
      }
    }
    // Garbage collection of unreferenced non-root rows, cascading.
    while (gcWork.length) {
      const [uuid, table] = gcWork.pop()!;
      const info = INFOS.get(table)!;
      if (info.isRoot || count(uuid) > 0) continue;
      const row = this.current(table, uuid);
      if (!row) continue;
      this.stage(table, uuid, null);
      for (const rc of info.strong) for (const t of refsOf(row, rc)) bump(t, -1, rc.refTable);
    }
    // Weak references to rows that are gone are dropped from the rows that hold them.
    for (const [table, rows] of this.staged) {
      const committed = this.tables.get(table)!;
      for (const [uuid, next] of rows) {
        if (next || !committed.has(uuid)) continue;
        for (const [r, rt] of this.weakReferrers.get(uuid) ?? []) {
          if (this.staged.get(rt)?.has(r)) continue;
          this.stage(rt, r, { ...this.tables.get(rt)!.get(r)! });
        }
      }
    }
    for (const [table, rows] of this.staged) {
      const info = INFOS.get(table)!;
      if (!info.weak.length) continue;
      for (const next of rows.values()) {
        if (!next) continue;
        for (const rc of info.weak) {
          const dangling = refsOf(next, rc).filter((t) => !this.current(rc.refTable, t));
          if (!dangling.length) continue;
          const gone = new Set(dangling);
          const v = next[rc.col];
          if (rc.kind === 'optional') next[rc.col] = null;
          else if (rc.kind === 'set') next[rc.col] = (v as string[]).filter((t) => !gone.has(t));
          else if (rc.kind === 'map') {
            const o: Record<string, unknown> = {};
            for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
              if (!gone.has(rc.part === 'key' ? k : (x as string))) o[k] = x;
            }
            next[rc.col] = o;
          }
          const type = info.schema.columns[rc.col]!.type;
          const n =
            rc.kind === 'map'
              ? Object.keys(next[rc.col] as object).length
              : rc.kind === 'optional'
                ? next[rc.col] === null
                  ? 0
                  : 1
                : (next[rc.col] as unknown[]).length;
          if (n < type.min) {
            throw new MemNbError(
              `constraint violation: ${table}.${rc.col}: too few elements after removing weak references`,
            );
          }
        }
      }
    }
    // Unique indexes.
    for (const [table, rows] of this.staged) {
      const info = INFOS.get(table)!;
      for (const ix of info.indexes) {
        const name = ix.join(',');
        const committed = this.unique.get(table)!.get(name)!;
        const seen = new Map<string, string>();
        for (const [uuid, next] of rows) {
          if (!next) continue;
          const k = indexKey(ix, next);
          const other = seen.get(k) ?? committed.get(k);
          if (other !== undefined && other !== uuid && (seen.has(k) || !rows.has(other))) {
            throw new MemNbError(
              `constraint violation: transaction causes multiple rows in "${table}" table to have identical values (${k}) for index on columns (${name})`,
            );
          }
          seen.set(k, uuid);
        }
      }
    }
    const out: { info: TableInfo; uuid: string; old: Row | undefined; next: Row | undefined }[] = [];
    for (const [table, rows] of this.staged) {
      const info = INFOS.get(table)!;
      const committed = this.tables.get(table)!;
      for (const [uuid, staged] of rows) {
        const old = committed.get(uuid);
        const next = staged ?? undefined;
        if (!old && !next) continue;
        if (old && next && sameRow(info, old, next)) continue;
        if (next) next._version = uuidOf(++this.versionCounter, 'ffffffffffff');
        out.push({ info, uuid, old, next });
      }
    }
    for (const [u, d] of delta) {
      if (d === 0) continue;
      const n = (this.strongCount.get(u) ?? 0) + d;
      if (n) this.strongCount.set(u, n);
      else this.strongCount.delete(u);
    }
    return out;
  }

  private writable(table: string): Map<string, Row> {
    let t = this.tables.get(table)!;
    if (this.shared.has(table)) {
      t = new Map(t);
      this.tables.set(table, t);
      this.shared.delete(table);
    }
    if (TRACKED.has(table)) this.snap = undefined;
    return t;
  }

  /** Install the committed rows; nothing here can fail. */
  private apply(
    changes: readonly { info: TableInfo; uuid: string; old: Row | undefined; next: Row | undefined }[],
  ): void {
    for (const { info, uuid, old } of changes) {
      if (!old) continue;
      for (const rc of info.weak) for (const t of refsOf(old, rc)) this.weakReferrers.get(t)?.delete(uuid);
      for (const ix of info.indexes) {
        const m = this.unique.get(info.name)!.get(ix.join(','))!;
        const k = indexKey(ix, old);
        if (m.get(k) === uuid) m.delete(k);
      }
    }
    for (const { info, uuid, old, next } of changes) {
      const t = this.writable(info.name);
      if (next) {
        t.set(uuid, next);
        for (const rc of info.weak) {
          for (const target of refsOf(next, rc)) {
            let m = this.weakReferrers.get(target);
            if (!m) this.weakReferrers.set(target, (m = new Map()));
            m.set(uuid, info.name);
          }
        }
        for (const ix of info.indexes) this.unique.get(info.name)!.get(ix.join(','))!.set(indexKey(ix, next), uuid);
      } else {
        t.delete(uuid);
        this.weakReferrers.delete(uuid);
      }
      if (info.tracked) {
        let p = this.pending.get(info.name);
        if (!p) this.pending.set(info.name, (p = new Map()));
        const prev = p.get(uuid);
        if (prev) prev.new = next;
        else p.set(uuid, { old, new: next });
      }
    }
  }
}
