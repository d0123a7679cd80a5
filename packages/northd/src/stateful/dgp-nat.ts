// NAT on a distributed router through its distributed gateway port (DGP), 23.03 layout. Centralized
// entries are handled on the gateway chassis (is_chassis_resident of the chassisredirect port) in the
// port's own conntrack zone (ct_*_in_czone); a dnat_and_snat with logical_port and external_mac is a
// distributed floating IP, handled on the chassis of that logical port with its own MAC. Packets to a
// NAT address from the router itself loop back into the ingress pipeline (lr_out_egr_loop).
import { formatIpv6, formatMac, netContains, parseIp, parseIpv6, parseMac, solicitedNode } from '../addresses.js';
import type { CtDialect } from '../chassis-features.js';
import type { StageName } from '../stages.js';
import { stage } from '../stages.js';
import type { RouterDatapath, RouterPort } from '../topology.js';
import type { NatEntry, RouterNat } from './nat-types.js';
import { withExtIps } from './nat-ext-ips.js';
import { addGatewayMtuFlow, gatewayMtu } from '../gateway-mtu.js';
import type { AddFlow } from '../lflow-table.js';

type Add = AddFlow;

const q = (s: string) => JSON.stringify(s);
const ARP_REPLY = (mac: string) =>
  `eth.dst = eth.src; eth.src = ${mac}; arp.op = 2; /* ARP reply */ arp.tha = arp.sha; arp.sha = ${mac}; arp.tpa <-> arp.spa; outport = inport; flags.loopback = 1; output;`;

interface Dgp {
  readonly port: RouterPort;
  readonly cr: string;
}

/**
 * The gateway port a NAT entry applies through: its gateway_port (which must be one of the router's
 * distributed gateway ports), else the only one, else the one whose networks hold the external address.
 */
function natGatewayPort(e: NatEntry, dgps: readonly Dgp[]): Dgp | undefined {
  if (e.nb.gateway_port !== null) return dgps.find((d) => d.port.nb._uuid === e.nb.gateway_port);
  if (dgps.length === 1) return dgps[0];
  const ext = parseIp(e.externalIp);
  return ext ? dgps.find((d) => [...d.port.ipv4, ...d.port.ipv6].some((n) => netContains(n.net, ext))) : undefined;
}

export function buildDgpNatFlows(lr: RouterDatapath, nat: RouterNat, ct: CtDialect, add: Add): void {
  const dgps: Dgp[] = [];
  for (const [name, cr] of nat.redirect) {
    const port = lr.ports.find((p) => p.name === name);
    if (port) dgps.push({ port, cr });
  }
  if (!dgps.length || !nat.entries.length) return;
  const bridged = lr.ports.some((p) => p.nb.options['redirect-type']?.toLowerCase() === 'bridged');

  add('lr_out_chk_dnat_local', 50, `ip && ${ct.flags}.natted == 1`, 'reg9[4] = 1; next;');

  const seen = new Set<string>();
  for (const e of nat.entries) {
    const gw = natGatewayPort(e, dgps);
    if (!gw) continue;
    const dgp = gw.port;
    const P = q(dgp.name);
    const crRes = `is_chassis_resident(${q(gw.cr)})`;
    const n = e.nb;
    const ip = e.family === 4 ? 'ip4' : 'ip6';
    const ext = e.externalIp;
    const range = n.external_port_range ? `,${n.external_port_range}` : '';
    const extMac = n.external_mac ? parseMac(n.external_mac) : null;
    const distributed = n.type === 'dnat_and_snat' && n.logical_port !== null && extMac !== null;
    const macS = extMac !== null ? formatMac(extMac) : '';
    const res = distributed ? `is_chassis_resident(${q(n.logical_port!)})` : crRes;
    const centralRes = distributed ? '' : ` && ${crRes}`;
    const snat = n.type === 'snat' || n.type === 'dnat_and_snat';
    const dnat = n.type === 'dnat' || n.type === 'dnat_and_snat';

    if (snat) {
      add(
        'lr_in_unsnat',
        100,
        `ip && ${ip}.dst == ${ext} && inport == ${P} && flags.loopback == 0${centralRes}`,
        e.stateless ? 'next;' : 'ct_snat_in_czone;',
      );
      if (!e.stateless) {
        add(
          'lr_in_unsnat',
          100,
          `ip && ${ip}.dst == ${ext} && inport == ${P} && flags.loopback == 1 && flags.use_snat_zone == 1${centralRes}`,
          'ct_snat;',
        );
      }
    }
    if (dnat) {
      add(
        'lr_in_dnat',
        100,
        withExtIps(e, `ip && ${ip}.dst == ${ext} && inport == ${P}${centralRes}`, 'src', 'lr_in_dnat', 100, add),
        n.type === 'dnat_and_snat' && e.stateless
          ? `${ip}.dst=${n.logical_ip}; next;`
          : `ct_dnat_in_czone(${n.logical_ip}${range});`,
      );
    }
    if (!seen.has(ext)) {
      seen.add(ext);
      add('lr_in_arp_resolve', 150, `inport == ${P} && outport == ${P} && ${ip}.dst == ${ext}`, 'drop;');
      add(
        'lr_in_arp_resolve',
        100,
        `outport == ${P} && ${e.family === 4 ? 'reg0' : 'xxreg0'} == ${ext}`,
        `eth.dst = ${distributed ? n.external_mac : dgp.macS}; next;`,
      );
      // With a bridged redirect (any port's redirect-type), a floating IP's traffic resolves its next hop
      // on the chassis of its logical port.
      if (bridged && distributed)
        add(
          'lr_in_arp_resolve',
          90,
          `outport == ${q(dgps[0]!.port.name)} && ${ip}.src == ${n.logical_ip} && is_chassis_resident(${q(n.logical_port!)})`,
          e.family === 4 ? 'get_arp(outport, reg0); next;' : 'get_nd(outport, xxreg0); next;',
        );
    }
    add('lr_out_chk_dnat_local', 50, `ip && ${ip}.dst == ${ext} && ${res}`, 'reg9[4] = 1; next;');
    if (dnat) {
      add(
        'lr_out_undnat',
        100,
        `ip && ${ip}.src == ${n.logical_ip} && outport == ${P}${centralRes}`,
        `${distributed ? `eth.src = ${macS}; ` : ''}${e.stateless ? 'next;' : 'ct_dnat_in_czone;'}`,
      );
    }
    if (snat) {
      const prio = e.logicalPlen + 1 + 128;
      const m = withExtIps(
        e,
        `ip && ${ip}.src == ${n.logical_ip} && outport == ${P} && ${res}`,
        'dst',
        'lr_out_snat',
        prio,
        add,
      );
      const eth = distributed ? `eth.src = ${macS}; ` : '';
      add(
        'lr_out_snat',
        prio,
        m,
        `${eth}${e.stateless ? `${ip}.src=${ext}; next;` : `ct_snat_in_czone(${ext}${range});`}`,
      );
      if (!e.stateless)
        add('lr_out_snat', prio + 1, `${m} && reg9[4] == 1`, `${eth}reg9[4] = 0; ct_snat(${ext}${range});`);
    }
    if (n.type === 'snat') add('lr_in_ip_input', 120, `inport == ${P} && ${ip}.src == ${ext}`, 'next;');
    if (distributed) {
      addGatewayMtuFlow(
        dgp,
        add,
        'lr_in_admission',
        `eth.dst == ${macS} && inport == ${P} && is_chassis_resident(${q(n.logical_port!)})`,
        `xreg0[0..47] = ${dgp.macS}; next;`,
      );
      // Too big for the gateway MTU: the floating IP answers itself, from the VM's chassis.
      const mtu = gatewayMtu(dgp);
      if (mtu) {
        const icmp =
          e.family === 4
            ? `icmp4_error {reg9[0] = 1; reg9[1] = 0; eth.dst = eth.src; eth.src = ${n.external_mac}; ip4.dst = ip4.src; ip4.src = ${n.external_ip}; ip.ttl = 254; icmp4.type = 3; /* Destination Unreachable. */ icmp4.code = 4; /* Frag Needed and DF was Set. */ icmp4.frag_mtu = ${mtu}; outport = ${P}; flags.loopback = 1; output; };`
            : `icmp6_error {reg9[0] = 1; reg9[1] = 0; eth.dst = eth.src; eth.src = ${n.external_mac}; ip6.dst = ip6.src; ip6.src = ${n.external_ip}; ip.ttl = 254; icmp6.type = 2; /* Packet Too Big. */ icmp6.code = 0; icmp6.frag_mtu = ${mtu}; outport = ${P}; flags.loopback = 1; output; };`;
        add(
          'lr_in_ip_input',
          160,
          `inport == ${P} && reg9[1] && reg9[0] == 0 && ${ip} && ${ip}.dst == ${n.external_ip}`,
          icmp,
          undefined,
          e.family === 4 ? 'icmp4-error' : 'icmp6-error',
        );
      }
      add(
        'lr_in_gw_redirect',
        100,
        `${ip}.src == ${n.logical_ip} && outport == ${P} && is_chassis_resident(${q(n.logical_port!)})`,
        `eth.src = ${macS}; ${e.family === 4 ? 'reg1' : 'xxreg1'} = ${ext}; next;`,
      );
    }
    const regs = Array.from({ length: 10 }, (_, i) => `reg${i} = 0; `).join('');
    add(
      'lr_out_egr_loop',
      100,
      `${ip}.dst == ${ext} && outport == ${P} && ${res}`,
      `clone { ct_clear; inport = outport; outport = ""; eth.dst <-> eth.src; flags = 0; flags.loopback = 1; flags.use_snat_zone = reg9[4]; ${regs}reg9[0] = 1; next(pipeline=ingress, table=${stage('lr_in_admission').table}); };`,
    );
    // ARP for the external address on the gateway port: answered where the address lives.
    if (e.family === 4) {
      add(
        'lr_in_ip_input',
        92,
        `inport == ${P} && arp.op == 1 && arp.tpa == ${ext} && ${res}`,
        ARP_REPLY(distributed ? macS : 'xreg0[0..47]'),
      );
      add('lr_in_ip_input', 91, `inport == ${P} && arp.op == 1 && arp.tpa == ${ext}`, 'drop;');
    } else {
      const sn = formatIpv6(solicitedNode(parseIpv6(ext)!));
      const ns = `inport == ${P} && ip6.dst == {${ext}, ${sn}} && nd_ns && nd.target == ${ext}`;
      const mac = distributed ? macS : 'xreg0[0..47]';
      add(
        'lr_in_ip_input',
        92,
        `${ns} && ${res}`,
        `nd_na { eth.src = ${mac}; ip6.src = nd.target; nd.tll = ${mac}; outport = inport; flags.loopback = 1; output; };`,
        undefined,
        'nd-na',
      );
      add('lr_in_ip_input', 91, ns, 'drop;');
    }
  }
}
