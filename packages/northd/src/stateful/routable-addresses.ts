// Routable addresses (NAT `options:add_route=true`, Load_Balancer `options:add_route=true`), as
// ovn-northd 23.03 handles them: the external addresses of such NAT rules and the VIPs of such balancers
// behind a distributed gateway port are made reachable from the other routers on that port's switch —
// each of them gets a /32 route out of its own port on the switch (lr_in_ip_routing), and, when it is a
// gateway router or its port there is a distributed gateway port, a static resolution of those
// addresses to the owning port's MAC (or a floating IP's external MAC) in lr_in_arp_resolve.
import type { NAT } from '@ovnts/schema/nb';
import { formatIp, formatMac, netContains, parseIp, parseMac } from '../addresses.js';
import { ssetOrder } from '../ovs-hash-order.js';
import { connectedRoutePriority, routeActions, routeAdd } from '../router-flows.js';
import { dynamicNeighRouters, smapBool } from '../router-options.js';
import type { StageName } from '../stages.js';
import type { RouterPort } from '../topology.js';
import { redirectPorts } from './gateway-bindings.js';
import type { ParsedLb } from './lb-vip.js';

type Add = (st: StageName, prio: number, match: string, actions: string) => void;

/** One "MAC IP…" group of routable addresses (only IPv4 addresses are routed and resolved). */
export interface RoutableEntry {
  readonly macS: string;
  readonly ipv4: readonly string[];
}

const q = (s: string) => JSON.stringify(s);

/** A NAT external address that names one IPv4 host ("A.B.C.D" or "A.B.C.D/32"), normalized; else null. */
function hostIpv4(ext: string): string | null {
  const text = ext.endsWith('/32') ? ext.slice(0, -3) : ext;
  const a = parseIp(text);
  return a?.family === 4 ? formatIp(a) : null;
}

/**
 * The routable address groups of router port `rp`: empty unless it is a distributed gateway port. Its
 * router's add_route NAT rules (not SNAT) for this port give their external address — a distributed
 * floating IP (logical_port and external_mac) as a group of its own with its external MAC, any other
 * one (unless it is an address of the port itself) in the port's MAC group — followed by the VIPs of
 * its add_route balancers, in ovn-northd's set order.
 */
export function routableAddresses(
  rp: RouterPort,
  nats: readonly NAT[],
  lbs: readonly ParsedLb[],
): readonly RoutableEntry[] {
  const redirect = redirectPorts(rp.dp);
  if (!redirect.has(rp.name)) return [];
  const out: RoutableEntry[] = [];
  const own = new Set([...rp.ipv4, ...rp.ipv6].map((n) => n.addrS));
  const central: string[] = [];
  let hasCentral = false;
  for (const n of [...nats].sort((a, b) => (a._uuid < b._uuid ? -1 : a._uuid > b._uuid ? 1 : 0))) {
    if (n.type === 'snat' || !smapBool(n.options, 'add_route', false)) continue;
    const ip = hostIpv4(n.external_ip);
    if (!ip) continue;
    if (redirect.size > 1) {
      // With several gateway ports, a rule belongs to the one it names or whose network holds it.
      const mine = n.gateway_port
        ? n.gateway_port === rp.nb._uuid
        : rp.ipv4.some((x) => netContains(x.net, parseIp(ip)!));
      if (!mine) continue;
    }
    if (n.type === 'dnat_and_snat' && n.logical_port && n.external_mac) {
      const mac = parseMac(n.external_mac);
      if (mac) out.push({ macS: formatMac(mac), ipv4: [ip] });
    } else if (!own.has(n.external_ip)) {
      central.push(ip);
      hasCentral = true;
    }
  }
  const routable = lbs.filter((lb) => smapBool(lb.nb.options, 'add_route', false));
  const vips = routable.flatMap((lb) => lb.vips);
  const v4 = ssetOrder(vips.filter((v) => v.family === 4).map((v) => v.ip));
  // IPv6 VIPs are neither routed nor resolved, but they do make the port's group exist.
  if (v4.length || vips.some((v) => v.family === 6)) hasCentral = true;
  if (hasCentral) out.push({ macS: rp.macS, ipv4: [...central, ...v4] });
  return out;
}

/**
 * The flows router port `p` gets for the routable addresses of the other routers' ports on its switch:
 * a route to each address (when `p` has an IPv4 address) and, on a gateway router or from a
 * distributed gateway port (unless the router resolves its neighbours dynamically), their resolution.
 */
export function buildRoutableFlows(
  p: RouterPort,
  routablesOf: (other: RouterPort) => readonly RoutableEntry[],
  add: Add,
  bfdPorts: ReadonlySet<string>,
): void {
  const lsp = p.peer;
  if (!lsp) return;
  const src = p.ipv4[0];
  const resolve =
    lsp.enabled && !dynamicNeighRouters(p.dp.nb) && (!!p.dp.nb.options['chassis'] || redirectPorts(p.dp).has(p.name));
  if (!src && !resolve) return;
  // Out of a port with BFD sessions, each route has its twin for BFD packets.
  const route = routeAdd(add, bfdPorts);
  for (const other of lsp.dp.routerPorts) {
    const q2 = other.peer;
    if (!q2 || q2 === p) continue;
    for (const e of routablesOf(q2)) {
      if (src)
        for (const ip of e.ipv4)
          route(connectedRoutePriority(32), `ip4.dst == ${ip}/32`, routeActions(4, 'ip4.dst', src.addrS, p), p);
      if (resolve)
        add(
          'lr_in_arp_resolve',
          100,
          `outport == ${q(p.name)} && reg0 == {${e.ipv4.join(', ')}}`,
          `eth.dst = ${e.macS}; next;`,
        );
    }
  }
}
