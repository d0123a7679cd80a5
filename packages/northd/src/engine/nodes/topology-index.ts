// The topology node's indexes: which datapaths name an NB row, so a change of that row reaches them.
import type { LogicalRouter } from '@ovnts/schema/nb';
import type { SwitchDatapath } from '../../topology.js';
import { addTo, delFrom } from './util.js';

const sameList = (a: readonly string[], b: readonly string[]) =>
  a === b || (a.length === b.length && a.every((x, i) => x === b[i]));

export class TopologyIndex {
  /** Switch port row → its switch; router port row → its router. */
  readonly lspSwitch = new Map<string, string>();
  readonly lrpRouter = new Map<string, string>();
  /** Static route → routers naming it; NAT row → routers naming it. */
  readonly routeRouter = new Map<string, Set<string>>();
  readonly natRouter = new Map<string, Set<string>>();
  /** Router port name → switches whose router-type ports name it. */
  readonly rpClaims = new Map<string, Set<string>>();
  /** ACL → switches naming it directly. */
  readonly aclSwitches = new Map<string, Set<string>>();
  /** Load balancer → datapaths naming it directly; load balancer group → datapaths naming it. */
  readonly lbDirect = new Map<string, Set<string>>();
  private readonly groupDps = new Map<string, Set<string>>();

  clear(): void {
    this.lspSwitch.clear();
    this.lrpRouter.clear();
    for (const m of [this.routeRouter, this.natRouter, this.rpClaims, this.aclSwitches, this.lbDirect, this.groupDps])
      m.clear();
  }

  /** Datapaths a load balancer group is applied to. */
  dpsOfGroup(group: string): ReadonlySet<string> {
    return this.groupDps.get(group) ?? new Set();
  }

  indexSwitch(ls: SwitchDatapath, add: boolean): void {
    const f = add ? addTo : delFrom;
    for (const p of ls.ports) if (add) this.lspSwitch.set(p.nb._uuid, ls.uuid);
    for (const u of ls.nb.ports) if (add) this.lspSwitch.set(u, ls.uuid);
    if (!add) for (const u of ls.nb.ports) if (this.lspSwitch.get(u) === ls.uuid) this.lspSwitch.delete(u);
    for (const a of ls.nb.acls) f(this.aclSwitches, a, ls.uuid);
    for (const p of ls.routerPorts) f(this.rpClaims, p.nb.options['router-port'] ?? '', ls.uuid);
    for (const lb of ls.nb.load_balancer) f(this.lbDirect, lb, ls.uuid);
    for (const g of ls.nb.load_balancer_group) f(this.groupDps, g, ls.uuid);
  }

  /**
   * A switch re-read in place (`before`: its row and router ports as indexed), by difference: the same
   * entries as indexSwitch(before, false) then indexSwitch(ls, true), but a port added to a switch of 100
   * touches one port entry, and columns whose lists did not change are left as they are.
   */
  reindexSwitch(before: Pick<SwitchDatapath, 'nb' | 'routerPorts'>, ls: SwitchDatapath): void {
    const id = ls.uuid;
    const was = before.nb;
    const now = ls.nb;
    if (was.ports !== now.ports) {
      const next = new Set<string>(now.ports);
      for (const u of was.ports) if (!next.has(u) && this.lspSwitch.get(u) === id) this.lspSwitch.delete(u);
    }
    // Every current row (and port) points at this switch, as indexSwitch(ls, true) leaves it.
    for (const u of now.ports) if (this.lspSwitch.get(u) !== id) this.lspSwitch.set(u, id);
    for (const p of ls.ports) if (this.lspSwitch.get(p.nb._uuid) !== id) this.lspSwitch.set(p.nb._uuid, id);
    const relist = (m: Map<string, Set<string>>, a: readonly string[], b: readonly string[]) => {
      if (sameList(a, b)) return;
      for (const k of a) delFrom(m, k, id);
      for (const k of b) addTo(m, k, id);
    };
    relist(this.aclSwitches, was.acls, now.acls);
    const rp = (ps: SwitchDatapath['routerPorts']) => ps.map((p) => p.nb.options['router-port'] ?? '');
    relist(this.rpClaims, rp(before.routerPorts), rp(ls.routerPorts));
    relist(this.lbDirect, was.load_balancer, now.load_balancer);
    relist(this.groupDps, was.load_balancer_group, now.load_balancer_group);
  }

  indexRouter(lr: LogicalRouter, add: boolean): void {
    const f = add ? addTo : delFrom;
    for (const u of lr.ports) {
      if (add) this.lrpRouter.set(u, lr._uuid);
      else if (this.lrpRouter.get(u) === lr._uuid) this.lrpRouter.delete(u);
    }
    for (const r of lr.static_routes) f(this.routeRouter, r, lr._uuid);
    for (const n of lr.nat) f(this.natRouter, n, lr._uuid);
    for (const lb of lr.load_balancer) f(this.lbDirect, lb, lr._uuid);
    for (const g of lr.load_balancer_group) f(this.groupDps, g, lr._uuid);
  }
}
