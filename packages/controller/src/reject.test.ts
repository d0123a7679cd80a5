import { describe, expect, it } from 'vitest';
import { type EthFrame, icmp6Checksum, inetChecksum, parseEth } from './packets.js';
import { crc32c, rejectReply, sctpAbort, tcpReset } from './reject.js';

const hex = (s: string) => Buffer.from(s.replaceAll(' ', ''), 'hex');
const L2_V4 = hex('0a0000000002 0a0000000001 0800');
const L2_V6 = hex('0a0000000002 0a0000000001 86dd');
const V4_SRC = hex('0a000001');
const V4_DST = hex('0a000002');
const V6_SRC = hex('fd000000000000000000000000000001');
const V6_DST = hex('fd000000000000000000000000000002');

function v4(proto: number, l4: Buffer): EthFrame {
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + l4.length, 2);
  ip[8] = 64;
  ip[9] = proto;
  V4_SRC.copy(ip, 12);
  V4_DST.copy(ip, 16);
  return parseEth(Buffer.concat([L2_V4, ip, l4]));
}

function v6(next: number, l4: Buffer): EthFrame {
  const ip = Buffer.alloc(40);
  ip.writeUInt32BE(0x60000000, 0);
  ip.writeUInt16BE(l4.length, 4);
  ip[6] = next;
  ip[7] = 64;
  V6_SRC.copy(ip, 8);
  V6_DST.copy(ip, 24);
  return parseEth(Buffer.concat([L2_V6, ip, l4]));
}

/** A TCP segment 40000 → 80 with sequence number `seq` and the given flags. */
function tcp(seq: number, flags: number): Buffer {
  const t = Buffer.alloc(20);
  t.writeUInt16BE(40000, 0);
  t.writeUInt16BE(80, 2);
  t.writeUInt32BE(seq, 4);
  t.writeUInt16BE((5 << 12) | flags, 12);
  return t;
}

/** An SCTP packet 5000 → 6000 with verification tag `vtag` and one chunk of `type` (an INIT carries its tag). */
function sctp(vtag: number, type: number, initiateTag = 0): Buffer {
  const body = type === 1 ? Buffer.alloc(20) : Buffer.alloc(4);
  body[0] = type;
  body.writeUInt16BE(body.length, 2);
  if (type === 1) body.writeUInt32BE(initiateTag, 4);
  const h = Buffer.alloc(12);
  h.writeUInt16BE(5000, 0);
  h.writeUInt16BE(6000, 2);
  h.writeUInt32BE(vtag, 4);
  return Buffer.concat([h, body]);
}

function expectSwappedL2(out: EthFrame): void {
  expect(out.dst.equals(L2_V4.subarray(6, 12))).toBe(true);
  expect(out.src.equals(L2_V4.subarray(0, 6))).toBe(true);
}

describe('CRC-32C', () => {
  it('gives the standard check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });
});

describe('tcp_reset', () => {
  it('answers an IPv4 SYN with RST+ACK back to its sender: ports swapped, ack = seq + 1, DF, TTL 63', () => {
    const rst = parseEth(tcpReset(v4(6, tcp(0xfffffffe, 0x02)), true)!);
    expectSwappedL2(rst);
    const ip = rst.payload;
    expect(inetChecksum(ip.subarray(0, 20))).toBe(0);
    expect([ip.readUInt16BE(6), ip[8], ip[9]]).toEqual([0x4000, 63, 6]);
    expect(ip.subarray(12, 16).equals(V4_DST)).toBe(true);
    const t = ip.subarray(20);
    expect([t.readUInt16BE(0), t.readUInt16BE(2), t.readUInt32BE(4), t.readUInt32BE(8), t[13]]).toEqual([
      80, 40000, 0, 0xffffffff, 0x14,
    ]);
    const pseudo = Buffer.concat([ip.subarray(12, 20), hex('0006 0014')]);
    expect(inetChecksum(Buffer.concat([pseudo, t]))).toBe(0);
  });

  it('answers an IPv6 segment the same way, the checksum over the IPv6 pseudo-header', () => {
    const rst = parseEth(tcpReset(v6(6, tcp(7, 0x02)), false)!);
    const ip = rst.payload;
    expect([ip.readUInt16BE(4), ip[6], ip[7]]).toEqual([20, 6, 63]);
    expect(ip.subarray(8, 24).equals(V6_SRC)).toBe(true);
    const pseudo = Buffer.concat([ip.subarray(8, 40), hex('00000014 00000006')]);
    expect(inetChecksum(Buffer.concat([pseudo, ip.subarray(40)]))).toBe(0);
    expect(ip.readUInt32BE(40 + 8)).toBe(8);
  });
});

describe('sctp_abort', () => {
  const checksumOk = (s: Buffer) => {
    const zeroed = Buffer.from(s);
    zeroed.writeUInt32BE(0, 8);
    return s.readUInt32LE(8) === crc32c(zeroed);
  };

  it('answers an INIT (tag 0) with its initiate tag and the T bit clear', () => {
    const out = parseEth(sctpAbort(v4(132, sctp(0, 1, 0x11223344)), true)!);
    const ip = out.payload;
    expect([ip.readUInt16BE(2), ip[8], ip[9]]).toEqual([20 + 16, 63, 132]);
    expect(inetChecksum(ip.subarray(0, 20))).toBe(0);
    const s = ip.subarray(20);
    expect([s.readUInt16BE(0), s.readUInt16BE(2), s.readUInt32BE(4)]).toEqual([6000, 5000, 0x11223344]);
    expect([...s.subarray(12, 16)]).toEqual([6, 0, 0, 4]);
    expect(checksumOk(s)).toBe(true);
  });

  it('reflects the tag of any other chunk with the T bit set; an ABORT or a truncated INIT gets nothing', () => {
    const s = parseEth(sctpAbort(v6(132, sctp(0x55, 0)), true)!).payload.subarray(40);
    expect([s.readUInt32BE(4), s[12], s[13]]).toEqual([0x55, 6, 1]);
    expect(checksumOk(s)).toBe(true);
    expect(sctpAbort(v4(132, sctp(0x55, 6)), true)).toBeUndefined();
    expect(sctpAbort(v4(132, sctp(0, 1).subarray(0, 20)), true)).toBeUndefined();
  });
});

describe('reject', () => {
  it('sends TCP a RST, SCTP an ABORT, other IPv4 an ICMP unreachable (port for UDP), all back to the sender', () => {
    expect(parseEth(rejectReply(v4(6, tcp(1, 0x02)))!).payload[9]).toBe(6);
    expect(parseEth(rejectReply(v4(132, sctp(0, 1, 9)))!).payload[9]).toBe(132);
    const icmp = parseEth(rejectReply(v4(17, Buffer.alloc(8)))!);
    expectSwappedL2(icmp);
    expect([icmp.payload[9], icmp.payload[20], icmp.payload[21]]).toEqual([1, 3, 3]);
    // A bare IP header with protocol ICMP (no ICMP header) is still answered, code 1 (host unreachable).
    const bare = parseEth(rejectReply(v4(1, Buffer.alloc(0)))!).payload;
    expect([bare.readUInt16BE(2), bare[20], bare[21]]).toEqual([20 + 8 + 20, 3, 1]);
    expect(inetChecksum(bare.subarray(20))).toBe(0);
  });

  it('answers IPv6 with an ICMPv6 unreachable from the original destination', () => {
    const out = parseEth(rejectReply(v6(58, hex('8000 0000 0000 0000')))!).payload;
    expect([out[6], out[7], out[40], out[41]]).toEqual([58, 255, 1, 1]);
    expect(out.subarray(8, 24).equals(V6_DST)).toBe(true);
    expect(icmp6Checksum(out.subarray(8, 24), out.subarray(24, 40), out.subarray(40))).toBe(0);
    expect(parseEth(rejectReply(v6(17, Buffer.alloc(8)))!).payload[41]).toBe(4);
  });

  it('does not answer a RST or an unreachable (no ping-pong between two rejecting ACLs)', () => {
    expect(rejectReply(v4(6, tcp(1, 0x04)))).toBeUndefined();
    expect(rejectReply(v4(1, hex('0301 0000 0000 0000')))).toBeUndefined();
    expect(rejectReply(v6(58, hex('0101 0000 0000 0000')))).toBeUndefined();
    expect(rejectReply(parseEth(hex('0a0000000002 0a0000000001 0806 0001')))).toBeUndefined();
  });
});
