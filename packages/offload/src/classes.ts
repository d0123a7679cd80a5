// Traffic classes per local logical port, each a representative packet (as OpenFlow field values) that the
// translator follows. Classes needing addresses or peers are only built when the SB context provides them.
import { ipv4, type FieldName } from '@ovnts/openflow';
import { linkLocal, type LogicalPort, type Topology } from './topology.js';
import type { FlowTables } from './xlate/tables.js';

import { translate } from './xlate/xlate.js';
import { PacketState } from './xlate/state.js';

export const CLASS_IDS = [
  'l2',
  'acl-conntrack',
  'routed',
  'lb-vip',
  'snat-out',
  'dnat-in',
  'oversize',
  'unresolved-nexthop',
  'arp-router',
  'arp-vm',
  'nd-router',
  'nd-vm',
  'icmp-router',
  'dhcp',
  'broadcast',
  'multicast',
  'to-tunnel',
  'from-tunnel',
] as const;
export type ClassId = (typeof CLASS_IDS)[number];

export const CLASS_TITLES: Readonly<Record<ClassId, string>> = {
  l2: 'L2, same switch (UDP)',
  'acl-conntrack': 'TCP connection the ACLs allow, same switch (ACL conntrack)',
  routed: 'routed to another switch',
  'lb-vip': 'to a load-balancer VIP',
  'snat-out': 'north-south out to an external host (SNAT), reply: un-SNAT return',
  'dnat-in': 'north-south in from an external host to a DNAT/floating IP, reply: un-DNAT out',
  oversize: 'oversize packet out through the gateway (gateway_mtu)',
  'unresolved-nexthop': 'to an external address whose next hop has no MAC binding',
  'arp-router': 'ARP request for the router IP',
  'arp-vm': "ARP request for a VM's address",
  'nd-router': 'IPv6 neighbour solicitation for the router',
  'nd-vm': 'IPv6 neighbour solicitation for a VM',
  'icmp-router': 'ICMP echo to the router IP',
  dhcp: 'DHCP discover',
  broadcast: 'broadcast (flood, UDP)',
  multicast: 'IPv4 multicast (UDP, flooded without IGMP snooping)',
  'to-tunnel': 'to a port on another chassis (tunnel)',
  'from-tunnel': 'from a port on another chassis (tunnel)',
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
  /** Tells apart several classes of one kind on one port (an LB's VIP). */
  readonly target?: string;
}

const ETH_IP = 0x0800n;
const ICMP = 1n;
const TCP = 6n;
const UDP = 17n;
const BROADCAST = 0xffffffffffffn;
/** Outer addresses for packets from a tunnel: OVN's flows never match them, so TEST-NET placeholders do. */
const TUN_REMOTE = 0xc0000202n;
const TUN_LOCAL = 0xc0000201n;
const MAX_VIPS_PER_PORT = 8;
const MAX_ACL_PORTS = 8;
const DEFAULT_TCP_PORT = 80;

function pkt(entries: Record<string, bigint | number>): Packet {
  return new Map(Object.entries(entries).map(([k, v]) => [k as FieldName, BigInt(v)]));
}

const ip = (p: LogicalPort | undefined) => p?.ips[0]?.ip;
const isVif = (p: LogicalPort) => p.type === '' && p.mac !== undefined && p.ips.length > 0;
const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const fmtIp6 = (v: bigint) =>
  Array.from({ length: 8 }, (_, i) => ((v >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');
const fmtIp = (v: bigint) => [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join('.');
const IPV4_RE = /^\d+\.\d+\.\d+\.\d+$/;

/** Router-facing switch port types: distributed routers (patch) and gateway routers (l3gateway). */
const ROUTER_LINK = new Set(['patch', 'l3gateway']);

/** The router ports (LRP bindings) a switch connects to, by name. */
function routerPortsOf(topo: Topology, dpKey: number): LogicalPort[] {
  return topo.ports
    .filter((p) => p.dpKey === dpKey && ROUTER_LINK.has(p.type) && p.options['peer'])
    .map((lsp) => topo.byName.get(lsp.options['peer']!))
    .filter((lrp): lrp is LogicalPort => !!lrp && lrp.mac !== undefined)
    .sort(byName);
}

/** Switch-side peer of a router port. */
function switchOf(topo: Topology, lrp: LogicalPort): LogicalPort | undefined {
  const peer = lrp.options['peer'];
  return peer ? topo.byName.get(peer) : undefined;
}

/** How north-south traffic leaves through this router: a gateway router or a distributed gateway port. */
function gatewayKind(lrp: LogicalPort): string {
  if (lrp.type === 'l3gateway' || lrp.options['l3gateway-chassis']) return `gateway router ${lrp.dpName}`;
  if (lrp.options['chassis-redirect-port']) return `distributed gateway port ${lrp.name}`;
  return `router ${lrp.dpName}`;
}

interface ExternalPort {
  readonly lrp: LogicalPort;
  readonly localnet: LogicalPort;
}

/** Router ports whose switch reaches a physical network (has a localnet port with an entry on this bridge). */
function externalPorts(topo: Topology, routerDp: number, except: LogicalPort): ExternalPort[] {
  const out: ExternalPort[] = [];
  for (const lrp of topo.ports
    .filter((p) => p.dpKey === routerDp && p !== except && ROUTER_LINK.has(p.type))
    .sort(byName)) {
    const lsp = switchOf(topo, lrp);
    if (!lsp || lrp.mac === undefined || lrp.ips.length === 0) continue;
    const ln = topo.ports.find((p) => p.dpKey === lsp.dpKey && p.type === 'localnet' && p.ofport !== undefined);
    if (ln) out.push({ lrp, localnet: ln });
  }
  return out;
}

/** Known neighbours of a router port (MAC_Binding / Static_MAC_Binding), by address. */
function neighboursOf(topo: Topology, lrp: LogicalPort): { ip: bigint; mac: bigint }[] {
  const seen = new Map<bigint, bigint>();
  for (const b of topo.sb?.macBindings ?? []) {
    if (b.logical_port !== lrp.name || !IPV4_RE.test(b.ip)) continue;
    const m = /^([0-9a-f]{2}(:[0-9a-f]{2}){5})$/i.exec(b.mac);
    if (m) seen.set(ipv4(b.ip), BigInt(`0x${m[1]!.replace(/:/g, '')}`));
  }
  return [...seen.entries()]
    .map(([i, m]) => ({ ip: i, mac: m }))
    .sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
}

interface Nat {
  /** SNAT: external address and the logical network it covers; DNAT: external and logical address. */
  readonly kind: 'snat' | 'dnat';
  readonly external: bigint;
  readonly logical: bigint;
  readonly prefix: number;
}

/** NAT rules of a router, read from its logical flows (the SB has no NAT table). */
function natsOf(topo: Topology, routerDpUuid: string | undefined): Nat[] {
  if (!routerDpUuid) return [];
  const out: Nat[] = [];
  for (const lf of topo.sb?.logicalFlows ?? []) {
    if ((lf.logical_datapath as string | null | undefined) !== routerDpUuid) continue;
    const stage = lf.external_ids['stage-name'];
    if (stage === 'lr_out_snat') {
      const ext = /ct_snat(?:_in_czone)?\((\d+\.\d+\.\d+\.\d+)\)/.exec(lf.actions);
      const src = /ip4\.src == (\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?/.exec(lf.match);
      if (ext && src)
        out.push({ kind: 'snat', external: ipv4(ext[1]!), logical: ipv4(src[1]!), prefix: Number(src[2] ?? 32) });
    } else if (stage === 'lr_in_dnat') {
      const to = /ct_dnat(?:_in_czone)?\((\d+\.\d+\.\d+\.\d+)\)/.exec(lf.actions);
      const dst = /ip4\.dst == (\d+\.\d+\.\d+\.\d+)(?![\d/])/.exec(lf.match);
      if (to && dst) out.push({ kind: 'dnat', external: ipv4(dst[1]!), logical: ipv4(to[1]!), prefix: 32 });
    }
  }
  const key = (n: Nat) => `${n.kind}/${n.external}/${n.logical}/${n.prefix}`;
  return [...new Map(out.map((n) => [key(n), n])).values()].sort((a, b) =>
    a.kind !== b.kind
      ? a.kind < b.kind
        ? -1
        : 1
      : a.external < b.external
        ? -1
        : a.external > b.external
          ? 1
          : b.prefix - a.prefix,
  );
}

const inNet = (addr: bigint, net: bigint, prefix: number) => {
  const mask = prefix === 0 ? 0n : ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - prefix)) - 1n);
  return (addr & mask) === (net & mask);
};

/** The address a VM's traffic leaves with: its DNAT-and-SNAT address, else the most specific SNAT. */
function snatFor(nats: readonly Nat[], vmIp: bigint): bigint | undefined {
  const cover = nats
    .filter((n) => n.kind === 'snat' && inNet(vmIp, n.logical, n.prefix))
    .sort((a, b) => b.prefix - a.prefix);
  return cover[0]?.external;
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
  return out.sort((a, b) =>
    a.vip !== b.vip ? (a.vip < b.vip ? -1 : 1) : a.port - b.port || Number(a.proto - b.proto),
  );
}

/** Does the switch carry user ACLs (ls_in_acl / ls_out_acl flows at ACL priorities)? And their L4 ports. */
function aclsOf(
  topo: Topology,
  dpUuid: string | undefined,
): { any: boolean; ports: { proto: bigint; port: number }[] } {
  const ports = new Map<string, { proto: bigint; port: number }>();
  let any = false;
  for (const lf of topo.sb?.logicalFlows ?? []) {
    const stage = lf.external_ids['stage-name'];
    if (stage !== 'ls_in_acl' && stage !== 'ls_out_acl') continue;
    if ((lf.logical_datapath as string | null | undefined) !== dpUuid) continue;
    // OVN puts an ACL of priority p at 1000 + p (p ≤ 32767); above are OVN's own flows.
    if (lf.priority < 1000 || lf.priority > 33767) continue;
    any = true;
    if (/\bdrop\b|\breject\b/.test(lf.actions)) continue;
    for (const m of lf.match.matchAll(/\b(tcp|udp)\.dst == (\d+)/g))
      ports.set(`${m[1]}/${m[2]}`, { proto: m[1] === 'tcp' ? TCP : UDP, port: Number(m[2]) });
    if (/\bicmp4?\b/.test(lf.match) && !/\b(tcp|udp)\b/.test(lf.match)) ports.set('icmp/0', { proto: ICMP, port: 0 });
  }
  const list = [...ports.values()].sort((a, b) => Number(a.proto - b.proto) || a.port - b.port);
  return { any, ports: list };
}

/** Does the translation deliver the packet to `peer` (its port, or a tunnel), as a new and as an established connection? */
function delivers(tables: FlowTables, topo: Topology, packet: Packet, peer: LogicalPort): boolean {
  const want = peer.ofport !== undefined ? new Set([String(peer.ofport)]) : new Set([...topo.tunnelPorts].map(String));
  return (['new', 'est'] as const).every((scenario) =>
    translate(tables, new PacketState(packet), { scenario, tunnelPorts: topo.tunnelPorts }).some((p) =>
      p.actions.some((a) => a.kind === 'output' && a.port !== undefined && want.has(a.port)),
    ),
  );
}

/** Candidate L4 destinations: the allow ACLs' ports (bounded), then TCP 80. */
function aclPorts(acls: { ports: readonly { proto: bigint; port: number }[] }): { proto: bigint; port: number }[] {
  return [...acls.ports.slice(0, MAX_ACL_PORTS), { proto: TCP, port: DEFAULT_TCP_PORT }];
}

interface Candidate<X> {
  readonly peer: LogicalPort;
  readonly wanted: readonly { proto: bigint; port: number }[];
  readonly packet: (proto: bigint, port: number) => Packet;
  readonly extra: X;
}

/** The first (peer, port) in order whose packet the tables deliver; else the very first candidate. */
function pickAllowed<X>(
  tables: FlowTables | undefined,
  topo: Topology,
  candidates: readonly Candidate<X>[],
): { peer: LogicalPort; proto: bigint; port: number; packet: Packet; extra: X; allowed: boolean } | undefined {
  let first: { peer: LogicalPort; proto: bigint; port: number; packet: Packet; extra: X; allowed: boolean } | undefined;
  for (const c of candidates)
    for (const w of c.wanted) {
      const packet = c.packet(w.proto, w.port);
      const hit = { peer: c.peer, ...w, packet, extra: c.extra };
      if (!tables || delivers(tables, topo, packet, c.peer)) return { ...hit, allowed: true };
      first ??= { ...hit, allowed: false };
    }
  return first;
}

const describeL4 = (c: { proto: bigint; port: number }) =>
  c.proto === ICMP ? 'icmp echo' : `${c.proto === TCP ? 'tcp' : 'udp'}:${c.port}`;

function l4(proto: bigint, src: number, dst: number): Record<string, number> {
  if (proto === TCP) return { nw_proto: 6, tcp_src: src, tcp_dst: dst };
  if (proto === UDP) return { nw_proto: 17, udp_src: src, udp_dst: dst };
  return { nw_proto: 1, icmp_type: 8, icmp_code: 0 };
}

/** The last host address of a network that is none of `taken` (a deterministic unknown neighbour). */
function unusedHost(net: bigint, prefix: number, taken: ReadonlySet<bigint>): bigint | undefined {
  if (prefix >= 31) return undefined;
  const size = 1n << BigInt(32 - prefix);
  const base = net & ~(size - 1n) & 0xffffffffn;
  for (let h = size - 2n; h >= 1n && h > size - 64n; h--) if (!taken.has(base + h)) return base + h;
  return undefined;
}

/** All classes for every VIF bound on this bridge; `tables` lets the ACL class pick a packet the ACLs allow. */
export function buildClasses(topo: Topology, tables?: FlowTables): TrafficClass[] {
  const out: TrafficClass[] = [];
  const dpUuidByKey = new Map((topo.sb?.datapaths ?? []).map((d) => [d.tunnel_key, d._uuid as string]));
  const sources = [...topo.ports].filter((p) => p.ofport !== undefined).sort(byName);
  for (const src of sources) {
    if (!topo.sb) {
      // Without SB the addresses are unknown: only the class that needs none (a placeholder MAC, as a DHCP
      // client without port security would send).
      out.push({
        id: 'dhcp',
        port: src.name,
        description: `${CLASS_TITLES.dhcp}: discover (broadcast, placeholder MAC)`,
        packet: pkt({
          in_port: src.ofport!,
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
    const base = { in_port: src.ofport!, eth_src: src.mac!, nw_ttl: 64 };
    const ipBase = { ...base, eth_type: ETH_IP, ip_src: srcIp };
    const add = (
      id: ClassId,
      detail: string,
      packet: Packet,
      more: { branch?: 'gt'; reply?: Packet; target?: string } = {},
    ) => out.push({ id, port: src.name, description: `${CLASS_TITLES[id]}: ${detail}`, packet, ...more });
    /** A packet from a local VIF back to `src` (the reverse direction of an established connection). */
    const back = (
      from: LogicalPort,
      ethDst: bigint,
      proto: bigint,
      sport: number,
      dport: number,
    ): Packet | undefined =>
      from.ofport === undefined
        ? undefined
        : pkt({
            in_port: from.ofport,
            eth_src: from.mac!,
            eth_dst: ethDst,
            eth_type: ETH_IP,
            ip_src: ip(from)!,
            ip_dst: srcIp,
            nw_ttl: 64,
            ...l4(proto, dport, sport),
          });

    const sameSwitch = topo.ports.filter((p) => p !== src && p.dpKey === src.dpKey && isVif(p)).sort(byName);
    const localPeer = sameSwitch.find((p) => p.ofport !== undefined);
    const remotePeer = sameSwitch.find(
      (p) => p.ofport === undefined && p.chassis !== null && p.chassis !== src.chassis,
    );
    if (localPeer) {
      add(
        'l2',
        `→ ${localPeer.name}`,
        pkt({ ...ipBase, eth_dst: localPeer.mac!, ip_dst: ip(localPeer)!, ...l4(UDP, 40000, 5000) }),
      );
    }
    // ACL conntrack: a connection the ACLs allow, to a peer and port taken from the ACLs, checked on the tables.
    const acls = aclsOf(topo, dpUuidByKey.get(src.dpKey));
    if (acls.any || !topo.sb.logicalFlows) {
      const peers = [...sameSwitch.filter((p) => p.ofport !== undefined), ...(remotePeer ? [remotePeer] : [])];
      const c = pickAllowed(
        tables,
        topo,
        peers.map((peer) => ({
          peer,
          wanted: aclPorts(acls),
          packet: (proto: bigint, port: number) =>
            pkt({ ...ipBase, eth_dst: peer.mac!, ip_dst: ip(peer)!, ...l4(proto, 40000, port) }),
          extra: undefined,
        })),
      );
      if (c) {
        const reply = back(c.peer, src.mac!, c.proto, 40000, c.port);
        add(
          'acl-conntrack',
          `→ ${c.peer.name} ${describeL4(c)}${c.allowed ? ' (allowed by the ACLs)' : ' (no candidate passes the ACLs)'}`,
          c.packet,
          reply ? { reply } : {},
        );
      }
    }
    if (remotePeer) {
      add(
        'to-tunnel',
        `→ ${remotePeer.name}`,
        pkt({ ...ipBase, eth_dst: remotePeer.mac!, ip_dst: ip(remotePeer)!, ...l4(UDP, 40000, 5000) }),
      );
      const tunnel = [...topo.tunnelPorts].sort((a, b) => a - b)[0];
      // OVN's Geneve encoding: VNI = datapath key, option 0x0102/0x80 = logical inport << 16 | outport.
      if (tunnel !== undefined)
        add(
          'from-tunnel',
          `${remotePeer.name} → (tunnel port ${tunnel})`,
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
            ...l4(UDP, 5000, 40000),
          }),
        );
    }
    // ARP / ND for a VM's address (the first other VIF on the switch, by name).
    const vmPeer = sameSwitch[0];
    if (vmPeer) {
      add(
        'arp-vm',
        `who-has ${fmtIp(ip(vmPeer)!)} (${vmPeer.name})`,
        pkt({
          ...base,
          eth_dst: BROADCAST,
          eth_type: 0x0806,
          arp_op: 1,
          arp_spa: srcIp,
          arp_tpa: ip(vmPeer)!,
          arp_sha: src.mac!,
        }),
      );
      const t6 = vmPeer.ip6s[0]?.ip ?? linkLocal(vmPeer.mac!);
      add('nd-vm', `who-has ${fmtIp6(t6)} (${vmPeer.name})`, ndPacket(base, src, t6));
    }

    const lrps = routerPortsOf(topo, src.dpKey);
    const gwLrp = lrps[0];
    if (gwLrp) {
      const rIp = gwLrp.ips[0]?.ip;
      if (rIp !== undefined) {
        add(
          'arp-router',
          `who-has ${fmtIp(rIp)} (${gwLrp.name})`,
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
        add(
          'icmp-router',
          `echo → ${fmtIp(rIp)} (${gwLrp.name})`,
          pkt({ ...ipBase, eth_dst: gwLrp.mac!, ip_dst: rIp, ...l4(ICMP, 0, 0) }),
        );
      }
      // ND for the router port's first IPv6 address (its link-local one when it has none).
      const r6 = gwLrp.ip6s[0]?.ip ?? linkLocal(gwLrp.mac!);
      add('nd-router', `who-has ${fmtIp6(r6)} (${gwLrp.name})`, ndPacket(base, src, r6));
      // Routed: the first VIF (by name, local ones first) on another switch of the same router.
      const routerDp = gwLrp.dpKey;
      const others = topo.ports.filter(
        (p) => p.dpKey === routerDp && p !== gwLrp && ROUTER_LINK.has(p.type) && p.mac !== undefined,
      );
      const dests = others
        .map((lrp) => ({ lrp, lsp: switchOf(topo, lrp) }))
        .flatMap(({ lrp, lsp }) =>
          lsp ? topo.ports.filter((p) => p.dpKey === lsp.dpKey && isVif(p)).map((p) => ({ p, lrp })) : [],
        )
        .sort((a, b) => Number(b.p.ofport !== undefined) - Number(a.p.ofport !== undefined) || byName(a.p, b.p));
      // The first destination (and port, from its switch's ACLs) that a connection reaches.
      const routedTo = pickAllowed(
        tables,
        topo,
        dests.map((d) => ({
          peer: d.p,
          wanted: aclPorts(aclsOf(topo, dpUuidByKey.get(d.p.dpKey))),
          packet: (proto: bigint, port: number) =>
            pkt({ ...ipBase, eth_dst: gwLrp.mac!, ip_dst: ip(d.p)!, ...l4(proto, 40000, port) }),
          extra: d.lrp,
        })),
      );
      if (routedTo) {
        const reply = back(routedTo.peer, routedTo.extra.mac!, routedTo.proto, 40000, routedTo.port);
        add(
          'routed',
          `→ ${routedTo.peer.name} ${describeL4(routedTo)} via ${gwLrp.name}${routedTo.allowed ? '' : ' (no candidate is delivered)'}`,
          routedTo.packet,
          reply ? { reply } : {},
        );
      }
      // North-south through each port of the router that reaches a physical network.
      const nats = natsOf(topo, gwLrp.dpUuid);
      for (const ext of externalPorts(topo, routerDp, gwLrp)) {
        const via = `${gatewayKind(ext.lrp)}, out ${ext.localnet.name}`;
        const fromOutside = (
          nbr: { ip: bigint; mac: bigint },
          dst: bigint,
          proto: bigint,
          sport: number,
          dport: number,
        ) =>
          pkt({
            in_port: ext.localnet.ofport!,
            ...(ext.localnet.vlan !== undefined ? { vlan_tci: 0x1000 | ext.localnet.vlan } : {}),
            eth_src: nbr.mac,
            eth_dst: ext.lrp.mac!,
            eth_type: ETH_IP,
            ip_src: nbr.ip,
            ip_dst: dst,
            nw_ttl: 64,
            ...l4(proto, sport, dport),
          });
        const nbr = neighboursOf(topo, ext.lrp)[0];
        if (nbr) {
          const snat = snatFor(nats, srcIp);
          const out1 = pkt({ ...ipBase, eth_dst: gwLrp.mac!, ip_dst: nbr.ip, ...l4(UDP, 40000, 5000) });
          add(
            'snat-out',
            `→ ${fmtIp(nbr.ip)} via ${via}${snat !== undefined ? `, SNAT to ${fmtIp(snat)}` : ', no SNAT'}; reply → ${fmtIp(snat ?? srcIp)}`,
            out1,
            { reply: fromOutside(nbr, snat ?? srcIp, UDP, 5000, 40000) },
          );
          add('oversize', `→ ${fmtIp(nbr.ip)} via ${via}, larger than the MTU check`, out1, { branch: 'gt' });
          for (const d of nats.filter((n) => n.kind === 'dnat' && n.logical === srcIp))
            add(
              'dnat-in',
              `${fmtIp(nbr.ip)} → ${fmtIp(d.external)} (DNAT to ${fmtIp(srcIp)}) via ${via}`,
              fromOutside(nbr, d.external, TCP, 40000, 80),
              {
                reply: pkt({ ...ipBase, eth_dst: gwLrp.mac!, ip_dst: nbr.ip, ...l4(TCP, 80, 40000) }),
              },
            );
        }
        const net = ext.lrp.ips[0]!;
        const taken = new Set<bigint>([
          ...ext.lrp.ips.map((a) => a.ip),
          ...neighboursOf(topo, ext.lrp).map((n) => n.ip),
          ...nats.map((n) => n.external),
        ]);
        const unknown = unusedHost(net.ip, net.prefix, taken);
        if (unknown !== undefined)
          add(
            'unresolved-nexthop',
            `→ ${fmtIp(unknown)} via ${via} (no MAC binding)`,
            pkt({ ...ipBase, eth_dst: gwLrp.mac!, ip_dst: unknown, ...l4(UDP, 40000, 5000) }),
          );
      }
    }
    // One class per VIP (bounded): LBs differ in how they pick a backend (dp_hash vs selection_fields).
    for (const vip of lbVipsFor(topo, dpUuidByKey.get(src.dpKey)).slice(0, MAX_VIPS_PER_PORT)) {
      // A peer MAC keeps the (un-NATed, as in ofproto/trace) packet on the switch; the router MAC would route the VIP.
      const dstMac = localPeer?.mac ?? gwLrp?.mac ?? BROADCAST;
      add(
        'lb-vip',
        `→ ${fmtIp(vip.vip)}:${vip.port}`,
        pkt({ ...ipBase, eth_dst: dstMac, ip_dst: vip.vip, ...l4(vip.proto, 40000, vip.port) }),
        { target: `${fmtIp(vip.vip)}:${vip.port}` },
      );
    }
    add(
      'dhcp',
      'discover (broadcast)',
      pkt({ ...base, eth_dst: BROADCAST, eth_type: ETH_IP, ip_src: 0, ip_dst: 0xffffffff, ...l4(UDP, 68, 67) }),
    );
    // The subnet's broadcast address (a VIF's address carries no prefix: take its router port's network).
    const net = lrps.flatMap((l) => l.ips).find((a) => inNet(srcIp, a.ip, a.prefix));
    const bcast = net ? srcIp | ((1n << BigInt(32 - net.prefix)) - 1n) : 0xffffffffn;
    add(
      'broadcast',
      `→ ${fmtIp(bcast)} (ff:ff:ff:ff:ff:ff)`,
      pkt({ ...ipBase, eth_dst: BROADCAST, ip_dst: bcast, ...l4(UDP, 40000, 5000) }),
    );
    // A site-local group no OVN flow names (224.0.0.x would be link-local control traffic).
    add(
      'multicast',
      '→ 239.255.0.1 (01:00:5e:7f:00:01)',
      pkt({ ...ipBase, eth_dst: 0x01005e7f0001n, ip_dst: 0xefff0001n, ...l4(UDP, 40000, 5000) }),
    );
  }
  return out;
}

/** A neighbour solicitation from `src` for `target`, to its solicited-node multicast address. */
function ndPacket(base: Record<string, bigint | number>, src: LogicalPort, target: bigint): Packet {
  const s6 = src.ip6s[0]?.ip ?? linkLocal(src.mac!);
  const solicited = 0xff0200000000000000000001ff000000n | (target & 0xffffffn);
  return pkt({
    ...base,
    nw_ttl: 255,
    eth_dst: 0x3333ff000000n | (target & 0xffffffn),
    eth_type: 0x86dd,
    nw_proto: 58,
    ipv6_src: s6,
    ipv6_dst: solicited,
    icmpv6_type: 135,
    icmpv6_code: 0,
    nd_target: target,
    nd_sll: src.mac!,
  });
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
  const tci = g('vlan_tci');
  if (tci !== undefined && tci & 0x1000n) parts.push(`dl_vlan=${tci & 0xfffn}`);
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
    for (const f of ['tcp_src', 'tcp_dst', 'udp_src', 'udp_dst', 'icmp_type', 'icmp_code'] as const)
      if (g(f) !== undefined) parts.push(`${f}=${g(f)}`);
  }
  return parts.join(',');
}
