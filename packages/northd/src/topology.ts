// The resolved logical topology: switches and routers with their ports, parsed addresses and peers.
// Built once per compile from the NB input; bad rows are reported and left out, never thrown.
import type {
  LogicalRouter,
  LogicalRouterPort,
  LogicalRouterStaticRoute,
  LogicalSwitch,
  LogicalSwitchPort,
} from '@ovnts/schema/nb';
import {
  formatIp,
  formatMac,
  linkLocalOf,
  netContains,
  parseCidr,
  parseIp,
  parseMac,
  type IpAddr,
  type IpNet,
  type Ipv4Addr,
  type Ipv6Addr,
  type Mac,
} from './addresses.js';
import { rowName, type Diagnostics } from './diagnostics.js';
import type { NbInput } from './input.js';

/** One "MAC [IP…]" entry of a switch port's addresses (or of a router port as seen from the switch). */
export interface LspAddress {
  readonly mac: Mac;
  readonly macS: string;
  readonly ipv4: readonly string[];
  readonly ipv6: readonly string[];
}

/** A router port network: address with prefix. */
export interface LrpNet {
  readonly net: IpNet;
  readonly addrS: string;
}

export interface SwitchPort {
  readonly kind: 'lsp';
  readonly name: string;
  readonly nb: LogicalSwitchPort;
  readonly dp: SwitchDatapath;
  /** NB type ("" VIF, "router", "localport", "localnet", …). */
  readonly type: string;
  readonly enabled: boolean;
  readonly addresses: readonly LspAddress[];
  readonly hasUnknown: boolean;
  /** For type "router": the router port it attaches to. */
  peer: RouterPort | null;
}

export interface RouterPort {
  readonly kind: 'lrp';
  readonly name: string;
  readonly nb: LogicalRouterPort;
  readonly dp: RouterDatapath;
  readonly enabled: boolean;
  readonly mac: Mac;
  readonly macS: string;
  readonly ipv4: readonly LrpNet[];
  /** Global addresses first, then the EUI-64 link-local address last. */
  readonly ipv6: readonly LrpNet[];
  /** The switch port of type "router" pointing at this port. */
  peer: SwitchPort | null;
}

export interface SwitchDatapath {
  readonly kind: 'switch';
  readonly uuid: string;
  readonly name: string;
  readonly nb: LogicalSwitch;
  readonly ports: SwitchPort[];
  /** Ports of type "router" (with or without a resolved peer). */
  readonly routerPorts: SwitchPort[];
}

export interface StaticRoute {
  readonly nb: LogicalRouterStaticRoute;
  readonly prefix: IpNet;
  readonly isSrc: boolean;
  readonly nexthop: IpAddr | null;
  readonly discard: boolean;
  readonly outPort: RouterPort | null;
  /** The router port address used as source (reg1/xxreg1). */
  readonly lrpAddrS: string;
  readonly routeTable: string;
}

export interface RouterDatapath {
  readonly kind: 'router';
  readonly uuid: string;
  readonly name: string;
  readonly nb: LogicalRouter;
  readonly ports: RouterPort[];
  readonly routes: StaticRoute[];
}

export type Datapath = SwitchDatapath | RouterDatapath;
export type Port = SwitchPort | RouterPort;

export interface Topology {
  readonly switches: readonly SwitchDatapath[];
  readonly routers: readonly RouterDatapath[];
  readonly lsps: ReadonlyMap<string, SwitchPort>;
  readonly lrps: ReadonlyMap<string, RouterPort>;
}

const byNameThenUuid = <T extends { name: string; _uuid: string }>(a: T, b: T) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a._uuid < b._uuid ? -1 : a._uuid > b._uuid ? 1 : 0;

export function dpLabel(nb: { name: string; _uuid: string }): string {
  return nb.name || nb._uuid;
}

/** Parse a switch port's addresses column; "unknown"/"router"/"dynamic" are handled by the caller. */
export function parseLspAddress(s: string): LspAddress | null {
  const toks = s.trim().split(/\s+/);
  const mac = parseMac(toks[0] ?? '');
  if (mac === null) return null;
  const ipv4: string[] = [];
  const ipv6: string[] = [];
  for (const t of toks.slice(1)) {
    const a = parseIp(t.includes('/') ? t.slice(0, t.indexOf('/')) : t);
    if (!a) return null;
    (a.family === 4 ? ipv4 : ipv6).push(formatIp(a));
  }
  return { mac, macS: formatMac(mac), ipv4, ipv6 };
}

export function buildTopology(nb: NbInput, diag: Diagnostics): Topology {
  const lsps = new Map<string, SwitchPort>();
  const lrps = new Map<string, RouterPort>();
  const switches: SwitchDatapath[] = [];
  const routers: RouterDatapath[] = [];

  // Routers first: switch ports of type "router" resolve their peers against them.
  for (const lr of [...nb.Logical_Router.values()].sort(byNameThenUuid)) {
    const dp: RouterDatapath = { kind: 'router', uuid: lr._uuid, name: lr.name, nb: lr, ports: [], routes: [] };
    const rows = lr.ports.map((u) => nb.Logical_Router_Port.get(u)).filter((r) => r !== undefined);
    for (const lrp of rows.sort(byNameThenUuid)) {
      if (lsps.has(lrp.name) || lrps.has(lrp.name)) {
        diag.warn('Logical_Router_Port', rowName(lrp), `duplicate logical router port ${lrp.name}`);
        continue;
      }
      const port = buildRouterPort(lrp, dp, diag);
      if (port) {
        dp.ports.push(port);
        lrps.set(port.name, port);
      }
    }
    routers.push(dp);
  }

  for (const ls of [...nb.Logical_Switch.values()].sort(byNameThenUuid)) {
    const dp: SwitchDatapath = { kind: 'switch', uuid: ls._uuid, name: ls.name, nb: ls, ports: [], routerPorts: [] };
    const rows = ls.ports.map((u) => nb.Logical_Switch_Port.get(u)).filter((r) => r !== undefined);
    for (const lsp of rows.sort(byNameThenUuid)) {
      if (lsps.has(lsp.name) || lrps.has(lsp.name)) {
        diag.warn('Logical_Switch_Port', rowName(lsp), `duplicate logical port ${lsp.name}`);
        continue;
      }
      const port = buildSwitchPort(lsp, dp, lrps, diag);
      dp.ports.push(port);
      if (port.type === 'router') dp.routerPorts.push(port);
      lsps.set(port.name, port);
    }
    switches.push(dp);
  }

  for (const dp of routers) {
    const rows = dp.nb.static_routes.map((u) => nb.Logical_Router_Static_Route.get(u)).filter((r) => r !== undefined);
    for (const r of rows) {
      const route = buildRoute(r, dp, lrps, diag);
      if (route) dp.routes.push(route);
    }
  }
  return { switches, routers, lsps, lrps };
}

export function buildRouterPort(lrp: LogicalRouterPort, dp: RouterDatapath, diag: Diagnostics): RouterPort | null {
  // ovn-northd takes any MAC that parses, a multicast one included (upstream's "lr multiple gw ports" uses one).
  const mac = parseMac(lrp.mac);
  if (mac === null) {
    diag.warn('Logical_Router_Port', rowName(lrp), `bad MAC address ${JSON.stringify(lrp.mac)}; port skipped`);
    return null;
  }
  const ipv4: LrpNet[] = [];
  const ipv6: LrpNet[] = [];
  for (const n of lrp.networks) {
    // A bare address is a host network (/32, /128), as ovn-northd parses it.
    const net = parseCidr(n, true);
    if (!net) {
      diag.warn('Logical_Router_Port', rowName(lrp), `bad network ${JSON.stringify(n)}; network skipped`);
      continue;
    }
    const clash = dp.ports.find((p) => [...p.ipv4, ...p.ipv6].some((x) => netsOverlap(x.net, net)));
    if (clash) {
      diag.warn('Logical_Router_Port', rowName(lrp), `network ${n} overlaps port ${clash.name}; network skipped`);
      continue;
    }
    (net.addr.family === 4 ? ipv4 : ipv6).push({ net, addrS: formatIp(net.addr) });
  }
  // Every router port has an EUI-64 link-local address, even without IPv6 networks.
  const lla: Ipv6Addr = { family: 6, value: linkLocalOf(mac) };
  ipv6.push({ net: { addr: lla, plen: 64 }, addrS: formatIp(lla) });
  return {
    kind: 'lrp',
    name: lrp.name,
    nb: lrp,
    dp,
    enabled: lrp.enabled !== false,
    mac,
    macS: formatMac(mac),
    ipv4,
    ipv6,
    peer: null,
  };
}

function netsOverlap(a: IpNet, b: IpNet): boolean {
  if (a.addr.family !== b.addr.family) return false;
  const shorter = a.plen <= b.plen ? a : b;
  const other = shorter === a ? b : a;
  return netContains(shorter, other.addr);
}

export function buildSwitchPort(
  lsp: LogicalSwitchPort,
  dp: SwitchDatapath,
  lrps: ReadonlyMap<string, RouterPort>,
  diag: Diagnostics,
): SwitchPort {
  let peer: RouterPort | null = null;
  if (lsp.type === 'router') {
    const rp = lsp.options['router-port'];
    peer = rp !== undefined ? (lrps.get(rp) ?? null) : null;
    if (!peer) diag.warn('Logical_Switch_Port', rowName(lsp), `router-port ${JSON.stringify(rp ?? '')} not found`);
  }
  // Rebuilding a switch re-reads its ports: a non-router row's addresses are parsed once (rows are
  // immutable; a row with a diagnostic is parsed again, so the diagnostic is reported again).
  let parsed = lsp.type === 'router' ? undefined : parsedAddresses.get(lsp);
  if (!parsed) {
    const warnings = diag.list.length;
    parsed = parseSwitchPortAddresses(lsp, peer, diag);
    if (lsp.type !== 'router' && diag.list.length === warnings) parsedAddresses.set(lsp, parsed);
  }
  const port: SwitchPort = {
    kind: 'lsp',
    name: lsp.name,
    nb: lsp,
    dp,
    type: lsp.type,
    enabled: lsp.enabled !== false,
    addresses: parsed.addresses,
    hasUnknown: parsed.hasUnknown,
    peer,
  };
  if (peer) peer.peer = port;
  return port;
}

interface ParsedAddresses {
  readonly addresses: readonly LspAddress[];
  readonly hasUnknown: boolean;
}

function parseSwitchPortAddresses(lsp: LogicalSwitchPort, peer: RouterPort | null, diag: Diagnostics): ParsedAddresses {
  const addresses: LspAddress[] = [];
  let hasUnknown = false;
  for (const a of lsp.addresses) {
    const t = a.trim();
    if (t === 'unknown') {
      hasUnknown = true;
    } else if (t === 'router') {
      if (peer) {
        addresses.push({
          mac: peer.mac,
          macS: peer.macS,
          ipv4: peer.ipv4.map((n) => n.addrS),
          ipv6: peer.ipv6.map((n) => n.addrS),
        });
      }
    } else if (t === 'dynamic' || /^\S+\s+dynamic$/.test(t) || /^dynamic\s/.test(t)) {
      // Dynamic addressing is assigned by the NB side; use what was assigned, if anything.
      const assigned = lsp.dynamic_addresses ? parseLspAddress(lsp.dynamic_addresses) : null;
      if (assigned) addresses.push(assigned);
    } else {
      const one = parseLspAddress(t);
      if (one) addresses.push(one);
      else
        diag.warn(
          'Logical_Switch_Port',
          rowName(lsp),
          `invalid syntax ${JSON.stringify(a)} in addresses; address skipped`,
        );
    }
  }
  return { addresses, hasUnknown };
}

const parsedAddresses = new WeakMap<LogicalSwitchPort, ParsedAddresses>();

/**
 * The addresses a topology already parsed from this row (a port not of type "router" whose addresses
 * drew no diagnostic), or undefined.
 */
export function parsedSwitchPortAddresses(lsp: LogicalSwitchPort): readonly LspAddress[] | undefined {
  return parsedAddresses.get(lsp)?.addresses;
}

export function buildRoute(
  r: LogicalRouterStaticRoute,
  dp: RouterDatapath,
  lrps: ReadonlyMap<string, RouterPort>,
  diag: Diagnostics,
): StaticRoute | null {
  const label = `${dp.name} ${r.ip_prefix} via ${r.nexthop}`;
  const prefix = parseCidr(r.ip_prefix, true);
  if (!prefix) {
    diag.warn('Logical_Router_Static_Route', label, 'bad ip_prefix; route skipped');
    return null;
  }
  const discard = r.nexthop === 'discard';
  let nexthop: IpAddr | null = null;
  if (!discard && r.nexthop !== '') {
    const nh = parseCidr(r.nexthop, true);
    if (!nh || nh.plen !== (nh.addr.family === 4 ? 32 : 128)) {
      diag.warn('Logical_Router_Static_Route', label, 'bad nexthop; route skipped');
      return null;
    }
    if (nh.addr.family !== prefix.addr.family) {
      diag.warn('Logical_Router_Static_Route', label, 'address family of prefix and nexthop differ; route skipped');
      return null;
    }
    nexthop = nh.addr;
  }
  const fam = prefix.addr.family;
  const netsOf = (p: RouterPort) => (fam === 4 ? p.ipv4 : p.ipv6);
  let outPort: RouterPort | null = null;
  let lrpAddrS = '';
  if (!discard) {
    if (r.output_port !== null) {
      const p = lrps.get(r.output_port);
      if (!p || p.dp !== dp) {
        diag.warn(
          'Logical_Router_Static_Route',
          label,
          `output_port ${r.output_port} not found on the router; route skipped`,
        );
        return null;
      }
      outPort = p;
      const member = nexthop ? netsOf(p).find((n) => netContains(n.net, nexthop)) : undefined;
      lrpAddrS = member?.addrS ?? netsOf(p)[0]?.addrS ?? '';
    } else {
      for (const p of dp.ports) {
        const member = nexthop ? netsOf(p).find((n) => netContains(n.net, nexthop)) : undefined;
        if (member) {
          outPort = p;
          lrpAddrS = member.addrS;
          break;
        }
      }
    }
    if (!outPort || !lrpAddrS) {
      diag.warn('Logical_Router_Static_Route', label, 'no router port reaches the next hop; route skipped');
      return null;
    }
  }
  return {
    nb: r,
    prefix,
    isSrc: r.policy === 'src-ip',
    nexthop,
    discard,
    outPort,
    lrpAddrS,
    routeTable: r.route_table,
  };
}

export type { Ipv4Addr };
