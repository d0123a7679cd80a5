// Which Port_Bindings this chassis must claim or release (pure). A VIF is ours when a local OVS interface
// carries external_ids:iface-id = its logical_port; it stops being ours when that interface goes away.
import type { Uuid } from 'ovsdb-client-ts';
import type { PortBinding } from '@ovnts/schema/sb';
import { type SbSnapshot, VIF_TYPES } from './view.js';
import { haGroupIsActive, isHaMember, orderedMembers } from './bfd.js';

export interface BindingPlan {
  readonly claim: readonly PortBinding[];
  readonly release: readonly PortBinding[];
  /** Ports this chassis should join (requested_additional_chassis) or leave as an additional chassis. */
  readonly addAdditional: readonly PortBinding[];
  readonly removeAdditional: readonly PortBinding[];
  /** Encap column updates: the Encap of an interface's external_ids:encap-ip (null: none requested). */
  readonly encap: readonly { pb: PortBinding; column: 'encap' | 'additional_encap'; encap: Uuid<'Encap'> | null }[];
  /** Claims held back because this chassis claimed the port moments ago and another took it since. */
  readonly postponed: readonly string[];
}

export interface BindingOptions {
  /** external_ids:encap-ip of the local interfaces, by iface-id. */
  readonly encapIps?: ReadonlyMap<string, string>;
  /** This chassis's Encap rows (preferred type first). */
  readonly myEncaps?: readonly { uuid: Uuid<'Encap'>; ip: string }[];
  /** external_ids:iface-id-ver of the local interfaces, by iface-id (a port with options:iface-id-ver needs it). */
  readonly ifaceIdVers?: ReadonlyMap<string, string>;
  /** Whether a claim of this port should wait (the tug-of-war throttle). */
  readonly postpone?: (port: string) => boolean;
  /**
   * Remote chassis whose tunnel has a BFD session up. Given, a chassisredirect port of an HA chassis group is
   * claimed only while this chassis is the group's active member by liveness (`haGroupIsActive`); absent,
   * by priority alone.
   */
  readonly activeTunnels?: ReadonlySet<string>;
}

export function planBindings(
  sb: SbSnapshot,
  chassisUuid: Uuid<'Chassis'>,
  ifaceIds: ReadonlySet<string>,
  chassisName = '',
  opts: BindingOptions = {},
): BindingPlan {
  const claim: PortBinding[] = [];
  const release: PortBinding[] = [];
  const addAdditional: PortBinding[] = [];
  const removeAdditional: PortBinding[] = [];
  const encap: { pb: PortBinding; column: 'encap' | 'additional_encap'; encap: Uuid<'Encap'> | null }[] = [];
  const postponed: string[] = [];
  const byName = new Map([...sb.Port_Binding.values()].map((p) => [p.logical_port, p]));
  for (const pb of sb.Port_Binding.values()) {
    // A distributed gateway port's redirect port lives on its highest-priority live gateway chassis.
    if (pb.type === 'chassisredirect') {
      const group = pb.ha_chassis_group ? sb.HA_Chassis_Group.get(pb.ha_chassis_group) : undefined;
      const mine =
        group && opts.activeTunnels
          ? isHaMember(sb, group._uuid, chassisUuid) && haGroupIsActive(sb, group, opts.activeTunnels, chassisUuid)
          : activeGateway(sb, pb) === chassisUuid;
      if (mine && pb.chassis !== chassisUuid) claim.push(pb);
      else if (!mine && pb.chassis === chassisUuid) release.push(pb);
      continue;
    }
    // An external port (a machine behind the localnet ports) is served from the active member of its HA
    // chassis group; no interface names it.
    if (pb.type === 'external') {
      const group = pb.ha_chassis_group ? sb.HA_Chassis_Group.get(pb.ha_chassis_group) : undefined;
      const mine =
        !!group &&
        isHaMember(sb, group._uuid, chassisUuid) &&
        (opts.activeTunnels
          ? haGroupIsActive(sb, group, opts.activeTunnels, chassisUuid)
          : orderedMembers(sb, group)[0]?.chassis._uuid === chassisUuid);
      if (mine && pb.chassis !== chassisUuid) claim.push(pb);
      else if (!mine && pb.chassis === chassisUuid) release.push(pb);
      continue;
    }
    // A gateway router's ports belong to the chassis its options name.
    if (pb.type === 'l3gateway') {
      const mine = chassisName !== '' && pb.options['l3gateway-chassis'] === chassisName;
      if (mine && pb.chassis !== chassisUuid) claim.push(pb);
      else if (!mine && pb.chassis === chassisUuid) release.push(pb);
      continue;
    }
    if (!VIF_TYPES.has(pb.type)) continue;
    // A virtual port is bound by pinctrl (bind_vport) when a parent announces its address, never by an
    // interface; the binding holds while that parent is bound here.
    if (pb.type === 'virtual') {
      if (pb.chassis === chassisUuid && !virtualParentHere(pb, byName, ifaceIds, chassisUuid)) release.push(pb);
      continue;
    }
    // A container port is wanted where its parent VIF is (and only while that parent is a plain VIF).
    const parent = pb.parent_port ? byName.get(pb.parent_port) : undefined;
    const wanted = pb.parent_port
      ? ifaceIds.has(pb.parent_port) && parent?.type === '' && !parent.parent_port
      : ifaceIds.has(pb.logical_port) &&
        (pb.options['iface-id-ver'] === undefined ||
          opts.ifaceIdVers?.get(pb.logical_port) === pb.options['iface-id-ver']);
    // requested-chassis pins a port to one chassis; another chassis must not steal it. Further chassis
    // (requested-chassis=a,b) bind it as additional chassis, e.g. during a live migration.
    const requested = pb.requested_chassis;
    const allowed = requested === null || requested === chassisUuid;
    const additional = (pb.requested_additional_chassis ?? []).includes(chassisUuid);
    const isAdditional = (pb.additional_chassis ?? []).includes(chassisUuid);
    if (wanted && allowed && pb.chassis !== chassisUuid) {
      if (pb.chassis !== null && opts.postpone?.(pb.logical_port)) postponed.push(pb.logical_port);
      else claim.push(pb);
    } else if ((!wanted || !allowed) && pb.chassis === chassisUuid) release.push(pb);
    if (wanted && additional && !isAdditional) addAdditional.push(pb);
    else if ((!wanted || !additional) && isAdditional) removeAdditional.push(pb);

    if (!wanted || !opts.myEncaps) continue;
    const ip = opts.encapIps?.get(pb.logical_port);
    const mine = ip === undefined ? null : (opts.myEncaps.find((e) => e.ip === ip)?.uuid ?? null);
    const main = pb.chassis === chassisUuid || claim.includes(pb);
    if (main && pb.encap !== mine) encap.push({ pb, column: 'encap', encap: mine });
    const myUuids = new Set(opts.myEncaps.map((e) => e.uuid));
    const haveMine = (pb.additional_encap ?? []).filter((u) => myUuids.has(u));
    if (additional && (haveMine.length !== (mine ? 1 : 0) || (mine && haveMine[0] !== mine)))
      encap.push({ pb, column: 'additional_encap', encap: mine });
    else if (!additional && haveMine.length) encap.push({ pb, column: 'additional_encap', encap: null });
  }
  return { claim, release, addAdditional, removeAdditional, encap, postponed };
}

/** Whether a virtual port's parent (Port_Binding.virtual_parent) is a VIF with an interface here, bound here. */
export function virtualParentHere(
  pb: PortBinding,
  byName: ReadonlyMap<string, PortBinding>,
  ifaceIds: ReadonlySet<string>,
  chassisUuid: Uuid<'Chassis'>,
): boolean {
  const parent = pb.virtual_parent ? byName.get(pb.virtual_parent) : undefined;
  return (
    !!parent &&
    ifaceIds.has(parent.logical_port) &&
    (parent.chassis === chassisUuid || (parent.additional_chassis ?? []).includes(chassisUuid))
  );
}

/** Ports bound here whose `up` must become true once their flows are installed. */
export function portsToMarkUp(
  sb: SbSnapshot,
  chassisUuid: Uuid<'Chassis'>,
  installed: ReadonlySet<string>,
): PortBinding[] {
  return [...sb.Port_Binding.values()].filter(
    (pb) => pb.chassis === chassisUuid && pb.up !== true && installed.has(pb._uuid),
  );
}

/**
 * The chassis that should host a chassisredirect port by priority alone: the highest-priority member of its
 * HA chassis group (or, for older northds, of its gateway_chassis list) that exists. Liveness is
 * `haGroupIsActive`'s.
 */
export function activeGateway(sb: SbSnapshot, pb: PortBinding): Uuid<'Chassis'> | undefined {
  const group = pb.ha_chassis_group ? sb.HA_Chassis_Group.get(pb.ha_chassis_group) : undefined;
  if (group) return orderedMembers(sb, group)[0]?.chassis._uuid;
  const candidates: { chassis: Uuid<'Chassis'>; priority: number }[] = [];
  for (const u of pb.gateway_chassis) {
    const g = sb.Gateway_Chassis.get(u);
    if (g?.chassis && sb.Chassis.has(g.chassis)) candidates.push({ chassis: g.chassis, priority: g.priority });
  }
  candidates.sort((a, b) => b.priority - a.priority || (a.chassis < b.chassis ? -1 : 1));
  return candidates[0]?.chassis;
}
