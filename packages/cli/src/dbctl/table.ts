// Output tables of the database commands and their formats (ovs-vsctl(8) "Table Formatting Options"):
// list, table, csv, html and json, with cells rendered as string, bare or json data. Pure.
import type { ColumnType } from 'ovsdb-client-ts';
import { datumToBare, datumToJson, datumToString, isUuidString, type Datum } from './datum.js';

export type TableFormat = 'list' | 'table' | 'csv' | 'html' | 'json';
export type CellFormat = 'string' | 'bare' | 'json';

export interface TableStyle {
  format: TableFormat;
  data: CellFormat;
  headings: boolean;
  pretty: boolean;
}

export const DEFAULT_STYLE: TableStyle = { format: 'list', data: 'string', headings: true, pretty: false };

export interface Cell {
  readonly datum: Datum;
  readonly type: ColumnType;
}

export interface OutTable {
  readonly headings: string[];
  readonly rows: Cell[][];
}

function cellText(c: Cell, data: CellFormat): string {
  if (data === 'json') return JSON.stringify(datumToJson(c.datum, c.type));
  return data === 'string' ? datumToString(c.datum, c.type) : datumToBare(c.datum, c.type);
}

const finishLine = (s: string) => s.replace(/ +$/, '') + '\n';

/** Render one table. `first` is false for every table after the first one in the output (gets a blank line). */
export function renderTable(t: OutTable, style: TableStyle, first: boolean): string {
  const text = () => t.rows.map((r) => r.map((c) => cellText(c, style.data)));
  const sep = first ? '' : '\n';
  switch (style.format) {
    case 'list': {
      const rows = text();
      return (
        sep +
        rows
          .map((r) => r.map((v, x) => (style.headings ? `${t.headings[x]!.padEnd(20)}: ${v}\n` : `${v}\n`)).join(''))
          .join('\n')
      );
    }
    case 'table': {
      const rows = text();
      const widths = t.headings.map((h, x) => {
        const w = Math.max(0, ...rows.map((r) => r[x]!.length));
        return style.headings ? Math.max(w, h.length) : w;
      });
      let out = sep;
      if (style.headings) {
        out += finishLine(t.headings.map((h, x) => h.padEnd(widths[x]!)).join(' '));
        out += finishLine(widths.map((w) => '-'.repeat(w)).join(' '));
      }
      for (const r of rows) out += finishLine(r.map((v, x) => v.padEnd(widths[x]!)).join(' '));
      return out;
    }
    case 'csv': {
      const cell = (v: string) => (/[\n",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
      let out = sep;
      if (style.headings) out += t.headings.map(cell).join(',') + '\n';
      for (const r of text()) out += r.map(cell).join(',') + '\n';
      return out;
    }
    case 'html': {
      const esc = (v: string) =>
        v.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
      const htmlCell = (el: string, content: string) => {
        let o = `    <${el}>`;
        for (let p = 0; p < content.length;) {
          const u = content.slice(p, p + 36);
          if (u.length === 36 && isUuidString(u)) {
            o += `<a href="#${u}">${u.slice(0, 8)}</a>`;
            p += 36;
          } else {
            o += esc(content[p]!);
            p++;
          }
        }
        return o + `</${el}>\n`;
      };
      let out = '<table border=1>\n';
      if (style.headings) out += '  <tr>\n' + t.headings.map((h) => htmlCell('th', h)).join('') + '  </tr>\n';
      for (const r of text()) {
        out += '  <tr>\n';
        r.forEach((v, x) => {
          out +=
            t.headings[x] === '_uuid'
              ? `    <td><a name="${esc(v)}">${esc(v.slice(0, 8))}</a></td>\n`
              : htmlCell('td', v);
        });
        out += '  </tr>\n';
      }
      return out + '</table>\n';
    }
    case 'json': {
      const obj = { data: t.rows.map((r) => r.map((c) => datumToJson(c.datum, c.type))), headings: t.headings };
      return (style.pretty ? prettyJson(obj, 0) : JSON.stringify(obj)) + '\n';
    }
  }
}

/** OVS's pretty JSON: every non-empty array/object broken over lines, 2-space indent, closer on the last line. */
export function prettyJson(v: unknown, indent: number): string {
  const pad = (n: number) => ' '.repeat(n);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => pad(indent + 2) + prettyJson(x, indent + 2)).join(',\n')}]`;
  }
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    if (keys.length === 0) return '{}';
    return `{\n${keys.map((k) => `${pad(indent + 2)}${JSON.stringify(k)}: ${prettyJson((v as Record<string, unknown>)[k], indent + 2)}`).join(',\n')}}`;
  }
  return JSON.stringify(v);
}
