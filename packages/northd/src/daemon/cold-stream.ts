// Northd's first write into an empty SB, streamed while the engine computes. A cold start's cost is
// mostly the SB server committing ~400k rows (at 300 nodes × 100 pods); one transaction written after
// the whole compute makes the two run one after the other. Here the rows that are final as soon as
// their datapath is computed go out in transactions of their own meanwhile, so the server commits
// them while the engine computes the rest:
//   - first, every Datapath_Binding (with UUIDs chosen here, so flows can name them at once);
//   - then, after each router and switch, the flows of its units that belong to it alone by nature
//     (its core pipeline, per-port flows, a router port's ARP resolution), as single-datapath rows.
// Everything else (port bindings, multicast groups, flows shared through datapath groups, port groups,
// address sets, load balancers, nb_cfg) is left to the round's ordinary full diff, which sees the
// streamed flows through the flow index: a streamed flow that some other datapath turns out to share
// is re-pointed to its group there, one update, so the SB ends as a single transaction would leave it.
//
// Nothing is local to a chassis before its Port_Binding rows exist, and those come with the final
// transaction, so ovn-controllers act on none of the partial content.
import { randomUUID } from 'node:crypto';
import type { OvsdbClient, Uuid } from 'ovsdb-client-ts';
import type { Tables as SbTables } from '@ovnts/schema/sb';
import type { CompiledSb } from '../compile.js';
import type { NbInput, SbKeyInput } from '../input.js';
import type { NorthdEngine, RoundResult } from '../engine/northd-engine.js';
import type { FlowIndex } from '../engine/sb-sync.js';
import { datapathRow, flowRow } from '../sb-diff.js';
import { WireWriter } from './wire-writer.js';

/**
 * Rows per streamed transaction. Small: ovsdb-server spends far more per row on big transactions once
 * its database is big (replaying a 300×100 SB: 1000–2000 rows a transaction cost it 18–20 s of CPU,
 * 8000 rows 28 s, 32000 rows 30 s). The first ones are smaller still, so the server starts early.
 */
const FIRST_CHUNK_ROWS = 500;
const CHUNK_ROWS = 1500;

/** Units whose flows are their datapath's alone (shared ACL and load balancer units are not). */
const ownUnit = (id: string) => id === 'core' || id.startsWith('lsp:') || id.startsWith('arp:');

export interface ColdStreamStats {
  /** Transactions streamed before the final one (the datapaths' included). */
  transactions: number;
  /** Logical_Flow rows among them. */
  flows: number;
}

export interface ColdStream {
  readonly result: RoundResult;
  readonly stats: ColdStreamStats;
  /** The engine's output (what the final diff writes the rest of). */
  readonly compiled: CompiledSb;
  /** The streamed Datapath_Binding and Logical_DP_Group rows, as the final diff must take them to be in the SB. */
  readonly datapaths: ReadonlyMap<Uuid<'Datapath_Binding'>, SbTables['Datapath_Binding']>;
  readonly groups: ReadonlyMap<Uuid<'Logical_DP_Group'>, SbTables['Logical_DP_Group']>;
  /** Settles when the server has answered every streamed transaction; rejects if one failed. */
  readonly committed: Promise<void>;
}

/**
 * Run the engine's full recompute, streaming into an SB known to hold none of northd's rows. Rows get
 * UUIDs chosen here, so nothing waits for a reply: when this returns, `index` holds the streamed flows
 * and `datapaths` the streamed datapaths, for the round's full diff, whose transaction the server
 * takes after the streamed ones.
 */
export function streamColdRecompute(
  engine: NorthdEngine,
  nb: NbInput,
  sb: SbKeyInput,
  client: OvsdbClient,
  lock: string,
  index: FlowIndex,
): ColdStream {
  const steps = engine.recomputeStream(nb, sb);
  const dpUuid = new Map<string, Uuid<'Datapath_Binding'>>();
  const datapaths = new Map<Uuid<'Datapath_Binding'>, SbTables['Datapath_Binding']>();
  const sent: Promise<unknown>[] = [];
  const streamed = new Set<string>();
  const stats: ColdStreamStats = { transactions: 0, flows: 0 };
  let txn = new WireWriter(lock);
  let rows = 0;
  let chunkRows = FIRST_CHUNK_ROWS;
  // Written to the socket now (the client writes synchronously when connected).
  const send = () => {
    stats.transactions++;
    stats.flows += rows;
    sent.push(txn.commit(client));
    txn = new WireWriter(lock);
    rows = 0;
    chunkRows = Math.min(chunkRows * 2, CHUNK_ROWS);
  };
  index.reset();
  let step;
  while (!(step = steps.next()).done) {
    if (step.value.kind === 'datapaths') {
      for (const d of engine.datapaths()) {
        const uuid = randomUUID() as Uuid<'Datapath_Binding'>;
        const row = datapathRow(d);
        dpUuid.set(d.id, uuid);
        datapaths.set(uuid, { ...row, _uuid: uuid } as unknown as SbTables['Datapath_Binding']);
        txn.insertAs('Datapath_Binding', uuid, row);
      }
      send();
      continue;
    }
    const dp = step.value.dp;
    const logicalDatapath = dpUuid.get(dp);
    if (!logicalDatapath) continue;
    for (const [id, specs] of engine.unitsOf(dp) ?? [])
      if (ownUnit(id))
        for (const f of specs) {
          if (streamed.has(f.key)) continue; // another datapath has it too: the final diff groups it
          streamed.add(f.key);
          const uuid = randomUUID() as Uuid<'Logical_Flow'>;
          txn.insertAs('Logical_Flow', uuid, { ...flowRow(f), logical_datapath: logicalDatapath });
          index.place(f.key, uuid, dp, null);
          rows++;
        }
    if (rows >= chunkRows) send();
  }
  // Every datapath computed: the other flows' datapath sets are final too. A datapath group goes with
  // the first flow that names it (the server collects unreferenced groups at the end of a transaction).
  const compiled = engine.compiled();
  const groups = new Map<Uuid<'Logical_DP_Group'>, SbTables['Logical_DP_Group']>();
  const groupOf = new Map<string, Uuid<'Logical_DP_Group'>>();
  for (const f of compiled.logicalFlows) {
    if (streamed.has(f.key)) continue;
    const row: Record<string, unknown> = flowRow(f);
    let group: Uuid<'Logical_DP_Group'> | null = null;
    if (f.datapaths.length === 1) row['logical_datapath'] = dpUuid.get(f.datapaths[0]!);
    else {
      group = groupOf.get(f.dpKey) ?? null;
      if (!group) {
        group = randomUUID() as Uuid<'Logical_DP_Group'>;
        const members = f.datapaths.map((d) => dpUuid.get(d)!);
        txn.insertAs('Logical_DP_Group', group, { datapaths: members });
        groupOf.set(f.dpKey, group);
        groups.set(group, { _uuid: group, datapaths: members } as unknown as SbTables['Logical_DP_Group']);
      }
      row['logical_dp_group'] = group;
    }
    const uuid = randomUUID() as Uuid<'Logical_Flow'>;
    txn.insertAs('Logical_Flow', uuid, row);
    index.place(f.key, uuid, f.dpKey, group);
    if (++rows >= chunkRows) send();
  }
  if (rows) send();
  const committed = Promise.all(sent).then(() => undefined);
  committed.catch(() => undefined); // reported to whoever awaits it
  return { result: step.value, compiled, stats, datapaths, groups, committed };
}
