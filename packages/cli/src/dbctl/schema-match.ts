// Resolving user-typed table and column names the way ovs-vsctl does: case-insensitive, "-" = "_",
// unique prefixes accepted, exact matches preferred. Pure.
import type { ColumnSchema, DatabaseSchema, TableSchema } from 'ovsdb-client-ts';

const norm = (c: string) => (c === '-' ? '_' : c.toLowerCase());

/** score_partial_match: MAX for exact, MAX-1 for equal up to case/"-", the prefix length for a prefix, 0 otherwise. */
export function scorePartialMatch(name: string, s: string): number {
  if (name === s) return Number.MAX_SAFE_INTEGER;
  let i = 0;
  for (; ; i++) {
    const a = name[i];
    const b = s[i];
    if (a === undefined && b === undefined) return Number.MAX_SAFE_INTEGER - 1;
    if (a === undefined || b === undefined || norm(a) !== norm(b)) break;
  }
  return i === s.length ? i : 0;
}

function best<T extends { name: string }>(items: readonly T[], s: string): T[] {
  let score = 0;
  let out: T[] = [];
  for (const it of items) {
    const sc = scorePartialMatch(it.name, s);
    if (sc && sc >= score) {
      if (sc > score) out = [];
      out.push(it);
      score = sc;
    }
  }
  return out;
}

export class NameError extends Error {
  override readonly name = 'NameError';
}

export function getTable(db: DatabaseSchema, s: string): TableSchema {
  const m = best(Object.values(db.tables), s);
  if (m.length === 0) throw new NameError(`unknown table "${s}"`);
  if (m.length > 1) {
    throw new NameError(
      `"${s}" matches multiple table names: ${m
        .map((t) => t.name)
        .sort()
        .join(', ')}`,
    );
  }
  return m[0]!;
}

export function getColumn(t: TableSchema, s: string): ColumnSchema {
  const m = best(Object.values(t.columns), s);
  if (m.length === 0) throw new NameError(`${t.name} does not contain a column whose name matches "${s}"`);
  if (m.length > 1) {
    throw new NameError(
      `${t.name} contains more than one column whose name matches "${s}": ${m
        .map((c) => c.name)
        .sort()
        .join(', ')}`,
    );
  }
  return m[0]!;
}

/** Column names in the order the IDL lists them (alphabetical). */
export function columnNames(t: TableSchema): string[] {
  return Object.keys(t.columns).sort();
}
