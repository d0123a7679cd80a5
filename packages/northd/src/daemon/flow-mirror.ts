// Our own record of the SB's Logical_Flow and Logical_DP_Group rows. Northd is their only writer while
// it holds the lock, so instead of monitoring them (the server would echo every flow we write, which
// doubles the cost of a large commit) the daemon loads them once when it becomes active or reconnects,
// then applies its own committed writes — with the server-assigned UUIDs — to this mirror.
import type { NamedUuid, OvsdbClient, Uuid } from 'ovsdb-client-ts';
import { model as sbModel } from '@ovnts/schema/sb';
import type { DpGroupRow, FlowRow } from '../sb-diff.js';
import type { InsertedUuids } from './wire-writer.js';

export const MIRRORED_TABLES = ['Logical_Flow', 'Logical_DP_Group'] as const;
type Mirrored = (typeof MIRRORED_TABLES)[number];
type Row = Record<string, unknown>;

const FLOW_COLUMNS = [
  'logical_datapath',
  'logical_dp_group',
  'pipeline',
  'table_id',
  'priority',
  'match',
  'actions',
] as const;

/** One recorded write to a mirrored table, applied after the transaction commits. */
type Pending =
  | { readonly kind: 'insert'; readonly table: Mirrored; readonly ref: NamedUuid; readonly row: Row }
  | { readonly kind: 'update'; readonly table: Mirrored; readonly uuid: Uuid; readonly row: Row }
  | { readonly kind: 'delete'; readonly table: Mirrored; readonly uuid: Uuid };

export class FlowMirror {
  flows = new Map<Uuid<'Logical_Flow'>, FlowRow>();
  groups = new Map<Uuid<'Logical_DP_Group'>, DpGroupRow>();
  private pending: Pending[] = [];
  private deletedDatapaths: Uuid[] = [];
  loaded = false;

  static isMirrored(table: string): table is Mirrored {
    return (MIRRORED_TABLES as readonly string[]).includes(table);
  }

  /** Read both tables from the server (on activation, after reconnects, after an unknown outcome). */
  async load(client: OvsdbClient): Promise<void> {
    const txn = client.transaction(sbModel);
    const f = txn.select('Logical_Flow', [], ['_uuid', ...FLOW_COLUMNS]);
    const g = txn.select('Logical_DP_Group', [], ['_uuid', 'datapaths']);
    const res = await txn.commit();
    this.flows = new Map(res.rows(f).map((r) => [r._uuid, r]));
    this.groups = new Map(res.rows(g).map((r) => [r._uuid, r]));
    this.pending = [];
    this.deletedDatapaths = [];
    this.loaded = true;
  }

  invalidate(): void {
    this.loaded = false;
  }

  record(p: Pending): void {
    this.pending.push(p);
  }

  /** Datapath deletions drop out of groups (weak references), so the mirror must see them too. */
  recordDatapathDelete(uuid: Uuid): void {
    this.deletedDatapaths.push(uuid);
  }

  /** Forget recorded writes (the transaction failed or was not sent). */
  discard(): void {
    this.pending = [];
    this.deletedDatapaths = [];
  }

  /** Apply the recorded writes of a committed transaction. */
  commit(res: InsertedUuids): void {
    const resolve = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(resolve);
      if (v && typeof v === 'object' && 'namedUuid' in v) return res.uuidOf(v as NamedUuid);
      return v;
    };
    const resolveRow = (row: Row): Row => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, resolve(v)]));
    for (const p of this.pending) {
      const table = (p.table === 'Logical_Flow' ? this.flows : this.groups) as Map<Uuid, Row>;
      if (p.kind === 'insert') {
        const uuid = res.uuidOf(p.ref);
        table.set(uuid, { ...resolveRow(p.row), _uuid: uuid });
      } else if (p.kind === 'update') {
        const cur = table.get(p.uuid);
        if (cur) table.set(p.uuid, { ...cur, ...resolveRow(p.row) });
      } else {
        table.delete(p.uuid);
      }
    }
    if (this.deletedDatapaths.length) {
      const gone = new Set<string>(this.deletedDatapaths);
      for (const [u, g] of this.groups) {
        if (g.datapaths.some((d) => gone.has(d)))
          this.groups.set(u, { ...g, datapaths: g.datapaths.filter((d) => !gone.has(d)) });
      }
    }
    // The server garbage-collects groups no flow refers to.
    const used = new Set<string>();
    for (const f of this.flows.values()) if (f.logical_dp_group) used.add(f.logical_dp_group);
    for (const u of this.groups.keys()) if (!used.has(u)) this.groups.delete(u);
    this.pending = [];
    this.deletedDatapaths = [];
  }
}
