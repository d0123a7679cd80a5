// BFD on router ports (NB BFD rows name a port by logical_port): BFD control packets (UDP 3784) from the
// port's own addresses go on, those to them go to ovn-controller (handle_bfd_msg, metered by the
// router's Copp `bfd` meter); routing flows out of such a port get a twin one priority higher for BFD
// packets that keeps their TTL (router-flows.ts). As ovn-northd 23.03, any BFD row naming the port
// counts, whether or not a route uses it.
import type { BFD, LogicalRouterStaticRoute } from '@ovnts/schema/nb';
import type { AddFlow } from './lflow-table.js';
import type { RouterDatapath } from './topology.js';

export const BFD_UDP_PORT = 3784;

/** What the routing flows need to know of BFD. */
export interface RouterBfd {
  /** Ports BFD sessions run on. */
  readonly ports: ReadonlySet<string>;
  /** Whether a static route is withdrawn because the BFD session watching its next hop is not up. */
  readonly routeDown: (route: Pick<LogicalRouterStaticRoute, 'bfd' | 'nexthop'>) => boolean;
}

export const NO_BFD: RouterBfd = { ports: new Set(), routeDown: () => false };

/**
 * The routers' view of the NB BFD table. A route naming a session for its next hop is installed only
 * while the session is neither down nor administratively down (nor without a status yet, which northd
 * makes admin_down, then down once a route uses it): ovn-controller's `up` brings it back.
 */
export function routerBfd(sessions: ReadonlyMap<BFD['_uuid'], BFD>): RouterBfd {
  if (!sessions.size) return NO_BFD;
  return {
    ports: bfdPorts(sessions.values()),
    routeDown: (r) => {
      const s = r.bfd === null ? undefined : sessions.get(r.bfd);
      return s !== undefined && s.dst_ip === r.nexthop && (s.status ?? 'admin_down') in DOWN;
    },
  };
}

const DOWN: Readonly<Record<string, true>> = { admin_down: true, down: true };

/** The ports BFD sessions run on (their logical_port). */
export function bfdPorts(sessions: Iterable<Pick<BFD, 'logical_port'>>): Set<string> {
  const s = new Set<string>();
  for (const b of sessions) s.add(b.logical_port);
  return s;
}

/** One address bare, several in braces (as ovn-northd lists a port's networks). */
const list = (addrs: readonly string[]) => (addrs.length === 1 ? addrs[0]! : `{${addrs.join(', ')}}`);

export function buildRouterBfdFlows(lr: RouterDatapath, ports: ReadonlySet<string>, add: AddFlow): void {
  if (!ports.size) return;
  for (const p of lr.ports) {
    if (!ports.has(p.name)) continue;
    for (const [ip, nets] of [
      ['ip4', p.ipv4],
      ['ip6', p.ipv6],
    ] as const) {
      if (!nets.length) continue;
      const addrs = list(nets.map((n) => n.addrS));
      add('lr_in_ip_input', 110, `${ip}.src == ${addrs} && udp.dst == ${BFD_UDP_PORT}`, 'next; ');
      add(
        'lr_in_ip_input',
        110,
        `${ip}.dst == ${addrs} && udp.dst == ${BFD_UDP_PORT}`,
        'handle_bfd_msg(); ',
        undefined,
        'bfd',
      );
    }
  }
}
