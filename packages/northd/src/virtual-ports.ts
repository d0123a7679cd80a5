// Virtual switch ports (type=virtual): a virtual IP (options:virtual-ip) that one of several parent ports
// (options:virtual-parents) owns at a time, as a VIP moved between VMs by keepalived. ovn-northd 23.03
// lets the parent that announces the address (a GARP, an ARP reply, an NS or unsolicited NA for it) bind
// the port through ovn-controller (bind_vport), and resolves the address on the switch's routers to the
// bound parent's MAC, or leaves it to ARP (eth.dst all zeros) until one is bound. The binding lives in the
// SB (Port_Binding.virtual_parent and chassis, written by ovn-controller), so the routers' flows follow it.
import { formatIpv6, netContains, parseIpv4, parseIpv6, solicitedNode, type IpAddr } from './addresses.js';
import type { AddFlow } from './lflow-table.js';
import type { RouterPort, SwitchDatapath, SwitchPort } from './topology.js';

const q = (s: string) => JSON.stringify(s);

/** A virtual port's address and parents, if its options name both and the address parses. */
export interface VirtualIp {
  /** As written in options:virtual-ip (ovn-northd puts it in flows unchanged). */
  readonly text: string;
  readonly addr: IpAddr;
  readonly parents: readonly string[];
}

export function virtualIpOf(p: SwitchPort): VirtualIp | null {
  if (p.type !== 'virtual') return null;
  const text = p.nb.options['virtual-ip'];
  const parents = p.nb.options['virtual-parents'];
  if (text === undefined || parents === undefined) return null;
  // A dot makes it IPv4 (an IPv4-mapped IPv6 address does not parse as one), else IPv6.
  const v4 = text.includes('.');
  const value = v4 ? parseIpv4(text) : parseIpv6(text);
  if (value === null) return null;
  const addr: IpAddr = typeof value === 'number' ? { family: 4, value } : { family: 6, value };
  return { text, addr, parents: parents.split(',').filter((s) => s !== '') };
}

/**
 * ls_in_arp_rsp: a parent on the same switch announcing the virtual IP binds the virtual port to itself
 * (bind_vport) and goes on.
 */
export function buildVirtualPortBindFlows(sw: SwitchDatapath, add: AddFlow): void {
  const onSwitch = new Set(sw.ports.map((p) => p.name));
  for (const p of sw.ports) {
    const vip = virtualIpOf(p);
    if (!vip) continue;
    const ip = vip.text;
    let announce: string;
    if (vip.addr.family === 4) {
      announce = `((arp.op == 1 && arp.spa == ${ip} && arp.tpa == ${ip}) || (arp.op == 2 && arp.spa == ${ip}))`;
    } else {
      const sn = formatIpv6(solicitedNode(vip.addr.value));
      announce = `((nd_ns && ip6.dst == {${ip}, ${sn}} && nd.target == ${ip}) ||(nd_na && nd.target == ${ip}))`;
    }
    for (const parent of vip.parents) {
      if (!onSwitch.has(parent)) continue;
      add(
        'ls_in_arp_rsp',
        100,
        `inport == "${parent}" && ${announce}`,
        `bind_vport(${q(p.name)}, inport); next;`,
        parent,
      );
    }
  }
}

/**
 * The SB state of a virtual port: unbound (`null`: no virtual_parent or no chassis), or bound to the
 * parent named (`parent` undefined when no switch port has that name).
 */
export type VirtualParentOf = (vport: string) => { readonly parent: SwitchPort | undefined } | null;

/**
 * lr_in_arp_resolve on router port `p` for the virtual port `lsp` of its peer switch. Unbound, the first
 * router port of the switch whose networks hold the address resolves it by ARP; bound, for each of the
 * parent's address entries the first such router port resolves it to that entry's MAC.
 */
export function buildVirtualPortResolve(
  p: RouterPort,
  lsp: SwitchPort,
  parentOf: VirtualParentOf,
  add: (match: string, mac: string) => void,
): void {
  const vip = virtualIpOf(lsp);
  const sw = p.peer?.dp;
  if (!vip || !sw) return;
  const holder = sw.routerPorts.find((rp) => rp.peer !== null && holds(rp.peer, vip.addr))?.peer;
  if (holder !== p) return;
  const reg = vip.addr.family === 4 ? 'reg0' : 'xxreg0';
  const match = `outport == ${q(p.name)} && ${reg} == ${vip.text}`;
  const bound = parentOf(lsp.name);
  if (!bound) {
    add(match, '00:00:00:00:00:00');
    return;
  }
  // ovn-northd looks for the router port in the parent's switch; bind_vport only binds parents of the
  // virtual port's own switch, so a parent elsewhere (hand-written SB) is not resolved here.
  const parent = bound.parent;
  if (parent?.dp !== sw) return;
  for (const a of parent.addresses) add(match, a.macS);
}

function holds(rp: RouterPort, a: IpAddr): boolean {
  return (a.family === 4 ? rp.ipv4 : rp.ipv6).some((n) => netContains(n.net, a));
}
