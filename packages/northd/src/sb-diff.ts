// The difference between the compiled SB content and the SB as it is, written through a small writer
// interface (the daemon adapts it to a client transaction; tests record it). Rows are matched by
// identity — datapaths by NB UUID, ports by name, groups by (datapath, name), flows by content and
// datapath set — so a recompute that changes nothing writes nothing, and only changed rows are touched.
import type { NamedUuid, Uuid } from 'ovsdb-client-ts';
import type { Tables as SbTables } from '@ovnts/schema/sb';
import type { CompiledSb } from './compile.js';
import type { TablesView } from './input.js';

export const SB_OWNED_TABLES = [
  'SB_Global',
  'Datapath_Binding',
  'Port_Binding',
  'Multicast_Group',
  'Logical_Flow',
  'Logical_DP_Group',
  'Address_Set',
] as const satisfies readonly (keyof SbTables)[];

export type SbState = TablesView<SbTables, (typeof SB_OWNED_TABLES)[number]>;

type Ref<T extends string> = Uuid<T> | NamedUuid<T>;
type Row = Record<string, unknown>;

/** What the diff needs from a transaction. */
export interface SbWriter {
  insert<T extends string>(table: T, row: Row): NamedUuid<T>;
  update(table: string, uuid: Uuid, row: Row): void;
  delete(table: string, uuid: Uuid): void;
}

export interface DiffStats {
  inserted: number;
  updated: number;
  deleted: number;
}

const isEqual = (a: unknown, b: unknown): boolean => JSON.stringify(canon(a)) === JSON.stringify(canon(b));
function canon(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canon).map((x) => JSON.stringify(x)).sort();
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)));
  return v;
}

/** Only the columns that differ, or null when the row already matches. */
function changed(current: Row, desired: Row): Row | null {
  const out: Row = {};
  let any = false;
  for (const [k, v] of Object.entries(desired)) {
    const cur = current[k];
    // Refs to rows inserted in this transaction are always new values.
    const same = typeof v === 'object' && v !== null && 'namedUuid' in v ? false : isEqual(cur, v);
    if (!same) {
      out[k] = v;
      any = true;
    }
  }
  return any ? out : null;
}

export function sbFlowIdentity(pipeline: string, tableId: number, priority: number, match: string, actions: string, dps: readonly string[]): string {
  return `${pipeline}\u0000${tableId}\u0000${priority}\u0000${match}\u0000${actions}\u0000${[...dps].sort().join(',')}`;
}

/**
 * Write the difference between `c` (desired) and `sb` (current) into `w`. `nbCfg`, when given, is
 * published in SB_Global.nb_cfg in the same transaction (the first half of the --wait=sb handshake).
 */
export function diffSb(c: CompiledSb, sb: SbState, w: SbWriter, nbCfg?: number): DiffStats {
  const stats: DiffStats = { inserted: 0, updated: 0, deleted: 0 };
  const ins = <T extends string>(t: T, row: Row): NamedUuid<T> => {
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
  if (globals[0]) upd('SB_Global', globals[0]._uuid, changed(globals[0] as unknown as Row, gDesired));
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
    const row: Row = { tunnel_key: d.tunnelKey, external_ids: d.externalIds };
    const cur = currentDp.get(d.id);
    if (cur) {
      upd('Datapath_Binding', cur._uuid, changed(cur as unknown as Row, row));
      dpRef.set(d.id, cur._uuid);
    } else dpRef.set(d.id, ins('Datapath_Binding', row));
  }

  // Port_Binding by logical port name; only the columns northd owns are compared.
  const pbRef = new Map<string, Ref<'Port_Binding'>>();
  const currentPb = new Map<string, SbTables['Port_Binding']>();
  for (const p of sb.Port_Binding.values()) {
    if (currentPb.has(p.logical_port)) del('Port_Binding', p._uuid);
    else currentPb.set(p.logical_port, p);
  }
  const desiredPorts = new Set(c.portBindings.map((p) => p.logicalPort));
  for (const [name, p] of currentPb) if (!desiredPorts.has(name)) del('Port_Binding', p._uuid);
  for (const p of c.portBindings) {
    const dp = dpRef.get(p.datapath)!;
    const row: Row = {
      logical_port: p.logicalPort,
      datapath: dp,
      tunnel_key: p.tunnelKey,
      type: p.type,
      mac: p.mac,
      options: p.options,
      parent_port: p.parentPort,
      tag: p.tag,
      port_security: p.portSecurity,
      external_ids: p.externalIds,
    };
    const cur = currentPb.get(p.logicalPort);
    if (cur) {
      upd('Port_Binding', cur._uuid, changed(cur as unknown as Row, row));
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
    if (cur) upd('Multicast_Group', cur._uuid, changed(cur as unknown as Row, row));
    else ins('Multicast_Group', row);
  }
  for (const [key, g] of currentMc) if (!desiredMc.has(key)) del('Multicast_Group', g._uuid);

  // Logical_DP_Group: reuse existing groups with the same datapath set (unreferenced ones are
  // garbage-collected by the server, so they are never deleted explicitly).
  const groupDps = new Map<string, string[]>();
  const groupBySet = new Map<string, Ref<'Logical_DP_Group'>>();
  for (const g of sb.Logical_DP_Group.values()) {
    const ids = g.datapaths.map((u) => dpIdOfUuid.get(u)).filter((x) => x !== undefined);
    if (ids.length !== g.datapaths.length) continue;
    groupDps.set(g._uuid, ids);
    const k = [...ids].sort().join(',');
    if (!groupBySet.has(k)) groupBySet.set(k, g._uuid);
  }

  // Logical_Flow by content + datapath set.
  const currentFlows = new Map<string, Uuid<'Logical_Flow'>>();
  for (const f of sb.Logical_Flow.values()) {
    let dps: readonly string[] | undefined;
    if (f.logical_datapath) {
      const id = dpIdOfUuid.get(f.logical_datapath);
      dps = id && desiredDpIds.has(id) ? [id] : undefined;
    } else if (f.logical_dp_group) {
      dps = groupDps.get(f.logical_dp_group);
    }
    const key = dps && sbFlowIdentity(f.pipeline, f.table_id, f.priority, f.match, f.actions, dps);
    if (!key || currentFlows.has(key)) del('Logical_Flow', f._uuid);
    else currentFlows.set(key, f._uuid);
  }
  const desiredFlows = new Set<string>();
  for (const f of c.logicalFlows) {
    const key = sbFlowIdentity(f.pipeline, f.tableId, f.priority, f.match, f.actions, f.datapaths);
    desiredFlows.add(key);
    if (currentFlows.has(key)) continue;
    let where: Row;
    if (f.datapaths.length === 1) {
      where = { logical_datapath: dpRef.get(f.datapaths[0]!)! };
    } else {
      const setKey = f.datapaths.join(',');
      let g = groupBySet.get(setKey);
      if (!g) {
        g = ins('Logical_DP_Group', { datapaths: f.datapaths.map((d) => dpRef.get(d)!) });
        groupBySet.set(setKey, g);
      }
      where = { logical_dp_group: g };
    }
    ins('Logical_Flow', {
      ...where,
      pipeline: f.pipeline,
      table_id: f.tableId,
      priority: f.priority,
      match: f.match,
      actions: f.actions,
      external_ids: { 'stage-name': f.stageName },
    });
  }
  for (const [key, u] of currentFlows) if (!desiredFlows.has(key)) del('Logical_Flow', u);

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
    if (cur) upd('Address_Set', cur._uuid, changed(cur as unknown as Row, row));
    else ins('Address_Set', row);
  }
  for (const [name, a] of currentAs) if (!desiredAs.has(name)) del('Address_Set', a._uuid);

  return stats;
}
