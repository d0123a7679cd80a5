// When a port's claim became possible (pure bookkeeping): a VIF is claimed once both its Port_Binding is in
// the SB replica and an interface on the bridge names it with an OpenFlow port, whichever came last. The
// port-ready figure (`port ready` debug line, stats().lastPortReady) counts from that instant, and a round
// that sees an interface become claimable while it computes hands over to the round that claims it.

/** The fields of a replicated row this module reads (OVS Interface or SB Port_Binding). */
interface ChangedRow {
  readonly external_ids?: Readonly<Record<string, string>>;
  readonly ofport?: number | null;
  readonly logical_port?: string;
}

export interface RowChangeLike {
  readonly table: string;
  readonly old: unknown;
  readonly new: unknown;
}

/** A claimable interface's iface-id (it names a port and has an OpenFlow port), else undefined. */
function claimableIface(row: ChangedRow | undefined): string | undefined {
  const id = row?.external_ids?.['iface-id'];
  return id && (row!.ofport ?? -1) > 0 ? id : undefined;
}

export class PortArrivals {
  /** Logical port → when its Port_Binding or its interface last arrived (ms, the caller's clock). */
  private readonly at = new Map<string, number>();

  /**
   * Notes one update batch's changes at `now`: an interface that now names a port with an OpenFlow port it did
   * not have, and a Port_Binding new to the replica. Returns whether an interface became claimable.
   */
  note(changes: readonly RowChangeLike[], now: number): boolean {
    let iface = false;
    for (const c of changes) {
      if (c.table === 'Interface') {
        const id = claimableIface(c.new as ChangedRow | undefined);
        if (id && id !== claimableIface(c.old as ChangedRow | undefined)) {
          this.at.set(id, now);
          iface = true;
        }
      } else if (c.table === 'Port_Binding' && !c.old && c.new) {
        const name = (c.new as ChangedRow).logical_port;
        if (name) this.at.set(name, now);
      }
    }
    return iface;
  }

  /** When the last of the port's row and interface arrived (undefined: not seen since it was forgotten). */
  since(port: string): number | undefined {
    return this.at.get(port);
  }

  forget(port: string): void {
    this.at.delete(port);
  }

  /** Drops what arrived before `before` (ports never claimed here: another chassis's, or an interface alone). */
  prune(before: number): void {
    for (const [p, t] of this.at) if (t < before) this.at.delete(p);
  }

  get size(): number {
    return this.at.size;
  }
}

/** Rounds in a row that may leave their install to the next one (handsOver). */
export const MAX_HANDOVERS = 1;

/**
 * Whether a round that is done computing leaves its install and report to the next round: when an interface
 * became claimable while it computed (the next round claims it and installs both rounds' flows at once), it
 * claimed nothing itself (its claims are reported once committed, after its own install), and fewer than
 * MAX_HANDOVERS rounds before it did so (a stream of interfaces cannot hold the flows back).
 */
export function handsOver(o: { claimableArrived: boolean; claimed: boolean; handoversInARow: number }): boolean {
  return o.claimableArrived && !o.claimed && o.handoversInARow < MAX_HANDOVERS;
}
