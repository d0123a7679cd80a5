// The incremental SB writer: after an incremental engine round, only the identities the round touched
// are compared with the SB and written (a full diff of ~200k flows would cost more than the round).
// Current SB rows are found through lookups by identity; logical flows through a FlowIndex that
// remembers, per flow content key, the SB row and its placement (datapath or Logical_DP_Group).
import type { NamedUuid, Uuid } from 'ovsdb-client-ts';
import type { Tables as SbTables } from '@ovnts/schema/sb';
import {
  addressesDiffer,
  changed,
  writeAddresses,
  flowRow,
  mirrorRefs,
  portBindingRow,
  type DiffStats,
  type FlowPlacementIndex,
  type PlacedFlow,
  type NamingSbWriter,
} from '../sb-diff.js';
import { LbGroupPicker, lbGroupUuids } from '../lb-groups.js';
import { loadBalancerRow } from '../stateful/sb-diff-rows.js';
import { chassisResolver, writeHaGroup } from '../sb-ha-rows.js';
import { writeMeter } from '../sb-meters.js';
import type { NorthdEngine, Touched } from './northd-engine.js';
import { syncKeyedRows, type KeyedTable } from '../sync/keyed-rows.js';
import { syncBfdRows } from '../sync/bfd.js';

type Row = Record<string, unknown>;
type Ref<T extends string> = Uuid<T> | NamedUuid<T>;

/** Current SB rows by identity. */
export interface SbLookup {
  /** The SB Datapath_Binding UUID of an NB datapath. */
  datapath(nbId: string): Uuid<'Datapath_Binding'> | undefined;
  portBinding(name: string): SbTables['Port_Binding'] | undefined;
  multicastGroups(sbDatapath: string): readonly SbTables['Multicast_Group'][];
  portGroup(name: string): SbTables['Port_Group'] | undefined;
  addressSet(name: string): SbTables['Address_Set'] | undefined;
  /** By external_ids:lb_id (the NB UUID). */
  loadBalancer(lbId: string): SbTables['Load_Balancer'] | undefined;
  loadBalancers(): Iterable<SbTables['Load_Balancer']>;
  /** The NB datapaths (sorted NB ids joined with ',') of a Logical_DP_Group, if all are known. */
  groupSet(group: string): string | undefined;
  sbGlobal(): SbTables['SB_Global'] | undefined;
  haChassisGroup(name: string): SbTables['HA_Chassis_Group'] | undefined;
  haChassis(uuid: Uuid<'HA_Chassis'>): SbTables['HA_Chassis'] | undefined;
  chassis(): Iterable<SbTables['Chassis']>;
  meter(name: string): SbTables['Meter'] | undefined;
  meterBand(uuid: Uuid<'Meter_Band'>): SbTables['Meter_Band'] | undefined;
  /** A Mirror, Static_MAC_Binding, Chassis_Template_Var or IP_Multicast row by its key (keyed-rows.ts). */
  keyedRow<T extends KeyedTable>(table: T, key: string): SbTables[T] | undefined;
  bfdRows(): Iterable<SbTables['BFD']>;
}

/** Mutable: commit() replaces named-uuids with the server's. */
interface Placed extends PlacedFlow {
  uuid: Ref<'Logical_Flow'>;
  group: Ref<'Logical_DP_Group'> | null;
}

/** SB logical flows by content key, and DP groups by datapath set, with reference counts. */
export class FlowIndex implements FlowPlacementIndex {
  private byKey = new Map<string, Placed>();
  private groupBySet = new Map<string, Ref<'Logical_DP_Group'>>();
  private groupSet = new Map<Ref<'Logical_DP_Group'>, string>();
  private groupRefs = new Map<Ref<'Logical_DP_Group'>, number>();
  /** Entries and groups that still hold named-uuids of the transaction being built. */
  private unresolved: Placed[] = [];
  private newGroups: NamedUuid<'Logical_DP_Group'>[] = [];
  loaded = false;

  /** Start over: a full diff is about to `place` every flow (FlowPlacementSink). */
  reset(): void {
    this.byKey.clear();
    this.groupBySet.clear();
    this.groupSet.clear();
    this.groupRefs.clear();
    this.unresolved = [];
    this.newGroups = [];
    this.loaded = true;
  }

  /** Where a full diff put (or found) a flow; the key strings are the engine's own, not copies. */
  place(key: string, uuid: Ref<'Logical_Flow'>, dpKey: string, group: Ref<'Logical_DP_Group'> | null): void {
    const p: Placed = { uuid, dpKey, group };
    this.byKey.set(key, p);
    if (typeof uuid !== 'string' || (group && typeof group !== 'string')) this.unresolved.push(p);
    if (!group) return;
    const n = this.groupRefs.get(group);
    this.groupRefs.set(group, (n ?? 0) + 1);
    if (n !== undefined) return;
    this.groupSet.set(group, dpKey);
    if (!this.groupBySet.has(dpKey)) this.groupBySet.set(dpKey, group);
    if (typeof group !== 'string') this.newGroups.push(group);
  }

  entries(): Iterable<readonly [string, Placed]> {
    return this.byKey.entries();
  }

  get(key: string): Placed | undefined {
    return this.byKey.get(key);
  }

  /** Apply the recorded writes with the UUIDs the server assigned. */
  commit(uuidOf: (ref: NamedUuid) => Uuid): void {
    const fix = new Map<Ref<'Logical_DP_Group'>, Uuid<'Logical_DP_Group'>>();
    for (const from of this.newGroups) {
      const to = uuidOf(from) as Uuid<'Logical_DP_Group'>;
      fix.set(from, to);
      const set = this.groupSet.get(from);
      if (set === undefined) continue; // already unreferenced again
      this.groupSet.delete(from);
      this.groupSet.set(to, set);
      if (this.groupBySet.get(set) === from) this.groupBySet.set(set, to);
      this.groupRefs.set(to, this.groupRefs.get(from) ?? 0);
      this.groupRefs.delete(from);
    }
    for (const p of this.unresolved) {
      if (typeof p.uuid !== 'string') p.uuid = uuidOf(p.uuid) as Uuid<'Logical_Flow'>;
      if (p.group && typeof p.group !== 'string')
        p.group = fix.get(p.group) ?? (uuidOf(p.group) as Uuid<'Logical_DP_Group'>);
    }
    this.unresolved = [];
    this.newGroups = [];
  }

  /** Forget everything (after a failed commit: the next round rebuilds from the SB). */
  invalidate(): void {
    this.loaded = false;
    this.byKey.clear();
    this.unresolved = [];
    this.newGroups = [];
  }

  set(key: string, p: Placed | undefined): void {
    const old = this.byKey.get(key);
    if (old?.group) this.unref(old.group);
    if (p) {
      this.byKey.set(key, p);
      if (typeof p.uuid !== 'string' || (p.group && typeof p.group !== 'string')) this.unresolved.push(p);
      if (p.group) this.groupRefs.set(p.group, (this.groupRefs.get(p.group) ?? 0) + 1);
    } else this.byKey.delete(key);
  }

  group(set: string): Ref<'Logical_DP_Group'> | undefined {
    return this.groupBySet.get(set);
  }

  addGroup(set: string, ref: NamedUuid<'Logical_DP_Group'>): void {
    this.groupBySet.set(set, ref);
    this.groupSet.set(ref, set);
    this.groupRefs.set(ref, 0);
    this.newGroups.push(ref);
  }

  private unref(g: Ref<'Logical_DP_Group'>): void {
    const n = (this.groupRefs.get(g) ?? 1) - 1;
    if (n > 0) {
      this.groupRefs.set(g, n);
      return;
    }
    // The server garbage-collects a group nothing refers to.
    this.groupRefs.delete(g);
    const set = this.groupSet.get(g);
    this.groupSet.delete(g);
    if (set !== undefined && this.groupBySet.get(set) === g) this.groupBySet.delete(set);
  }
}

/** Write what differs for the touched identities. `nbCfg` is published in SB_Global when given. */
export function syncSb(
  e: NorthdEngine,
  t: Touched,
  sb: SbLookup,
  fx: FlowIndex,
  w: NamingSbWriter,
  nbCfg?: number,
): DiffStats {
  const stats: DiffStats = { inserted: 0, updated: 0, deleted: 0 };
  const ins = <T extends string>(table: T, row: Row): NamedUuid<T> => {
    stats.inserted++;
    return w.insert(table, row);
  };
  const upd = (table: string, uuid: Uuid, row: Row | null) => {
    if (!row) return;
    stats.updated++;
    w.update(table, uuid, row);
  };
  const del = (table: string, uuid: Uuid) => {
    stats.deleted++;
    w.delete(table, uuid);
  };

  const g = sb.sbGlobal();
  if (g) {
    const cfg = nbCfg !== undefined && g.nb_cfg !== nbCfg ? { nb_cfg: nbCfg } : {};
    const options = t.sbGlobal && !sameOptions(g.options, e.sbGlobalOptions()) ? { options: e.sbGlobalOptions() } : {};
    if (Object.keys(cfg).length + Object.keys(options).length) upd('SB_Global', g._uuid, { ...cfg, ...options });
  }

  const dpRefs = new Map<string, Uuid<'Datapath_Binding'>>();
  const dpRef = (id: string): Uuid<'Datapath_Binding'> => {
    let r = dpRefs.get(id);
    if (!r) {
      r = sb.datapath(id);
      if (!r) throw new Error(`datapath ${id} has no SB row`);
      dpRefs.set(id, r);
    }
    return r;
  };

  // HA chassis groups by name, before the bindings that refer to them.
  const chassis = chassisResolver(sb.chassis());
  const haRefs = new Map<string, Ref<'HA_Chassis_Group'>>();
  const haOps = { ins, upd: (t: string, u: Uuid, cur: object, row: Row) => upd(t, u, changed(cur, row)), del };
  for (const name of t.haGroups) {
    const want = e.haChassisGroup(name);
    const cur = sb.haChassisGroup(name);
    if (want)
      haRefs.set(
        name,
        writeHaGroup(want, cur, (u) => sb.haChassis(u), chassis, haOps),
      );
    else if (cur) del('HA_Chassis_Group', cur._uuid);
  }
  const haGroupOf = (name: string | null): Ref<'HA_Chassis_Group'> | null =>
    name === null ? null : (haRefs.get(name) ?? sb.haChassisGroup(name)?._uuid ?? null);
  // Keyed rows; mirrors before the port bindings naming them.
  const mirrors = syncKeyedRows(
    t.keyed,
    (table, key) => e.keyedRow(table, key),
    (table, key) => sb.keyedRow(table, key),
    (id) => sb.datapath(id),
    { ins, upd: (table, uuid, cur, row) => upd(table, uuid, changed(cur, row)), del },
  );
  const mirrorRef = (name: string) => mirrors.get(name) ?? sb.keyedRow('Mirror', name)?._uuid;

  if (t.bfd)
    syncBfdRows(e.bfdInput(), sb.bfdRows(), {
      ins,
      upd: (table, uuid, cur, row) => upd(table, uuid, changed(cur, row)),
      del,
    });

  // Port bindings by name.
  const pbRefs = new Map<string, Ref<'Port_Binding'>>();
  for (const name of t.ports) {
    const want = e.portBindingByName(name);
    const cur = sb.portBinding(name);
    if (!want) {
      if (cur) del('Port_Binding', cur._uuid);
      continue;
    }
    const row = portBindingRow(
      want,
      dpRef(want.datapath),
      haGroupOf(want.haChassisGroup),
      chassis,
      mirrorRefs(want, (u) => e.mirrorName(u), mirrorRef),
      cur,
      !cur || cur.up === null,
    );
    if (cur) {
      upd('Port_Binding', cur._uuid, changed(cur, row));
      pbRefs.set(name, cur._uuid);
    } else pbRefs.set(name, ins('Port_Binding', row));
  }
  const pbRef = (name: string) => pbRefs.get(name) ?? sb.portBinding(name)?._uuid;

  // Multicast groups of touched datapaths, by name.
  for (const dp of t.mcDatapaths) {
    const sbDp = sb.datapath(dp);
    if (!sbDp) continue;
    const current = new Map<string, SbTables['Multicast_Group']>();
    for (const m of sb.multicastGroups(sbDp)) {
      if (current.has(m.name)) del('Multicast_Group', m._uuid);
      else current.set(m.name, m);
    }
    for (const m of e.multicastGroups(dp)) {
      const row: Row = {
        datapath: sbDp,
        name: m.name,
        tunnel_key: m.tunnelKey,
        ports: m.ports.map(pbRef).filter((r) => r !== undefined),
      };
      const cur = current.get(m.name);
      current.delete(m.name);
      if (cur) upd('Multicast_Group', cur._uuid, changed(cur, row));
      else ins('Multicast_Group', row);
    }
    for (const m of current.values()) del('Multicast_Group', m._uuid);
  }

  // Logical flows by content key.
  for (const key of t.flows) {
    const want = e.flow(key);
    const cur = fx.get(key);
    if (!want) {
      if (cur) {
        if (typeof cur.uuid === 'string') del('Logical_Flow', cur.uuid);
        fx.set(key, undefined);
      }
      continue;
    }
    if (cur && cur.dpKey === want.dpKey) continue;
    let placement: Row;
    let group: Ref<'Logical_DP_Group'> | null = null;
    if (want.datapaths.length === 1)
      placement = { logical_datapath: dpRef(want.datapaths[0]!), logical_dp_group: null };
    else {
      group = fx.group(want.dpKey) ?? null;
      if (!group) {
        const ref = ins('Logical_DP_Group', { datapaths: want.datapaths.map(dpRef) });
        fx.addGroup(want.dpKey, ref);
        group = ref;
      }
      placement = { logical_datapath: null, logical_dp_group: group };
    }
    if (cur && typeof cur.uuid === 'string') {
      upd('Logical_Flow', cur.uuid, placement);
      fx.set(key, { uuid: cur.uuid, dpKey: want.dpKey, group });
    } else {
      const ref = ins('Logical_Flow', { ...placement, ...flowRow(want) });
      fx.set(key, { uuid: ref, dpKey: want.dpKey, group });
    }
  }

  for (const name of t.portGroups) {
    const want = e.portGroupRow(name);
    const cur = sb.portGroup(name);
    if (!want) {
      if (cur) del('Port_Group', cur._uuid);
    } else if (cur) upd('Port_Group', cur._uuid, changed(cur, { name, ports: want.ports }));
    else ins('Port_Group', { name, ports: want.ports });
  }

  for (const name of t.addressSets) {
    const want = e.addressSet(name);
    const cur = sb.addressSet(name);
    if (!want) {
      if (cur) del('Address_Set', cur._uuid);
    } else if (cur) {
      if (addressesDiffer(cur.addresses, want)) {
        stats.updated++;
        writeAddresses(w, cur, want);
      }
    } else ins('Address_Set', { name, addresses: want });
  }

  const lbPicker = new LbGroupPicker(
    (g) => sb.groupSet(g),
    () => lbGroupUuids(sb.loadBalancers()),
    (dps) => ins('Logical_DP_Group', { datapaths: dps.map(dpRef) }),
  );
  for (const id of t.loadBalancers) {
    const want = e.loadBalancerRow(id);
    const cur = sb.loadBalancer(id);
    if (!want) {
      if (cur) del('Load_Balancer', cur._uuid);
      continue;
    }
    const row = loadBalancerRow(want, lbPicker.pick(cur?.datapath_group ?? null, want.datapaths));
    if (cur) upd('Load_Balancer', cur._uuid, changed(cur, row));
    else ins('Load_Balancer', row);
  }

  for (const name of t.meters) writeMeter(e.meterRow(name), sb.meter(name), sb.meterBand, { ins, upd, del });
  return stats;
}

function sameOptions(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}
