// Load balancers: VIPs ("IP[:PORT]") mapped to backends, and their attachment to switches and
// routers. Addresses are checked and normalized as OVN does before they are stored.
import { normalizeIpv4, normalizeIpv6 } from '@ovnts/net';
import { backendsText, endpointText, type LbEndpointArg } from './addresses.js';
import { NbError } from './errors.js';
import { KINDS, lookup } from './lookup.js';
import type { Added, NbRow, NbStore } from './store.js';
import { derefAll } from './switches.js';

export interface Endpoint {
  readonly family: 4 | 6;
  /** Canonical address text. */
  readonly ip: string;
  readonly port?: number;
}

/** "IP", "IP:PORT", "IPv6", "[IPv6]" or "[IPv6]:PORT" (inet_parse_active with numeric hosts). */
export function parseEndpoint(s: string): Endpoint | undefined {
  const r = parseEndpointLogged(s);
  return 'error' in r ? undefined : r;
}

/** As parseEndpoint, but says why it failed the way OVS logs it. */
export function parseEndpointLogged(s: string): Endpoint | { error: string } {
  let host = s;
  let portText: string | undefined;
  const br = /^\[([^\]]*)\](?::(.*))?$/.exec(s);
  if (br) {
    host = br[1]!;
    portText = br[2];
  } else if ((s.match(/:/g) ?? []).length === 1) {
    const i = s.indexOf(':');
    host = s.slice(0, i);
    portText = s.slice(i + 1);
  }
  const v4 = normalizeIpv4(host);
  const v6 = v4 ? undefined : normalizeIpv6(host);
  if ((!v4 && !v6) || (v4 && br)) return { error: `socket_util|ERR|${s}: bad IP address "${host}"` };
  let port: number | undefined;
  // "IP:" is the address without a port (OVS's inet_parse_active reads an empty port as none).
  if (portText !== undefined && portText !== '') {
    if (!/^\d+$/.test(portText) || Number(portText) > 65535) {
      return { error: `socket_util|ERR|${s}: bad port number "${portText}"` };
    }
    port = Number(portText) || undefined;
  }
  return { family: v4 ? 4 : 6, ip: (v4 ?? v6)!, ...(port !== undefined ? { port } : {}) };
}

export function formatEndpoint(e: Endpoint, withPort: boolean): string {
  const host = e.family === 6 && withPort ? `[${e.ip}]` : e.ip;
  return withPort && e.port !== undefined ? `${host}:${e.port}` : host;
}

/** Check a VIP and its comma-separated backends; returns the normalized key and value for `vips`. */
export function normalizeVip(vip: string, backends: string): { key: string; value: string; hasPort: boolean } {
  const v = parseEndpointLogged(vip);
  if ('error' in v) {
    const e = new NbError(
      `${vip}: should be an IP address (or an IP address and a port number with : as a separator).`,
    );
    e.logs = [v.error];
    throw e;
  }
  const hasPort = v.port !== undefined;
  const errors: string[] = [];
  const logs: string[] = [];
  const ok: Endpoint[] = [];
  for (const token of backends.split(',').filter((t) => t.length > 0)) {
    const b = parseEndpointLogged(token);
    const shape = hasPort
      ? `${token}: should be an IP address and a port number with : as a separator`
      : `${token}: should be an IP address`;
    if ('error' in b) {
      errors.push(shape);
      logs.push(b.error);
    } else if (b.family !== v.family) errors.push(`${token}: IP address family is different from VIP ${v.ip}`);
    else if (hasPort !== (b.port !== undefined)) errors.push(shape);
    else ok.push(b);
  }
  if (errors.length) {
    const e = new NbError(`${errors.join(', ')}.`);
    e.logs = logs;
    throw e;
  }
  return {
    key: formatEndpoint(v, hasPort),
    value: ok.map((b) => formatEndpoint(b, hasPort)).join(','),
    hasPort,
  };
}

/** Non-empty pieces of `s` between separators, as strtok gives them. */
const pieces = (s: string, sep: string) => s.split(sep).filter((t) => t.length > 0);

/**
 * A template load balancer's VIP ("^vip_var[:^port_var|:port]") and backends: each backend is either
 * "^ip_var[:^port_var|:port]" (or a variable that expands to several backends), or, failing that, an
 * explicit "IP[:PORT]" of the balancer's address family. Variables are expanded per chassis by
 * ovn-controller from Chassis_Template_Var, so nothing but the shape is checked here.
 */
export function normalizeTemplateVip(
  vip: string,
  backends: string,
  family: 4 | 6,
): { key: string; value: string; hasPort: boolean } {
  const v = pieces(vip, ':');
  if (v.length < 1 || v.length > 2) {
    throw new NbError(`${vip}: should be a template of the form: '^vip_variable[:^port_variable|:port]'.`);
  }
  const hasPort = v.length === 2;
  const tokens = pieces(backends, ',');
  const templateErrors = tokens
    .filter((t) => pieces(t, ':').length > 2)
    // ovn-nbctl names the backend by its first piece (its tokenizer cut the text there).
    .map(
      (t) =>
        `${/^:*[^:]*/.exec(t)![0]}: should be a template of the form: '^backendip_variable1[:^port_variable1|:port]'`,
    );
  let value: string;
  if (!templateErrors.length) {
    value = tokens.map((t) => pieces(t, ':').join(':')).join(',');
  } else {
    const errors: string[] = [];
    const ok: Endpoint[] = [];
    for (const token of tokens) {
      const b = parseEndpoint(token);
      const shape = hasPort
        ? `${token}: should be an IP address and a port number with : as a separator`
        : `${token}: should be an IP address`;
      if (!b) errors.push(shape);
      else if (b.family !== family) errors.push(`${token}: IP address family is different from VIP ${v[0]!}`);
      else if (hasPort !== (b.port !== undefined)) errors.push(shape);
      else ok.push(b);
    }
    if (errors.length) {
      throw new NbError(
        `invalid backend: template (${templateErrors.join(', ')}.) OR explicit (${errors.join(', ')}.)`,
      );
    }
    value = ok.map((b) => formatEndpoint(b, hasPort)).join(',');
  }
  return { key: v.join(':'), value, hasPort };
}

export type LbProtocol = NonNullable<NbRow<'Load_Balancer'>['protocol']>;
const LB_PROTOCOLS = ['tcp', 'udp', 'sctp'] as const satisfies readonly LbProtocol[];

/** A protocol as ovn-nbctl's lb-add takes it. */
export function parseLbProtocol(text: string): LbProtocol {
  const p = LB_PROTOCOLS.find((x) => x === text);
  if (p === undefined) throw new NbError(`${text}: protocol must be one of "tcp", "udp",  or "sctp".`);
  return p;
}

/** --reject and --event (what to do when a VIP has no backends) exclude each other. */
export function checkEmptyBackendAction(opts: Pick<LbAddOptions, 'reject' | 'event'>): void {
  if (opts.event && opts.reject) throw new NbError("--reject and --event can't specified at the same time");
}

export interface LbAddOptions {
  readonly mayExist?: boolean;
  readonly addDuplicate?: boolean;
  /** Reject (TCP RST/ICMP) instead of dropping when there are no backends. */
  readonly reject?: boolean;
  /** Emit a controller event when there are no backends. */
  readonly event?: boolean;
  readonly addRoute?: boolean;
  readonly protocol?: LbProtocol;
  /** VIP and backends are templates (`^name` variables, see normalizeTemplateVip). */
  readonly template?: boolean;
  /** A template balancer's address family (default ipv4); explicit balancers take it from the VIP. */
  readonly addressFamily?: 'ipv4' | 'ipv6';
}

/** Add a VIP to the named load balancer, creating it if needed. */
export function addLoadBalancer(
  s: NbStore,
  name: string,
  vipArg: LbEndpointArg,
  backendArgs: string | readonly LbEndpointArg[],
  opts: LbAddOptions = {},
): Added<'Load_Balancer'> {
  const vip = endpointText(vipArg);
  const backends = backendsText(backendArgs);
  checkEmptyBackendAction(opts);
  const proto = opts.protocol;
  if (proto !== undefined) parseLbProtocol(proto);
  const family = opts.addressFamily === 'ipv6' ? 6 : 4;
  const { key, value, hasPort } = opts.template
    ? normalizeTemplateVip(vip, backends, family)
    : normalizeVip(vip, backends);
  if (proto !== undefined && !hasPort) throw new NbError('Protocol is unnecessary when no port of vip is given.');
  if (!opts.addDuplicate) {
    const lb = lookup(s, KINDS.loadBalancer, name, false);
    if (lb) {
      const vips = lb.vips;
      if (vips[key] !== undefined && !opts.mayExist) {
        throw new NbError(`${name}: a load balancer with this vip (${key}) already exists`);
      }
      if (proto !== undefined) s.set('Load_Balancer', lb, 'protocol', proto);
      s.set('Load_Balancer', lb, 'vips', { ...vips, [key]: value });
      return { row: lb, created: false };
    }
  }
  const options: Record<string, string> = {};
  if (opts.reject) options['reject'] = 'true';
  if (opts.event) options['event'] = 'true';
  if (opts.addRoute) options['add_route'] = 'true';
  if (opts.template) {
    options['template'] = 'true';
    options['address-family'] = family === 4 ? 'ipv4' : 'ipv6';
  }
  return {
    row: s.insert('Load_Balancer', { name, protocol: proto ?? 'tcp', vips: { [key]: value }, options }),
    created: true,
  };
}

/** Delete a load balancer, or one VIP of it (the balancer goes when its last VIP does). */
export function deleteLoadBalancer(
  s: NbStore,
  id: string,
  vipArg?: LbEndpointArg,
  opts: { ifExists?: boolean } = {},
): void {
  const vip = vipArg === undefined ? undefined : endpointText(vipArg);
  // Like ovn-nbctl, deleting a balancer that does not exist is not an error.
  const lb = lookup(s, KINDS.loadBalancer, id, false);
  if (!lb) return;
  if (vip === undefined) {
    s.delete('Load_Balancer', lb);
    return;
  }
  const vips = { ...lb.vips };
  if (vips[vip] === undefined) {
    if (!opts.ifExists) throw new NbError(`vip ${vip} is not part of the load balancer.`);
    return;
  }
  delete vips[vip];
  if (Object.keys(vips).length === 0) s.delete('Load_Balancer', lb);
  else s.set('Load_Balancer', lb, 'vips', vips);
}

type Owner = 'switch' | 'router';
const OWNER = {
  switch: { kind: KINDS.switch, table: 'Logical_Switch', noun: 'logical switch' },
  router: { kind: KINDS.router, table: 'Logical_Router', noun: 'logical router' },
} as const;

/** Attach a load balancer to a switch or router. */
export function attachLoadBalancer(
  s: NbStore,
  owner: Owner,
  ownerId: string,
  lbId: string,
  opts: { mayExist?: boolean } = {},
): void {
  const o = OWNER[owner];
  const row = lookup(s, o.kind, ownerId, true);
  const lb = lookup(s, KINDS.loadBalancer, lbId, true);
  if (row.load_balancer.includes(lb._uuid)) {
    if (opts.mayExist) return;
    throw new NbError(`${lb._uuid} : a load balancer with this UUID already exists`);
  }
  s.addToSet(o.table, row, 'load_balancer', [lb._uuid]);
}

/** Detach one load balancer (or all of them) from a switch or router. */
export function detachLoadBalancer(
  s: NbStore,
  owner: Owner,
  ownerId: string,
  lbId?: string,
  opts: { ifExists?: boolean } = {},
): void {
  const o = OWNER[owner];
  const row = lookup(s, o.kind, ownerId, true);
  if (lbId === undefined) {
    s.set(o.table, row, 'load_balancer', []);
    return;
  }
  const lb = lookup(s, KINDS.loadBalancer, lbId, true);
  if (row.load_balancer.includes(lb._uuid)) {
    s.removeFromSet(o.table, row, 'load_balancer', [lb._uuid]);
    return;
  }
  if (!opts.ifExists) throw new NbError(`load balancer ${lb.name} is not part of any ${o.noun}.`);
}

/** The load balancers of a switch or router, directly and through load balancer groups. */
export function loadBalancersOf(s: NbStore, owner: Owner, ownerId: string): NbRow<'Load_Balancer'>[] {
  const o = OWNER[owner];
  const row = lookup(s, o.kind, ownerId, true);
  const out = derefAll(s, 'Load_Balancer', row.load_balancer);
  for (const grp of derefAll(s, 'Load_Balancer_Group', row.load_balancer_group))
    out.push(...derefAll(s, 'Load_Balancer', grp.load_balancer));
  return out;
}
