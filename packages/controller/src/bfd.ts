// Gateway HA through BFD, as ovn-controller 23.03 runs it: BFD sessions on the tunnel ports between the
// members of an HA chassis group and the chassis that use it (its ref_chassis), and the liveness they report
// deciding which gateway hosts a chassisredirect port. The decisions are pure; `syncBfd` writes the
// Interface.bfd column of the tunnel ports.
import type { OvsdbClient, Uuid } from 'ovsdb-client-ts';
import type { Chassis, HAChassisGroup } from '@ovnts/schema/sb';
import { model as vswitchModel, type Bridge } from '@ovnts/schema/vswitch';
import type { SbSnapshot, VsSnapshot } from './snapshots.js';

/**
 * The remote chassis this chassis must run BFD with: for every HA group of two or more chassis, the other
 * members and the (non-remote) ref_chassis when this chassis is a member; the members when this chassis is
 * one of its ref_chassis.
 */
export function bfdChassis(sb: SbSnapshot, me: Chassis): Set<string> {
  const out = new Set<string>();
  for (const group of sb.HA_Chassis_Group.values()) {
    const members = groupMembers(sb, group);
    if (group.ha_chassis.length < 2) continue;
    const names = new Set(members.map((m) => m.chassis.name));
    const isMember = members.some((m) => m.chassis._uuid === me._uuid);
    if (isMember) {
      for (const u of group.ref_chassis) {
        const ref = sb.Chassis.get(u);
        if (ref && ref.other_config['is-remote'] !== 'true') names.add(ref.name);
      }
    } else if (!group.ref_chassis.includes(me._uuid)) continue;
    for (const n of names) if (n !== me.name) out.add(n);
  }
  return out;
}

/** The Interface.bfd map for an enabled session: `enable=true` plus the SB_Global bfd-* tuning options. */
export function bfdSettings(sb: SbSnapshot): Record<string, string> {
  const options = [...sb.SB_Global.values()][0]?.options ?? {};
  const out: Record<string, string> = { enable: 'true' };
  const keys = [
    ['bfd-min-rx', 'min_rx'],
    ['bfd-decay-min-rx', 'decay_min_rx'],
    ['bfd-min-tx', 'min_tx'],
    ['bfd-mult', 'mult'],
  ] as const;
  for (const [sbKey, key] of keys) {
    const v = options[sbKey];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

interface TunnelIface {
  readonly iface: Uuid<'Interface'>;
  readonly name: string;
  readonly chassis: string;
  readonly bfd: Record<string, string>;
  readonly bfdStatus: Record<string, string>;
}

/** The tunnel interfaces of the bridge (ports carrying external_ids:ovn-chassis-id). */
function tunnelIfaces(vs: VsSnapshot, bridge: Bridge): TunnelIface[] {
  const out: TunnelIface[] = [];
  for (const pu of bridge.ports) {
    const port = vs.Port.get(pu);
    const id = port?.external_ids['ovn-chassis-id'];
    if (!port || !id) continue;
    for (const iu of port.interfaces) {
      const i = vs.Interface.get(iu);
      if (!i) continue;
      out.push({ iface: i._uuid, name: i.name, chassis: id.split('@')[0]!, bfd: i.bfd, bfdStatus: i.bfd_status });
    }
  }
  return out;
}

/** Chassis names whose tunnel has BFD enabled and its session up ("active tunnels"). */
export function activeTunnels(vs: VsSnapshot, bridge: Bridge): Set<string> {
  const out = new Set<string>();
  for (const t of tunnelIfaces(vs, bridge))
    if (t.bfd['enable'] === 'true' && t.bfdStatus['state'] === 'up') out.add(t.chassis);
  return out;
}

const sameMap = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

/** The Interface.bfd writes that make exactly the tunnels to `want` run BFD with `settings` (pure). */
export function planBfd(
  vs: VsSnapshot,
  bridge: Bridge,
  want: ReadonlySet<string>,
  settings: Record<string, string>,
): { iface: Uuid<'Interface'>; name: string; bfd: Record<string, string> }[] {
  const out: { iface: Uuid<'Interface'>; name: string; bfd: Record<string, string> }[] = [];
  for (const t of tunnelIfaces(vs, bridge)) {
    if (want.has(t.chassis)) {
      if (!sameMap(t.bfd, settings)) out.push({ iface: t.iface, name: t.name, bfd: settings });
    } else if (Object.keys(t.bfd).length) out.push({ iface: t.iface, name: t.name, bfd: {} });
  }
  return out;
}

/** Applies `planBfd`; returns whether it wrote. */
export async function syncBfd(
  ovs: OvsdbClient,
  writes: readonly { iface: Uuid<'Interface'>; bfd: Record<string, string> }[],
): Promise<boolean> {
  if (!writes.length) return false;
  const txn = ovs.transaction(vswitchModel);
  for (const w of writes) txn.update('Interface', [['_uuid', '==', w.iface]], { bfd: w.bfd });
  await txn.commit();
  return true;
}

/** Whether `me` is a member of the chassisredirect port's HA chassis group. */
export function isHaMember(sb: SbSnapshot, group: Uuid<'HA_Chassis_Group'> | null, me: Uuid<'Chassis'>): boolean {
  const g = group ? sb.HA_Chassis_Group.get(group) : undefined;
  return !!g && g.ha_chassis.some((u) => sb.HA_Chassis.get(u)?.chassis === me);
}

interface Member {
  readonly chassis: Chassis;
  readonly priority: number;
}

/** The members of a group that name an existing chassis. */
function groupMembers(sb: SbSnapshot, group: HAChassisGroup): Member[] {
  const out: Member[] = [];
  for (const u of group.ha_chassis) {
    const h = sb.HA_Chassis.get(u);
    const chassis = h?.chassis ? sb.Chassis.get(h.chassis) : undefined;
    if (h && chassis) out.push({ chassis, priority: h.priority });
  }
  return out;
}

/** Highest priority first; equal priorities by chassis name, the greater first (as ovn-controller orders them). */
export function orderedMembers(sb: SbSnapshot, group: HAChassisGroup): Member[] {
  return groupMembers(sb, group).sort(
    (a, b) =>
      b.priority - a.priority || (a.chassis.name < b.chassis.name ? 1 : a.chassis.name > b.chassis.name ? -1 : 0),
  );
}

/**
 * Whether this chassis is the active gateway of the group given the BFD sessions that are up: the only
 * member, the only member that exists, or the highest-priority one among itself and the members it sees
 * alive. With no session up at all it has lost the others and stays passive; when it sees no other member
 * alive it is active only if a session to one of the group's ref_chassis is up (it is the one still
 * reachable).
 */
export function haGroupIsActive(
  sb: SbSnapshot,
  group: HAChassisGroup,
  active: ReadonlySet<string>,
  me: Uuid<'Chassis'>,
): boolean {
  if (group.ha_chassis.length === 0) return false;
  const members = groupMembers(sb, group);
  if (group.ha_chassis.length === 1) return members[0]?.chassis._uuid === me;
  if (members.length === 1 && members[0]!.chassis._uuid === me) return true;
  if (active.size === 0) return false;
  const alive = orderedMembers(sb, group).filter((m) => m.chassis._uuid === me || active.has(m.chassis.name));
  if (alive.length === 0) return false;
  if (alive.length === 1) {
    if (alive[0]!.chassis._uuid !== me) return false;
    const refUp = group.ref_chassis.some((u) => {
      const ref = sb.Chassis.get(u);
      return ref !== undefined && active.has(ref.name);
    });
    if (!refUp) return false;
  }
  return alive[0]!.chassis._uuid === me;
}
