// The OVSDB schema model (RFC 7047 §3.2), parsed from `.ovsschema` JSON.
// Everything that encodes or decodes wire values works from these descriptions,
// and packages/schema generates its typed rows from them.

export type AtomicType = 'integer' | 'real' | 'boolean' | 'string' | 'uuid';

export interface BaseType {
  readonly type: AtomicType;
  /** Allowed values, already decoded to atoms (strings, numbers, booleans). */
  readonly enum?: readonly (string | number | boolean)[];
  readonly minInteger?: number;
  readonly maxInteger?: number;
  readonly minReal?: number;
  readonly maxReal?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly refTable?: string;
  readonly refType?: 'strong' | 'weak';
}

export interface ColumnType {
  readonly key: BaseType;
  readonly value?: BaseType;
  readonly min: number;
  /** `Infinity` for "unlimited". */
  readonly max: number;
}

export interface ColumnSchema {
  readonly name: string;
  readonly type: ColumnType;
  readonly ephemeral: boolean;
  readonly mutable: boolean;
}

export interface TableSchema {
  readonly name: string;
  readonly columns: Readonly<Record<string, ColumnSchema>>;
  readonly isRoot: boolean;
  readonly maxRows?: number;
  readonly indexes: readonly (readonly string[])[];
}

export interface DatabaseSchema {
  readonly name: string;
  readonly version: string;
  readonly cksum?: string;
  readonly tables: Readonly<Record<string, TableSchema>>;
}

/** How a column's values are shaped, derived from min/max/value. */
export type ColumnKind = 'scalar' | 'optional' | 'set' | 'map';

export function columnKind(t: ColumnType): ColumnKind {
  if (t.value) return 'map';
  if (t.min === 1 && t.max === 1) return 'scalar';
  if (t.min === 0 && t.max === 1) return 'optional';
  return 'set';
}

export class SchemaError extends Error {
  override readonly name = 'SchemaError';
}

const ATOMIC_TYPES: readonly string[] = ['integer', 'real', 'boolean', 'string', 'uuid'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseBaseType(json: unknown, where: string): BaseType {
  if (typeof json === 'string') {
    if (!ATOMIC_TYPES.includes(json)) throw new SchemaError(`${where}: unknown atomic type "${json}"`);
    return { type: json as AtomicType };
  }
  if (!isRecord(json) || typeof json['type'] !== 'string' || !ATOMIC_TYPES.includes(json['type'])) {
    throw new SchemaError(`${where}: bad base type ${JSON.stringify(json)}`);
  }
  const out: { -readonly [K in keyof BaseType]: BaseType[K] } = { type: json['type'] as AtomicType };
  const e = json['enum'];
  if (e !== undefined) {
    // An enum is a datum: a single atom or ["set", [atoms]].
    // Sorted, as OVSDB sorts set members, so the order in the file does not matter.
    const atoms =
      Array.isArray(e) && e[0] === 'set' && Array.isArray(e[1])
        ? (e[1] as (string | number | boolean)[])
        : [e as string | number | boolean];
    out.enum = [...atoms].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) as (string | number | boolean)[];
  }
  for (const k of ['minInteger', 'maxInteger', 'minReal', 'maxReal', 'minLength', 'maxLength'] as const) {
    const v = json[k];
    if (v !== undefined) {
      if (typeof v !== 'number') throw new SchemaError(`${where}: ${k} must be a number`);
      out[k] = v;
    }
  }
  if (typeof json['refTable'] === 'string') {
    out.refTable = json['refTable'];
    out.refType = json['refType'] === 'weak' ? 'weak' : 'strong';
  }
  return out;
}

function parseColumnType(json: unknown, where: string): ColumnType {
  if (typeof json === 'string') return { key: parseBaseType(json, where), min: 1, max: 1 };
  if (!isRecord(json)) throw new SchemaError(`${where}: bad column type`);
  const key = parseBaseType(json['key'], `${where}.key`);
  const value = json['value'] === undefined ? undefined : parseBaseType(json['value'], `${where}.value`);
  const min = json['min'] === undefined ? 1 : json['min'];
  const rawMax = json['max'] === undefined ? 1 : json['max'];
  const max = rawMax === 'unlimited' ? Infinity : rawMax;
  if (typeof min !== 'number' || typeof max !== 'number' || min < 0 || min > 1 || max < 1 || min > max) {
    throw new SchemaError(`${where}: bad min/max ${JSON.stringify([json['min'], json['max']])}`);
  }
  return value ? { key, value, min, max } : { key, min, max };
}

/** Parse `.ovsschema` JSON (as read from a file or from `get_schema`). */
export function parseSchema(json: unknown): DatabaseSchema {
  if (!isRecord(json)) throw new SchemaError('schema must be a JSON object');
  const { name, version, cksum, tables } = json;
  if (typeof name !== 'string') throw new SchemaError('schema has no name');
  if (typeof version !== 'string') throw new SchemaError(`schema ${name} has no version`);
  if (!isRecord(tables)) throw new SchemaError(`schema ${name} has no tables`);
  const out: Record<string, TableSchema> = {};
  // As ovsdb-server does: when no table says isRoot, every table is a root (old schemas predate the flag).
  const anyIsRoot = Object.values(tables).some((t) => isRecord(t) && t['isRoot'] !== undefined);
  for (const [tname, tjson] of Object.entries(tables)) {
    if (!isRecord(tjson) || !isRecord(tjson['columns'])) throw new SchemaError(`table ${tname}: no columns`);
    const columns: Record<string, ColumnSchema> = {};
    for (const [cname, cjson] of Object.entries(tjson['columns'])) {
      if (!isRecord(cjson)) throw new SchemaError(`${tname}.${cname}: bad column`);
      columns[cname] = {
        name: cname,
        type: parseColumnType(cjson['type'], `${tname}.${cname}`),
        ephemeral: cjson['ephemeral'] === true,
        mutable: cjson['mutable'] !== false,
      };
    }
    const indexes = Array.isArray(tjson['indexes']) ? (tjson['indexes'] as string[][]) : [];
    const table: TableSchema = {
      name: tname,
      columns,
      isRoot: anyIsRoot ? tjson['isRoot'] === true : true,
      indexes,
      ...(typeof tjson['maxRows'] === 'number' ? { maxRows: tjson['maxRows'] } : {}),
    };
    out[tname] = table;
  }
  return { name, version, ...(typeof cksum === 'string' ? { cksum } : {}), tables: out };
}
