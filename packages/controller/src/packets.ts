// Minimal packet codecs pinctrl needs (pure): Ethernet (with one optional 802.1Q tag), IPv4 header fields,
// and building ARP requests.
import {
  ipv6FromBytes,
  ipv6ToBytes,
  linkLocalOf,
  macFromBytes,
  macToBytes,
  solicitedNode,
  solicitedNodeMac,
} from '@ovnts/net';

export interface EthFrame {
  readonly dst: Buffer;
  readonly src: Buffer;
  /** The 802.1Q tag (TCI) when present. */
  readonly vlanTci?: number;
  readonly ethType: number;
  readonly payload: Buffer;
}

export class PacketError extends Error {
  override readonly name = 'PacketError';
}

export function parseEth(p: Buffer): EthFrame {
  if (p.length < 14) throw new PacketError('short ethernet frame');
  let type = p.readUInt16BE(12);
  let off = 14;
  let vlanTci: number | undefined;
  if (type === 0x8100) {
    if (p.length < 18) throw new PacketError('short vlan frame');
    vlanTci = p.readUInt16BE(14);
    type = p.readUInt16BE(16);
    off = 18;
  }
  return {
    dst: p.subarray(0, 6),
    src: p.subarray(6, 12),
    ...(vlanTci !== undefined ? { vlanTci } : {}),
    ethType: type,
    payload: p.subarray(off),
  };
}

export function ipv4Addrs(payload: Buffer): { src: Buffer; dst: Buffer } {
  if (payload.length < 20 || payload[0]! >> 4 !== 4) throw new PacketError('not an IPv4 packet');
  return { src: payload.subarray(12, 16), dst: payload.subarray(16, 20) };
}

/** An ARP request from (sha, spa) for tpa, sent to `dst` (the logical actions usually rewrite it). */
export function arpRequest(dst: Buffer, sha: Buffer, spa: Buffer, tpa: Buffer, vlanTci?: number): Buffer {
  const head = Buffer.alloc(vlanTci !== undefined ? 18 : 14);
  dst.copy(head, 0);
  sha.copy(head, 6);
  if (vlanTci !== undefined) {
    head.writeUInt16BE(0x8100, 12);
    head.writeUInt16BE(vlanTci, 14);
    head.writeUInt16BE(0x0806, 16);
  } else head.writeUInt16BE(0x0806, 12);
  const arp = Buffer.alloc(28);
  arp.writeUInt16BE(1, 0); // Ethernet
  arp.writeUInt16BE(0x0800, 2);
  arp[4] = 6;
  arp[5] = 4;
  arp.writeUInt16BE(1, 6); // request
  sha.copy(arp, 8);
  spa.copy(arp, 14);
  tpa.copy(arp, 24);
  return Buffer.concat([head, arp]);
}

/** The Internet checksum (RFC 1071) of a buffer. */
export function inetChecksum(b: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 1 < b.length; i += 2) sum += b.readUInt16BE(i);
  if (b.length % 2) sum += b[b.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/**
 * An ICMPv4 "destination unreachable" for the IPv4 packet `ip` (RFC 1122/792): as much of the offending
 * packet as fits in 576 bytes, sent from the original source MAC/IP to the original destination — the
 * logical actions that run on it then swap addresses and set type/code as the pipeline wants.
 */
export function icmp4Error(eth: EthFrame, code: number, loopback = false): Buffer {
  const ip = eth.payload;
  const inLen = Math.min(ip.readUInt16BE(2), ip.length, 576 - 14 - 20 - 8);
  const icmp = Buffer.alloc(8 + inLen);
  icmp[0] = 3; // destination unreachable
  icmp[1] = code;
  ip.copy(icmp, 8, 0, inLen);
  icmp.writeUInt16BE(inetChecksum(icmp), 2);
  const hdr = Buffer.alloc(20);
  hdr[0] = 0x45;
  hdr.writeUInt16BE(20 + icmp.length, 2);
  hdr.writeUInt16BE(0x4000, 6); // DF
  hdr[8] = 255;
  hdr[9] = 1; // ICMP
  // `loopback` answers the sender directly: addresses swapped (reject); otherwise the actions swap them.
  ip.copy(hdr, 12, loopback ? 16 : 12, loopback ? 20 : 16);
  ip.copy(hdr, 16, loopback ? 12 : 16, loopback ? 16 : 20);
  hdr.writeUInt16BE(inetChecksum(hdr), 10);
  return Buffer.concat([l2Header(eth, loopback, 0x0800), hdr, icmp]);
}

function l2Header(eth: EthFrame, swap: boolean, ethType: number): Buffer {
  const l2 = Buffer.alloc(14);
  (swap ? eth.src : eth.dst).copy(l2, 0);
  (swap ? eth.dst : eth.src).copy(l2, 6);
  l2.writeUInt16BE(ethType, 12);
  return l2;
}

/** ICMPv6 checksum over the IPv6 pseudo-header (RFC 8200 §8.1). */
export function icmp6Checksum(src: Buffer, dst: Buffer, icmp: Buffer): number {
  const pseudo = Buffer.alloc(40);
  src.copy(pseudo, 0);
  dst.copy(pseudo, 16);
  pseudo.writeUInt32BE(icmp.length, 32);
  pseudo[39] = 58;
  return inetChecksum(Buffer.concat([pseudo, icmp]));
}

/** Ethernet + IPv6 (hop limit 255) + an ICMPv6 message whose checksum is filled in. */
function ipv6Icmp(ethDst: Buffer, ethSrc: Buffer, src: Buffer, dst: Buffer, icmp: Buffer): Buffer {
  icmp.writeUInt16BE(0, 2);
  icmp.writeUInt16BE(icmp6Checksum(src, dst, icmp), 2);
  const l2 = Buffer.alloc(14);
  ethDst.copy(l2, 0);
  ethSrc.copy(l2, 6);
  l2.writeUInt16BE(0x86dd, 12);
  const ip = Buffer.alloc(40);
  ip.writeUInt32BE(0x60000000, 0);
  ip.writeUInt16BE(icmp.length, 4);
  ip[6] = 58;
  ip[7] = 255;
  src.copy(ip, 8);
  dst.copy(ip, 24);
  return Buffer.concat([l2, ip, icmp]);
}

/** The link-local address (EUI-64) for a MAC, as bytes. */
function linkLocalBytes(mac: Buffer): Buffer {
  return ipv6ToBytes(linkLocalOf(macFromBytes(mac)));
}

/** A neighbor solicitation for `target` from `mac` (source: its link-local address), to the solicited-node group. */
export function ndNs(mac: Buffer, target: Buffer): Buffer {
  const t = ipv6FromBytes(target);
  const sn = ipv6ToBytes(solicitedNode(t));
  const ethDst = macToBytes(solicitedNodeMac(t));
  const icmp = Buffer.alloc(32);
  icmp[0] = 135;
  target.copy(icmp, 8);
  icmp[24] = 1; // source link-layer address option
  icmp[25] = 1;
  mac.copy(icmp, 26);
  return ipv6Icmp(ethDst, mac, linkLocalBytes(mac), sn, icmp);
}

/**
 * A neighbor advertisement answering the solicitation `eth` (solicited + override, + router when asked):
 * from the solicited target back to the solicitor; the target link-layer option is rewritten by the logical
 * actions that run on it.
 */
export function ndNa(eth: EthFrame, router: boolean): Buffer | undefined {
  const ip = eth.payload;
  if (ip.length < 40 + 24 || ip[6] !== 58 || ip[40] !== 135) return undefined;
  const src = ip.subarray(8, 24);
  const target = ip.subarray(48, 64);
  const icmp = Buffer.alloc(32);
  icmp[0] = 136;
  icmp.writeUInt32BE(((router ? 0x80000000 : 0) | 0x40000000 | 0x20000000) >>> 0, 4);
  target.copy(icmp, 8);
  icmp[24] = 2; // target link-layer address option
  icmp[25] = 1;
  eth.dst.copy(icmp, 26);
  return ipv6Icmp(eth.src, eth.dst, target, src, icmp);
}

/**
 * An ICMPv6 "destination unreachable" (RFC 4443 §3.1) for the IPv6 packet in `eth`: as much of it as fits in
 * the minimum MTU, from the original source to the original destination (the logical actions swap them).
 */
export function icmp6Error(eth: EthFrame, code: number, loopback = false): Buffer {
  const ip = eth.payload;
  const inLen = Math.min(40 + ip.readUInt16BE(4), ip.length, 1280 - 14 - 40 - 8);
  const src = ip.subarray(loopback ? 24 : 8, loopback ? 40 : 24);
  const dst = ip.subarray(loopback ? 8 : 24, loopback ? 24 : 40);
  const icmp = Buffer.alloc(8 + inLen);
  icmp[0] = 1;
  icmp[1] = code;
  ip.copy(icmp, 8, 0, inLen);
  return ipv6Icmp(loopback ? eth.src : eth.dst, loopback ? eth.dst : eth.src, Buffer.from(src), Buffer.from(dst), icmp);
}
