// Node `topology`: switches, routers and their ports as the builders see them (topology.ts), with the
// indexes the other nodes use to map an NB row to its datapaths, and the routers' distributed-NAT shape
// (which the bindings depend on). A switch or router whose rows changed is re-read in place; datapaths
// added or deleted, renames, tunnel key requests and duplicate port names make it recompute.
import type { LogicalRouter, LogicalSwitch, LogicalSwitchPort } from '@ovnts/schema/nb';
import { datapathExternalIds } from '../../bindings.js';
import { affectsCompile, lspUpMatters } from '../../change-filter.js';
import {
  buildRoute,
  buildRouterPort,
  buildSwitchPort,
  buildTopology,
  type RouterDatapath,
  type RouterPort,
  type SwitchDatapath,
  type SwitchPort,
} from '../../topology.js';
import { distributedNatMacs, localnetShape, routersWithDistributedNat } from '../../stateful/gateway-bindings.js';
import type { NodeData } from '../inc-engine.js';
import type { EngineContext, NbInputs } from './inputs.js';
import { TopologyIndex } from './topology-index.js';
import { byNameThenUuid, changedColumns } from './util.js';

export type MutableSwitch = SwitchDatapath & { ports: SwitchPort[]; routerPorts: SwitchPort[] };
export type MutableRouter = RouterDatapath & { ports: RouterPort[]; routes: RouterDatapath['routes'] };
type Writable<T> = { -readonly [K in keyof T]: T[K] };

const routerIds = (uuid: string, nb: LogicalRouter) =>
  JSON.stringify(datapathExternalIds({ kind: 'router', uuid, name: nb.name, nb }));
const switchIds = (uuid: string, nb: LogicalSwitch) =>
  JSON.stringify(datapathExternalIds({ kind: 'switch', uuid, name: nb.name, nb }));

export class TopologyNode implements NodeData {
  readonly switches = new Map<string, MutableSwitch>();
  readonly routers = new Map<string, MutableRouter>();
  readonly lsps = new Map<string, SwitchPort>();
  readonly lrps = new Map<string, RouterPort>();
  private readonly dupNames = new Set<string>();
  /** Which datapaths name an NB row (ports, routes, NAT, ACLs, load balancers and groups). */
  readonly index = new TopologyIndex();
  /**
   * Per switch port UUID, the row object the topology was built from. A newer row that differs only in
   * columns that never affect flows (`up`, which northd itself writes for every port after a cold start)
   * stands for the same port, so the per-row memos downstream keep hitting.
   */
  private readonly lspSeen = new Map<string, LogicalSwitchPort>();
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
  private readonly rebuildLr = new Set<string>();
  private readonly routesLr = new Set<string>();
  private natShape = false;

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

  constructor(
    private readonly ctx: EngineContext,
    private readonly nb: NbInputs,
  ) {}

  clearTracked(): void {
    this.recomputed = this.natShape = false;
    for (const s of [this.rebuildSw, this.rebuildLr, this.routesLr, this.rebuiltSw, this.portsMoved]) s.clear();
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
    for (const m of [this.switches, this.routers, this.lsps, this.lrps, this.lspSeen]) m.clear();
    this.index.clear();
    this.dupNames.clear();
  }

  recompute(): void {
    this.clear();
    this.recomputed = true;
    const nb = this.nb.view;
    this.lspUp = lspUpMatters([...nb.NB_Global.values()][0]);
    const topo = buildTopology(nb, this.ctx.diag);
    for (const lr of topo.routers) this.routers.set(lr.uuid, lr as MutableRouter);
    for (const ls of topo.switches) {
      this.switches.set(ls.uuid, ls as MutableSwitch);
      for (const p of ls.ports) this.lspSeen.set(p.nb._uuid, p.nb);
    }
    for (const [n, p] of topo.lsps) this.lsps.set(n, p);
    for (const [n, p] of topo.lrps) this.lrps.set(n, p);
    const seen = new Set<string>();
    const note = (name: string) => (seen.has(name) ? this.dupNames.add(name) : seen.add(name));
    for (const lr of nb.Logical_Router.values())
      for (const u of lr.ports) {
        const r = nb.Logical_Router_Port.get(u);
        if (r) note(r.name);
      }
    for (const ls of nb.Logical_Switch.values())
      for (const u of ls.ports) {
        const r = nb.Logical_Switch_Port.get(u);
        if (r) note(r.name);
      }
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
      if (cols.has('ports')) {
        const before = new Set<string>(c.old.ports);
        for (const u of c.new.ports) {
          if (before.has(u)) continue;
          const row = this.nb.view.Logical_Switch_Port.get(u);
          if (row && this.nameTaken(row.name, u)) return false;
        }
        for (const u of before) {
          const row = this.switches.get(c.uuid)?.ports.find((p) => p.nb._uuid === u)?.nb;
          if (row && this.dupNames.has(row.name)) return false;
        }
      }
      this.rebuildSw.add(c.uuid);
    }
    return true;
  }

  onSwitchPort(): boolean {
    for (const c of this.nb.tables.Logical_Switch_Port.changes) {
      if (c.kind === 'insert') continue; // its switch's ports column changes too
      if (c.kind === 'delete') this.lspSeen.delete(c.uuid);
      if (this.dupNames.has(c.old.name)) return false;
      if (c.new && c.new.name !== c.old.name && this.nameTaken(c.new.name, c.uuid)) return false;
      const sw = this.index.lspSwitch.get(c.uuid);
      if (sw) this.rebuildSw.add(sw);
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
          if (r && this.nameTaken(r.name, u)) return false;
        }
        for (const u of before) {
          const r = this.routers.get(c.uuid)?.ports.find((p) => p.nb._uuid === u)?.nb;
          if (r && this.dupNames.has(r.name)) return false;
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
      if (this.dupNames.has(c.old.name)) return false;
      if (c.new && c.new.name !== c.old.name && this.nameTaken(c.new.name, c.uuid)) return false;
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
    let wantPeer: Map<string, string> | undefined;
    for (const uuid of this.rebuildLr) {
      const lr = this.routers.get(uuid);
      if (!lr) continue;
      for (const s of this.peerSwitches(lr)) this.rebuildSw.add(s);
      if (!this.rebuildRouter(lr)) return false;
      const now = this.routers.get(uuid)!;
      for (const s of this.peerSwitches(now)) this.rebuildSw.add(s);
      // Switch ports naming one of its ports as router-port, not yet peered.
      wantPeer ??= this.routerPortRefs();
      for (const p of now.ports) {
        const s = wantPeer.get(p.name);
        if (s) this.rebuildSw.add(s);
      }
    }
    for (const uuid of this.routesLr) {
      const lr = this.routers.get(uuid);
      if (lr && !this.rebuildLr.has(uuid)) this.rebuildRoutes(lr);
    }
    for (const uuid of this.rebuildSw) {
      const sw = this.switches.get(uuid);
      if (sw && !this.rebuildSwitch(sw)) return false;
      if (sw) this.rebuiltSw.add(uuid);
    }
    for (const uuid of this.routersChanged) {
      const lr = this.routers.get(uuid);
      if (lr) this.refreshRouterRow(lr);
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

  // ---- rebuilding in place ----

  /** A port name used by a row other than `uuid` (or by any router port). */
  private nameTaken(name: string, uuid: string): boolean {
    const lsp = this.lsps.get(name);
    const lrp = this.lrps.get(name);
    return (!!lsp && lsp.nb._uuid !== uuid) || (!!lrp && lrp.nb._uuid !== uuid) || this.dupNames.has(name);
  }

  /** Router port name → the switch whose router-type port names it. */
  private routerPortRefs(): Map<string, string> {
    const out = new Map<string, string>();
    for (const sw of this.switches.values())
      for (const p of sw.routerPorts) {
        const rp = p.nb.options['router-port'];
        if (rp !== undefined) out.set(rp, sw.uuid);
      }
    return out;
  }

  private rebuildRouter(old: MutableRouter): boolean {
    const nbRow = this.nb.view.Logical_Router.get(old.nb._uuid);
    if (!nbRow) return false;
    this.index.indexRouter(old.nb, false);
    for (const p of old.ports) {
      if (this.lrps.get(p.name) === p) this.lrps.delete(p.name);
      if (p.peer && p.peer.peer === p) p.peer.peer = null;
    }
    const dp: MutableRouter = { kind: 'router', uuid: old.uuid, name: nbRow.name, nb: nbRow, ports: [], routes: [] };
    const rows = nbRow.ports
      .map((u) => this.nb.view.Logical_Router_Port.get(u))
      .filter((r) => r !== undefined)
      .sort(byNameThenUuid);
    for (const row of rows) {
      if (this.lsps.has(row.name) || this.lrps.has(row.name)) return false;
      const port = buildRouterPort(row, dp, this.ctx.diag);
      if (!port) continue;
      dp.ports.push(port);
      this.lrps.set(port.name, port);
    }
    this.routers.set(dp.uuid, dp);
    this.index.indexRouter(nbRow, true);
    this.rebuildRoutes(dp);
    return true;
  }

  /** Point a router at its current NB row (options, NAT, LBs change without a topology rebuild). */
  private refreshRouterRow(lr: MutableRouter): void {
    const nbRow = this.nb.view.Logical_Router.get(lr.nb._uuid) ?? lr.nb;
    if (nbRow === lr.nb) return;
    this.index.indexRouter(lr.nb, false);
    (lr as Writable<MutableRouter>).nb = nbRow;
    this.index.indexRouter(nbRow, true);
  }

  private rebuildRoutes(lr: MutableRouter): void {
    this.refreshRouterRow(lr);
    const routes = [];
    for (const u of lr.nb.static_routes) {
      const r = this.nb.view.Logical_Router_Static_Route.get(u);
      if (!r) continue;
      const route = buildRoute(r, lr, this.lrps, this.ctx.diag);
      if (route) routes.push(route);
    }
    lr.routes = routes;
    this.routersChanged.add(lr.uuid);
  }

  /** The row the topology knows for this port, when `row` differs from it only in columns flows ignore. */
  private seenLsp(row: LogicalSwitchPort): LogicalSwitchPort {
    const seen = this.lspSeen.get(row._uuid);
    if (seen === row) return row;
    if (seen && !affectsCompile({ kind: 'modify', table: 'Logical_Switch_Port', old: seen, new: row }, this.lspUp))
      return seen;
    this.lspSeen.set(row._uuid, row);
    return row;
  }

  /**
   * Re-read a switch and its ports, in place (its datapath object stays, so the ports kept point at it).
   * A non-router port whose NB row is the same object as before is kept as it is: adding one port to a
   * switch of 100 builds one port, and the port maps are touched only for ports that came or went.
   * False when the change needs a recompute (duplicate names, a router port claimed twice).
   */
  private rebuildSwitch(dp: MutableSwitch): boolean {
    const nbRow = this.nb.view.Logical_Switch.get(dp.nb._uuid);
    if (!nbRow) return false;
    this.index.indexSwitch(dp, false);
    const hadVtep = dp.ports.some((p) => p.type === 'vtep');
    const rows = nbRow.ports
      .map((u) => this.nb.view.Logical_Switch_Port.get(u))
      .filter((r) => r !== undefined)
      .map((r) => this.seenLsp(r))
      .sort(byNameThenUuid);
    const present = new Set<LogicalSwitchPort>(rows);
    const oldPeers = new Set<RouterPort>();
    const localnetBefore = localnetShape(dp);
    const oldRows = new Map<string, LogicalSwitchPort>();
    const kept = new Map<LogicalSwitchPort, SwitchPort>();
    for (const p of dp.ports) {
      if (p.peer) {
        oldPeers.add(p.peer);
        if (p.peer.peer === p) p.peer.peer = null;
      }
      oldRows.set(p.nb._uuid, p.nb);
      const mine = this.lsps.get(p.name) === p;
      if (mine && p.type !== 'router' && present.has(p.nb)) kept.set(p.nb, p);
      else if (mine) this.lsps.delete(p.name);
    }
    const ports: SwitchPort[] = [];
    const routerPorts: SwitchPort[] = [];
    for (const row of rows) {
      const same = kept.get(row);
      if (same) {
        ports.push(same);
        oldRows.delete(row._uuid);
        continue;
      }
      if (this.lsps.has(row.name) || this.lrps.has(row.name)) return false;
      // A router port claimed by switch ports of two switches: the full build's order decides.
      const claimed = row.type === 'router' ? this.lrps.get(row.options['router-port'] ?? '')?.peer : null;
      if (claimed && claimed.dp.uuid !== dp.uuid) return false;
      const port = buildSwitchPort(row, dp, this.lrps, this.ctx.diag);
      ports.push(port);
      if (port.type === 'router') routerPorts.push(port);
      this.lsps.set(port.name, port);
      const before = oldRows.get(row._uuid);
      if (!before || before.name !== row.name) this.portsMoved.add(row._uuid);
      oldRows.delete(row._uuid);
    }
    for (const u of oldRows.keys()) this.portsMoved.add(u);
    const w = dp as Writable<MutableSwitch>;
    w.name = nbRow.name;
    w.nb = nbRow;
    w.ports = ports;
    w.routerPorts = routerPorts;
    this.index.indexSwitch(dp, true);
    // Routers whose peering changed: their bindings and flows name the peer.
    const newPeers = new Set(dp.routerPorts.map((p) => p.peer).filter((p) => p !== null));
    for (const rp of oldPeers) {
      if (newPeers.has(rp)) continue;
      // Another switch port may name it too and would take over in a full build.
      for (const sw of this.switches.values())
        if (sw.routerPorts.some((p) => p.nb.options['router-port'] === rp.name)) return false;
      this.routersChanged.add(rp.dp.uuid);
    }
    for (const rp of newPeers) if (!oldPeers.has(rp)) this.routersChanged.add(rp.dp.uuid);
    // Localnet ports decide whether a peer's gateway port answers ARP only on its gateway chassis, and
    // a tagged one the L2 header size of the peer's gateway MTU checks.
    if (localnetBefore !== localnetShape(dp)) for (const rp of newPeers) this.routersChanged.add(rp.dp.uuid);
    // VTEP ports on a switch change how its routers' gateway ports redirect (bindings and flows).
    if (hadVtep !== ports.some((p) => p.type === 'vtep'))
      for (const rp of newPeers) this.routersChanged.add(rp.dp.uuid);
    this.switchesChanged.add(dp.uuid);
    return true;
  }
}
