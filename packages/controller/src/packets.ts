// Minimal packet codecs pinctrl needs (pure): Ethernet (with one optional 802.1Q tag), IPv4 header fields,
// and building ARP requests.

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
  return { dst: p.subarray(0, 6), src: p.subarray(6, 12), ...(vlanTci !== undefined ? { vlanTci } : {}), ethType: type, payload: p.subarray(off) };
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

export const formatMac = (b: Buffer | bigint): string =>
  (typeof b === 'bigint' ? Buffer.from(b.toString(16).padStart(12, '0'), 'hex') : b).toString('hex').replace(/(..)(?!$)/g, '$1:');

export const formatIpv4 = (v: bigint): string => [24, 16, 8, 0].map((s) => Number((v >> BigInt(s)) & 0xffn)).join('.');

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
export function icmp4Error(eth: EthFrame, code: number): Buffer {
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
  ip.copy(hdr, 12, 12, 16);
  ip.copy(hdr, 16, 16, 20);
  hdr.writeUInt16BE(inetChecksum(hdr), 10);
  const l2 = Buffer.alloc(14);
  eth.dst.copy(l2, 0);
  eth.src.copy(l2, 6);
  l2.writeUInt16BE(0x0800, 12);
  return Buffer.concat([l2, hdr, icmp]);
}
