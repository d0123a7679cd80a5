// Values in the ovs-vsctl/ovn-nbctl command-line syntax (ovs-vsctl(8) "Database Values"): parsing
// `[a, b]`, `{k=v}`, quoted strings and integer ranges into typed datums, and printing them back in
// the "string" and "bare" cell formats. Pure; error texts match OVS's.
import { type BaseType, type ColumnType, type Atom, columnKind } from 'ovsdb-client-ts/wire';
import type { Value } from '@ovnts/nb';

/** A datum as OVSDB holds it: sorted keys (and values for maps). */
export interface Datum {
  keys: Atom[];
  values?: Atom[];
}

export class DatumError extends Error {
  override readonly name = 'DatumError';
}

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const isUuidString = (s: string): boolean => UUID_RE.test(s);

/** Resolves `@name` symbols to UUIDs (the --id=@name machinery). */
export interface SymbolTable {
  resolve(name: string, base: BaseType): string;
}

export const isDelim = (c: string): boolean => ':=, []{}!<>'.includes(c);

/** One token: up to an unquoted delimiter; backslash escapes; double quotes kept. */
export function parseToken(s: string, pos: number): { token: string; pos: number } {
  let out = '';
  let inQuotes = false;
  let p = pos;
  while (p < s.length) {
    const c = s[p++]!;
    if (c === '\\') {
      if (inQuotes) out += '\\';
      if (p >= s.length) throw new DatumError(`${s.slice(pos)}: backslash at end of argument`);
      out += s[p++];
    } else if (!inQuotes && isDelim(c)) {
      p--;
      break;
    } else {
      out += c;
      if (c === '"') inQuotes = !inQuotes;
    }
  }
  if (inQuotes) throw new DatumError(`${s.slice(pos)}: quoted string extends past end of argument`);
  return { token: out, pos: p };
}

function unescapeJsonString(s: string, body: string): string {
  try {
    const v: unknown = JSON.parse(`"${body}"`);
    if (typeof v === 'string') return v;
  } catch {
    // fall through
  }
  throw new DatumError(`${s}: invalid JSON string`);
}

/** Integer parse like strtoll with full consumption. */
function parseInteger(s: string): number | undefined {
  return /^[-+]?\d+$/.test(s.trim()) && s.trim() === s ? Number(s) : undefined;
}

function checkConstraints(a: Atom, base: BaseType): void {
  if (base.enum && !base.enum.includes(a)) {
    const valid = enumToString(base);
    throw new DatumError(
      `constraint violation: ${atomToString(a, base.type)} is not one of the allowed values (${valid})`,
    );
  }
  if (base.type === 'integer' || base.type === 'real') {
    const n = a as number;
    const min = base.type === 'integer' ? base.minInteger : base.minReal;
    const max = base.type === 'integer' ? base.maxInteger : base.maxReal;
    const fmt = (x: number) => atomToString(x, base.type);
    if ((min === undefined || n >= min) && (max === undefined || n <= max)) return;
    if (min !== undefined && max !== undefined) {
      throw new DatumError(
        `constraint violation: ${fmt(n)} is not in the valid range ${fmt(min)} to ${fmt(max)} (inclusive)`,
      );
    }
    if (min !== undefined)
      throw new DatumError(`constraint violation: ${fmt(n)} is less than minimum allowed value ${fmt(min)}`);
    throw new DatumError(`constraint violation: ${fmt(n)} is greater than maximum allowed value ${fmt(max!)}`);
  }
  if (base.type === 'string') {
    const s = a as string;
    const n = [...s].length;
    if (base.minLength !== undefined && n < base.minLength) {
      throw new DatumError(
        `constraint violation: "${s}" length ${n} is less than minimum allowed length ${base.minLength}`,
      );
    }
    if (base.maxLength !== undefined && n > base.maxLength) {
      throw new DatumError(
        `constraint violation: "${s}" length ${n} is greater than maximum allowed length ${base.maxLength}`,
      );
    }
  }
}

function enumToString(base: BaseType): string {
  const e = [...(base.enum ?? [])].sort(compareAtoms);
  const inner = e.map((x) => atomToString(x, base.type)).join(', ');
  return e.length === 1 ? inner : `[${inner}]`;
}

/** Parse one atom (ovsdb_atom_from_string); integers may be "A-B" ranges when `allowRange`. */
export function atomFromString(base: BaseType, s: string, symtab?: SymbolTable, allowRange = false): Atom[] {
  let atoms: Atom[];
  switch (base.type) {
    case 'integer': {
      const range = allowRange ? /^([-+]?\d+)-([-+]?\d+)$/.exec(s) : null;
      if (range) {
        const a = Number(range[1]);
        const b = Number(range[2]);
        if (b < a) throw new DatumError(`"${s}" is not a valid range. Range end cannot be before start.`);
        if (b - a >= 4096) throw new DatumError(`Range "${a}-${b}" is too big.`);
        atoms = [];
        for (let i = a; i <= b; i++) atoms.push(i);
      } else {
        const n = parseInteger(s);
        if (n === undefined) throw new DatumError(`"${s}" is not a valid integer or range`);
        atoms = [n];
      }
      break;
    }
    case 'real': {
      const n = s.trim() === '' ? NaN : Number(s);
      if (!Number.isFinite(n)) throw new DatumError(`"${s}" is not a valid real number`);
      atoms = [n === 0 ? 0 : n];
      break;
    }
    case 'boolean':
      if (['true', 'yes', 'on', '1'].includes(s)) atoms = [true];
      else if (['false', 'no', 'off', '0'].includes(s)) atoms = [false];
      else throw new DatumError(`"${s}" is not a valid boolean (use "true" or "false")`);
      break;
    case 'string':
      if (s === '') throw new DatumError('An empty string is not valid as input; use "" to represent the empty string');
      if (s.startsWith('"')) {
        if (s.length < 2 || !s.endsWith('"')) throw new DatumError(`${s}: missing quote at end of quoted string`);
        atoms = [unescapeJsonString(s, s.slice(1, -1))];
      } else {
        atoms = [s];
      }
      break;
    case 'uuid':
      if (s.startsWith('@') && symtab) atoms = [symtab.resolve(s, base)];
      else if (isUuidString(s)) atoms = [s.toLowerCase()];
      else throw new DatumError(`"${s}" is not a valid UUID`);
      break;
  }
  for (const a of atoms) checkConstraints(a, base);
  return atoms;
}

const skipSpaces = (s: string, p: number): number => {
  while (p < s.length && /\s/.test(s[p]!)) p++;
  return p;
};

export function typeToEnglish(type: ColumnType): string {
  const kind = columnKind(type);
  if (kind === 'scalar') return type.key.type;
  let s = kind === 'map' ? 'map' : 'set';
  if (type.max === Infinity) s += type.min ? ` of ${type.min} or more` : ' of';
  else if (type.min) s += ` of ${type.min} to ${type.max}`;
  else s += ` of up to ${type.max}`;
  return kind === 'map' ? `${s} (${type.key.type}, ${type.value!.type}) pairs` : `${s} ${type.key.type}s`;
}

/** Parse a whole datum (ovsdb_datum_from_string). `min`/`max` override the column's bounds. */
export function datumFromString(
  type: ColumnType,
  s: string,
  symtab?: SymbolTable,
  bounds: { min: number; max: number } = type,
): Datum {
  const isMap = type.value !== undefined;
  let p = skipSpaces(s, 0);
  let end = '';
  if (s[p] === (isMap ? '{' : '[')) {
    end = isMap ? '}' : ']';
    p = skipSpaces(s, p + 1);
  } else if (p >= s.length) {
    throw new DatumError(isMap ? 'use "{}" to specify the empty map' : 'use "[]" to specify the empty set');
  }
  const pairs: [Atom, Atom | undefined][] = [];
  while (p < s.length && s[p] !== end) {
    const c = s[p]!;
    if (isDelim(c)) throw new DatumError(`${s}: unexpected "${c}" parsing ${typeToEnglish({ ...type, ...bounds })}`);
    const start = p;
    const k = parseToken(s, p);
    p = k.pos;
    const keys = atomFromString(type.key, k.token, symtab, true);
    let value: Atom | undefined;
    if (isMap) {
      p = skipSpaces(s, p);
      if (s[p] !== '=') throw new DatumError(`${s.slice(start)}: syntax error at "${s[p] ?? ''}" expecting "="`);
      p = skipSpaces(s, p + 1);
      const v = parseToken(s, p);
      p = v.pos;
      value = atomFromString(type.value!, v.token, symtab)[0];
    }
    for (const key of keys) pairs.push([key, value]);
    p = skipSpaces(s, p);
    if (s[p] === ',') p = skipSpaces(s, p + 1);
  }
  if ((s[p] ?? '') !== end) throw new DatumError(`${s}: missing "${end}" at end of data`);
  if (end) {
    p = skipSpaces(s, p + 1);
    if (p < s.length) throw new DatumError(`${s}: trailing garbage after "${end}"`);
  }
  const what = isMap ? 'pair(s)' : 'value(s)';
  if (pairs.length < bounds.min) {
    throw new DatumError(`${s}: ${pairs.length} ${what} specified but the minimum number is ${bounds.min}`);
  }
  if (pairs.length > bounds.max) {
    throw new DatumError(`${s}: ${pairs.length} ${what} specified but the maximum number is ${bounds.max}`);
  }
  pairs.sort((a, b) => compareAtoms(a[0], b[0]));
  for (let i = 1; i < pairs.length; i++) {
    if (compareAtoms(pairs[i - 1]![0], pairs[i]![0]) === 0) {
      throw new DatumError(isMap ? `${s}: map contains duplicate key` : `${s}: set contains duplicate value`);
    }
  }
  return isMap ? { keys: pairs.map((x) => x[0]), values: pairs.map((x) => x[1]!) } : { keys: pairs.map((x) => x[0]) };
}

export function compareAtoms(a: Atom, b: Atom): number {
  if (typeof a === 'string' && typeof b === 'string') {
    // strcmp: byte order of UTF-8, which for our purposes is code-point order.
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const x = Number(a);
  const y = Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Value model → sorted datum. */
export function toDatum(v: Value, type: ColumnType): Datum {
  const kind = columnKind(type);
  if (kind === 'map') {
    const obj = (v ?? {}) as Record<string, Atom>;
    const numKey = type.key.type === 'integer' || type.key.type === 'real';
    const entries = Object.entries(obj)
      .map(([k, val]) => [numKey ? Number(k) : k, val] as [Atom, Atom])
      .sort((a, b) => compareAtoms(a[0], b[0]));
    return { keys: entries.map((e) => e[0]), values: entries.map((e) => e[1]) };
  }
  if (kind === 'set') return { keys: [...(v as Atom[])].sort(compareAtoms) };
  if (v === null || v === undefined) return { keys: [] };
  return { keys: [v as Atom] };
}

/** Datum → value model for a column. */
export function fromDatum(d: Datum, type: ColumnType): Value {
  const kind = columnKind(type);
  if (kind === 'map') {
    const out: Record<string, Atom> = {};
    d.keys.forEach((k, i) => (out[String(k)] = d.values![i]!));
    return out;
  }
  if (kind === 'set') return [...d.keys];
  if (kind === 'optional') return d.keys[0] ?? null;
  return d.keys[0]!;
}

function stringNeedsQuotes(s: string): boolean {
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(s)) return true;
  return s === 'true' || s === 'false' || isUuidString(s);
}

/** JSON string as OVS writes it (escapes control characters, keeps non-ASCII). */
export function jsonString(s: string): string {
  return JSON.stringify(s);
}

export function atomToString(a: Atom, type: string): string {
  if (type === 'string') return stringNeedsQuotes(a as string) ? jsonString(a as string) : (a as string);
  if (type === 'real') return formatReal(a as number);
  return String(a);
}

/** printf("%.15g"). */
export function formatReal(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n);
  let s = n.toPrecision(15);
  if (s.includes('e')) {
    let [m, e] = s.split('e') as [string, string];
    if (m.includes('.')) m = m.replace(/0+$/, '').replace(/\.$/, '');
    const sign = e.startsWith('-') ? '-' : '+';
    const digits = e.replace(/^[-+]/, '').padStart(2, '0');
    return `${m}e${sign}${digits}`;
  }
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s;
}

export function datumToString(d: Datum, type: ColumnType): string {
  const isMap = type.value !== undefined;
  const brackets = type.max > 1 || d.keys.length === 0;
  const parts = d.keys.map((k, i) => {
    const ks = atomToString(k, type.key.type);
    return isMap ? `${ks}=${atomToString(d.values![i]!, type.value!.type)}` : ks;
  });
  const body = parts.join(', ');
  if (!brackets) return body;
  return isMap ? `{${body}}` : `[${body}]`;
}

export function datumToBare(d: Datum, type: ColumnType): string {
  const bare = (a: Atom, t: string) => (t === 'string' ? (a as string) : atomToString(a, t));
  return d.keys
    .map((k, i) =>
      type.value ? `${bare(k, type.key.type)}=${bare(d.values![i]!, type.value.type)}` : bare(k, type.key.type),
    )
    .join(' ');
}

/** The datum in OVSDB JSON (what --format=json and --data=json print). */
export function datumToJson(d: Datum, type: ColumnType): unknown {
  const atom = (a: Atom, t: string) => (t === 'uuid' ? ['uuid', a] : a);
  if (type.value) return ['map', d.keys.map((k, i) => [atom(k, type.key.type), atom(d.values![i]!, type.value!.type)])];
  if (d.keys.length === 1) return atom(d.keys[0]!, type.key.type);
  return ['set', d.keys.map((k) => atom(k, type.key.type))];
}

/** 3-way compare as ovsdb_datum_compare_3way: by size, then keys, then values. */
export function compareDatums(a: Datum, b: Datum): number {
  if (a.keys.length !== b.keys.length) return a.keys.length < b.keys.length ? -1 : 1;
  for (let i = 0; i < a.keys.length; i++) {
    const c = compareAtoms(a.keys[i]!, b.keys[i]!);
    if (c) return c;
  }
  if (a.values && b.values) {
    for (let i = 0; i < a.values.length; i++) {
      const c = compareAtoms(a.values[i]!, b.values[i]!);
      if (c) return c;
    }
  }
  return 0;
}

/** Is every element (key, or key=value pair) of `a` also in `b`? (ovsdb_datum_includes_all) */
export function isSubset(a: Datum, b: Datum): boolean {
  return a.keys.every((k, i) => {
    const j = b.keys.findIndex((x) => compareAtoms(x, k) === 0);
    if (j < 0) return false;
    return !a.values || compareAtoms(b.values![j]!, a.values[i]!) === 0;
  });
}

/** Is no element of `a` in `b`? (ovsdb_datum_excludes_all) */
export function isDisjoint(a: Datum, b: Datum): boolean {
  return a.keys.every((k, i) => {
    const j = b.keys.findIndex((x) => compareAtoms(x, k) === 0);
    if (j < 0) return true;
    return a.values !== undefined && compareAtoms(b.values![j]!, a.values[i]!) !== 0;
  });
}
