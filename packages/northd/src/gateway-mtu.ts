// Logical_Router_Port options:gateway_mtu, as ovn-northd 23.03 applies it: packets routed out of such a
// port are checked against the MTU plus the L2 header (check_pkt_larger into reg9[1]) on admission and
// in lr_in_chk_pkt_len, and one too large gets an ICMPv4 "fragmentation needed" / ICMPv6 "packet too
// big" back from the port it came in by. options:gateway_mtu_bypass names traffic that skips the check.
import type { StageName } from './stages.js';
import { stage } from './stages.js';
import type { RouterDatapath, RouterPort } from './topology.js';
import type { AddFlow } from './lflow-table.js';

type Add = AddFlow;

const q = (s: string) => JSON.stringify(s);

/** options:gateway_mtu as an integer (0 when unset or not a number, as smap_get_int). */
export function gatewayMtu(p: RouterPort): number {
  const v = p.nb.options['gateway_mtu'];
  return v !== undefined && /^\s*[-+]?\d+$/.test(v) ? Number(v) : 0;
}

/** Ethernet header, with a VLAN tag if a localnet port of the peer switch is tagged. */
function l2HeaderSize(p: RouterPort): number {
  const tagged = p.peer?.dp.ports.some((lp) => lp.type === 'localnet' && lp.nb.tag_request !== null);
  return tagged ? 18 : 14;
}

/**
 * A flow at priority 50 whose actions first check the packet length when the port has a gateway MTU,
 * and with gateway_mtu_bypass the same flow without the check at 55 for the bypassing traffic.
 */
export function addGatewayMtuFlow(p: RouterPort, add: Add, st: StageName, match: string, actions: string): void {
  const mtu = gatewayMtu(p);
  add(st, 50, match, mtu > 0 ? `reg9[1] = check_pkt_larger(${mtu + l2HeaderSize(p)}); ${actions}` : actions);
  const bypass = p.nb.options['gateway_mtu_bypass'];
  if (mtu > 0 && bypass !== undefined) add(st, 55, `${match} && (${bypass})`, actions);
}

/** The ICMP errors sent back through `p` for packets too big for `out` (or for `p` itself, at IP input). */
function tooBigFlows(p: RouterPort, mtu: number, add: Add, out: RouterPort | undefined): void {
  const st: StageName = out ? 'lr_in_larger_pkts' : 'lr_in_ip_input';
  const to = out ? `outport == ${q(out.name)} && ` : '';
  const back = `next(pipeline=ingress, table=${stage('lr_in_admission').table}); };`;
  const first4 = p.ipv4[0];
  if (first4)
    add(
      st,
      150,
      `inport == ${q(p.name)} && ${to}ip4 && reg9[1] && reg9[0] == 0`,
      `icmp4_error {reg9[0] = 1; reg9[1] = 0; eth.dst = ${p.macS}; ip4.dst = ip4.src; ip4.src = ${first4.addrS}; ip.ttl = 255; icmp4.type = 3; /* Destination Unreachable. */ icmp4.code = 4; /* Frag Needed and DF was Set. */ icmp4.frag_mtu = ${mtu}; ${back}`,
      undefined,
      'icmp4-error',
    );
  const first6 = p.ipv6[0];
  if (first6)
    add(
      st,
      150,
      `inport == ${q(p.name)} && ${to}ip6 && reg9[1] && reg9[0] == 0`,
      `icmp6_error {reg9[0] = 1; reg9[1] = 0; eth.dst = ${p.macS}; ip6.dst = ip6.src; ip6.src = ${first6.addrS}; ip.ttl = 255; icmp6.type = 2; /* Packet Too Big. */ icmp6.code = 0; icmp6.frag_mtu = ${mtu}; ${back}`,
      undefined,
      'icmp6-error',
    );
}

/** lr_in_chk_pkt_len / lr_in_larger_pkts (and IP input) flows of every port with a gateway MTU. */
export function buildCheckPktLenFlows(lr: RouterDatapath, add: Add): void {
  for (const p of lr.ports) {
    const mtu = gatewayMtu(p);
    if (mtu <= 0) continue;
    addGatewayMtuFlow(p, add, 'lr_in_chk_pkt_len', `outport == ${q(p.name)}`, 'next;');
    tooBigFlows(p, mtu, add, undefined);
    for (const other of lr.ports) if (other !== p) tooBigFlows(other, mtu, add, p);
  }
}
