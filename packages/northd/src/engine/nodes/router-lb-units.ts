// The memoized per-balancer flow units of node `routers`, shared between routers of the same shape: one
// balancer's flows are built once for the gateway routers applying it, not once per router. They hold no
// per-router state, so the node's clear() keeps them.
import { CT_MARK, type CtDialect } from '../../chassis-features.js';
import { lbForcesSnat } from '../../router-options.js';
import { redirectPorts } from '../../stateful/gateway-bindings.js';
import type { ParsedLb } from '../../stateful/lb-vip.js';
import { buildRouterLbFlows } from '../../stateful/router-lb.js';
import type { RouterDatapath } from '../../topology.js';
import { collect, type FlowSpec } from '../flow-set.js';

/**
 * What a router's balancer units depend on besides the balancer: whether it forces SNAT for LB traffic
 * and, on a distributed router, its first gateway port (computed once per router, not per balancer).
 */
export function routerLbShape(lr: RouterDatapath): string {
  const known = shapes.get(lr);
  // A router's row or ports change in a new row object or a rebuilt router (topology-rebuild.ts).
  if (known && known.nb === lr.nb && known.ports === lr.ports) return known.shape;
  const dgp = redirectPorts(lr).keys().next().value;
  const shape = `${lbForcesSnat(lr.nb) ? 'force_snat' : ''}${dgp === undefined ? '' : `|dgp:${dgp}`}`;
  shapes.set(lr, { nb: lr.nb, ports: lr.ports, shape });
  return shape;
}

/** Per router, its shape and what it was read from: a backend change visits 300 gateway routers. */
const shapes = new WeakMap<
  RouterDatapath,
  { readonly nb: RouterDatapath['nb']; readonly ports: RouterDatapath['ports']; readonly shape: string }
>();

export class RouterLbUnitMemo {
  private units = new WeakMap<ParsedLb, Map<string, readonly FlowSpec[]>>();
  /** The keys of the router's aggregate flows, left out of each balancer's unit. */
  private aggKeys: ReadonlySet<string> | undefined;
  /** The conntrack dialect the memoized units were built in. */
  private dialect: CtDialect = CT_MARK;

  /** Forgets the units when the chassis' conntrack dialect changed. */
  useCt(ct: CtDialect): void {
    if (ct === this.dialect) return;
    this.dialect = ct;
    this.units = new WeakMap();
    this.aggKeys = undefined;
  }

  /** Balancer `p`'s unit on router `lr`; `external`: the router's NAT addresses; `shape`: routerLbShape(lr). */
  unit(lr: RouterDatapath, p: ParsedLb, external: ReadonlySet<string>, shape: string): readonly FlowSpec[] {
    let m = this.units.get(p);
    if (!m) this.units.set(p, (m = new Map()));
    // The flows depend on which of its VIPs are NAT addresses of the router (not the router's other
    // NAT addresses: every gateway router of ovn-kubernetes has its own, and they share these units)
    // and on the router's shape.
    let sig = shape;
    for (const v of p.vips) if (external.has(v.ip)) sig += `|${v.ip}`;
    let u = m.get(sig);
    if (!u) {
      const noLbs = { lbs: [], ips: new Set(['0.0.0.0']), reachable4: [], reachable6: [] };
      this.aggKeys ??= new Set(
        collect((add) => buildRouterLbFlows(lr, noLbs, undefined, new Set(), this.dialect, add)).map((f) => f.key),
      );
      u = collect(
        (add) => buildRouterLbFlows(lr, { ...noLbs, lbs: [p] }, undefined, external, this.dialect, add),
        this.aggKeys,
      );
      m.set(sig, u);
    }
    return u;
  }
}
