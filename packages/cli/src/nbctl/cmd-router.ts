// lr-*, lrp-*, lr-route-*, lr-nat-* commands.
import { normalizeMac, normalizePrefix, parsePrefixText } from '@ovnts/net';
import {
  lookup,
  KINDS,
  setNatExternalIps,
  addPolicy,
  deletePolicies,
  addNat,
  addRoute,
  addRouter,
  addRouterPort,
  deleteGatewayChassis,
  deleteNat,
  deleteRouter,
  deleteRouterPort,
  deleteRoutes,
  findRouter,
  findRouterPort,
  gatewayChassisByPriority,
  isValidPortRange,
  listRouterPorts,
  listRouters,
  parsePriority,
  setGatewayChassis,
  setRedirectType,
  normalizeNatAddresses,
  parseEnabled,
  checkNatType,
  derefAll,
  isUuid,
  parsePolicyAction,
  parseRoutePolicy,
  type NbRow,
} from '@ovnts/nb';
import { CommandError, has, opt, type CommandImpl, type Ctx } from './context.js';
import { keyValues } from './cmd-switch.js';
import { setColumn } from '../dbctl/commands.js';
import { getTable } from '../dbctl/schema-match.js';

const arg = (ctx: Ctx, i: number): string => ctx.argv[i] ?? '';

/** printf("%-W.Ps"): pad to W, truncate to P. */
const col = (s: string, w: number, p: number) => s.slice(0, p).padEnd(w);

function routeList(ctx: Ctx): void {
  const s = ctx.store;
  const lr = findRouter(s, arg(ctx, 1));
  const table = opt(ctx, '--route-table');
  interface R {
    prio: number;
    v4: boolean;
    key: number | bigint;
    route: NbRow<'Logical_Router_Static_Route'>;
  }
  const v4: R[] = [];
  const v6: R[] = [];
  for (const route of derefAll(s, 'Logical_Router_Static_Route', lr.static_routes)) {
    if (table !== undefined && route.route_table !== table) continue;
    const c = parsePrefixText(route.ip_prefix);
    if (!c) continue;
    const policy = route.policy ?? 'dst-ip';
    const prio = policy === 'dst-ip' ? 2 * c.plen + 1 : 2 * c.plen;
    if (c.addr.family === 4) v4.push({ prio, v4: true, key: c.addr.value, route });
    else v6.push({ prio, v4: false, key: c.addr.value, route });
  }
  const base = (a: R, b: R) => {
    const ta = a.route.route_table;
    const tb = b.route.route_table;
    if (ta !== tb) return ta < tb ? -1 : 1;
    if (a.prio !== b.prio) return a.prio > b.prio ? -1 : 1;
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  };
  const details = (a: NbRow<'Logical_Router_Static_Route'>, b: NbRow<'Logical_Router_Static_Route'>) => {
    const na = a.nexthop;
    const nb = b.nexthop;
    if (na !== nb) return na < nb ? -1 : 1;
    const pa = a.output_port;
    const pb = b.output_port;
    if (pa !== null && pb !== null) return pa < pb ? -1 : pa > pb ? 1 : 0;
    if (pa === null && pb === null) return 0;
    return pa !== null ? 1 : -1;
  };
  const full = (a: R, b: R) => base(a, b) || details(a.route, b.route);
  const print = (rs: R[]) => {
    rs.sort(full);
    rs.forEach((r, i) => {
      const ecmp = (i < rs.length - 1 && !base(r, rs[i + 1]!)) || (i > 0 && !base(r, rs[i - 1]!));
      const rt = r.route.route_table;
      if (!i || rt !== rs[i - 1]!.route.route_table) {
        ctx.output += `${i ? '\n' : ''}Route Table ${rt || '<main>'}:\n`;
      }
      ctx.output += formatRoute(r.route, ecmp);
    });
  };
  if (v4.length) ctx.output += 'IPv4 Routes\n';
  print(v4);
  if (v6.length) ctx.output += `${v4.length ? '\n' : ''}IPv6 Routes\n`;
  print(v6);
}

function formatRoute(r: NbRow<'Logical_Router_Static_Route'>, ecmp: boolean): string {
  const prefix = normalizePrefix(r.ip_prefix) ?? '';
  const nh = r.nexthop;
  const next = nh === 'discard' ? 'discard' : nh ? (normalizePrefix(nh) ?? '') : '';
  let o = `${prefix.padStart(25)} ${next.padStart(25)}`;
  o += ` ${r.policy ?? 'dst-ip'}`;
  if (r.output_port !== null) o += ` ${r.output_port}`;
  if (r.external_ids['ic-learned-route'] !== undefined) o += ' (learned)';
  if (ecmp) o += ' ecmp';
  const esr = r.options['ecmp_symmetric_reply'];
  if (esr === 'true' || esr === 'yes' || esr === 'on' || esr === '1') o += ' ecmp-symmetric-reply';
  if (r.bfd !== null) o += ' bfd';
  return o + '\n';
}

function natList(ctx: Ctx): void {
  const s = ctx.store;
  const lr = findRouter(s, arg(ctx, 1));
  const lines: [string, string][] = [];
  for (const n of derefAll(s, 'NAT', lr.nat)) {
    const gp = n.gateway_port;
    const gpName = gp ? (s.deref('Logical_Router_Port', gp)?.name ?? '') : '';
    const key = col(n.type, 17, 13) + col(gpName, 22, 18) + n.external_ip;
    const range = n.external_port_range;
    const value =
      n.external_mac !== null && n.logical_port !== null
        ? col(range, 17, 13) + col(n.logical_ip, 20, 16) + col(n.external_mac, 21, 17) + n.logical_port
        : col(range, 17, 13) + n.logical_ip;
    lines.push([key, value]);
  }
  if (!lines.length) return;
  lines.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  ctx.output +=
    col('TYPE', 17, 13) +
    col('GATEWAY_PORT', 22, 18) +
    col('EXTERNAL_IP', 19, 15) +
    col('EXTERNAL_PORT', 17, 13) +
    col('LOGICAL_IP', 20, 16) +
    col('EXTERNAL_MAC', 21, 17) +
    'LOGICAL_PORT\n';
  for (const [k, v] of lines) ctx.output += `${col(k, 58, 54)}${v}\n`;
}

export const commands: Record<string, CommandImpl> = {
  'lr-add': (ctx) => {
    addRouter(ctx.store, ctx.argv.length === 2 ? arg(ctx, 1) : undefined, {
      mayExist: has(ctx, '--may-exist'),
      addDuplicate: has(ctx, '--add-duplicate'),
    });
  },
  'lr-del': (ctx) => deleteRouter(ctx.store, arg(ctx, 1), { ifExists: has(ctx, '--if-exists') }),
  'lr-list': (ctx) => {
    for (const lr of listRouters(ctx.store)) ctx.output += `${lr._uuid} (${lr.name})\n`;
  },
  'lrp-add': (ctx) => {
    const rest = ctx.argv.slice(4);
    let n = rest.findIndex((a) => a.includes('='));
    if (n < 0) n = rest.length;
    const networks = rest.slice(0, n);
    const settings = rest.slice(n);
    const peer = settings.find((x) => x.startsWith('peer='))?.slice(5);
    const { row, created } = addRouterPort(ctx.store, arg(ctx, 1), arg(ctx, 2), arg(ctx, 3), networks, {
      mayExist: has(ctx, '--may-exist'),
      ...(peer !== undefined ? { peer } : {}),
    });
    if (!created) return;
    const table = getTable(ctx.store.schema, 'Logical_Router_Port');
    for (const s of settings) setColumn(ctx, table, row, s);
  },
  'lrp-del': (ctx) => deleteRouterPort(ctx.store, arg(ctx, 1), { ifExists: has(ctx, '--if-exists') }),
  'lrp-list': (ctx) => {
    for (const p of listRouterPorts(ctx.store, arg(ctx, 1))) ctx.output += `${p._uuid} (${p.name})\n`;
  },
  'lrp-set-enabled': (ctx) => {
    const lrp = findRouterPort(ctx.store, arg(ctx, 1));
    ctx.store.set('Logical_Router_Port', lrp, 'enabled', parseEnabled(arg(ctx, 2)));
  },
  'lrp-get-enabled': (ctx) => {
    ctx.output += `${findRouterPort(ctx.store, arg(ctx, 1)).enabled === false ? 'disabled' : 'enabled'}\n`;
  },
  'lrp-set-options': (ctx) => {
    const lrp = findRouterPort(ctx.store, arg(ctx, 1));
    ctx.store.set('Logical_Router_Port', lrp, 'options', keyValues(ctx.argv.slice(2)));
  },
  'lrp-set-gateway-chassis': (ctx) => {
    findRouterPort(ctx.store, arg(ctx, 1));
    const prio = ctx.argv.length === 4 ? parsePriority(arg(ctx, 3)) : 0;
    setGatewayChassis(ctx.store, arg(ctx, 1), arg(ctx, 2), prio);
  },
  'lrp-del-gateway-chassis': (ctx) => deleteGatewayChassis(ctx.store, arg(ctx, 1), arg(ctx, 2)),
  'lrp-get-gateway-chassis': (ctx) => {
    const lrp = findRouterPort(ctx.store, arg(ctx, 1));
    for (const gc of gatewayChassisByPriority(ctx.store, lrp)) {
      ctx.output += `${gc.name} ${String(gc.priority).padStart(5)}\n`;
    }
  },
  'lrp-set-redirect-type': (ctx) => setRedirectType(ctx.store, arg(ctx, 1), arg(ctx, 2)),
  'lrp-get-redirect-type': (ctx) => {
    const lrp = findRouterPort(ctx.store, arg(ctx, 1));
    ctx.output += `${lrp.options['redirect-type'] ?? 'overlay'}\n`;
  },
  'lr-route-add': (ctx) => {
    const bfd = ctx.options.get('--bfd');
    findRouter(ctx.store, arg(ctx, 1));
    const policyArg = opt(ctx, '--policy');
    const policy = policyArg === undefined ? undefined : parseRoutePolicy(policyArg);
    const routeTable = opt(ctx, '--route-table');
    addRoute(ctx.store, arg(ctx, 1), arg(ctx, 2), arg(ctx, 3), ctx.argv.length === 5 ? arg(ctx, 4) : undefined, {
      mayExist: has(ctx, '--may-exist'),
      ecmp: has(ctx, '--ecmp'),
      ecmpSymmetricReply: has(ctx, '--ecmp-symmetric-reply'),
      ...(policy !== undefined ? { policy } : {}),
      ...(routeTable !== undefined ? { routeTable } : {}),
      ...(bfd !== undefined ? { bfd: bfd === null ? true : bfd } : {}),
    });
  },
  'lr-route-del': (ctx) => {
    findRouter(ctx.store, arg(ctx, 1));
    const policyArg = opt(ctx, '--policy');
    const policy = policyArg === undefined ? undefined : parseRoutePolicy(policyArg);
    const routeTable = opt(ctx, '--route-table');
    const a = (i: number) => (ctx.argv.length > i ? arg(ctx, i) : undefined);
    deleteRoutes(ctx.store, arg(ctx, 1), a(2), a(3), a(4), {
      ifExists: has(ctx, '--if-exists'),
      ...(policy !== undefined ? { policy } : {}),
      ...(routeTable !== undefined ? { routeTable } : {}),
    });
  },
  'lr-route-list': routeList,
  'lr-nat-add': (ctx) => {
    const s = ctx.store;
    findRouter(s, arg(ctx, 1));
    const portrange = has(ctx, '--portrange');
    let logicalPort: string | undefined;
    let externalMac: string | undefined;
    let portRange: string | undefined;
    const type = checkNatType(arg(ctx, 2));
    const n = ctx.argv.length;
    normalizeNatAddresses(type, arg(ctx, 3), arg(ctx, 4));
    if (n === 6) {
      if (!portrange) throw new CommandError('lr-nat-add with logical_port must also specify external_mac.');
      portRange = arg(ctx, 5);
      if (!isValidPortRange(portRange)) throw new CommandError(`invalid port range ${portRange}.`);
    } else if (n >= 7) {
      if (type !== 'dnat_and_snat') {
        throw new CommandError('logical_port and external_mac are only valid when type is "dnat_and_snat".');
      }
      if (n === 7 && portrange) throw new CommandError('lr-nat-add with logical_port must also specify external_mac.');
      logicalPort = arg(ctx, 5);
      lookup(s, KINDS.switchPort, logicalPort, true);
      externalMac = arg(ctx, 6);
      if (!normalizeMac(externalMac)) throw new CommandError(`invalid mac address ${externalMac}.`);
      if (n > 7) {
        portRange = arg(ctx, 7);
        if (!isValidPortRange(portRange)) throw new CommandError(`invalid port range ${portRange}.`);
      }
    }
    const gatewayPort = opt(ctx, '--gateway-port');
    addNat(s, arg(ctx, 1), type, arg(ctx, 3), arg(ctx, 4), {
      mayExist: has(ctx, '--may-exist'),
      stateless: has(ctx, '--stateless'),
      addRoute: has(ctx, '--add-route'),
      ...(gatewayPort !== undefined ? { gatewayPort } : {}),
      ...(logicalPort !== undefined ? { logicalPort } : {}),
      ...(externalMac !== undefined ? { externalMac } : {}),
      ...(portRange !== undefined ? { portRange } : {}),
    });
  },
  'lr-nat-del': (ctx) => {
    const a = (i: number) => (ctx.argv.length > i ? arg(ctx, i) : undefined);
    findRouter(ctx.store, arg(ctx, 1));
    const type = a(2);
    const ifExists = has(ctx, '--if-exists');
    if (type === undefined) return deleteNat(ctx.store, arg(ctx, 1), undefined, undefined, undefined, { ifExists });
    deleteNat(ctx.store, arg(ctx, 1), checkNatType(type), a(3), a(4), { ifExists });
  },
  'lr-nat-list': natList,
  'lr-nat-update-ext-ip': (ctx) => {
    findRouter(ctx.store, arg(ctx, 1));
    setNatExternalIps(ctx.store, arg(ctx, 1), checkNatType(arg(ctx, 2)), arg(ctx, 3), arg(ctx, 4), {
      exempted: has(ctx, '--is-exempted'),
    });
  },
  'lr-policy-add': (ctx) => {
    // ovn-nbctl's order: router, priority, action; the rest is checked by addPolicy in its order.
    findRouter(ctx.store, arg(ctx, 1));
    const priority = parsePriority(arg(ctx, 2));
    const action = parsePolicyAction(arg(ctx, 4));
    const reroute = action === 'reroute';
    const nexthops = reroute && ctx.argv.length > 5 ? arg(ctx, 5).split(',') : undefined;
    const options = ctx.argv.slice(reroute ? 6 : 5).map((o): [string, string] => {
      const eq = o.indexOf('=');
      return eq < 0 ? [o, ''] : [o.slice(0, eq), o.slice(eq + 1)];
    });
    addPolicy(
      ctx.store,
      arg(ctx, 1),
      { priority, match: arg(ctx, 3), action, ...(nexthops ? { nexthops } : {}), options },
      { mayExist: has(ctx, '--may-exist') },
    );
  },
  'lr-policy-del': (ctx) => {
    const a = (i: number) => (ctx.argv.length > i ? arg(ctx, i) : undefined);
    const ifExists = has(ctx, '--if-exists');
    findRouter(ctx.store, arg(ctx, 1));
    const which = a(2);
    const match = a(3);
    if (which === undefined) return deletePolicies(ctx.store, arg(ctx, 1), undefined, { ifExists });
    // A UUID followed by a match selects priority 0 with that match, as ovn-nbctl reads it.
    if (isUuid(which))
      return deletePolicies(ctx.store, arg(ctx, 1), match === undefined ? { uuid: which } : { priority: 0, match }, {
        ifExists,
      });
    const priority = parsePriority(which);
    deletePolicies(ctx.store, arg(ctx, 1), { priority, ...(match !== undefined ? { match } : {}) }, { ifExists });
  },
  'lr-policy-list': (ctx) => {
    const lr = findRouter(ctx.store, arg(ctx, 1));
    const ps = derefAll(ctx.store, 'Logical_Router_Policy', lr.policies).sort(
      (x, y) => y.priority - x.priority || (x.match < y.match ? -1 : 1),
    );
    if (ps.length) ctx.output += 'Routing Policies\n';
    for (const p of ps) {
      let o = `${String(p.priority).padStart(10)} ${p.match.padStart(50)} ${p.action.padStart(15)}`;
      p.nexthops.forEach((nh, i) => {
        const n = normalizePrefix(nh) ?? '';
        o += i ? `, ${n}` : ` ${n.padStart(25)}`;
      });
      const opts = Object.entries(p.options);
      if (opts.length) o += ''.padStart(15) + opts.map(([k, v]) => `${k}=${v}`).join(',');
      ctx.output += o + '\n';
    }
  },
};
