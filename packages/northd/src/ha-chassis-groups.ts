// SB HA_Chassis_Group content, as ovn-northd 23.03 derives it: one group per NB HA_Chassis_Group that a
// distributed gateway port or an external switch port uses, and one group named after each distributed
// gateway port that lists Gateway_Chassis instead (ha_chassis_group wins when a port has both). Groups
// no port uses are not in the SB. Also the switches whose bound ports make a chassis a group's
// `ref_chassis`: those attached to the routers reachable from the group's gateway ports.
import type { LogicalRouterPort, LogicalSwitchPort } from '@ovnts/schema/nb';
import type { NbInput } from './input.js';
import type { RouterDatapath, SwitchDatapath } from './topology.js';
import { redirectPortOf } from './stateful/gateway-bindings.js';

export interface HaChassisOut {
  /** Chassis name (the SB row keeps it in external_ids:chassis-name and refers to the Chassis row, if any). */
  readonly chassis: string;
  readonly priority: number;
}

export interface HaGroupOut {
  readonly name: string;
  readonly members: readonly HaChassisOut[];
}

type HaNb = Pick<NbInput, 'HA_Chassis_Group' | 'HA_Chassis' | 'Gateway_Chassis'>;

/** The SB group a distributed gateway port's `cr-` binding names, or null. */
export function lrpHaGroupName(lrp: LogicalRouterPort, nb: Pick<NbInput, 'HA_Chassis_Group'>): string | null {
  if (lrp.ha_chassis_group !== null) return nb.HA_Chassis_Group.get(lrp.ha_chassis_group)?.name ?? null;
  return lrp.gateway_chassis.length ? lrp.name : null;
}

/** The SB group an external switch port's binding names, or null (other port types have none). */
export function lspHaGroupName(lsp: LogicalSwitchPort, nb: Pick<NbInput, 'HA_Chassis_Group'>): string | null {
  if (lsp.type !== 'external' || lsp.ha_chassis_group === null) return null;
  return nb.HA_Chassis_Group.get(lsp.ha_chassis_group)?.name ?? null;
}

function nbGroup(nb: HaNb, uuid: LogicalRouterPort['ha_chassis_group'] & string): HaGroupOut | null {
  const g = nb.HA_Chassis_Group.get(uuid);
  if (!g) return null;
  const members: HaChassisOut[] = [];
  for (const u of g.ha_chassis) {
    const c = nb.HA_Chassis.get(u);
    if (c) members.push({ chassis: c.chassis_name, priority: c.priority });
  }
  return { name: g.name, members };
}

function gatewayGroup(nb: HaNb, lrp: LogicalRouterPort): HaGroupOut {
  const members: HaChassisOut[] = [];
  for (const u of lrp.gateway_chassis) {
    const c = nb.Gateway_Chassis.get(u);
    if (c && c.chassis_name) members.push({ chassis: c.chassis_name, priority: c.priority });
  }
  return { name: lrp.name, members };
}

export interface HaGroups {
  /** By name. */
  readonly groups: ReadonlyMap<string, HaGroupOut>;
  /** Group name → the switches (NB UUIDs) whose bound ports count as its ref_chassis (groups of 2+ chassis). */
  readonly refSwitches: ReadonlyMap<string, readonly string[]>;
  /** How many routers have a gateway port whose group lists 2+ chassis. */
  readonly multiChassisRouters: number;
}

/** The desired SB groups of a topology. */
export function buildHaGroups(
  topo: { readonly routers: Iterable<RouterDatapath>; readonly switches: Iterable<SwitchDatapath> },
  nb: HaNb,
): HaGroups {
  const switches = [...topo.switches];
  return mergeHaGroups(
    [...topo.routers],
    switches,
    switches.map((ls) => externalHaGroups(ls, nb)),
    nb,
  );
}

/** The groups the external ports of one switch use, in port order. */
export function externalHaGroups(ls: SwitchDatapath, nb: HaNb): HaGroupOut[] {
  const out: HaGroupOut[] = [];
  for (const p of ls.ports) {
    if (p.type !== 'external' || p.nb.ha_chassis_group === null) continue;
    const g = nbGroup(nb, p.nb.ha_chassis_group);
    if (g) out.push(g);
  }
  return out;
}

/**
 * The groups of the routers' gateway ports, then those of the switches' external ports (`external`, as
 * externalHaGroups gives them per switch); the first group of a name wins.
 */
export function mergeHaGroups(
  routers: readonly RouterDatapath[],
  switches: readonly SwitchDatapath[],
  external: Iterable<readonly HaGroupOut[]>,
  nb: HaNb,
): HaGroups {
  const groups = new Map<string, HaGroupOut>();
  /** Router UUID → names of its gateway ports' groups with more than one chassis. */
  const routerGroups = new Map<string, string[]>();
  for (const lr of routers) {
    for (const p of lr.ports) {
      if (!redirectPortOf(p)) continue;
      const g = p.nb.ha_chassis_group !== null ? nbGroup(nb, p.nb.ha_chassis_group) : gatewayGroup(nb, p.nb);
      if (!g) continue;
      if (!groups.has(g.name)) groups.set(g.name, g);
      if (g.members.length > 1) routerGroups.set(lr.uuid, [...(routerGroups.get(lr.uuid) ?? []), g.name]);
    }
  }
  for (const list of external) for (const g of list) if (!groups.has(g.name)) groups.set(g.name, g);
  return {
    groups,
    refSwitches: routerGroups.size ? refSwitches(switches, routerGroups) : new Map(),
    multiChassisRouters: routerGroups.size,
  };
}

/**
 * Routers connected through switches form one group (ovn-northd's "logical router groups"); a chassis
 * binding a port of a switch attached to any router of the group references the group's HA groups.
 */
function refSwitches(
  switches: readonly SwitchDatapath[],
  routerGroups: ReadonlyMap<string, readonly string[]>,
): Map<string, string[]> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  const routersOf = (ls: SwitchDatapath) => ls.routerPorts.flatMap((p) => (p.peer ? [p.peer.dp.uuid] : []));
  for (const ls of switches) {
    const [first, ...rest] = routersOf(ls);
    if (first === undefined) continue;
    for (const r of rest) parent.set(find(r), find(first));
  }
  const groupsOfRoot = new Map<string, Set<string>>();
  for (const [lr, names] of routerGroups) {
    const root = find(lr);
    const s = groupsOfRoot.get(root) ?? new Set<string>();
    for (const n of names) s.add(n);
    groupsOfRoot.set(root, s);
  }
  const out = new Map<string, string[]>();
  for (const ls of switches) {
    const [first] = routersOf(ls);
    if (first === undefined) continue;
    for (const name of groupsOfRoot.get(find(first)) ?? []) {
      const l = out.get(name);
      if (l) l.push(ls.uuid);
      else out.set(name, [ls.uuid]);
    }
  }
  return out;
}

/** Whether two groups have the same content. */
export function sameHaGroup(a: HaGroupOut | undefined, b: HaGroupOut | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    a.name === b.name &&
    a.members.length === b.members.length &&
    a.members.every((m, i) => m.chassis === b.members[i]!.chassis && m.priority === b.members[i]!.priority)
  );
}

/** options:requested-chassis of a switch port: names or hostnames of chassis, comma-separated. */
export function requestedChassisNames(lsp: LogicalSwitchPort): readonly string[] {
  const v = lsp.options['requested-chassis'];
  return v ? v.split(',').filter((s) => s.length > 0) : [];
}
