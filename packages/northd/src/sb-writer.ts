// The one path from the engine to the SB: run the round's engine pass and write what differs, by one of
// three strategies.
//   - incremental: the engine's handlers ran; only the identities it touched are compared and written
//     (syncSb, engine/sb-sync.ts);
//   - full-diff: the engine recomputed; its whole output is diffed against the SB (diffSb, sb-diff.ts);
//   - cold-stream: a full recompute into an SB holding none of northd's rows, streamed while the engine
//     computes (daemon/cold-stream.ts), its final diff of the other tables being the full-diff strategy
//     through the stream.
// The daemon and the recompute-equivalence check both write through here.
import type { ColdStream } from './daemon/cold-stream.js';
import type { EngineChange, NorthdEngine, RoundResult } from './engine/northd-engine.js';
import type { SbPortLookup } from './engine/nodes/inputs.js';
import { syncSb, type FlowIndex, type SbLookup } from './engine/sb-sync.js';
import type { NbInput, SbChange, SbKeyInput } from './input.js';
import { diffSb, type DiffStats, type NamingSbWriter, type SbState, type SbWriter } from './sb-diff.js';
import { DependencyRecorder, deleteStaleRows, enginePorts, type SbDependents } from './stale-rows.js';

export type WriteStrategy = 'incremental' | 'full-diff' | 'cold-stream';

export interface RoundInput {
  readonly nb: NbInput;
  /** The NB changes since the last round (ignored when `full`). */
  readonly changes: readonly EngineChange[];
  readonly sbChanges?: readonly SbChange[];
  /** The SB as the full diff reads it (with northd's flows when no flow index is loaded). */
  readonly sb: SbState;
  /** The SB tables the keys come from. */
  readonly sbKeys: SbKeyInput;
  readonly sbPort: SbPortLookup;
  /** Current SB rows by identity (for the incremental strategy). */
  readonly lookup: () => SbLookup;
  /** Recompute everything (start, resync, failures, rows changed by someone else). */
  readonly full: boolean;
  /** Publish this nb_cfg in SB_Global. */
  readonly nbCfg?: number;
  /**
   * Given on a full round into an SB holding none of northd's rows: streams the recompute (the daemon
   * passes cold-stream.ts with its client); absent, full rounds diff in one transaction.
   */
  readonly stream?: (engine: NorthdEngine, nb: NbInput, sb: SbKeyInput, index: FlowIndex) => ColdStream;
  /**
   * The SB rows others write that name northd's datapaths and ports (stale-rows.ts), and which of them
   * changed since the last round; absent, none are checked.
   */
  readonly dependents?: { readonly rows: SbDependents; readonly changed: ReadonlySet<string> };
}

export interface RoundWrite {
  readonly strategy: WriteStrategy;
  readonly result: RoundResult;
  readonly stats: DiffStats;
  /** Milliseconds of the engine's pass (with a stream, the compute it interleaves with sending). */
  readonly engineMs: number;
  /** The stream the rows went to (its `finish` sends the rest); absent: they went to the round's writer. */
  readonly streamed?: ColdStream['writer'];
}

/**
 * Run one round and write it. `writerFor` wraps where the rows go (the round's transaction, or the
 * stream of a cold start) in the caller's bookkeeping.
 */
export function writeRound(
  engine: NorthdEngine,
  index: FlowIndex,
  input: RoundInput,
  txn: SbWriter,
  writerFor: (target: SbWriter) => NamingSbWriter,
): RoundWrite {
  const deps = input.dependents;
  if (!deps) return writeOwned(engine, index, input, txn, writerFor);
  // Rows naming what the round deletes go in the same transaction (the server would refuse it otherwise).
  let recorder: DependencyRecorder | undefined;
  let target: NamingSbWriter | undefined;
  const out = writeOwned(engine, index, input, txn, (t) => {
    recorder = new DependencyRecorder(writerFor(t));
    target = recorder.writer;
    return target;
  });
  const scope = recorder!.scope(out.result.full, deps.changed);
  const n = deleteStaleRows(deps.rows, enginePorts(engine), scope, target!);
  return n ? { ...out, stats: { ...out.stats, deleted: out.stats.deleted + n } } : out;
}

function writeOwned(
  engine: NorthdEngine,
  index: FlowIndex,
  input: RoundInput,
  txn: SbWriter,
  writerFor: (target: SbWriter) => NamingSbWriter,
): RoundWrite {
  const t0 = performance.now();
  const cold =
    input.full &&
    input.stream !== undefined &&
    !input.sb.Logical_Flow.size &&
    !input.sb.Datapath_Binding.size &&
    !input.sb.Port_Binding.size;
  if (cold) {
    const streamed = input.stream!(engine, input.nb, input.sbKeys, index);
    const engineMs = performance.now() - t0;
    // The streamed datapaths are in the SB for the final diff, whether or not a replica shows them yet.
    const sb: SbState = { ...input.sb, Datapath_Binding: streamed.datapaths };
    const stats = diffSb(streamed.rest, sb, writerFor(streamed.writer), input.nbCfg);
    return { strategy: 'cold-stream', result: streamed.result, stats, engineMs, streamed: streamed.writer };
  }
  const result = input.full
    ? engine.recompute(input.nb, input.sbKeys)
    : engine.run(input.nb, input.changes, input.sbKeys, input.sbPort, input.sbChanges);
  const engineMs = performance.now() - t0;
  const w = writerFor(txn);
  if (result.full)
    return {
      strategy: 'full-diff',
      result,
      stats: diffSb(engine.compiled(), input.sb, w, input.nbCfg, index),
      engineMs,
    };
  return {
    strategy: 'incremental',
    result,
    stats: syncSb(engine, result.touched, input.lookup(), index, w, input.nbCfg),
    engineMs,
  };
}
