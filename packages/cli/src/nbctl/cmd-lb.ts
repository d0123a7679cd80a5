// lb-*, ls-lb-* and lr-lb-* commands.
import {
  addLoadBalancer,
  attachLoadBalancer,
  deleteLoadBalancer,
  detachLoadBalancer,
  loadBalancersOf,
  parseEndpoint,
  type LbAddOptions,
  type Row,
} from '@ovnts/nb';
import { has, type CommandImpl, type Ctx } from './context.js';

const arg = (ctx: Ctx, i: number): string => ctx.argv[i] ?? '';
const col = (s: string, w: number, p: number) => s.slice(0, p).padEnd(w);
const sortStr = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The lb-list table: one line per VIP, balancers sorted by name, VIPs by text. */
function lbTable(lbs: readonly Row[]): string {
  let width = 0;
  for (const lb of lbs)
    for (const k of Object.keys(lb['vips'] as Record<string, string>)) width = Math.max(width, k.length);
  const entries: [string, string][] = [];
  for (const lb of lbs) {
    const vips = Object.entries(lb['vips'] as Record<string, string>).sort((a, b) => sortStr(a[0], b[0]));
    if (!vips.length) continue;
    let val = '';
    const template = (lb['options'] as Record<string, string>)['template'] === 'true';
    vips.forEach(([k, v], i) => {
      // A template VIP is not an address: its protocol is always shown.
      const e = template ? undefined : parseEndpoint(k);
      if (!template && !e) return;
      const proto = template || e?.port !== undefined ? String(lb['protocol'] ?? '') : '';
      if (i === 0) {
        val += `${lb._uuid}    ${col(String(lb['name']), 20, 16)}${col(proto, 11, 7)}${col(k, width + 4, width)}${v}`;
      } else {
        val += `\n${''.padStart(60)}${col(proto, 11, 7)}${col(k, width + 4, width)}${v}`;
      }
    });
    entries.push([col(String(lb['name']), 20, 16), val]);
  }
  if (!entries.length) return '';
  entries.sort((a, b) => sortStr(a[0], b[0]));
  let out = `${col('UUID', 40, 36)}${col('LB', 20, 16)}${col('PROTO', 11, 7)}${col('VIP', width + 4, width)}IPs\n`;
  for (const [, v] of entries) out += `${v}\n`;
  return out;
}

export const commands: Record<string, CommandImpl> = {
  'lb-add': (ctx) => {
    const opts: LbAddOptions = {
      mayExist: has(ctx, '--may-exist'),
      addDuplicate: has(ctx, '--add-duplicate'),
      reject: has(ctx, '--reject'),
      event: has(ctx, '--event'),
      addRoute: has(ctx, '--add-route'),
      template: has(ctx, '--template'),
      ...(ctx.argv.length > 4 ? { protocol: arg(ctx, 4) as 'tcp' } : {}),
      // As ovn-nbctl: anything but "ipv4" means IPv6.
      ...(ctx.argv.length > 5 ? { addressFamily: arg(ctx, 5) === 'ipv4' ? 'ipv4' : 'ipv6' } : {}),
    };
    addLoadBalancer(ctx.store, arg(ctx, 1), arg(ctx, 2), arg(ctx, 3), opts);
  },
  'lb-del': (ctx) =>
    deleteLoadBalancer(ctx.store, arg(ctx, 1), ctx.argv.length === 3 ? arg(ctx, 2) : undefined, {
      ifExists: has(ctx, '--if-exists'),
    }),
  'lb-list': (ctx) => {
    const all = ctx.store.rows('Load_Balancer');
    ctx.output += lbTable(ctx.argv.length === 2 ? all.filter((lb) => lb['name'] === arg(ctx, 1)) : all);
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
