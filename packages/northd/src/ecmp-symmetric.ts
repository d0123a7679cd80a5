// Symmetric ECMP replies on gateway routers (static route options:ecmp_symmetric_reply=true): traffic
// arriving over an ECMP route is committed to conntrack with the MAC it came from and its port's key,
// and replies go back through that same next hop instead of a fresh ECMP choice.
import { formatIp, formatNetwork } from './addresses.js';
import type { CtDialect } from './chassis-features.js';
import type { StageName } from './stages.js';
import type { RouterPort, StaticRoute } from './topology.js';

type Add = (st: StageName, prio: number, match: string, actions: string) => void;

/** What the symmetric-reply flows need besides the route: the conntrack dialect and port keys. */
export interface EcmpReplyContext {
  readonly ct: CtDialect;
  /** A router port's tunnel key (its Port_Binding's); undefined while it has none. */
  readonly portKey: (name: string) => number | undefined;
}

/** reg9[5]: the connection's next hop is known (chk_ecmp_nh / chk_ecmp_nh_mac). */
const KNOWN_NH = 'reg9[5]';
const PROTOS = ['tcp', 'udp', 'sctp'] as const;

/**
 * The flows of one member of an ECMP group leaving by `out`; `routeMatch` is the group's routing match.
 * Called once per output port and group.
 */
export function buildEcmpSymmetricReply(
  r: StaticRoute,
  out: RouterPort,
  routeMatch: string,
  ctx: EcmpReplyContext,
  add: Add,
): void {
  const key = ctx.portKey(out.name);
  if (key === undefined) return;
  const v4 = r.prefix.addr.family === 4;
  // The prefix without its length when it is a host route, as ovn-northd prints it.
  const cidr = r.prefix.plen === (v4 ? 32 : 128) ? formatIp(r.prefix.addr) : formatNetwork(r.prefix);
  const base = `inport == ${JSON.stringify(out.name)} && ip${v4 ? 4 : 6}.${r.isSrc ? 'dst' : 'src'} == ${cidr}`;
  const replyPort = `${ctx.ct.flags}.ecmp_reply_port`;
  add('lr_in_defrag', 100, base, `${KNOWN_NH} = chk_ecmp_nh_mac(); ct_next;`);
  add('lr_in_defrag', 100, routeMatch, `${KNOWN_NH} = chk_ecmp_nh(); ct_next;`);
  const commit = (proto: string) =>
    `ct_commit { ct_label.ecmp_reply_eth = eth.src;  ${replyPort} = ${key};}; commit_ecmp_nh(ipv6 = ${!v4}, proto = ${proto}); next;`;
  for (const proto of PROTOS)
    add('lr_in_ecmp_stateful', 100, `${base} && (ct.new && !ct.est) && ${proto}`, commit(proto));
  for (const proto of PROTOS)
    add('lr_in_ecmp_stateful', 100, `${base} && (!ct.rpl && ct.est) && ${proto} && ${KNOWN_NH} == 0`, commit(proto));
  const reply = `ct.rpl && ${KNOWN_NH} == 1 && ${replyPort} == ${key}`;
  add(
    'lr_in_ip_routing',
    10300,
    `${reply} && ${routeMatch}`,
    `ip.ttl--; flags.loopback = 1; eth.src = ${out.macS}; ${v4 ? '' : 'xx'}reg1 = ${r.lrpAddrS}; outport = ${JSON.stringify(out.name)}; next;`,
  );
  // Replies skip the router policies, and go back to the MAC the connection came from.
  add('lr_in_policy', 65535, reply, 'next;');
  add('lr_in_arp_resolve', 200, reply, 'push(xxreg1); xxreg1 = ct_label; eth.dst = xxreg1[32..79]; pop(xxreg1); next;');
}
