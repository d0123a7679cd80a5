// Ports of a gateway router (options:chassis) and the switch ports peered with them are bound to
// that chassis: SB type "l3gateway" with options:l3gateway-chassis, instead of "patch".
import type { Port } from '../topology.js';

/** The chassis a port is pinned to as an l3gateway port, or null for a plain patch port. */
export function l3gatewayChassis(p: Port): string | null {
  const router = p.kind === 'lrp' ? p.dp : p.type === 'router' ? p.peer?.dp : undefined;
  return router?.nb.options['chassis'] || null;
}
