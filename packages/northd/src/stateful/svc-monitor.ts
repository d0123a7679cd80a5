// Load balancer health checks, as ovn-northd 23.03 runs them. A VIP named by one of its balancer's
// Load_Balancer_Health_Check rows has its backends checked by ovn-controller: each backend that
// `ip_port_mappings` maps to "<switch port>:<source ip>" of an enabled switch port gets an SB
// Service_Monitor row (one per logical port, ip, port and protocol, shared by the balancers naming it),
// and ct_lb then balances over the backends whose monitor is not offline or in error only; a backend
// without a monitor is left out. The switch of a mapped port answers ARP/ND for the source address with
// the svc_monitor_mac, so the health probes' replies come back to the controller.
import type { LoadBalancerHealthCheck } from '@ovnts/schema/nb';
import { formatIp, formatMac, parseIp, parseMac } from '../addresses.js';
import type { StageName } from '../stages.js';
import type { LbEndpoint, LbTargets, ParsedLb } from './lb-vip.js';

/** A Service_Monitor row's identity: the columns ovn-northd finds its rows by. */
export function svcMonKey(logicalPort: string, ip: string, port: number, protocol: string): string {
  return `${logicalPort}\u0000${ip}\u0000${port}\u0000${protocol}`;
}

/** The columns northd writes into a Service_Monitor row (`status` is ovn-controller's). */
export interface MonitorColumns {
  readonly ip: string;
  readonly port: number;
  readonly protocol: string;
  readonly logical_port: string;
  readonly src_ip: string;
  readonly src_mac: string;
  readonly options: Readonly<Record<string, string>>;
}

/** A switch answering ARP/ND for a monitor's source address. */
export interface Responder {
  /** NB UUID of the switch of the mapped port. */
  readonly switch: string;
  /** The family of the VIP (it decides ARP or ND, whatever the source address is). */
  readonly family: 4 | 6;
  readonly srcIp: string;
}

/** What a switch port the mappings name is to health checks. */
export interface MappedPort {
  readonly switch: string;
  readonly enabled: boolean;
}

export interface LbHealth {
  /** Per health-checked VIP key: backend (`endpointId`) → its monitor key. Unlisted backends are not balanced over. */
  readonly vips: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** The monitors this balancer requires, by key. */
  readonly monitors: ReadonlyMap<string, MonitorColumns>;
  readonly responders: readonly Responder[];
}

const endpointId = (b: LbEndpoint): string => `${b.ip}\u0000${b.port}`;

/** A MAC as ovn-northd prints it (two lower-case hex digits per byte), or undefined when invalid. */
export function normalizedMac(s: string | undefined): string | undefined {
  const m = s === undefined ? null : parseMac(s);
  return m ? formatMac(m) : undefined;
}

/** A source address as ovn-northd accepts it: IPv4 or IPv6, brackets optional; printed without them. */
function parseSrcIp(s: string): string | undefined {
  const bare = s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1) : s;
  const a = parseIp(bare);
  return a ? formatIp(a) : undefined;
}

/**
 * The health checking of one balancer, or undefined when it checks nothing: no health check rows, an
 * SCTP or template balancer (ovn-northd does not check those). `check` resolves Health_Check rows,
 * `port` the switch ports the mappings name, `mac` is the svc_monitor_mac.
 */
export function lbHealth(
  lb: ParsedLb,
  check: (uuid: string) => LoadBalancerHealthCheck | undefined,
  port: (name: string) => MappedPort | undefined,
  mac: string,
): LbHealth | undefined {
  const nb = lb.nb;
  if (!nb.health_check.length || lb.proto === 'sctp' || nb.options['template'] === 'true') return undefined;
  const checks = [...nb.health_check]
    .sort()
    .map(check)
    .filter((c): c is LoadBalancerHealthCheck => c !== undefined);
  const vips = new Map<string, Map<string, string>>();
  const monitors = new Map<string, MonitorColumns>();
  const responders: Responder[] = [];
  for (const vip of lb.vips) {
    // The first check (in UUID order) naming the VIP exactly as configured.
    const hc = checks.find((c) => c.vip === vip.key);
    if (!hc) continue;
    const checked = new Map<string, string>();
    vips.set(vip.key, checked);
    for (const b of vip.backends) {
      const mapping = nb.ip_port_mappings[b.family === 6 ? `[${b.ip}]` : b.ip];
      const colon = mapping?.indexOf(':') ?? -1;
      if (mapping === undefined || colon < 0) continue;
      const name = mapping.slice(0, colon);
      const p = port(name);
      const src = parseSrcIp(mapping.slice(colon + 1));
      if (!p || src === undefined) continue;
      responders.push({ switch: p.switch, family: vip.family, srcIp: src });
      if (!p.enabled) continue;
      const key = svcMonKey(name, b.ip, b.port, lb.proto);
      checked.set(endpointId(b), key);
      monitors.set(key, {
        ip: b.ip,
        port: b.port,
        protocol: lb.proto,
        logical_port: name,
        src_ip: src,
        src_mac: mac,
        options: hc.options,
      });
    }
  }
  if (!vips.size) return undefined;
  return { vips, monitors, responders };
}

/** ovn-northd balances over a checked backend unless its monitor says offline or error. */
const isOnline = (status: string | null | undefined) => status === null || status === undefined || status === 'online';

/**
 * The balancer with each health-checked VIP's ct_lb targets narrowed to the backends online (backends
 * listed as "ip:port", "[ip6]:port", port 0 included, as ovn-northd prints them then).
 */
export function withHealth(
  lb: ParsedLb,
  health: LbHealth,
  status: (monitorKey: string) => string | null | undefined,
): ParsedLb {
  const vips = lb.vips.map((vip) => {
    const checked = health.vips.get(vip.key);
    if (!checked) return vip;
    const up = vip.backends.filter((b) => {
      const key = checked.get(endpointId(b));
      return key !== undefined && isOnline(status(key));
    });
    const active: LbTargets = {
      raw: up.map((b) => (b.family === 6 ? `[${b.ip}]:${b.port}` : `${b.ip}:${b.port}`)).join(','),
      count: up.length,
    };
    return { ...vip, active };
  });
  return { ...lb, vips };
}

/** A signature of what withHealth changes: equal signatures give equal flows. */
export function healthSig(lb: ParsedLb): string {
  return lb.vips.map((v) => (v.active ? `${v.active.count}:${v.active.raw}` : '-')).join('|');
}

type Add = (st: StageName, prio: number, match: string, actions: string) => void;

/** A switch's ARP/ND answers for the monitors' source addresses of its ports. */
export function buildSvcResponderFlows(responders: readonly Responder[], mac: string, add: Add): void {
  for (const r of responders) {
    if (r.family === 4)
      add(
        'ls_in_arp_rsp',
        110,
        `arp.tpa == ${r.srcIp} && arp.op == 1`,
        `eth.dst = eth.src; eth.src = ${mac}; arp.op = 2; /* ARP reply */ arp.tha = arp.sha; arp.sha = ${mac}; ` +
          `arp.tpa = arp.spa; arp.spa = ${r.srcIp}; outport = inport; flags.loopback = 1; output;`,
      );
    else
      add(
        'ls_in_arp_rsp',
        110,
        `nd_ns && nd.target == ${r.srcIp}`,
        `nd_na { eth.dst = eth.src; eth.src = ${mac}; ip6.src = ${r.srcIp}; nd.target = ${r.srcIp}; ` +
          `nd.tll = ${mac}; outport = inport; flags.loopback = 1; output; };`,
      );
  }
}

/**
 * The monitors ovn-northd turns offline itself: those ovn-controller last saw online whose port's binding
 * is not up (any more). `required` tells northd's own rows, `bindingUp` the port's Port_Binding.up
 * (undefined without a binding).
 */
export function monitorsGoneOffline<R extends { readonly status: string | null; readonly logical_port: string }>(
  rows: Iterable<R>,
  required: (row: R) => boolean,
  bindingUp: (logicalPort: string) => boolean | undefined,
): R[] {
  const out: R[] = [];
  for (const r of rows) {
    if (r.status !== 'online' || !required(r)) continue;
    const up = bindingUp(r.logical_port);
    if (up !== undefined && !up) out.push(r);
  }
  return out;
}
