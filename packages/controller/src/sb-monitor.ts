// Conditional monitoring of the southbound DB (ovn-controller's default, `ovn-monitor-all=false`): the chassis
// replicates only what it can use, so its memory and the SB's sending scale with its local slice.
//
// What is kept, per table (the server keeps a row when ANY clause matches):
// - Port_Binding: every patch, chassisredirect and external port (patch peers tell which datapaths become
//   local next, so their slice can be asked for in the same round); ports bound to or requested on this
//   chassis; l2/l3 gateway ports naming it; ports named by a local interface's iface-id (so they can be
//   claimed); every port of a local datapath.
// - Logical_Flow, Load_Balancer: rows of a local datapath, or of a datapath group that holds one. (Upstream
//   takes every grouped lflow; the groups themselves are replicated whole, so the slice can name them.)
// - MAC_Binding, Static_MAC_Binding, Multicast_Group, IP_Multicast, DNS, FDB: rows of local datapaths.
// - Chassis_Private, Controller_Event, IGMP_Group, Chassis_Template_Var: this chassis's rows.
// - Everything else (Chassis and Encap for tunnels, Datapath_Binding, Logical_DP_Group, HA groups, address
//   sets, port groups, meters, SB_Global…) whole.
// `ovn-monitor-all=true` lifts every condition.
//
// The slice depends on what is replicated (a claimed port makes its datapath local, whose patch ports lead
// further): the daemon recomputes the conditions each round and, when they changed, waits for the server to
// apply them before computing flows, so flows are never computed from a slice that is still arriving, and a
// row that only moved between datapath groups is back before anything is installed without it.
import type { ConditionMap, MonitorCondition, Replica, Uuid } from 'ovsdb-client-ts';
import type { model as sbModel, DatapathBinding, Tables as SbTables } from '@ovnts/schema/sb';
import type { SbSnapshot } from './view.js';

type SbModel = typeof sbModel;
export type SbConditions = ConditionMap<SbModel>;

/** The tables whose rows are filtered by conditions (all others are replicated whole). */
export const CONDITIONED_TABLES = [
  'Port_Binding',
  'Logical_Flow',
  'Load_Balancer',
  'MAC_Binding',
  'Static_MAC_Binding',
  'Multicast_Group',
  'IP_Multicast',
  'DNS',
  'FDB',
  'Chassis_Private',
  'Controller_Event',
  'IGMP_Group',
  'Chassis_Template_Var',
] as const satisfies readonly (keyof SbTables)[];

export interface MonitorInterest {
  /** `ovn-monitor-all=true`: replicate everything. */
  readonly monitorAll: boolean;
  readonly chassisName: string;
  /** This chassis's Chassis row, once registered. */
  readonly chassis: Uuid<'Chassis'> | undefined;
  /** external_ids:iface-id of the interfaces on the integration bridge. */
  readonly ifaceIds: ReadonlySet<string>;
  readonly localDps: ReadonlyMap<Uuid<'Datapath_Binding'>, DatapathBinding>;
}

/** No clause: nothing (an empty condition would mean every row). */
function anyOf<R>(clauses: MonitorCondition<R>): MonitorCondition<R> {
  return clauses.length ? clauses : [false];
}

/** The SB conditions for this chassis's slice (pure; stable order, so equal slices give equal conditions). */
export function sbConditions(sb: Pick<SbSnapshot, 'Logical_DP_Group'>, want: MonitorInterest): SbConditions {
  if (want.monitorAll) return Object.fromEntries(CONDITIONED_TABLES.map((t) => [t, undefined])) as SbConditions;
  const dps = [...want.localDps.keys()].sort();
  const local = new Set<string>(dps);
  const groups = [...sb.Logical_DP_Group.values()]
    .filter((g) => g.datapaths.some((d) => local.has(d)))
    .map((g) => g._uuid)
    .sort();
  const keys = [...want.localDps.values()].map((d) => d.tunnel_key).sort((a, b) => a - b);
  const ifaceIds = [...want.ifaceIds].sort();
  const name = want.chassisName;
  const me = want.chassis;
  return {
    Port_Binding: [
      ['type', '==', 'patch'],
      ['type', '==', 'chassisredirect'],
      ['type', '==', 'external'],
      ...(me
        ? ([
            ['chassis', '==', me],
            ['requested_chassis', '==', me],
          ] as const)
        : []),
      ['options', 'includes', { 'l2gateway-chassis': name }],
      ['options', 'includes', { 'l3gateway-chassis': name }],
      ...ifaceIds.flatMap((id) => [['logical_port', '==', id] as const, ['parent_port', '==', id] as const]),
      ...dps.map((d) => ['datapath', '==', d] as const),
    ],
    Logical_Flow: anyOf([
      ...dps.map((d) => ['logical_datapath', '==', d] as const),
      ...groups.map((g) => ['logical_dp_group', '==', g] as const),
    ]),
    Load_Balancer: anyOf([
      ...dps.map((d) => ['datapaths', 'includes', d] as const),
      ...groups.map((g) => ['datapath_group', '==', g] as const),
    ]),
    MAC_Binding: anyOf(dps.map((d) => ['datapath', '==', d] as const)),
    Static_MAC_Binding: anyOf(dps.map((d) => ['datapath', '==', d] as const)),
    Multicast_Group: anyOf(dps.map((d) => ['datapath', '==', d] as const)),
    IP_Multicast: anyOf(dps.map((d) => ['datapath', '==', d] as const)),
    DNS: anyOf(dps.map((d) => ['datapaths', 'includes', d] as const)),
    FDB: anyOf(keys.map((k) => ['dp_key', '==', k] as const)),
    Chassis_Private: [['name', '==', name]],
    Controller_Event: me ? [['chassis', '==', me]] : [false],
    IGMP_Group: me ? [['chassis', '==', me]] : [false],
    Chassis_Template_Var: [['chassis', '==', name]],
  };
}

/** Monitor options for the first subscription, with the given conditions. */
export function monitorTables(conds: SbConditions): {
  [T in keyof SbTables]?: { where: MonitorCondition<SbTables[T]> } | true;
} {
  const out: Record<string, { where: unknown } | true> = {};
  for (const [t, where] of Object.entries(conds)) if (where) out[t] = { where };
  return out as { [T in keyof SbTables]?: { where: MonitorCondition<SbTables[T]> } | true };
}

/** Sends condition changes, only for tables whose condition differs from what was last sent. */
export class SbMonitor {
  private readonly sent = new Map<string, string>();
  /** Condition changes the server applied. */
  changes = 0;

  constructor(
    private readonly replica: Replica<SbModel>,
    initial: SbConditions,
    private readonly timeoutMs = 30_000,
  ) {
    for (const [t, w] of Object.entries(initial)) this.sent.set(t, JSON.stringify(w ?? null));
  }

  /** Applies `conds`; true when something changed (the new slice is in the replica when this resolves). */
  async apply(conds: SbConditions, signal?: AbortSignal): Promise<boolean> {
    const changed: Record<string, unknown> = {};
    const keys = new Map<string, string>();
    for (const [t, w] of Object.entries(conds)) {
      const key = JSON.stringify(w ?? null);
      if (this.sent.get(t) === key) continue;
      changed[t] = w;
      keys.set(t, key);
    }
    if (!keys.size) return false;
    // Forget what was sent until the server confirms: after a failure the next round sends it again.
    for (const t of keys.keys()) this.sent.delete(t);
    await this.replica.setConditions(changed as SbConditions, {
      timeoutMs: this.timeoutMs,
      ...(signal ? { signal } : {}),
    });
    for (const [t, key] of keys) this.sent.set(t, key);
    this.changes++;
    return true;
  }
}
