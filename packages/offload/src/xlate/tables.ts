// The OpenFlow tables as the classifier sees them: per table, flows by descending priority, with
// conjunctive matches resolved the way OVS does (all clauses of an id at one priority, then the conj_id flow).
import type { ConjunctionAction, Flow, Group, MatchEntry } from '@ovnts/openflow';
import { ones } from '@ovnts/openflow';
import { widthOf, type PacketState } from './state.js';

export class FlowTables {
  private readonly byTable = new Map<number, Flow[]>();
  /** Highest priority of a flow matching a ct_* field, per table (see lookupDetailed). */
  private readonly ctPriority = new Map<number, number>();
  /** Per table and exact metadata value: the flows that can match it (OVN keys every stage by datapath). */
  private readonly byMetadata = new Map<number, Map<bigint, Flow[]>>();
  readonly groups: ReadonlyMap<number, Group>;

  constructor(flows: readonly Flow[], groups: readonly Group[] = []) {
    for (const f of flows) {
      const list = this.byTable.get(f.table) ?? [];
      list.push(f);
      this.byTable.set(f.table, list);
      if (f.match.some((e) => e.field.startsWith('ct_')))
        this.ctPriority.set(f.table, Math.max(this.ctPriority.get(f.table) ?? -1, f.priority));
    }
    for (const list of this.byTable.values()) list.sort((a, b) => b.priority - a.priority);
    this.groups = new Map(groups.map((g) => [g.groupId, g]));
  }

  /** The flows of `table` that could match a packet with this metadata, in priority order. */
  private candidates(table: number, metadata: bigint): readonly Flow[] {
    let perMd = this.byMetadata.get(table);
    if (!perMd) this.byMetadata.set(table, (perMd = new Map()));
    let list = perMd.get(metadata);
    if (!list) {
      list = this.flows(table).filter((f) => {
        const md = f.match.find((e) => e.field === 'metadata');
        return !md || (md.mask === undefined ? md.value === metadata : (md.value & md.mask) === (metadata & md.mask));
      });
      perMd.set(metadata, list);
    }
    return list;
  }

  flows(table: number): readonly Flow[] {
    return this.byTable.get(table) ?? [];
  }

  /** The flow a packet hits in `table`, or undefined on a miss. */
  lookup(table: number, st: PacketState): Flow | undefined {
    return this.lookupDetailed(table, st).flow;
  }

  /**
   * Also tells whether the decision depended on conntrack fields, i.e. whether the megaflow must match
   * ct_state/ct_mark. OVS probes every subtable that could beat the hit, and hashes the first lookup stage
   * (metadata, registers, ct_*) as a whole, so a ct field of any flow at or above the hit's priority counts,
   * even one of another logical datapath (seen with real ofproto/trace megaflows).
   */
  lookupDetailed(table: number, st: PacketState): { flow?: Flow; ctDependent: boolean } {
    const flow = this.lookupFlow(table, st);
    const ctTop = this.ctPriority.get(table);
    const ctDependent = ctTop !== undefined && ctTop >= (flow?.priority ?? -1);
    return flow ? { flow, ctDependent } : { ctDependent };
  }

  /**
   * A flow of the packet's datapath at or above `priority` whose other fields all match the packet but that
   * also matches a field named `prefix…`: ruling it out makes OVS's staged lookup examine that field, so the
   * megaflow matches it (seen with ND: nd_target appears only where such a flow exists).
   */
  examinedBy(table: number, st: PacketState, prefix: string, priority: number): Flow | undefined {
    for (const f of this.candidates(table, st.get('metadata'))) {
      if (f.priority < priority) break;
      if (!f.match.some((e) => e.field.startsWith(prefix))) continue;
      if (f.match.every((e) => e.field.startsWith(prefix) || e.field === 'conj_id' || entryMatches(e, st))) return f;
    }
    return undefined;
  }

  private lookupFlow(table: number, st: PacketState): Flow | undefined {
    const flows = this.candidates(table, st.get('metadata'));
    let i = 0;
    while (i < flows.length) {
      const prio = flows[i]!.priority;
      let j = i;
      while (j < flows.length && flows[j]!.priority === prio) j++;
      const level = flows.slice(i, j);
      const plain = level.find((f) => !isConjunctive(f) && !hasConjId(f) && matches(f.match, st));
      if (plain) return plain;
      const clauses = new Map<number, { n: number; seen: Set<number> }>();
      for (const f of level) {
        if (!isConjunctive(f) || !matches(f.match, st)) continue;
        for (const a of f.actions as readonly ConjunctionAction[]) {
          const c = clauses.get(a.id) ?? { n: a.nClauses, seen: new Set<number>() };
          c.seen.add(a.clause);
          clauses.set(a.id, c);
        }
      }
      for (const [id, c] of clauses) {
        if (c.seen.size < c.n) continue;
        const hit = level.find((f) => hasConjId(f, id) && matches(f.match, st, id));
        if (hit) return hit;
      }
      i = j;
    }
    return undefined;
  }
}

function isConjunctive(f: Flow): boolean {
  return f.actions.length > 0 && f.actions.every((a) => a.type === 'conjunction');
}

function hasConjId(f: Flow, id?: number): boolean {
  return f.match.some((e) => e.field === 'conj_id' && (id === undefined || e.value === BigInt(id)));
}

export function entryMatches(e: MatchEntry, st: PacketState, conjId?: number): boolean {
  const full = ones(widthOf(e.field));
  const mask = (e.mask ?? full) & full;
  const v = e.field === 'conj_id' ? BigInt(conjId ?? -1) & full : st.get(e.field);
  return (v & mask) === (e.value & mask);
}

export function matches(match: readonly MatchEntry[], st: PacketState, conjId?: number): boolean {
  return match.every((e) => entryMatches(e, st, conjId));
}
