// RFC 7047 §5.1 wire notation ⇄ the in-memory value model (see types.ts). Pure functions.
//   atom      string | number | boolean | ["uuid", u] | ["named-uuid", n]
//   set       an atom, or ["set", [atoms]]
//   map       ["map", [[k, v], …]]

import { DatumError } from './errors.js';
import { columnKind, type BaseType, type ColumnType, type TableSchema } from './schema.js';
import type { NamedUuid, Uuid } from './types.js';
import { shareUuid } from './shared-uuid.js';

/** Any JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** An atom as the value model holds it. */
export type Atom = string | number | boolean;

/** The all-zero UUID: the default for a scalar uuid column. */
export const ZERO_UUID = '00000000-0000-0000-0000-000000000000' as Uuid;

/** The type of the implicit `_uuid` and `_version` columns. */
export const UUID_COLUMN_TYPE: ColumnType = { key: { type: 'uuid' }, min: 1, max: 1 };

export function isNamedUuid(v: unknown): v is NamedUuid {
  return typeof v === 'object' && v !== null && typeof (v as { namedUuid?: unknown }).namedUuid === 'string';
}

/** The type of a column, including the implicit `_uuid` and `_version`. */
export function columnType(table: TableSchema, column: string): ColumnType {
  const c = table.columns[column];
  if (c) return c.type;
  if (column === '_uuid' || column === '_version') return UUID_COLUMN_TYPE;
  throw new DatumError(`table ${table.name} has no column ${column}`, { table: table.name, column });
}

// ---- atoms ----

export function encodeAtom(base: BaseType, v: unknown): Json {
  switch (base.type) {
    case 'uuid':
      if (typeof v === 'string') return ['uuid', v];
      if (isNamedUuid(v)) return ['named-uuid', v.namedUuid];
      break;
    case 'integer':
      if (typeof v === 'number' && Number.isInteger(v)) return v;
      break;
    case 'real':
      if (typeof v === 'number' && Number.isFinite(v)) return v;
      break;
    case 'boolean':
      if (typeof v === 'boolean') return v;
      break;
    case 'string':
      if (typeof v === 'string') return v;
      break;
  }
  throw new DatumError(`expected ${base.type}, got ${describe(v)}`);
}

export function decodeAtom(base: BaseType, json: unknown): Atom {
  switch (base.type) {
    case 'uuid':
      if (Array.isArray(json) && json.length === 2 && json[0] === 'uuid' && typeof json[1] === 'string')
        return shareUuid(json[1]);
      break;
    case 'integer':
      if (typeof json === 'number' && Number.isInteger(json)) return json;
      break;
    case 'real':
      if (typeof json === 'number') return json;
      break;
    case 'boolean':
      if (typeof json === 'boolean') return json;
      break;
    case 'string':
      if (typeof json === 'string') return json;
      break;
  }
  throw new DatumError(`expected ${base.type} atom, got ${describe(json)}`);
}

/** Map keys live in a plain object, so integer/real/boolean keys are stored as their string form. */
function keyToString(a: Atom): string {
  return typeof a === 'string' ? a : String(a);
}

function keyFromString(base: BaseType, k: string): unknown {
  switch (base.type) {
    case 'integer':
    case 'real': {
      const n = Number(k);
      if (k.trim() === '' || Number.isNaN(n)) throw new DatumError(`map key "${k}" is not a number`);
      return n;
    }
    case 'boolean':
      if (k === 'true') return true;
      if (k === 'false') return false;
      throw new DatumError(`map key "${k}" is not a boolean`);
    default:
      return k;
  }
}

// ---- data ----

/** The default value of a column (what the server stores when an insert omits it). */
export function defaultValue(type: ColumnType): unknown {
  switch (columnKind(type)) {
    case 'optional':
      return null;
    case 'set':
      return [];
    case 'map':
      return {};
    case 'scalar':
      switch (type.key.type) {
        case 'integer':
        case 'real':
          return 0;
        case 'boolean':
          return false;
        case 'string':
          return '';
        case 'uuid':
          return ZERO_UUID;
      }
  }
}

/** Encode a value-model value as a wire datum for the column type. */
export function encodeDatum(type: ColumnType, value: unknown): Json {
  const kind = columnKind(type);
  switch (kind) {
    case 'scalar':
      return encodeAtom(type.key, value);
    case 'optional':
      return value === null || value === undefined ? ['set', []] : encodeAtom(type.key, value);
    case 'set': {
      if (!Array.isArray(value)) return encodeAtom(type.key, value); // a lone atom is a 1-element set
      return ['set', value.map((v) => encodeAtom(type.key, v))];
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new DatumError(`expected a map object, got ${describe(value)}`);
      }
      const vt = type.value!;
      const pairs: Json[] = [];
      for (const [k, v] of value instanceof Map ? value : Object.entries(value)) {
        pairs.push([encodeAtom(type.key, keyFromString(type.key, String(k))), encodeAtom(vt, v)]);
      }
      return ['map', pairs];
    }
  }
}

/** The atoms of a set datum (a lone atom or ["set", …]). */
function setAtoms(base: BaseType, json: unknown): Atom[] {
  if (Array.isArray(json) && json[0] === 'set') {
    const inner = json[1];
    if (json.length !== 2 || !Array.isArray(inner)) throw new DatumError(`malformed set ${describe(json)}`);
    const out = new Array<Atom>(inner.length);
    for (let i = 0; i < inner.length; i++) out[i] = decodeAtom(base, inner[i]);
    return out;
  }
  return [decodeAtom(base, json)];
}

function mapPairs(type: ColumnType, json: unknown): Record<string, Atom> {
  if (!Array.isArray(json) || json[0] !== 'map' || json.length !== 2 || !Array.isArray(json[1])) {
    throw new DatumError(`expected a map datum, got ${describe(json)}`);
  }
  const out: Record<string, Atom> = {};
  const vt = type.value!;
  for (const pair of json[1] as unknown[]) {
    if (!Array.isArray(pair) || pair.length !== 2) throw new DatumError(`malformed map pair ${describe(pair)}`);
    out[keyToString(decodeAtom(type.key, pair[0]))] = decodeAtom(vt, pair[1]);
  }
  return out;
}

/** Decode a wire datum into the value model for the column type. */
export function decodeDatum(type: ColumnType, json: unknown): unknown {
  switch (columnKind(type)) {
    case 'scalar': {
      const atoms = setAtoms(type.key, json);
      if (atoms.length !== 1) throw new DatumError(`expected exactly one ${type.key.type}, got ${atoms.length}`);
      return atoms[0];
    }
    case 'optional': {
      const atoms = setAtoms(type.key, json);
      if (atoms.length > 1) throw new DatumError(`expected at most one ${type.key.type}, got ${atoms.length}`);
      return atoms.length === 0 ? null : atoms[0];
    }
    case 'set':
      return setAtoms(type.key, json);
    case 'map':
      return mapPairs(type, json);
  }
}

/**
 * Apply an update2 "modify" diff to a column value: scalars and optionals are replaced; set elements in
 * the diff are toggled; map keys are added, removed (same value) or replaced (different value).
 */
export function applyDiff(type: ColumnType, old: unknown, diff: unknown): unknown {
  const kind = columnKind(type);
  if (kind === 'scalar') return decodeDatum(type, diff);
  // ovsdb-server sends the new value for every non-composite column (max 1, no map), optional ones included:
  // {4} → {0} arrives as 0 and {a} → {} as the empty set (ovsdb_datum_diff in OVS lib/ovsdb-data.c).
  // A two-element diff can only be a symmetric difference ({a} → {b} as {a, b}); accept that spelling too.
  if (kind === 'optional') {
    const atoms = setAtoms(type.key, diff);
    if (atoms.length === 2) return atoms.find((a) => a !== old) ?? null;
    return atoms.length === 0 ? null : atoms[0];
  }
  // The result is in OVSDB's order (sets sorted, maps sorted by key), as a full value from the server is:
  // consumers that iterate a set (e.g. a router port's networks) must see the same order either way.
  if (kind === 'set') {
    const atoms = setAtoms(type.key, diff);
    const result = new Set<Atom>(old as Atom[]);
    for (const a of atoms) if (!result.delete(a)) result.add(a);
    return [...result].sort(compareAtoms);
  }
  const pairs = mapPairs(type, diff);
  const result: Record<string, Atom> = { ...(old as Record<string, Atom>) };
  for (const [k, v] of Object.entries(pairs)) {
    if (k in result && result[k] === v) delete result[k];
    else result[k] = v;
  }
  const keys = Object.keys(result);
  if (type.key.type === 'integer' || type.key.type === 'real') keys.sort((a, b) => Number(a) - Number(b));
  else keys.sort(compareAtoms);
  const sorted: Record<string, Atom> = {};
  for (const k of keys) sorted[k] = result[k]!;
  return sorted;
}

/**
 * OVSDB's atom order: numbers by value, false before true, strings (and UUIDs, whose canonical text sorts
 * as their value) by their UTF-8 bytes, as ovsdb-server sorts a set.
 */
export function compareAtoms(a: Atom, b: Atom): number {
  if (typeof a === 'string' && typeof b === 'string') {
    if (a === b) return 0;
    // UTF-16 code unit order equals UTF-8 byte order except for surrogates against U+E000..U+FFFF.
    if (/^[\u0000-\ud7ff]*$/.test(a) && /^[\u0000-\ud7ff]*$/.test(b)) return a < b ? -1 : 1;
    return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
  }
  return Number(a) - Number(b);
}

// ---- rows ----

/** Encode a partial row (column → value) as a wire row object. Unknown columns raise DatumError. */
export function encodeRow(table: TableSchema, row: Readonly<Record<string, unknown>>): { [column: string]: Json } {
  const out: { [column: string]: Json } = {};
  for (const [name, v] of Object.entries(row)) {
    if (v === undefined || name === '_uuid' || name === '_version') continue;
    const col = table.columns[name];
    if (!col) throw new DatumError(`table ${table.name} has no column ${name}`, { table: table.name, column: name });
    try {
      out[name] = encodeDatum(col.type, v);
    } catch (e) {
      throw e instanceof DatumError
        ? new DatumError(`${table.name}.${name}: ${e.message}`, { table: table.name, column: name }, { cause: e })
        : e;
    }
  }
  return out;
}

/**
 * Decode a wire row object. Only the columns present are returned (select/dump rows may hold a subset);
 * `_uuid` and `_version` become UUID strings.
 */
export function decodeRow(table: TableSchema, json: unknown): Record<string, unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new DatumError(`${table.name}: expected a row object, got ${describe(json)}`);
  }
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(json)) {
    const col = table.columns[name];
    const type = col ? col.type : name === '_uuid' || name === '_version' ? UUID_COLUMN_TYPE : undefined;
    if (!type) continue; // columns newer than our schema: ignore, as the IDLs do
    try {
      out[name] = decodeDatum(type, v);
    } catch (e) {
      throw e instanceof DatumError
        ? new DatumError(`${table.name}.${name}: ${e.message}`, { table: table.name, column: name }, { cause: e })
        : e;
    }
  }
  return out;
}

/** A full row: every column of the table at its default value, then `values` over it. */
export function withDefaults(
  table: TableSchema,
  values: Record<string, unknown>,
  columns?: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of columns ?? Object.keys(table.columns)) {
    const col = table.columns[name];
    if (col) out[name] = defaultValue(col.type);
  }
  return Object.assign(out, values);
}

function describe(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/**
 * A decoder specialised for one column type: the common wire shapes (a bare atom, ["uuid", u]) take a
 * short path; anything else goes through decodeDatum, which validates fully. Used on hot paths (replica).
 */
export function columnDecoder(type: ColumnType): (json: unknown) => unknown {
  const kind = columnKind(type);
  const t = type.key.type;
  if (kind === 'scalar' || kind === 'optional') {
    if (t === 'uuid') {
      return (j) =>
        Array.isArray(j) && j.length === 2 && j[0] === 'uuid' && typeof j[1] === 'string'
          ? shareUuid(j[1])
          : decodeDatum(type, j);
    }
    const js = t === 'integer' || t === 'real' ? 'number' : t;
    if (t === 'integer') return (j) => (typeof j === 'number' && Number.isInteger(j) ? j : decodeDatum(type, j));
    return (j) => (typeof j === js ? j : decodeDatum(type, j));
  }
  return (j) => decodeDatum(type, j);
}
