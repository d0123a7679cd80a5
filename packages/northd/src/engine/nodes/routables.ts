// The routable addresses (add_route NAT rules and balancers) of each router's ports, kept for the
// routers node: the neighbours of a router on its switches read them, and a router whose routable
// addresses changed has its neighbours' routable units rebuilt.
import type { LogicalRouter, NAT } from '@ovnts/schema/nb';
import { routableAddresses, type RoutableEntry } from '../../stateful/routable-addresses.js';
import type { ParsedLb } from '../../stateful/lb-vip.js';
import type { RouterDatapath, RouterPort } from '../../topology.js';

interface RouterRoutables {
  readonly byPort: ReadonlyMap<string, readonly RoutableEntry[]>;
  /** Their content, to tell whether neighbours must be rebuilt. */
  readonly sig: string;
}

const NONE: readonly RoutableEntry[] = [];

export class RoutablesIndex {
  private readonly byRouter = new Map<string, RouterRoutables>();

  constructor(
    private readonly natRow: (uuid: LogicalRouter['nat'][number]) => NAT | undefined,
    private readonly lbsOf: (lr: RouterDatapath) => readonly ParsedLb[],
  ) {}

  clear(): void {
    this.byRouter.clear();
  }

  forget(router: string): void {
    this.byRouter.delete(router);
  }

  /** The routable address groups of a router port (computed on first use after a change). */
  of(p: RouterPort): readonly RoutableEntry[] {
    let r = this.byRouter.get(p.dp.uuid);
    if (!r) this.byRouter.set(p.dp.uuid, (r = this.build(p.dp)));
    return r.byPort.get(p.name) ?? NONE;
  }

  /** Reads a router's routable addresses again; true when they differ from what its neighbours were built with. */
  update(lr: RouterDatapath): boolean {
    const before = this.byRouter.get(lr.uuid);
    const now = this.build(lr);
    this.byRouter.set(lr.uuid, now);
    return (before?.sig ?? '') !== now.sig;
  }

  private build(lr: RouterDatapath): RouterRoutables {
    const nats = lr.nb.nat.map((u) => this.natRow(u)).filter((n): n is NAT => n !== undefined);
    const lbs = this.lbsOf(lr);
    const byPort = new Map<string, readonly RoutableEntry[]>();
    // Only add_route rules and balancers make any: most routers have none.
    const any =
      nats.some((n) => n.options['add_route'] !== undefined) ||
      lbs.some((l) => l.nb.options['add_route'] !== undefined);
    if (any)
      for (const p of lr.ports) {
        const e = routableAddresses(p, nats, lbs);
        if (e.length) byPort.set(p.name, e);
      }
    return { byPort, sig: byPort.size ? JSON.stringify([...byPort]) : '' };
  }
}
