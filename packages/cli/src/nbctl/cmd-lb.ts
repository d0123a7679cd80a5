// lb-*, ls-lb-* and lr-lb-* commands.
import {
  addLoadBalancer,
  attachLoadBalancer,
  deleteLoadBalancer,
  detachLoadBalancer,
  loadBalancersOf,
  checkEmptyBackendAction,
  parseEndpoint,
  parseLbProtocol,
  type NbRow,
} from '@ovnts/nb';
import { has, type CommandImpl, type Ctx } from './context.js';

const arg = (ctx: Ctx, i: number): string => ctx.argv[i] ?? '';
const col = (s: string, w: number, p: number) => s.slice(0, p).padEnd(w);
const sortStr = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The lb-list table: one line per VIP, balancers sorted by name, VIPs by text. */
function lbTable(lbs: readonly NbRow<'Load_Balancer'>[]): string {
  let width = 0;
  for (const lb of lbs) for (const k of Object.keys(lb.vips)) width = Math.max(width, k.length);
  const entries: [string, string][] = [];
  for (const lb of lbs) {
    const vips = Object.entries(lb.vips).sort((a, b) => sortStr(a[0], b[0]));
    if (!vips.length) continue;
    let val = '';
    const template = lb.options['template'] === 'true';
    vips.forEach(([k, v], i) => {
      // A template VIP is not an address: its protocol is always shown.
      const e = template ? undefined : parseEndpoint(k);
      if (!template && !e) return;
      const proto = template || e?.port !== undefined ? (lb.protocol ?? '') : '';
      if (i === 0) {
        val += `${lb._uuid}    ${col(lb.name, 20, 16)}${col(proto, 11, 7)}${col(k, width + 4, width)}${v}`;
      } else {
        val += `\n${''.padStart(60)}${col(proto, 11, 7)}${col(k, width + 4, width)}${v}`;
      }
    });
    entries.push([col(lb.name, 20, 16), val]);
  }
  if (!entries.length) return '';
  entries.sort((a, b) => sortStr(a[0], b[0]));
  let out = `${col('UUID', 40, 36)}${col('LB', 20, 16)}${col('PROTO', 11, 7)}${col('VIP', width + 4, width)}IPs\n`;
  for (const [, v] of entries) out += `${v}\n`;
  return out;
}

export const commands: Record<string, CommandImpl> = {
  'lb-add': (ctx) => {
    // ovn-nbctl's order: --reject/--event, then the protocol; addresses are checked by addLoadBalancer.
    const reject = has(ctx, '--reject');
    const event = has(ctx, '--event');
    checkEmptyBackendAction({ reject, event });
    const protocol = ctx.argv.length > 4 ? parseLbProtocol(arg(ctx, 4)) : undefined;
    addLoadBalancer(ctx.store, arg(ctx, 1), arg(ctx, 2), arg(ctx, 3), {
      mayExist: has(ctx, '--may-exist'),
      addDuplicate: has(ctx, '--add-duplicate'),
      reject,
      event,
      addRoute: has(ctx, '--add-route'),
      template: has(ctx, '--template'),
      ...(protocol !== undefined ? { protocol } : {}),
      // As ovn-nbctl: anything but "ipv4" means IPv6.
      ...(ctx.argv.length > 5 ? { addressFamily: arg(ctx, 5) === 'ipv4' ? 'ipv4' : 'ipv6' } : {}),
    });
  },
  'lb-del': (ctx) =>
    deleteLoadBalancer(ctx.store, arg(ctx, 1), ctx.argv.length === 3 ? arg(ctx, 2) : undefined, {
      ifExists: has(ctx, '--if-exists'),
    }),
  'lb-list': (ctx) => {
    const all = ctx.store.rows('Load_Balancer');
    ctx.output += lbTable(ctx.argv.length === 2 ? all.filter((lb) => lb.name === arg(ctx, 1)) : all);
  },
  'ls-lb-add': (ctx) =>
    attachLoadBalancer(ctx.store, 'switch', arg(ctx, 1), arg(ctx, 2), { mayExist: has(ctx, '--may-exist') }),
  'lr-lb-add': (ctx) =>
    attachLoadBalancer(ctx.store, 'router', arg(ctx, 1), arg(ctx, 2), { mayExist: has(ctx, '--may-exist') }),
  'ls-lb-del': (ctx) =>
    detachLoadBalancer(ctx.store, 'switch', arg(ctx, 1), ctx.argv.length === 3 ? arg(ctx, 2) : undefined, {
      ifExists: has(ctx, '--if-exists'),
    }),
  'lr-lb-del': (ctx) =>
    detachLoadBalancer(ctx.store, 'router', arg(ctx, 1), ctx.argv.length === 3 ? arg(ctx, 2) : undefined, {
      ifExists: has(ctx, '--if-exists'),
    }),
  'ls-lb-list': (ctx) => {
    ctx.output += lbTable(loadBalancersOf(ctx.store, 'switch', arg(ctx, 1)));
  },
  'lr-lb-list': (ctx) => {
    ctx.output += lbTable(loadBalancersOf(ctx.store, 'router', arg(ctx, 1)));
  },
};
