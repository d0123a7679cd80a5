// Node `load_balancers`: parsed balancers and the balancer lists datapaths apply (shared by the hundreds
// of switches and routers with the same balancers and groups), and for each changed balancer what it
// affects: its flow unit on the datapaths applying it, their whole balancer set, or a router's shape.
import type { LoadBalancer } from '@ovnts/schema/nb';
import { globalControllerEvent, parseLb, type ParsedLb } from '../../stateful/lb-vip.js';
import { lbsFromRouters, peerRoutersOf, switchLbs, type SwitchLbs } from '../../stateful/switch-config.js';
import { reportUnsupportedLb } from '../../stateful/unsupported.js';
import type { RouterDatapath, SwitchDatapath } from '../../topology.js';
import type { NodeData } from '../inc-engine.js';
import type { EngineContext, NbInputs } from './inputs.js';
import type { ServiceMonitorsNode } from './service-monitors.js';
import type { TopologyNode } from './topology.js';
import { addTo, changedColumns, delFrom, lbConfigSig, sameKeys } from './util.js';

export class LoadBalancersNode implements NodeData {
  /** Load balancer → groups holding it. */
  private readonly lbGroups = new Map<string, Set<string>>();
  private parsedLbs = new WeakMap<LoadBalancer, ParsedLb>();
  /** NB_Global options:controller_event (every balancer's VIPs without backends trigger events). */
  private controllerEvent = false;
  /**
   * Balancer lists by a datapath's balancers and groups (lbConfigSig), shared by the 300 switches or
   * routers that apply one service group; kept until a balancer or group changes (noteChanges).
   */
  private readonly rtrLbLists = new Map<string, readonly ParsedLb[]>();
  private readonly swLbLists = new Map<string, SwitchLbs>();
  /**
   * NB_Global options:install_ls_lb_from_router: switches apply their peer routers' balancers too. A
   * balancer on a router then reaches the router's peer switches (dpsOf); a router's balancer columns or
   * peering change make the topology node mark those switches changed, and their lists are keyed by the
   * routers' configuration too (switchLbs).
   */
  fromRouters = false;

  // Tracked output.
  recomputed = false;
  /** Datapaths whose whole balancer set changed. */
  readonly lbAll = new Set<string>();
  /** Datapath → balancers whose rows changed (their units only). */
  readonly lbUnits = new Map<string, Set<string>>();
  /** Balancers whose SB rows to revisit. */
  readonly rows = new Set<string>();
  /** Routers to recompute (VIP keys or other columns changed), and routers whose peers to recompute too. */
  readonly routersReshaped = new Set<string>();
  readonly routerPeers = new Set<string>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly nb: NbInputs,
    private readonly topo: TopologyNode,
    private readonly svc: ServiceMonitorsNode,
  ) {}

  clearTracked(): void {
    this.recomputed = false;
    for (const s of [this.lbAll, this.rows, this.routersReshaped, this.routerPeers]) s.clear();
    this.lbUnits.clear();
  }

  updated(): boolean {
    return this.recomputed || this.lbAll.size + this.lbUnits.size + this.rows.size + this.routersReshaped.size > 0;
  }

  clear(): void {
    this.lbGroups.clear();
    this.rtrLbLists.clear();
    this.swLbLists.clear();
  }

  recompute(): void {
    this.clear();
    this.recomputed = true;
    const global = [...this.nb.view.NB_Global.values()][0];
    this.fromRouters = lbsFromRouters(global);
    const ev = globalControllerEvent(global?.options);
    if (ev !== this.controllerEvent) {
      this.controllerEvent = ev;
      this.parsedLbs = new WeakMap();
    }
    for (const g of this.nb.view.Load_Balancer_Group.values())
      for (const lb of g.load_balancer) addTo(this.lbGroups, lb, g._uuid);
  }

  // ---- handlers ----

  /** The balancer lists keep rows by index only: a recomputed topology re-reads every datapath. */
  onTopology(): boolean {
    return !this.topo.recomputed;
  }

  /** Either global option changing is rare and reshapes every balancer's flows: recompute. */
  onGlobal(): boolean {
    const global = [...this.nb.view.NB_Global.values()][0];
    return (
      lbsFromRouters(global) === this.fromRouters && globalControllerEvent(global?.options) === this.controllerEvent
    );
  }

  onLoadBalancer(): boolean {
    for (const c of this.nb.tables.Load_Balancer.changes) {
      this.rtrLbLists.clear();
      // With routers' balancers in the switch lists, a list's hasLbVip is not the in-place update's.
      if (c.kind !== 'modify' || this.fromRouters) this.swLbLists.clear();
      else this.replaceInLists(c.old, c.new);
      if (c.kind === 'insert') continue; // a new balancer applies through its datapath's row
      this.rows.add(c.uuid);
      const dps = this.dpsOf(c.uuid);
      if (c.kind === 'delete') {
        for (const dp of dps) this.lbAll.add(dp);
        continue;
      }
      const ov = c.old.vips;
      const nv = c.new.vips;
      const emptiness = Object.keys(ov).length === 0 || Object.keys(nv).length === 0;
      const routerShape =
        !sameKeys(ov, nv) || [...changedColumns(c.old, c.new)].some((k) => k !== 'vips' && k !== 'name');
      for (const dp of dps) {
        const router = this.topo.routers.has(dp);
        if (emptiness) this.lbAll.add(dp);
        else if (router && routerShape) {
          this.routersReshaped.add(dp);
          this.routerPeers.add(dp);
        } else addTo(this.lbUnits, dp, c.uuid);
        if (router && emptiness) this.routerPeers.add(dp);
      }
    }
    return true;
  }

  onLoadBalancerGroup(): boolean {
    for (const c of this.nb.tables.Load_Balancer_Group.changes) {
      this.rtrLbLists.clear();
      this.swLbLists.clear();
      for (const lb of c.old?.load_balancer ?? []) delFrom(this.lbGroups, lb, c.uuid);
      for (const lb of c.new?.load_balancer ?? []) addTo(this.lbGroups, lb, c.uuid);
      for (const lb of new Set([...(c.old?.load_balancer ?? []), ...(c.new?.load_balancer ?? [])])) this.rows.add(lb);
      for (const dp of this.withRouterPeers(new Set(this.topo.index.dpsOfGroup(c.uuid)))) {
        this.lbAll.add(dp);
        if (this.topo.routers.has(dp)) this.routerPeers.add(dp);
      }
    }
    return true;
  }

  /** Health checks changed what some balancers' VIPs balance over: their units, wherever applied. */
  onServiceMonitors(): boolean {
    const changed = this.svc.lbsChanged;
    if (this.svc.recomputed) return false;
    if (changed.size) this.rtrLbLists.clear();
    for (const lb of changed) for (const dp of this.dpsOf(lb)) addTo(this.lbUnits, dp, lb);
    return true;
  }

  // ---- outputs ----

  /** A balancer parsed, its health-checked VIPs balancing over the backends online (service-monitors.ts). */
  parsed(lb: LoadBalancer): ParsedLb {
    let p = this.parsedLbs.get(lb);
    if (!p) {
      reportUnsupportedLb(lb, this.ctx.diag);
      p = parseLb(lb, this.ctx.diag, this.controllerEvent);
      this.parsedLbs.set(lb, p);
    }
    return this.svc.withHealth(p);
  }

  /** A switch's load balancers, shared by switches with the same balancers and groups. */
  switchLbs(sw: SwitchDatapath): SwitchLbs {
    let sig = lbConfigSig(sw.nb);
    if (this.fromRouters) for (const lr of peerRoutersOf(sw)) sig += `/${lbConfigSig(lr.nb)}`;
    let l = this.swLbLists.get(sig);
    if (!l) this.swLbLists.set(sig, (l = switchLbs(sw, this.nb.view, this.fromRouters)));
    return l;
  }

  /** A router's load balancers, parsed, in UUID order; shared by routers with the same balancers and groups. */
  routerLbs(lr: RouterDatapath): readonly ParsedLb[] {
    const sig = lbConfigSig(lr.nb);
    let l = this.rtrLbLists.get(sig);
    if (!l) this.rtrLbLists.set(sig, (l = this.routerLbRows(lr).map((r) => this.parsed(r))));
    return l;
  }

  private routerLbRows(lr: RouterDatapath): LoadBalancer[] {
    const nb = this.nb.view;
    const uuids = new Set<string>(lr.nb.load_balancer);
    for (const g of lr.nb.load_balancer_group)
      for (const u of nb.Load_Balancer_Group.get(g)?.load_balancer ?? []) uuids.add(u);
    const rows: LoadBalancer[] = [];
    for (const u of [...uuids].sort()) {
      const r = nb.Load_Balancer.get(u as LoadBalancer['_uuid']);
      if (r) rows.push(r);
    }
    return rows;
  }

  /** Datapaths a load balancer applies to (directly or through groups). */
  private dpsOf(lb: string): Set<string> {
    const out = new Set(this.topo.index.lbDirect.get(lb) ?? []);
    for (const g of this.lbGroups.get(lb) ?? []) for (const dp of this.topo.index.dpsOfGroup(g)) out.add(dp);
    return this.withRouterPeers(out);
  }

  /** With install_ls_lb_from_router, the switches applying the balancers of the routers in `dps` too. */
  private withRouterPeers(dps: Set<string>): Set<string> {
    if (!this.fromRouters) return dps;
    for (const dp of [...dps]) {
      const lr = this.topo.routers.get(dp);
      if (!lr) continue;
      for (const s of this.topo.peerSwitches(lr)) {
        const sw = this.topo.switches.get(s);
        if (sw && peerRoutersOf(sw).includes(lr)) dps.add(s);
      }
    }
    return dps;
  }

  /**
   * A balancer whose row changed (a backend added) is replaced in place in the switch lists; a list
   * holding an older row of it starts over.
   */
  private replaceInLists(old: LoadBalancer, now: LoadBalancer): void {
    for (const [sig, l] of this.swLbLists) {
      const i = l.lbs.indexOf(old);
      if (i < 0) {
        if (l.lbs.some((lb) => lb._uuid === old._uuid)) this.swLbLists.delete(sig);
        continue;
      }
      const lbs = [...l.lbs];
      lbs[i] = now;
      const hasVip = (lb: LoadBalancer) => Object.keys(lb.vips).length > 0;
      // Only a balancer losing its last VIP can change the answer to false.
      const hasLbVip = hasVip(now) || (l.hasLbVip && (!hasVip(old) || lbs.some(hasVip)));
      this.swLbLists.set(sig, { lbs, hasLbVip });
    }
  }
}
