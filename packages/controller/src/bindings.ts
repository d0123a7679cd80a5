// Which Port_Bindings this chassis must claim or release (pure). A VIF is ours when a local OVS interface
// carries external_ids:iface-id = its logical_port; it stops being ours when that interface goes away.
import type { Uuid } from 'ovsdb-client-ts';
import type { PortBinding } from '@ovnts/schema/sb';
import { type SbSnapshot, VIF_TYPES } from './view.js';

export interface BindingPlan {
  readonly claim: readonly PortBinding[];
  readonly release: readonly PortBinding[];
}

export function planBindings(
  sb: SbSnapshot,
  chassisUuid: Uuid<'Chassis'>,
  ifaceIds: ReadonlySet<string>,
  chassisName = '',
): BindingPlan {
  const claim: PortBinding[] = [];
  const release: PortBinding[] = [];
  for (const pb of sb.Port_Binding.values()) {
    // A distributed gateway port's redirect port lives on its highest-priority gateway chassis.
    if (pb.type === 'chassisredirect') {
      const mine = activeGateway(sb, pb) === chassisUuid;
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
    const wanted = ifaceIds.has(pb.logical_port);
    // requested-chassis pins a port to one chassis; another chassis must not steal it.
    const requested = pb.requested_chassis;
    const allowed = requested === null || requested === chassisUuid;
    if (wanted && allowed && pb.chassis !== chassisUuid) claim.push(pb);
    else if ((!wanted || !allowed) && pb.chassis === chassisUuid) release.push(pb);
  }
  return { claim, release };
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
 * The chassis that should host a chassisredirect port: the highest-priority member of its HA chassis group
 * (or, for older northds, of its gateway_chassis list) that exists. BFD liveness is not considered.
 */
export function activeGateway(sb: SbSnapshot, pb: PortBinding): Uuid<'Chassis'> | undefined {
  const candidates: { chassis: Uuid<'Chassis'>; priority: number }[] = [];
  const group = pb.ha_chassis_group ? sb.HA_Chassis_Group.get(pb.ha_chassis_group) : undefined;
  if (group) {
    for (const u of group.ha_chassis) {
      const h = sb.HA_Chassis.get(u);
      if (h?.chassis && sb.Chassis.has(h.chassis)) candidates.push({ chassis: h.chassis, priority: h.priority });
    }
  } else {
    for (const u of pb.gateway_chassis) {
      const g = sb.Gateway_Chassis.get(u);
      if (g?.chassis && sb.Chassis.has(g.chassis)) candidates.push({ chassis: g.chassis, priority: g.priority });
    }
  }
  candidates.sort((a, b) => b.priority - a.priority || (a.chassis < b.chassis ? -1 : 1));
  return candidates[0]?.chassis;
}
