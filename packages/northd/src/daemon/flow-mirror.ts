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
  /** Flows per group: the server garbage-collects a group when its count drops to zero. */
  private groupRefs = new Map<string, number>();
  loaded = false;

  private ref(group: string, d: number): void {
    this.groupRefs.set(group, (this.groupRefs.get(group) ?? 0) + d);
  }

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
    this.groupRefs = new Map();
    for (const fl of this.flows.values()) if (fl.logical_dp_group) this.ref(fl.logical_dp_group, 1);
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
    const resolveRow = (row: Row): Row => {
      const out: Row = {};
      for (const k in row) out[k] = resolve(row[k]);
      return out;
    };
    // Inserted rows keep only the columns load() reads (the same shape as after a reload).
    const flowRow = (row: Row, uuid: Uuid): Row => {
      const out: Row = { _uuid: uuid };
      for (const k of FLOW_COLUMNS) {
        const v = row[k];
        out[k] = v === undefined ? null : resolve(v);
      }
      return out;
    };
    const maybeUnused = new Set<string>();
    const unrefFlow = (row: Row | undefined) => {
      const g = row?.['logical_dp_group'] as string | null | undefined;
      if (g) {
        this.ref(g, -1);
        maybeUnused.add(g);
      }
    };
    const refFlow = (row: Row) => {
      const g = row['logical_dp_group'] as string | null | undefined;
      if (g) this.ref(g, 1);
    };
    for (const p of this.pending) {
      const isFlow = p.table === 'Logical_Flow';
      const table = (isFlow ? this.flows : this.groups) as Map<Uuid, Row>;
      if (p.kind === 'insert') {
        const uuid = res.uuidOf(p.ref);
        const row = isFlow ? flowRow(p.row, uuid) : { ...resolveRow(p.row), _uuid: uuid };
        table.set(uuid, row);
        if (isFlow) refFlow(row);
        else maybeUnused.add(uuid);
      } else if (p.kind === 'update') {
        const cur = table.get(p.uuid);
        if (cur) {
          const row = { ...cur, ...resolveRow(p.row) };
          if (isFlow) (unrefFlow(cur), refFlow(row));
          table.set(p.uuid, row);
        }
      } else {
        if (isFlow) unrefFlow(table.get(p.uuid));
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
    for (const u of maybeUnused) {
      if ((this.groupRefs.get(u) ?? 0) > 0) continue;
      this.groupRefs.delete(u);
      this.groups.delete(u as Uuid<'Logical_DP_Group'>);
    }
    this.pending = [];
    this.deletedDatapaths = [];
  }
}
