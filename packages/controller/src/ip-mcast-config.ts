// The multicast snooping configuration of the local switches, from their SB IP_Multicast rows (pure), as
// ovn-controller reads it: snooping on or off, table size, idle timeout, and the querier (IGMP with an
// IPv4 source, MLD with an IPv6 one, both needing a valid Ethernet source). `seqNo` moves when someone
// asks for the learned groups to be flushed (`ovn-sbctl ip-multicast-flush`).
import { macToBytes, parseIpv4, parseIpv6, parseMac, ipv6ToBytes } from '@ovnts/net';
import type { DatapathBinding, IPMulticast } from '@ovnts/schema/sb';
import type { Uuid } from 'ovsdb-client-ts';
import type { LocalView, SbSnapshot } from './view.js';

export const DEFAULT_TABLE_SIZE = 2048;
export const DEFAULT_IDLE_S = 300;
export const DEFAULT_QUERY_MAX_RESP_S = 1;

export interface McastConfig {
  readonly dp: Uuid<'Datapath_Binding'>;
  readonly dpKey: number;
  readonly enabled: boolean;
  readonly tableSize: number;
  readonly idleS: number;
  readonly queryIntervalS: number;
  readonly queryMaxRespS: number;
  readonly seqNo: number;
  /** IGMP querier: Ethernet and IPv4 source. */
  readonly querier4: { readonly eth: Buffer; readonly ip: number } | undefined;
  /** MLD querier: Ethernet and IPv6 source. */
  readonly querier6: { readonly eth: Buffer; readonly ip: Buffer } | undefined;
  /** Why a querier asked for is off (logged when the configuration is new). */
  readonly warnings: readonly string[];
}

/** What a row asks for. */
export function mcastConfig(row: IPMulticast, dpKey: number): McastConfig {
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(m);
  const enabled = row.enabled === true;
  const idleS = row.idle_timeout ?? DEFAULT_IDLE_S;
  const base = {
    dp: row.datapath,
    dpKey,
    enabled,
    tableSize: row.table_size ?? DEFAULT_TABLE_SIZE,
    idleS,
    queryIntervalS: row.query_interval ?? Math.max(1, Math.floor(idleS / 2)),
    queryMaxRespS: row.query_max_resp ?? DEFAULT_QUERY_MAX_RESP_S,
    seqNo: row.seq_no,
    warnings,
  };
  if (!enabled || row.querier !== true) return { ...base, querier4: undefined, querier6: undefined };
  const ip4 = row.ip4_src ? parseIpv4(row.ip4_src) : null;
  if (row.ip4_src && ip4 === null) warn('IGMP Querier enabled with invalid IPv4 src address');
  const ip6 = row.ip6_src ? parseIpv6(row.ip6_src) : null;
  if (row.ip6_src && ip6 === null) warn('MLD Querier enabled with invalid IPv6 src address');
  if (ip4 === null && ip6 === null) warn('IGMP Querier enabled without a valid IPv4 or IPv6 address');
  const mac = parseMac(row.eth_src);
  if (!mac) {
    warn('IGMP Querier enabled with invalid ETH src address');
    return { ...base, querier4: undefined, querier6: undefined };
  }
  const eth = macToBytes(mac);
  return {
    ...base,
    querier4: ip4 === null ? undefined : { eth, ip: ip4 },
    querier6: ip6 === null ? undefined : { eth, ip: ipv6ToBytes(ip6) },
  };
}

/** The configurations of the local datapaths' IP_Multicast rows. */
export function mcastConfigs(view: Pick<LocalView, 'localDps'>, sb: Pick<SbSnapshot, 'IP_Multicast'>): McastConfig[] {
  const out: McastConfig[] = [];
  for (const row of sb.IP_Multicast.values()) {
    const dp = view.localDps.get(row.datapath);
    if (dp) out.push(mcastConfig(row, dp.tunnel_key));
  }
  return out;
}

/**
 * mcastConfigs, built again only when the IP_Multicast rows or the local datapath rows they name moved (rows
 * are replaced, never changed in place): otherwise the same array, which IpMcast.configure then skips. A round
 * that adds a pod elsewhere parsed every local switch's row again.
 */
export class McastConfigsMemo {
  private rows: unknown;
  private dps: readonly (DatapathBinding | undefined)[] = [];
  private last: McastConfig[] = [];

  get(view: Pick<LocalView, 'localDps'>, sb: Pick<SbSnapshot, 'IP_Multicast'>): McastConfig[] {
    const dps: (DatapathBinding | undefined)[] = [];
    for (const row of sb.IP_Multicast.values()) dps.push(view.localDps.get(row.datapath));
    if (sb.IP_Multicast === this.rows && dps.length === this.dps.length && dps.every((d, i) => d === this.dps[i]))
      return this.last;
    this.rows = sb.IP_Multicast;
    this.dps = dps;
    return (this.last = mcastConfigs(view, sb));
  }
}

/** Whether two configurations differ in anything (a new one replaces the old). */
export function sameMcastConfig(a: McastConfig, b: McastConfig): boolean {
  const q = (x: { eth: Buffer; ip: number | Buffer } | undefined, y: typeof x) =>
    x === y ||
    (!!x && !!y && x.eth.equals(y.eth) && (typeof x.ip === 'number' ? x.ip === y.ip : x.ip.equals(y.ip as Buffer)));
  return (
    a.dp === b.dp &&
    a.enabled === b.enabled &&
    a.tableSize === b.tableSize &&
    a.idleS === b.idleS &&
    a.queryIntervalS === b.queryIntervalS &&
    a.queryMaxRespS === b.queryMaxRespS &&
    a.seqNo === b.seqNo &&
    q(a.querier4, b.querier4) &&
    q(a.querier6, b.querier6)
  );
}
