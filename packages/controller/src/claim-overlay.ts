// Claims in flight (pure bookkeeping): a port this chassis claims is computed, installed and reported in the
// round that claims it, as ovn-controller does, instead of in the round after its own SB echo. The engine is
// given the replica's snapshot with each claimed Port_Binding as the claim writes it, and the SB changes
// rewritten to match what the engine saw: a claim whose row then changes in the replica (its echo, or another
// chassis's claim, or its deletion) or whose transaction fails gives way to the replica's row, as a change
// from the overlaid row.
import type { RowChange, Uuid } from 'ovsdb-client-ts';
import type { PortBinding, Tables as SbTables } from '@ovnts/schema/sb';
import type { SbSnapshot } from './view.js';

type SbChange = RowChange<SbTables>;

interface Claim {
  /** The replica's row the claim was made from: the claim holds while the replica still shows it. */
  readonly base: PortBinding;
  /** The row as the claim writes it. */
  readonly row: PortBinding;
  failed: boolean;
}

export class ClaimOverlay {
  private readonly claims = new Map<Uuid<'Port_Binding'>, Claim>();
  /** The rows last given to the engine where they differ from the replica's (undefined: absent). */
  private shown = new Map<Uuid<'Port_Binding'>, PortBinding | undefined>();

  /** Overlays `row` (a claim of `base`, the replica's row) until the replica changes that row or `fail`. */
  add(base: PortBinding, row: PortBinding): void {
    this.claims.set(base._uuid, { base, row, failed: false });
  }

  /** The claim transaction of these rows failed: the replica's rows count again. */
  fail(uuids: readonly Uuid<'Port_Binding'>[]): void {
    for (const u of uuids) {
      const c = this.claims.get(u);
      if (c) c.failed = true;
    }
  }

  /** Whether a claim of this row (the replica's current one) is still in flight: not to be claimed again. */
  inFlight(pb: PortBinding): boolean {
    const c = this.claims.get(pb._uuid);
    return !!c && !c.failed && c.base === pb;
  }

  /** Rows overlaid or still shown differently from the replica (tests, stats). */
  get size(): number {
    return Math.max(this.claims.size, this.shown.size);
  }

  /**
   * The engine's input for a round: the snapshot with the claims in flight overlaid and the replica's changes
   * (taken at the same instant as `sb`) rewritten so that each row's change starts from what the engine was
   * last shown and ends at what it is shown now. Without claims and nothing shown differently: `sb` and
   * `changes` as they are.
   */
  apply(sb: SbSnapshot, changes: readonly SbChange[]): { sb: SbSnapshot; changes: readonly SbChange[] } {
    const real = sb.Port_Binding;
    for (const [u, c] of this.claims) if (c.failed || real.get(u) !== c.base) this.claims.delete(u);
    if (!this.claims.size && !this.shown.size) return { sb, changes };
    const touched = new Set<Uuid<'Port_Binding'>>([...this.claims.keys(), ...this.shown.keys()]);
    const replicaOld = new Map<Uuid<'Port_Binding'>, PortBinding | undefined>();
    const out: SbChange[] = [];
    for (const c of changes) {
      if (c.table === 'Port_Binding' && touched.has(c.uuid)) replicaOld.set(c.uuid, c.old);
      else out.push(c);
    }
    let table: Map<Uuid<'Port_Binding'>, PortBinding> | undefined;
    const shown = new Map<Uuid<'Port_Binding'>, PortBinding | undefined>();
    for (const u of touched) {
      const now = real.get(u);
      const prev = this.shown.has(u) ? this.shown.get(u) : replicaOld.has(u) ? replicaOld.get(u) : now;
      const next = this.claims.get(u)?.row ?? now;
      if (next !== now) {
        (table ??= new Map(real)).set(u, next!);
        shown.set(u, next);
      }
      const c = rowChange(u, prev, next);
      if (c) out.push(c);
    }
    this.shown = shown;
    return { sb: table ? { ...sb, Port_Binding: table } : sb, changes: out };
  }
}

function rowChange(
  uuid: Uuid<'Port_Binding'>,
  old: PortBinding | undefined,
  next: PortBinding | undefined,
): SbChange | undefined {
  if (old === next) return undefined;
  const table = 'Port_Binding' as const;
  if (!old) return { kind: 'insert', table, uuid, old: undefined, new: next! };
  if (!next) return { kind: 'delete', table, uuid, old, new: undefined };
  return { kind: 'modify', table, uuid, old, new: next };
}
