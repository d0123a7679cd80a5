// Logical_Router options that change a router's pipeline, read as ovn-northd reads them: a boolean
// option defaulting to false is on only for "true" (any case); one defaulting to true is off only for
// "false".
import type { LogicalRouter } from '@ovnts/schema/nb';
import { formatIp, parseCidr } from './addresses.js';

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

/** The addresses of `dnat_force_snat_ip` / `lb_force_snat_ip`: at most one per family. */
export interface ForceSnatIps {
  readonly ip4: string | undefined;
  readonly ip6: string | undefined;
}

/**
 * `<kind>_force_snat_ip` as ovn-northd reads it: whitespace-separated host addresses, at most one IPv4
 * and one IPv6 (reading stops at the first word that is not an address). Undefined without the option,
 * for `lb_force_snat_ip=router_ip` on a gateway router, and for a value it rejects (`bad` is told why).
 */
export function forceSnatIps(
  lr: LogicalRouter,
  kind: 'dnat' | 'lb',
  bad?: (value: string) => void,
): ForceSnatIps | undefined {
  const value = lr.options[`${kind}_force_snat_ip`];
  if (value === undefined || (kind === 'lb' && lbForceSnatRouterIp(lr))) return undefined;
  const v4: string[] = [];
  const v6: string[] = [];
  let hostsOnly = true;
  for (const word of value.trim().split(/\s+/)) {
    const n = parseCidr(word, true);
    if (!n) break;
    if (n.plen !== (n.addr.family === 4 ? 32 : 128)) hostsOnly = false;
    (n.addr.family === 4 ? v4 : v6).push(formatIp(n.addr));
  }
  if (!hostsOnly || v4.length + v6.length === 0 || v4.length > 1 || v6.length > 1) {
    bad?.(value);
    return undefined;
  }
  return { ip4: v4[0], ip6: v6[0] };
}

/** Load-balanced traffic is SNATed on the way out (to the router port's IP or to lb_force_snat_ip). */
export const lbForcesSnat = (lr: LogicalRouter) => lbForceSnatRouterIp(lr) || forceSnatIps(lr, 'lb') !== undefined;
