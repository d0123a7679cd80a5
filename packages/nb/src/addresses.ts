// Address arguments: every operation that takes an address accepts it either as text (checked and
// normalized as ovn-nbctl does, errors quoting it as given) or already parsed with @ovnts/net. A
// parsed value cannot be malformed, so it only meets the checks that are about the database
// (duplicates, families that must agree, a next hop inside a network).
import { formatIp, formatMac, type IpAddr, type IpNet, type Mac } from '@ovnts/net';

/** A MAC: "0a:00:00:00:00:01" or @ovnts/net's Mac (a 48-bit bigint, e.g. parseMac's result). */
export type MacArg = string | Mac;
/** An IPv4 or IPv6 address: text or @ovnts/net's IpAddr. */
export type IpArg = string | IpAddr;
/** "ADDR/LEN": text or @ovnts/net's IpNet (host bits are kept, as router port networks need). */
export type PrefixArg = string | IpNet;
/** An address or a network, where OVN takes either (SNAT's logical side, NAT external-IP lookups). */
export type IpOrPrefixArg = string | IpAddr | IpNet;

/** One entry of Logical_Switch_Port.addresses or port_security, parsed: a MAC and its IPs/networks. */
export interface LspAddress {
  readonly mac: Mac;
  readonly ips?: readonly (IpAddr | IpNet)[];
}
/** "MAC [IP...]" or a keyword ("unknown", "router", "dynamic"...) as text, or a parsed LspAddress. */
export type LspAddressArg = string | LspAddress;

/** A load-balancer endpoint, parsed: an address and an optional L4 port. */
export interface LbEndpoint {
  readonly ip: IpAddr;
  readonly port?: number;
}
/** "IP[:PORT]" / "[IPv6]:PORT" as text, or a parsed LbEndpoint. */
export type LbEndpointArg = string | LbEndpoint;

const isNet = (a: IpAddr | IpNet): a is IpNet => 'plen' in a;

export function macText(m: MacArg): string {
  return typeof m === 'string' ? m : formatMac(m);
}

export function ipText(a: IpArg): string {
  return typeof a === 'string' ? a : formatIp(a);
}

export function prefixText(p: PrefixArg): string {
  return typeof p === 'string' ? p : `${formatIp(p.addr)}/${p.plen}`;
}

export function ipOrPrefixText(a: IpOrPrefixArg): string {
  if (typeof a === 'string') return a;
  return isNet(a) ? prefixText(a) : formatIp(a);
}

export function lspAddressText(a: LspAddressArg): string {
  if (typeof a === 'string') return a;
  return [formatMac(a.mac), ...(a.ips ?? []).map(ipOrPrefixText)].join(' ');
}

/** The text of one endpoint; an IPv6 address with a port is bracketed. */
export function endpointText(e: LbEndpointArg): string {
  if (typeof e === 'string') return e;
  const host = formatIp(e.ip);
  if (e.port === undefined) return host;
  return e.ip.family === 6 ? `[${host}]:${e.port}` : `${host}:${e.port}`;
}

/** Backends as the comma-separated text the `vips` column holds. */
export function backendsText(b: string | readonly LbEndpointArg[]): string {
  return typeof b === 'string' ? b : b.map(endpointText).join(',');
}
