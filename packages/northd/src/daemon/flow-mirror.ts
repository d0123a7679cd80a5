// Our own record of the SB's Logical_Flow rows. Northd is their only writer while it holds the lock, so
// instead of monitoring them (the server would echo every flow we write, which doubles the cost of a
// large commit) the daemon loads them once when it becomes active or reconnects, then applies its own
// committed writes — with the server-assigned UUIDs — to this mirror. Logical_DP_Group rows are few
// (one per distinct datapath set) and are shared with Load_Balancer rows: the replica monitors those.
import type { NamedUuid, OvsdbClient, Uuid } from 'ovsdb-client-ts';
import { model as sbModel } from '@ovnts/schema/sb';
import type { FlowRow } from '../sb-diff.js';
import type { InsertedUuids } from './wire-writer.js';

export const MIRRORED_TABLES = ['Logical_Flow'] as const;
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
  private pending: Pending[] = [];
  loaded = false;

  static isMirrored(table: string): table is Mirrored {
    return (MIRRORED_TABLES as readonly string[]).includes(table);
  }

  /** Read the table from the server (on activation, after reconnects, after an unknown outcome). */
  async load(client: OvsdbClient): Promise<void> {
    const txn = client.transaction(sbModel);
    const f = txn.select('Logical_Flow', [], ['_uuid', ...FLOW_COLUMNS]);
    const res = await txn.commit();
    this.flows = new Map(res.rows(f).map((r) => [r._uuid, r]));
    this.pending = [];
    this.loaded = true;
  }

  invalidate(): void {
    this.loaded = false;
  }

  record(p: Pending): void {
    this.pending.push(p);
  }

  /** Forget recorded writes (the transaction failed or was not sent). */
  discard(): void {
    this.pending = [];
  }

  /** Apply the recorded writes of a committed transaction. */
  commit(res: InsertedUuids): void {
    const resolve = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(resolve);
      if (v && typeof v === 'object' && 'namedUuid' in v) return res.uuidOf(v as NamedUuid);
      return v;
    };
    const flows = this.flows as Map<Uuid, Row>;
    for (const p of this.pending) {
      if (p.kind === 'insert') {
        // Inserted rows keep only the columns load() reads (the same shape as after a reload).
        const uuid = res.uuidOf(p.ref);
        const row: Row = { _uuid: uuid };
        for (const k of FLOW_COLUMNS) {
          const v = p.row[k];
          row[k] = v === undefined ? null : resolve(v);
        }
        flows.set(uuid, row);
      } else if (p.kind === 'update') {
        const cur = flows.get(p.uuid);
        if (!cur) continue;
        const row = { ...cur };
        for (const k in p.row) row[k] = resolve(p.row[k]);
        flows.set(p.uuid, row);
      } else flows.delete(p.uuid);
    }
    this.pending = [];
  }
}
