// Node `igmp_groups`: the multicast groups ovn-controller learned by IGMP/MLD snooping (SB IGMP_Group,
// igmp-groups.ts), as Multicast_Group rows per datapath and their flows (a unit `igmp` per switch and
// relaying router, in a FlowSet of its own). Learned groups are few next to the flows: every handler
// aggregates the IGMP_Group table again and reports only the datapaths whose groups or flows differ.
import type { Uuid } from 'ovsdb-client-ts';
import { buildLearnedMcast, type IgmpRow, type LearnedGroup, type LearnedMcast } from '../../igmp-groups.js';
import { buildLearnedRouterFlows, buildLearnedSwitchFlows } from '../../igmp-flows.js';
import { collect, FlowSet, type FlowSpec } from '../flow-set.js';
import type { NodeData } from '../inc-engine.js';
import type { BindingsNode } from './bindings.js';
import type { SbInputs } from './inputs.js';
import type { TopologyNode } from './topology.js';

const UNIT = 'igmp';
const EMPTY: LearnedMcast = { groups: new Map(), mrouters: new Map() };

export class IgmpGroupsNode implements NodeData {
  flows = new FlowSet();
  learned: LearnedMcast = EMPTY;
  /** Per datapath, the signature of its groups and flows as last set. */
  private sigs = new Map<string, string>();

  // Tracked output.
  recomputed = false;
  /** Datapaths whose Multicast_Group rows may differ. */
  readonly mcDatapaths = new Set<string>();
  private flowsChanged = false;

  constructor(
    private readonly sb: SbInputs,
    private readonly topo: TopologyNode,
    private readonly bindings: BindingsNode,
  ) {}

  clearTracked(): void {
    this.recomputed = this.flowsChanged = false;
    this.mcDatapaths.clear();
  }
  updated(): boolean {
    return this.recomputed || this.flowsChanged || this.mcDatapaths.size > 0;
  }
  clear(): void {
    this.flows = new FlowSet();
    this.learned = EMPTY;
    this.sigs = new Map();
  }

  recompute(): void {
    this.clear();
    this.recomputed = true;
    this.learned = this.build();
    this.flows.rebuild(() => {
      for (const dp of this.datapaths(this.learned)) {
        const { sig, unit } = this.unitOf(dp, this.learned);
        this.sigs.set(dp, sig);
        this.flows.setUnit(dp, UNIT, unit);
      }
    });
  }

  // ---- handlers ----

  /** Ports, flood options and relaying routers decide the members and the flows. */
  onTopology(): boolean {
    return !this.topo.recomputed && this.refresh();
  }
  /** Which datapaths are bound (datapath keys move only in a recompute). */
  onBindings(): boolean {
    return !this.bindings.recomputed && this.refresh();
  }
  onIgmpGroups(): boolean {
    return this.refresh();
  }

  // ---- outputs ----

  groupsOf(dp: string): readonly LearnedGroup[] {
    return this.learned.groups.get(dp) ?? [];
  }
  mroutersOf(dp: string): readonly string[] | undefined {
    return this.learned.mrouters.get(dp);
  }

  /** Aggregate again; set the units and report the datapaths that differ. */
  private refresh(): boolean {
    const now = this.build();
    const dps = new Set([...this.datapaths(this.learned), ...this.datapaths(now)]);
    for (const dp of dps) {
      const { sig, unit } = this.unitOf(dp, now);
      if (this.sigs.get(dp) === sig) continue;
      if (sig) this.sigs.set(dp, sig);
      else this.sigs.delete(dp);
      this.flows.setUnit(dp, UNIT, unit);
      this.mcDatapaths.add(dp);
      this.flowsChanged = true;
    }
    this.learned = now;
    return true;
  }

  private datapaths(l: LearnedMcast): Set<string> {
    return new Set([...l.groups.keys(), ...l.mrouters.keys()]);
  }

  /** A datapath's flows, and a signature of them and of its groups ('' when it has none). */
  private unitOf(dp: string, l: LearnedMcast): { sig: string; unit: readonly FlowSpec[] } {
    const groups = l.groups.get(dp) ?? [];
    const mrouters = l.mrouters.get(dp) ?? [];
    const sw = this.topo.switches.get(dp);
    const lr = sw ? undefined : this.topo.routers.get(dp);
    const unit =
      groups.length && (sw || lr)
        ? collect((add) => (sw ? buildLearnedSwitchFlows(sw, groups, add) : buildLearnedRouterFlows(lr!, groups, add)))
        : [];
    if (!groups.length && !mrouters.length) return { sig: '', unit };
    let sig = `m:${mrouters.join(',')}`;
    for (const g of groups) sig += `|${g.name}=${g.tunnelKey}:${g.ports.join(',')}`;
    for (const f of unit) sig += `|${f.key}`;
    return { sig, unit };
  }

  private build(): LearnedMcast {
    const v = this.sb.view;
    const igmp = v?.IGMP_Group;
    if (!v || !igmp?.size) return EMPTY;
    const nbOf = (sbDp: Uuid<'Datapath_Binding'> | null): string | undefined => {
      const d = sbDp === null ? undefined : v.Datapath_Binding.get(sbDp);
      return d?.external_ids['logical-switch'];
    };
    const rows: IgmpRow[] = [];
    for (const r of igmp.values()) {
      const ports: string[] = [];
      for (const p of r.ports) {
        const pb = v.Port_Binding.get(p);
        if (pb) ports.push(pb.logical_port);
      }
      rows.push({ address: r.address, datapath: nbOf(r.datapath), hasChassis: r.chassis !== null, ports });
    }
    // Existing group keys, read once per aggregation: SB datapath → name → key.
    let keys: Map<string, Map<string, number>> | undefined;
    const existingKey = (dp: string, name: string): number | undefined => {
      if (!keys) {
        keys = new Map();
        for (const m of v.Multicast_Group?.values() ?? []) {
          const nb = v.Datapath_Binding.get(m.datapath);
          const id = nb?.external_ids['logical-switch'] ?? nb?.external_ids['logical-router'];
          if (!id) continue;
          let k = keys.get(id);
          if (!k) keys.set(id, (k = new Map()));
          k.set(m.name, m.tunnel_key);
        }
      }
      return this.keyOf(dp, name) ?? keys.get(dp)?.get(name);
    };
    return buildLearnedMcast({
      switches: this.topo.switches,
      lsps: this.topo.lsps,
      rows,
      existingKey,
      bound: (dp) => this.bindings.dpKeys.has(dp),
    });
  }

  /** The key a group already has here (what this node last wrote). */
  private keyOf(dp: string, name: string): number | undefined {
    return this.learned.groups.get(dp)?.find((g) => g.name === name)?.tunnelKey;
  }
}
