// Who is where: local OpenFlow ports from table 0 (ofport → datapath key + logical port key), tunnel ports,
// and, when SB rows are given, the logical names, addresses, routers, load balancers and gateways.
import { ipv4, ipv6, mac, type Flow } from '@ovnts/openflow';
import type { SbContext, SbPortBinding } from './sb.js';

/** OVN's physical-to-logical table. */
export const TABLE_PHY_TO_LOG = 0;

export interface LocalPort {
  readonly ofport: number;
  readonly dpKey: number;
  readonly portKey: number;
  readonly cookie: bigint;
}

export interface LogicalPort {
  readonly name: string;
  readonly type: string;
  readonly dpKey: number;
  readonly portKey: number;
  readonly dpName: string;
  readonly mac?: bigint;
  readonly ips: readonly { readonly ip: bigint; readonly prefix: number }[];
  readonly ip6s: readonly { readonly ip: bigint; readonly prefix: number }[];
  readonly options: Readonly<Record<string, string>>;
  readonly chassis: string | null;
  /** Set when the port is a VIF bound on this bridge, or a localnet port with an entry on it. */
  readonly ofport?: number;
  /** A localnet port's VLAN tag on this bridge. */
  readonly vlan?: number;
  /** The SB datapath row, to relate logical flows. */
  readonly dpUuid?: string;
}

export interface Topology {
  readonly local: readonly LocalPort[];
  /** Localnet ports' entries on this bridge (patch ports from the physical bridges), untagged or tagged. */
  readonly localnets: readonly (LocalPort & { readonly vlan?: number })[];
  readonly tunnelPorts: ReadonlySet<number>;
  readonly ports: readonly LogicalPort[];
  readonly byName: ReadonlyMap<string, LogicalPort>;
  readonly sb?: SbContext;
}

function setsOf(f: Flow): { metadata?: bigint; reg14?: bigint } {
  const out: { metadata?: bigint; reg14?: bigint } = {};
  for (const a of f.actions)
    if (a.type === 'set_field' && (a.field === 'metadata' || a.field === 'reg14') && a.mask === undefined)
      out[a.field] = a.value;
  return out;
}

/** Local ports, localnet entries and tunnel ports from table 0. */
export function localPorts(flows: readonly Flow[]): {
  local: LocalPort[];
  tunnelPorts: Set<number>;
  localnets: (LocalPort & { vlan?: number })[];
} {
  const local = new Map<number, LocalPort>();
  const localnets = new Map<string, LocalPort & { vlan?: number }>();
  const tunnelPorts = new Set<number>();
  for (const f of flows) {
    if (f.table !== TABLE_PHY_TO_LOG) continue;
    const inPort = f.match.find((e) => e.field === 'in_port');
    if (!inPort) continue;
    const port = Number(inPort.value);
    if (
      f.actions.some((a) => a.type === 'move' && a.src.field === 'tun_id') ||
      f.match.some((e) => e.field.startsWith('tun_'))
    ) {
      tunnelPorts.add(port);
      continue;
    }
    // A VIF's table-0 flow matches only in_port and loads the datapath and the logical inport.
    const s = setsOf(f);
    const onlyInPort = f.match.every((e) => e.field === 'in_port');
    if (onlyInPort && s.metadata !== undefined && s.reg14 !== undefined && !local.has(port))
      local.set(port, { ofport: port, dpKey: Number(s.metadata), portKey: Number(s.reg14), cookie: f.cookie ?? 0n });
    // A localnet port's entry matches in_port plus its VLAN (untagged: vlan_tci=0/0x1000, tagged: dl_vlan).
    const vlanOnly = f.match.every((e) => ['in_port', 'vlan_tci', 'vlan_vid'].includes(e.field));
    // dl_vlan=N reads as vlan_vid=0x1000|N; N=0 is OVN's priority-tagged variant of the untagged entry.
    const vid = f.match.find((e) => e.field === 'vlan_vid' && e.mask === undefined);
    const dlVlan = vid && (vid.value & 0xfffn) !== 0n ? { value: vid.value & 0xfffn } : undefined;
    const untagged = f.match.some((e) => e.field === 'vlan_tci' && e.value === 0n && e.mask === 0x1000n);
    if (!onlyInPort && vlanOnly && (untagged || dlVlan) && s.metadata !== undefined && s.reg14 !== undefined) {
      const key = `${s.metadata}/${s.reg14}`;
      if (!localnets.has(key) || untagged)
        localnets.set(key, {
          ofport: port,
          dpKey: Number(s.metadata),
          portKey: Number(s.reg14),
          cookie: f.cookie ?? 0n,
          ...(dlVlan && !untagged ? { vlan: Number(dlVlan.value) } : {}),
        });
    }
  }
  return {
    local: [...local.values()].sort((a, b) => a.ofport - b.ofport),
    tunnelPorts,
    localnets: [...localnets.values()].sort((a, b) => a.ofport - b.ofport || a.dpKey - b.dpKey),
  };
}

type Addr = { ip: bigint; prefix: number };

/** "MAC IP/prefix IP6/prefix …" → the MAC, IPv4 and IPv6 addresses. */
export function parseAddresses(text: string | undefined): { mac?: bigint; ips: Addr[]; ip6s: Addr[] } {
  const ips: Addr[] = [];
  const ip6s: Addr[] = [];
  let m: bigint | undefined;
  for (const tok of (text ?? '').split(/\s+/)) {
    if (/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(tok)) m ??= mac(tok);
    else {
      const v4 = /^(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?$/.exec(tok);
      if (v4) ips.push({ ip: ipv4(v4[1]!), prefix: v4[2] ? Number(v4[2]) : 32 });
      const v6 = /^([0-9a-f:.]*:[0-9a-f:.]*)(?:\/(\d+))?$/i.exec(tok);
      if (v6) {
        try {
          ip6s.push({ ip: ipv6(v6[1]!), prefix: v6[2] ? Number(v6[2]) : 128 });
        } catch {
          // not an address after all (e.g. a stray token); ignore like ovn-northd's parser would reject it
        }
      }
    }
  }
  return m === undefined ? { ips, ip6s } : { mac: m, ips, ip6s };
}

/** The EUI-64 link-local address OVN gives every port with a MAC (fe80::/64). */
export function linkLocal(m: bigint): bigint {
  const hi = (m >> 24n) ^ 0x020000n; // flip the universal/local bit of the first octet
  const lo = m & 0xffffffn;
  return (0xfe80n << 112n) | (hi << 40n) | (0xfffen << 24n) | lo;
}

export function buildTopology(flows: readonly Flow[], sb?: SbContext): Topology {
  const { local, tunnelPorts, localnets } = localPorts(flows);
  const ofportOf = new Map(local.map((l) => [`${l.dpKey}/${l.portKey}`, l.ofport]));
  const lnOf = new Map(localnets.map((l) => [`${l.dpKey}/${l.portKey}`, l]));
  const ports: LogicalPort[] = [];
  if (sb) {
    const dps = new Map(sb.datapaths.map((d) => [d._uuid as string, d]));
    for (const pb of sb.portBindings) {
      const dp = dps.get(pb.datapath as string);
      if (!dp) continue;
      const addr = parseAddresses(addressText(pb));
      const key = `${dp.tunnel_key}/${pb.tunnel_key}`;
      const ln = pb.type === 'localnet' ? lnOf.get(key) : undefined;
      const ofport = ofportOf.get(key) ?? ln?.ofport;
      ports.push({
        name: pb.logical_port,
        type: pb.type,
        dpKey: dp.tunnel_key,
        portKey: pb.tunnel_key,
        dpName: dp.external_ids['name'] ?? `dp${dp.tunnel_key}`,
        ...(addr.mac !== undefined ? { mac: addr.mac } : {}),
        ips: addr.ips,
        ip6s: addr.ip6s,
        options: pb.options,
        chassis: (pb.chassis as string | null) ?? null,
        ...(ofport !== undefined ? { ofport } : {}),
        ...(ln?.vlan !== undefined ? { vlan: ln.vlan } : {}),
        dpUuid: dp._uuid as string,
      });
    }
    // Name order everywhere: the SB's row order is not stable across runs.
    ports.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } else {
    // Without SB: name ports after their keys; addresses are unknown, so only port-local classes run.
    for (const l of local)
      ports.push({
        name: `dp${l.dpKey}:port${l.portKey}`,
        type: '',
        dpKey: l.dpKey,
        portKey: l.portKey,
        dpName: `dp${l.dpKey}`,
        ips: [],
        ip6s: [],
        options: {},
        chassis: null,
        ofport: l.ofport,
      });
  }
  return {
    local,
    localnets,
    tunnelPorts,
    ports,
    byName: new Map(ports.map((p) => [p.name, p])),
    ...(sb ? { sb } : {}),
  };
}

function addressText(pb: SbPortBinding): string | undefined {
  // VIFs: "MAC IP…"; router ports (LRP bindings): "MAC IP/len…".
  return pb.mac[0];
}
