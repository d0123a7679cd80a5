// The desired rows of the keyed SB tables (keyed-rows.ts), each as ovn-northd 23.03 writes it.
import type { ChassisTemplateVar, DNS, LogicalSwitch, Mirror, StaticMACBinding } from '@ovnts/schema/nb';
import { smapBool } from '../router-options.js';
import type { KeyedRow } from './keyed-rows.js';

/** SB Mirror: a copy of the NB row's name, filter, sink, type and index (not its external_ids). */
export function mirrorRow(m: Mirror): KeyedRow {
  return { columns: { name: m.name, filter: m.filter, sink: m.sink, type: m.type, index: m.index } };
}

/** SB Chassis_Template_Var: the NB row's chassis and variables (not its external_ids). */
export function templateVarRow(v: ChassisTemplateVar): KeyedRow {
  return { columns: { chassis: v.chassis, variables: { ...v.variables } } };
}

/**
 * SB Static_MAC_Binding of an NB row whose logical port is a router port, on that port's router
 * (ovn-northd skips rows naming any other port).
 */
export function staticMacBindingRow(s: StaticMACBinding, routerOfPort: string | undefined): KeyedRow | undefined {
  if (routerOfPort === undefined) return undefined;
  return {
    columns: { logical_port: s.logical_port, ip: s.ip, mac: s.mac, override_dynamic_mac: s.override_dynamic_mac },
    datapath: routerOfPort,
  };
}

// ovn-northd's IGMP/MLD snooping defaults and bounds (lib/ip-mcast-index.h).
const MCAST_DEFAULT_TABLE_SIZE = 2048;
const MCAST_DEFAULT_IDLE_TIMEOUT = 300;
const MCAST_IDLE_TIMEOUT = [15, 3600] as const;
const MCAST_QUERY_INTERVAL = [1, 3600] as const;
const MCAST_DEFAULT_QUERY_MAX_RESP = 1;

/** smap_get_ullong: a decimal number, or the default. */
function ullong(map: Readonly<Record<string, string>>, key: string, def: number): number {
  const v = map[key];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : def;
}
const clamp = (v: number, [lo, hi]: readonly [number, number]) => Math.min(hi, Math.max(lo, v));

/**
 * SB IP_Multicast of a switch: snooping configuration from other_config. The source addresses are set
 * only when configured (ovn-northd never clears them), and seq_no is ovn-controller's.
 */
export function ipMulticastRow(ls: Pick<LogicalSwitch, '_uuid' | 'other_config'>): KeyedRow {
  const oc = ls.other_config;
  const idle = clamp(ullong(oc, 'mcast_idle_timeout', MCAST_DEFAULT_IDLE_TIMEOUT), MCAST_IDLE_TIMEOUT);
  const columns: Record<string, unknown> = {
    enabled: smapBool(oc, 'mcast_snoop', false),
    querier: smapBool(oc, 'mcast_querier', true),
    table_size: ullong(oc, 'mcast_table_size', MCAST_DEFAULT_TABLE_SIZE),
    idle_timeout: idle,
    query_interval: clamp(ullong(oc, 'mcast_query_interval', Math.floor(idle / 2)), MCAST_QUERY_INTERVAL),
    query_max_resp: ullong(oc, 'mcast_query_max_response', MCAST_DEFAULT_QUERY_MAX_RESP),
  };
  for (const [col, key] of [
    ['eth_src', 'mcast_eth_src'],
    ['ip4_src', 'mcast_ip4_src'],
    ['ip6_src', 'mcast_ip6_src'],
  ] as const) {
    const v = oc[key];
    if (v !== undefined) columns[col] = v;
  }
  return { columns, datapath: ls._uuid };
}

/**
 * SB DNS of an NB DNS row named by switches: its records (values lower-cased, as ovn-northd 23.03 writes
 * them, so lookups compare alike), the switches and external_ids:dns_id, the NB row's UUID.
 */
export function dnsRow(d: DNS, switches: readonly string[]): KeyedRow {
  const records: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.records)) records[k] = v.replace(/[A-Z]+/g, (c) => c.toLowerCase()); // ASCII only, as C's tolower
  return { columns: { records, external_ids: { dns_id: d._uuid } }, datapaths: switches };
}
