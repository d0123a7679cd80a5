// Transport-level refusals pinctrl builds (pure): TCP RST and SCTP ABORT for IPv4 and IPv6, and the ACL
// `reject` action's choice between them and an ICMP unreachable. With `loopback` the reply goes straight back
// to the sender (Ethernet and IP addresses swapped); otherwise the nested logical actions swap them.
import { type EthFrame, icmp4Error, icmp6Error, inetChecksum } from './packets.js';

const IPPROTO = { icmp: 1, tcp: 6, udp: 17, icmpv6: 58, sctp: 132 } as const;
const SCTP_CHUNK = { init: 1, abort: 6 } as const;

/** The L3 header of an IPv4 or IPv6 frame: protocol, addresses and where L4 starts (no v6 extension headers). */
interface L3 {
  readonly v6: boolean;
  readonly proto: number;
  readonly src: Buffer;
  readonly dst: Buffer;
  readonly l4: Buffer;
}

function l3Of(eth: EthFrame): L3 | undefined {
  const ip = eth.payload;
  if (eth.ethType === 0x0800 && ip.length >= 20) {
    const ihl = (ip[0]! & 0x0f) * 4;
    return { v6: false, proto: ip[9]!, src: ip.subarray(12, 16), dst: ip.subarray(16, 20), l4: ip.subarray(ihl) };
  }
  if (eth.ethType === 0x86dd && ip.length >= 40)
    return { v6: true, proto: ip[6]!, src: ip.subarray(8, 24), dst: ip.subarray(24, 40), l4: ip.subarray(40) };
  return undefined;
}

/** Ethernet + an IP header (IPv4: DF, TTL/hop limit `ttl`) around `l4` from `src` to `dst`. */
function ipFrame(eth: EthFrame, loopback: boolean, v6: boolean, proto: number, src: Buffer, dst: Buffer, l4: Buffer) {
  const l2 = Buffer.alloc(14);
  (loopback ? eth.src : eth.dst).copy(l2, 0);
  (loopback ? eth.dst : eth.src).copy(l2, 6);
  l2.writeUInt16BE(v6 ? 0x86dd : 0x0800, 12);
  const ttl = 63;
  if (v6) {
    const h = Buffer.alloc(40);
    h.writeUInt32BE(0x60000000, 0);
    h.writeUInt16BE(l4.length, 4);
    h[6] = proto;
    h[7] = ttl;
    src.copy(h, 8);
    dst.copy(h, 24);
    return Buffer.concat([l2, h, l4]);
  }
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(20 + l4.length, 2);
  h.writeUInt16BE(0x4000, 6); // DF, as OVN's composed packets carry
  h[8] = ttl;
  h[9] = proto;
  src.copy(h, 12);
  dst.copy(h, 16);
  h.writeUInt16BE(inetChecksum(h), 10);
  return Buffer.concat([l2, h, l4]);
}

/** The TCP/UDP pseudo-header (RFC 793 / RFC 8200 §8.1) for a segment of `len` bytes. */
function pseudoHeader(v6: boolean, src: Buffer, dst: Buffer, proto: number, len: number): Buffer {
  if (v6) {
    const p = Buffer.alloc(40);
    src.copy(p, 0);
    dst.copy(p, 16);
    p.writeUInt32BE(len, 32);
    p[39] = proto;
    return p;
  }
  const p = Buffer.alloc(12);
  src.copy(p, 0);
  dst.copy(p, 4);
  p[9] = proto;
  p.writeUInt16BE(len, 10);
  return p;
}

/** A TCP RST+ACK for the segment in `eth` (ports swapped, seq 0, ack = its seq + 1), TTL 63; IPv4 or IPv6. */
export function tcpReset(eth: EthFrame, loopback: boolean): Buffer | undefined {
  const l3 = l3Of(eth);
  if (!l3 || l3.proto !== IPPROTO.tcp || l3.l4.length < 20) return undefined;
  const src = loopback ? l3.dst : l3.src;
  const dst = loopback ? l3.src : l3.dst;
  const tcp = Buffer.alloc(20);
  tcp.writeUInt16BE(l3.l4.readUInt16BE(2), 0);
  tcp.writeUInt16BE(l3.l4.readUInt16BE(0), 2);
  tcp.writeUInt32BE((l3.l4.readUInt32BE(4) + 1) >>> 0, 8);
  tcp.writeUInt16BE((5 << 12) | 0x04 | 0x10, 12); // RST, ACK
  tcp.writeUInt16BE(inetChecksum(Buffer.concat([pseudoHeader(l3.v6, src, dst, IPPROTO.tcp, 20), tcp])), 16);
  return ipFrame(eth, loopback, l3.v6, IPPROTO.tcp, src, dst, tcp);
}

const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32C (Castagnoli, RFC 3309), the SCTP checksum. */
export function crc32c(b: Buffer): number {
  let c = 0xffffffff;
  for (const byte of b) c = CRC32C_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * An SCTP ABORT for the packet in `eth` (RFC 4960 §8.4): ports swapped; an INIT with verification tag 0 is
 * answered with its initiate tag (T bit clear), anything else with its own tag reflected (T bit set).
 * An ABORT, a packet without chunks or a truncated INIT gets nothing.
 */
export function sctpAbort(eth: EthFrame, loopback: boolean): Buffer | undefined {
  const l3 = l3Of(eth);
  if (!l3 || l3.proto !== IPPROTO.sctp || l3.l4.length < 12 + 4) return undefined;
  const inSctp = l3.l4;
  const chunkType = inSctp[12]!;
  if (chunkType === SCTP_CHUNK.abort) return undefined;
  const vtagIn = inSctp.readUInt32BE(4);
  if (chunkType === SCTP_CHUNK.init && inSctp.length < 12 + 4 + 16) return undefined;
  const fromInit = vtagIn === 0 && chunkType === SCTP_CHUNK.init;
  const src = loopback ? l3.dst : l3.src;
  const dst = loopback ? l3.src : l3.dst;
  const sctp = Buffer.alloc(16);
  sctp.writeUInt16BE(inSctp.readUInt16BE(2), 0);
  sctp.writeUInt16BE(inSctp.readUInt16BE(0), 2);
  sctp.writeUInt32BE(fromInit ? inSctp.readUInt32BE(16) : vtagIn, 4);
  sctp[12] = SCTP_CHUNK.abort;
  sctp[13] = fromInit ? 0 : 1; // T bit: the tag is the receiver's own
  sctp.writeUInt16BE(4, 14);
  // The CRC goes on the wire least significant byte first (RFC 4960 appendix B).
  sctp.writeUInt32LE(crc32c(sctp), 8);
  return ipFrame(eth, loopback, l3.v6, IPPROTO.sctp, src, dst, sctp);
}

/**
 * The ACL `reject` action, as ovn-controller answers it, straight back to the sender: TCP → RST, SCTP →
 * ABORT, anything else → ICMP/ICMPv6 unreachable (code 3/4, port, for UDP). A RST or an ICMP unreachable
 * itself is not answered, so two rejecting ACLs cannot ping-pong.
 */
export function rejectReply(eth: EthFrame): Buffer | undefined {
  const l3 = l3Of(eth);
  if (!l3) return undefined;
  switch (l3.proto) {
    case IPPROTO.tcp:
      if (l3.l4.length < 14 || l3.l4[13]! & 0x04) return undefined;
      return tcpReset(eth, true);
    case IPPROTO.sctp:
      return sctpAbort(eth, true);
    case IPPROTO.icmp:
      if (!l3.v6 && l3.l4[0] === 3) return undefined;
      break;
    case IPPROTO.icmpv6:
      if (l3.v6 && l3.l4[0] === 1) return undefined;
      break;
  }
  return l3.v6
    ? icmp6Error(eth, l3.proto === IPPROTO.udp ? 4 : 1, true)
    : icmp4Error(eth, l3.proto === IPPROTO.udp ? 3 : 1, true);
}
