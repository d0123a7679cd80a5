// Load balancing on routers without a distributed gateway port (gateway routers, plain routers),
// 23.03 layout: VIP traffic is defragmented and un-DNATed in lr_in_defrag, new connections are
// load-balanced in lr_in_dnat, established/related ones keep their snat flags; the router answers
// ARP for its reachable VIPs through a per-router address set `_rtr_lb_<key>_ip4`.
import { formatNetwork, netContains, parseIp, type IpAddr } from '../addresses.js';
import { BoundedMemo } from '../bounded-memo.js';
import type { StageName } from '../stages.js';
import { stage } from '../stages.js';
import type { RouterDatapath, RouterPort } from '../topology.js';
import { emptyBackendsEvent, lbTargets, type LbVip, type ParsedLb } from './lb-vip.js';
import { lbForcesSnat } from '../router-options.js';
import { redirectPorts } from './gateway-bindings.js';
import type { CtDialect } from '../chassis-features.js';
import { buildRouterLbAffinityFlows } from './lb-affinity.js';
import type { AddFlow } from '../lflow-table.js';

const ND_REPLY =
  'nd_na { eth.src = xreg0[0..47]; ip6.src = nd.target; nd.tll = xreg0[0..47]; outport = inport; flags.loopback = 1; output; };';

type Add = AddFlow;

const ARP_REPLY =
  'eth.dst = eth.src; eth.src = xreg0[0..47]; arp.op = 2; /* ARP reply */ arp.tha = arp.sha; arp.sha = xreg0[0..47]; arp.tpa <-> arp.spa; outport = inport; flags.loopback = 1; output;';

export interface RouterLbs {
  readonly lbs: readonly ParsedLb[];
  /** Every VIP address (v4 and v6). */
  readonly ips: ReadonlySet<string>;
  /** VIPs the router answers ARP/ND for, by family (sorted). */
  readonly reachable4: readonly string[];
  readonly reachable6: readonly string[];
}

export const lbAddressSetName = (routerKey: number, family: 4 | 6) => `_rtr_lb_${routerKey}_ip${family}`;

function reaches(p: Pick<RouterPort, 'ipv4' | 'ipv6'>, a: IpAddr): boolean {
  return (a.family === 4 ? p.ipv4 : p.ipv6).some((n) => netContains(n.net, a));
}

/** Entries per generation of the VIP address memo (it holds at most twice this). */
export const VIP_ADDRS_GENERATION = 50_000;

/**
 * VIP addresses, parsed once (the same VIPs are checked against every gateway router's networks); bounded,
 * VIPs of deleted load balancers are forgotten after two generations.
 */
const vipAddrs = new BoundedMemo<string, IpAddr | undefined>(VIP_ADDRS_GENERATION);
function vipAddr(ip: string): IpAddr | undefined {
  return vipAddrs.get(ip, (k) => parseIp(k) ?? undefined);
}

/** The networks of a router's ports, as text: routers reaching the same networks answer for the same VIPs. */
function networksSig(ports: readonly Pick<RouterPort, 'ipv4' | 'ipv6'>[]): string {
  let s = '';
  for (const p of ports) for (const n of [...p.ipv4, ...p.ipv6]) s += `${formatNetwork(n.net)} `;
  return s;
}

/** routerLbs() per balancer list (shared by routers with the same balancers) and port networks. */
const routerLbsMemo = new WeakMap<readonly ParsedLb[], Map<string, RouterLbs>>();

/**
 * A router's VIPs and those it answers ARP/ND for. Every gateway router of ovn-kubernetes applies the same
 * balancers on ports in the same networks: the answer is computed once for them all.
 */
export function routerLbs(lr: RouterDatapath, lbs: readonly ParsedLb[]): RouterLbs {
  let m = routerLbsMemo.get(lbs);
  if (!m) routerLbsMemo.set(lbs, (m = new Map()));
  const sig = networksSig(lr.ports);
  let rl = m.get(sig);
  if (!rl) m.set(sig, (rl = computeRouterLbs(lr, lbs)));
  return rl;
}

function computeRouterLbs(lr: RouterDatapath, lbs: readonly ParsedLb[]): RouterLbs {
  const ips = new Set<string>();
  const r4 = new Set<string>();
  const r6 = new Set<string>();
  for (const lb of lbs) {
    const mode = lb.nb.options['neighbor_responder'] ?? 'reachable';
    for (const v of lb.vips) {
      ips.add(v.ip);
      if (mode === 'none') continue;
      if (mode === 'all') (v.family === 4 ? r4 : r6).add(v.ip);
      else {
        const a = vipAddr(v.ip);
        if (a && lr.ports.some((p) => reaches(p, a))) (v.family === 4 ? r4 : r6).add(v.ip);
      }
    }
  }
  return { lbs, ips, reachable4: [...r4].sort(), reachable6: [...r6].sort() };
}

/** vipsReaching() per VIP set (shared through routerLbs()) and port networks. */
const reachingMemo = new WeakMap<ReadonlySet<string>, Map<string, readonly string[]>>();

/** The addresses of `ips` in the networks of router port `p`, in `ips`' order. */
export function vipsReaching(p: Pick<RouterPort, 'ipv4' | 'ipv6'>, ips: ReadonlySet<string>): readonly string[] {
  let m = reachingMemo.get(ips);
  if (!m) reachingMemo.set(ips, (m = new Map()));
  const sig = networksSig([p]);
  let out = m.get(sig);
  if (!out) {
    const found: string[] = [];
    for (const ip of ips) {
      const a = vipAddr(ip);
      if (a && reaches(p, a)) found.push(ip);
    }
    m.set(sig, (out = found));
  }
  return out;
}

/**
 * The ct_lb_mark action on a router, or drop/reject without backends. `skip_snat` on the balancer, or a
 * router with lb_force_snat_ip (router_ip on a gateway router, or addresses), marks the connection for the SNAT stage.
 */
function vipSnat(lr: RouterDatapath, lb: ParsedLb): 'skip_snat' | 'force_snat' | undefined {
  return lb.nb.options['skip_snat'] === 'true' ? 'skip_snat' : lbForcesSnat(lr.nb) ? 'force_snat' : undefined;
}

function routerVipAction(lr: RouterDatapath, lb: ParsedLb, vip: LbVip, ct: CtDialect): string {
  const snat = vipSnat(lr, lb);
  const prefix = snat ? `flags.${snat}_for_lb = 1; ` : '';
  // Under a health check only the backends online are balanced over; the other flows keep them all.
  const targets = lbTargets(vip);
  if (targets.count === 0) {
    if (lb.rejectEmpty)
      return `${prefix}reg0 = 0; reject { outport <-> inport; next(pipeline=egress,table=${stage('lr_out_snat').table});};`;
    return `${prefix}drop;`;
  }
  const fields = [...lb.nb.selection_fields].sort().join(',');
  // The flag also goes into the conntrack entry where every chassis can keep it (ovn-ct-lb-related).
  const flag = snat && ct.lbRelated ? `; ${snat}` : '';
  return `${prefix}${ct.lb}(backends=${targets.raw}${fields ? `; hash_fields="${fields}"` : ''}${flag});`;
}

export function buildRouterLbFlows(
  lr: RouterDatapath,
  rl: RouterLbs,
  routerKey: number | undefined,
  natExternalIps: ReadonlySet<string>,
  ct: CtDialect,
  add: Add,
): void {
  if (!rl.ips.size) return;
  const f = ct.flags;
  // Related traffic (ICMP errors) is NATed like its connection where every chassis can.
  if (ct.lbRelated) {
    const rel = 'ct.rel && !ct.est && !ct.new';
    add('lr_in_dnat', 70, `${rel} && ${f}.skip_snat == 1`, 'flags.skip_snat_for_lb = 1; ct_commit_nat;');
    add('lr_in_dnat', 70, `${rel} && ${f}.force_snat == 1`, 'flags.force_snat_for_lb = 1; ct_commit_nat;');
    add('lr_in_dnat', 50, rel, 'ct_commit_nat;');
  }
  const est = `ct.est && !ct.rel && !ct.new && ${f}.natted`;
  add('lr_in_dnat', 70, `${est} && ${f}.skip_snat == 1`, 'flags.skip_snat_for_lb = 1; next;');
  add('lr_in_dnat', 70, `${est} && ${f}.force_snat == 1`, 'flags.force_snat_for_lb = 1; next;');
  add('lr_in_dnat', 50, est, 'next;');

  // On a distributed router, balancing happens on the chassis of its (first) gateway port.
  const [dgp, cr] = [...redirectPorts(lr)][0] ?? [];
  const gwRes = cr ? ` && is_chassis_resident(${JSON.stringify(cr)})` : '';
  for (const lb of rl.lbs) {
    buildRouterLbAffinityFlows(lr, lb, add);
    // Traffic a skip_snat balancer load-balanced leaves without the router's SNAT.
    if (lb.nb.options['skip_snat'] === 'true') add('lr_out_snat', 120, 'flags.skip_snat_for_lb == 1 && ip', 'next;');
    for (const vip of lb.vips) {
      const ip = vip.family === 4 ? 'ip4' : 'ip6';
      add('lr_in_defrag', 100, `ip && ${ip}.dst == ${vip.ip}`, 'ct_dnat;');
      const l4 = vip.port ? ` && ${lb.proto} && ${lb.proto}.dst == ${vip.port}` : '';
      // A VIP rejecting for lack of backends rejects on every chassis.
      const res = vip.backends.length || !lb.rejectEmpty ? gwRes : '';
      add(
        'lr_in_dnat',
        vip.port ? 120 : 110,
        `ct.new && !ct.rel && ${ip} && ${ip}.dst == ${vip.ip}${l4}${res}`,
        routerVipAction(lr, lb, vip, ct),
        undefined,
        !lbTargets(vip).count && lb.rejectEmpty ? 'reject' : undefined,
      );
      const ev = emptyBackendsEvent(lb, vip);
      if (ev) add('lr_in_dnat', 130, ev.match, ev.action, undefined, 'event-elb');
      // Replies from the backends are un-DNATed on the gateway chassis, or just marked for SNAT.
      if (dgp && vip.backends.length) {
        const from = vip.backends.map((b) =>
          b.port ? `(${ip}.src == ${b.ip} && ${lb.proto}.src == ${b.port})` : `(${ip}.src == ${b.ip})`,
        );
        const snat = vipSnat(lr, lb);
        add(
          'lr_out_undnat',
          120,
          `${ip} && (${from.join(' || ')}) && outport == ${JSON.stringify(dgp)}${gwRes}`,
          snat ? `flags.${snat}_for_lb = 1; next;` : 'ct_dnat_in_czone;',
        );
      }
      // A VIP that is also a NAT address must not be unSNATed.
      if (natExternalIps.has(vip.ip)) {
        add(
          'lr_in_unsnat',
          120,
          `${ip} && ${ip}.dst == ${vip.ip} && ${lb.proto}${vip.port ? ` && ${lb.proto}.dst == ${vip.port}` : ''}`,
          'next;',
        );
      }
    }
  }

  // ARP/ND for reachable VIPs on every port (a distributed gateway port answers on its gateway chassis).
  if (routerKey === undefined) return;
  const redirect = redirectPorts(lr);
  for (const p of lr.ports) {
    const cr = redirect.get(p.name);
    const res = cr ? ` && is_chassis_resident(${JSON.stringify(cr)})` : '';
    const inp = `inport == ${JSON.stringify(p.name)}`;
    if (rl.reachable4.length)
      add(
        'lr_in_ip_input',
        90,
        `${inp} && arp.op == 1 && arp.tpa == $${lbAddressSetName(routerKey, 4)}${res}`,
        ARP_REPLY,
      );
    if (rl.reachable6.length)
      add(
        'lr_in_ip_input',
        90,
        `${inp} && nd_ns && nd.target == $${lbAddressSetName(routerKey, 6)}${res}`,
        ND_REPLY,
        undefined,
        'nd-na',
      );
  }
}
