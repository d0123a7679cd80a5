// The soak's guard on the data path: the random NB edits may change anything except what keeps the two
// chassis installing real per-port and per-router flows — the logical switch ports bound to their OVS
// interfaces, the switches holding them, the gateway routers that name the chassis, and the router ports and
// switches that connect them. An edit that would delete, detach, retype, rename or unbind one of these rows is
// refused (the soak draws another); every other edit, including changes to those rows' other columns (addresses,
// port security, ACLs through port groups, NAT, routes), goes through.
import type { MemNb } from '@ovnts/northd/testing';

/** Rows kept, by table and name. */
export interface ProtectedNames {
  readonly Logical_Switch: readonly string[];
  readonly Logical_Switch_Port: readonly string[];
  readonly Logical_Router: readonly string[];
  readonly Logical_Router_Port: readonly string[];
}

/** For the k8s topology of `k8sMemNbOps`: what nodes `nodes` (bound pods `pods`) need. */
export function k8sDataPath(nodes: readonly number[], pods: readonly string[]): ProtectedNames {
  return {
    Logical_Switch: ['join', ...nodes.flatMap((n) => [`node${n}`, `ext_node${n}`])],
    Logical_Switch_Port: [
      ...pods,
      'jtor-cluster',
      ...nodes.flatMap((n) => [
        `k8s-node${n}`,
        `stor-node${n}`,
        `jtor-GR_node${n}`,
        `etor-GR_node${n}`,
        `breth0_node${n}`,
      ]),
    ],
    Logical_Router: ['ovn_cluster_router', ...nodes.map((n) => `GR_node${n}`)],
    Logical_Router_Port: [
      'rtoj-cluster',
      ...nodes.flatMap((n) => [`rtos-node${n}`, `rtoj-GR_node${n}`, `rtoe-GR_node${n}`]),
    ],
  };
}

type Table = keyof ProtectedNames;
const TABLES: readonly Table[] = ['Logical_Switch', 'Logical_Switch_Port', 'Logical_Router', 'Logical_Router_Port'];
/** Columns whose change takes a kept row off the data path (names, port types, membership). */
const KEPT_COLUMNS = new Set(['name', 'type', 'ports']);
/** Option keys that tie a kept row to the data path (a gateway router's chassis, a router port's peer). */
const KEPT_OPTIONS = ['chassis', 'router-port', 'network_name'];

/** The guard: resolved once to UUIDs (renames are refused, so they stay valid). */
export class DataPathGuard {
  /** table → kept uuid → its row as first seen. */
  private readonly kept = new Map<Table, Map<string, Readonly<Record<string, unknown>>>>();
  /** Kept ports (switch and router), which only their own parent may list. */
  private readonly keptPorts = new Set<string>();

  constructor(nb: MemNb, names: ProtectedNames) {
    for (const t of TABLES) {
      const want = new Set(names[t]);
      const rows = new Map<string, Readonly<Record<string, unknown>>>();
      for (const [u, r] of nb.rows(t)) if (want.has(String(r['name']))) rows.set(u, r);
      const missing = [...want].filter((n) => ![...rows.values()].some((r) => r['name'] === n));
      if (missing.length) throw new Error(`soak guard: no ${t} named ${missing.join(', ')}`);
      this.kept.set(t, rows);
      if (t.endsWith('_Port')) for (const u of rows.keys()) this.keptPorts.add(u);
    }
  }

  /** How many rows are kept. */
  get size(): number {
    return [...this.kept.values()].reduce((n, m) => n + m.size, 0);
  }

  /** Every kept row still there, with its name (for the soak's checks). */
  missing(nb: MemNb): string[] {
    const out: string[] = [];
    for (const [t, rows] of this.kept)
      for (const [u, r] of rows) if (nb.get(t, u)?.['name'] !== r['name']) out.push(`${t} ${String(r['name'])}`);
    return out;
  }

  /** Why `ops` (one edit, wire format) would take a kept row off the data path, or undefined if it would not. */
  refuses(nb: MemNb, ops: readonly unknown[]): string | undefined {
    for (const op of ops) {
      if (!isRecord(op) || !TABLES.includes(op['table'] as Table)) continue;
      const table = op['table'] as Table;
      const kind = op['op'];
      const hit = [...this.selected(nb, table, op['where'])];
      if (kind === 'delete' && hit.length) return `deletes ${table} ${names(nb, table, hit)}`;
      if (kind === 'mutate' && Array.isArray(op['mutations'])) {
        for (const m of op['mutations'] as unknown[]) {
          if (!Array.isArray(m)) continue;
          const [col, how, value] = m as [unknown, unknown, unknown];
          if (how === 'delete' && hit.length) {
            if ([...uuidsIn(value)].some((u) => this.keptPorts.has(u))) return `detaches a kept port from ${table}`;
            if (col === 'options' && KEPT_OPTIONS.some((k) => keysIn(value).has(k))) return `removes kept options`;
          }
          if (how === 'insert' && [...uuidsIn(value)].some((u) => this.keptPorts.has(u)))
            return `lists a kept port in another ${table}`;
        }
      }
      if (kind === 'update' && isRecord(op['row'])) {
        const row = op['row'];
        for (const u of hit) {
          const cur = nb.get(table, u)!;
          for (const col of Object.keys(row)) {
            if (col === 'ports' && [...this.childrenOf(cur)].every((c) => uuidsIn(row['ports']).has(c))) continue;
            if (KEPT_COLUMNS.has(col)) return `changes ${col} of ${table} ${String(cur['name'])}`;
            if (col === 'options') {
              const now = cur['options'] as Record<string, string>;
              const next = mapIn(row['options']);
              if (KEPT_OPTIONS.some((k) => k in now && next.get(k) !== now[k]))
                return `changes kept options of ${table} ${String(cur['name'])}`;
            }
          }
        }
      }
      // Any op that writes a kept port into a row other than its parent (e.g. a port in two switches).
      if ((kind === 'insert' || kind === 'update') && isRecord(op['row']) && isRecord(op['row'])) {
        const listed = [...uuidsIn(op['row']['ports'])].filter((u) => this.keptPorts.has(u));
        if (listed.some((p) => !hit.some((h) => this.childrenOf(nb.get(table, h)!).has(p))))
          return `lists a kept port in another ${table}`;
      }
    }
    return undefined;
  }

  private childrenOf(row: Readonly<Record<string, unknown>>): Set<string> {
    const ports = row['ports'];
    return new Set(Array.isArray(ports) ? (ports as string[]).filter((u) => this.keptPorts.has(u)) : []);
  }

  /** The kept rows of `table` that `where` selects (clauses other than == and includes select conservatively). */
  private *selected(nb: MemNb, table: Table, where: unknown): Iterable<string> {
    if (!Array.isArray(where)) return;
    for (const u of this.kept.get(table)!.keys()) {
      const row = nb.get(table, u);
      if (!row) continue;
      const all = (where as unknown[]).every((c) => {
        if (!Array.isArray(c)) return true;
        const [col, fn, value] = c as [string, string, unknown];
        const have = col === '_uuid' ? u : row[col];
        const want = [...uuidsIn(value)];
        if (fn === '==') return want.length ? have === want[0] : have === value;
        if (fn === 'includes') return want.every((w) => Array.isArray(have) && (have as unknown[]).includes(w));
        return true;
      });
      if (all) yield u;
    }
  }
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The UUIDs a wire datum names (["uuid", u], or a set of them). */
function uuidsIn(json: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (j: unknown): void => {
    if (!Array.isArray(j)) return;
    if (j.length === 2 && j[0] === 'uuid' && typeof j[1] === 'string') out.add(j[1]);
    else for (const x of j) walk(x);
  };
  walk(json);
  return out;
}

/** A wire map datum (["map", [[k, v], ...]]) as a Map. */
function mapIn(json: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (Array.isArray(json) && json[0] === 'map' && Array.isArray(json[1]))
    for (const kv of json[1] as unknown[]) if (Array.isArray(kv)) out.set(String(kv[0]), kv[1]);
  return out;
}

/** The keys a mutate's delete value names: a map's keys, or a set of keys. */
function keysIn(json: unknown): Set<string> {
  if (Array.isArray(json) && json[0] === 'map') return new Set(mapIn(json).keys());
  if (Array.isArray(json) && json[0] === 'set' && Array.isArray(json[1]))
    return new Set((json[1] as unknown[]).map(String));
  return new Set(typeof json === 'string' ? [json] : []);
}

function names(nb: MemNb, table: Table, uuids: readonly string[]): string {
  return uuids.map((u) => String(nb.get(table, u)?.['name'])).join(', ');
}
