// Load-balancer health checks, the pure part: which SB Service_Monitor rows this chassis probes (those whose
// logical port is bound here), the probes (a TCP SYN, or a UDP datagram, from the row's src_mac/src_ip to
// the backend's MAC and address) and what a reply to one says (SYN+ACK: up; RST: down; ICMP port
// unreachable for UDP: down). The timing and the verdicts are in svc-monitor-state.ts.
import { type IpAddr, ipv6ToBytes, macToBytes, normalizeMac, parseIp, parseMac, parsePrefixText } from '@ovnts/net';
import type { Uuid } from 'ovsdb-client-ts';
import type { ServiceMonitor } from '@ovnts/schema/sb';
import { inetChecksum, parseEth } from './packets.js';
import type { SbSnapshot } from './view.js';

export type ProbeProtocol = 'tcp' | 'udp';

/** One backend to probe, from a Service_Monitor row and the binding of its port. */
export interface MonitorTarget {
  /** What identifies the monitor across SB changes: datapath, port, address, L4 port and protocol. */
  readonly key: string;
  readonly uuid: Uuid<'Service_Monitor'>;
  readonly dpKey: number;
  readonly portKey: number;
  readonly ip: IpAddr;
  readonly port: number;
  readonly protocol: ProbeProtocol;
  /** The backend's MAC (from its port's addresses). */
  readonly dstMac: Buffer;
  readonly srcMac: Buffer;
  readonly srcIp: IpAddr;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly successCount: number;
  readonly failureCount: number;
}

export function monitorKey(dpKey: number, portKey: number, ip: IpAddr, port: number, protocol: ProbeProtocol): string {
  return `${dpKey}|${portKey}|${ip.family}:${ip.value.toString(16)}|${port}|${protocol}`;
}

/** An integer option as OVS's smap_get_int reads it: the default when absent or not a number. */
function intOption(options: Readonly<Record<string, string>>, key: string, dflt: number): number {
  const v = options[key];
  if (v === undefined || !/^\s*[-+]?\d+/.test(v)) return dflt;
  return parseInt(v, 10);
}

const sameIp = (a: IpAddr, b: IpAddr) => a.family === b.family && a.value === b.value;

/**
 * The MAC of the port address entry that holds `ip`; an entry with a MAC and no address at all also
 * counts (the backend's address is then not known to OVN, only its MAC).
 */
export function backendMac(addresses: readonly string[], ip: IpAddr): string | undefined {
  for (const entry of addresses) {
    const words = entry.trim().split(/\s+/);
    const mac = normalizeMac(words[0] ?? '');
    if (!mac) continue;
    const ips = words.slice(1).flatMap((w) => {
      const n = parsePrefixText(w);
      return n ? [n.addr] : [];
    });
    if (ips.some((a) => sameIp(a, ip)) || ips.length === 0) return mac;
  }
  return undefined;
}

/** The monitors to run on this chassis: rows whose port is bound to it and whose backend MAC is known. */
export function localMonitors(
  sb: Pick<SbSnapshot, 'Service_Monitor' | 'Port_Binding' | 'Datapath_Binding'>,
  chassis: Uuid<'Chassis'> | undefined,
): MonitorTarget[] {
  if (!chassis) return [];
  const rows = [...sb.Service_Monitor.values()];
  if (!rows.length) return [];
  const names = new Set(rows.map((r) => r.logical_port));
  const ports = new Map(
    [...sb.Port_Binding.values()].filter((p) => names.has(p.logical_port)).map((p) => [p.logical_port, p]),
  );
  const out: MonitorTarget[] = [];
  for (const row of rows) {
    const t = target(row, ports.get(row.logical_port), sb, chassis);
    if (t) out.push(t);
  }
  return out;
}

function target(
  row: ServiceMonitor,
  pb: { chassis: string | null; mac: readonly string[]; datapath: string; tunnel_key: number } | undefined,
  sb: Pick<SbSnapshot, 'Datapath_Binding'>,
  chassis: string,
): MonitorTarget | undefined {
  if (!pb || pb.chassis !== chassis) return undefined;
  const ip = parseIp(row.ip);
  const dp = sb.Datapath_Binding.get(pb.datapath as Uuid<'Datapath_Binding'>);
  if (!ip || !dp) return undefined;
  const mac = backendMac(pb.mac, ip);
  const srcMac = parseMac(row.src_mac);
  const srcIp = parseIp(row.src_ip);
  if (!mac || !srcMac || !srcIp || srcIp.family !== ip.family) return undefined;
  const protocol: ProbeProtocol = row.protocol === 'udp' ? 'udp' : 'tcp';
  const o = row.options;
  return {
    key: monitorKey(dp.tunnel_key, pb.tunnel_key, ip, row.port, protocol),
    uuid: row._uuid,
    dpKey: dp.tunnel_key,
    portKey: pb.tunnel_key,
    ip,
    port: row.port,
    protocol,
    dstMac: macToBytes(parseMac(mac)!),
    srcMac: macToBytes(srcMac),
    srcIp,
    intervalMs: intOption(o, 'interval', 5) * 1000,
    timeoutMs: intOption(o, 'timeout', 3) * 1000,
    successCount: intOption(o, 'success_count', 1),
    failureCount: intOption(o, 'failure_count', 1),
  };
}

// ---- Probes ----

export const TCP = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;

/** The TTL probes go out with (as ovn-controller's). */
const PROBE_TTL = 63;
/** Bytes of zeros a UDP probe carries. */
const UDP_PROBE_DATA = 8;

function addrBytes(a: IpAddr): Buffer {
  if (a.family === 6) return ipv6ToBytes(a.value);
  const b = Buffer.alloc(4);
  b.writeUInt32BE(a.value >>> 0);
  return b;
}

/** Ethernet + IP header around an L4 segment whose checksum (at `csumAt`) is filled in here. */
function ipFrame(t: MonitorTarget, proto: number, seg: Buffer, csumAt: number): Buffer {
  const src = addrBytes(t.srcIp);
  const dst = addrBytes(t.ip);
  const v6 = t.ip.family === 6;
  const pseudo = v6
    ? Buffer.concat([src, dst, u32(seg.length), Buffer.from([0, 0, 0, proto])])
    : Buffer.concat([src, dst, Buffer.from([0, proto]), u16(seg.length)]);
  const sum = inetChecksum(Buffer.concat([pseudo, seg]));
  seg.writeUInt16BE(proto === 17 && sum === 0 ? 0xffff : sum, csumAt);
  let ip: Buffer;
  if (v6) {
    ip = Buffer.alloc(40);
    ip[0] = 0x60;
    ip.writeUInt16BE(seg.length, 4);
    ip[6] = proto;
    ip[7] = PROBE_TTL;
    src.copy(ip, 8);
    dst.copy(ip, 24);
  } else {
    ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip.writeUInt16BE(20 + seg.length, 2);
    ip[6] = 0x40; // don't fragment
    ip[8] = PROBE_TTL;
    ip[9] = proto;
    src.copy(ip, 12);
    dst.copy(ip, 16);
    ip.writeUInt16BE(inetChecksum(ip), 10);
  }
  return Buffer.concat([t.dstMac, t.srcMac, Buffer.from(v6 ? [0x86, 0xdd] : [0x08, 0x00]), ip, seg]);
}

/** A TCP segment without options or data, to the monitored port. */
export function tcpProbe(t: MonitorTarget, srcPort: number, flags: number, seq: number, ack: number): Buffer {
  const tcp = Buffer.alloc(20);
  tcp.writeUInt16BE(srcPort, 0);
  tcp.writeUInt16BE(t.port, 2);
  tcp.writeUInt32BE(seq >>> 0, 4);
  tcp.writeUInt32BE(ack >>> 0, 8);
  tcp.writeUInt16BE((5 << 12) | flags, 12);
  tcp.writeUInt16BE(65160, 14);
  return ipFrame(t, 6, tcp, 16);
}

/** A UDP datagram of UDP_PROBE_DATA zero bytes to the monitored port. */
export function udpProbe(t: MonitorTarget, srcPort: number): Buffer {
  const udp = Buffer.alloc(8 + UDP_PROBE_DATA);
  udp.writeUInt16BE(srcPort, 0);
  udp.writeUInt16BE(t.port, 2);
  udp.writeUInt16BE(udp.length, 4);
  return ipFrame(t, 17, udp, 6);
}

function u16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v);
  return b;
}
function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
}

// ---- Replies (handle_svc_check packet-ins) ----

/** What a packet sent back to the svc_monitor_mac says about a probe. */
export type ProbeReply =
  | {
      readonly kind: 'tcp';
      readonly from: IpAddr;
      readonly srcPort: number;
      readonly dstPort: number;
      readonly seq: number;
      readonly ack: number;
      readonly flags: number;
    }
  | { readonly kind: 'udp-unreachable'; readonly from: IpAddr; readonly srcPort: number; readonly dstPort: number };

/**
 * A TCP segment from the backend, or an ICMP / ICMPv6 port unreachable quoting a UDP datagram; undefined
 * for anything else (other ICMP types, truncated packets).
 */
export function parseProbeReply(packet: Buffer): ProbeReply | undefined {
  let eth;
  try {
    eth = parseEth(packet);
  } catch {
    return undefined;
  }
  const p = eth.payload;
  let from: IpAddr;
  let proto: number;
  let l4: Buffer;
  if (eth.ethType === 0x0800 && p.length >= 20 && p[0]! >> 4 === 4) {
    const ihl = (p[0]! & 0xf) * 4;
    from = { family: 4, value: p.readUInt32BE(12) };
    proto = p[9]!;
    l4 = p.subarray(ihl, Math.max(ihl, Math.min(p.length, p.readUInt16BE(2))));
  } else if (eth.ethType === 0x86dd && p.length >= 40) {
    from = { family: 6, value: BigInt('0x' + p.subarray(8, 24).toString('hex')) };
    proto = p[6]!;
    l4 = p.subarray(40);
  } else return undefined;

  if (proto === 6) {
    if (l4.length < 20) return undefined;
    return {
      kind: 'tcp',
      from,
      srcPort: l4.readUInt16BE(0),
      dstPort: l4.readUInt16BE(2),
      seq: l4.readUInt32BE(4),
      ack: l4.readUInt32BE(8),
      flags: l4.readUInt16BE(12) & 0x1ff,
    };
  }
  // The quoted datagram: its UDP header says which probe (our source port, the monitored port).
  let quotedUdp: Buffer | undefined;
  if (proto === 1 && l4.length >= 8 && l4[0] === 3 && l4[1] === 3) {
    const q = l4.subarray(8);
    if (q.length >= 20 && q[9] === 17) quotedUdp = q.subarray((q[0]! & 0xf) * 4);
  } else if (proto === 58 && l4.length >= 8 && l4[0] === 1 && l4[1] === 4) {
    const q = l4.subarray(8);
    if (q.length >= 40 && q[6] === 17) quotedUdp = q.subarray(40);
  }
  if (!quotedUdp || quotedUdp.length < 8) return undefined;
  return { kind: 'udp-unreachable', from, srcPort: quotedUdp.readUInt16BE(0), dstPort: quotedUdp.readUInt16BE(2) };
}
