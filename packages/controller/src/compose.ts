// Packets from header field values (pure), for `inject-pkt`: Ethernet (optionally 802.1Q-tagged), then
// IPv4/IPv6 with TCP, UDP, ICMP, ICMPv6 (echo, ND with link-layer options) or an ARP body. Fields not given
// are zero; protocols that carry a payload get 64 bytes counting 0, 1, 2… so the frame has some size, as
// OVS's test packets have. Checksums and lengths are filled in.
import { inetChecksum } from './packets.js';

/** Header fields by OpenFlow field name (eth_src, ip_src, tcp_dst, …), as a microflow gives them. */
export type HeaderFields = ReadonlyMap<string, bigint>;

const PAYLOAD_LEN = 64;

function be(v: bigint, bytes: number): Buffer {
  const b = Buffer.alloc(bytes);
  for (let i = bytes - 1; i >= 0; i--) {
    b[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return b;
}

function payload(): Buffer {
  return Buffer.from(Array.from({ length: PAYLOAD_LEN }, (_, i) => i));
}

/** Sum of the pseudo-header words (no folding into 16 bits; inetChecksum folds). */
function pseudo(src: Buffer, dst: Buffer, proto: number, len: number): Buffer {
  const lenBytes = src.length === 4 ? be(BigInt(len), 2) : be(BigInt(len), 4);
  return Buffer.concat([
    src,
    dst,
    src.length === 4 ? Buffer.from([0, proto]) : Buffer.from([0, 0, 0, proto]),
    lenBytes,
  ]);
}

function l4(f: HeaderFields, proto: number, src: Buffer, dst: Buffer): Buffer {
  const g = (k: string) => f.get(k) ?? 0n;
  let seg: Buffer;
  let csumAt: number | undefined;
  let withPseudo = true;
  switch (proto) {
    case 6: {
      const hdr = Buffer.alloc(20);
      hdr.writeUInt16BE(Number(g('tcp_src')), 0);
      hdr.writeUInt16BE(Number(g('tcp_dst')), 2);
      const flags = Number(g('tcp_flags')) & 0xfff;
      hdr.writeUInt16BE((5 << 12) | flags, 12);
      seg = flags & 0x07 ? hdr : Buffer.concat([hdr, payload()]); // no data with SYN, FIN or RST
      csumAt = 16;
      break;
    }
    case 17: {
      const hdr = Buffer.alloc(8);
      hdr.writeUInt16BE(Number(g('udp_src')), 0);
      hdr.writeUInt16BE(Number(g('udp_dst')), 2);
      hdr.writeUInt16BE(8 + PAYLOAD_LEN, 4);
      seg = Buffer.concat([hdr, payload()]);
      csumAt = 6;
      break;
    }
    case 1: {
      const hdr = Buffer.alloc(8);
      hdr[0] = Number(g('icmp_type'));
      hdr[1] = Number(g('icmp_code'));
      const echo = (hdr[0] === 8 || hdr[0] === 0) && hdr[1] === 0;
      seg = echo ? Buffer.concat([hdr, payload()]) : hdr;
      csumAt = 2;
      withPseudo = false;
      break;
    }
    case 58: {
      const hdr = Buffer.alloc(8);
      const type = Number(g('icmpv6_type'));
      hdr[0] = type;
      hdr[1] = Number(g('icmpv6_code'));
      const parts: Buffer[] = [hdr];
      if (hdr[1] === 0 && (type === 135 || type === 136)) {
        parts.push(be(g('nd_target'), 16));
        if (g('nd_sll')) parts.push(Buffer.concat([Buffer.from([1, 1]), be(g('nd_sll'), 6)]));
        if (g('nd_tll')) parts.push(Buffer.concat([Buffer.from([2, 1]), be(g('nd_tll'), 6)]));
      } else if (hdr[1] === 0 && (type === 128 || type === 129)) parts.push(payload());
      seg = Buffer.concat(parts);
      csumAt = 2;
      break;
    }
    default:
      return Buffer.alloc(0);
  }
  if (csumAt !== undefined) {
    const sum = inetChecksum(withPseudo ? Buffer.concat([pseudo(src, dst, proto, seg.length), seg]) : seg);
    // UDP sends "no checksum" as 0, so a computed 0 goes out as 0xffff.
    seg.writeUInt16BE(proto === 17 && sum === 0 ? 0xffff : sum, csumAt);
  }
  return seg;
}

export function composePacket(f: HeaderFields): Buffer {
  const g = (k: string) => f.get(k) ?? 0n;
  const ethType = Number(g('eth_type'));
  const parts: Buffer[] = [be(g('eth_dst'), 6), be(g('eth_src'), 6)];
  const tci = f.get('vlan_tci');
  if (tci !== undefined && tci & 0x1000n) parts.push(Buffer.from([0x81, 0x00]), be(tci & ~0x1000n, 2));
  parts.push(be(BigInt(ethType), 2));
  const tos = Number(((g('ip_dscp') & 0x3fn) << 2n) | (g('nw_ecn') & 3n));
  const proto = Number(g('nw_proto'));
  if (ethType === 0x0800) {
    const src = be(g('ip_src'), 4);
    const dst = be(g('ip_dst'), 4);
    const body = l4(f, proto, src, dst);
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip[1] = tos;
    ip.writeUInt16BE(20 + body.length, 2);
    ip[8] = Number(g('nw_ttl'));
    ip[9] = proto;
    src.copy(ip, 12);
    dst.copy(ip, 16);
    ip.writeUInt16BE(inetChecksum(ip), 10);
    parts.push(ip, body);
  } else if (ethType === 0x86dd) {
    const src = be(g('ipv6_src'), 16);
    const dst = be(g('ipv6_dst'), 16);
    const body = l4(f, proto, src, dst);
    const ip = Buffer.alloc(40);
    ip.writeUInt32BE(((6 << 28) | (tos << 20) | Number(g('ipv6_label') & 0xfffffn)) >>> 0, 0);
    ip.writeUInt16BE(body.length, 4);
    ip[6] = proto;
    ip[7] = Number(g('nw_ttl'));
    src.copy(ip, 8);
    dst.copy(ip, 24);
    parts.push(ip, body);
  } else if (ethType === 0x0806 || ethType === 0x8035) {
    const arp = Buffer.alloc(28);
    arp.writeUInt16BE(1, 0);
    arp.writeUInt16BE(0x0800, 2);
    arp[4] = 6;
    arp[5] = 4;
    const op = Number(g('arp_op'));
    arp.writeUInt16BE(op, 6);
    if (op === 1 || op === 2) {
      be(g('arp_sha'), 6).copy(arp, 8);
      be(g('arp_spa'), 4).copy(arp, 14);
      be(g('arp_tha'), 6).copy(arp, 18);
      be(g('arp_tpa'), 4).copy(arp, 24);
    }
    parts.push(arp);
  }
  return Buffer.concat(parts);
}
