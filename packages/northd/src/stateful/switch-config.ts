// What is stateful on one switch: its ACLs (own and from port groups with ports on it), its load
// balancers (own and through groups), and the three flags the 23.03 pipeline keys its conntrack
// stages on.
import type { ACL, LoadBalancer } from '@ovnts/schema/nb';
import type { NbInput } from '../input.js';
import type { RouterDatapath, SwitchDatapath } from '../topology.js';
import type { ResolvedPortGroup } from './port-groups.js';
import { CT_MARK, type CtDialect } from '../chassis-features.js';
import { smapBool } from '../router-options.js';

/** The flags the core switch builder needs to leave out the "nothing stateful" skeleton flows. */
export interface ConntrackFlags {
  /** Any ACL applies to the switch. */
  readonly hasAcls: boolean;
  /** Any of them is allow-related: every IP packet then goes through conntrack. */
  readonly hasStatefulAcl: boolean;
  /** A load balancer with at least one VIP applies to the switch. */
  readonly hasLbVip: boolean;
  /** External MACs of distributed floating IPs, by router NB UUID (they ARP from those MACs too). */
  readonly routerNatMacs: ReadonlyMap<string, readonly string[]>;
  /** The conntrack vocabulary the chassis understand. */
  readonly ct: CtDialect;
  /** NB_Global options every switch's ACL stages follow. */
  readonly acl: AclOptions;
}

/** NB_Global options of the ACL stages, as ovn-northd 23.03 reads them. */
export interface AclOptions {
  /** use_ct_inv_match (default true): invalid connections are matched (ct.inv) and dropped. */
  readonly ctInvMatch: boolean;
  /** default_acl_drop (default false): traffic no ACL allows is dropped. */
  readonly defaultDrop: boolean;
  /** The NB meters that are fair: an ACL logging through one names its own copy (stateful/meters.ts). */
  readonly fairMeters: ReadonlySet<string>;
  /** `fairMeters`, sorted and joined (the ACL unit memos key on it). */
  readonly fairSig: string;
}

const NO_FAIR_METERS: ReadonlySet<string> = new Set();
export const DEFAULT_ACL_OPTIONS: AclOptions = {
  ctInvMatch: true,
  defaultDrop: false,
  fairMeters: NO_FAIR_METERS,
  fairSig: '',
};

export function aclOptions(
  nbGlobal: Readonly<Record<string, string>>,
  fairMeters: ReadonlySet<string> = NO_FAIR_METERS,
): AclOptions {
  const ctInvMatch = smapBool(nbGlobal, 'use_ct_inv_match', true);
  const defaultDrop = smapBool(nbGlobal, 'default_acl_drop', false);
  if (ctInvMatch && !defaultDrop && !fairMeters.size) return DEFAULT_ACL_OPTIONS;
  return { ctInvMatch, defaultDrop, fairMeters, fairSig: [...fairMeters].sort().join(',') };
}

export const sameAclOptions = (a: AclOptions, b: AclOptions) =>
  a.ctInvMatch === b.ctInvMatch && a.defaultDrop === b.defaultDrop && a.fairSig === b.fairSig;

export const NO_CONNTRACK: ConntrackFlags = {
  hasAcls: false,
  hasStatefulAcl: false,
  hasLbVip: false,
  routerNatMacs: new Map(),
  ct: CT_MARK,
  acl: DEFAULT_ACL_OPTIONS,
};

export interface SwitchStateful extends ConntrackFlags {
  readonly acls: readonly ACL[];
  readonly lbs: readonly LoadBalancer[];
}

export interface StatefulContext {
  readonly nb: NbInput;
  /** switchLbs(), possibly from a cache (300 switches applying one group of 5000 share the answer). */
  readonly switchLbs?: (sw: SwitchDatapath) => SwitchLbs;
  readonly portGroups: readonly ResolvedPortGroup[];
  readonly routerNatMacs: ReadonlyMap<string, readonly string[]>;
  readonly ct: CtDialect;
  readonly acl: AclOptions;
  /**
   * The switch's ACL rows, when the caller knows them unchanged since it last asked (its own and its
   * port groups'; portGroups is then not read).
   */
  readonly acls?: readonly ACL[];
}

export interface SwitchLbs {
  /** Own and through groups, each once, in first-seen order. */
  readonly lbs: readonly LoadBalancer[];
  readonly hasLbVip: boolean;
}

/** NB_Global options:install_ls_lb_from_router: switches apply the load balancers of their routers too. */
export function lbsFromRouters(global: { readonly options: Readonly<Record<string, string>> } | undefined): boolean {
  return smapBool(global?.options ?? {}, 'install_ls_lb_from_router', false);
}

/** The routers a switch's router-type ports lead to (with `fromRouters`, their balancers are the switch's). */
export function peerRoutersOf(sw: SwitchDatapath): RouterDatapath[] {
  const out = new Set<RouterDatapath>();
  for (const p of sw.routerPorts) if (p.peer) out.add(p.peer.dp);
  return [...out];
}

/**
 * The load balancers applying to a switch (its own, then its groups'; with `fromRouters`, then those
 * of its peer routers, see lbsFromRouters).
 */
export function switchLbs(sw: SwitchDatapath, nb: NbInput, fromRouters = false): SwitchLbs {
  const lbs = new Map<string, LoadBalancer>();
  const addLb = (u: string) => {
    const lb = nb.Load_Balancer.get(u as never);
    if (lb) lbs.set(lb._uuid, lb);
  };
  const addAll = (row: { load_balancer: readonly string[]; load_balancer_group: readonly string[] }) => {
    for (const u of row.load_balancer) addLb(u);
    for (const g of row.load_balancer_group)
      for (const u of nb.Load_Balancer_Group.get(g as never)?.load_balancer ?? []) addLb(u);
  };
  addAll(sw.nb);
  // The switch-wide conntrack stages follow its own balancers only, as in ovn-northd.
  const hasLbVip = [...lbs.values()].some((lb) => Object.keys(lb.vips).length > 0);
  if (fromRouters) for (const lr of peerRoutersOf(sw)) addAll(lr.nb);
  return { lbs: [...lbs.values()], hasLbVip };
}

/** The same state with other balancer rows (same flags); one literal shape, not a spread per switch. */
export function withLbs(st: SwitchStateful, lbs: readonly LoadBalancer[]): SwitchStateful {
  return {
    acls: st.acls,
    lbs,
    hasAcls: st.hasAcls,
    hasStatefulAcl: st.hasStatefulAcl,
    hasLbVip: st.hasLbVip,
    routerNatMacs: st.routerNatMacs,
    ct: st.ct,
    acl: st.acl,
  };
}

export function switchStateful(sw: SwitchDatapath, ctx: StatefulContext): SwitchStateful {
  const aclList = ctx.acls ?? switchAcls(sw, ctx);
  const lb = ctx.switchLbs ? ctx.switchLbs(sw) : switchLbs(sw, ctx.nb);
  return {
    acls: aclList,
    lbs: lb.lbs,
    hasAcls: aclList.length > 0,
    hasStatefulAcl: aclList.some((a) => a.action === 'allow-related'),
    hasLbVip: lb.hasLbVip,
    routerNatMacs: ctx.routerNatMacs,
    ct: ctx.ct,
    acl: ctx.acl,
  };
}

/** A switch's ACL rows: its own, then its port groups' (each once, in first-seen order). */
function switchAcls(sw: SwitchDatapath, ctx: StatefulContext): ACL[] {
  const { nb } = ctx;
  const acls = new Map<string, ACL>();
  for (const u of sw.nb.acls) {
    const a = nb.ACL.get(u);
    if (a) acls.set(a._uuid, a);
  }
  for (const pg of ctx.portGroups) {
    if (!pg.bySwitch.has(sw.uuid)) continue;
    for (const u of pg.nb.acls) {
      const a = nb.ACL.get(u);
      if (a) acls.set(a._uuid, a);
    }
  }
  return [...acls.values()];
}
