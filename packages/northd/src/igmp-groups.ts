// IP multicast groups learned by IGMP/MLD snooping (SB IGMP_Group rows, one per group, chassis and
// switch, written by ovn-controller), aggregated as ovn-northd 23.03 does: per switch and group
// address one Multicast_Group named after the address, holding the ports of every chassis's row plus
// the switch's localnet ports; ports flooding statically (mcast_flood) or towards relaying routers are
// left out, since they get the traffic anyway. A router relaying multicast (options:mcast_relay) joins
// the groups of its switches (routable IPv6 scopes only) through its port towards each switch, or that
// port's chassisredirect port. Rows with address "mrouters" name ports behind multicast routers: they
// join the switch's `_MC_mrouter_flood`. Group tunnel keys stay as the SB has them; new ones are taken
// from 32774 up, per datapath.
import { parseIpv4, parseIpv6 } from '@ovnts/net';
import { mcastRelay } from './router-mcast.js';
import { smapBool } from './router-options.js';
import { redirectPortOf } from './stateful/gateway-bindings.js';
import type { SwitchDatapath, SwitchPort } from './topology.js';

/** The first key ovn-northd gives a learned group (OVN_MIN_IP_MULTICAST + 1: its allocator starts after the hint). */
export const MIN_LEARNED_KEY = 32773;
export const MAX_LEARNED_KEY = 65535;
/** The IGMP_Group address ovn-controller uses for ports behind multicast routers. */
export const MROUTERS = 'mrouters';

/** One IGMP_Group row, resolved: its switch (NB UUID) and the logical ports it names. */
export interface IgmpRow {
  readonly address: string;
  /** NB UUID of the switch, or undefined when the row names no datapath of ours. */
  readonly datapath: string | undefined;
  readonly hasChassis: boolean;
  readonly ports: readonly string[];
}

/** A learned group of one datapath, as its Multicast_Group row and flows need it. */
export interface LearnedGroup {
  /** The address as the controller wrote it: the Multicast_Group name and what the flows match. */
  readonly name: string;
  readonly v4: boolean;
  /** The parsed address (IPv4 as a number, IPv6 as a bigint), for the flows' exceptions. */
  readonly addr: number | bigint;
  readonly tunnelKey: number;
  readonly ports: readonly string[];
}

export interface LearnedMcast {
  /** Datapath (NB UUID) → its learned groups, by name. */
  readonly groups: ReadonlyMap<string, readonly LearnedGroup[]>;
  /** Switch → the ports learned behind multicast routers (members of its `_MC_mrouter_flood`). */
  readonly mrouters: ReadonlyMap<string, readonly string[]>;
}

export interface LearnedInputs {
  readonly switches: ReadonlyMap<string, SwitchDatapath>;
  readonly lsps: ReadonlyMap<string, SwitchPort>;
  readonly rows: Iterable<IgmpRow>;
  /** The tunnel key the SB's Multicast_Group of this datapath and name has. */
  readonly existingKey: (dp: string, name: string) => number | undefined;
  /** Whether the datapath is bound (has a Datapath_Binding). */
  readonly bound: (dp: string) => boolean;
}

type Addr = { v4: boolean; addr: number | bigint; id: string };

function parseGroupAddress(s: string): Addr | null {
  const v4 = parseIpv4(s);
  if (v4 !== null) return { v4: true, addr: v4, id: `4:${v4}` };
  const v6 = parseIpv6(s);
  if (v6 === null) return null;
  // An IPv4-mapped IPv6 address is the IPv4 group.
  if (v6 >> 32n === 0xffffn) return { v4: true, addr: Number(v6 & 0xffffffffn), id: `4:${v6 & 0xffffffffn}` };
  return { v4: false, addr: v6, id: `6:${v6}` };
}

/** RFC 4291 2.7: multicast scopes above link-local are routable. */
export function ipv6RoutableMulticast(a: bigint): boolean {
  if (a >> 120n !== 0xffn) return false;
  const scope = Number((a >> 112n) & 0xfn);
  return !(scope <= 3 || scope === 0xf);
}

interface Pending {
  name: string;
  addr: Addr;
  ports: Set<string>;
}

export function buildLearnedMcast(inp: LearnedInputs): LearnedMcast {
  const perDp = new Map<string, Map<string, Pending>>();
  const mrouters = new Map<string, Set<string>>();
  const add = (dp: string, name: string, addr: Addr, ports: Iterable<string>) => {
    let m = perDp.get(dp);
    if (!m) perDp.set(dp, (m = new Map()));
    let g = m.get(addr.id);
    // Two spellings of one address: the first by name wins, whatever order the rows come in.
    if (!g) m.set(addr.id, (g = { name, addr, ports: new Set() }));
    else if (name < g.name) g.name = name;
    for (const p of ports) g.ports.add(p);
  };
  for (const row of inp.rows) {
    if (!row.hasChassis || row.datapath === undefined) continue;
    const sw = inp.switches.get(row.datapath);
    if (!sw || !inp.bound(sw.uuid)) continue;
    const isMrouters = row.address === MROUTERS;
    const addr = isMrouters ? null : parseGroupAddress(row.address);
    if (!isMrouters && !addr) continue;
    const ports = memberPorts(inp.lsps, row.ports);
    if (!ports.length) continue;
    if (addr) add(sw.uuid, row.address, addr, ports);
    else {
      let s = mrouters.get(sw.uuid);
      if (!s) mrouters.set(sw.uuid, (s = new Set()));
      for (const p of ports) s.add(p);
    }
  }
  // Relaying routers join their switches' groups through the port facing each switch.
  const switchGroups = [...perDp].map(([dp, m]) => [dp, [...m.values()]] as const);
  for (const [dp, groups] of switchGroups) {
    const sw = inp.switches.get(dp)!;
    for (const sp of sw.routerPorts) {
      const rp = sp.peer;
      if (!rp || !mcastRelay(rp.dp) || smapBool(rp.nb.options, 'mcast_flood', false) || !inp.bound(rp.dp.uuid))
        continue;
      const member = redirectPortOf(rp) ?? rp.name;
      for (const g of groups)
        if (g.addr.v4 || ipv6RoutableMulticast(g.addr.addr as bigint)) add(rp.dp.uuid, g.name, g.addr, [member]);
    }
    // The switch's localnet ports receive every group it learned.
    const localnet = sw.ports.filter((p) => p.type === 'localnet').map((p) => p.name);
    for (const g of groups) for (const p of localnet) g.ports.add(p);
  }
  const out = new Map<string, LearnedGroup[]>();
  for (const [dp, m] of perDp) {
    const used = new Set<number>();
    const pending = [...m.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const keyed: [Pending, number | undefined][] = pending.map((g) => {
      const k = inp.existingKey(dp, g.name);
      if (k !== undefined) used.add(k);
      return [g, k];
    });
    let hint = MIN_LEARNED_KEY;
    const next = (): number | undefined => {
      for (let i = 0; i <= MAX_LEARNED_KEY - MIN_LEARNED_KEY; i++) {
        hint = hint >= MAX_LEARNED_KEY ? MIN_LEARNED_KEY : hint + 1;
        if (!used.has(hint)) {
          used.add(hint);
          return hint;
        }
      }
      return undefined;
    };
    const list: LearnedGroup[] = [];
    for (const [g, existing] of keyed) {
      const key = existing ?? next();
      if (key === undefined) continue; // out of keys: the group is not built, as in ovn-northd
      list.push({ name: g.name, v4: g.addr.v4, addr: g.addr.addr, tunnelKey: key, ports: [...g.ports].sort() });
    }
    out.set(dp, list);
  }
  const mr = new Map<string, string[]>();
  for (const [dp, s] of mrouters) mr.set(dp, [...s].sort());
  return { groups: out, mrouters: mr };
}

/** The ports of a row that join a learned group: switch ports not already flooded to. */
function memberPorts(lsps: ReadonlyMap<string, SwitchPort>, names: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of names) {
    const p = lsps.get(name);
    if (!p || smapBool(p.nb.options, 'mcast_flood', false)) continue;
    if (p.peer && mcastRelay(p.peer.dp)) continue;
    out.push(name);
  }
  return out;
}
