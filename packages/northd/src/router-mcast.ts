// IP multicast on routers: options:mcast_relay=true relays multicast between the router's networks,
// and router ports with options:mcast_flood=true receive it statically (the `_MC_static` group), IGMP
// and MLD reports included (they are let through with TTL 1 and not routed back to their sender).
// A relaying router routes the groups its switches learned to their members (igmp-flows.ts).
import { smapBool } from './router-options.js';
import type { StageName } from './stages.js';
import type { RouterDatapath, RouterPort } from './topology.js';
import type { AddFlow } from './lflow-table.js';

type Add = AddFlow;

export const mcastRelay = (lr: RouterDatapath): boolean => smapBool(lr.nb.options, 'mcast_relay', false);

/** The enabled router ports flooding multicast statically (the members of `_MC_static`). */
export function mcastFloodPorts(lr: RouterDatapath): RouterPort[] {
  return lr.ports.filter((p) => p.enabled && smapBool(p.nb.options, 'mcast_flood', false));
}

export function buildRouterMcastFlows(lr: RouterDatapath, add: Add): void {
  const relay = mcastRelay(lr);
  const floodStatic = mcastFloodPorts(lr).length > 0;
  if (floodStatic) {
    add('lr_in_ip_input', 120, 'igmp && ip.ttl == 1', 'next;');
    add('lr_in_ip_input', 120, '(mldv1 || mldv2) && ip.ttl == 1', 'next;');
  }
  if (!relay) return;
  if (floodStatic) {
    // Reports are flooded without a TTL decrement; the router's own ones coming back are dropped.
    for (const p of lr.ports) {
      add('lr_in_ip_routing', 10550, `eth.src == ${p.macS} && igmp`, 'drop;');
      add('lr_in_ip_routing', 10550, `eth.src == ${p.macS} && (mldv1 || mldv2)`, 'drop;');
    }
    add('lr_in_ip_routing', 10460, 'igmp', 'clone { outport = "_MC_static"; next; };');
    add('lr_in_ip_routing', 10460, 'mldv1 || mldv2', 'clone { outport = "_MC_static"; next; };');
    add('lr_in_ip_routing', 10450, 'ip4.mcast || ip6.mcast', 'clone { outport = "_MC_static"; ip.ttl--; next; };');
  } else {
    add('lr_in_ip_routing', 10450, 'ip4.mcast || ip6.mcast', 'drop;');
  }
  for (const p of lr.ports)
    if (p.enabled)
      add(
        'lr_out_delivery',
        110,
        `(ip4.mcast || ip6.mcast) && outport == ${JSON.stringify(p.name)}`,
        `eth.src = ${p.macS}; output;`,
      );
}
