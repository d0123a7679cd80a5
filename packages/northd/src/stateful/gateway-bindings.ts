// Gateway bindings. Ports of a gateway router (options:chassis) and the switch ports peered with them
// are bound to that chassis: SB type "l3gateway" with options:l3gateway-chassis, instead of "patch".
// A distributed router's port with gateway chassis (a distributed gateway port) gets a companion
// "chassisredirect" port `cr-<port>` that is bound where the gateway is active.
import type { Port, RouterDatapath, RouterPort } from '../topology.js';

/** The chassis a port is pinned to as an l3gateway port, or null for a plain patch port. */
export function l3gatewayChassis(p: Port): string | null {
  const router = p.kind === 'lrp' ? p.dp : p.type === 'router' ? p.peer?.dp : undefined;
  return router?.nb.options['chassis'] || null;
}

/** The chassisredirect port name of a distributed gateway port, or null. */
export function redirectPortOf(p: RouterPort): string | null {
  if (p.dp.nb.options['chassis']) return null;
  const dgp = p.nb.gateway_chassis.length > 0 || p.nb.ha_chassis_group !== null || !!p.nb.options['redirect-chassis'];
  return dgp ? `cr-${p.name}` : null;
}

/** Distributed gateway port name → its chassisredirect port name. */
export function redirectPorts(lr: RouterDatapath): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of lr.ports) {
    const cr = redirectPortOf(p);
    if (cr) out.set(p.name, cr);
  }
  return out;
}
