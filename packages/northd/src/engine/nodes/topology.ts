// Node `topology`: switches, routers and their ports as the builders see them (topology.ts), with the
// indexes the other nodes use to map an NB row to its datapaths, and the routers' distributed-NAT shape
// (which the bindings depend on). A switch or router whose rows changed is re-read in place; datapaths
// added or deleted, renames, tunnel key requests and router port names held twice make it recompute;
// switch port names held twice are handed over as the full build orders them (topology-rebuild.ts).
import type { LogicalRouter, LogicalSwitch } from '@ovnts/schema/nb';
import { datapathExternalIds } from '../../bindings.js';
import { lspUpMatters } from '../../change-filter.js';
import { buildTopology, type RouterDatapath, type RouterPort, type SwitchPort } from '../../topology.js';
import { distributedNatMacs, routersWithDistributedNat } from '../../stateful/gateway-bindings.js';
import type { NodeData } from '../inc-engine.js';
import type { EngineContext, NbInputs } from './inputs.js';
import { TopologyIndex } from './topology-index.js';
import { TopologyRebuild, type MutableRouter, type MutableSwitch } from './topology-rebuild.js';
import { changedColumns } from './util.js';

export type { MutableRouter, MutableSwitch } from './topology-rebuild.js';

const routerIds = (uuid: string, nb: LogicalRouter) =>
  JSON.stringify(datapathExternalIds({ kind: 'router', uuid, name: nb.name, nb }));
const switchIds = (uuid: string, nb: LogicalSwitch) =>
  JSON.stringify(datapathExternalIds({ kind: 'switch', uuid, name: nb.name, nb }));

export class TopologyNode implements NodeData {
  readonly switches = new Map<string, MutableSwitch>();
  readonly routers = new Map<string, MutableRouter>();
  readonly lsps = new Map<string, SwitchPort>();
  readonly lrps = new Map<string, RouterPort>();
  /** Which datapaths name an NB row (ports, routes, NAT, ACLs, load balancers and groups). */
  readonly index = new TopologyIndex();
  /**
   * NB_Global options:ignore_lsp_down=false: a port's `up` decides its flows, so a row differing only
   * in `up` is a new port (lspUpMatters).
   */
  lspUp = false;
  /** Routers with distributed NAT: the MACs their peers answer for, and which of them float IPs. */
  natMacs = new Map<string, string[]>();
  distNat = new Set<string>();

  // Noted by the handlers, applied by settle().
  private readonly rebuildSw = new Set<string>();
  /**
   * Switches queued for more than a change of their own row (a port row changed, a name handed over, a peer
   * router rebuilt): re-read in full; the others take their added ports by difference.
   */
  private readonly rereadSw = new Set<string>();
  private readonly rebuildLr = new Set<string>();
  private readonly routesLr = new Set<string>();
  private natShape = false;
  /** Switch rebuilds this settle, to stop a cascade of port-name handovers that would not end. */
  private rebuilds = 0;

  // Tracked output.
  recomputed = false;
  /** Switches whose ports were re-read. */
  readonly rebuiltSw = new Set<string>();
  /** Routers whose flows and bindings must be rebuilt (rows, ports, routes, peering, NAT shape). */
  readonly routersChanged = new Set<string>();
  /** Switches whose flows and bindings must be rebuilt (a peer router's row changed). */
  readonly switchesChanged = new Set<string>();
  /** Switch port UUIDs that came, went or were renamed (port groups resolve members by both). */
  readonly portsMoved = new Set<string>();

  private readonly rb: TopologyRebuild;

  constructor(
    private readonly ctx: EngineContext,
    private readonly nb: NbInputs,
  ) {
    this.rb = new TopologyRebuild(ctx, nb, this, {
      routersChanged: this.routersChanged,
      switchesChanged: this.switchesChanged,
      portsMoved: this.portsMoved,
      requeueSwitch: (uuid) => {
        this.rebuildSw.delete(uuid);
        this.rebuildSw.add(uuid);
        this.rereadSw.add(uuid);
      },
    });
  }

  clearTracked(): void {
    this.recomputed = this.natShape = false;
    for (const s of [this.rebuildSw, this.rereadSw, this.rebuildLr, this.routesLr, this.rebuiltSw, this.portsMoved])
      s.clear();
    this.rb.clearTracked();
    this.rebuilds = 0;
    this.routersChanged.clear();
    this.switchesChanged.clear();
  }

  updated(): boolean {
    return (
      this.recomputed ||
      this.rebuiltSw.size + this.routersChanged.size + this.switchesChanged.size + this.portsMoved.size > 0
    );
  }

  clear(): void {
    for (const m of [this.switches, this.routers, this.lsps, this.lrps]) m.clear();
    this.index.clear();
    this.rb.clear();
  }

  recompute(): void {
    this.clear();
    this.recomputed = true;
    const nb = this.nb.view;
    this.lspUp = lspUpMatters([...nb.NB_Global.values()][0]);
    const topo = buildTopology(nb, this.ctx.diag);
    for (const lr of topo.routers) this.routers.set(lr.uuid, lr as MutableRouter);
    for (const ls of topo.switches) this.switches.set(ls.uuid, ls as MutableSwitch);
    for (const [n, p] of topo.lsps) this.lsps.set(n, p);
    for (const [n, p] of topo.lrps) this.lrps.set(n, p);
    this.rb.claimAll();
    for (const lr of this.routers.values()) this.index.indexRouter(lr.nb, true);
    for (const ls of this.switches.values()) this.index.indexSwitch(ls, true);
    this.natMacs = distributedNatMacs(nb);
    this.distNat = routersWithDistributedNat(nb);
  }

  // ---- handlers ----

  /** Whether ports' `up` starts or stops mattering: rare, and every port row must be read again. */
  onGlobal(): boolean {
    return lspUpMatters([...this.nb.view.NB_Global.values()][0]) === this.lspUp;
  }

  onSwitch(): boolean {
    for (const c of this.nb.tables.Logical_Switch.changes) {
      if (c.kind !== 'modify') return false;
      const cols = changedColumns(c.old, c.new);
      const tnlKey = c.old.other_config['requested-tnl-key'] !== c.new.other_config['requested-tnl-key'];
      if (cols.has('name') || tnlKey) return false;
      // What the Datapath_Binding's external_ids say (name2, interconn-ts) is written by full runs.
      if (switchIds(c.uuid, c.old) !== switchIds(c.uuid, c.new)) return false;
      // Ports that came or went, duplicate names included: the rebuild hands names over.
      this.rebuildSw.add(c.uuid);
    }
    return true;
  }

  onSwitchPort(): boolean {
    for (const c of this.nb.tables.Logical_Switch_Port.changes) {
      if (c.kind === 'insert') continue; // its switch's ports column changes too
      if (c.kind === 'delete') this.rb.forgetLsp(c.uuid);
      const sw = this.index.lspSwitch.get(c.uuid);
      if (sw) this.reread(sw);
      // Every switch with a row of that name (the row may be in two switches; a rename hands it over).
      for (const s of this.rb.claimants(c.old.name)) if (this.switches.has(s)) this.reread(s);
      // A router-type port's router names it as its peer.
      for (const r of [c.old, c.new]) {
        if (r?.type !== 'router') continue;
        const rp = this.lrps.get(r.options['router-port'] ?? '');
        if (rp) this.routersChanged.add(rp.dp.uuid);
      }
    }
    return true;
  }

  onRouter(): boolean {
    for (const c of this.nb.tables.Logical_Router.changes) {
      if (c.kind !== 'modify') return false;
      const cols = changedColumns(c.old, c.new);
      const tnlKey = c.old.options['requested-tnl-key'] !== c.new.options['requested-tnl-key'];
      if (cols.has('name') || tnlKey) return false;
      // What the Datapath_Binding's external_ids say (snat-ct-zone, learning, name2) is written by full runs.
      if (routerIds(c.uuid, c.old) !== routerIds(c.uuid, c.new)) return false;
      if (cols.has('ports')) {
        const before = new Set<string>(c.old.ports);
        for (const u of c.new.ports) {
          if (before.has(u)) continue;
          const r = this.nb.view.Logical_Router_Port.get(u);
          if (r && this.routerNameTaken(r.name, u)) return false;
        }
        for (const u of before) {
          const r = this.routers.get(c.uuid)?.ports.find((p) => p.nb._uuid === u)?.nb;
          if (r && this.routerDup(r.name)) return false;
        }
        this.rebuildLr.add(c.uuid);
      }
      if (cols.has('static_routes')) this.routesLr.add(c.uuid);
      if (cols.has('nat')) this.natShape = true;
      if ([...cols].some((k) => k !== 'static_routes' && k !== 'policies' && k !== 'ports')) {
        this.routersChanged.add(c.uuid);
        const lr = this.routers.get(c.uuid);
        if (lr) for (const s of this.peerSwitches(lr)) this.switchesChanged.add(s);
      }
      if (cols.has('policies')) this.routersChanged.add(c.uuid);
    }
    return true;
  }

  onRouterPort(): boolean {
    for (const c of this.nb.tables.Logical_Router_Port.changes) {
      if (c.kind === 'insert') continue; // its router's ports column changes too
      if (this.routerDup(c.old.name)) return false;
      if (c.new && c.new.name !== c.old.name && this.routerNameTaken(c.new.name, c.uuid)) return false;
      const lr = this.index.lrpRouter.get(c.uuid);
      if (lr) this.rebuildLr.add(lr);
    }
    return true;
  }

  onStaticRoute(): boolean {
    for (const c of this.nb.tables.Logical_Router_Static_Route.changes)
      for (const lr of this.index.routeRouter.get(c.uuid) ?? []) this.routesLr.add(lr);
    return true;
  }

  /** A changed policy row: the routers naming it build their policy flows again (few routers, no index). */
  onPolicy(): boolean {
    for (const c of this.nb.tables.Logical_Router_Policy.changes)
      for (const lr of this.routers.values()) if (lr.nb.policies.includes(c.uuid)) this.routersChanged.add(lr.uuid);
    return true;
  }

  /** Which routers have distributed NAT (their cr- bindings and their peers' ARP flows depend on it). */
  onNat(): boolean {
    if (this.nb.tables.NAT.changes.length) this.natShape = true;
    return true;
  }

  settle(): boolean {
    if (this.natShape) this.settleNatShape();
    for (const uuid of this.rebuildLr) {
      const lr = this.routers.get(uuid);
      if (!lr) continue;
      for (const s of this.peerSwitches(lr)) this.reread(s);
      if (!this.rb.rebuildRouter(lr)) return false;
      // Its peers now, and switch ports naming one of its ports, not yet peered (rpClaims).
      for (const s of this.peerSwitches(this.routers.get(uuid)!)) this.reread(s);
    }
    for (const uuid of this.routesLr) {
      const lr = this.routers.get(uuid);
      if (lr && !this.rebuildLr.has(uuid)) this.rb.rebuildRoutes(lr);
    }
    for (const uuid of this.rebuildSw) {
      const sw = this.switches.get(uuid);
      if (!sw) continue;
      if (++this.rebuilds > 2 * this.switches.size + 100 || !this.rb.rebuildSwitch(sw, !this.rereadSw.has(uuid)))
        return false;
      this.rebuiltSw.add(uuid);
    }
    this.rb.resolvePeers();
    for (const uuid of this.routersChanged) {
      const lr = this.routers.get(uuid);
      if (lr) this.rb.refreshRouterRow(lr);
    }
    return true;
  }

  private settleNatShape(): void {
    const macs = distributedNatMacs(this.nb.view);
    const dist = routersWithDistributedNat(this.nb.view);
    for (const lr of new Set([...this.natMacs.keys(), ...macs.keys(), ...this.distNat, ...dist])) {
      if (
        JSON.stringify(this.natMacs.get(lr) ?? null) === JSON.stringify(macs.get(lr) ?? null) &&
        this.distNat.has(lr) === dist.has(lr)
      )
        continue;
      this.routersChanged.add(lr);
      const r = this.routers.get(lr);
      if (r) for (const s of this.peerSwitches(r)) this.switchesChanged.add(s);
    }
    this.natMacs = macs;
    this.distNat = dist;
  }

  /** Queue a switch to be re-read in full. */
  private reread(uuid: string): void {
    this.rebuildSw.add(uuid);
    this.rereadSw.add(uuid);
  }

  // ---- queries for the nodes downstream ----

  /** Switches with a router-type port naming one of the router's ports (peered or not). */
  peerSwitches(lr: RouterDatapath): string[] {
    const out = new Set<string>();
    for (const p of lr.ports) {
      if (p.peer) out.add(p.peer.dp.uuid);
      for (const s of this.index.rpClaims.get(p.name) ?? []) out.add(s);
    }
    return [...out];
  }

  // ---- port names ----

  /** A router port name another row holds (router ports of two routers with one name recompute). */
  private routerNameTaken(name: string, uuid: string): boolean {
    const lrp = this.lrps.get(name);
    return (!!lrp && lrp.nb._uuid !== uuid) || this.routerDup(name);
  }

  /** Rows of two routers (or two of one router) carry this name. */
  private routerDup(name: string): boolean {
    return this.rb.claimants(name).filter((d) => this.routers.has(d)).length > 1;
  }
}
