// Schema-valid but semantically random NB content (issue 24, hostile input): rows of any NB input table with
// every column drawn from its schema type, strings from a pool of what breaks parsers (bad MACs and CIDRs,
// broken match expressions, names of other rows, huge and unicode strings), options with conflicting keys,
// references to existing rows (strong) or to nothing (weak). One OVSDB transaction per call, built from the
// MemNb's current contents; MemNb (like ovsdb-server) may still refuse it (unique names, immutable columns).
import { columnKind, type BaseType, type ColumnType, type TableSchema } from 'ovsdb-client-ts';
import { schema } from '@ovnts/schema/nb';
import { NB_INPUT_TABLES } from '../input.js';
import type { MemNb } from './mem-nb.js';
import type { NbEdit, Rng } from './random-nb-changes.js';

type Json = unknown;

/** Text that some column somewhere must parse: addresses, matches, names, numbers, garbage. */
const NASTY = [
  '',
  ' ',
  'router',
  'unknown',
  'dynamic',
  '0a:58:0a:80:00:05',
  '0a:58:0a:80:00:05 10.128.0.5',
  '0a:58:0a:80:00:05 10.128.0.300',
  'zz:zz:zz:zz:zz:zz 10.0.0.1',
  '0a:58:0a:80:00:05 fe80::zz',
  '0a:58:0a:80:00:05 10.128.0.5 10.128.0.5 dead::beef',
  '02:00:00:00:00:01 dynamic',
  '10.0.0.1',
  '10.0.0.0/8',
  '10.0.0.1/33',
  '256.1.1.1',
  '::/0',
  'fe80::1/129',
  '0.0.0.0/0',
  '10.96.0.1:80',
  '10.96.0.1:99999',
  '[fd00::1]:80',
  '10.96.0.1:80,10.96.0.2:',
  'ip4',
  'ip4.src == {',
  'outport == "nope" && ip4.dst == 10.0.0.1',
  'inport == @pg_missing',
  'ip4.src == $as_missing',
  'tcp.dst == 99999',
  'ip6.dst == 10.0.0.1',
  'reg0[0] == 1 && !',
  'ct.est && ct_label.blocked == 1',
  'true',
  '1',
  '-1',
  '4294967296',
  'yes',
  'false',
  'chassis-node0',
  'hv1',
  'node0',
  'join',
  'ovn_cluster_router',
  'GR_node0',
  'rtoj-GR_node0',
  'stor-node0',
  'k8s-node0',
  'ns0_pod-0-0',
  'pg_np0',
  'as_np0',
  'ünïcødé',
  '名前',
  '😀',
  'a"b\\c',
  'a\nb',
  '../../etc/passwd',
  '%s%n',
];

/** Keys the compiler reads from options/other_config/external_ids maps, and a few nobody reads. */
const KEYS = [
  'router-port',
  'peer',
  'chassis',
  'nat-addresses',
  'requested-tnl-key',
  'requested-chassis',
  'network_name',
  'tag',
  'mcast_snoop',
  'mcast_relay',
  'mcast_flood',
  'gateway_mtu',
  'dynamic_neigh_routers',
  'lb_force_snat_ip',
  'snat-ct-zone',
  'mac_prefix',
  'svc_monitor_mac',
  'subnet',
  'ipv6_prefix',
  'exclude_ips',
  'mac_only',
  'address_mode',
  'reject',
  'skip_snat',
  'hairpin_snat_ip',
  'neighbor_responder',
  'affinity_timeout',
  'ecmp_symmetric_reply',
  'redirect-type',
  'always_learn_from_arp_request',
  'use_logical_dp_groups',
  'northd_probe_interval',
  'ic-route-adv',
  'x',
  '',
  'ünï',
];

function tableSchema(table: string): TableSchema {
  const ts = schema.tables[table];
  if (!ts) throw new Error(`hostile-nb: no NB table ${table}`);
  return ts;
}

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[Math.floor(rng() * xs.length)]!;
}

class Gen {
  constructor(
    readonly nb: MemNb,
    readonly rng: Rng,
  ) {}

  private names(): string[] {
    const out: string[] = [];
    for (const t of ['Logical_Switch', 'Logical_Switch_Port', 'Logical_Router', 'Logical_Router_Port', 'Port_Group']) {
      for (const r of this.nb.rows(t).values()) if (typeof r['name'] === 'string') out.push(r['name']);
    }
    return out;
  }

  string(b: BaseType): string {
    const r = this.rng();
    let s: string;
    if (r < 0.55) s = pick(this.rng, NASTY);
    else if (r < 0.8) s = pick(this.rng, this.names().length ? this.names() : NASTY);
    else if (r < 0.85)
      s = 'x'.repeat(1 + Math.floor(this.rng() * 20_000)); // huge
    else if (r < 0.95) s = `${pick(this.rng, NASTY)} ${pick(this.rng, NASTY)}`;
    else s = `h_${Math.floor(this.rng() * 1e9).toString(36)}`;
    if (b.maxLength !== undefined && s.length > b.maxLength) s = s.slice(0, b.maxLength);
    if (b.minLength !== undefined && s.length < b.minLength) s = s.padEnd(b.minLength, 'x');
    return s;
  }

  atom(b: BaseType): Json | undefined {
    if (b.enum) return pick(this.rng, b.enum);
    switch (b.type) {
      case 'string':
        return this.string(b);
      case 'integer': {
        const lo = b.minInteger ?? -(2 ** 40);
        const hi = b.maxInteger ?? 2 ** 40;
        const r = this.rng();
        if (r < 0.3) return lo;
        if (r < 0.6) return hi;
        return Math.max(lo, Math.min(hi, pick(this.rng, [0, 1, 2, 7, 100, 4095, 4096, 65535, 65536, 2 ** 24, -1])));
      }
      case 'real':
        return pick(this.rng, [0, 0.5, -1.5, 1e12]);
      case 'boolean':
        return this.rng() < 0.5;
      case 'uuid': {
        const rows = b.refTable ? [...this.nb.rows(b.refTable).keys()] : [];
        if (b.refType === 'weak' && this.rng() < 0.3) return ['uuid', randomUuid(this.rng)]; // dangling, dropped
        if (!rows.length) return b.refType === 'weak' || !b.refTable ? ['uuid', randomUuid(this.rng)] : undefined;
        return ['uuid', pick(this.rng, rows)];
      }
    }
  }

  /** A value of `t`, or undefined when none can be made (a required reference with no row to name). */
  value(t: ColumnType): Json | undefined {
    const kind = columnKind(t);
    const max = Math.min(t.max, t.min + 3);
    const n = t.min + Math.floor(this.rng() * (max - t.min + 1));
    if (kind === 'scalar') return this.atom(t.key);
    if (kind === 'map') {
      const pairs = new Map<string, [Json, Json]>();
      for (let i = 0; i < n; i++) {
        const k = t.key.type === 'string' && !t.key.enum ? pick(this.rng, KEYS) : this.atom(t.key);
        const v = this.atom(t.value!);
        if (k === undefined || v === undefined) continue;
        pairs.set(JSON.stringify(k), [k, v]);
      }
      if (pairs.size < t.min) return undefined;
      return ['map', [...pairs.values()]];
    }
    const atoms = new Map<string, Json>();
    for (let i = 0; i < n; i++) {
      const a = this.atom(t.key);
      if (a !== undefined) atoms.set(JSON.stringify(a), a);
    }
    if (atoms.size < t.min) return undefined;
    return ['set', [...atoms.values()]];
  }

  row(table: string, columns: readonly string[]): Record<string, Json> | undefined {
    const ts = tableSchema(table);
    const row: Record<string, Json> = {};
    for (const c of columns) {
      const v = this.value(ts.columns[c]!.type);
      if (v === undefined) return undefined;
      row[c] = v;
    }
    return row;
  }
}

function randomUuid(rng: Rng): string {
  const h = (n: number) =>
    Array.from({ length: n }, () =>
      Math.floor(rng() * 16)
        .toString(16)
        .toLowerCase(),
    ).join('');
  return `${h(8)}-${h(4)}-4${h(3)}-8${h(3)}-${h(12)}`;
}

/** Tables and columns holding strong references to each table: where a new non-root row can be attached. */
function parentsOf(table: string): [string, string][] {
  const out: [string, string][] = [];
  for (const ts of Object.values(schema.tables)) {
    if (!(NB_INPUT_TABLES as readonly string[]).includes(ts.name)) continue;
    for (const [c, col] of Object.entries(ts.columns)) {
      const k = col.type.key;
      if (k.refTable === table && k.refType !== 'weak' && col.type.max > 1) out.push([ts.name, c]);
    }
  }
  return out;
}

const TABLES = NB_INPUT_TABLES.filter((t) => t !== 'NB_Global');

/** One hostile transaction against the current contents of `nb` (not applied). */
export function hostileNbEdit(nb: MemNb, rng: Rng): NbEdit {
  const g = new Gen(nb, rng);
  for (;;) {
    const table = pick(rng, rng() < 0.1 ? ['NB_Global'] : TABLES);
    const ts = tableSchema(table);
    const columns = Object.keys(ts.columns);
    const existing = [...nb.rows(table).keys()];
    const r = rng();
    if (r < 0.45 || !existing.length) {
      if (table === 'NB_Global') continue;
      // Insert a row with a random subset of its columns (required ones always).
      const cols = columns.filter((c) => ts.columns[c]!.type.min > 0 || rng() < 0.6);
      const row = g.row(table, cols);
      if (!row) continue;
      const ops: Json[] = [{ op: 'insert', table, 'uuid-name': 'fresh', row }];
      if (!ts.isRoot) {
        const parents = parentsOf(table).filter(([pt]) => nb.rows(pt).size > 0);
        if (!parents.length) continue;
        const [pt, pc] = pick(rng, parents);
        const parent = pick(rng, [...nb.rows(pt).keys()]);
        ops.push({
          op: 'mutate',
          table: pt,
          where: [['_uuid', '==', ['uuid', parent]]],
          mutations: [[pc, 'insert', ['set', [['named-uuid', 'fresh']]]]],
        });
      }
      return { description: `hostile insert ${table}: ${JSON.stringify(row).slice(0, 160)}`, ops };
    }
    const u = pick(rng, existing);
    if (r < 0.9 || table === 'NB_Global') {
      // Overwrite one to three columns of an existing row.
      const cols = Array.from({ length: 1 + Math.floor(rng() * 3) }, () => pick(rng, columns));
      const row = g.row(table, [...new Set(cols)]);
      if (!row) continue;
      return {
        description: `hostile update ${table} ${u}: ${JSON.stringify(row).slice(0, 160)}`,
        ops: [{ op: 'update', table, where: [['_uuid', '==', ['uuid', u]]], row }],
      };
    }
    if (!ts.isRoot) continue; // non-root rows go when unreferenced
    return {
      description: `hostile delete ${table} ${u}`,
      ops: [{ op: 'delete', table, where: [['_uuid', '==', ['uuid', u]]] }],
    };
  }
}
