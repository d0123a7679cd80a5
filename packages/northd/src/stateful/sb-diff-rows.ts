// Differences of the SB rows stateful services add (Port_Group by name, Load_Balancer by NB
// identity), written through the same writer and counters as the core diff.
import type { Uuid } from 'ovsdb-client-ts';
import type { Tables as SbTables } from '@ovnts/schema/sb';
import type { SbLoadBalancerOut } from './sb-load-balancers.js';
import type { SbPortGroupOut } from './port-groups.js';
import type { DhcpOptionCode } from './dhcp-codes.js';

type Row = Record<string, unknown>;

export interface RowOps {
  ins(table: string, row: Row): unknown;
  /** Only the changed columns of `row` are written; nothing when none changed. */
  upd(table: string, uuid: Uuid, current: Row, row: Row): void;
  del(table: string, uuid: Uuid): void;
}

export interface StatefulSbState {
  readonly Port_Group: ReadonlyMap<Uuid<'Port_Group'>, SbTables['Port_Group']>;
  readonly Load_Balancer: ReadonlyMap<Uuid<'Load_Balancer'>, SbTables['Load_Balancer']>;
  readonly DHCP_Options: ReadonlyMap<Uuid<'DHCP_Options'>, SbTables['DHCP_Options']>;
  readonly DHCPv6_Options: ReadonlyMap<Uuid<'DHCPv6_Options'>, SbTables['DHCPv6_Options']>;
}

/** Rows keyed by identity; duplicates and rows no longer desired are deleted. */
function byKey<R extends { _uuid: string }>(
  rows: Iterable<R>,
  key: (r: R) => string | undefined,
  table: string,
  ops: RowOps,
): Map<string, R> {
  const out = new Map<string, R>();
  for (const r of rows) {
    const k = key(r);
    if (k === undefined || out.has(k)) ops.del(table, r._uuid as Uuid);
    else out.set(k, r);
  }
  return out;
}

/** The SB Load_Balancer row of `lb`, its switches named through `group`. */
export function loadBalancerRow(lb: SbLoadBalancerOut, group: unknown): Row {
  return {
    name: lb.name,
    vips: lb.vips,
    protocol: lb.protocol,
    options: lb.options,
    external_ids: lb.externalIds,
    datapaths: [],
    datapath_group: group,
  };
}

export function diffStatefulRows(
  desired: {
    readonly portGroups: readonly SbPortGroupOut[];
    readonly loadBalancers: readonly SbLoadBalancerOut[];
    readonly dhcpOptions: readonly DhcpOptionCode[];
    readonly dhcpv6Options: readonly DhcpOptionCode[];
  },
  sb: StatefulSbState,
  /** A load balancer's Logical_DP_Group for its switches (sorted NB ids), given its current group. */
  lbGroup: (current: string | null, switches: readonly string[]) => unknown,
  ops: RowOps,
): void {
  const pgs = byKey(sb.Port_Group.values(), (r) => r.name, 'Port_Group', ops);
  for (const g of desired.portGroups) {
    const row: Row = { name: g.name, ports: g.ports };
    const cur = pgs.get(g.name);
    if (cur) ops.upd('Port_Group', cur._uuid, cur as unknown as Row, row);
    else ops.ins('Port_Group', row);
    pgs.delete(g.name);
  }
  for (const r of pgs.values()) ops.del('Port_Group', r._uuid);

  const lbs = byKey(sb.Load_Balancer.values(), (r) => r.external_ids['lb_id'], 'Load_Balancer', ops);
  for (const lb of desired.loadBalancers) {
    const id = lb.externalIds['lb_id']!;
    const cur = lbs.get(id);
    const row = loadBalancerRow(lb, lbGroup(cur?.datapath_group ?? null, lb.datapaths));
    if (cur) ops.upd('Load_Balancer', cur._uuid, cur as unknown as Row, row);
    else ops.ins('Load_Balancer', row);
    lbs.delete(id);
  }
  for (const r of lbs.values()) ops.del('Load_Balancer', r._uuid);

  // The DHCP option vocabularies, by option name.
  for (const [table, codes] of [
    ['DHCP_Options', desired.dhcpOptions],
    ['DHCPv6_Options', desired.dhcpv6Options],
  ] as const) {
    const current = byKey<SbTables['DHCP_Options'] | SbTables['DHCPv6_Options']>(
      sb[table].values(),
      (r) => r.name,
      table,
      ops,
    );
    for (const o of codes) {
      const row: Row = { name: o.name, code: o.code, type: o.type };
      const cur = current.get(o.name);
      if (cur) ops.upd(table, cur._uuid as Uuid, cur as unknown as Row, row);
      else ops.ins(table, row);
      current.delete(o.name);
    }
    for (const r of current.values()) ops.del(table, r._uuid as Uuid);
  }
}
