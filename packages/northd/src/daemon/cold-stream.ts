// Northd's first write into an empty SB, streamed while the engine computes. A cold start's cost is
// mostly the SB server committing ~400k rows (at 300 nodes × 100 pods); one transaction written after
// the whole compute makes the two run one after the other. Here the rows that are final as soon as
// their datapath is computed go out in transactions of their own meanwhile, so the server commits
// them while the engine computes the rest:
//   - first, every Datapath_Binding (with UUIDs chosen here, so flows can name them at once);
//   - then, after each router and switch, the flows of its units that belong to it alone by nature
//     (its core pipeline, per-port flows, a router port's ARP resolution), as single-datapath rows.
//   - once every datapath is computed, the other flows (with their datapath groups), and for the few
//     streamed flows that other datapaths turn out to share, an update re-pointing them to their group,
//     so the SB ends as one transaction would leave it.
// The rest (port bindings, multicast groups, port groups, address sets, load balancers, SB_Global) is the
// round's ordinary full diff, written through the same stream (ColdStreamWriter). Port bindings,
// multicast groups and nb_cfg go last, in one transaction: nothing is local to a chassis before its
// Port_Binding rows exist, so ovn-controllers act on none of the partial content, and `--wait=sb`
// waiters see nb_cfg only once everything is there.
import { newUuid, type OvsdbClient, type Uuid } from 'ovsdb-client-ts';
import type { Tables as SbTables } from '@ovnts/schema/sb';
import { readFileSync } from 'node:fs';
import { adjustHeapGrowth, parallelScavenge, relaxHeapGrowth } from '@ovnts/daemon';
import type { CompiledSb } from '../compile.js';
import type { NbInput, SbKeyInput } from '../input.js';
import type { NorthdEngine, RecomputeStep, RoundResult } from '../engine/northd-engine.js';
import type { FlowIndex } from '../engine/sb-sync.js';
import { datapathRow, type SbWriter } from '../sb-diff.js';
import { WireWriter, type FlowContent, type FlowPlacement, type FlowPlacementRef } from './wire-writer.js';

/**
 * Rows per streamed transaction. Small: ovsdb-server spends far more per row on big transactions once
 * its database is big (replaying a 300×100 SB: 1000–2000 rows a transaction cost it 18–20 s of CPU,
 * 8000 rows 28 s, 32000 rows 30 s). The first ones are smaller still, so the server starts early.
 */
const FIRST_CHUNK_ROWS = 500;
const CHUNK_ROWS = 1500;

/** At most one progress line per this interval during a cold compute. */
const PROGRESS_MS = 5_000;

/** Units whose flows are their datapath's alone (shared ACL and load balancer units are not). */
const ownUnit = (id: string) => id === 'core' || id.startsWith('lsp:') || id.startsWith('arp:');

export interface ColdStreamStats {
  /** Transactions streamed before the final one (the datapaths' included). */
  transactions: number;
  /** Logical_Flow rows among them. */
  flows: number;
  /** Streamed as their datapath's alone, then found on others too (re-pointed to a group). */
  regrouped?: number;
  /** Streamed, then replaced by a later unit of the recompute (deleted). */
  dropped?: number;
  /** When the first transaction was sent (epoch ms). */
  sendsFrom?: number;
  /**
   * Per transaction, the last one included: when it was sent and when its answer was handled (ms after
   * `sendsFrom`; the answer waits for the main thread while the engine computes), and its operations.
   */
  sends?: [number, number, number][];
  /**
   * The daemon's CPU when the first transaction was sent, in ms since it started: all threads, and its main
   * thread alone when /proc tells (else -1). What the start costs, whatever the machine's load does to the clock.
   */
  firstSendCpuMs?: [number, number];
}

/** The main thread's CPU time in ms (Linux /proc; -1 elsewhere). */
function mainThreadCpuMs(): number {
  try {
    const st = readFileSync(`/proc/self/task/${process.pid}/stat`, 'latin1');
    const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, in USER_HZ (100 on Linux)
  } catch {
    return -1;
  }
}

/** Tables written in the last transaction (see the file comment). */
const LAST = new Set(['Port_Binding', 'Multicast_Group', 'SB_Global']);

/**
 * Rows into small transactions as they come, each written to the socket at once (the client writes
 * synchronously when connected); as an SbWriter (the final diff), rows of the LAST tables are held for
 * the transaction `finish` sends after the others. Inserts get UUIDs chosen here, so rows of later
 * transactions can name rows of earlier ones without waiting for a reply.
 */
export class ColdStreamWriter implements SbWriter {
  readonly stats: ColdStreamStats = { transactions: 0, flows: 0 };
  private readonly sent: Promise<unknown>[] = [];
  private txn: WireWriter;
  private rows = 0;
  private flows = 0;
  private chunkRows = FIRST_CHUNK_ROWS;
  /** A Logical_DP_Group was the last insert: it must share its transaction with the row naming it. */
  private groupPending = false;
  private readonly last: WireWriter;

  constructor(
    private readonly client: OvsdbClient,
    private readonly lock: string,
  ) {
    this.txn = new WireWriter(lock);
    this.last = new WireWriter(lock);
  }

  /** Insert with a UUID chosen by the caller. */
  insertAs(table: string, uuid: Uuid, row: Record<string, unknown>): void {
    this.next().insertAs(table, uuid, row);
    this.counted(table);
  }

  insert<T extends string>(table: T, row: Record<string, unknown>): Uuid<T> {
    const uuid = newUuid() as Uuid<T>;
    if (LAST.has(table)) this.last.insertAs(table, uuid, row);
    else this.insertAs(table, uuid, row);
    return uuid;
  }

  /** A Logical_Flow row from the engine's flow. */
  insertFlowAs(uuid: Uuid, f: FlowContent, place: FlowPlacement, ref: FlowPlacementRef): void {
    this.next().insertFlowAs(uuid, f, place, ref);
    this.counted('Logical_Flow');
  }

  update(table: string, uuid: Uuid, row: Record<string, unknown>): void {
    if (LAST.has(table)) this.last.update(table, uuid, row);
    else (this.next().update(table, uuid, row), this.counted(table));
  }

  delete(table: string, uuid: Uuid): void {
    this.next().delete(table, uuid);
    this.counted(table);
  }

  /** Send the current transaction now (the next rows start another). */
  flush(): void {
    if (!this.rows) return;
    this.stats.transactions++;
    this.stats.flows += this.flows;
    this.send(this.txn);
    this.txn = new WireWriter(this.lock);
    this.rows = this.flows = 0;
    this.chunkRows = Math.min(this.chunkRows * 2, CHUNK_ROWS);
  }

  /** Send what is left and the last transaction; resolves once the server has answered them all. */
  async finish(): Promise<void> {
    this.flush();
    if (this.last.ops.length > 1) this.send(this.last); // more than its lock assertion
    await Promise.all(this.sent);
  }

  private send(w: WireWriter): void {
    const from = (this.stats.sendsFrom ??= Date.now());
    const at: [number, number, number] = [Date.now() - from, -1, w.ops.length];
    (this.stats.sends ??= []).push(at);
    if (!this.stats.firstSendCpuMs) {
      const cpu = process.cpuUsage();
      this.stats.firstSendCpuMs = [Math.round((cpu.user + cpu.system) / 1000), mainThreadCpuMs()];
      // The SB server works from now on: the other core is its (see parallelScavenge).
      parallelScavenge(false);
    }
    const p = w.commit(this.client);
    p.then(() => (at[1] = Date.now() - from)).catch(() => undefined); // reported by finish()
    this.sent.push(p);
  }

  /** The transaction the next row goes into. */
  private next(): WireWriter {
    if (this.rows >= this.chunkRows && !this.groupPending) this.flush();
    return this.txn;
  }

  private counted(table: string): void {
    this.rows++;
    if (table === 'Logical_Flow') this.flows++;
    this.groupPending = table === 'Logical_DP_Group';
  }
}

export interface ColdStream {
  readonly result: RoundResult;
  /** The engine's output without the flows (they are all written): what the final diff writes. */
  readonly rest: CompiledSb;
  /** The streamed Datapath_Binding rows, as the final diff must take them to be in the SB. */
  readonly datapaths: ReadonlyMap<Uuid<'Datapath_Binding'>, SbTables['Datapath_Binding']>;
  /** For the final diff; its `finish` sends the rest. */
  readonly writer: ColdStreamWriter;
}

/**
 * Run the engine's full recompute, streaming into an SB known to hold none of northd's rows. When this
 * returns, every flow is written (`index` says where) and the round's full diff of the rest goes
 * through `writer`, taking `datapaths` to be in the SB.
 */
export function streamColdRecompute(
  engine: NorthdEngine,
  nb: NbInput,
  sb: SbKeyInput,
  client: OvsdbClient,
  lock: string,
  index: FlowIndex,
  /** Progress lines for the operator: a cold start of a big NB takes tens of seconds. */
  progress: (line: string) => void = () => undefined,
): ColdStream {
  const dpUuid = new Map<string, Uuid<'Datapath_Binding'>>();
  const datapaths = new Map<Uuid<'Datapath_Binding'>, SbTables['Datapath_Binding']>();
  /** Flows streamed early: content key → their row and datapath. */
  const streamed = new Map<string, { readonly uuid: Uuid<'Logical_Flow'>; readonly dp: string }>();
  const w = new ColdStreamWriter(client, lock);
  index.reset();
  const t0 = performance.now();
  let total = 0;
  let done = 0;
  let reported = t0;
  const seconds = () => ((performance.now() - t0) / 1000).toFixed(1);
  const onStep = (step: RecomputeStep): void => {
    // A long synchronous computation: no timer runs, the heap's growth policy is checked here.
    adjustHeapGrowth();
    if (step.kind === 'datapaths') {
      total = engine.datapaths().length;
      progress(`cold start: ${total} datapaths; computing their logical flows`);
      for (const d of engine.datapaths()) {
        const uuid = newUuid() as Uuid<'Datapath_Binding'>;
        const row = datapathRow(d);
        dpUuid.set(d.id, uuid);
        datapaths.set(uuid, { ...row, _uuid: uuid } as unknown as SbTables['Datapath_Binding']);
        w.insertAs('Datapath_Binding', uuid, row);
      }
      w.flush();
      return;
    }
    const logicalDatapath = dpUuid.get(step.dp);
    if (!logicalDatapath) return;
    done++;
    if (performance.now() - reported >= PROGRESS_MS) {
      reported = performance.now();
      progress(`cold start: ${done} of ${total} datapaths computed, ${w.stats.flows} flows sent (${seconds()} s)`);
    }
    // forEach: no [id, flows] pair per unit (a node switch has ~1500, a gateway router ~1000).
    engine.unitsOf(step.dp)?.forEach((specs, id) => {
      if (!ownUnit(id)) return;
      for (const f of specs) {
        if (streamed.has(f.key)) continue; // another datapath has it too: grouped below
        const uuid = newUuid() as Uuid<'Logical_Flow'>;
        streamed.set(f.key, { uuid, dp: step.dp });
        w.insertFlowAs(uuid, f, 'logical_datapath', logicalDatapath);
      }
    });
  };
  let result: RoundResult;
  // The recompute builds the whole SB, live until the round's end (a full collection follows it).
  relaxHeapGrowth(true);
  progress('cold start: computing the topology and the bindings');
  try {
    result = engine.recompute(nb, sb, onStep);
  } catch (e) {
    // The round is retried from what the SB holds: forget the partial index.
    index.invalidate();
    throw e;
  } finally {
    relaxHeapGrowth(false);
  }
  progress(`cold start: all ${total} datapaths computed (${seconds()} s); writing the remaining flows`);
  // Every datapath computed: every flow's datapath set is final. The other flows go out now, and a
  // streamed flow that other datapaths turn out to share is re-pointed to its group (one update); one
  // that a later unit replaced is deleted. A datapath group goes with the first flow that names it (the
  // server collects unreferenced groups at the end of a transaction).
  // Without its flows: they are visited as the engine holds them (no LogicalFlow object per flow).
  const compiled = engine.compiled({ flows: false });
  const groupOf = new Map<string, Uuid<'Logical_DP_Group'>>();
  const groupFor = (dps: readonly string[], dpKey: string): Uuid<'Logical_DP_Group'> => {
    let group = groupOf.get(dpKey);
    if (!group) {
      group = newUuid() as Uuid<'Logical_DP_Group'>;
      const members = dps.map((d) => dpUuid.get(d)!);
      w.insertAs('Logical_DP_Group', group, { datapaths: members });
      groupOf.set(dpKey, group);
    }
    return group;
  };
  let regrouped = 0;
  engine.forEachFlow((f, dps, dpKey) => {
    const early = streamed.get(f.key);
    if (early) streamed.delete(f.key);
    if (early && early.dp === dpKey) {
      index.place(f.key, early.uuid, dpKey, null);
      return;
    }
    const group = dps.length > 1 ? groupFor(dps, dpKey) : null;
    const uuid = early?.uuid ?? (newUuid() as Uuid<'Logical_Flow'>);
    if (early) {
      regrouped++;
      w.update('Logical_Flow', uuid, { logical_datapath: null, logical_dp_group: group });
    } else if (group) w.insertFlowAs(uuid, f, 'logical_dp_group', group);
    else w.insertFlowAs(uuid, f, 'logical_datapath', dpUuid.get(dps[0]!)!);
    index.place(f.key, uuid, dpKey, group);
  });
  for (const gone of streamed.values()) w.delete('Logical_Flow', gone.uuid);
  w.stats.regrouped = regrouped;
  w.stats.dropped = streamed.size;
  // The final diff writes everything but the flows, which are all in place now.
  return { result, rest: compiled, datapaths, writer: w };
}
