// Which Port_Bindings this chassis must claim or release (pure). A VIF is ours when a local OVS interface
// carries external_ids:iface-id = its logical_port; it stops being ours when that interface goes away.
import type { Uuid } from 'ovsdb-client-ts';
import type { PortBinding } from '@ovnts/schema/sb';
import { type SbSnapshot, VIF_TYPES } from './view.js';

export interface BindingPlan {
  readonly claim: readonly PortBinding[];
  readonly release: readonly PortBinding[];
}

export function planBindings(sb: SbSnapshot, chassisUuid: Uuid<'Chassis'>, ifaceIds: ReadonlySet<string>, chassisName = ''): BindingPlan {
  const claim: PortBinding[] = [];
  const release: PortBinding[] = [];
  for (const pb of sb.Port_Binding.values()) {
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
export function portsToMarkUp(sb: SbSnapshot, chassisUuid: Uuid<'Chassis'>, installed: ReadonlySet<string>): PortBinding[] {
  return [...sb.Port_Binding.values()].filter((pb) => pb.chassis === chassisUuid && pb.up !== true && installed.has(pb._uuid));
}
