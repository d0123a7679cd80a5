// Gateway bindings. Ports of a gateway router (options:chassis) and the switch ports peered with them
// are bound to that chassis: SB type "l3gateway" with options:l3gateway-chassis, instead of "patch".
// A distributed router's port with gateway chassis (a distributed gateway port) gets a companion
// "chassisredirect" port `cr-<port>` that is bound where the gateway is active.
import { parseIp } from '../addresses.js';
import type { NbInput } from '../input.js';
import type { Port, RouterDatapath, RouterPort, SwitchDatapath } from '../topology.js';

/** The chassis a port is pinned to as an l3gateway port, or null for a plain patch port. */
export function l3gatewayChassis(p: Port): string | null {
  const router = p.kind === 'lrp' ? p.dp : p.type === 'router' ? p.peer?.dp : undefined;
  return router?.nb.options['chassis'] || null;
}

/** The chassisredirect port name of a distributed gateway port, or null. */
export function redirectPortOf(p: RouterPort): string | null {
  if (p.dp.nb.options['chassis']) return null;
  // options:redirect-chassis is obsolete: ovn-northd 23.03 ignores it.
  const dgp = p.nb.gateway_chassis.length > 0 || p.nb.ha_chassis_group !== null;
  return dgp ? `cr-${p.name}` : null;
}

/** Whether a switch has a localnet port (it reaches a physical network on every chassis). */
export function hasLocalnet(sw: SwitchDatapath): boolean {
  return sw.ports.some((p) => p.type === 'localnet');
}

/** What peer routers' flows read of a switch's localnet ports: whether there is one, and a VLAN-tagged one. */
export function localnetShape(sw: SwitchDatapath): 'none' | 'untagged' | 'tagged' {
  const ln = sw.ports.filter((p) => p.type === 'localnet');
  return !ln.length ? 'none' : ln.some((p) => p.nb.tag_request !== null) ? 'tagged' : 'untagged';
}

/**
 * The chassisredirect port whose chassis alone answers ARP for, and receives frames to, router port
 * `p` on switch `sw`: only when `sw` has a localnet port (else every chassis may), for a distributed
 * gateway port itself, or for a port with reside-on-redirect-chassis on a router with exactly one
 * gateway port. Null otherwise. `sw` is the switch whose localnet ports count, as ovn-northd decides:
 * the router port's peer switch for the router's own ARP flows, but the switch of the router-type
 * port itself for that port's L2 lookup (a second router-type port naming the same router port, on
 * another switch, goes by its own switch).
 */
export function residentRedirectPort(
  p: RouterPort,
  redirect: ReadonlyMap<string, string>,
  sw: SwitchDatapath | null | undefined,
): string | null {
  if (!redirect.size || !sw || !hasLocalnet(sw)) return null;
  const own = redirect.get(p.name);
  if (own) return own;
  if (redirect.size !== 1 || p.nb.options['reside-on-redirect-chassis']?.toLowerCase() !== 'true') return null;
  return [...redirect.values()][0]!;
}

/** Whether a router port's peer switch has ports of type "vtep" (its gateway port is then not centralized). */
export function hasVtepPeer(p: RouterPort): boolean {
  return !!p.peer && p.peer.dp.ports.some((x) => x.type === 'vtep');
}

/** redirectPorts' answer per router, with the row and port list it was read from. */
const redirectMemo = new WeakMap<
  RouterDatapath,
  { nb: RouterDatapath['nb']; ports: RouterDatapath['ports']; n: number; map: ReadonlyMap<string, string> }
>();

/**
 * Distributed gateway port name → its chassisredirect port name. Kept per router while its row and
 * port list stay the same (the engine re-reads a changed router into a new object, or points it at its
 * new row): the cluster router's 300 ports were walked for every port of its peer switches' rebuilds.
 */
export function redirectPorts(lr: RouterDatapath): ReadonlyMap<string, string> {
  const m = redirectMemo.get(lr);
  if (m && m.nb === lr.nb && m.ports === lr.ports && m.n === lr.ports.length) return m.map;
  const out = new Map<string, string>();
  for (const p of lr.ports) {
    const cr = redirectPortOf(p);
    if (cr) out.set(p.name, cr);
  }
  redirectMemo.set(lr, { nb: lr.nb, ports: lr.ports, n: lr.ports.length, map: out });
  return out;
}

/**
 * Routers (NB UUIDs) with a distributed floating IP (dnat_and_snat with logical_port and
 * external_mac): their chassisredirect ports do not always redirect, since such traffic leaves from
 * the VM's own chassis.
 */
export function routersWithDistributedNat(nb: NbInput): Set<string> {
  const out = new Set<string>();
  for (const lr of nb.Logical_Router.values()) {
    for (const u of lr.nat) {
      const n = nb.NAT.get(u);
      if (n && n.type === 'dnat_and_snat' && n.logical_port !== null && n.external_mac !== null) out.add(lr._uuid);
    }
  }
  return out;
}

/**
 * Router NB UUID → the external MACs of its DNAT rules (dnat, dnat_and_snat), in NAT order: frames
 * from them are the router's own ARP/ND requests on its peer switches.
 */
export function distributedNatMacs(nb: NbInput): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const lr of nb.Logical_Router.values()) {
    const macs: string[] = [];
    for (const u of lr.nat) {
      const n = nb.NAT.get(u);
      if (n && n.type !== 'snat' && n.external_mac !== null && parseIp(n.external_ip) && !macs.includes(n.external_mac))
        macs.push(n.external_mac);
    }
    if (macs.length) out.set(lr._uuid, macs);
  }
  return out;
}
