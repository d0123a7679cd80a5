// Logical router policies (NB Logical_Router_Policy): allow (optionally marking packets), drop, and
// reroute to one next hop or, with several, an ECMP group chosen in lr_in_policy_ecmp.
import type { LogicalRouterPolicy } from '@ovnts/schema/nb';
import { netContains, parseIp } from './addresses.js';
import type { StageName } from './stages.js';
import type { RouterDatapath, RouterPort } from './topology.js';

type Add = (st: StageName, prio: number, match: string, actions: string) => void;

/** The router's policies, in the order ovn-northd walks them (its set column's: by UUID). */
export function routerPolicies(
  lr: RouterDatapath,
  rows: ReadonlyMap<string, LogicalRouterPolicy>,
): LogicalRouterPolicy[] {
  return [...lr.nb.policies]
    .sort()
    .map((u) => rows.get(u))
    .filter((r) => r !== undefined);
}

/** options:pkt_mark as an unsigned number; 0 (none) when absent or not a number. */
function pktMark(p: LogicalRouterPolicy): string {
  const v = p.options['pkt_mark'];
  const n = v !== undefined && /^\d+$/.test(v) ? Number(v) : 0;
  return n > 0 && n <= 0xffffffff ? `pkt.mark = ${n}; ` : '';
}

/** The router port with a network holding `nexthop`, and that network's address. */
function outPortFor(lr: RouterDatapath, nexthop: string): { port: RouterPort; addr: string } | undefined {
  const ip = parseIp(nexthop);
  if (!ip) return undefined;
  for (const port of lr.ports) {
    const net = (ip.family === 4 ? port.ipv4 : port.ipv6).find((n) => netContains(n.net, ip));
    if (net) return { port, addr: net.addrS };
  }
  return undefined;
}

function rerouteTo(nexthop: string, out: { port: RouterPort; addr: string }): string {
  const [nh, src] = nexthop.includes('.') ? ['reg0', 'reg1'] : ['xxreg0', 'xxreg1'];
  return `${nh} = ${nexthop}; ${src} = ${out.addr}; eth.src = ${out.port.macS}; outport = ${JSON.stringify(out.port.name)}; flags.loopback = 1; `;
}

export function buildRouterPolicyFlows(lr: RouterDatapath, policies: readonly LogicalRouterPolicy[], add: Add): void {
  let ecmpGroup = 1;
  for (const p of policies) {
    if (p.action === 'reroute' && p.nexthops.length > 1) {
      buildEcmpReroute(lr, p, ecmpGroup++, add);
      continue;
    }
    let actions: string;
    if (p.action === 'reroute') {
      const nexthop = p.nexthops.length === 1 ? p.nexthops[0]! : p.nexthop;
      const out = nexthop ? outPortFor(lr, nexthop) : undefined;
      if (!nexthop || !out) continue; // no port reaches the next hop
      actions = `${pktMark(p)}${rerouteTo(nexthop, out)}reg8[0..15] = 0; next;`;
    } else if (p.action === 'drop') {
      actions = 'drop;';
    } else {
      actions = `${pktMark(p)}reg8[0..15] = 0; next;`;
    }
    add('lr_in_policy', p.priority, p.match, actions);
  }
}

/** Several next hops: one member flow each in lr_in_policy_ecmp, selected in lr_in_policy. */
function buildEcmpReroute(lr: RouterDatapath, p: LogicalRouterPolicy, group: number, add: Add): void {
  // All next hops of one family, or the policy is left out.
  const v4 = p.nexthops[0]!.includes('.');
  if (p.nexthops.some((n) => n.includes('.') !== v4)) return;
  // Members are added up to the first next hop no port reaches; then the selection is left out (as
  // ovn-northd 23.03 does, the members before it stay).
  for (const [i, n] of p.nexthops.entries()) {
    const out = outPortFor(lr, n);
    if (!out) return;
    add(
      'lr_in_policy_ecmp',
      100,
      `reg8[0..15] == ${group} && reg8[16..31] == ${i + 1}`,
      `${pktMark(p)}${rerouteTo(n, out)}next;`,
    );
  }
  add(
    'lr_in_policy',
    p.priority,
    p.match,
    `reg8[0..15] = ${group}; reg8[16..31] = select(${p.nexthops.map((_, i) => i + 1).join(', ')});`,
  );
}
