// IPv6 router advertisement on a router port (Logical_Router_Port.ipv6_ra_configs): the router answers
// router solicitations through put_nd_ra_opts, and with send_periodic its Port_Binding carries the
// options ovn-controller reads to advertise on its own (as ovn-northd 23.03 publishes them).
import { formatNetwork, isLinkLocal6 } from './addresses.js';
import type { StageName } from './stages.js';
import type { RouterPort } from './topology.js';
import type { AddFlow } from './lflow-table.js';

type Add = AddFlow;

const ADDRESS_MODES = new Set(['slaac', 'dhcpv6_stateful', 'dhcpv6_stateless']);
const MAX_INTERVAL = { default: 600, min: 4, max: 1800 };
const MIN_INTERVAL_MIN = 3;

/** A port facing a switch (not another router) with a valid address_mode advertises; else undefined. */
function raMode(p: RouterPort): string | undefined {
  if (p.nb.peer !== null || !p.peer) return undefined;
  const mode = p.nb.ipv6_ra_configs['address_mode'];
  return mode !== undefined && ADDRESS_MODES.has(mode) ? mode : undefined;
}

/** An integer option as OVS's smap_get_int reads it: the default unless the whole value is an integer. */
function intOption(m: Readonly<Record<string, string>>, key: string, def: number): number {
  const v = m[key];
  return v !== undefined && /^\s*[-+]?\d+$/.test(v) ? parseInt(v, 10) : def;
}

const isLla = (n: RouterPort['ipv6'][number]) => isLinkLocal6(n.net.addr.value as bigint);
const globals = (p: RouterPort) => p.ipv6.filter((n) => !isLla(n));

/** The Port_Binding options a router port's IPv6 configuration adds. */
export function ipv6PortOptions(p: RouterPort): Record<string, string> {
  if (p.nb.peer !== null || !p.peer) return {};
  const out: Record<string, string> = {};
  if (p.enabled && p.nb.options['prefix_delegation'] === 'true') out['ipv6_prefix_delegation'] = 'true';
  if (p.enabled && p.nb.options['prefix'] === 'true') out['ipv6_prefix'] = 'true';
  const mode = raMode(p);
  const ra = p.nb.ipv6_ra_configs;
  if (!mode || ra['send_periodic']?.toLowerCase() !== 'true') return out;
  out['ipv6_ra_send_periodic'] = 'true';
  out['ipv6_ra_address_mode'] = mode;
  const max = Math.min(
    MAX_INTERVAL.max,
    Math.max(MAX_INTERVAL.min, intOption(ra, 'max_interval', MAX_INTERVAL.default)),
  );
  out['ipv6_ra_max_interval'] = String(max);
  const minDefault = max >= 9 ? Math.trunc(max / 3) : Math.trunc((max * 3) / 4);
  const min = Math.max(
    MIN_INTERVAL_MIN,
    Math.min(Math.trunc((max * 3) / 4), intOption(ra, 'min_interval', minDefault)),
  );
  out['ipv6_ra_min_interval'] = String(min);
  const mtu = intOption(ra, 'mtu', 0);
  if (mtu >= 1280) out['ipv6_ra_mtu'] = String(mtu);
  const lla = p.ipv6.filter(isLla).at(-1);
  if (lla) out['ipv6_ra_src_addr'] = lla.addrS;
  out['ipv6_ra_prefixes'] = globals(p)
    .map((n) => formatNetwork(n.net))
    .join(' ');
  if (ra['rdnss'] !== undefined) out['ipv6_ra_rdnss'] = ra['rdnss'];
  if (ra['dnssl'] !== undefined) out['ipv6_ra_dnssl'] = ra['dnssl'];
  out['ipv6_ra_src_eth'] = p.macS;
  const prf = ra['router_preference'];
  out['ipv6_ra_prf'] = prf === 'HIGH' || prf === 'LOW' ? prf : 'MEDIUM';
  if (ra['route_info'] !== undefined) out['ipv6_ra_route_info'] = ra['route_info'];
  return out;
}

/** The router solicitation responder of a port with global IPv6 prefixes (lr_in_nd_ra_options/response). */
export function buildNdRaFlows(p: RouterPort, add: Add): void {
  const mode = raMode(p);
  const prefixes = globals(p);
  if (!mode || !prefixes.length) return;
  const ra = p.nb.ipv6_ra_configs;
  const inp = JSON.stringify(p.name);
  // atoi: a leading number counts, anything else is 0.
  const mtu = parseInt(ra['mtu'] ?? '', 10) || 0;
  let opts = `addr_mode = "${mode}", slla = ${p.macS}`;
  if (mtu >= 1280) opts += `, mtu = ${mtu}`;
  const prf = ra['router_preference'] ?? 'MEDIUM';
  if (prf !== 'MEDIUM') opts += `, router_preference = "${prf}"`;
  if (ra['rdnss'] !== undefined) opts += `, rdnss = ${ra['rdnss']}`;
  if (ra['dnssl'] !== undefined) opts += `, dnssl = "${ra['dnssl']}"`;
  if (ra['route_info'] !== undefined) opts += `, route_info = "${ra['route_info']}"`;
  for (const n of prefixes) opts += `, prefix = ${formatNetwork(n.net)}`;
  add(
    'lr_in_nd_ra_options',
    50,
    `inport == ${inp} && ip6.dst == ff02::2 && nd_rs`,
    `reg0[5] = put_nd_ra_opts(${opts}); next;`,
    undefined,
    'nd-ra-opts',
  );
  const lla = p.ipv6.at(-1)!.addrS;
  add(
    'lr_in_nd_ra_response',
    50,
    `inport == ${inp} && ip6.dst == ff02::2 && nd_ra && reg0[5]`,
    `eth.dst = eth.src; eth.src = ${p.macS}; ip6.dst = ip6.src; ip6.src = ${lla}; outport = inport; flags.loopback = 1; output;`,
  );
}
