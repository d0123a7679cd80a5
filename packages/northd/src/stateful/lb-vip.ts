// Load balancer VIPs as northd reads them: "IP", "IP:port", "[IPv6]:port" keys mapped to a
// comma-separated backend list of the same shape. Bad entries are reported and left out.
import type { LoadBalancer } from '@ovnts/schema/nb';
import { formatIp, parseIp } from '../addresses.js';
import { rowName, type Diagnostics } from '../diagnostics.js';
import { smapBool } from '../router-options.js';

export interface LbEndpoint {
  readonly ip: string;
  readonly family: 4 | 6;
  /** 0 when the entry has no port. */
  readonly port: number;
}

export interface LbVip extends LbEndpoint {
  /** The VIP exactly as configured (the `vips` key a health check names). */
  readonly key: string;
  /** The backend list exactly as configured (flows carry it verbatim). */
  readonly backendsRaw: string;
  readonly backends: readonly LbEndpoint[];
  /** Under a health check, the backends ct_lb balances over (svc-monitor.ts); otherwise all of them. */
  readonly active?: LbTargets;
}

/** What a VIP's ct_lb action balances over: the list it carries and how many backends are in it. */
export interface LbTargets {
  readonly raw: string;
  readonly count: number;
}

export function lbTargets(vip: LbVip): LbTargets {
  return vip.active ?? { raw: vip.backendsRaw, count: vip.backends.length };
}

export interface ParsedLb {
  readonly nb: LoadBalancer;
  /** "tcp" unless configured otherwise. */
  readonly proto: 'tcp' | 'udp' | 'sctp';
  readonly vips: readonly LbVip[];
  /** options:reject — answer VIPs without backends with a reset/unreachable instead of dropping. */
  readonly rejectEmpty: boolean;
  /**
   * options:event (or NB_Global options:controller_event): a packet to a VIP without backends makes
   * ovn-controller report an `empty_lb_backends` Controller_Event.
   */
  readonly controllerEvent: boolean;
}

export function parseEndpoint(s: string): LbEndpoint | null {
  const t = s.trim();
  let host = t;
  let port = 0;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (v6) {
    host = v6[1]!;
    port = v6[2] !== undefined ? Number(v6[2]) : 0;
  } else if (/^[^:]+:\d+$/.test(t)) {
    const i = t.lastIndexOf(':');
    host = t.slice(0, i);
    port = Number(t.slice(i + 1));
  }
  const a = parseIp(host);
  if (!a || port > 65535) return null;
  if (v6 && a.family !== 6) return null;
  return { ip: formatIp(a), family: a.family, port };
}

export function parseLb(lb: LoadBalancer, diag: Diagnostics, globalEvent = false): ParsedLb {
  const vips: LbVip[] = [];
  for (const [key, value] of Object.entries(lb.vips).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const vip = parseEndpoint(key);
    if (!vip) {
      diag.warn('Load_Balancer', rowName(lb), `bad VIP ${JSON.stringify(key)}; skipped`);
      continue;
    }
    const backends: LbEndpoint[] = [];
    for (const tok of value.split(',')) {
      if (!tok.trim()) continue;
      const b = parseEndpoint(tok);
      // A backend must look like its VIP: same family, a port exactly when the VIP has one.
      if (!b || b.family !== vip.family || (vip.port !== 0) !== (b.port !== 0)) {
        diag.warn('Load_Balancer', rowName(lb), `bad backend ${JSON.stringify(tok)} for VIP ${key}; skipped`);
        continue;
      }
      backends.push(b);
    }
    vips.push({ ...vip, key, backendsRaw: value, backends });
  }
  return {
    nb: lb,
    proto: lb.protocol ?? 'tcp',
    vips,
    rejectEmpty: lb.options['reject'] === 'true',
    controllerEvent: globalEvent || smapBool(lb.options, 'event', false),
  };
}

/** NB_Global options:controller_event (deprecated by ovn-northd in favour of the balancers' own option). */
export function globalControllerEvent(options: Readonly<Record<string, string>> | undefined): boolean {
  return smapBool(options ?? {}, 'controller_event', false);
}

/**
 * The Controller_Event trigger for a VIP without backends (undefined when the balancer asks for none,
 * or rejects such traffic instead): its match, and its action naming the VIP as configured.
 */
export function emptyBackendsEvent(lb: ParsedLb, vip: LbVip): { match: string; action: string } | undefined {
  if (!lb.controllerEvent || vip.backends.length || lb.rejectEmpty) return undefined;
  const ip = vip.family === 4 ? 'ip4' : 'ip6';
  let match = `${ip}.dst == ${vip.ip} && ${lb.proto}`;
  let shown = vip.ip;
  if (vip.port) {
    match += ` && ${lb.proto}.dst == ${vip.port}`;
    shown = vip.family === 4 ? `${vip.ip}:${vip.port}` : `[${vip.ip}]:${vip.port}`;
  }
  const action = `trigger_event(event = "empty_lb_backends", vip = "${shown}", protocol = "${lb.proto}", load_balancer = "${lb.nb._uuid}");`;
  return { match, action };
}
