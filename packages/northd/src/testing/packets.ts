// ovn-trace microflow expressions for the parity battery.
import { formatIpv6, parseIpv6, solicitedNode, solicitedNodeMac, formatMac } from '../addresses.js';

export interface Host {
  readonly port: string;
  readonly mac: string;
  readonly ip: string;
}

const base = (h: Host, dst: string) => `inport == "${h.port}" && eth.src == ${h.mac} && eth.dst == ${dst}`;

export function icmp4(h: Host, dstMac: string, dstIp: string, ttl = 64): string {
  return `${base(h, dstMac)} && ip4.src == ${h.ip} && ip4.dst == ${dstIp} && ip.ttl == ${ttl} && icmp4.type == 8 && icmp4.code == 0`;
}

export function udp4(h: Host, dstMac: string, dstIp: string, dport = 53): string {
  return `${base(h, dstMac)} && ip4.src == ${h.ip} && ip4.dst == ${dstIp} && ip.ttl == 64 && udp.src == 33333 && udp.dst == ${dport}`;
}

export function tcp4(h: Host, dstMac: string, dstIp: string, dport = 80): string {
  return `${base(h, dstMac)} && ip4.src == ${h.ip} && ip4.dst == ${dstIp} && ip.ttl == 64 && tcp.src == 33333 && tcp.dst == ${dport}`;
}

export function arpRequest(h: Host, targetIp: string): string {
  return `${base(h, 'ff:ff:ff:ff:ff:ff')} && arp.op == 1 && arp.sha == ${h.mac} && arp.spa == ${h.ip} && arp.tpa == ${targetIp}`;
}

export function broadcast4(h: Host): string {
  return `${base(h, 'ff:ff:ff:ff:ff:ff')} && ip4.src == ${h.ip} && ip4.dst == 255.255.255.255 && ip.ttl == 64 && udp.src == 68 && udp.dst == 67`;
}

export function icmp6(h: Host, dstMac: string, dstIp: string, hlim = 64): string {
  return `${base(h, dstMac)} && ip6.src == ${h.ip} && ip6.dst == ${dstIp} && ip.ttl == ${hlim} && icmp6.type == 128 && icmp6.code == 0`;
}

export function neighborSolicit(h: Host, target: string): string {
  const t = parseIpv6(target)!;
  return `${base(h, formatMac(solicitedNodeMac(t)))} && ip6.src == ${h.ip} && ip6.dst == ${formatIpv6(solicitedNode(t))} && ip.ttl == 255 && icmp6.type == 135 && icmp6.code == 0 && nd.target == ${target} && nd.sll == ${h.mac}`;
}
