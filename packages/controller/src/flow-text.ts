// A packet's headers in OVS's flow syntax (pure): what ovn-controller's ACL log lines show after the
// colon, e.g. `tcp,vlan_tci=0x0000,dl_src=…,dl_dst=…,nw_src=…,nw_dst=…,nw_tos=0,nw_ecn=0,nw_ttl=64,
// nw_frag=no,tp_src=4361,tp_dst=81,tcp_flags=syn`.
import { formatIpv4, formatIpv6, formatMac, ipv6FromBytes, macFromBytes } from '@ovnts/net';
import { parseEth } from './packets.js';

const TCP_FLAGS = ['fin', 'syn', 'rst', 'psh', 'ack', 'urg', 'ece', 'cwr', 'ns'];

function tcpFlags(v: number): string {
  const names = TCP_FLAGS.filter((_, i) => v & (1 << i));
  return names.length ? names.join('|') : '0';
}

function frag(flagsFrag: number): string {
  const more = (flagsFrag & 0x2000) !== 0;
  const offset = flagsFrag & 0x1fff;
  return offset ? 'later' : more ? 'first' : 'no';
}

export function packetFlowText(packet: Buffer): string {
  const eth = parseEth(packet);
  const mac = (b: Buffer) => formatMac(macFromBytes(b));
  const l2 = `vlan_tci=0x${(eth.vlanTci === undefined ? 0 : eth.vlanTci | 0x1000).toString(16).padStart(4, '0')},dl_src=${mac(eth.src)},dl_dst=${mac(eth.dst)}`;
  const p = eth.payload;
  if (eth.ethType === 0x0800 && p.length >= 20) {
    const proto = p[9]!;
    const l4 = p.subarray((p[0]! & 0x0f) * 4);
    const f = frag(p.readUInt16BE(6));
    const ip = `nw_src=${formatIpv4(p.readUInt32BE(12))},nw_dst=${formatIpv4(p.readUInt32BE(16))},nw_tos=${p[1]! & 0xfc},nw_ecn=${p[1]! & 3},nw_ttl=${p[8]},nw_frag=${f}`;
    return `${protoName(proto, 4)},${l2},${ip}${f === 'later' ? '' : l4Text(proto, l4)}`;
  }
  if (eth.ethType === 0x86dd && p.length >= 40) {
    const proto = p[6]!;
    const w = p.readUInt32BE(0);
    const tc = (w >>> 20) & 0xff;
    const ip = `ipv6_src=${formatIpv6(ipv6FromBytes(p.subarray(8, 24)))},ipv6_dst=${formatIpv6(ipv6FromBytes(p.subarray(24, 40)))},ipv6_label=0x${(w & 0xfffff).toString(16).padStart(5, '0')},nw_tos=${tc & 0xfc},nw_ecn=${tc & 3},nw_ttl=${p[7]},nw_frag=no`;
    return `${protoName(proto, 6)},${l2},${ip}${l4Text(proto, p.subarray(40))}`;
  }
  if ((eth.ethType === 0x0806 || eth.ethType === 0x8035) && p.length >= 28) {
    return `${eth.ethType === 0x0806 ? 'arp' : 'rarp'},${l2},arp_spa=${formatIpv4(p.readUInt32BE(14))},arp_tpa=${formatIpv4(p.readUInt32BE(24))},arp_op=${p.readUInt16BE(6)},arp_sha=${mac(p.subarray(8, 14))},arp_tha=${mac(p.subarray(18, 24))}`;
  }
  return `${l2},dl_type=0x${eth.ethType.toString(16).padStart(4, '0')}`;
}

function protoName(proto: number, v: 4 | 6): string {
  const names: Record<number, string> =
    v === 4
      ? { 6: 'tcp', 17: 'udp', 1: 'icmp', 132: 'sctp', 2: 'igmp' }
      : { 6: 'tcp6', 17: 'udp6', 58: 'icmp6', 132: 'sctp6' };
  return names[proto] ?? (v === 4 ? `ip,nw_proto=${proto}` : `ipv6,nw_proto=${proto}`);
}

function l4Text(proto: number, l4: Buffer): string {
  if ((proto === 6 || proto === 17 || proto === 132) && l4.length >= 4) {
    const ports = `,tp_src=${l4.readUInt16BE(0)},tp_dst=${l4.readUInt16BE(2)}`;
    return proto === 6 && l4.length >= 14 ? `${ports},tcp_flags=${tcpFlags(l4.readUInt16BE(12) & 0x1ff)}` : ports;
  }
  if ((proto === 1 || proto === 58) && l4.length >= 2) return `,icmp_type=${l4[0]},icmp_code=${l4[1]}`;
  return '';
}
