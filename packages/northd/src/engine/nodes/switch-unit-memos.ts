// The memoized ACL and load-balancer flow units of node `switches`, shared between switches with the same
// inputs: one ACL's flows are built once per set of switch flags, one VIP's once for the 300 switches
// applying it. They hold no per-switch state, so the node's clear() keeps them.
import type { ACL } from '@ovnts/schema/nb';
import { CT_MARK, type CtDialect } from '../../chassis-features.js';
import { buildAclFlows, buildOneAclFlows } from '../../stateful/acl.js';
import type { ParsedLb } from '../../stateful/lb-vip.js';
import type { SwitchStateful } from '../../stateful/switch-config.js';
import { buildSwitchLbFlows } from '../../stateful/switch-lb.js';
import type { SwitchDatapath } from '../../topology.js';
import { BoundedMemo } from '../../bounded-memo.js';
import { collect, type FlowSpec } from '../flow-set.js';

/** The switch flags an ACL stage's flows depend on, as one string. */
export const flagsSig = (st: SwitchStateful) =>
  `${+st.hasAcls}${+st.hasStatefulAcl}${+st.hasLbVip}${st.ct.flags}${+st.ct.lbRelated}${+st.acl.ctInvMatch}${+st.acl.defaultDrop}${st.acl.fairSig}`;
/** ACL and balancer units name no switch port: they are built for a switch without any. */
const NO_PORTS = { ports: [] };

/**
 * Entries per generation of the ACL aggregate memo at most (it holds at most twice its generation). Each
 * switch uses one aggregate at a time, so the generation follows the switches (sizeAggregates), from
 * ACL_AGGS_MIN_GENERATION: a fixed 4096 filled up with the port names of deleted router ports over a long run
 * (~2 KB an entry; issue 24's soak, northd's live heap +16 MB over 200k NB edits).
 */
export const ACL_AGGS_GENERATION = 4096;
export const ACL_AGGS_MIN_GENERATION = 256;

export class AclUnitMemo {
  private readonly units = new WeakMap<ACL, Map<string, readonly FlowSpec[]>>();
  /** Per flags: the keys of the aggregate's flows, left out of each ACL's unit. */
  private readonly aggKeys = new Map<string, ReadonlySet<string>>();
  /**
   * The ACL stages' fixed flows by switch flags and router/localnet port names: bounded (names of deleted
   * ports would otherwise pile up); at most 2 × the generation, each mostly shared with a live switch's unit.
   */
  private readonly aggs = new BoundedMemo<string, readonly FlowSpec[]>(ACL_AGGS_GENERATION);

  /** Sizes the aggregate memo to `switches` in use (within ACL_AGGS_MIN_GENERATION..ACL_AGGS_GENERATION). */
  sizeAggregates(switches: number): void {
    this.aggs.resize(Math.min(ACL_AGGS_GENERATION, Math.max(ACL_AGGS_MIN_GENERATION, switches)));
  }

  /** The ACL stages' fixed flows of a switch, shared by switches with the same flags and port names. */
  aggregate(sw: SwitchDatapath, st: SwitchStateful): readonly FlowSpec[] {
    let names = '';
    for (const p of sw.ports) if (p.type === 'router' || p.type === 'localnet') names += `${p.name}\u0000`;
    const key = `${flagsSig(st)}|${names}`;
    return this.aggs.get(key, () => collect((add) => buildAclFlows(sw, { ...st, acls: [] }, add)));
  }

  /** One ACL row's own flows under a switch's flags. */
  unit(a: ACL, st: SwitchStateful): readonly FlowSpec[] {
    const sig = flagsSig(st);
    let m = this.units.get(a);
    if (!m) this.units.set(a, (m = new Map()));
    let u = m.get(sig);
    if (!u) {
      const flags = {
        hasAcls: true,
        hasStatefulAcl: st.hasStatefulAcl,
        hasLbVip: st.hasLbVip,
        routerNatMacs: st.routerNatMacs,
        ct: st.ct,
        acl: st.acl,
      };
      let agg = this.aggKeys.get(sig);
      if (!agg) {
        agg = new Set(
          collect((add) => buildAclFlows(NO_PORTS, { ...flags, acls: [], lbs: [] }, add)).map((f) => f.key),
        );
        this.aggKeys.set(sig, agg);
      }
      u = collect((add) => buildOneAclFlows(a, flags, add), agg);
      m.set(sig, u);
    }
    return u;
  }
}

export class LbUnitMemo {
  private units = new WeakMap<ParsedLb, readonly FlowSpec[]>();
  private readonly aggs = new Map<boolean, readonly FlowSpec[]>();
  /** The conntrack dialect the memoized units were built in. */
  private dialect: CtDialect = CT_MARK;

  get ct(): CtDialect {
    return this.dialect;
  }

  /** Forgets the units when the chassis' conntrack dialect changed. */
  useCt(ct: CtDialect): void {
    if (ct === this.dialect) return;
    this.dialect = ct;
    this.units = new WeakMap();
    this.aggs.clear();
  }

  aggregate(hasLbVip: boolean): readonly FlowSpec[] {
    let u = this.aggs.get(hasLbVip);
    if (!u) this.aggs.set(hasLbVip, (u = collect((add) => buildSwitchLbFlows([], hasLbVip, this.dialect, add))));
    return u;
  }

  unit(p: ParsedLb): readonly FlowSpec[] {
    let u = this.units.get(p);
    if (!u) this.units.set(p, (u = collect((add) => buildSwitchLbFlows([p], false, this.dialect, add))));
    return u;
  }
}
