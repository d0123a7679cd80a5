// Logical routers, their ports, gateway chassis, static routes and NAT rules. Like switches.ts, every
// function only changes the NbStore it is given; errors are NbErrors with ovn-nbctl's wording.
import {
  normalizeIpv4,
  normalizeIpv4Prefix,
  normalizeIpv6,
  normalizeIpv6Prefix,
  normalizeMac,
  normalizePrefix,
  parsePrefixText,
  prefixContainsText,
} from '@ovnts/net';
import {
  ipOrPrefixText,
  ipText,
  macText,
  prefixText,
  type IpArg,
  type IpOrPrefixArg,
  type MacArg,
  type PrefixArg,
} from './addresses.js';
import { NbError } from './errors.js';
import { KINDS, lookup, type Kind } from './lookup.js';
import type { LogicalRouterPolicy, NAT } from '@ovnts/schema/nb';
import type { Added, NbRow, NbStore } from './store.js';
import { derefAll, sortByName, type AddOptions } from './switches.js';
import { checkPriority } from './validate.js';

export function findRouter(s: NbStore, id: string): NbRow<'Logical_Router'>;
export function findRouter(s: NbStore, id: string, mustExist: boolean): NbRow<'Logical_Router'> | undefined;
export function findRouter(s: NbStore, id: string, mustExist = true): NbRow<'Logical_Router'> | undefined {
  return lookup(s, KINDS.router, id, mustExist);
}

export function findRouterPort(s: NbStore, id: string): NbRow<'Logical_Router_Port'>;
export function findRouterPort(s: NbStore, id: string, mustExist: boolean): NbRow<'Logical_Router_Port'> | undefined;
export function findRouterPort(s: NbStore, id: string, mustExist = true): NbRow<'Logical_Router_Port'> | undefined {
  return lookup(s, KINDS.routerPort, id, mustExist);
}

export function addRouter(s: NbStore, name: string | undefined, opts: AddOptions = {}): Added<'Logical_Router'> {
  if (opts.mayExist && opts.addDuplicate) throw new NbError('--may-exist and --add-duplicate may not be used together');
  if (name !== undefined) {
    if (!opts.addDuplicate) {
      const existing = s.findBy('Logical_Router', 'name', name)[0];
      if (existing) {
        if (opts.mayExist) return { row: existing, created: false };
        throw new NbError(`${name}: a router with this name already exists`);
      }
    }
  } else if (opts.mayExist) {
    throw new NbError('--may-exist requires specifying a name');
  } else if (opts.addDuplicate) {
    throw new NbError('--add-duplicate requires specifying a name');
  }
  return { row: s.insert('Logical_Router', name !== undefined ? { name } : {}), created: true };
}

export function deleteRouter(s: NbStore, id: string, opts: { ifExists?: boolean } = {}): void {
  const lr = findRouter(s, id, !opts.ifExists);
  if (lr) s.delete('Logical_Router', lr);
}

export function listRouters(s: NbStore): NbRow<'Logical_Router'>[] {
  return sortByName(s.rows('Logical_Router'));
}

export function routerOfPort(s: NbStore, lrp: NbRow<'Logical_Router_Port'>): NbRow<'Logical_Router'> {
  const name = lrp.name;
  const lr = s
    .rows('Logical_Router')
    .find((r) => s.effective(r, 'ports').some((u) => s.get('Logical_Router_Port', u)?.name === name));
  if (!lr) throw new NbError(`port ${name} is not part of any logical router`);
  return lr;
}

/** The set of normalized networks, or undefined if any is invalid. */
function networkSet(networks: readonly string[]): Set<string> | undefined {
  const out = new Set<string>();
  for (const n of networks) {
    const norm = normalizePrefix(n);
    if (!norm) return undefined;
    out.add(norm);
  }
  return out;
}

export interface AddRouterPortOptions {
  readonly mayExist?: boolean;
  /** The peer router port (for router-to-router links). */
  readonly peer?: string;
}

/**
 * Add a router port with a MAC and networks ("IP/LEN"). Further columns (e.g. peer) can be set on the
 * returned row; with mayExist an identical existing port is returned instead.
 */
export function addRouterPort(
  s: NbStore,
  routerId: string,
  name: string,
  macArg: MacArg,
  networkArgs: readonly PrefixArg[],
  opts: AddRouterPortOptions = {},
): Added<'Logical_Router_Port'> {
  const mac = macText(macArg);
  const networks = networkArgs.map(prefixText);
  const lr = findRouter(s, routerId);
  if (networks.length === 0) throw new NbError(`${name}: router port requires specifying a network`);
  const ea = normalizeMac(mac);
  if (!ea) throw new NbError(`${name}: invalid mac address ${mac}`);
  const existing = findRouterPort(s, name, false);
  if (existing) {
    if (!opts.mayExist) throw new NbError(`${name}: a port with this name already exists`);
    const bound = routerOfPort(s, existing);
    if (bound !== lr) {
      throw new NbError(`${name}: port already exists but in router ${bound.name || bound._uuid}`);
    }
    if (normalizeMac(existing.mac) !== ea) throw new NbError(`${name}: port already exists with mac ${existing.mac}`);
    const want = networkSet(networks);
    if (!want) throw new NbError(`${name}: Invalid networks configured`);
    const have = networkSet(existing.networks);
    if (!have) throw new NbError(`${name}: Existing port has invalid networks configured`);
    if (want.size !== have.size || [...want].some((n) => !have.has(n))) {
      throw new NbError(`${name}: port already exists with different network`);
    }
    const peer = existing.peer;
    if ((opts.peer === undefined) !== (peer === null) || (peer !== null && peer !== opts.peer)) {
      throw new NbError(`${name}: port already exists with mismatching peer`);
    }
    return { row: existing, created: false };
  }
  for (const n of networks) {
    if (!parsePrefixText(n)) throw new NbError(`${name}: invalid network address: ${n}`);
  }
  const row = s.insert('Logical_Router_Port', { name, mac, networks: [...networks] });
  s.addToSet('Logical_Router', lr, 'ports', [row._uuid]);
  return { row, created: true };
}

export function deleteRouterPort(s: NbStore, id: string, opts: { ifExists?: boolean } = {}): void {
  const lrp = findRouterPort(s, id, !opts.ifExists);
  if (!lrp) return;
  const lr = routerOfPort(s, lrp);
  s.removeFromSet('Logical_Router', lr, 'ports', [lrp._uuid]);
  s.delete('Logical_Router_Port', lrp);
}

export function listRouterPorts(s: NbStore, routerId: string): NbRow<'Logical_Router_Port'>[] {
  return sortByName(derefAll(s, 'Logical_Router_Port', findRouter(s, routerId).ports));
}

const GATEWAY_CHASSIS: Kind<'Gateway_Chassis'> = { table: 'Gateway_Chassis', noun: 'gateway chassis' };

/**
 * Pin a router port to a chassis with a priority 0..32767 (distributed gateway port); `created` false when
 * the port already had that chassis (its priority is updated).
 */
export function setGatewayChassis(s: NbStore, portId: string, chassis: string, priority = 0): Added<'Gateway_Chassis'> {
  checkPriority(priority);
  const lrp = findRouterPort(s, portId);
  const name = `${portId}-${chassis}`;
  const existing = lookup(s, GATEWAY_CHASSIS, name, false);
  const gc = existing ?? s.insert('Gateway_Chassis', { name, chassis_name: chassis });
  s.set('Gateway_Chassis', gc, 'priority', priority);
  s.addToSet('Logical_Router_Port', lrp, 'gateway_chassis', [gc._uuid]);
  return { row: gc, created: !existing };
}

export function deleteGatewayChassis(s: NbStore, portId: string, chassis: string): void {
  const lrp = findRouterPort(s, portId);
  const gcs = lrp.gateway_chassis;
  for (const u of gcs) {
    const gc = s.deref('Gateway_Chassis', u);
    const cn = gc?.chassis_name ?? '';
    // ovn-nbctl compares only the length of the stored name (a prefix match).
    if (gc && chassis.startsWith(cn)) {
      if (gcs.length === 1) s.set('Logical_Router_Port', lrp, 'gateway_chassis', []);
      else s.removeFromSet('Logical_Router_Port', lrp, 'gateway_chassis', [gc._uuid]);
      s.delete('Gateway_Chassis', gc);
      return;
    }
  }
  throw new NbError(`chassis ${chassis} is not added to logical port ${portId}`);
}

/** Gateway chassis of a port, highest priority first. */
export function gatewayChassisByPriority(s: NbStore, lrp: NbRow<'Logical_Router_Port'>): NbRow<'Gateway_Chassis'>[] {
  return derefAll(s, 'Gateway_Chassis', lrp.gateway_chassis).sort(
    (a, b) => b.priority - a.priority || cmp(b.name, a.name),
  );
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function setRedirectType(s: NbStore, portId: string, type: string): void {
  const lrp = findRouterPort(s, portId);
  const l = type.toLowerCase();
  if (l !== 'bridged' && l !== 'overlay') throw new NbError(`Invalid redirect type: ${type}`);
  s.set('Logical_Router_Port', lrp, 'options', {
    ...lrp.options,
    'redirect-type': type,
  });
}

// ---- Static routes ----

export type RoutePolicy = NonNullable<NbRow<'Logical_Router_Static_Route'>['policy']>;

/** "src-ip" or "dst-ip", as --policy gives it. */
export function parseRoutePolicy(policy: string): RoutePolicy {
  if (policy !== 'src-ip' && policy !== 'dst-ip') throw new NbError(`bad policy: ${policy}`);
  return policy;
}

export interface RouteOptions {
  readonly mayExist?: boolean;
  readonly ecmp?: boolean;
  readonly ecmpSymmetricReply?: boolean;
  readonly policy?: RoutePolicy;
  readonly routeTable?: string;
  /** BFD: true to find/create the BFD row for the next hop, or a BFD row UUID. */
  readonly bfd?: true | string;
}

function routeMatches(
  r: NbRow<'Logical_Router_Static_Route'>,
  prefix: string,
  nexthop: string,
  srcRoute: boolean,
  ecmp: boolean,
  table?: string,
): boolean {
  const isSrc = r.policy === 'src-ip';
  if (isSrc !== srcRoute) return false;
  if (r.route_table !== (table ?? '')) return false;
  if (normalizePrefix(r.ip_prefix) !== prefix) return false;
  return !ecmp || r.nexthop === nexthop;
}

/** Add a static route "PREFIX via NEXTHOP [PORT]" (NEXTHOP may be "discard" or, without one, a port). */
export function addRoute(
  s: NbStore,
  routerId: string,
  prefixIn: PrefixArg | IpArg,
  nexthopIn: IpArg | 'discard',
  portId: string | undefined,
  opts: RouteOptions = {},
): Added<'Logical_Router_Static_Route'> {
  const prefixArg = ipOrPrefixText(prefixIn);
  const nexthopArg = ipText(nexthopIn);
  const lr = findRouter(s, routerId);
  if (opts.policy !== undefined) parseRoutePolicy(opts.policy);
  const srcRoute = opts.policy === 'src-ip';
  let v6 = false;
  let prefix = normalizeIpv4Prefix(prefixArg);
  if (!prefix) {
    prefix = normalizeIpv6Prefix(prefixArg);
    v6 = true;
  }
  if (!prefix) throw new NbError(`bad prefix argument: ${prefixArg}`);
  const discard = nexthopArg === 'discard';
  let nexthop: string;
  let outPort: NbRow<'Logical_Router_Port'> | undefined;
  if (discard) {
    nexthop = 'discard';
  } else {
    const nh = v6 ? normalizeIpv6(nexthopArg) : normalizeIpv4(nexthopArg);
    if (nh) {
      nexthop = nh;
    } else {
      outPort = findRouterPort(s, nexthopArg, false);
      if (!outPort) throw new NbError(`bad ${v6 ? 'IPv6' : 'IPv4'} nexthop argument: ${nexthopArg}`);
      nexthop = '';
    }
  }
  if (portId !== undefined) outPort = findRouterPort(s, portId);
  let bfdRow: NbRow<'BFD'> | undefined;
  if (opts.bfd !== undefined) {
    if (opts.bfd !== true) {
      bfdRow = /^[0-9a-f-]{36}$/i.test(opts.bfd) ? s.get('BFD', opts.bfd.toLowerCase()) : undefined;
      if (!bfdRow) throw new NbError('no entry found in the BFD table');
    } else {
      bfdRow = s.rows('BFD').find((b) => b.dst_ip === nexthop && (!outPort || b.logical_port === outPort.name));
    }
  }
  const ecmp = !!opts.ecmp || !!opts.ecmpSymmetricReply;
  const routes = derefAll(s, 'Logical_Router_Static_Route', lr.static_routes);
  const existing = routes.find((r) => routeMatches(r, prefix, nexthop, srcRoute, ecmp, opts.routeTable));
  if (discard) {
    if (ecmp) throw new NbError('ecmp is not valid for discard routes.');
    if (opts.bfd !== undefined) throw new NbError('bfd dst_ip cannot be discard.');
    if (outPort) throw new NbError('outport is not valid for discard routes.');
  }
  const attachBfd = (route: NbRow<'Logical_Router_Static_Route'>) => {
    if (opts.bfd === undefined) return;
    if (!bfdRow) {
      if (!outPort) throw new NbError('insert entry in the BFD table failed');
      bfdRow = s.insert('BFD', { dst_ip: nexthop, logical_port: outPort.name });
    }
    s.set('Logical_Router_Static_Route', route, 'bfd', bfdRow._uuid);
  };
  if (!ecmp) {
    if (existing && existing.external_ids['ic-learned-route'] === undefined) {
      if (!opts.mayExist) {
        throw new NbError(
          `duplicate prefix: ${prefix} (policy: ${srcRoute ? 'src-ip' : 'dst-ip'}). Use option --ecmp to allow this for ECMP routing.`,
        );
      }
      s.set('Logical_Router_Static_Route', existing, 'ip_prefix', prefix);
      s.set('Logical_Router_Static_Route', existing, 'nexthop', nexthop);
      if (outPort) s.set('Logical_Router_Static_Route', existing, 'output_port', outPort.name);
      if (opts.policy !== undefined) s.set('Logical_Router_Static_Route', existing, 'policy', opts.policy);
      attachBfd(existing);
      return { row: existing, created: false };
    }
  } else if (existing) {
    if (!opts.mayExist) throw new NbError('duplicate nexthop for the same ECMP route');
    return { row: existing, created: false };
  }
  if (routes.some((r) => routeMatches(r, prefix, 'discard', srcRoute, true, opts.routeTable))) {
    throw new NbError('discard nexthop for the same ECMP route exists.');
  }
  const route = s.insert('Logical_Router_Static_Route', {
    ip_prefix: prefix,
    nexthop,
    ...(outPort ? { output_port: outPort.name } : {}),
    ...(opts.policy !== undefined ? { policy: opts.policy } : {}),
    ...(opts.routeTable ? { route_table: opts.routeTable } : {}),
    ...(opts.ecmpSymmetricReply ? { options: { ecmp_symmetric_reply: 'true' } } : {}),
  });
  s.addToSet('Logical_Router', lr, 'static_routes', [route._uuid]);
  attachBfd(route);
  return { row: route, created: true };
}

export interface DelRouteOptions {
  readonly ifExists?: boolean;
  readonly policy?: RoutePolicy;
  readonly routeTable?: string;
}

/** Delete routes matching the given prefix/next hop/port (all of the router's routes with no filter). */
export function deleteRoutes(
  s: NbStore,
  routerId: string,
  prefixIn?: PrefixArg | IpArg,
  nexthopIn?: IpArg,
  port?: string,
  opts: DelRouteOptions = {},
): void {
  const prefixArg = prefixIn === undefined ? undefined : ipOrPrefixText(prefixIn);
  const nexthopArg = nexthopIn === undefined ? undefined : ipText(nexthopIn);
  const lr = findRouter(s, routerId);
  if (opts.policy !== undefined) parseRoutePolicy(opts.policy);
  const srcRoute = opts.policy === 'src-ip';
  if (prefixArg === undefined && opts.policy === undefined) {
    s.set('Logical_Router', lr, 'static_routes', []);
    return;
  }
  let prefix: string | undefined;
  if (prefixArg !== undefined) {
    prefix = normalizePrefix(prefixArg);
    if (!prefix) throw new NbError(`bad prefix argument: ${prefixArg}`);
  }
  let nexthop: string | undefined;
  if (nexthopArg !== undefined) {
    nexthop = nexthopArg === 'discard' ? 'discard' : normalizePrefix(nexthopArg);
    if (!nexthop) throw new NbError(`bad nexthop argument: ${nexthopArg}`);
  }
  let removed = 0;
  for (const r of derefAll(s, 'Logical_Router_Static_Route', lr.static_routes)) {
    if (opts.policy !== undefined && (r.policy === 'src-ip') !== srcRoute) continue;
    if (prefix !== undefined && normalizePrefix(r.ip_prefix) !== prefix) continue;
    if (nexthop !== undefined) {
      const rn = r.nexthop === 'discard' ? 'discard' : normalizePrefix(r.nexthop);
      if (rn !== nexthop) continue;
    }
    if (r.route_table !== (opts.routeTable ?? '')) continue;
    if (port !== undefined && r.output_port !== port) continue;
    const bfd = r.bfd;
    if (bfd) {
      const b = s.get('BFD', bfd);
      if (b) s.delete('BFD', b);
    }
    s.removeFromSet('Logical_Router', lr, 'static_routes', [r._uuid]);
    removed++;
  }
  if (!removed && !opts.ifExists) {
    throw new NbError(
      `no matching route: policy '${opts.policy ?? 'any'}', prefix '${prefix ?? '(null)'}', nexthop '${nexthop ?? 'any'}', output_port '${port ?? 'any'}'.`,
    );
  }
}

// ---- NAT ----

export type NatType = NAT['type'];

export interface NatOptions {
  readonly mayExist?: boolean;
  readonly stateless?: boolean;
  readonly addRoute?: boolean;
  readonly gatewayPort?: string;
  /** For dnat_and_snat: the VM's port and the MAC to use for the external IP (distributed NAT). */
  readonly logicalPort?: string;
  readonly externalMac?: MacArg;
  readonly portRange?: string;
}

export function checkNatType(t: string): NatType {
  if (t !== 'dnat' && t !== 'snat' && t !== 'dnat_and_snat') {
    throw new NbError(`${t}: type must be one of "dnat", "snat" and "dnat_and_snat".`);
  }
  return t;
}

/**
 * Check a NAT's type and addresses: external is an IPv4/IPv6 address; logical is an address of the
 * same family, or for snat also a network. Returns them normalized.
 */
export function normalizeNatAddresses(
  type: NatType,
  externalIpArg: IpArg,
  logicalIpArg: IpOrPrefixArg,
): { type: NatType; external: string; logical: string } {
  const externalIp = ipText(externalIpArg);
  const logicalIp = ipOrPrefixText(logicalIpArg);
  checkNatType(type);
  let v6 = false;
  let ext = normalizeIpv4(externalIp);
  if (!ext) {
    ext = normalizeIpv6(externalIp);
    v6 = true;
  }
  if (!ext) throw new NbError(`${externalIp}: Not a valid IPv4 or IPv6 address.`);
  let logical: string | undefined;
  if (type !== 'snat') {
    logical = v6 ? normalizeIpv6(logicalIp) : normalizeIpv4(logicalIp);
    if (!logical) throw new NbError(`${logicalIp}: Not a valid ${v6 ? 'IPv6' : 'IPv4'} address.`);
  } else {
    logical = v6 ? normalizeIpv6Prefix(logicalIp) : normalizeIpv4Prefix(logicalIp);
    if (!logical) throw new NbError(`${logicalIp}: should be an ${v6 ? 'IPv6' : 'IPv4'} address or network.`);
  }
  return { type, external: ext, logical };
}

/** Is "LO[-HI]" a valid port range (1..65535, LO < HI)? */
export function isValidPortRange(r: string): boolean {
  const parts = r.split('-');
  const lo = parseInt(parts[0] ?? '', 10);
  if (!(lo > 0)) return false;
  if (!r.includes('-')) return true;
  if (parts.length !== 2) return false;
  const hi = parseInt(parts[1] ?? '', 10);
  return Number.isFinite(hi) && lo < hi && hi <= 65535;
}

function isGatewayPort(lrp: NbRow<'Logical_Router_Port'>): boolean {
  return lrp.ha_chassis_group !== null || lrp.gateway_chassis.length > 0;
}

function ipInNetworks(lrp: NbRow<'Logical_Router_Port'>, ip: string): boolean {
  return lrp.networks.some((n) => {
    const c = parsePrefixText(n);
    return !!c && prefixContainsText(c, ip);
  });
}

export function addNat(
  s: NbStore,
  routerId: string,
  natType: NatType,
  externalIp: IpArg,
  logicalIp: IpOrPrefixArg,
  opts: NatOptions = {},
): Added<'NAT'> {
  const lr = findRouter(s, routerId);
  const { type, external: ext, logical } = normalizeNatAddresses(natType, externalIp, logicalIp);
  const externalMac = opts.externalMac === undefined ? undefined : macText(opts.externalMac);
  const isSnat = type === 'snat';
  if (opts.portRange !== undefined && !isValidPortRange(opts.portRange)) {
    throw new NbError(`invalid port range ${opts.portRange}.`);
  }
  if (externalMac !== undefined && !normalizeMac(externalMac)) {
    throw new NbError(`invalid mac address ${externalMac}.`);
  }
  if (type !== 'dnat_and_snat' && opts.stateless)
    throw new NbError('stateless is not applicable to dnat or snat types');
  if (isSnat && opts.addRoute) throw new NbError('routes cannot be added for snat types.');
  const ports = derefAll(s, 'Logical_Router_Port', lr.ports);
  let dgw: NbRow<'Logical_Router_Port'> | undefined;
  let nGw = 0;
  if (opts.gatewayPort !== undefined) {
    dgw = findRouterPort(s, opts.gatewayPort);
    nGw = ports.filter(isGatewayPort).length;
    if (!ports.includes(dgw))
      throw new NbError(`${opts.gatewayPort} is not a router port of logical router: ${routerId}.`);
    if (!isGatewayPort(dgw)) throw new NbError(`${opts.gatewayPort} is not a distributed gateway router port.`);
  } else {
    for (const p of ports) {
      if (!isGatewayPort(p)) continue;
      nGw++;
      if (ipInNetworks(p, ext)) dgw = p;
    }
    if (nGw > 1 && !dgw) {
      throw new NbError(
        `logical router: ${routerId} has multiple distributed gateway ports and gateway_port can not be determined from external IP of NAT rule.`,
      );
    }
  }
  for (const nat of derefAll(s, 'NAT', lr.nat)) {
    const oldExt = normalizePrefix(nat.external_ip);
    const oldLogical = normalizePrefix(nat.logical_ip);
    if (!oldExt || !oldLogical) continue;
    const gp = nat.gateway_port;
    const errors: string[] = [];
    let stop: NbRow<'NAT'> | undefined;
    if (
      nat.type === type &&
      (nGw <= 1 || (gp !== null && gp === dgw?._uuid) || (gp === null && !!dgw && ipInNetworks(dgw, oldExt)))
    ) {
      if ((isSnat ? logical : ext) === (isSnat ? oldLogical : oldExt)) {
        if ((isSnat ? ext : logical) === (isSnat ? oldExt : oldLogical)) {
          if (opts.mayExist) {
            s.set('NAT', nat, 'logical_port', opts.logicalPort ?? null);
            s.set('NAT', nat, 'external_mac', externalMac ?? null);
            stop = nat;
          } else {
            errors.push(`${ext}, ${logical}: a NAT with this external_ip and logical_ip already exists`);
          }
        } else {
          errors.push(
            `a NAT with this type (${type}), ${isSnat ? 'logical_ip' : 'external_ip'} (${isSnat ? logical : ext}) already exists`,
          );
        }
        stop ??= nat;
      }
    }
    if ((type === 'dnat_and_snat' || nat.type === 'dnat_and_snat') && oldExt === ext) {
      if (nat.options['stateless'] === 'true' || opts.stateless) {
        if (!opts.mayExist) {
          errors.push(`${ext}, ${logical}: External ip cannot be shared across stateless and stateful NATs`);
        }
        stop ??= nat;
      }
    }
    if (errors.length) {
      // ovn-nbctl reports the last error of the pass; earlier ones are logged as discarded.
      const e = new NbError(errors[errors.length - 1]!);
      e.logs = errors.slice(0, -1).map((d) => `db_ctl_base|ERR|Discarding unhandled error: ${d}`);
      throw e;
    }
    if (stop) return { row: stop, created: false };
  }
  const options: Record<string, string> = { stateless: opts.stateless ? 'true' : 'false' };
  if (opts.addRoute) options['add_route'] = 'true';
  const nat = s.insert('NAT', {
    type,
    external_ip: ipText(externalIp),
    logical_ip: logical,
    ...(opts.logicalPort !== undefined && externalMac !== undefined
      ? { logical_port: opts.logicalPort, external_mac: externalMac }
      : {}),
    ...(opts.portRange !== undefined ? { external_port_range: opts.portRange } : {}),
    options,
  });
  if (opts.gatewayPort !== undefined && dgw) s.set('NAT', nat, 'gateway_port', dgw._uuid);
  s.addToSet('Logical_Router', lr, 'nat', [nat._uuid]);
  return { row: nat, created: true };
}

/** Delete NAT rules: all, all of a type, by IP (logical IP for snat, external IP otherwise), and/or gateway port. */
export function deleteNat(
  s: NbStore,
  routerId: string,
  type?: NatType,
  ipArg?: IpOrPrefixArg,
  gatewayPort?: string,
  opts: { ifExists?: boolean } = {},
): void {
  const ip = ipArg === undefined ? undefined : ipOrPrefixText(ipArg);
  const lr = findRouter(s, routerId);
  if (type === undefined) {
    s.set('Logical_Router', lr, 'nat', []);
    return;
  }
  checkNatType(type);
  const nats = derefAll(s, 'NAT', lr.nat);
  const del = (n: NbRow<'NAT'>) => s.removeFromSet('Logical_Router', lr, 'nat', [n._uuid]);
  if (ip === undefined) {
    for (const n of nats) if (n.type === type) del(n);
    return;
  }
  const natIp = normalizePrefix(ip);
  const isSnat = type === 'snat';
  const oldIp = (n: NbRow<'NAT'>) => normalizePrefix(isSnat ? n.logical_ip : n.external_ip);
  if (gatewayPort === undefined) {
    if (!natIp) {
      const dgw = findRouterPort(s, ip);
      for (const n of nats) if (n.type === type && n.gateway_port === dgw._uuid) del(n);
      return;
    }
    for (const n of nats) if (n.type === type && oldIp(n) === natIp) del(n);
    return;
  }
  if (!natIp) throw new NbError(`${ip}: Invalid IP address or CIDR`);
  const dgw = findRouterPort(s, gatewayPort);
  for (const n of nats) {
    if (n.type === type && oldIp(n) === natIp && n.gateway_port === dgw._uuid) {
      del(n);
      return;
    }
  }
  if (!opts.ifExists) {
    throw new NbError(
      `no matching NAT with the type (${type}), ${isSnat ? 'logical_ip' : 'external_ip'} (${natIp}) and gateway_port (${gatewayPort})`,
    );
  }
}

// ---- Routing policies ----

export type PolicyAction = LogicalRouterPolicy['action'];

export function parsePolicyAction(action: string): PolicyAction {
  if (action !== 'allow' && action !== 'drop' && action !== 'reroute') {
    throw new NbError(`${action}: action must be one of "allow", "drop", and "reroute"`);
  }
  return action;
}

/** Array.isArray, narrowing readonly arrays too. */
const isPairList = (
  x: Readonly<Record<string, string>> | readonly (readonly [string, string])[],
): x is readonly (readonly [string, string])[] => Array.isArray(x);

export interface PolicySpec {
  /** 0..32767 */
  readonly priority: number;
  readonly match: string;
  readonly action: PolicyAction;
  /** For reroute: next hop addresses, all of one family (empty strings are skipped, as ovn-nbctl's strtok does). */
  readonly nexthops?: readonly IpArg[];
  /** Options; as pairs, in the order ovn-nbctl checks its KEY=VALUE arguments (an empty value is an error). */
  readonly options?: Readonly<Record<string, string>> | readonly (readonly [string, string])[];
}

/** Add a routing policy; `reroute` needs next hops (one address family). */
export function addPolicy(
  s: NbStore,
  routerId: string,
  policy: PolicySpec,
  opts: { mayExist?: boolean } = {},
): Added<'Logical_Router_Policy'> {
  const lr = findRouter(s, routerId);
  const { priority, match, action } = policy;
  const nexthops = policy.nexthops?.map(ipText);
  checkPriority(priority);
  parsePolicyAction(action);
  const reroute = action === 'reroute';
  if (reroute && nexthops === undefined) throw new NbError('Nexthop is required when action is reroute.');
  const same = derefAll(s, 'Logical_Router_Policy', lr.policies).find(
    (p) => p.priority === priority && p.match === match,
  );
  if (same) {
    if (!opts.mayExist) throw new NbError(`Same routing policy already existed on the logical router ${routerId}.`);
    return { row: same, created: false };
  }
  const hops: string[] = [];
  if (reroute && nexthops) {
    let v4: boolean | undefined;
    for (const tok of nexthops.filter(Boolean)) {
      const nh = normalizeIpv4(tok) ?? normalizeIpv6(tok);
      if (!nh) throw new NbError(`bad next hop argument: ${nexthops.join(',')}`);
      const isV4 = nh.includes('.');
      v4 ??= isV4;
      if (isV4 !== v4) throw new NbError(`bad next hops argument, not in the same addr family : ${nexthops.join(',')}`);
      hops.push(nh);
    }
  }
  const given = policy.options ?? {};
  const kv: Record<string, string> = {};
  for (const [key, value] of isPairList(given) ? given : Object.entries(given)) {
    if (!value) throw new NbError(`No value specified for the option : ${key}`);
    kv[key] = value;
  }
  const row = s.insert('Logical_Router_Policy', {
    priority,
    match,
    action,
    ...(reroute ? { nexthops: hops } : {}),
    options: kv,
  });
  s.addToSet('Logical_Router', lr, 'policies', [row._uuid]);
  return { row, created: true };
}

/** Which policies to delete: one by UUID, or those of a priority (and match). */
export type PolicySelector = { readonly uuid: string } | { readonly priority: number; readonly match?: string };

/** Delete all of a router's policies, or those `which` selects. */
export function deletePolicies(
  s: NbStore,
  routerId: string,
  which?: PolicySelector,
  opts: { ifExists?: boolean } = {},
): void {
  const lr = findRouter(s, routerId);
  if (which === undefined) {
    s.set('Logical_Router', lr, 'policies', []);
    return;
  }
  const policies = derefAll(s, 'Logical_Router_Policy', lr.policies);
  const del = (p: NbRow<'Logical_Router_Policy'>) => s.removeFromSet('Logical_Router', lr, 'policies', [p._uuid]);
  if ('uuid' in which) {
    const p = policies.find((x) => x._uuid === which.uuid.toLowerCase());
    if (p) del(p);
    else if (!opts.ifExists) throw new NbError('Logical router policy uuid is not found.');
    return;
  }
  const { priority, match } = which;
  checkPriority(priority);
  for (const p of policies) if (p.priority === priority && (match === undefined || p.match === match)) del(p);
}

/** Point a NAT rule's allowed (or exempted) external IPs at an address set. */
export function setNatExternalIps(
  s: NbStore,
  routerId: string,
  type: NatType,
  ipArg: IpOrPrefixArg,
  addressSetId: string,
  opts: { exempted?: boolean } = {},
): void {
  const ip = ipOrPrefixText(ipArg);
  const lr = findRouter(s, routerId);
  checkNatType(type);
  const as = lookup(s, KINDS.addressSet, addressSetId, true);
  const natIp = normalizePrefix(ip);
  if (!natIp) throw new NbError(`${ip}: Invalid IP address or CIDR`);
  const isSnat = type === 'snat';
  let found = false;
  for (const n of derefAll(s, 'NAT', lr.nat)) {
    if (n.type === type && normalizePrefix(isSnat ? n.logical_ip : n.external_ip) === natIp) {
      found = true;
      s.set('NAT', n, opts.exempted ? 'exempted_ext_ips' : 'allowed_ext_ips', as._uuid);
    }
  }
  if (!found) throw new NbError(`${type}: Could not locate nat rule for: ${natIp}.`);
}
