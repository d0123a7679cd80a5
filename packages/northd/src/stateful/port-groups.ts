// Port groups and address sets as the SB sees them. A port group becomes one SB Port_Group per
// switch it has ports on, named `<datapath tunnel key>_<group>` (ovn-controller resolves `@pg` in a
// flow against the group of the flow's datapath), plus two derived address sets `<group>_ip4` and
// `<group>_ip6` holding the IPs of its member ports. NB address sets are copied as they are.
import type { PortGroup } from '@ovnts/schema/nb';
import { rowName, type Diagnostics } from '../diagnostics.js';
import type { NbInput } from '../input.js';
import { parseLspAddress, parsedSwitchPortAddresses, type SwitchPort, type Topology } from '../topology.js';

export interface SbPortGroupOut {
  readonly name: string;
  /** Logical port names. */
  readonly ports: readonly string[];
}

export interface SbAddressSetOut {
  readonly name: string;
  readonly addresses: readonly string[];
}

/** A port group with its members split by switch (switch NB UUID → member ports, in group order). */
export interface ResolvedPortGroup {
  readonly nb: PortGroup;
  readonly bySwitch: ReadonlyMap<string, readonly SwitchPort[]>;
}

const byName = <T extends { name: string; _uuid: string }>(a: T, b: T) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a._uuid < b._uuid ? -1 : a._uuid > b._uuid ? 1 : 0;

/** Port groups' members by switch; `rows` (default: every group) in name order. */
export function resolvePortGroups(
  nb: NbInput,
  topo: Pick<Topology, 'lsps'>,
  diag: Diagnostics,
  rows: Iterable<PortGroup> = nb.Port_Group.values(),
): ResolvedPortGroup[] {
  const out: ResolvedPortGroup[] = [];
  for (const pg of [...rows].sort(byName)) {
    const bySwitch = new Map<string, SwitchPort[]>();
    for (const u of pg.ports) {
      const lsp = nb.Logical_Switch_Port.get(u);
      const port = lsp ? topo.lsps.get(lsp.name) : undefined;
      if (!port || port.nb._uuid !== lsp?._uuid) {
        diag.warn('Port_Group', rowName(pg), `port ${lsp?.name ?? u} is on no logical switch; left out`);
        continue;
      }
      const members = bySwitch.get(port.dp.uuid);
      if (members) members.push(port);
      else bySwitch.set(port.dp.uuid, [port]);
    }
    out.push({ nb: pg, bySwitch });
  }
  return out;
}

/** SB Port_Group rows; switches without a tunnel key (not bound) are left out. */
export function sbPortGroups(pgs: readonly ResolvedPortGroup[], dpKeys: ReadonlyMap<string, number>): SbPortGroupOut[] {
  const out: SbPortGroupOut[] = [];
  for (const pg of pgs) {
    for (const [ls, ports] of pg.bySwitch) {
      const key = dpKeys.get(ls);
      if (key !== undefined) out.push({ name: `${key}_${pg.nb.name}`, ports: ports.map((p) => p.name) });
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Static and dynamically assigned IPs of a port group's members, split by family and sorted. */
function portGroupIps(nb: NbInput, pg: PortGroup): { v4: string[]; v6: string[] } {
  const v4 = new Set<string>();
  const v6 = new Set<string>();
  const take = (s: string) => {
    const a = parseLspAddress(s);
    if (!a) return;
    for (const ip of a.ipv4) v4.add(ip);
    for (const ip of a.ipv6) v6.add(ip);
  };
  for (const u of pg.ports) {
    const lsp = nb.Logical_Switch_Port.get(u);
    if (!lsp) continue;
    // Without dynamic addresses, the IPs are those the topology parsed from the same entries ("unknown",
    // "router" on a port of another type and an unassigned "dynamic" give none there as here): parsing
    // them again was ~9 MB of a 100×50 cold start's allocation (every pod is in a few groups).
    const parsed = lsp.dynamic_addresses ? undefined : parsedSwitchPortAddresses(lsp);
    if (parsed) {
      for (const a of parsed) {
        for (const ip of a.ipv4) v4.add(ip);
        for (const ip of a.ipv6) v6.add(ip);
      }
      continue;
    }
    for (const a of lsp.addresses) if (!/(^|\s)dynamic(\s|$)/.test(a.trim())) take(a);
    if (lsp.dynamic_addresses) take(lsp.dynamic_addresses);
  }
  return { v4: [...v4].sort(), v6: [...v6].sort() };
}

/** A port group's derived address sets `<group>_ip4` and `<group>_ip6`. */
export function portGroupAddressSets(nb: NbInput, pg: PortGroup): SbAddressSetOut[] {
  const { v4, v6 } = portGroupIps(nb, pg);
  return [
    { name: `${pg.name}_ip4`, addresses: v4 },
    { name: `${pg.name}_ip6`, addresses: v6 },
  ];
}
