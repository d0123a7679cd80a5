// Decoding `ovsdb-client dump -f json` output: one {"caption", "headings", "data"} object per table,
// concatenated. Useful to compare a replica with what the server holds.

import { decodeDatum, columnType } from './datum.js';
import { DatumError } from './errors.js';
import { JsonFramer } from './framer.js';
import type { DatabaseSchema } from './schema.js';

export type DumpTables = Record<string, Map<string, Record<string, unknown>>>;

export function decodeDump(schema: DatabaseSchema, text: string): DumpTables {
  const out: DumpTables = {};
  for (const value of new JsonFramer().push(Buffer.from(text))) {
    const v = value as { caption?: unknown; headings?: unknown; data?: unknown };
    const m = typeof v.caption === 'string' ? /^(.*) table$/.exec(v.caption) : null;
    if (!m || !Array.isArray(v.headings) || !Array.isArray(v.data))
      throw new DatumError('not an ovsdb-client dump table');
    const table = schema.tables[m[1]!];
    if (!table) throw new DatumError(`dump has unknown table ${m[1]}`);
    const headings = v.headings as string[];
    const rows = new Map<string, Record<string, unknown>>();
    for (const cells of v.data as unknown[][]) {
      const row: Record<string, unknown> = {};
      headings.forEach((h, i) => (row[h] = decodeDatum(columnType(table, h), cells[i])));
      rows.set(row['_uuid'] as string, row);
    }
    out[table.name] = rows;
  }
  return out;
}
