// The soak's balance of the NB (test/all-ovnts.soak.ts): edit-kind weights that keep every NB table the random
// edits grow near its own target size, and the part of the NB each chassis computes (its slice) near its
// starting size, so that the daemons' load is stationary after warm-up and RSS growth means a leak.
import type { MemNb } from '@ovnts/northd/testing';

/** The gain of the small tables whose adding kinds mostly do something else (STEERED). */
const SMALL_GAIN = 6;

/**
 * The NB tables the balance steers, each with the edit kinds of the random generator that add rows to it
 * and those that delete them. Every table has a kind of each, so that it random-walks around its target (a
 * table that could only grow climbed to its target and stayed there: Mirror 7 → 16, Logical_Router_Policy
 * 11 → 16 over the first 50k edits of a 200k soak, the chassis' SB slices +18 % with them, after the
 * baseline). Kinds that do both (`policy`, `bfd`, `mirror`… also modify or delete a row now and then) count
 * as adding. The small tables whose adding kinds mostly do something else are pulled harder (gain), so that
 * the mismatch of the two kinds' rates moves their level little.
 */
export const STEERED: Readonly<
  Record<string, { readonly add: readonly string[]; readonly del: readonly string[]; readonly gain?: number }>
> = {
  Logical_Switch_Port: {
    add: ['lsp-add', 'lsp-external', 'lsp-virtual', 'bad-router-peer'],
    del: ['lsp-del'],
    gain: SMALL_GAIN,
  },
  ACL: { add: ['acl-add'], del: ['acl-del'] },
  Logical_Router_Port: { add: ['lrp-add'], del: ['lrp-del'], gain: SMALL_GAIN },
  Load_Balancer: { add: ['lb-add'], del: ['lb-del'] },
  Address_Set: { add: ['as-add'], del: ['as-del'] },
  NAT: { add: ['nat-add', 'nat-add-route', 'bad-stateful'], del: ['nat-del'] },
  Logical_Switch: { add: ['ls-add', 'dup-switch-name'], del: ['ls-del'] },
  Logical_Router: { add: ['lr-add'], del: ['lr-del'] },
  Port_Group: { add: ['pg-add'], del: ['pg-del'] },
  Logical_Router_Static_Route: { add: ['route-add'], del: ['route-del'] },
  Logical_Router_Policy: { add: ['policy'], del: ['policy-del'], gain: SMALL_GAIN },
  DHCP_Options: { add: ['dhcp-add', 'dhcp6-port', 'bad-dhcp'], del: ['dhcp-del'], gain: SMALL_GAIN },
  DNS: { add: ['dns-add'], del: ['dns-del'], gain: SMALL_GAIN },
  HA_Chassis_Group: { add: ['gateway-ha'], del: ['ha-group-del'], gain: SMALL_GAIN },
  Load_Balancer_Group: { add: ['lbg-add-del'], del: ['lbg-del'], gain: SMALL_GAIN },
  Load_Balancer_Health_Check: { add: ['lb-health'], del: ['lb-health-del'], gain: SMALL_GAIN },
  BFD: { add: ['bfd'], del: ['bfd-del'], gain: SMALL_GAIN },
  Mirror: { add: ['mirror'], del: ['mirror-del'], gain: SMALL_GAIN },
  Static_MAC_Binding: { add: ['static-mac-binding'], del: ['static-mac-del'], gain: SMALL_GAIN },
};

/** A steered table's target is never below this (tables that start empty still get some rows). */
export const MIN_TARGET = 16;

/** Each steered table's target: its size now × (1 + growth), at least MIN_TARGET rows. */
export function tableTargets(nb: MemNb, growth: number): Map<string, number> {
  return new Map(
    Object.keys(STEERED).map((t) => [t, Math.max(MIN_TARGET, Math.round(nb.rows(t).size * (1 + growth)))]),
  );
}

/** One steered quantity: its size now, its target, and the edit kinds that add to it and take from it. */
export interface Steer {
  readonly size: number;
  readonly target: number;
  readonly add: readonly string[];
  readonly del: readonly string[];
  /** How hard the weights pull: additions scale by (target/size)^gain (default 2). */
  readonly gain?: number;
}

/**
 * Edit-kind weights that steer each quantity to its target: its additions scaled by (target/size)^gain, its
 * deletions by the inverse (each within 4×); a quantity without deletion kinds gets no additions past its
 * target; the other kinds as they are. Factors of a kind that several quantities name multiply.
 */
export function balance(steers: Iterable<Steer>): (kind: string) => number {
  const factor = new Map<string, number>();
  for (const { size, target, add, del, gain = 2 } of steers) {
    const f = Math.min(4, Math.max(0.25, (target / Math.max(1, size)) ** gain));
    for (const k of add) factor.set(k, (factor.get(k) ?? 1) * (del.length === 0 && size >= target ? 0 : f));
    for (const k of del) factor.set(k, (factor.get(k) ?? 1) / f);
  }
  return (kind) => factor.get(kind) ?? 1;
}

/** The steers of the NB tables (STEERED) for their targets. */
export function tableSteers(nb: MemNb, targets: ReadonlyMap<string, number>): Steer[] {
  return Object.entries(STEERED).map(([t, kinds]) => ({ size: nb.rows(t).size, target: targets.get(t)!, ...kinds }));
}

/**
 * How far from its target a steered quantity may be and count as settled (inBand): this share of the target,
 * at least BAND_MIN_ROWS rows (a table of 16 rows moves by one row, 6 %, at each edit).
 */
export const BAND_SHARE = 0.2;
export const BAND_MIN_ROWS = 3;

/** Whether a steered quantity is within its band around its target. */
export function inBand({ size, target }: Pick<Steer, 'size' | 'target'>): boolean {
  return Math.abs(size - target) <= Math.max(BAND_MIN_ROWS, BAND_SHARE * target);
}

/**
 * How a chassis' slice (sliceSize) is steered: the edit kinds that add or remove a whole datapath of it (an
 * extra switch on the cluster router, with its router port; a switch deleted), pulled hard (gain 10: the
 * slice stays within some ±10 % of its target where gain 2 let it wander ±25 %, each of these edits moving it
 * by a few rows). Port additions and deletions are left to the Logical_Switch_Port table's balance: they land
 * in or out of a slice at random, and steering them for the slice let the ports outside it grow. Switch
 * deletions are left to the Logical_Switch table's balance too: pulled at gain 10 for the slices they held
 * that table at ~9 rows against its target of ~16 over a 200k run (and router ports 37 → 23).
 */
export const SLICE_KINDS = { add: ['lrp-add'], del: ['lrp-del'], gain: 10 } as const;

/**
 * A chassis' slice as the NB shapes it: the logical switches and routers its ports' switches reach through
 * router ports (switch ports of type router, router-to-router peers), as ovn-controller's local datapaths
 * follow patch ports, not entering a gateway router pinned to another chassis; counted as those datapaths
 * plus their ports (each port is per-port logical flows, each datapath its pipeline).
 */
export function sliceSize(nb: MemNb, switches: readonly string[], chassis: string): number {
  const lrpByName = new Map<string, string>();
  const routerOfLrp = new Map<string, string>();
  for (const [u, r] of nb.rows('Logical_Router'))
    for (const p of r['ports'] as string[]) {
      routerOfLrp.set(p, u);
      const name = nb.get('Logical_Router_Port', p)?.['name'];
      if (typeof name === 'string') lrpByName.set(name, p);
    }
  const switchOfLsp = new Map<string, string>();
  for (const [u, s] of nb.rows('Logical_Switch')) for (const p of s['ports'] as string[]) switchOfLsp.set(p, u);
  // Router port → switches attached to it (by their router-type ports).
  const switchesOfLrp = new Map<string, string[]>();
  for (const [u, p] of nb.rows('Logical_Switch_Port')) {
    const peer = p['type'] === 'router' ? (p['options'] as Record<string, string>)['router-port'] : undefined;
    const lrp = peer === undefined ? undefined : lrpByName.get(peer);
    const ls = switchOfLsp.get(u);
    if (lrp !== undefined && ls !== undefined) switchesOfLrp.set(lrp, [...(switchesOfLrp.get(lrp) ?? []), ls]);
  }
  const pinnedElsewhere = (lr: string) => {
    const c = (nb.get('Logical_Router', lr)?.['options'] as Record<string, string> | undefined)?.['chassis'];
    return c !== undefined && c !== chassis;
  };
  const seen = new Set<string>();
  const todo = [...nb.rows('Logical_Switch')].filter(([, s]) => switches.includes(String(s['name']))).map(([u]) => u);
  let size = 0;
  while (todo.length) {
    const dp = todo.pop()!;
    if (seen.has(dp)) continue;
    seen.add(dp);
    const ls = nb.get('Logical_Switch', dp);
    const ports = ((ls ?? nb.get('Logical_Router', dp))?.['ports'] ?? []) as string[];
    size += 1 + ports.length;
    if (ls) {
      for (const p of ports) {
        const row = nb.get('Logical_Switch_Port', p);
        const peer = row?.['type'] === 'router' ? (row['options'] as Record<string, string>)['router-port'] : undefined;
        const lr = peer === undefined ? undefined : routerOfLrp.get(lrpByName.get(peer) ?? '');
        if (lr !== undefined && !pinnedElsewhere(lr)) todo.push(lr);
      }
    } else {
      for (const p of ports) {
        for (const s of switchesOfLrp.get(p) ?? []) todo.push(s);
        const peer = nb.get('Logical_Router_Port', p)?.['peer'];
        const other = typeof peer === 'string' ? routerOfLrp.get(lrpByName.get(peer) ?? '') : undefined;
        if (other !== undefined && !pinnedElsewhere(other)) todo.push(other);
      }
    }
  }
  return size;
}
