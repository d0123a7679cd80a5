// Parity-lab helpers that only need a way to run programs: read a whole NB through
// `ovsdb-client transact` selects, load compiled output into an empty SB, and normalise lflow-list.
import { schema as nbSchema } from '@ovnts/schema/nb';
import type { CompiledSb } from '../compile.js';
import { NB_INPUT_TABLES, type NbInput } from '../input.js';
import { insertOps } from '../sb-json.js';
import { decodeWireRow, viewOf } from './rows.js';

export type Runner = (program: string, args: readonly string[]) => Promise<{ stdout: string }>;

export async function readNb(run: Runner, remote: string): Promise<NbInput> {
  const ops = NB_INPUT_TABLES.map((table) => ({ op: 'select', table, where: [] }));
  const { stdout } = await run('ovsdb-client', ['transact', remote, JSON.stringify(['OVN_Northbound', ...ops])]);
  const results = JSON.parse(stdout) as { rows: Record<string, unknown>[] }[];
  const rows: Record<string, Record<string, unknown>[]> = {};
  NB_INPUT_TABLES.forEach((t, i) => {
    rows[t] = (results[i]?.rows ?? []).map((r) => decodeWireRow(nbSchema.tables[t]!, r));
  });
  return viewOf<NbInput>(NB_INPUT_TABLES, rows);
}

export async function loadSb(run: Runner, remote: string, compiled: CompiledSb): Promise<void> {
  const { stdout } = await run('ovsdb-client', ['transact', remote, JSON.stringify(['OVN_Southbound', ...insertOps(compiled)])]);
  const results = JSON.parse(stdout) as ({ error?: string; details?: string } | null)[];
  const err = results.find((r) => r && r.error);
  if (err) throw new Error(`SB load failed: ${err.error}: ${err.details ?? ''}`);
}

/** `ovn-sbctl lflow-list` as a sorted list of "datapath pipeline stage priority match actions" lines. */
export function normaliseLflowList(text: string): string[] {
  const out: string[] = [];
  let header = '';
  for (const line of text.split('\n')) {
    const h = /^Datapath: "([^"]*)" \(.*\)\s+Pipeline: (\w+)/.exec(line);
    if (h) {
      header = `${h[1]} ${h[2]}`;
      continue;
    }
    const f = /^\s+table=\s*(\d+)\s*\(\s*(\S+?)\s*\), priority=(\d+)\s*, match=\((.*)\), action=\((.*)\)$/.exec(line);
    if (f) out.push(`${header} ${f[2]} ${f[3]} match=(${f[4]}) action=(${f[5]})`);
  }
  return out.sort();
}
