// Logical_Router options that change a router's pipeline, read as ovn-northd reads them: a boolean
// option defaulting to false is on only for "true" (any case); one defaulting to true is off only for
// "false".
import type { LogicalRouter } from '@ovnts/schema/nb';

export function smapBool(map: Readonly<Record<string, string>>, key: string, def: boolean): boolean {
  const v = map[key]?.toLowerCase();
  if (v === undefined) return def;
  return def ? v !== 'false' : v === 'true';
}

/** options:chassis: the router runs on one chassis (a gateway router). */
export const isGatewayRouter = (lr: LogicalRouter) => !!lr.options['chassis'];

/**
 * `lb_force_snat_ip=router_ip` on a gateway router: load-balanced traffic leaves SNATed to the IP of
 * the port it leaves by, and the router's own IPs are SNAT addresses (not dropped at IP input).
 */
export const lbForceSnatRouterIp = (lr: LogicalRouter) =>
  lr.options['lb_force_snat_ip'] === 'router_ip' && isGatewayRouter(lr);

/** `always_learn_from_arp_request=false`: learn MAC bindings only from ARP requests aimed at the router. */
export const alwaysLearnFromArpRequest = (lr: LogicalRouter) =>
  smapBool(lr.options, 'always_learn_from_arp_request', true);

/** `dynamic_neigh_routers=true`: other routers on a switch are resolved by ARP/ND, not by static flows. */
export const dynamicNeighRouters = (lr: LogicalRouter) => smapBool(lr.options, 'dynamic_neigh_routers', false);
