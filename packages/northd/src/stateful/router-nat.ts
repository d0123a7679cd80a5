// NAT on gateway routers (a router with options:chassis, all of whose ports are bound there as
// l3gateway ports), 23.03 layout: unSNAT replies in lr_in_unsnat, DNAT in lr_in_dnat, SNAT by
// longest logical prefix in lr_out_snat, un-DNAT and commit in the egress stages, ARP replies for
// external addresses. Distributed routers with gateway ports are not handled here yet.
import { formatIp, formatIpv6, parseCidr, parseIp, parseIpv6, solicitedNode } from '../addresses.js';
import type { CtDialect } from '../chassis-features.js';
import type { Diagnostics } from '../diagnostics.js';
import type { NbInput } from '../input.js';
import type { StageName } from '../stages.js';
import type { RouterDatapath, RouterPort } from '../topology.js';
import { hasVtepPeer, redirectPorts } from './gateway-bindings.js';
import { forceSnatIps } from '../router-options.js';
import { buildDgpNatFlows } from './dgp-nat.js';
import { withExtIps } from './nat-ext-ips.js';
import type { AddressLookup, NatEntry, RouterNat, RouterNatFlags } from './nat-types.js';
import type { AddFlow } from '../lflow-table.js';

// The types live apart so dgp-nat.ts can use them without importing this module back.
export type { RouterNat, RouterNatFlags } from './nat-types.js';

type Add = AddFlow;

export const NO_NAT: RouterNatFlags = { isGatewayRouter: false, natIps: new Set(), redirect: new Map() };

export function isGatewayRouter(lr: RouterDatapath): boolean {
  return !!lr.nb.options['chassis'];
}

export function routerNat(lr: RouterDatapath, nb: NbInput, diag: Diagnostics, lbIps: ReadonlySet<string>): RouterNat {
  const entries: NatEntry[] = [];
  // The router's own NAT addresses; with the VIPs (a set shared by every router with the same balancers,
  // not copied into each router's), what natIps answers for.
  const natIps = new Set<string>();
  for (const u of lr.nb.nat) {
    const nat = nb.NAT.get(u);
    if (!nat) continue;
    const ext = parseIp(nat.external_ip);
    const logical = parseCidr(nat.logical_ip, true);
    // DNAT needs one logical address to translate to.
    const fullLen = logical?.addr.family === 6 ? 128 : 32;
    if (!ext || !logical || ext.family !== logical.addr.family || (nat.type !== 'snat' && logical.plen !== fullLen)) {
      diag.warn('NAT', `${lr.name} ${nat.type} ${nat.external_ip}`, 'bad external_ip or logical_ip; entry skipped');
      continue;
    }
    if (nat.allowed_ext_ips && nat.exempted_ext_ips) {
      diag.warn(
        'NAT',
        `${lr.name} ${nat.type} ${nat.external_ip}`,
        'both allowed and exempted external IPs set; entry skipped',
      );
      continue;
    }
    const extSetUuid = nat.allowed_ext_ips ?? nat.exempted_ext_ips;
    const extSetName = extSetUuid ? nb.Address_Set.get(extSetUuid)?.name : undefined;
    const externalIp = formatIp(ext);
    if (nat.type === 'snat') natIps.add(externalIp);
    entries.push({
      nb: nat,
      family: ext.family,
      externalIp,
      logicalPlen: logical.plen,
      stateless: nat.type === 'dnat_and_snat' && nat.options['stateless'] === 'true',
      extIps:
        extSetName === undefined ? undefined : { kind: nat.allowed_ext_ips ? 'allowed' : 'exempted', set: extSetName },
    });
  }
  // Force-SNAT addresses are SNAT addresses too (router IPs among them pass IP input).
  const forceSnat = { dnat: forceSnatIps(lr.nb, 'dnat'), lb: forceSnatIps(lr.nb, 'lb') };
  for (const f of [forceSnat.dnat, forceSnat.lb]) for (const ip of [f?.ip4, f?.ip6]) if (ip) natIps.add(ip);
  return {
    forceSnat,
    isGatewayRouter: isGatewayRouter(lr),
    natIps: { has: (ip: string) => natIps.has(ip) || lbIps.has(ip) },
    entries,
    hasLbVip: lbIps.size > 0,
    redirect: redirectPorts(lr),
  };
}

const ARP_REPLY =
  'eth.dst = eth.src; eth.src = xreg0[0..47]; arp.op = 2; /* ARP reply */ arp.tha = arp.sha; arp.sha = xreg0[0..47]; arp.tpa <-> arp.spa; outport = inport; flags.loopback = 1; output;';

const ND_REPLY =
  'nd_na { eth.src = xreg0[0..47]; ip6.src = nd.target; nd.tll = xreg0[0..47]; outport = inport; flags.loopback = 1; output; };';

export function buildRouterNatFlows(lr: RouterDatapath, nat: RouterNat, ct: CtDialect, add: Add): void {
  // ARP / ND for external addresses, on every port (identical flows are stored once).
  for (const e of nat.entries) {
    if (e.family === 4) {
      add('lr_in_ip_input', 90, `arp.op == 1 && arp.tpa == ${e.externalIp}`, ARP_REPLY);
    } else {
      const sn = formatIpv6(solicitedNode(parseIpv6(e.externalIp)!));
      add(
        'lr_in_ip_input',
        90,
        `ip6.dst == {${e.externalIp}, ${sn}} && nd_ns && nd.target == ${e.externalIp}`,
        ND_REPLY,
        undefined,
        'nd-na',
      );
    }
  }
  // Router addresses used for SNAT pass IP input (for unSNAT) and are dropped late if nothing matched.
  for (const p of lr.ports) dropSnatRouterIps(p, nat.natIps, add);

  // Traffic leaving through a distributed gateway port is first sent to the gateway chassis.
  for (const [port, cr] of nat.redirect) {
    // Traffic to a VTEP (ramp) switch leaves distributed; only the return traffic goes through the gateway.
    const lrp = lr.ports.find((p) => p.name === port);
    if (lrp && hasVtepPeer(lrp)) continue;
    const m = `outport == ${JSON.stringify(port)}`;
    const redirect = `outport = ${JSON.stringify(cr)}; next;`;
    add('lr_in_gw_redirect', 50, m, redirect);
    // Stateless rules limited by address sets: only the allowed sources are sent to the gateway chassis
    // (other traffic to the first such rule's external address is dropped), exempted ones are dropped.
    let dropOthers = true;
    for (const e of nat.entries) {
      if (!e.stateless || !e.extIps) continue;
      const mExt = `${m} && ip${e.family}.src == $${e.extIps.set}`;
      if (e.extIps.kind === 'exempted') {
        add('lr_in_gw_redirect', 75, mExt, 'drop;');
        continue;
      }
      add('lr_in_gw_redirect', 75, mExt, redirect);
      if (dropOthers) add('lr_in_gw_redirect', 70, `ip && ip${e.family}.dst == ${e.externalIp}`, 'drop;');
      dropOthers = false;
    }
  }

  if (!nat.isGatewayRouter) {
    buildDgpNatFlows(lr, nat, ct, add);
    return;
  }
  if (nat.entries.length || nat.hasLbVip) {
    add('lr_out_undnat', 100, 'nd || nd_rs || nd_ra', 'next;');
    add('lr_out_undnat', 50, 'ip', 'flags.loopback = 1; ct_dnat;');
    add('lr_out_post_undnat', 50, 'ip && ct.new', 'ct_commit { } ; next; ');
  }
  for (const kind of ['dnat', 'lb'] as const)
    for (const [fam, ip] of [
      [4, nat.forceSnat[kind]?.ip4],
      [6, nat.forceSnat[kind]?.ip6],
    ] as const) {
      if (!ip) continue;
      add('lr_in_unsnat', 110, `ip${fam} && ip${fam}.dst == ${ip}`, 'ct_snat;');
      add('lr_out_snat', 100, `flags.force_snat_for_${kind} == 1 && ip${fam}`, `ct_snat(${ip});`);
    }
  if (nat.entries.length) add('lr_out_chk_dnat_local', 50, `ip && ${ct.flags}.natted == 1`, 'reg9[4] = 1; next;');
  for (const e of nat.entries) {
    const ip = e.family === 4 ? 'ip4' : 'ip6';
    const t = e.nb.type;
    const range = e.nb.external_port_range ? `,${e.nb.external_port_range}` : '';
    if (t === 'snat' || t === 'dnat_and_snat') {
      add('lr_in_unsnat', 90, `ip && ${ip}.dst == ${e.externalIp}`, e.stateless ? 'next;' : 'ct_snat;');
      const prio = e.logicalPlen + 1;
      const m = withExtIps(e, `ip && ${ip}.src == ${e.nb.logical_ip}`, 'dst', 'lr_out_snat', prio, add);
      if (e.stateless) add('lr_out_snat', prio, m, `${ip}.src=${e.externalIp}; next;`);
      else add('lr_out_snat', prio, `${m} && (!ct.trk || !ct.rpl)`, `ct_snat(${e.externalIp}${range});`);
    }
    if (t === 'dnat' || t === 'dnat_and_snat') {
      // With dnat_force_snat_ip, DNATed traffic is marked for SNAT on the way out.
      const mark = nat.forceSnat.dnat ? 'flags.force_snat_for_dnat = 1; ' : '';
      const action = e.stateless
        ? `${mark}flags.loopback = 1; ${ip}.dst=${e.nb.logical_ip}; next;`
        : `${mark}flags.loopback = 1; ct_dnat(${e.nb.logical_ip}${range});`;
      const m = withExtIps(e, `ip && ${ip}.dst == ${e.externalIp}`, 'src', 'lr_in_dnat', 100, add);
      add('lr_in_dnat', 100, m, action);
    }
  }
}

function dropSnatRouterIps(p: RouterPort, natIps: AddressLookup, add: Add): void {
  for (const [ip, nets] of [
    ['ip4', p.ipv4],
    ['ip6', p.ipv6],
  ] as const) {
    const own = nets.map((n) => n.addrS).filter((a) => natIps.has(a));
    if (own.length) add('lr_in_arp_resolve', 2, `${ip}.dst == {${own.join(', ')}}`, 'drop;');
  }
}
