// Node `ha_chassis_groups`: the SB HA_Chassis_Group rows (ha-chassis-groups.ts). There are few groups,
// so every handler builds them all again and reports the names whose content differs; only the external
// ports' groups are kept per switch, so a port change re-reads its switch, not all switch ports. A
// chassis change reports every group (their HA_Chassis rows refer to Chassis rows by name).
import { externalHaGroups, mergeHaGroups, sameHaGroup, type HaGroupOut } from '../../ha-chassis-groups.js';
import type { NodeData } from '../inc-engine.js';
import type { NbInputs } from './inputs.js';
import type { TopologyNode } from './topology.js';

export class HaChassisGroupsNode implements NodeData {
  groups: ReadonlyMap<string, HaGroupOut> = new Map();
  /** Group name → switches whose bound ports make a chassis reference the group (ref_chassis). */
  refSwitches: ReadonlyMap<string, readonly string[]> = new Map();

  // Tracked output.
  recomputed = false;
  /** Group names whose SB rows may differ. */
  readonly touched = new Set<string>();
  /** Everything is read again (NB groups, their chassis, gateway chassis changed). */
  private dirty = false;
  /** Switches whose external ports are read again. */
  private readonly dirtySwitches = new Set<string>();
  private readonly external = new Map<string, readonly HaGroupOut[]>();

  constructor(
    private readonly nb: NbInputs,
    private readonly topo: TopologyNode,
  ) {}

  clearTracked(): void {
    this.recomputed = this.dirty = false;
    this.touched.clear();
    this.dirtySwitches.clear();
  }
  updated(): boolean {
    return this.recomputed || this.touched.size > 0;
  }
  recompute(): void {
    this.external.clear();
    this.build();
    this.recomputed = true;
  }

  /** Routers and switches re-read: their gateway ports and external ports. */
  onTopology(): boolean {
    const t = this.topo;
    if (t.recomputed) return false;
    for (const s of t.rebuiltSw) this.dirtySwitches.add(s);
    for (const s of t.switchesChanged) this.dirtySwitches.add(s);
    return true;
  }

  /** NB groups, their chassis or gateway chassis changed. */
  onGroups(): boolean {
    this.dirty = true;
    return true;
  }

  /** A Chassis row came, went or was renamed: each HA_Chassis row's reference is checked again. */
  onChassis(): boolean {
    for (const name of this.groups.keys()) this.touched.add(name);
    return true;
  }

  settle(): boolean {
    if (this.dirty) this.external.clear();
    else for (const s of this.dirtySwitches) this.external.delete(s);
    const before = this.groups;
    this.build();
    for (const name of new Set([...before.keys(), ...this.groups.keys()]))
      if (!sameHaGroup(before.get(name), this.groups.get(name))) this.touched.add(name);
    return true;
  }

  private build(): void {
    const switches = [...this.topo.switches.values()];
    const nb = this.nb.view;
    const external = switches.map((ls) => {
      let l = this.external.get(ls.uuid);
      if (!l) this.external.set(ls.uuid, (l = externalHaGroups(ls, nb)));
      return l;
    });
    const b = mergeHaGroups([...this.topo.routers.values()], switches, external, nb);
    this.groups = b.groups;
    this.refSwitches = b.refSwitches;
  }
}
