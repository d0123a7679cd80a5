// The SB's Logical_Flow rows, read once when northd becomes active or after a reconnect or a failed
// commit. Northd is their only writer while it holds the lock, so instead of monitoring them (the
// server would echo every flow we write, which doubles the cost of a large commit) the first full diff
// matches these rows to flows by content and leaves a FlowIndex behind; from then on that index stands
// for the table and the rows are dropped. Logical_DP_Group rows are few (one per distinct datapath set)
// and shared with Load_Balancer rows: the replica monitors those.
import type { OvsdbClient, Uuid } from 'ovsdb-client-ts';
import { model as sbModel } from '@ovnts/schema/sb';
import type { FlowRow } from '../sb-diff.js';

const FLOW_COLUMNS = [
  'logical_datapath',
  'logical_dp_group',
  'pipeline',
  'table_id',
  'priority',
  'match',
  'actions',
  'controller_meter',
] as const;

export async function loadSbFlows(client: OvsdbClient): Promise<Map<Uuid<'Logical_Flow'>, FlowRow>> {
  const txn = client.transaction(sbModel);
  const f = txn.select('Logical_Flow', [], ['_uuid', ...FLOW_COLUMNS]);
  const res = await txn.commit();
  return new Map(res.rows(f).map((r) => [r._uuid, r]));
}
