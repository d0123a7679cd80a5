// Parity-lab helpers that only need a way to run programs: read a whole NB through
// `ovsdb-client transact` selects, load compiled output into an empty SB, and normalise lflow-list.
import { schema as nbSchema } from '@ovnts/schema/nb';
import { schema as sbSchema } from '@ovnts/schema/sb';
import type { CompiledSb } from '../compile.js';
import type { DatabaseSchema } from 'ovsdb-client-ts';
import { NB_INPUT_TABLES, SB_INPUT_TABLES, type NbInput, type SbKeyInput } from '../input.js';
import { SB_OWNED_TABLES, type SbState } from '../sb-diff.js';
import { insertOps } from '../sb-json.js';
import { decodeWireRow, viewOf } from './rows.js';

export type Runner = (program: string, args: readonly string[]) => Promise<{ stdout: string }>;

/** Every row of `tables`, read through `ovsdb-client transact` selects, as a table view. */
async function readTables<T>(
  run: Runner,
  remote: string,
  db: string,
  schema: DatabaseSchema,
  tables: readonly string[],
): Promise<T> {
  const ops = tables.map((table) => ({ op: 'select', table, where: [] }));
  const { stdout } = await run('ovsdb-client', ['transact', remote, JSON.stringify([db, ...ops])]);
  const results = JSON.parse(stdout) as { rows: Record<string, unknown>[] }[];
  const rows: Record<string, Record<string, unknown>[]> = {};
  tables.forEach((t, i) => {
    rows[t] = (results[i]?.rows ?? []).map((r) => decodeWireRow(schema.tables[t]!, r));
  });
  return viewOf<T>(tables, rows);
}

export function readNb(run: Runner, remote: string): Promise<NbInput> {
  return readTables<NbInput>(run, remote, 'OVN_Northbound', nbSchema, NB_INPUT_TABLES);
}

/** The SB tables northd owns and reads. */
export function readSb(run: Runner, remote: string): Promise<SbState & SbKeyInput> {
  const tables = [...new Set<string>([...SB_OWNED_TABLES, ...SB_INPUT_TABLES])];
  return readTables<SbState & SbKeyInput>(run, remote, 'OVN_Southbound', sbSchema, tables);
}

export async function loadSb(run: Runner, remote: string, compiled: CompiledSb): Promise<void> {
  const { stdout } = await run('ovsdb-client', [
    'transact',
    remote,
    JSON.stringify(['OVN_Southbound', ...insertOps(compiled)]),
  ]);
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

/**
 * The SB rows a northd writes besides flows, keyed by identity and without UUIDs or tunnel keys of
 * ports (each northd allocates those its own way): for comparing two SBs.
 */
export async function bindingSummary(run: Runner, remote: string): Promise<Record<string, unknown>> {
  const tables = ['Datapath_Binding', 'Port_Binding', 'Multicast_Group', 'Address_Set', 'DNS'] as const;
  const ops = tables.map((table) => ({ op: 'select', table, where: [] }));
  const { stdout } = await run('ovsdb-client', ['transact', remote, JSON.stringify(['OVN_Southbound', ...ops])]);
  const results = JSON.parse(stdout) as { rows: Record<string, unknown>[] }[];
  const rows = (i: number) => (results[i]?.rows ?? []).map((r) => decodeWireRow(sbSchema.tables[tables[i]!]!, r));
  const dps = rows(0);
  const dpName = new Map(
    dps.map((d) => [d['_uuid'] as string, (d['external_ids'] as Record<string, string>)['name'] ?? '?']),
  );
  const pbs = rows(1);
  const pbName = new Map(pbs.map((p) => [p['_uuid'] as string, p['logical_port'] as string]));
  const sortBy = <T>(xs: T[], k: (x: T) => string) => xs.sort((a, b) => (k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0));
  return {
    datapaths: sortBy(
      dps.map((d) => {
        const e = { ...(d['external_ids'] as Record<string, string>) };
        for (const k of ['logical-switch', 'logical-router']) if (k in e) e[k] = '<nb uuid>';
        return e;
      }),
      (e) => e['name'] ?? '',
    ),
    ports: sortBy(
      pbs.map((p) => ({
        logical_port: p['logical_port'],
        datapath: dpName.get(p['datapath'] as string),
        type: p['type'],
        mac: p['mac'],
        options: p['options'],
        parent_port: p['parent_port'],
        tag: p['tag'],
        port_security: p['port_security'],
        nat_addresses: p['nat_addresses'],
        external_ids: p['external_ids'],
        up: p['up'],
      })),
      (p) => String(p.logical_port),
    ),
    multicastGroups: sortBy(
      rows(2).map((g) => ({
        datapath: dpName.get(g['datapath'] as string),
        name: g['name'],
        tunnel_key: g['tunnel_key'],
        ports: (g['ports'] as string[]).map((u) => pbName.get(u)).sort(),
      })),
      (g) => `${g.datapath} ${String(g.name)}`,
    ),
    addressSets: sortBy(
      rows(3).map((a) => ({ name: a['name'], addresses: a['addresses'] })),
      (a) => String(a.name),
    ),
    // Both northds read the same NB: external_ids:dns_id names the same NB row.
    dns: sortBy(
      rows(4).map((d) => ({
        external_ids: d['external_ids'],
        records: d['records'],
        datapaths: (d['datapaths'] as string[]).map((u) => dpName.get(u)).sort(),
      })),
      (d) => JSON.stringify(d.external_ids),
    ),
  };
}
