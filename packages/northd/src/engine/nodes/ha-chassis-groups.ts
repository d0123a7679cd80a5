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
  /** A router was rebuilt this round: its gateway ports' groups are read again. */
  private routersTouched = false;
  /** Routers with a gateway group of 2+ chassis at the last build (then switches' peering matters: refSwitches). */
  private multiChassisRouters = 0;

  constructor(
    private readonly nb: NbInputs,
    private readonly topo: TopologyNode,
  ) {}

  clearTracked(): void {
    this.recomputed = this.dirty = this.routersTouched = false;
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
    if (t.routersChanged.size) this.routersTouched = true;
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
    if (this.onlyPortsMoved()) return true;
    if (this.dirty) this.external.clear();
    else for (const s of this.dirtySwitches) this.external.delete(s);
    const before = this.groups;
    this.build();
    for (const name of new Set([...before.keys(), ...this.groups.keys()]))
      if (!sameHaGroup(before.get(name), this.groups.get(name))) this.touched.add(name);
    return true;
  }

  /**
   * Whether this round changed nothing the groups are built from: no NB group or router changed, no
   * router has a multi-chassis group (whose ref_chassis switches follow the peering), and the changed
   * switches' external ports name the same groups as before. A pod port added to a switch then costs a
   * look at that switch, not a merge over every router and switch.
   */
  private onlyPortsMoved(): boolean {
    if (this.dirty || this.routersTouched || this.multiChassisRouters) return false;
    const nb = this.nb.view;
    for (const uuid of this.dirtySwitches) {
      const ls = this.topo.switches.get(uuid);
      const now = ls ? externalHaGroups(ls, nb) : [];
      const before = this.external.get(uuid) ?? [];
      if (now.length !== before.length || now.some((g, i) => !sameHaGroup(g, before[i]))) return false;
      if (ls) this.external.set(uuid, now);
      else this.external.delete(uuid);
    }
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
    this.multiChassisRouters = b.multiChassisRouters;
  }
}
