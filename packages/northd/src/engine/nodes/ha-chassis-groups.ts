// Node `ha_chassis_groups`: the SB HA_Chassis_Group rows (ha-chassis-groups.ts). There are few groups,
// so every handler builds them all again and reports the names whose content differs; a chassis change
// reports them all (their HA_Chassis rows refer to Chassis rows by name).
import { buildHaGroups, sameHaGroup, type HaGroupOut } from '../../ha-chassis-groups.js';
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
  private dirty = false;

  constructor(
    private readonly nb: NbInputs,
    private readonly topo: TopologyNode,
  ) {}

  clearTracked(): void {
    this.recomputed = this.dirty = false;
    this.touched.clear();
  }
  updated(): boolean {
    return this.recomputed || this.touched.size > 0;
  }
  recompute(): void {
    this.build();
    this.recomputed = true;
  }

  /** Ports, routers, NB groups, their chassis or gateway chassis changed. */
  onInputs(): boolean {
    if (this.topo.recomputed) return false;
    this.dirty = true;
    return true;
  }

  /** A Chassis row came, went or was renamed: each HA_Chassis row's reference is checked again. */
  onChassis(): boolean {
    for (const name of this.groups.keys()) this.touched.add(name);
    return true;
  }

  settle(): boolean {
    if (!this.dirty) return true;
    const before = this.groups;
    this.build();
    for (const name of new Set([...before.keys(), ...this.groups.keys()]))
      if (!sameHaGroup(before.get(name), this.groups.get(name))) this.touched.add(name);
    return true;
  }

  private build(): void {
    const b = buildHaGroups(
      { routers: this.topo.routers.values(), switches: this.topo.switches.values() },
      this.nb.view,
    );
    this.groups = b.groups;
    this.refSwitches = b.refSwitches;
  }
}
