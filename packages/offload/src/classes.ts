// Traffic classes per local logical port, each a representative packet (as OpenFlow field values) that the
// translator follows. Classes needing addresses or peers are only built when the SB context provides them.
import { ipv4, type FieldName } from '@ovnts/openflow';
import { linkLocal, type LogicalPort, type Topology } from './topology.js';
import type { FlowTables } from './xlate/tables.js';

export const CLASS_IDS = [
  'l2',
  'acl-conntrack',
  'routed',
  'lb-vip',
  'arp-router',
  'nd-router',
  'dhcp',
  'to-tunnel',
  'from-tunnel',
  'external-snat',
  'oversize',
] as const;
export type ClassId = (typeof CLASS_IDS)[number];

export const CLASS_TITLES: Readonly<Record<ClassId, string>> = {
  l2: 'L2, same switch (UDP)',
  'acl-conntrack': 'TCP connection, same switch (ACL conntrack)',
  routed: 'routed to another switch (TCP)',
  'lb-vip': 'to a load-balancer VIP',
  'arp-router': 'ARP request for the router IP',
  'nd-router': 'IPv6 neighbour solicitation for the router',
  dhcp: 'DHCP discover',
  'to-tunnel': 'to a port on another chassis (tunnel)',
  'from-tunnel': 'from a port on another chassis (tunnel)',
  'external-snat': 'to an external host through the gateway (SNAT, localnet)',
  oversize: 'oversize packet through the gateway (gateway_mtu)',
};

export type Packet = ReadonlyMap<FieldName, bigint>;

export interface TrafficClass {
  readonly id: ClassId;
  readonly port: string;
  readonly description: string;
  readonly packet: Packet;
  /** For `oversize`: judge only the check_pkt_len "greater" branch. */
  readonly branch?: 'gt';
  /** The established connection's reverse packet, where the other direction takes another path. */
  readonly reply?: Packet;
}

const ETH_IP = 0x0800n;
const TCP = 6n;
const UDP = 17n;
const BROADCAST = 0xffffffffffffn;
/** Outer addresses for packets from a tunnel: OVN's flows never match them, so TEST-NET placeholders do. */
const TUN_REMOTE = 0xc0000202n;
const TUN_LOCAL = 0xc0000201n;
const MAX_VIPS_PER_PORT = 8;

function pkt(entries: Record<string, bigint | number>): Packet {
  return new Map(Object.entries(entries).map(([k, v]) => [k as FieldName, BigInt(v)]));
}

const ip = (p: LogicalPort | undefined) => p?.ips[0]?.ip;
const isVif = (p: LogicalPort) => p.type === '' && p.mac !== undefined && p.ips.length > 0;
const fmtIp6 = (v: bigint) =>
  Array.from({ length: 8 }, (_, i) => ((v >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');
const fmtIp = (v: bigint) => [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join('.');

/** The router port (LRP binding) a switch connects to, via its router-type LSP. */
function routerPortsOf(topo: Topology, dpKey: number): LogicalPort[] {
  return topo.ports
    .filter((p) => p.dpKey === dpKey && p.type === 'patch' && p.options['peer'])
    .map((lsp) => topo.byName.get(lsp.options['peer']!))
    .filter((lrp): lrp is LogicalPort => !!lrp && lrp.mac !== undefined);
}

/** Switch-side peer of a router port. */
function switchOf(topo: Topology, lrp: LogicalPort): LogicalPort | undefined {
  const peer = lrp.options['peer'];
  return peer ? topo.byName.get(peer) : undefined;
}

function lbVipsFor(topo: Topology, dpUuid: string | undefined): { vip: bigint; port: number; proto: bigint }[] {
  const sb = topo.sb;
  if (!sb || !dpUuid) return [];
  const groups = new Map((sb.dpGroups ?? []).map((g) => [g._uuid as string, g.datapaths as readonly string[]]));
  const out: { vip: bigint; port: number; proto: bigint }[] = [];
  for (const lb of sb.loadBalancers ?? []) {
    const dps = new Set<string>([
      ...(lb.datapaths as readonly string[]),
      ...(lb.datapath_group ? (groups.get(lb.datapath_group as string) ?? []) : []),
    ]);
    if (!dps.has(dpUuid)) continue;
    for (const key of Object.keys(lb.vips)) {
      const m = /^(\d+\.\d+\.\d+\.\d+)(?::(\d+))?$/.exec(key);
      if (m) out.push({ vip: ipv4(m[1]!), port: Number(m[2] ?? 0), proto: lb.protocol === 'udp' ? UDP : TCP });
    }
  }
  return out;
}

/** All classes for every VIF bound on this bridge. */
export function buildClasses(topo: Topology, tables?: FlowTables): TrafficClass[] {
  const out: TrafficClass[] = [];
  const dpUuidByKey = new Map((topo.sb?.datapaths ?? []).map((d) => [d.tunnel_key, d._uuid as string]));
  for (const src of topo.ports) {
    if (src.ofport === undefined) continue;
    if (!topo.sb) {
      // Without SB the addresses are unknown: only the class that needs none (a placeholder MAC, as a DHCP
      // client without port security would send).
      out.push({
        id: 'dhcp',
        port: src.name,
        description: `${CLASS_TITLES.dhcp}: discover (broadcast, placeholder MAC)`,
        packet: pkt({
          in_port: src.ofport,
          eth_src: 0x020000000001n,
          eth_dst: BROADCAST,
          eth_type: ETH_IP,
          ip_src: 0,
          ip_dst: 0xffffffff,
          nw_ttl: 64,
          nw_proto: UDP,
          udp_src: 68,
          udp_dst: 67,
        }),
      });
      continue;
    }
    if (!isVif(src)) continue;
    const srcIp = ip(src)!;
    const base = { in_port: src.ofport, eth_src: src.mac!, nw_ttl: 64 };
    const ipBase = { ...base, eth_type: ETH_IP, ip_src: srcIp };
    const add = (id: ClassId, detail: string, packet: Packet, more: { branch?: 'gt'; reply?: Packet } = {}) =>
      out.push({ id, port: src.name, description: `${CLASS_TITLES[id]}: ${detail}`, packet, ...more });

    const sameSwitch = topo.ports.filter((p) => p !== src && p.dpKey === src.dpKey && isVif(p));
    const localPeer = sameSwitch.find((p) => p.ofport !== undefined);
    const remotePeer = sameSwitch.find(
      (p) => p.ofport === undefined && p.chassis !== null && p.chassis !== src.chassis,
    );
    if (localPeer) {
      add(
        'l2',
        `→ ${localPeer.name}`,
        pkt({
          ...ipBase,
          eth_dst: localPeer.mac!,
          ip_dst: ip(localPeer)!,
          nw_proto: UDP,
          udp_src: 40000,
          udp_dst: 5000,
        }),
      );
      add(
        'acl-conntrack',
        `→ ${localPeer.name}:80`,
        pkt({ ...ipBase, eth_dst: localPeer.mac!, ip_dst: ip(localPeer)!, nw_proto: TCP, tcp_src: 40000, tcp_dst: 80 }),
      );
    }
    if (remotePeer) {
      add(
        'to-tunnel',
        `→ ${remotePeer.name}`,
        pkt({
          ...ipBase,
          eth_dst: remotePeer.mac!,
          ip_dst: ip(remotePeer)!,
          nw_proto: UDP,
          udp_src: 40000,
          udp_dst: 5000,
        }),
      );
      const tunnel = [...topo.tunnelPorts].sort((a, b) => a - b)[0];
      // OVN's Geneve encoding: VNI = datapath key, option 0x0102/0x80 = logical inport << 16 | outport.
      if (tunnel !== undefined)
        add(
          'from-tunnel',
          `${remotePeer.name} →`,
          pkt({
            in_port: tunnel,
            tun_id: src.dpKey,
            tun_src: TUN_REMOTE,
            tun_dst: TUN_LOCAL,
            tun_metadata0: (BigInt(remotePeer.portKey) << 16n) | BigInt(src.portKey),
            eth_src: remotePeer.mac!,
            eth_dst: src.mac!,
            eth_type: ETH_IP,
            ip_src: ip(remotePeer)!,
            ip_dst: srcIp,
            nw_ttl: 64,
            nw_proto: UDP,
            udp_src: 5000,
            udp_dst: 40000,
          }),
        );
    }

    const lrps = routerPortsOf(topo, src.dpKey);
    const gwLrp = lrps[0];
    if (gwLrp) {
      const rIp = gwLrp.ips[0]?.ip;
      if (rIp !== undefined)
        add(
          'arp-router',
          `who-has ${fmtIp(rIp)}`,
          pkt({
            ...base,
            eth_dst: BROADCAST,
            eth_type: 0x0806,
            arp_op: 1,
            arp_spa: srcIp,
            arp_tpa: rIp,
            arp_sha: src.mac!,
          }),
        );
      // ND for the router port's first IPv6 address (its link-local one when it has none), from the VM's.
      const r6 = gwLrp.ip6s[0]?.ip ?? linkLocal(gwLrp.mac!);
      const s6 = src.ip6s[0]?.ip ?? linkLocal(src.mac!);
      const solicited = 0xff0200000000000000000001ff000000n | (r6 & 0xffffffn);
      add(
        'nd-router',
        `who-has ${fmtIp6(r6)}`,
        pkt({
          ...base,
          nw_ttl: 255,
          eth_dst: 0x3333ff000000n | (r6 & 0xffffffn),
          eth_type: 0x86dd,
          nw_proto: 58,
          ipv6_src: s6,
          ipv6_dst: solicited,
          icmpv6_type: 135,
          icmpv6_code: 0,
          nd_target: r6,
          nd_sll: src.mac!,
        }),
      );
      // Other switches on the same router.
      const routerDp = gwLrp.dpKey;
      const others = topo.ports.filter(
        (p) => p.dpKey === routerDp && p !== gwLrp && p.type === 'patch' && p.mac !== undefined,
      );
      const dest = others
        .map((lrp) => switchOf(topo, lrp))
        .flatMap((lsp) => (lsp ? topo.ports.filter((p) => p.dpKey === lsp.dpKey && isVif(p)) : []))
        .sort((a, b) => Number(b.ofport !== undefined) - Number(a.ofport !== undefined))[0];
      if (dest)
        add(
          'routed',
          `→ ${dest.name} via ${gwLrp.name}`,
          pkt({ ...ipBase, eth_dst: gwLrp.mac!, ip_dst: ip(dest)!, nw_proto: TCP, tcp_src: 40000, tcp_dst: 80 }),
        );
      // A gateway port (with a chassis-redirect port) and a known external neighbour.
      for (const lrp of others) {
        if (!lrp.options['chassis-redirect-port']) continue;
        const nb = (topo.sb?.macBindings ?? []).find(
          (b) => b.logical_port === lrp.name && /^\d+\.\d+\.\d+\.\d+$/.test(b.ip),
        );
        if (!nb) continue;
        const ext = {
          ...ipBase,
          eth_dst: gwLrp.mac!,
          ip_dst: ipv4(nb.ip),
          nw_proto: UDP,
          udp_src: 40000,
          udp_dst: 5000,
        };
        add('external-snat', `→ ${nb.ip} via ${lrp.name}`, pkt(ext));
        add('oversize', `→ ${nb.ip} via ${lrp.name}, larger than the MTU check`, pkt(ext), { branch: 'gt' });
        break;
      }
    }
    // One class per VIP (bounded): LBs differ in how they pick a backend (dp_hash vs selection_fields).
    for (const vip of lbVipsFor(topo, dpUuidByKey.get(src.dpKey)).slice(0, MAX_VIPS_PER_PORT)) {
      // A peer MAC keeps the (un-NATed, as in ofproto/trace) packet on the switch; the router MAC would route the VIP.
      const dstMac = localPeer?.mac ?? gwLrp?.mac ?? BROADCAST;
      const l4: Record<string, number> =
        vip.proto === UDP ? { udp_src: 40000, udp_dst: vip.port } : { tcp_src: 40000, tcp_dst: vip.port };
      add(
        'lb-vip',
        `→ ${fmtIp(vip.vip)}:${vip.port}`,
        pkt({ ...ipBase, eth_dst: dstMac, ip_dst: vip.vip, nw_proto: vip.proto, ...l4 }),
      );
    }
    add(
      'dhcp',
      'discover (broadcast)',
      pkt({
        ...base,
        eth_dst: BROADCAST,
        eth_type: ETH_IP,
        ip_src: 0,
        ip_dst: 0xffffffff,
        nw_proto: UDP,
        udp_src: 68,
        udp_dst: 67,
      }),
    );
  }
  return out;
}

/** The packet as an `ofproto/trace` flow string, so the real datapath can be asked the same question. */
export function traceFlow(p: Packet): string {
  const g = (f: FieldName) => p.get(f);
  const macs = (v: bigint) =>
    v
      .toString(16)
      .padStart(12, '0')
      .replace(/(..)(?!$)/g, '$1:');
  const parts: string[] = [];
  const ethType = g('eth_type');
  const proto = g('nw_proto');
  if (ethType === 0x0806n) parts.push('arp');
  else if (ethType === 0x86ddn)
    parts.push(proto === 58n ? 'icmp6' : proto === TCP ? 'tcp6' : proto === UDP ? 'udp6' : 'ipv6');
  else if (ethType === ETH_IP) parts.push(proto === TCP ? 'tcp' : proto === UDP ? 'udp' : proto === 1n ? 'icmp' : 'ip');
  parts.push(`in_port=${g('in_port') ?? 0n}`);
  if (g('tun_id') !== undefined) {
    parts.push(
      `tun_id=0x${g('tun_id')!.toString(16)}`,
      `tun_src=${fmtIp(g('tun_src') ?? 0n)}`,
      `tun_dst=${fmtIp(g('tun_dst') ?? 0n)}`,
    );
    if (g('tun_metadata0') !== undefined) parts.push(`tun_metadata0=0x${g('tun_metadata0')!.toString(16)}`);
  }
  if (g('eth_src') !== undefined) parts.push(`dl_src=${macs(g('eth_src')!)}`);
  if (g('eth_dst') !== undefined) parts.push(`dl_dst=${macs(g('eth_dst')!)}`);
  if (ethType === 0x0806n) {
    for (const f of ['arp_spa', 'arp_tpa'] as const) if (g(f) !== undefined) parts.push(`${f}=${fmtIp(g(f)!)}`);
    if (g('arp_op') !== undefined) parts.push(`arp_op=${g('arp_op')}`);
    if (g('arp_sha') !== undefined) parts.push(`arp_sha=${macs(g('arp_sha')!)}`);
  } else if (ethType === 0x86ddn) {
    parts.push(
      `ipv6_src=${fmtIp6(g('ipv6_src') ?? 0n)}`,
      `ipv6_dst=${fmtIp6(g('ipv6_dst') ?? 0n)}`,
      `nw_ttl=${g('nw_ttl') ?? 64n}`,
    );
    if (proto === 58n) {
      parts.push(`icmpv6_type=${g('icmpv6_type') ?? 0n}`, `icmpv6_code=${g('icmpv6_code') ?? 0n}`);
      if (g('nd_target') !== undefined) parts.push(`nd_target=${fmtIp6(g('nd_target')!)}`);
      if (g('nd_sll') !== undefined) parts.push(`nd_sll=${macs(g('nd_sll')!)}`);
    }
  } else if (ethType === ETH_IP) {
    parts.push(
      `nw_src=${fmtIp(g('ip_src') ?? 0n)}`,
      `nw_dst=${fmtIp(g('ip_dst') ?? 0n)}`,
      `nw_ttl=${g('nw_ttl') ?? 64n}`,
    );
    for (const f of ['tcp_src', 'tcp_dst', 'udp_src', 'udp_dst'] as const)
      if (g(f) !== undefined) parts.push(`${f}=${g(f)}`);
  }
  return parts.join(',');
}
