// Node `port_groups`: each NB port group's members split by switch, its SB Port_Group rows (one per
// switch, `<dp key>_<group>`) and its derived address sets (`<group>_ip4`, `<group>_ip6`). A group is
// resolved again when its row changes or one of its member ports changes, comes, goes or is renamed.
import type { PortGroup } from '@ovnts/schema/nb';
import {
  portGroupAddressSets,
  resolvePortGroups,
  sbPortGroups,
  type ResolvedPortGroup,
  type SbPortGroupOut,
} from '../../stateful/port-groups.js';
import type { NodeData } from '../inc-engine.js';
import type { BindingsNode } from './bindings.js';
import type { EngineContext, NbInputs } from './inputs.js';
import type { TopologyNode } from './topology.js';
import { addTo, changedColumns, delFrom } from './util.js';

export class PortGroupsNode implements NodeData {
  readonly pgs = new Map<string, ResolvedPortGroup>();
  /** Switch → port groups with members on it. */
  readonly pgsOfSwitch = new Map<string, Set<string>>();
  /** Switch port → its groups; ACL → the groups applying it. */
  private readonly lspPgs = new Map<string, Set<string>>();
  readonly aclPgs = new Map<string, Set<string>>();
  private readonly rows = new Map<string, SbPortGroupOut>();
  private readonly rowNames = new Map<string, string[]>();
  private readonly sets = new Map<string, readonly string[]>();
  private readonly setNames = new Map<string, string[]>();

  private readonly dirty = new Set<string>();
  /** Groups whose row changed in its `acls` only (a rule added to a policy): members, rows and sets stay. */
  private readonly aclsOnly = new Set<string>();

  // Tracked output.
  recomputed = false;
  /** Switches whose set of groups (or a group's members on them) changed: their ACLs apply anew. */
  readonly aclSwitches = new Set<string>();
  readonly touchedRows = new Set<string>();
  readonly touchedSets = new Set<string>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly nb: NbInputs,
    private readonly topo: TopologyNode,
    private readonly bindings: BindingsNode,
  ) {}

  clearTracked(): void {
    this.recomputed = false;
    for (const s of [this.dirty, this.aclsOnly, this.aclSwitches, this.touchedRows, this.touchedSets]) s.clear();
  }

  updated(): boolean {
    return this.recomputed || this.aclSwitches.size + this.touchedRows.size + this.touchedSets.size > 0;
  }

  clear(): void {
    for (const m of [this.pgs, this.pgsOfSwitch, this.lspPgs, this.aclPgs, this.rows, this.rowNames, this.sets])
      m.clear();
    this.setNames.clear();
  }

  recompute(): void {
    this.clear();
    this.recomputed = true;
    for (const pg of this.nb.view.Port_Group.values()) this.index(pg, true);
    for (const pg of resolvePortGroups(this.nb.view, this.topo, this.ctx.diag)) this.set(pg);
  }

  // ---- handlers ----

  /** Ports that came, went or were renamed: their groups resolve members by name. */
  onTopology(): boolean {
    if (this.topo.recomputed) return false;
    for (const u of this.topo.portsMoved) for (const pg of this.lspPgs.get(u) ?? []) this.dirty.add(pg);
    return true;
  }

  /** Row names carry datapath keys, which move only in a recompute. */
  onBindings(): boolean {
    return !this.bindings.recomputed;
  }

  /** A member's addresses feed the group's address sets. */
  onSwitchPort(): boolean {
    for (const c of this.nb.tables.Logical_Switch_Port.changes) {
      if (c.kind === 'insert') continue; // a new port joins a group through the group's row
      for (const pg of this.lspPgs.get(c.uuid) ?? []) this.dirty.add(pg);
    }
    return true;
  }

  onPortGroup(): boolean {
    for (const c of this.nb.tables.Port_Group.changes) {
      const cols = c.kind === 'modify' ? changedColumns(c.old, c.new) : undefined;
      if (cols && cols.size === 1 && cols.has('acls')) this.aclsOnly.add(c.uuid);
      else this.dirty.add(c.uuid);
    }
    return true;
  }

  settle(): boolean {
    // Only its ACLs changed: the group keeps its members, SB rows and address sets (resolving them again
    // parsed every member's addresses); its switches apply its ACLs anew.
    for (const uuid of this.aclsOnly) {
      const old = this.pgs.get(uuid);
      const row = this.nb.view.Port_Group.get(uuid as PortGroup['_uuid']);
      if (this.dirty.has(uuid) || !old || !row) {
        this.dirty.add(uuid);
        continue;
      }
      for (const a of old.nb.acls) delFrom(this.aclPgs, a, uuid);
      for (const a of row.acls) addTo(this.aclPgs, a, uuid);
      this.pgs.set(uuid, { nb: row, bySwitch: old.bySwitch });
      for (const s of old.bySwitch.keys()) this.aclSwitches.add(s);
    }
    for (const uuid of this.dirty) {
      const old = this.pgs.get(uuid);
      if (old) {
        this.index(old.nb, false);
        for (const s of old.bySwitch.keys()) {
          delFrom(this.pgsOfSwitch, s, uuid);
          this.aclSwitches.add(s);
        }
        this.pgs.delete(uuid);
      }
      for (const name of this.rowNames.get(uuid) ?? []) {
        this.rows.delete(name);
        this.touchedRows.add(name);
      }
      this.rowNames.delete(uuid);
      for (const name of this.setNames.get(uuid) ?? []) {
        this.sets.delete(name);
        this.touchedSets.add(name);
      }
      this.setNames.delete(uuid);
      const row = this.nb.view.Port_Group.get(uuid as PortGroup['_uuid']);
      if (!row) continue;
      const [pg] = resolvePortGroups(this.nb.view, this.topo, this.ctx.diag, [row]);
      this.index(row, true);
      this.set(pg!);
      for (const s of pg!.bySwitch.keys()) this.aclSwitches.add(s);
    }
    return true;
  }

  // ---- outputs ----

  row(name: string): SbPortGroupOut | undefined {
    return this.rows.get(name);
  }
  allRows(): Iterable<SbPortGroupOut> {
    return this.rows.values();
  }
  addressSet(name: string): readonly string[] | undefined {
    return this.sets.get(name);
  }
  addressSets(): Iterable<[string, readonly string[]]> {
    return this.sets.entries();
  }

  private index(pg: { _uuid: string; ports: readonly string[]; acls: readonly string[] }, add: boolean): void {
    const f = add ? addTo : delFrom;
    for (const p of pg.ports) f(this.lspPgs, p, pg._uuid);
    for (const a of pg.acls) f(this.aclPgs, a, pg._uuid);
  }

  /** Record a resolved port group and its SB rows. */
  private set(pg: ResolvedPortGroup): void {
    const uuid = pg.nb._uuid;
    this.pgs.set(uuid, pg);
    for (const s of pg.bySwitch.keys()) addTo(this.pgsOfSwitch, s, uuid);
    const rows = sbPortGroups([pg], this.bindings.dpKeys);
    this.rowNames.set(
      uuid,
      rows.map((r) => r.name),
    );
    for (const r of rows) {
      this.rows.set(r.name, r);
      this.touchedRows.add(r.name);
    }
    const sets = portGroupAddressSets(this.nb.view, pg.nb);
    this.setNames.set(
      uuid,
      sets.map((s) => s.name),
    );
    for (const s of sets) {
      this.sets.set(s.name, s.addresses);
      this.touchedSets.add(s.name);
    }
  }
}
