// Problems found in NB content. The compiler never throws on bad NB rows: it reports them here (with the
// row's table and name) and compiles the rest. The daemon logs each distinct message once.

export interface Diagnostic {
  readonly level: 'warn' | 'error';
  /** NB (or SB) table of the offending row. */
  readonly table: string;
  /** The row's name (or UUID when it has no name). */
  readonly name: string;
  readonly message: string;
}

export class Diagnostics {
  readonly list: Diagnostic[] = [];
  warn(table: string, name: string, message: string): void {
    this.list.push({ level: 'warn', table, name, message });
  }
  error(table: string, name: string, message: string): void {
    this.list.push({ level: 'error', table, name, message });
  }
}

/** How a diagnostic names a row: its name, or its UUID when the name is empty (a name the CMS left blank). */
export function rowName(row: { readonly name: string; readonly _uuid: string }): string {
  return row.name || row._uuid;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.table} ${JSON.stringify(d.name)}: ${d.message}`;
}
