// The chassis-local view of the southbound DB: which datapaths are local, which ports are bound here (with
// their OpenFlow port), which live on other chassis (and the tunnel that reaches them). Pure: built from an
// SB snapshot and the local OVS state, consumed by the physical and logical flow builders.
import type { Uuid } from 'ovsdb-client-ts';
import type { DatapathBinding, PortBinding, Chassis } from '@ovnts/schema/sb';
import { isHaMember, orderedMembers } from './bfd.js';
import type { TunnelType } from './tunnel-encap.js';

import type { SbSnapshot } from './snapshots.js';
export type { SbSnapshot };

/** An OVS interface on the integration bridge, as far as OVN cares. */
export interface OvsIface {
  readonly name: string;
  readonly ofport: number;
  readonly type: string;
  readonly ifaceId?: string;
  /** Tunnel ports we created: the remote chassis name (Port external_ids:ovn-chassis-id, before the `@`). */
  readonly tunnelChassis?: string;
  /** Localnet patch ports: the physical network (Port external_ids:ovn-localnet-port). */
  readonly localnetPort?: string;
  /** external_ids:encap-ip: the tunnel address other chassis should use for this port. */
  readonly encapIp?: string;
  /** external_ids:iface-id-ver: must match a port's options:iface-id-ver for the port to be bound here. */
  readonly ifaceIdVer?: string;
}

export interface LocalView {
  readonly chassisName: string;
  readonly chassis: Chassis | undefined;
  /** Datapaths with a port bound here, plus everything reachable from them over patch ports. */
  readonly localDps: ReadonlyMap<Uuid<'Datapath_Binding'>, DatapathBinding>;
  /** Port bindings of local datapaths, by datapath. */
  readonly portsByDp: ReadonlyMap<Uuid<'Datapath_Binding'>, readonly PortBinding[]>;
  readonly pbByName: ReadonlyMap<string, PortBinding>;
  /** VIFs bound to this chassis that have an OpenFlow port: pb uuid → ofport. */
  readonly localVifs: ReadonlyMap<Uuid<'Port_Binding'>, number>;
  /** Localnet ports of local datapaths that have a patch port to their physical bridge: pb uuid → ofport. */
  readonly localnet: ReadonlyMap<Uuid<'Port_Binding'>, number>;
  /** Ports bound to other chassis that we have a tunnel to: pb uuid → tunnel ofport. */
  readonly remotePorts: ReadonlyMap<Uuid<'Port_Binding'>, number>;
  /**
   * Ports of an HA chassis group with two or more gateways, not hosted here: pb uuid → the tunnels to the other
   * gateways, highest priority first. Output goes through an active_backup bundle over them, so the switch
   * itself moves to the next gateway when a tunnel's BFD session goes down.
   */
  readonly haRemotes: ReadonlyMap<Uuid<'Port_Binding'>, readonly number[]>;
  /** VIFs bound to other chassis on switches with a localnet port bridged here: pb uuid → that localnet port. */
  readonly viaLocalnet: ReadonlyMap<Uuid<'Port_Binding'>, PortBinding>;
  /** Tunnel ofports by remote chassis name. */
  readonly tunnels: ReadonlyMap<string, number>;
  /** Tunnel ofports whose type is VXLAN (the others are Geneve): what their header can carry. */
  readonly vxlanTunnels: ReadonlySet<number>;
  /** Chassisredirect ports bound here: pb uuid → the distributed (router) port they stand for. */
  readonly localRedirects: ReadonlyMap<Uuid<'Port_Binding'>, PortBinding>;
  /**
   * Multi-chassis ports of local datapaths (additional chassis set, e.g. during a live migration): pb uuid →
   * the tunnels to each of its chassis but this one, main first. Traffic to such a port goes to all of them
   * (and is delivered here too when it is bound here); it never takes a localnet port.
   */
  readonly multiTunnels: ReadonlyMap<Uuid<'Port_Binding'>, readonly number[]>;
  /** The multi-chassis ports of each local datapath (their traffic to localnet-reached ports is tunnelled). */
  readonly multichassisByDp: ReadonlyMap<Uuid<'Datapath_Binding'>, ReadonlySet<Uuid<'Port_Binding'>>>;
}

/**
 * The local view as buildLocalView makes it: the same fields with writable maps, which the engine's
 * runtime_data then keeps up to date.
 */
export type LocalViewState = {
  readonly [K in keyof LocalView]: LocalView[K] extends ReadonlyMap<infer Key, infer Value>
    ? Map<Key, Value>
    : LocalView[K];
};

/** What the local OVS interfaces tell: OpenFlow ports by iface-id, tunnels by remote chassis, localnet patches. */
export interface IfaceMaps {
  readonly ofportByIfaceId: Map<string, number>;
  readonly tunnels: Map<string, number>;
  readonly vxlanTunnels: Set<number>;
  readonly localnetOfport: Map<string, number>;
}

export function ifaceMaps(ifaces: readonly OvsIface[]): IfaceMaps {
  const ofportByIfaceId = new Map<string, number>();
  const tunnels = new Map<string, number>();
  const vxlanTunnels = new Set<number>();
  const localnetOfport = new Map<string, number>();
  for (const i of ifaces) {
    if (i.ofport <= 0) continue;
    // Several interfaces naming one logical port: the newest (highest ofport) carries it.
    if (i.ifaceId && (ofportByIfaceId.get(i.ifaceId) ?? 0) < i.ofport) ofportByIfaceId.set(i.ifaceId, i.ofport);
    if (i.tunnelChassis) tunnels.set(i.tunnelChassis, i.ofport);
    if (i.tunnelChassis && i.type === 'vxlan') vxlanTunnels.add(i.ofport);
    if (i.localnetPort) localnetOfport.set(i.localnetPort, i.ofport);
  }
  return { ofportByIfaceId, tunnels, vxlanTunnels, localnetOfport };
}

/** The interface a port is reached through here: its own iface-id, or (a container port) its parent's. */
export const ifaceIdOf = (pb: PortBinding): string => pb.parent_port ?? pb.logical_port;

/** The OpenFlow port of a port that is a local VIF here (bound here, or a localport with an interface). */
export function localVifOfport(
  pb: PortBinding,
  chassis: Chassis | undefined,
  ofport: number | undefined,
): number | undefined {
  if (ofport === undefined) return undefined;
  // A localport is local wherever an interface names it; no chassis binds it.
  if (pb.type === 'localport') return ofport;
  const boundHere =
    !!chassis && (pb.chassis === chassis._uuid || (pb.additional_chassis ?? []).includes(chassis._uuid));
  return boundHere ? ofport : undefined;
}

/** The datapath this port makes local (a seed of the local datapaths), if it does. */
export function seedDatapath(
  sb: SbSnapshot,
  pb: PortBinding,
  chassis: Chassis | undefined,
  ofport: number | undefined,
): Uuid<'Datapath_Binding'> | undefined {
  if (!chassis || (pb.type === 'localport' && ofport !== undefined)) return undefined;
  if (localVifOfport(pb, chassis, ofport) !== undefined || pb.chassis === chassis._uuid) return pb.datapath;
  // A backup gateway keeps the router local (as ovn-controller does) so that taking the port over is a
  // claim, not a slice to fetch and a datapath to build first.
  // The same for an external port's switch on the members of its HA chassis group.
  if ((pb.type === 'chassisredirect' || pb.type === 'external') && isHaMember(sb, pb.ha_chassis_group, chassis._uuid))
    return pb.datapath;
  return undefined;
}

/** How this chassis reaches a port of a local datapath that lives elsewhere (none: not such a port). */
export type RemoteRole =
  { readonly via: PortBinding } | { readonly ha: readonly number[] } | { readonly tunnel: number } | undefined;

/**
 * `ports`: the port's datapath's ports; `vif`: whether it is a local VIF here. A VIF or redirect port not
 * hosted here is reached over a localnet port bridged here (VIFs), through its HA group's gateways, or
 * through the tunnel to its chassis.
 */
export function remoteRole(
  sb: SbSnapshot,
  pb: PortBinding,
  ports: readonly PortBinding[],
  ifaces: IfaceMaps,
  chassis: Chassis | undefined,
  vif: boolean,
): RemoteRole {
  // A `vtep` port is bound to a VTEP gateway chassis (ovn-controller-vtep) and reached through its tunnel.
  if (!(VIF_TYPES.has(pb.type) || pb.type === 'chassisredirect' || pb.type === 'vtep')) return undefined;
  // A multi-chassis port is reached through tunnels to all its chassis (multiTunnels), never a localnet port:
  // the physical network would deliver to one of them only.
  if (isMultichassis(pb)) return undefined;
  // On a switch with a localnet port bridged here, other chassis' VIFs are reached over the physical
  // network through that port, not through a tunnel; an external port always is (it has no interface,
  // wherever it is bound).
  const ln = VIF_TYPES.has(pb.type)
    ? ports.find((p) => p.type === 'localnet' && ifaces.localnetOfport.has(p.logical_port))
    : undefined;
  if (pb.type === 'external' && ln) return { via: ln };
  if ((chassis && pb.chassis === chassis._uuid) || vif) return undefined;
  // An HA port goes to its gateways by priority whether or not one has claimed it yet.
  const ha = ln ? [] : haTunnels(sb, pb, ifaces.tunnels, chassis);
  if (ln && pb.chassis) return { via: ln };
  if (ha.length) return { ha };
  if (pb.chassis && !ln) {
    const tun = ifaces.tunnels.get(sb.Chassis.get(pb.chassis)?.name ?? '');
    if (tun !== undefined) return { tunnel: tun };
  }
  return undefined;
}

/** Whether a port is bound to additional chassis besides its main one. */
export const isMultichassis = (pb: PortBinding): boolean => (pb.additional_chassis ?? []).length > 0;

/**
 * The tunnels to a multi-chassis port's chassis (main first, then the additional ones), this chassis and
 * chassis without a tunnel left out; empty for any other port.
 */
export function multichassisTunnels(
  sb: SbSnapshot,
  pb: PortBinding,
  tunnels: ReadonlyMap<string, number>,
  me: Chassis | undefined,
): number[] {
  if (!isMultichassis(pb) || !VIF_TYPES.has(pb.type)) return [];
  const out: number[] = [];
  for (const c of [pb.chassis, ...(pb.additional_chassis ?? [])]) {
    if (!c || c === me?._uuid) continue;
    const tun = tunnels.get(sb.Chassis.get(c)?.name ?? '');
    if (tun !== undefined && !out.includes(tun)) out.push(tun);
  }
  return out;
}

/** Port types whose binding is decided by the `chassis` column (VIF-like). */
export const VIF_TYPES: ReadonlySet<string> = new Set(['', 'virtual', 'external']);

/** The local datapaths and what they were found from (the first half of buildLocalView). */
export interface LocalDatapaths {
  readonly chassis: Chassis | undefined;
  readonly localDps: Map<Uuid<'Datapath_Binding'>, DatapathBinding>;
  /** Each local datapath's ports. */
  readonly portsByDp: Map<Uuid<'Datapath_Binding'>, readonly PortBinding[]>;
  readonly pbByName: Map<string, PortBinding>;
  readonly localVifs: Map<Uuid<'Port_Binding'>, number>;
  readonly maps: IfaceMaps;
}

/**
 * Which datapaths are local to this chassis: those of its bound ports and gateways, and what patch ports
 * reach from them; with their ports. No port's role (remote, localnet, redirect) is worked out: all a round
 * needs before its engine (the monitor conditions, the claims, the localnet patches).
 */
export function localDatapaths(sb: SbSnapshot, chassisName: string, ifaces: readonly OvsIface[]): LocalDatapaths {
  const chassis = [...sb.Chassis.values()].find((c) => c.name === chassisName);
  const pbByName = new Map<string, PortBinding>();
  const allByDp = new Map<string, PortBinding[]>();
  for (const pb of sb.Port_Binding.values()) {
    pbByName.set(pb.logical_port, pb);
    const l = allByDp.get(pb.datapath);
    if (l) l.push(pb);
    else allByDp.set(pb.datapath, [pb]);
  }
  const maps = ifaceMaps(ifaces);
  const { ofportByIfaceId } = maps;

  const localVifs = new Map<Uuid<'Port_Binding'>, number>();
  const seeds: string[] = [];
  for (const pb of sb.Port_Binding.values()) {
    // A container port rides on its parent's interface (802.1Q tag = Port_Binding.tag).
    const ofport = ofportByIfaceId.get(ifaceIdOf(pb));
    const vif = localVifOfport(pb, chassis, ofport);
    if (vif !== undefined) localVifs.set(pb._uuid, vif);
    const seed = seedDatapath(sb, pb, chassis, ofport);
    if (seed) seeds.push(seed);
  }
  const localDps = new Map<Uuid<'Datapath_Binding'>, DatapathBinding>();
  while (seeds.length) {
    const d = seeds.pop()!;
    if (localDps.has(d as Uuid<'Datapath_Binding'>)) continue;
    const dp = sb.Datapath_Binding.get(d as Uuid<'Datapath_Binding'>);
    if (!dp) continue;
    localDps.set(dp._uuid, dp);
    for (const pb of allByDp.get(d) ?? []) {
      if (!isPatchLike(pb, chassisName)) continue;
      const peer = pbByName.get(pb.options['peer'] ?? '');
      if (peer) seeds.push(peer.datapath);
    }
  }
  const portsByDp = new Map<Uuid<'Datapath_Binding'>, readonly PortBinding[]>();
  for (const d of localDps.keys()) portsByDp.set(d, allByDp.get(d) ?? []);
  return { chassis, localDps, portsByDp, pbByName, localVifs, maps };
}

/** What this chassis hosts and how it reaches the rest, from the SB and its own interfaces. */
export function buildLocalView(sb: SbSnapshot, chassisName: string, ifaces: readonly OvsIface[]): LocalViewState {
  const { chassis, localDps, portsByDp, pbByName, localVifs, maps } = localDatapaths(sb, chassisName, ifaces);
  const { tunnels, vxlanTunnels, localnetOfport } = maps;
  const localnet = new Map<Uuid<'Port_Binding'>, number>();
  const remotePorts = new Map<Uuid<'Port_Binding'>, number>();
  const haRemotes = new Map<Uuid<'Port_Binding'>, readonly number[]>();
  const viaLocalnet = new Map<Uuid<'Port_Binding'>, PortBinding>();
  const localRedirects = new Map<Uuid<'Port_Binding'>, PortBinding>();
  const multiTunnels = new Map<Uuid<'Port_Binding'>, readonly number[]>();
  const multichassisByDp = new Map<Uuid<'Datapath_Binding'>, ReadonlySet<Uuid<'Port_Binding'>>>();
  for (const [d, ports] of portsByDp) {
    const multi = new Set<Uuid<'Port_Binding'>>();
    for (const pb of ports) {
      if (isMultichassis(pb) && VIF_TYPES.has(pb.type)) {
        multi.add(pb._uuid);
        const tuns = multichassisTunnels(sb, pb, tunnels, chassis);
        if (tuns.length) multiTunnels.set(pb._uuid, tuns);
      }
      if (pb.type === 'chassisredirect' && chassis && pb.chassis === chassis._uuid) {
        const dist = pbByName.get(pb.options['distributed-port'] ?? '');
        if (dist && dist.datapath === pb.datapath) localRedirects.set(pb._uuid, dist);
      } else if (pb.type === 'localnet') {
        const ofport = localnetOfport.get(pb.logical_port);
        if (ofport !== undefined) localnet.set(pb._uuid, ofport);
      } else {
        const r = remoteRole(sb, pb, ports, maps, chassis, localVifs.has(pb._uuid));
        if (r && 'via' in r) viaLocalnet.set(pb._uuid, r.via);
        else if (r && 'ha' in r) haRemotes.set(pb._uuid, r.ha);
        else if (r) remotePorts.set(pb._uuid, r.tunnel);
      }
    }
    if (multi.size) multichassisByDp.set(d, multi);
  }
  return {
    chassisName,
    chassis,
    localDps,
    portsByDp,
    pbByName,
    localVifs,
    localnet,
    remotePorts,
    haRemotes,
    viaLocalnet,
    tunnels,
    vxlanTunnels,
    localRedirects,
    multiTunnels,
    multichassisByDp,
  };
}

/**
 * For a port of an HA chassis group with two or more gateways: the tunnels to its gateways other than us,
 * highest priority first (ovn-controller's order); empty for any other port.
 */
function haTunnels(
  sb: SbSnapshot,
  pb: PortBinding,
  tunnels: ReadonlyMap<string, number>,
  me: Chassis | undefined,
): number[] {
  const group = pb.ha_chassis_group ? sb.HA_Chassis_Group.get(pb.ha_chassis_group) : undefined;
  if (!group) return [];
  const members = orderedMembers(sb, group);
  if (members.length < 2) return [];
  return members.flatMap((m) => {
    const tun = m.chassis._uuid === me?._uuid ? undefined : tunnels.get(m.chassis.name);
    return tun === undefined ? [] : [tun];
  });
}

/** Whether a chassis is a VTEP gateway (other_config:is-vtep, set by ovn-controller-vtep): a "ramp switch". */
export function isVtepChassis(chassis: Chassis | undefined): boolean {
  return chassis?.other_config?.['is-vtep'] === 'true';
}

/** The encapsulation of the tunnel at `ofport`. */
export function tunnelType(view: Pick<LocalView, 'vxlanTunnels'>, ofport: number): TunnelType {
  return view.vxlanTunnels.has(ofport) ? 'vxlan' : 'geneve';
}

/** The first 32 bits of a row UUID: the cookie ovn-controller gives flows derived from that row. */
export function uuidCookie(uuid: string): bigint {
  return BigInt('0x' + uuid.slice(0, 8));
}

/** Ports that connect two datapaths on this chassis: patch ports, and l3gateway ports of a gateway router here. */
export function isPatchLike(pb: PortBinding, chassisName: string): boolean {
  return pb.type === 'patch' || (pb.type === 'l3gateway' && pb.options['l3gateway-chassis'] === chassisName);
}

/**
 * localDatapaths, found again only when what it reads moved: the Port_Binding, Datapath_Binding, Chassis and HA
 * tables (replaced, never changed in place, by a change) and the interfaces. A round brought by a change
 * elsewhere (logical flows, groups, nb_cfg, an OVS row) walked every port binding of the slice before its
 * engine.
 */
export class LocalDatapathsMemo {
  private key: readonly unknown[] = [];
  private ifacesKey = '';
  private last: LocalDatapaths | undefined;

  get(sb: SbSnapshot, chassisName: string, ifaces: readonly OvsIface[]): LocalDatapaths {
    const key = [sb.Port_Binding, sb.Datapath_Binding, sb.Chassis, sb.HA_Chassis_Group, sb.HA_Chassis, chassisName];
    const ifacesKey = JSON.stringify(ifaces);
    if (this.last && ifacesKey === this.ifacesKey && key.every((k, i) => k === this.key[i])) return this.last;
    this.key = key;
    this.ifacesKey = ifacesKey;
    return (this.last = localDatapaths(sb, chassisName, ifaces));
  }
}
