// IGMP (v1/v2/v3, RFC 3376) and MLD (v1/v2, RFC 3810) messages as multicast snooping reads them, and the
// general queries an OVN querier sends (pure). A report or leave becomes a list of group events; a
// query marks the port a multicast router's. A bad checksum makes the message unreadable.
import { formatIpv4, formatIpv6, ipv6FromBytes } from '@ovnts/net';
import { icmp6Checksum, inetChecksum, type EthFrame } from './packets.js';

/** One membership change a report carries: `join` (also refreshes) or `leave`. */
export interface GroupEvent {
  readonly kind: 'join' | 'leave';
  /** As ovn-controller writes IGMP_Group.address: dotted IPv4, or compressed IPv6. */
  readonly address: string;
}

export interface SnoopMessage {
  readonly family: 4 | 6;
  /** A report or leave (forwarded to the multicast routers), or a query (flooded on the switch). */
  readonly type: 'report' | 'query';
  readonly events: readonly GroupEvent[];
  /** A query from a router (MLD queries from `::` do not count). */
  readonly fromRouter: boolean;
}

const IGMP = { query: 0x11, v1Report: 0x12, v2Report: 0x16, leave: 0x17, v3Report: 0x22 } as const;
const MLD = { query: 130, v1Report: 131, done: 132, v2Report: 143 } as const;
/** IGMPv3/MLDv2 record types MODE_IS_INCLUDE(1)..BLOCK_OLD_SOURCES(6); 1 and 3 without sources are leaves. */
const isLeaveRecord = (type: number, nsrcs: number) => nsrcs === 0 && (type === 1 || type === 3);

/** The snooping meaning of an IGMP or MLD packet, or undefined when it is none (or malformed). */
export function parseSnoopMessage(eth: EthFrame): SnoopMessage | undefined {
  if (eth.ethType === 0x0800) return parseIgmp(eth.payload);
  if (eth.ethType === 0x86dd) return parseMld(eth.payload);
  return undefined;
}

function parseIgmp(ip: Buffer): SnoopMessage | undefined {
  if (ip.length < 20 || ip[0]! >> 4 !== 4 || ip[9] !== 2) return undefined;
  const ihl = (ip[0]! & 0xf) * 4;
  const end = Math.min(ip.length, ip.readUInt16BE(2));
  const m = ip.subarray(ihl, end);
  if (m.length < 8 || inetChecksum(m) !== 0) return undefined;
  const group = () => formatIpv4(m.readUInt32BE(4));
  switch (m[0]) {
    case IGMP.query:
      return { family: 4, type: 'query', events: [], fromRouter: true };
    case IGMP.v1Report:
    case IGMP.v2Report:
      return { family: 4, type: 'report', events: [{ kind: 'join', address: group() }], fromRouter: false };
    case IGMP.leave:
      return { family: 4, type: 'report', events: [{ kind: 'leave', address: group() }], fromRouter: false };
    case IGMP.v3Report: {
      const events: GroupEvent[] = [];
      let n = m.readUInt16BE(6);
      let off = 8;
      while (n-- > 0 && off + 8 <= m.length) {
        const type = m[off]!;
        const aux = m[off + 1]!;
        const nsrcs = m.readUInt16BE(off + 2);
        if (type >= 1 && type <= 6)
          events.push({
            kind: isLeaveRecord(type, nsrcs) ? 'leave' : 'join',
            address: formatIpv4(m.readUInt32BE(off + 4)),
          });
        off += 8 + nsrcs * 4 + aux * 4;
      }
      return { family: 4, type: 'report', events, fromRouter: false };
    }
    default:
      return undefined;
  }
}

/** IPv6 extension headers skipped on the way to the ICMPv6 message (hop-by-hop, routing, destination). */
const EXT_HEADERS = new Set([0, 43, 60]);

function parseMld(ip: Buffer): SnoopMessage | undefined {
  if (ip.length < 40 || ip[0]! >> 4 !== 6) return undefined;
  const end = Math.min(ip.length, 40 + ip.readUInt16BE(4));
  let next = ip[6]!;
  let off = 40;
  while (EXT_HEADERS.has(next) && off + 8 <= end) {
    next = ip[off]!;
    off += (ip[off + 1]! + 1) * 8;
  }
  if (next !== 58 || off + 8 > end) return undefined;
  const m = ip.subarray(off, end);
  const src = ip.subarray(8, 24);
  if (icmp6Checksum(src, ip.subarray(24, 40), m) !== 0) return undefined;
  const addr = (at: number) => formatIpv6(ipv6FromBytes(m.subarray(at, at + 16)));
  switch (m[0]) {
    case MLD.query:
      return { family: 6, type: 'query', events: [], fromRouter: ipv6FromBytes(src) !== 0n };
    case MLD.v1Report:
    case MLD.done:
      if (m.length < 24) return undefined;
      return {
        family: 6,
        type: 'report',
        events: [{ kind: m[0] === MLD.done ? 'leave' : 'join', address: addr(8) }],
        fromRouter: false,
      };
    case MLD.v2Report: {
      const events: GroupEvent[] = [];
      let n = m.readUInt16BE(6);
      let at = 8;
      while (n-- > 0 && at + 20 <= m.length) {
        const type = m[at]!;
        const aux = m[at + 1]!;
        const nsrcs = m.readUInt16BE(at + 2);
        if (type >= 1 && type <= 6)
          events.push({ kind: isLeaveRecord(type, nsrcs) ? 'leave' : 'join', address: addr(at + 4) });
        at += 20 + nsrcs * 16 + aux * 4;
      }
      return { family: 6, type: 'report', events, fromRouter: false };
    }
    default:
      return undefined;
  }
}

/**
 * An IGMPv3 general query (RFC 3376 4.1) from `ethSrc`/`ipSrc` to 224.0.0.1: TTL 1, no IP options, max
 * response and QQIC both the max response time in tenths of a second.
 */
export function igmpQuery(ethSrc: Buffer, ipSrc: number, maxRespS: number): Buffer {
  const l2 = Buffer.from([0x01, 0x00, 0x5e, 0x00, 0x00, 0x01, ...ethSrc, 0x08, 0x00]);
  const igmp = Buffer.alloc(12);
  const code = (maxRespS * 10) & 0xff;
  igmp[0] = IGMP.query;
  igmp[1] = code;
  igmp[9] = code; // QQIC
  igmp.writeUInt16BE(inetChecksum(igmp), 2);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + igmp.length, 2);
  ip.writeUInt16BE(0x4000, 6); // DF
  ip[8] = 1; // TTL
  ip[9] = 2; // IGMP
  ip.writeUInt32BE(ipSrc >>> 0, 12);
  ip.writeUInt32BE(0xe0000001, 16);
  ip.writeUInt16BE(inetChecksum(ip), 10);
  return Buffer.concat([l2, ip, igmp]);
}

/** The hop-by-hop header of an MLD message: next header ICMPv6, a router alert (MLD), two Pad1. */
const MLD_HOP_BY_HOP = Buffer.from([58, 0, 0x05, 0x02, 0x00, 0x00, 0x00, 0x00]);

/**
 * An MLDv2 general query (RFC 3810 5.1) from `ethSrc`/`ipSrc` to ff02::1 (Ethernet 33:33:00:00:00:00, as
 * ovn-controller sends it): hop limit 1, a router alert, max response in ms, QQIC in seconds.
 */
export function mldQuery(ethSrc: Buffer, ipSrc: Buffer, maxRespS: number): Buffer {
  const l2 = Buffer.from([0x33, 0x33, 0x00, 0x00, 0x00, 0x00, ...ethSrc, 0x86, 0xdd]);
  const dst = Buffer.alloc(16);
  dst[0] = 0xff;
  dst[1] = 0x02;
  dst[15] = 0x01;
  const mld = Buffer.alloc(28);
  mld[0] = MLD.query;
  mld.writeUInt16BE((maxRespS * 1000) & 0xffff, 4);
  mld[25] = maxRespS & 0xff; // QQIC
  mld.writeUInt16BE(icmp6Checksum(ipSrc, dst, mld), 2);
  const ip = Buffer.alloc(40);
  ip[0] = 0x60;
  ip.writeUInt16BE(MLD_HOP_BY_HOP.length + mld.length, 4);
  ip[6] = 0; // hop-by-hop
  ip[7] = 1;
  ipSrc.copy(ip, 8);
  dst.copy(ip, 24);
  return Buffer.concat([l2, ip, MLD_HOP_BY_HOP, mld]);
}
