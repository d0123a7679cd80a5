// SB Load_Balancer rows name their switches through `datapath_group`, as ovn-northd 23.03 writes them:
// one Logical_DP_Group per distinct switch set, shared by every load balancer with that set and never
// by logical flows (a flow group is rewritten in place when its flows move; a load balancer's must not
// move with them). 1000 services on 100 switches are one group row instead of 100k references.
import type { NamedUuid, Uuid } from 'ovsdb-client-ts';

type GroupRef = Uuid<'Logical_DP_Group'> | NamedUuid<'Logical_DP_Group'>;

/** The groups Load_Balancer rows refer to (flows must not be placed in them). */
export function lbGroupUuids(lbs: Iterable<{ readonly datapath_group: string | null }>): Set<string> {
  const out = new Set<string>();
  for (const lb of lbs) if (lb.datapath_group) out.add(lb.datapath_group);
  return out;
}

/** Chooses each load balancer's group within one transaction. */
export class LbGroupPicker {
  private bySet: Map<string, GroupRef> | undefined;

  constructor(
    /** The switch set (sorted NB ids joined with ',') of a current group, if all its members are known. */
    private readonly setOf: (group: string) => string | undefined,
    /** The current load balancers' groups, consulted (once) only when a new set needs a group. */
    private readonly existing: () => Iterable<string>,
    /** Inserts a group for a sorted switch set. */
    private readonly insert: (switches: readonly string[]) => GroupRef,
  ) {}

  /** The group for `switches` (sorted NB ids): the row's own when unchanged, else a shared one. */
  pick(current: string | null, switches: readonly string[]): GroupRef {
    const key = switches.join(',');
    if (current && this.setOf(current) === key) return current as Uuid<'Logical_DP_Group'>;
    if (!this.bySet) {
      this.bySet = new Map();
      for (const g of this.existing()) {
        const s = this.setOf(g);
        if (s !== undefined && !this.bySet.has(s)) this.bySet.set(s, g as Uuid<'Logical_DP_Group'>);
      }
    }
    let g = this.bySet.get(key);
    if (!g) this.bySet.set(key, (g = this.insert(switches)));
    return g;
  }
}

/** A group's switch set as `pick` compares it: sorted NB ids joined with ',' (undefined if one is unknown). */
export function groupSetKey(
  datapaths: readonly string[] | undefined,
  nbIdOf: (sbDatapath: string) => string | undefined,
): string | undefined {
  if (!datapaths) return undefined;
  const ids: string[] = [];
  for (const u of datapaths) {
    const id = nbIdOf(u);
    if (id === undefined) return undefined;
    ids.push(id);
  }
  return ids.sort().join(',');
}
