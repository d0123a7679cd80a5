// What one engine round is given: the SB and OVS state now, and the SB rows that changed since the last round
// (typed per table, old and new row). Input nodes are "updated" when their tables had changes.
import type { RowChange as ReplicaChange, Uuid } from 'ovsdb-client-ts';
import type { Tables as SbTables } from '@ovnts/schema/sb';
import type { Bridge } from '@ovnts/schema/vswitch';
import type { InputData } from '@ovnts/daemon';
import { affectsFlows } from '../relevance.js';
import type { OvsIface, SbSnapshot } from '../view.js';

/** One SB row change: `old` absent for an insert, `new` absent for a delete. */
export interface RowChange<T extends keyof SbTables> {
  readonly uuid: Uuid<T>;
  readonly old: SbTables[T] | undefined;
  readonly new: SbTables[T] | undefined;
}

export type SbChanges = { readonly [T in keyof SbTables]?: readonly RowChange<T>[] };

export interface RoundInput {
  readonly sb: SbSnapshot;
  /** SB changes since the previous round (ignored by a forced round). */
  readonly sbChanges: SbChanges;
  readonly chassisName: string;
  readonly ifaces: readonly OvsIface[];
  /** The integration bridge's external_ids (conntrack zones already assigned). */
  readonly bridgeExternalIds: Bridge['external_ids'];
}

/**
 * A port binding whose change no flow reads (its `up`, written by the chassis that hosts it right after every
 * pod's claim): the per-port physical and port-security units need not be visited for it.
 */
export function statusOnly(c: RowChange<'Port_Binding'>): boolean {
  return !!c.old && !!c.new && !affectsFlows({ kind: 'modify', table: 'Port_Binding', old: c.old, new: c.new });
}

/** Groups the replica's change records by table. */
export function groupChanges(changes: readonly ReplicaChange<SbTables>[]): SbChanges {
  const out: Record<string, RowChange<keyof SbTables>[]> = {};
  // The records themselves (they carry uuid, old and new): a start's 30k changes are not copied again.
  for (const c of changes) (out[c.table] ??= []).push(c);
  return out;
}

/** An input node over some SB tables: updated when any of them changed this round. */
export class SbTablesInput implements InputData {
  private current: SbChanges = {};
  constructor(readonly tables: readonly (keyof SbTables)[]) {}
  set(changes: SbChanges): void {
    this.current = changes;
  }
  updated(): boolean {
    return this.tables.some((t) => (this.current[t]?.length ?? 0) > 0);
  }
  changes<T extends keyof SbTables>(t: T): readonly RowChange<T>[] {
    return (this.current[t] as readonly RowChange<T>[] | undefined) ?? [];
  }
}

/** An input node over a value compared by a signature (the OVS interfaces, the bridge's zones). */
export class SignatureInput implements InputData {
  private last: string | undefined;
  private changed = false;
  set(signature: string): void {
    this.changed = signature !== this.last;
    this.last = signature;
  }
  updated(): boolean {
    return this.changed;
  }
}

/**
 * The first SB change (`table uuid`) whose row the round's snapshot does not show as the change left it: the
 * changes were taken later than the snapshot, and an update that arrived in between is in one and not the
 * other. Handlers then work from a snapshot that lags their changes (a deleted row still there, an inserted
 * one missing), and no later round repeats those changes: the caller must take both at one instant.
 */
export function changeNotInSnapshot(input: RoundInput): string | undefined {
  for (const t of Object.keys(input.sbChanges) as (keyof SbTables)[]) {
    const bad = unseenIn(input.sb, t, input.sbChanges[t] ?? []);
    if (bad) return `${t} ${bad}`;
  }
  return undefined;
}

function unseenIn<T extends keyof SbTables>(
  sb: SbSnapshot,
  table: T,
  changes: readonly RowChange<T>[],
): string | undefined {
  const rows: ReadonlyMap<Uuid<T>, SbTables[T]> = sb[table];
  // Every record as the snapshot shows it (the usual case, a start's 30k rows): then so is each row's last.
  if (changes.every((c) => rows.get(c.uuid) === c.new)) return undefined;
  const last = new Map<Uuid<T>, SbTables[T] | undefined>();
  for (const c of changes) last.set(c.uuid, c.new); // several records of one row: the last one counts
  for (const [uuid, row] of last) if (rows.get(uuid) !== row) return uuid;
  return undefined;
}
