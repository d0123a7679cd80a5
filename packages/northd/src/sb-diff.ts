// The difference between the compiled SB content and the SB as it is, written through a small writer
// interface (the daemon adapts it to a client transaction; tests record it). Rows are matched by
// identity — datapaths by NB UUID, ports by name, groups by (datapath, name), flows by content and
// datapath set — so a recompute that changes nothing writes nothing, and only changed rows are touched.
import type { NamedUuid, Uuid } from 'ovsdb-client-ts';
import type { Tables as SbTables } from '@ovnts/schema/sb';
import type { CompiledSb } from './compile.js';
import type { TablesView } from './input.js';
import { flowKey } from './lflow-table.js';
import { stageAt } from './stages.js';
import { diffStatefulRows } from './stateful/sb-diff-rows.js';
import { groupSetKey, LbGroupPicker, lbGroupUuids } from './lb-groups.js';
import { chassisResolver, requestedChassisColumns, writeHaGroup, type ChassisResolver } from './sb-ha-rows.js';
import { diffMeters } from './sb-meters.js';
import { diffKeyedRows, KEYED_TABLES } from './sync/keyed-rows.js';
import { syncBfdRows } from './sync/bfd.js';

export const SB_OWNED_TABLES = [
  'SB_Global',
  'Datapath_Binding',
  'Port_Binding',
  'Multicast_Group',
  'Logical_Flow',
  'Logical_DP_Group',
  'Address_Set',
  'Port_Group',
  'Load_Balancer',
  'DHCP_Options',
  'DHCPv6_Options',
  'HA_Chassis_Group',
  'HA_Chassis',
  'Meter',
  'Meter_Band',
  ...KEYED_TABLES,
  'BFD',
] as const satisfies readonly (keyof SbTables)[];

/** The Logical_Flow columns the diff reads (the daemon mirrors only these). */
export type FlowRow = Pick<
  SbTables['Logical_Flow'],
  | '_uuid'
  | 'logical_datapath'
  | 'logical_dp_group'
  | 'pipeline'
  | 'table_id'
  | 'priority'
  | 'match'
  | 'actions'
  | 'controller_meter'
>;
export type DpGroupRow = Pick<SbTables['Logical_DP_Group'], '_uuid' | 'datapaths'>;

export type SbState = TablesView<
  SbTables,
  Exclude<(typeof SB_OWNED_TABLES)[number], 'Logical_Flow' | 'Logical_DP_Group'>
> & {
  readonly Logical_Flow: ReadonlyMap<Uuid<'Logical_Flow'>, FlowRow>;
  readonly Logical_DP_Group: ReadonlyMap<Uuid<'Logical_DP_Group'>, DpGroupRow>;
  /** Read only: what HA_Chassis.chassis and Port_Binding.requested_chassis refer to. */
  readonly Chassis: ReadonlyMap<Uuid<'Chassis'>, SbTables['Chassis']>;
};

export type Ref<T extends string> = Uuid<T> | NamedUuid<T>;
type Row = Record<string, unknown>;

/** A flow's SB row and placement, as the incremental writer's index keeps them. */
export interface PlacedFlow {
  readonly uuid: Ref<'Logical_Flow'>;
  /** Sorted NB datapath ids joined with ','. */
  readonly dpKey: string;
  readonly group: Ref<'Logical_DP_Group'> | null;
}

/**
 * The incremental writer's index of SB flows by content key. When loaded it stands for the SB's
 * Logical_Flow rows; a full diff rebuilds it with where every desired flow ends up.
 */
export interface FlowPlacementIndex {
  readonly loaded: boolean;
  entries(): Iterable<readonly [string, PlacedFlow]>;
  /** Before the first `place`. */
  reset(): void;
  place(key: string, uuid: Ref<'Logical_Flow'>, dpKey: string, group: Ref<'Logical_DP_Group'> | null): void;
}

/** What the diff needs from a transaction. */
export interface SbWriter {
  /** The new row's named-uuid, or its UUID where the writer chooses them. */
  insert<T extends string>(table: T, row: Row): Ref<T>;
  update(table: string, uuid: Uuid, row: Row): void;
  delete(table: string, uuid: Uuid): void;
  /**
   * Add and remove elements of a string set column; writers without it get an update of the column.
   * Address sets are written so, as ovn-northd does (a set of thousands changes by one address).
   */
  mutateSet?(table: string, uuid: Uuid, column: string, add: readonly string[], remove: readonly string[]): void;
}

/** A writer whose inserts are named in the transaction (what the incremental writer's index expects). */
export interface NamingSbWriter extends SbWriter {
  insert<T extends string>(table: T, row: Row): NamedUuid<T>;
}

export interface DiffStats {
  inserted: number;
  updated: number;
  deleted: number;
}

/** Value equality for the row model: sets compare regardless of order, maps by entries. */
function isEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    if (a.every((x, i) => isEqual(x, b[i]))) return true;
    const sa = a.map((x) => JSON.stringify(x)).sort();
    const sb = b.map((x) => JSON.stringify(x)).sort();
    return sa.every((x, i) => x === sb[i]);
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => isEqual((a as Row)[k], (b as Row)[k]));
  }
  return false;
}

/** Only the columns that differ, or null when the row already matches. `current` is any row type. */
export function changed(current: object, desired: Row): Row | null {
  const out: Row = {};
  let any = false;
  for (const [k, v] of Object.entries(desired)) {
    const cur: unknown = Reflect.get(current, k);
    // Refs to rows inserted in this transaction are always new values.
    const same = typeof v === 'object' && v !== null && 'namedUuid' in v ? false : isEqual(cur, v);
    if (!same) {
      out[k] = v;
      any = true;
    }
  }
  return any ? out : null;
}

/**
 * The columns northd owns of a Port_Binding row; `haGroup` is the row of its HA chassis group, if any;
 * `mirrors`: the SB Mirror rows its NB mirror_rules name. With `seedUp`, also `up: false` (northd seeds
 * it on a new binding and where it is unset: ovn-controller only reports `up` where it is explicitly false).
 */
export function portBindingRow(
  p: CompiledSb['portBindings'][number],
  datapath: unknown,
  haGroup: Ref<'HA_Chassis_Group'> | null,
  chassis: ChassisResolver,
  mirrors: unknown[],
  current?: SbTables['Port_Binding'],
  seedUp = false,
): Row {
  const requested = requestedChassisColumns(p.requestedChassis, chassis);
  // ovn-controller records activated additional chassis in options; kept while additional chassis are requested.
  const activated = current?.options['additional-chassis-activated'];
  const keep = activated !== undefined && (requested['requested_additional_chassis'] as unknown[]).length > 0;
  // One object literal, no spread: spreading the requested columns into a literal of 14 more made each
  // row ~4.3 kB of fresh hidden classes and property stores (~23 MB of a 100×50 cold start's ~5300
  // bindings), and spreading that again for `up` ~3 kB more; this literal is ~0.2 kB.
  const row: Row = {
    requested_chassis: requested['requested_chassis'],
    requested_additional_chassis: requested['requested_additional_chassis'],
    ha_chassis_group: haGroup,
    logical_port: p.logicalPort,
    datapath,
    tunnel_key: p.tunnelKey,
    type: p.type,
    mac: p.mac,
    options: keep ? { ...p.options, 'additional-chassis-activated': activated } : p.options,
    parent_port: p.parentPort,
    tag: p.tag,
    port_security: p.portSecurity,
    nat_addresses: p.natAddresses,
    external_ids: p.externalIds,
    mirror_rules: mirrors,
  };
  if (seedUp) row['up'] = false;
  return row;
}

/** The SB Mirror references of a binding's NB mirror UUIDs (mirrors without an SB row are left out). */
export function mirrorRefs(
  p: CompiledSb['portBindings'][number],
  nameOf: (nbMirror: string) => string | undefined,
  refOf: (name: string) => unknown,
): unknown[] {
  const out: unknown[] = [];
  for (const u of p.mirrorRules) {
    const name = nameOf(u);
    const ref = name === undefined ? undefined : refOf(name);
    if (ref !== undefined) out.push(ref);
  }
  return out;
}

/** Whether two address lists hold different addresses (order aside). */
export function addressesDiffer(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return true;
  const s = new Set(a);
  return b.some((x) => !s.has(x));
}

/** An Address_Set row's addresses brought to `want`: by mutation where the writer can, else by update. */
export function writeAddresses(w: SbWriter, cur: SbTables['Address_Set'], want: readonly string[]): void {
  if (!w.mutateSet) {
    w.update('Address_Set', cur._uuid, { addresses: want });
    return;
  }
  const have = new Set(cur.addresses);
  const keep = new Set(want);
  w.mutateSet(
    'Address_Set',
    cur._uuid,
    'addresses',
    want.filter((x) => !have.has(x)),
    cur.addresses.filter((x) => !keep.has(x)),
  );
}

/** A Datapath_Binding row as northd writes it. */
export function datapathRow(d: CompiledSb['datapaths'][number]): Row {
  return { tunnel_key: d.tunnelKey, external_ids: d.externalIds };
}

/** A Logical_Flow row's content columns (placement apart). */
export function flowRow(
  f: Pick<
    CompiledSb['logicalFlows'][number],
    'pipeline' | 'tableId' | 'priority' | 'match' | 'actions' | 'stageName' | 'ioPort' | 'meter'
  >,
): Row {
  const row: Row = {
    pipeline: f.pipeline,
    table_id: f.tableId,
    priority: f.priority,
    match: f.match,
    actions: f.actions,
    external_ids: { 'stage-name': f.stageName },
  };
  if (f.ioPort !== undefined) row['tags'] = { in_out_port: f.ioPort };
  if (f.meter !== undefined) row['controller_meter'] = f.meter;
  return row;
}

/**
 * Write the difference between `c` (desired) and `sb` (current) into `w`. `nbCfg`, when given, is
 * published in SB_Global.nb_cfg in the same transaction (the first half of the --wait=sb handshake).
 */
export function diffSb(
  c: CompiledSb,
  sb: SbState,
  w: SbWriter,
  nbCfg?: number,
  /** Read instead of sb.Logical_Flow when loaded, and rebuilt. */
  index?: FlowPlacementIndex,
): DiffStats {
  const stats: DiffStats = { inserted: 0, updated: 0, deleted: 0 };
  const ins = <T extends string>(t: T, row: Row): Ref<T> => {
    stats.inserted++;
    return w.insert(t, row);
  };
  const upd = (t: string, u: Uuid, row: Row | null) => {
    if (!row) return;
    stats.updated++;
    w.update(t, u, row);
  };
  const del = (t: string, u: Uuid) => {
    stats.deleted++;
    w.delete(t, u);
  };

  // SB_Global: exactly one row.
  const globals = [...sb.SB_Global.values()];
  const gDesired: Row = { options: c.sbGlobalOptions, ...(nbCfg !== undefined ? { nb_cfg: nbCfg } : {}) };
  if (globals[0]) upd('SB_Global', globals[0]._uuid, changed(globals[0], gDesired));
  else ins('SB_Global', gDesired);
  for (const extra of globals.slice(1)) del('SB_Global', extra._uuid);

  // Datapath_Binding by NB identity.
  const dpRef = new Map<string, Ref<'Datapath_Binding'>>();
  const dpIdOfUuid = new Map<string, string>();
  const currentDp = new Map<string, SbTables['Datapath_Binding']>();
  for (const d of sb.Datapath_Binding.values()) {
    const id = d.external_ids['logical-switch'] ?? d.external_ids['logical-router'];
    if (id && !currentDp.has(id)) {
      currentDp.set(id, d);
      dpIdOfUuid.set(d._uuid, id);
    } else del('Datapath_Binding', d._uuid);
  }
  const desiredDpIds = new Set(c.datapaths.map((d) => d.id));
  for (const [id, d] of currentDp) if (!desiredDpIds.has(id)) del('Datapath_Binding', d._uuid);
  for (const d of c.datapaths) {
    const row = datapathRow(d);
    const cur = currentDp.get(d.id);
    if (cur) {
      upd('Datapath_Binding', cur._uuid, changed(cur, row));
      dpRef.set(d.id, cur._uuid);
    } else dpRef.set(d.id, ins('Datapath_Binding', row));
  }

  // HA_Chassis_Group by name (before the bindings that refer to them).
  const chassis = chassisResolver(sb.Chassis.values());
  const haRef = new Map<string, Ref<'HA_Chassis_Group'>>();
  const currentHa = new Map<string, SbTables['HA_Chassis_Group']>();
  for (const g of sb.HA_Chassis_Group.values()) {
    if (currentHa.has(g.name)) del('HA_Chassis_Group', g._uuid);
    else currentHa.set(g.name, g);
  }
  const haOps = { ins, upd: (t: string, u: Uuid, cur: object, row: Row) => upd(t, u, changed(cur, row)), del };
  for (const g of c.haChassisGroups) {
    haRef.set(
      g.name,
      writeHaGroup(g, currentHa.get(g.name), (u) => sb.HA_Chassis.get(u), chassis, haOps),
    );
    currentHa.delete(g.name);
  }
  for (const g of currentHa.values()) del('HA_Chassis_Group', g._uuid);
  const haGroupOf = (p: CompiledSb['portBindings'][number]) =>
    p.haChassisGroup === null ? null : (haRef.get(p.haChassisGroup) ?? null);
  // Mirror, Static_MAC_Binding, Chassis_Template_Var, IP_Multicast by key; mirrors before the port
  // bindings naming them.
  const dpIdOf = (u: string) => {
    const id = dpIdOfUuid.get(u);
    return id !== undefined && desiredDpIds.has(id) ? id : undefined;
  };
  const mirrors = diffKeyedRows(c.keyedRows, sb, dpIdOf, (id) => dpRef.get(id), {
    ins,
    upd: (t, u, cur, row) => upd(t, u, changed(cur, row)),
    del,
  });

  // BFD sessions by logical port and destination IP.
  syncBfdRows(c.bfd, sb.BFD.values(), { ins, upd: (t, u, cur, row) => upd(t, u, changed(cur, row)), del });

  // Port_Binding by logical port name; only the columns northd owns are compared.
  const pbRef = new Map<string, Ref<'Port_Binding'>>();
  const currentPb = new Map<string, SbTables['Port_Binding']>();
  for (const p of sb.Port_Binding.values()) {
    if (currentPb.has(p.logical_port)) del('Port_Binding', p._uuid);
    else currentPb.set(p.logical_port, p);
  }
  const desiredPorts = new Set(c.portBindings.map((p) => p.logicalPort));
  for (const [name, p] of currentPb) if (!desiredPorts.has(name)) del('Port_Binding', p._uuid);
  const mirrorRef = (name: string) => mirrors.get(name);
  for (const p of c.portBindings) {
    const cur = currentPb.get(p.logicalPort);
    const row = portBindingRow(
      p,
      dpRef.get(p.datapath)!,
      haGroupOf(p),
      chassis,
      mirrorRefs(p, (u) => c.mirrorNames.get(u), mirrorRef),
      cur,
      !cur || cur.up === null,
    );
    if (cur) {
      upd('Port_Binding', cur._uuid, changed(cur, row));
      pbRef.set(p.logicalPort, cur._uuid);
    } else pbRef.set(p.logicalPort, ins('Port_Binding', row));
  }

  // Multicast_Group by (datapath identity, name).
  const currentMc = new Map<string, SbTables['Multicast_Group']>();
  for (const g of sb.Multicast_Group.values()) {
    const dpId = dpIdOfUuid.get(g.datapath);
    const key = `${dpId}\u0000${g.name}`;
    if (!dpId || !desiredDpIds.has(dpId) || currentMc.has(key)) del('Multicast_Group', g._uuid);
    else currentMc.set(key, g);
  }
  const desiredMc = new Set<string>();
  for (const g of c.multicastGroups) {
    const key = `${g.datapath}\u0000${g.name}`;
    desiredMc.add(key);
    const row: Row = {
      datapath: dpRef.get(g.datapath)!,
      name: g.name,
      tunnel_key: g.tunnelKey,
      ports: g.ports.map((p) => pbRef.get(p)).filter((r) => r !== undefined),
    };
    const cur = currentMc.get(key);
    if (cur) upd('Multicast_Group', cur._uuid, changed(cur, row));
    else ins('Multicast_Group', row);
  }
  for (const [key, g] of currentMc) if (!desiredMc.has(key)) del('Multicast_Group', g._uuid);

  // Logical flows are matched by content (datapath kind, pipeline, table, priority, match, actions).
  // When only a flow's datapath set changes, the row is kept and re-pointed; when every flow of a
  // Logical_DP_Group moves to the same new set, the group itself is updated in place (one write
  // instead of hundreds). Unreferenced groups are garbage-collected by the server.
  const kindOf = new Map(c.datapaths.map((d) => [d.id, d.kind]));
  const groupDps = new Map<string, string[]>();
  const groupBySet = new Map<string, Ref<'Logical_DP_Group'>>();
  const lbGroups = lbGroupUuids(sb.Load_Balancer.values());
  for (const g of sb.Logical_DP_Group.values()) {
    if (lbGroups.has(g._uuid)) continue;
    const ids = g.datapaths.map((u) => dpIdOfUuid.get(u));
    if (ids.some((x) => x === undefined || !desiredDpIds.has(x))) continue;
    const sorted = (ids as string[]).sort();
    groupDps.set(g._uuid, sorted);
    const k = sorted.join(',');
    if (!groupBySet.has(k)) groupBySet.set(k, g._uuid);
  }
  interface Cur {
    readonly uuid: Uuid<'Logical_Flow'>;
    /** Its one datapath (NB id), or null when it is placed in `group`. */
    readonly single: string | null;
    readonly group: Uuid<'Logical_DP_Group'> | null;
  }
  const current = new Map<string, Cur>();
  if (index?.loaded) {
    // The index of the last round stands for the SB's flows: no row objects, no key computed again.
    // Its groups are checked against the SB's (a deleted datapath leaves a group, weakly referenced).
    for (const [key, p] of index.entries()) {
      const uuid = p.uuid as Uuid<'Logical_Flow'>;
      const group = p.group as Uuid<'Logical_DP_Group'> | null;
      if (group ? !groupDps.has(group) : !desiredDpIds.has(p.dpKey)) del('Logical_Flow', uuid);
      else current.set(key, { uuid, single: group ? null : p.dpKey, group });
    }
  } else {
    for (const f of sb.Logical_Flow.values()) {
      let dps: readonly string[] | undefined;
      if (f.logical_datapath) {
        const id = dpIdOfUuid.get(f.logical_datapath);
        dps = id && desiredDpIds.has(id) ? [id] : undefined;
      } else if (f.logical_dp_group) {
        dps = groupDps.get(f.logical_dp_group);
      }
      const kind = dps && kindOf.get(dps[0]!);
      const st = kind && stageAt(kind, f.pipeline, f.table_id);
      const key =
        st &&
        flowKey({
          stageName: st.name,
          priority: f.priority,
          match: f.match,
          actions: f.actions,
          ...(f.controller_meter !== null && f.controller_meter !== undefined ? { meter: f.controller_meter } : {}),
        });
      if (!key || current.has(key)) del('Logical_Flow', f._uuid);
      else current.set(key, { uuid: f._uuid, single: f.logical_dp_group ? null : dps![0]!, group: f.logical_dp_group });
    }
  }
  const desired = new Map<string, (typeof c.logicalFlows)[number]>();
  for (const f of c.logicalFlows) desired.set(f.key, f);

  // Groups whose matched flows all move to one new set are rewritten in place.
  const moves = new Map<string, Set<string>>();
  for (const [key, cur] of current) {
    const f = desired.get(key);
    if (!f || !cur.group) continue;
    let m = moves.get(cur.group);
    if (!m) moves.set(cur.group, (m = new Set()));
    m.add(f.dpKey);
  }
  for (const [g, targets] of moves) {
    const oldSet = groupDps.get(g)!.join(',');
    const [target] = [...targets];
    if (targets.size !== 1 || target === oldSet || !target || !target.includes(',') || groupBySet.has(target)) continue;
    if (groupBySet.get(oldSet) === g) groupBySet.delete(oldSet);
    groupBySet.set(target, g as Uuid<'Logical_DP_Group'>);
    groupDps.set(g, target.split(','));
    upd('Logical_DP_Group', g as Uuid, { datapaths: target.split(',').map((d) => dpRef.get(d)!) });
  }
  const groupKey = new Map<string, string>([...groupDps].map(([g, dps]) => [g, dps.join(',')]));
  type Desired = (typeof c.logicalFlows)[number];
  const groupFor = (f: Desired): Ref<'Logical_DP_Group'> => {
    let g = groupBySet.get(f.dpKey);
    if (!g) {
      g = ins('Logical_DP_Group', { datapaths: f.datapaths.map((d) => dpRef.get(d)!) });
      groupBySet.set(f.dpKey, g);
    }
    return g;
  };
  const placement = (f: Desired): Row =>
    f.datapaths.length === 1
      ? { logical_datapath: dpRef.get(f.datapaths[0]!)!, logical_dp_group: null }
      : { logical_datapath: null, logical_dp_group: groupFor(f) };

  index?.reset();
  for (const [key, f] of desired) {
    const cur = current.get(key);
    if (cur) {
      const now = cur.group ? groupKey.get(cur.group) : cur.single;
      if (now === f.dpKey) index?.place(key, cur.uuid, f.dpKey, cur.group);
      else {
        const p = placement(f);
        upd('Logical_Flow', cur.uuid, p);
        index?.place(key, cur.uuid, f.dpKey, p['logical_dp_group'] as Ref<'Logical_DP_Group'> | null);
      }
      continue;
    }
    // A new row: the placement column left out is empty anyway.
    const row = flowRow(f);
    const group = f.datapaths.length > 1 ? groupFor(f) : null;
    if (group) row['logical_dp_group'] = group;
    else row['logical_datapath'] = dpRef.get(f.datapaths[0]!)!;
    const ref = ins('Logical_Flow', row);
    index?.place(key, ref, f.dpKey, group);
  }
  for (const [key, cur] of current) if (!desired.has(key)) del('Logical_Flow', cur.uuid);

  // Address_Set by name.
  const currentAs = new Map<string, SbTables['Address_Set']>();
  for (const a of sb.Address_Set.values()) {
    if (currentAs.has(a.name)) del('Address_Set', a._uuid);
    else currentAs.set(a.name, a);
  }
  const desiredAs = new Set(c.addressSets.map((a) => a.name));
  for (const a of c.addressSets) {
    const cur = currentAs.get(a.name);
    const row: Row = { name: a.name, addresses: a.addresses };
    if (cur) {
      if (addressesDiffer(cur.addresses, a.addresses)) {
        stats.updated++;
        writeAddresses(w, cur, a.addresses);
      }
    } else ins('Address_Set', row);
  }
  for (const [name, a] of currentAs) if (!desiredAs.has(name)) del('Address_Set', a._uuid);

  const lbPicker = new LbGroupPicker(
    (g) => groupSetKey(sb.Logical_DP_Group.get(g as Uuid<'Logical_DP_Group'>)?.datapaths, (u) => dpIdOfUuid.get(u)),
    () => lbGroups,
    (dps) => ins('Logical_DP_Group', { datapaths: dps.map((d) => dpRef.get(d)!) }),
  );
  diffStatefulRows(c, sb, (cur, dps) => lbPicker.pick(cur, dps), {
    ins,
    upd: (t, u, cur, row) => upd(t, u, changed(cur, row)),
    del,
  });
  diffMeters(c.meters, sb, { ins, upd, del });

  return stats;
}
