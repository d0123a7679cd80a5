// What-if mode: from NB rows alone, in one process and without any OVS, the SB (the northd compiler), one
// chassis's OpenFlow tables (the controller's pure computation) and the offload report. Bindings (which VIF
// lives on which chassis) are not in the NB: they come from `bindings`, else a port's options:requested-chassis.
import { columnKind, decodeDump, decodeRow, withDefaults, type ColumnType } from 'ovsdb-client-ts';
import { compile, NB_INPUT_TABLES, type NbInput, insertOps } from '@ovnts/northd';
import { computeChassis, type OvsIface, type SbSnapshot } from '@ovnts/controller';
import { schema as nbSchema } from '@ovnts/schema/nb';
import { schema as sbSchema } from '@ovnts/schema/sb';
import type { FlowDump } from './dump.js';
import { InputError } from './errors.js';
import type { SbContext } from './sb.js';

/** The NB as the what-if mode needs it: northd's input tables, and what only the controller side uses. */
export interface WhatIfNb {
  readonly nb: NbInput;
  /** Distributed gateway port → its highest-priority gateway chassis (NB Gateway_Chassis). */
  readonly gateways: Readonly<Record<string, string>>;
  /** NB Static_MAC_Binding rows (ovn-northd copies them to the SB). */
  readonly neighbours: readonly { readonly logical_port: string; readonly ip: string; readonly mac: string }[];
}

export interface WhatIfInput extends WhatIfNb {
  /** The chassis whose tables are computed. */
  readonly chassis: string;
  /** VIF name → chassis name. */
  readonly bindings?: Readonly<Record<string, string>>;
  /** Physical network → bridge (ovn-bridge-mappings); localnet ports of mapped networks get a patch port. */
  readonly bridgeMappings?: Readonly<Record<string, string>>;
}

export interface WhatIfResult {
  readonly dump: FlowDump;
  readonly sb: SbContext;
  /** Northd diagnostics and logical flows the controller could not compile. */
  readonly warnings: readonly string[];
}

type Row = Record<string, unknown>;

/** Deterministic UUIDs (the report quotes cookies, which are UUID prefixes): a counter, hex-spread. */
function uuidFactory(): () => string {
  let n = 0;
  return () => {
    const h = (++n).toString(16).padStart(8, '0');
    return `${h}-0000-4000-8000-${h.padStart(12, '0')}`;
  };
}

/** Tables decoded against their schema, as the typed table view the compilers take. */
function tablesView<T>(tables: Readonly<Record<string, ReadonlyMap<string, Row>>>, names: readonly string[]): T {
  const out: Record<string, ReadonlyMap<string, Row>> = {};
  for (const n of names) out[n] = tables[n] ?? new Map();
  return out as T;
}

/**
 * One what-if change to the NB: `TABLE:NAME:COLUMN[:KEY]=VALUE` (the row whose `name` is NAME). A map column
 * takes a KEY (an empty VALUE removes it); a set column takes a comma-separated VALUE; an empty VALUE clears an
 * optional column.
 */
export interface NbSet {
  readonly table: string;
  readonly name: string;
  readonly column: string;
  readonly key?: string;
  readonly value: string;
}

export function parseNbSet(text: string): NbSet {
  const m = /^([A-Za-z_]+):([^:=]+):([a-z_]+)(?::([^=]+))?=(.*)$/.exec(text);
  if (!m) throw new InputError(`--set takes TABLE:NAME:COLUMN[:KEY]=VALUE, not "${text}"`);
  return { table: m[1]!, name: m[2]!, column: m[3]!, ...(m[4] !== undefined ? { key: m[4] } : {}), value: m[5]! };
}

function atomOf(t: ColumnType['key'], text: string, what: string): unknown {
  switch (t.type) {
    case 'integer': {
      if (!/^-?\d+$/.test(text)) throw new InputError(`${what}: "${text}" is not an integer`);
      return Number(text);
    }
    case 'real':
      if (Number.isNaN(Number(text))) throw new InputError(`${what}: "${text}" is not a number`);
      return Number(text);
    case 'boolean':
      if (text !== 'true' && text !== 'false') throw new InputError(`${what}: "${text}" is not true or false`);
      return text === 'true';
    case 'uuid':
      throw new InputError(`${what}: references cannot be set`);
    default:
      return text;
  }
}

function applySet(tables: Record<string, Map<string, Row>>, c: NbSet): void {
  const ts = nbSchema.tables[c.table];
  const what = `--set ${c.table}:${c.name}:${c.column}`;
  if (!ts) throw new InputError(`${what}: no table ${c.table} in the NB schema`);
  const col = ts.columns[c.column];
  if (!col) throw new InputError(`${what}: ${c.table} has no column ${c.column}`);
  const rows = tables[c.table] ?? new Map<string, Row>();
  const hit = [...rows].find(([, r]) => r['name'] === c.name);
  if (!hit) throw new InputError(`${what}: no ${c.table} named "${c.name}"`);
  const [id, r] = hit;
  const kind = columnKind(col.type);
  let v: unknown;
  if (kind === 'map') {
    if (c.key === undefined) throw new InputError(`${what}: ${c.column} is a map: give a KEY`);
    const m = { ...(r[c.column] as Record<string, unknown>) };
    if (c.value === '') delete m[c.key];
    else m[c.key] = col.type.value ? atomOf(col.type.value, c.value, what) : c.value;
    v = m;
  } else if (kind === 'set')
    v = c.value === '' ? [] : c.value.split(',').map((x) => atomOf(col.type.key, x.trim(), what));
  else if (kind === 'optional') v = c.value === '' ? null : atomOf(col.type.key, c.value, what);
  else v = atomOf(col.type.key, c.value, what);
  rows.set(id, { ...r, [c.column]: v });
}

/** The NB from `ovsdb-client dump -f json <remote> OVN_Northbound` output, with what-if changes applied. */
export function nbFromDump(text: string, sets: readonly NbSet[] = []): WhatIfNb {
  let tables: Record<string, Map<string, Row>>;
  try {
    tables = decodeDump(nbSchema, text);
  } catch (e) {
    throw new InputError(
      `NB dump: ${e instanceof Error ? e.message : String(e)} (expected "ovsdb-client dump -f json")`,
    );
  }
  if (!tables['Logical_Switch'] && !tables['Logical_Router'])
    throw new InputError('NB dump has no Logical_Switch or Logical_Router table');
  for (const c of sets) applySet(tables, c);
  const gateways: Record<string, string> = {};
  const gcs = tables['Gateway_Chassis'] ?? new Map<string, Row>();
  for (const lrp of tables['Logical_Router_Port']?.values() ?? []) {
    const best = ((lrp['gateway_chassis'] as string[]) ?? [])
      .map((u) => gcs.get(u))
      .filter((g): g is Row => !!g)
      .sort(
        (a, b) =>
          (b['priority'] as number) - (a['priority'] as number) ||
          byName(a['chassis_name'] as string, b['chassis_name'] as string),
      )[0];
    if (best) gateways[lrp['name'] as string] = best['chassis_name'] as string;
  }
  const neighbours = [...(tables['Static_MAC_Binding']?.values() ?? [])]
    .map((r) => ({ logical_port: r['logical_port'] as string, ip: r['ip'] as string, mac: r['mac'] as string }))
    .sort((a, b) => byName(`${a.logical_port} ${a.ip}`, `${b.logical_port} ${b.ip}`));
  return { nb: tablesView<NbInput>(tables, NB_INPUT_TABLES), gateways, neighbours };
}

/** Apply northd's insert operations to an in-memory SB (named UUIDs resolved). */
function loadCompiled(ops: readonly unknown[], uuid: () => string): Map<string, Map<string, Row>> {
  const tables = new Map<string, Map<string, Row>>(Object.keys(sbSchema.tables).map((t) => [t, new Map()]));
  const named = new Map<string, string>();
  const pending: { table: string; id: string; row: Row }[] = [];
  for (const raw of ops) {
    const op = raw as { op: string; table: string; row: Row; 'uuid-name'?: string };
    if (op.op !== 'insert') continue;
    const id = uuid();
    if (op['uuid-name']) named.set(op['uuid-name'], id);
    pending.push({ table: op.table, id, row: op.row });
  }
  const resolve = (v: unknown): unknown =>
    Array.isArray(v) ? (v[0] === 'named-uuid' ? ['uuid', named.get(v[1] as string)] : v.map(resolve)) : v;
  for (const p of pending) {
    const ts = sbSchema.tables[p.table]!;
    const wire = Object.fromEntries(Object.entries(p.row).map(([k, v]) => [k, resolve(v)]));
    tables.get(p.table)!.set(p.id, { ...withDefaults(ts, decodeRow(ts, wire)), _uuid: p.id, _version: p.id });
  }
  return tables;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A full SB row (defaults for the columns not given). */
function row(table: string, id: string, values: Row): Row {
  return { ...withDefaults(sbSchema.tables[table]!, values), _uuid: id, _version: id };
}

export function whatIf(input: WhatIfInput): WhatIfResult {
  const uuid = uuidFactory();
  const compiled = compile(input.nb);
  const warnings = compiled.diagnostics.map((d) => `northd: ${d.table} ${d.name}: ${d.message}`);
  const sb = loadCompiled(insertOps(compiled), uuid);
  const t = (name: string) => sb.get(name)!;

  // Where each VIF lives, and the gateway chassis of distributed gateway ports.
  const where = new Map<string, string>();
  for (const lsp of input.nb.Logical_Switch_Port.values()) {
    const req = lsp.options['requested-chassis'];
    if (req) where.set(lsp.name, req);
  }
  for (const [port, ch] of Object.entries(input.bindings ?? {})) where.set(port, ch);
  for (const [lrp, ch] of Object.entries(input.gateways)) where.set(`cr-${lrp}`, ch);
  // A Chassis (with a Geneve Encap) per chassis named anywhere, the computed one first.
  const chassisUuid = new Map<string, string>();
  const names = [input.chassis, ...[...new Set(where.values())].filter((c) => c !== input.chassis).sort(byName)];
  names.forEach((name, i) => {
    const encap = uuid();
    const id = uuid();
    chassisUuid.set(name, id);
    t('Encap').set(
      encap,
      row('Encap', encap, { type: 'geneve', ip: `192.0.2.${i + 1}`, chassis_name: name, options: { csum: 'true' } }),
    );
    t('Chassis').set(id, row('Chassis', id, { name, hostname: name, encaps: [encap] }));
  });
  for (const [id, pb] of t('Port_Binding')) {
    const ch = where.get(pb['logical_port'] as string);
    if (ch && chassisUuid.has(ch)) t('Port_Binding').set(id, { ...pb, chassis: chassisUuid.get(ch)! });
  }
  // Static neighbours are NB rows; ovn-northd copies them to the SB (ovnts-northd leaves that to this mode).
  const dpOfPort = new Map(
    [...t('Port_Binding').values()].map((p) => [p['logical_port'] as string, p['datapath'] as string]),
  );
  for (const n of input.neighbours) {
    const id = uuid();
    t('Static_MAC_Binding').set(
      id,
      row('Static_MAC_Binding', id, {
        ...n,
        override_dynamic_mac: false,
        datapath: dpOfPort.get(n.logical_port) ?? null,
      }),
    );
  }

  // The chassis's OVS side: its VIFs (ofports in name order), a tunnel per other chassis, localnet patches.
  const ifaces: OvsIface[] = [];
  let ofport = 1;
  const local = [...where]
    .filter(([p, c]) => c === input.chassis && !p.startsWith('cr-'))
    .map(([p]) => p)
    .sort(byName);
  for (const p of local) ifaces.push({ name: p, ofport: ofport++, type: '', ifaceId: p });
  for (const name of names.slice(1))
    ifaces.push({ name: `ovn-${name}-0`, ofport: ofport++, type: 'geneve', tunnelChassis: name });
  const mapped = input.bridgeMappings ?? {};
  for (const pb of [...t('Port_Binding').values()].sort((a, b) =>
    byName(a['logical_port'] as string, b['logical_port'] as string),
  )) {
    if (pb['type'] !== 'localnet') continue;
    const net = (pb['options'] as Record<string, string>)['network_name'];
    if (net && mapped[net])
      ifaces.push({
        name: `patch-${pb['logical_port'] as string}-to-br-int`,
        ofport: ofport++,
        type: 'patch',
        localnetPort: pb['logical_port'] as string,
      });
  }
  const snapshot = tablesView<SbSnapshot>(Object.fromEntries(sb), [...sb.keys()]);
  const computed = computeChassis({ sb: snapshot, chassisName: input.chassis, ifaces, bridgeExternalIds: {} });
  warnings.push(...computed.errors.map((e) => `controller: logical flow ${e.lflow}: ${e.error}`));

  const rows = <R>(name: string) => [
    ...tablesView<Record<string, ReadonlyMap<string, R>>>(Object.fromEntries(sb), [name])[name]!.values(),
  ];
  const sbContext: SbContext = {
    portBindings: rows('Port_Binding'),
    datapaths: rows('Datapath_Binding'),
    loadBalancers: rows('Load_Balancer'),
    dpGroups: rows('Logical_DP_Group'),
    logicalFlows: rows('Logical_Flow'),
    macBindings: rows('Static_MAC_Binding'),
  };
  return { dump: { flows: computed.flows, groups: computed.groups }, sb: sbContext, warnings };
}
