// Logical router pipelines (OVN 23.03 layout) for distributed routers without NAT/LB: admission,
// neighbour lookup/learning, IP input (ARP/ND/ICMP replies for router addresses, TTL expiry, martians),
// connected and static routing with ECMP, policy skeleton, ARP resolution, ARP/ND requests, delivery.
import { hasVtepPeer } from './stateful/gateway-bindings.js';
import {
  broadcastOf4,
  formatIp,
  formatMac,
  formatNetwork,
  isLinkLocal6,
  netContains,
  parseIp,
  solicitedNode,
  solicitedNodeMac,
  type Ipv4Addr,
  type IpNet,
} from './addresses.js';
import type { AddFlow, LflowTable } from './lflow-table.js';
import type { StageName } from './stages.js';
import type { RouterDatapath, RouterPort, StaticRoute, SwitchPort } from './topology.js';
import { NO_NAT, type RouterNatFlags } from './stateful/router-nat.js';
import { alwaysLearnFromArpRequest, dynamicNeighRouters, lbForceSnatRouterIp, smapBool } from './router-options.js';
import { buildNdRaFlows } from './ipv6-ra.js';
import { buildRouterMcastFlows, mcastRelay } from './router-mcast.js';
import { buildEcmpSymmetricReply, type EcmpReplyContext } from './ecmp-symmetric.js';
import { addGatewayMtuFlow, buildCheckPktLenFlows } from './gateway-mtu.js';
import { residentRedirectPort } from './stateful/gateway-bindings.js';
import { BFD_UDP_PORT, NO_BFD, type RouterBfd } from './router-bfd.js';
import { buildVirtualPortResolve, type VirtualParentOf } from './virtual-ports.js';

const q = (name: string) => JSON.stringify(name);
const DROP = 'drop;';
type Add = AddFlow;

/** Longest-prefix match: priority = plen × 3 + origin offset (src-ip routes have offset 0). */
const PRIO_MULT = 3;
const PRIO_STATIC = 1;
const PRIO_CONNECTED = 2;

const set = (items: readonly string[], braceSingle: boolean) =>
  items.length === 1 && !braceSingle ? items[0]! : `{${items.join(', ')}}`;

const PASS_THROUGH: readonly StageName[] = [
  'lr_in_unsnat',
  'lr_in_defrag',
  'lr_in_lb_aff_check',
  'lr_in_dnat',
  'lr_in_lb_aff_learn',
  'lr_in_ecmp_stateful',
  'lr_in_nd_ra_options',
  'lr_in_nd_ra_response',
  'lr_in_chk_pkt_len',
  'lr_in_larger_pkts',
  'lr_in_gw_redirect',
  'lr_out_undnat',
  'lr_out_post_undnat',
  'lr_out_post_snat',
  'lr_out_egr_loop',
];

/**
 * `nat`: what NAT changes in the core flows; the NAT flows themselves come from stateful/. The static
 * ARP/ND resolution flows of the peer switches' addresses are not built here: the engine keeps those per
 * router port (buildArpResolveFor), since they change with the switches.
 */
export function buildRouterFlows(
  lr: RouterDatapath,
  t: LflowTable,
  nat: RouterNatFlags = NO_NAT,
  /** For symmetric ECMP replies (gateway routers); without it, none are built. */
  ecmp?: EcmpReplyContext,
  /** BFD sessions (router-bfd.ts): routes out of their ports get a BFD twin; routes they watch may be down. */
  bfd: RouterBfd = NO_BFD,
): void {
  const add: Add = (st, prio, match, actions, ioPort, copp) => t.add(lr.uuid, st, prio, match, actions, ioPort, copp);

  add('lr_in_admission', 100, 'vlan.present || eth.src[40]', DROP);
  add('lr_in_admission', 0, '1', DROP);

  // reg9[2]: the binding is known; reg9[3]: its IP is (or, learning only what is aimed at us, may be) learned.
  const learnAll = alwaysLearnFromArpRequest(lr.nb);
  const ipKnown = learnAll ? '' : 'reg9[3] = 1; ';
  add('lr_in_lookup_neighbor', 100, 'arp.op == 2', `reg9[2] = lookup_arp(inport, arp.spa, arp.sha); ${ipKnown}next;`);
  add('lr_in_lookup_neighbor', 100, 'nd_na', `reg9[2] = lookup_nd(inport, nd.target, nd.tll); ${ipKnown}next;`);
  add(
    'lr_in_lookup_neighbor',
    100,
    'nd_ns',
    `reg9[2] = lookup_nd(inport, ip6.src, nd.sll); ${learnAll ? '' : 'reg9[3] = lookup_nd_ip(inport, ip6.src); '}next;`,
  );
  if (!learnAll) {
    // An unsolicited NA from a link-local address is learned only if the address is known already.
    add(
      'lr_in_lookup_neighbor',
      110,
      'nd_na && ip6.src == fe80::/10 && ip6.dst == ff00::/8',
      'reg9[2] = lookup_nd(inport, ip6.src, nd.tll); reg9[3] = lookup_nd_ip(inport, ip6.src); next;',
    );
  }
  add('lr_in_lookup_neighbor', 0, '1', 'reg9[2] = 1; next;');
  add('lr_in_learn_neighbor', 100, learnAll ? 'reg9[2] == 1' : 'reg9[2] == 1 || reg9[3] == 0', 'next;');
  add(
    'lr_in_learn_neighbor',
    95,
    'nd_na && nd.tll == 0',
    'put_nd(inport, nd.target, eth.src); next;',
    undefined,
    'nd-na',
  );
  add('lr_in_learn_neighbor', 95, 'nd_ns && (ip6.src == 0 || nd.sll == 0)', 'next;');
  add('lr_in_learn_neighbor', 90, 'arp', 'put_arp(inport, arp.spa, arp.sha); next;', undefined, 'arp');
  add('lr_in_learn_neighbor', 90, 'nd_na', 'put_nd(inport, nd.target, nd.tll); next;', undefined, 'nd-na');
  add('lr_in_learn_neighbor', 90, 'nd_ns', 'put_nd(inport, ip6.src, nd.sll); next;', undefined, 'nd-ns');
  add('lr_in_learn_neighbor', 0, '1', DROP);

  add(
    'lr_in_ip_input',
    100,
    'ip4.src_mcast ||ip4.src == 255.255.255.255 || ip4.src == 127.0.0.0/8 || ip4.dst == 127.0.0.0/8 || ip4.src == 0.0.0.0/8 || ip4.dst == 0.0.0.0/8',
    DROP,
  );
  add('lr_in_ip_input', 85, 'arp || nd', DROP);
  add('lr_in_ip_input', 84, 'nd_rs || nd_ra', 'next;');
  add('lr_in_ip_input', 83, 'ip6.mcast_rsvd', DROP);
  // Other multicast goes on only where the router relays it (router-mcast.ts).
  add('lr_in_ip_input', 82, 'ip4.mcast || ip6.mcast', mcastRelay(lr) ? 'next;' : DROP);
  buildRouterMcastFlows(lr, add);
  add('lr_in_ip_input', 50, 'eth.bcast', DROP);
  add('lr_in_ip_input', 32, 'ip.ttl == {0, 1} && !ip.later_frag && (ip4.mcast || ip6.mcast)', DROP);
  add('lr_in_ip_input', 30, 'ip.ttl == {0, 1}', DROP);
  add('lr_in_ip_input', 0, '1', 'next;');

  for (const st of PASS_THROUGH) add(st, 0, '1', 'next;');
  buildCheckPktLenFlows(lr, add);
  add('lr_in_ip_routing_pre', 0, '1', 'reg7 = 0; next;');
  add('lr_in_ip_routing', 10550, 'nd_rs || nd_ra', DROP);
  add('lr_in_ip_routing', 0, '1', DROP);
  add('lr_in_ip_routing_ecmp', 150, 'reg8[0..15] == 0', 'next;');
  add('lr_in_ip_routing_ecmp', 0, '1', DROP);
  add('lr_in_policy', 0, '1', 'reg8[0..15] = 0; next;');
  add('lr_in_policy_ecmp', 150, 'reg8[0..15] == 0', 'next;');
  add('lr_in_policy_ecmp', 0, '1', DROP);
  add('lr_in_arp_resolve', 500, 'ip4.mcast || ip6.mcast', 'next;');
  add('lr_in_arp_resolve', 1, 'ip4', 'get_arp(outport, reg0); next;');
  add('lr_in_arp_resolve', 1, 'ip6', 'get_nd(outport, xxreg0); next;');
  add('lr_in_arp_resolve', 0, '1', DROP);
  add(
    'lr_in_arp_request',
    100,
    'eth.dst == 00:00:00:00:00:00 && ip4',
    'arp { eth.dst = ff:ff:ff:ff:ff:ff; arp.spa = reg1; arp.tpa = reg0; arp.op = 1; output; };',
    undefined,
    'arp-resolve',
  );
  add(
    'lr_in_arp_request',
    100,
    'eth.dst == 00:00:00:00:00:00 && ip6',
    'nd_ns { nd.target = xxreg0; output; };',
    undefined,
    'nd-ns-resolve',
  );
  add('lr_in_arp_request', 0, '1', 'output;');

  add('lr_out_chk_dnat_local', 0, '1', 'reg9[4] = 0; next;');
  add('lr_out_snat', 120, 'nd_ns', 'next;');
  add('lr_out_snat', 0, '1', 'next;');
  add('lr_out_delivery', 0, '1', DROP);

  const routeTables = routeTableIds(lr);
  for (const p of lr.ports) {
    buildRouterPortFlows(p, add, nat);
    buildConnectedRoutes(p, routeAdd(add, bfd.ports));
    const rt = p.nb.options['route_table'];
    if (rt && routeTables.has(rt))
      add('lr_in_ip_routing_pre', 100, `inport == ${q(p.name)}`, `reg7 = ${routeTables.get(rt)}; next;`);
  }
  buildStaticRoutes(lr, routeTables, add, ecmp, routeAdd(add, bfd.ports), bfd);
}

/** Adds a route out of a port; for a port with BFD also the twin for BFD packets (no TTL decrement). */
export type RouteAdd = (prio: number, match: string, actions: string, out: RouterPort) => void;

/** `bfd`: the names of the router ports with BFD sessions. */
export function routeAdd(add: Add, bfd: ReadonlySet<string>): RouteAdd {
  return (prio, match, actions, out) => {
    add('lr_in_ip_routing', prio, match, actions);
    if (bfd.has(out.name) && actions.startsWith(TTL_DEC))
      add('lr_in_ip_routing', prio + 1, `${match} && udp.dst == ${BFD_UDP_PORT}`, actions.slice(TTL_DEC.length));
  };
}

/** Route table names → ids (1…), in name order for determinism; the main table is 0. */
function routeTableIds(lr: RouterDatapath): Map<string, number> {
  const names = new Set<string>();
  for (const p of lr.ports) {
    const rt = p.nb.options['route_table'];
    if (rt) names.add(rt);
  }
  for (const r of lr.routes) if (r.routeTable) names.add(r.routeTable);
  return new Map([...names].sort().map((n, i) => [n, i + 1]));
}

function buildRouterPortFlows(p: RouterPort, add: Add, nat: RouterNatFlags): void {
  const inp = q(p.name);
  // A disabled port admits nothing and delivers nothing; its other flows stay (as in 23.03).
  // A distributed gateway port answers only on the chassis its chassisredirect port is bound to.
  const cr = nat.redirect.get(p.name);
  const res = cr ? ` && is_chassis_resident(${q(cr)})` : '';
  if (p.enabled) {
    const setMac = `xreg0[0..47] = ${p.macS}; next;`;
    addGatewayMtuFlow(p, add, 'lr_in_admission', `eth.mcast && inport == ${inp}`, setMac);
    // Not centralized when the peer switch has VTEP ports (their traffic enters on any chassis).
    const admRes = hasVtepPeer(p) ? '' : res;
    addGatewayMtuFlow(p, add, 'lr_in_admission', `eth.dst == ${p.macS} && inport == ${inp}${admRes}`, setMac);
    add('lr_out_delivery', 100, `outport == ${inp}`, 'output;');
  }

  const learnAll = alwaysLearnFromArpRequest(p.dp.nb);
  for (const n of p.ipv4) {
    const from = `inport == ${inp} && arp.spa == ${formatNetwork(n.net)}`;
    // Without learning from every request, a request for our own address is still learned.
    if (!learnAll)
      add(
        'lr_in_lookup_neighbor',
        110,
        `${from} && arp.tpa == ${n.addrS} && arp.op == 1${res}`,
        'reg9[2] = lookup_arp(inport, arp.spa, arp.sha); reg9[3] = 1; next;',
      );
    add(
      'lr_in_lookup_neighbor',
      100,
      `${from} && arp.op == 1${res}`,
      `reg9[2] = lookup_arp(inport, arp.spa, arp.sha); ${learnAll ? '' : 'reg9[3] = lookup_arp_ip(inport, arp.spa); '}next;`,
    );
  }
  buildNdRaFlows(p, add);
  const forceSnat = lbForceSnatRouterIp(p.dp.nb);
  if (forceSnat && p.peer) buildForceSnatRouterIpFlows(p, add);

  const v4 = p.ipv4.map((n) => n.addrS);
  const v6 = p.ipv6.map((n) => n.addrS);
  if (v4.length) {
    const withBcast = p.ipv4.flatMap((n) => [
      n.addrS,
      formatIp({ family: 4, value: broadcastOf4(n.net as IpNet & { addr: Ipv4Addr }) }),
    ]);
    add('lr_in_ip_input', 100, `ip4.src == ${set(withBcast, true)} && reg9[0] == 0`, DROP);
    add(
      'lr_in_ip_input',
      90,
      `ip4.dst == ${set(v4, false)} && icmp4.type == 8 && icmp4.code == 0`,
      'ip4.dst <-> ip4.src; ip.ttl = 255; icmp4.type = 0; flags.loopback = 1; next; ',
    );
    // SNAT addresses must reach unSNAT; they are dropped later if nothing matched. With
    // lb_force_snat_ip=router_ip every address of the router is one.
    const drop4 = forceSnat ? [] : v4.filter((a) => !nat.natIps.has(a));
    if (drop4.length) add('lr_in_ip_input', 60, `ip4.dst == ${set(drop4, true)}`, DROP);
  }
  // ARP for the port's addresses is answered on the gateway chassis only if the peer switch has a localnet port.
  const arpCr = residentRedirectPort(p, nat.redirect, p.peer?.dp);
  const arpRes = arpCr ? ` && is_chassis_resident(${q(arpCr)})` : '';
  for (const n of p.ipv4) {
    add(
      'lr_in_ip_input',
      90,
      `inport == ${inp} && arp.op == 1 && arp.tpa == ${n.addrS} && arp.spa == ${formatNetwork(n.net)}${arpRes}`,
      'eth.dst = eth.src; eth.src = xreg0[0..47]; arp.op = 2; /* ARP reply */ arp.tha = arp.sha; arp.sha = xreg0[0..47]; arp.tpa <-> arp.spa; outport = inport; flags.loopback = 1; output;',
    );
    add(
      'lr_in_ip_input',
      31,
      `inport == ${inp} && ip4 && ip.ttl == {0, 1} && !ip.later_frag`,
      `icmp4 {eth.dst <-> eth.src; icmp4.type = 11; /* Time exceeded */ icmp4.code = 0; /* TTL exceeded in transit */ ${cr ? 'ip4.dst <-> ip4.src' : `ip4.dst = ip4.src; ip4.src = ${n.addrS}`} ; ip.ttl = 254; outport = ${inp}; flags.loopback = 1; output; };`,
      undefined,
      'icmp4-error',
    );
    // Gateway routers leave unknown traffic to their own addresses to NAT/LB.
    if (!nat.isGatewayRouter && !nat.redirect.size) unreachables(add, 'ip4', n.addrS, 'icmp4', 3, 3, 2);
  }
  if (v6.length) {
    add(
      'lr_in_ip_input',
      90,
      `ip6.dst == ${set(v6, false)} && icmp6.type == 128 && icmp6.code == 0`,
      'ip6.dst <-> ip6.src; ip.ttl = 255; icmp6.type = 129; flags.loopback = 1; next; ',
    );
    const drop6 = forceSnat ? [] : v6.filter((a) => !nat.natIps.has(a));
    if (drop6.length) add('lr_in_ip_input', 60, `ip6.dst == ${set(drop6, true)}`, DROP);
  }
  for (const n of p.ipv6) {
    const sn = formatIp({ family: 6, value: solicitedNode(n.net.addr.value as bigint) });
    add(
      'lr_in_ip_input',
      100,
      `ip6.dst == ${n.addrS} && udp.src == 547 && udp.dst == 546`,
      'reg0 = 0; handle_dhcpv6_reply;',
    );
    add(
      'lr_in_ip_input',
      90,
      `inport == ${inp} && ip6.dst == {${n.addrS}, ${sn}} && nd_ns && nd.target == ${n.addrS}${res}`,
      `nd_na_router { eth.src = xreg0[0..47]; ip6.src = nd.target; nd.tll = xreg0[0..47]; outport = inport; flags.loopback = 1; output; };`,
      undefined,
      'nd-na',
    );
    if (!nat.isGatewayRouter && !nat.redirect.size) unreachables(add, 'ip6', n.addrS, 'icmp6', 1, 4, 3);
    if (!isLinkLocal6(n.net.addr.value as bigint)) {
      add(
        'lr_in_ip_input',
        31,
        `inport == ${inp} && ip6 && ip6.src == ${formatNetwork(n.net)} && ip.ttl == {0, 1} && !ip.later_frag`,
        `icmp6 {eth.dst <-> eth.src; ${cr ? 'ip6.dst <-> ip6.src' : `ip6.dst = ip6.src; ip6.src = ${n.addrS}`} ; ip.ttl = 254; icmp6.type = 3; /* Time exceeded */ icmp6.code = 0; /* TTL exceeded in transit */ outport = ${inp}; flags.loopback = 1; output; };`,
        undefined,
        'icmp6-error',
      );
    }
  }
}

/** TCP reset, SCTP abort and ICMP unreachable (port/protocol) for traffic to a router address. */
function unreachables(
  add: Add,
  ip: 'ip4' | 'ip6',
  addr: string,
  icmp: 'icmp4' | 'icmp6',
  type: number,
  portCode: number,
  protoCode: number,
) {
  const base = `${ip} && ${ip}.dst == ${addr} && !ip.later_frag`;
  const err = icmp === 'icmp4' ? 'icmp4-error' : 'icmp6-error';
  const reset = 'tcp-reset';
  add(
    'lr_in_ip_input',
    80,
    `${base} && tcp`,
    `tcp_reset {eth.dst <-> eth.src; ${ip}.dst <-> ${ip}.src; next; };`,
    undefined,
    reset,
  );
  add(
    'lr_in_ip_input',
    80,
    `${base} && sctp`,
    `sctp_abort {eth.dst <-> eth.src; ${ip}.dst <-> ${ip}.src; next; };`,
    undefined,
    reset,
  );
  add(
    'lr_in_ip_input',
    80,
    `${base} && udp`,
    `${icmp} {eth.dst <-> eth.src; ${ip}.dst <-> ${ip}.src; ip.ttl = 255; ${icmp}.type = ${type}; ${icmp}.code = ${portCode}; next; };`,
    undefined,
    err,
  );
  add(
    'lr_in_ip_input',
    70,
    base,
    `${icmp} {eth.dst <-> eth.src; ${ip}.dst <-> ${ip}.src; ip.ttl = 255; ${icmp}.type = ${type}; ${icmp}.code = ${protoCode}; next; };`,
    undefined,
    err,
  );
}

/** The priority of a connected route to a prefix of length `plen`. */
export const connectedRoutePriority = (plen: number) => plen * PRIO_MULT + PRIO_CONNECTED;

const TTL_DEC = 'ip.ttl--; ';

/** A route's actions: next hop and source registers, the port's MAC, out of the port. */
export function routeActions(fam: 4 | 6, nexthop: string, srcAddr: string, p: RouterPort): string {
  const [nh, src] = fam === 4 ? ['reg0', 'reg1'] : ['xxreg0', 'xxreg1'];
  return `${TTL_DEC}reg8[0..15] = 0; ${nh} = ${nexthop}; ${src} = ${srcAddr}; eth.src = ${p.macS}; outport = ${q(p.name)}; flags.loopback = 1; next;`;
}

function buildConnectedRoutes(p: RouterPort, add: RouteAdd): void {
  for (const n of [...p.ipv4, ...p.ipv6]) {
    const fam = n.net.addr.family;
    const ipv = fam === 4 ? 'ip4' : 'ip6';
    // Link-local networks exist on every port: route them only out of the port they came in on.
    const inport = fam === 6 && isLinkLocal6(n.net.addr.value as bigint) ? `inport == ${q(p.name)} && ` : '';
    add(
      connectedRoutePriority(n.net.plen),
      `${inport}${ipv}.dst == ${formatNetwork(n.net)}`,
      routeActions(fam, `${ipv}.dst`, n.addrS, p),
      p,
    );
  }
}

function routeMatch(r: StaticRoute, rtb: number): { match: string; priority: number } {
  const ipv = r.prefix.addr.family === 4 ? 'ip4' : 'ip6';
  return {
    // Destination routes always name their route table; source routes only a non-default one.
    match: `${rtb || !r.isSrc ? `reg7 == ${rtb} && ` : ''}${ipv}.${r.isSrc ? 'src' : 'dst'} == ${formatNetwork(r.prefix)}`,
    priority: r.prefix.plen * PRIO_MULT + (r.isSrc ? 0 : PRIO_STATIC),
  };
}

function buildStaticRoutes(
  lr: RouterDatapath,
  routeTables: ReadonlyMap<string, number>,
  add: Add,
  ecmp: EcmpReplyContext | undefined,
  route: RouteAdd,
  bfd: RouterBfd,
): void {
  // Symmetric replies are for gateway routers only (not distributed ones with a gateway port).
  const symmetric = ecmp && lr.nb.options['chassis'] ? ecmp : undefined;
  // Routes to the same prefix (same table and direction) form an ECMP group.
  const groups = new Map<string, StaticRoute[]>();
  const routes = [...lr.routes].sort((a, b) => (a.nb._uuid < b.nb._uuid ? -1 : a.nb._uuid > b.nb._uuid ? 1 : 0));
  for (const r of routes) {
    // A route its BFD session reports down is withdrawn (its next hop's ND request stays).
    if (bfd.routeDown(r.nb)) continue;
    const key = `${r.routeTable}\u0000${r.isSrc}\u0000${formatNetwork(r.prefix)}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  let ecmpId = 0;
  for (const g of groups.values()) {
    const first = g[0]!;
    const rtb = first.routeTable ? (routeTables.get(first.routeTable) ?? 0) : 0;
    const { match, priority } = routeMatch(first, rtb);
    const fam = first.prefix.addr.family;
    if (g.length === 1) {
      if (first.discard || !first.outPort) add('lr_in_ip_routing', priority, match, DROP);
      else
        route(
          priority,
          match,
          // A route to an output port without a next hop sends to the destination itself.
          routeActions(fam, first.nexthop ? formatIp(first.nexthop) : `ip${fam}.dst`, first.lrpAddrS, first.outPort),
          first.outPort,
        );
    } else {
      const members = g.filter((r) => !r.discard && r.outPort && r.nexthop);
      if (!members.length) continue;
      ecmpId++;
      add(
        'lr_in_ip_routing',
        priority,
        match,
        `ip.ttl--; flags.loopback = 1; reg8[0..15] = ${ecmpId}; reg8[16..31] = select(${members.map((_, i) => i + 1).join(', ')});`,
      );
      const [nh, src] = fam === 4 ? ['reg0', 'reg1'] : ['xxreg0', 'xxreg1'];
      const visited = new Set<RouterPort>();
      members.forEach((r, i) => {
        if (symmetric && smapBool(r.nb.options, 'ecmp_symmetric_reply', false) && !visited.has(r.outPort!)) {
          visited.add(r.outPort!);
          buildEcmpSymmetricReply(r, r.outPort!, match, symmetric, add);
        }
        add(
          'lr_in_ip_routing_ecmp',
          100,
          `reg8[0..15] == ${ecmpId} && reg8[16..31] == ${i + 1}`,
          `${nh} = ${formatIp(r.nexthop!)}; ${src} = ${r.lrpAddrS}; eth.src = ${r.outPort!.macS}; outport = ${q(r.outPort!.name)}; next;`,
        );
      });
    }
  }
  // IPv6 next hops get a targeted neighbour solicitation.
  for (const r of routes) {
    if (!r.nexthop || r.nexthop.family !== 6) continue;
    const nh = formatIp(r.nexthop);
    const sn = solicitedNode(r.nexthop.value);
    add(
      'lr_in_arp_request',
      200,
      `eth.dst == 00:00:00:00:00:00 && ip6 && xxreg0 == ${nh}`,
      `nd_ns { eth.dst = ${formatMac(solicitedNodeMac(r.nexthop.value))}; ip6.dst = ${formatIp({ family: 6, value: sn })}; nd.target = ${nh}; output; };`,
      undefined,
      'nd-ns-resolve',
    );
  }
}

/**
 * lb_force_snat_ip=router_ip, per port with a peer: load-balanced traffic leaving by the port is SNATed
 * to the port's first IPv4 / first global IPv6 address, and replies to it are unSNATed.
 */
function buildForceSnatRouterIpFlows(p: RouterPort, add: Add): void {
  const inp = q(p.name);
  const v4 = p.ipv4[0]?.addrS;
  // ipv6 ends with the port's link-local address: only a global one before it is a SNAT address.
  const v6 = p.ipv6.length > 1 ? p.ipv6[0]!.addrS : undefined;
  for (const [fam, addr] of [
    ['4', v4],
    ['6', v6],
  ] as const) {
    if (!addr) continue;
    add('lr_in_unsnat', 110, `inport == ${inp} && ip${fam}.dst == ${addr}`, 'ct_snat;');
    add('lr_out_snat', 110, `flags.force_snat_for_lb == 1 && ip${fam} && outport == ${inp}`, `ct_snat(${addr});`);
  }
}

export type ArpAdd = (match: string, mac: string) => void;

/** The resolution flow for a match and a MAC, through a stage-level `add`. */
export function arpResolveAdd(add: (st: StageName, prio: number, match: string, actions: string) => void): ArpAdd {
  return (m, mac) => add('lr_in_arp_resolve', 100, m, `eth.dst = ${mac}; next;`);
}

/**
 * Static ARP/ND resolution on router port `p` for one port of its peer switch (a VIF's addresses, another
 * router's port). For any switch port but a router or virtual port it depends on `p` and that port's NB
 * row alone (the engine keeps it per pair); a virtual port's follows its SB binding (`parentOf`).
 */
export function buildArpResolveFor(p: RouterPort, lsp: SwitchPort, add: ArpAdd, parentOf: VirtualParentOf): void {
  if (!lsp.enabled) return;
  const out = q(p.name);
  if (lsp.type === 'router') {
    const other = lsp.peer;
    if (!other || other === p || dynamicNeighRouters(p.dp.nb)) return;
    const v4 = other.ipv4.map((n) => n.addrS);
    const v6 = other.ipv6.map((n) => n.addrS);
    if (v4.length) add(`outport == ${out} && reg0 == ${set(v4, false)}`, other.macS);
    if (v6.length) add(`outport == ${out} && xxreg0 == ${set(v6, false)}`, other.macS);
    return;
  }
  if (lsp.type === 'virtual') {
    buildVirtualPortResolve(p, lsp, parentOf, add);
    return;
  }
  const inPortNets = (ip: string, fam: 4 | 6) => (fam === 4 ? p.ipv4 : p.ipv6).some((n) => netContainsStr(n.net, ip));
  for (const a of lsp.addresses) {
    for (const ip of a.ipv4) if (inPortNets(ip, 4)) add(`outport == ${out} && reg0 == ${ip}`, a.macS);
    for (const ip of a.ipv6) if (inPortNets(ip, 6)) add(`outport == ${out} && xxreg0 == ${ip}`, a.macS);
  }
}

function netContainsStr(n: IpNet, ip: string): boolean {
  const a = parseIp(ip);
  return a !== null && netContains(n, a);
}
