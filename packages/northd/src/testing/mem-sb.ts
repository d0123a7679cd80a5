// An in-memory SB for unit tests: applies what diffSb writes (named-uuids resolved like a commit) and
// exposes the result as an SbState, so diffs can be checked for idempotence and minimality.
import { randomUUID } from 'node:crypto';
import type { NamedUuid, Uuid } from 'ovsdb-client-ts';
import { schema as sbSchema } from '@ovnts/schema/sb';
import { SB_OWNED_TABLES, type NamingSbWriter, type SbState } from '../sb-diff.js';
import { makeRow } from './rows.js';
import { SB_DEPENDENT_TABLES } from '../stale-rows.js';

type Row = Record<string, unknown>;

export class MemSb {
  /** Northd's tables, and those of the rows others write that it deletes (stale-rows.ts). */
  readonly tables = new Map<string, Map<string, Row>>(
    [...new Set<string>([...SB_OWNED_TABLES, ...SB_DEPENDENT_TABLES, 'IGMP_Group'])].map((t) => [t, new Map()]),
  );

  state(): SbState {
    const owned = Object.fromEntries([...this.tables].map(([t, m]) => [t, new Map(m)]));
    return { ...owned, Chassis: new Map() } as unknown as SbState;
  }

  /** A writer whose operations are applied when `commit()` is called. */
  begin(): NamingSbWriter & { commit(): void; ops: string[]; uuidOf(ref: NamedUuid): Uuid } {
    const named = new Map<string, string>();
    const pending: (() => void)[] = [];
    const ops: string[] = [];
    let n = 0;
    const resolve = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(resolve);
      if (v && typeof v === 'object' && 'namedUuid' in v) return named.get((v as NamedUuid).namedUuid);
      return v;
    };
    const tables = this.tables;
    return {
      ops,
      insert<T extends string>(table: T, row: Row): NamedUuid<T> {
        const ref = { namedUuid: `row${n++}`, table } as NamedUuid<T>;
        const uuid = randomUUID();
        named.set(ref.namedUuid, uuid);
        ops.push(`insert ${table}`);
        pending.push(() => {
          const full = makeRow<Row>(sbSchema, table, {}, uuid);
          for (const [k, v] of Object.entries(row)) full[k] = resolve(v);
          tables.get(table)!.set(uuid, full);
        });
        return ref;
      },
      update(table: string, uuid: Uuid, row: Row): void {
        ops.push(`update ${table} ${Object.keys(row).sort().join(',')}`);
        pending.push(() => {
          const cur = tables.get(table)!.get(uuid)!;
          const next = { ...cur };
          for (const [k, v] of Object.entries(row)) next[k] = resolve(v);
          tables.get(table)!.set(uuid, next);
        });
      },
      mutateSet(table: string, uuid: Uuid, column: string, add: readonly string[], remove: readonly string[]): void {
        ops.push(`mutate ${table} ${column}`);
        pending.push(() => {
          const cur = tables.get(table)!.get(uuid)!;
          const gone = new Set(remove);
          const have = (cur[column] as string[]).filter((x) => !gone.has(x));
          tables.get(table)!.set(uuid, { ...cur, [column]: [...have, ...add.filter((x) => !have.includes(x))] });
        });
      },
      delete(table: string, uuid: Uuid): void {
        ops.push(`delete ${table}`);
        pending.push(() => tables.get(table)!.delete(uuid));
      },
      commit() {
        for (const p of pending) p();
        collectGroups(tables);
      },
      uuidOf(ref: NamedUuid): Uuid {
        return named.get(ref.namedUuid) as Uuid;
      },
    };
  }
}

/**
 * What the server does at commit for Logical_DP_Group (not a root table, weak references to datapaths):
 * deleted datapaths drop out of groups, and groups nothing refers to are deleted.
 */
function collectGroups(tables: Map<string, Map<string, Row>>): void {
  // HA_Chassis rows (not a root table) live as long as a group lists them.
  const members = new Set<unknown>();
  for (const g of tables.get('HA_Chassis_Group')!.values())
    for (const u of g['ha_chassis'] as unknown[]) members.add(u);
  for (const u of tables.get('HA_Chassis')!.keys()) if (!members.has(u)) tables.get('HA_Chassis')!.delete(u);
  const dps = tables.get('Datapath_Binding')!;
  const groups = tables.get('Logical_DP_Group')!;
  const used = new Set<unknown>();
  for (const f of tables.get('Logical_Flow')!.values()) used.add(f['logical_dp_group']);
  for (const lb of tables.get('Load_Balancer')!.values()) used.add(lb['datapath_group']);
  for (const [u, g] of groups) {
    if (!used.has(u)) groups.delete(u);
    else {
      const members = g['datapaths'] as string[];
      if (members.some((d) => !dps.has(d))) groups.set(u, { ...g, datapaths: members.filter((d) => dps.has(d)) });
    }
  }
}
