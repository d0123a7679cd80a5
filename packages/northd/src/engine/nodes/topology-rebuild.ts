// The topology node's in-place rebuilds: one switch or router re-read from its NB rows, keeping what the
// full build (topology.ts buildTopology) would have. Port names are owned as the full build orders them
// (router ports first, then switches by name and UUID, each's rows by name and UUID): a port whose name
// an earlier datapath holds is left out, and a datapath that takes a name from, or gives one up to,
// another switch has that switch rebuilt too. A router port's peer is the last switch port naming it.
import type { LogicalSwitch, LogicalSwitchPort } from '@ovnts/schema/nb';
import { affectsCompile } from '../../change-filter.js';
import {
  buildRoute,
  buildRouterPort,
  buildSwitchPort,
  type RouterDatapath,
  type RouterPort,
  type SwitchDatapath,
  type SwitchPort,
} from '../../topology.js';
import { localnetShape } from '../../stateful/gateway-bindings.js';
import type { EngineContext, NbInputs } from './inputs.js';
import type { TopologyIndex } from './topology-index.js';
import { byNameThenUuid } from './util.js';

export type MutableSwitch = SwitchDatapath & { ports: SwitchPort[]; routerPorts: SwitchPort[] };
export type MutableRouter = RouterDatapath & { ports: RouterPort[]; routes: RouterDatapath['routes'] };
type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** The topology the rebuilds change in place (the node's own maps). */
export interface TopologyState {
  readonly switches: Map<string, MutableSwitch>;
  readonly routers: Map<string, MutableRouter>;
  readonly lsps: Map<string, SwitchPort>;
  readonly lrps: Map<string, RouterPort>;
  readonly index: TopologyIndex;
  /** Whether ports' `up` decides their flows (NB_Global options:ignore_lsp_down=false). */
  readonly lspUp: boolean;
}

/** What the rebuilds report (the node's tracked output) and ask for. */
export interface RebuildEffects {
  readonly routersChanged: Set<string>;
  readonly switchesChanged: Set<string>;
  readonly portsMoved: Set<string>;
  /** Rebuild this switch (again) in the current settle. */
  requeueSwitch(uuid: string): void;
}

/** Where a port of `row` goes in a switch's ports, which are in the full build's order (by name, then UUID). */
function sortedIndex(ports: readonly SwitchPort[], row: LogicalSwitchPort): number {
  let lo = 0;
  let hi = ports.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (byNameThenUuid(ports[mid]!.nb, row) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const peerId = (p: SwitchPort) => `${p.dp.uuid}/${p.nb._uuid}`;
/** The full build's order of two switch ports: their switches', then theirs (by name, then UUID). */
const portOrder = (a: SwitchPort, b: SwitchPort) => byNameThenUuid(a.dp.nb, b.dp.nb) || byNameThenUuid(a.nb, b.nb);

export class TopologyRebuild {
  /** Port name → the datapaths whose NB port rows carry it (once per row), holding the name or not. */
  private readonly claims = new Map<string, string[]>();
  /** Datapath → the names of its NB port rows (what it claims). */
  private readonly dpNames = new Map<string, string[]>();
  /**
   * Per switch port UUID, the row object the topology was built from. A newer row that differs only in
   * columns that never affect flows (`up`, which northd itself writes for every port after a cold start)
   * stands for the same port, so the per-row memos downstream keep hitting.
   */
  private readonly lspSeen = new Map<string, LogicalSwitchPort>();
  /**
   * Newer rows found to stand for the row in lspSeen (seenLsp): a switch rebuilt again and again (a port added
   * per round) compares each of its rows once, not at every rebuild (northd's `up` write-back replaces every row).
   */
  private lspAlias = new WeakMap<LogicalSwitchPort, LogicalSwitchPort>();
  /** Router port name → its peer switch port (switch/port UUIDs) before this round's switch rebuilds. */
  private readonly peerBefore = new Map<string, string>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly nb: NbInputs,
    private readonly st: TopologyState,
    private readonly out: RebuildEffects,
  ) {}

  clear(): void {
    this.claims.clear();
    this.dpNames.clear();
    this.lspSeen.clear();
    this.lspAlias = new WeakMap();
    this.peerBefore.clear();
  }

  clearTracked(): void {
    this.peerBefore.clear();
  }

  /** After a full build: every datapath's claims and every port's row. */
  claimAll(): void {
    const nb = this.nb.view;
    for (const lr of this.st.routers.values())
      this.claim(
        lr.uuid,
        lr.nb.ports.map((u) => nb.Logical_Router_Port.get(u)?.name),
      );
    for (const ls of this.st.switches.values()) {
      this.claim(
        ls.uuid,
        ls.nb.ports.map((u) => nb.Logical_Switch_Port.get(u)?.name),
      );
      for (const p of ls.ports) this.lspSeen.set(p.nb._uuid, p.nb);
    }
  }

  /** How many NB port rows of datapaths carry `name`. */
  claimCount(name: string): number {
    return this.claims.get(name)?.length ?? 0;
  }

  /** The datapaths whose rows carry `name`. */
  claimants(name: string): readonly string[] {
    return this.claims.get(name) ?? [];
  }

  forgetLsp(uuid: string): void {
    this.lspSeen.delete(uuid);
  }

  private claim(dp: string, names: readonly (string | undefined)[]): void {
    const now = names.filter((n) => n !== undefined);
    const before = this.dpNames.get(dp) ?? [];
    this.dpNames.set(dp, now);
    // Only the names that came or went touch the 30k-name index (a port added to a switch of 100: one).
    const delta = new Map<string, number>();
    for (const n of before) delta.set(n, (delta.get(n) ?? 0) - 1);
    for (const n of now) delta.set(n, (delta.get(n) ?? 0) + 1);
    for (const [n, d] of delta) {
      if (d === 0) continue;
      const l = this.claims.get(n);
      if (d > 0) {
        if (l) for (let k = 0; k < d; k++) l.push(dp);
        else this.claims.set(n, new Array<string>(d).fill(dp));
        continue;
      }
      if (!l) continue;
      for (let k = 0; k < -d; k++) {
        const i = l.indexOf(dp);
        if (i >= 0) l.splice(i, 1);
      }
      if (!l.length) this.claims.delete(n);
    }
  }

  // ---- routers ----

  /** False when the change needs a recompute (a port name another router's row holds). */
  rebuildRouter(old: MutableRouter): boolean {
    const { lsps, lrps, index } = this.st;
    const nbRow = this.nb.view.Logical_Router.get(old.nb._uuid);
    if (!nbRow) return false;
    index.indexRouter(old.nb, false);
    for (const p of old.ports) {
      if (lrps.get(p.name) === p) lrps.delete(p.name);
      if (p.peer && p.peer.peer === p) p.peer.peer = null;
    }
    const dp: MutableRouter = { kind: 'router', uuid: old.uuid, name: nbRow.name, nb: nbRow, ports: [], routes: [] };
    const rows = nbRow.ports
      .map((u) => this.nb.view.Logical_Router_Port.get(u))
      .filter((r) => r !== undefined)
      .sort(byNameThenUuid);
    for (const row of rows) {
      // Router ports come first in the full build: a switch holding the name gives it up.
      const holder = lsps.get(row.name);
      if (holder) {
        lsps.delete(row.name);
        this.out.requeueSwitch(holder.dp.uuid);
      }
      if (lrps.has(row.name)) return false;
      const port = buildRouterPort(row, dp, this.ctx.diag);
      if (!port) continue;
      dp.ports.push(port);
      lrps.set(port.name, port);
    }
    this.st.routers.set(dp.uuid, dp);
    index.indexRouter(nbRow, true);
    this.claim(
      dp.uuid,
      rows.map((r) => r.name),
    );
    // Switch ports left out for a name this router held take it now.
    for (const p of old.ports)
      if (!lrps.has(p.name))
        for (const s of this.claimants(p.name)) if (this.st.switches.has(s)) this.out.requeueSwitch(s);
    this.rebuildRoutes(dp);
    return true;
  }

  /** Point a router at its current NB row (options, NAT, LBs change without a topology rebuild). */
  refreshRouterRow(lr: MutableRouter): void {
    const nbRow = this.nb.view.Logical_Router.get(lr.nb._uuid) ?? lr.nb;
    if (nbRow === lr.nb) return;
    this.st.index.indexRouter(lr.nb, false);
    (lr as Writable<MutableRouter>).nb = nbRow;
    this.st.index.indexRouter(nbRow, true);
  }

  rebuildRoutes(lr: MutableRouter): void {
    this.refreshRouterRow(lr);
    const routes = [];
    for (const u of lr.nb.static_routes) {
      const r = this.nb.view.Logical_Router_Static_Route.get(u);
      if (!r) continue;
      const route = buildRoute(r, lr, this.st.lrps, this.ctx.diag);
      if (route) routes.push(route);
    }
    lr.routes = routes;
    this.out.routersChanged.add(lr.uuid);
  }

  // ---- switches ----

  /** The row the topology knows for this port, when `row` differs from it only in columns flows ignore. */
  private seenLsp(row: LogicalSwitchPort): LogicalSwitchPort {
    const seen = this.lspSeen.get(row._uuid);
    if (seen === row) return row;
    if (seen && this.lspAlias.get(row) === seen) return seen;
    if (seen && !affectsCompile({ kind: 'modify', table: 'Logical_Switch_Port', old: seen, new: row }, this.st.lspUp)) {
      this.lspAlias.set(row, seen);
      return seen;
    }
    this.lspSeen.set(row._uuid, row);
    return row;
  }

  /**
   * Re-read a switch and its ports, in place (its datapath object stays, so the ports kept point at it).
   * A non-router port whose NB row is the same object as before is kept as it is: adding one port to a
   * switch of 100 builds one port, and the port maps are touched only for ports that came or went.
   * `onlyItsRow`: the switch's own row changed, none of its ports' rows (nor a name it may take): plain
   * ports added (or none) are then put in by difference (addPorts), without re-reading the others.
   */
  rebuildSwitch(dp: MutableSwitch, onlyItsRow = false): boolean {
    const { lsps, lrps, index } = this.st;
    const nbRow = this.nb.view.Logical_Switch.get(dp.nb._uuid);
    if (!nbRow) return false;
    if (onlyItsRow && this.addPorts(dp, nbRow)) return true;
    const indexed = { nb: dp.nb, routerPorts: dp.routerPorts };
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
    const held = new Set<string>();
    for (const p of dp.ports) {
      if (p.peer) {
        oldPeers.add(p.peer);
        this.notePeer(p.peer.name);
        if (p.peer.peer === p) p.peer.peer = null;
      }
      oldRows.set(p.nb._uuid, p.nb);
      const mine = lsps.get(p.name) === p;
      if (mine) held.add(p.name);
      if (mine && p.type !== 'router' && present.has(p.nb)) kept.set(p.nb, p);
      else if (mine) lsps.delete(p.name);
    }
    // Re-point the datapath first: the order checks below compare its (maybe renamed) row.
    const w = dp as Writable<MutableSwitch>;
    w.name = nbRow.name;
    w.nb = nbRow;
    const ports: SwitchPort[] = [];
    const routerPorts: SwitchPort[] = [];
    const placed = new Set<string>();
    for (const row of rows) {
      const same = kept.get(row);
      if (same && lsps.get(row.name) === same) {
        ports.push(same);
        placed.add(row.name);
        oldRows.delete(row._uuid);
        continue;
      }
      if (!this.mayHold(dp, row.name, placed, kept)) {
        this.ctx.diag.warn('Logical_Switch_Port', row.name, `duplicate logical port ${row.name}`);
        continue;
      }
      if (row.type === 'router') this.notePeer(row.options['router-port'] ?? '');
      const port = buildSwitchPort(row, dp, lrps, this.ctx.diag);
      ports.push(port);
      placed.add(row.name);
      if (port.type === 'router') routerPorts.push(port);
      lsps.set(port.name, port);
      const before = oldRows.get(row._uuid);
      if (!before || before.name !== row.name) this.out.portsMoved.add(row._uuid);
      oldRows.delete(row._uuid);
    }
    for (const u of oldRows.keys()) this.out.portsMoved.add(u);
    w.ports = ports;
    w.routerPorts = routerPorts;
    index.reindexSwitch(indexed, dp);
    this.claim(
      dp.uuid,
      rows.map((r) => r.name),
    );
    // Names it gave up: a switch whose row was left out for them takes them now.
    for (const name of held)
      if (!placed.has(name)) for (const s of this.claimants(name)) if (s !== dp.uuid) this.out.requeueSwitch(s);
    // Routers whose peering changed: their bindings and flows name the peer.
    const newPeers = new Set(dp.routerPorts.map((p) => p.peer).filter((p) => p !== null));
    for (const rp of oldPeers) if (!newPeers.has(rp)) this.out.routersChanged.add(rp.dp.uuid);
    for (const rp of newPeers) if (!oldPeers.has(rp)) this.out.routersChanged.add(rp.dp.uuid);
    // Localnet ports decide whether a peer's gateway port answers ARP only on its gateway chassis, and
    // a tagged one the L2 header size of the peer's gateway MTU checks.
    if (localnetBefore !== localnetShape(dp)) for (const rp of newPeers) this.out.routersChanged.add(rp.dp.uuid);
    // VTEP ports on a switch change how its routers' gateway ports redirect (bindings and flows).
    if (hadVtep !== ports.some((p) => p.type === 'vtep'))
      for (const rp of newPeers) this.out.routersChanged.add(rp.dp.uuid);
    this.out.switchesChanged.add(dp.uuid);
    return true;
  }

  /**
   * rebuildSwitch by difference, for the common change (a pod's port added to its switch): every port row the
   * switch had is still in its row, and each new one is a plain port (no type) whose name no other port row,
   * here or on another datapath, carries. The new ports are built and put in their place in the full build's
   * order (by name, then UUID); the others, their peers and the names they hold stay as they are. False, with
   * nothing changed, when the change is not of that kind (rebuildSwitch then re-reads the switch).
   */
  private addPorts(dp: MutableSwitch, nbRow: LogicalSwitch): boolean {
    const before = dp.nb.ports;
    const added: LogicalSwitchPort[] = [];
    if (before !== nbRow.ports) {
      if (nbRow.ports.length < before.length) return false;
      const had = new Set(before);
      const names = new Set<string>();
      for (const u of nbRow.ports) {
        if (had.has(u)) continue;
        const row = this.nb.view.Logical_Switch_Port.get(u);
        if (
          !row ||
          row.type !== '' ||
          this.lspSeen.has(u) ||
          names.has(row.name) ||
          this.st.lsps.has(row.name) ||
          this.st.lrps.has(row.name) ||
          this.claimCount(row.name) > 0
        )
          return false;
        names.add(row.name);
        added.push(row);
      }
      // A row gone (or listed twice) as well: re-read.
      if (nbRow.ports.length - added.length !== had.size) return false;
    }
    const indexed = { nb: dp.nb, routerPorts: dp.routerPorts };
    const w = dp as Writable<MutableSwitch>;
    w.nb = nbRow;
    if (added.length) {
      const ports = dp.ports.slice();
      for (const row of added) {
        this.lspSeen.set(row._uuid, row);
        const port = buildSwitchPort(row, dp, this.st.lrps, this.ctx.diag);
        ports.splice(sortedIndex(ports, row), 0, port);
        this.st.lsps.set(port.name, port);
        this.out.portsMoved.add(row._uuid);
      }
      w.ports = ports;
      const names = this.dpNames.get(dp.uuid) ?? [];
      for (const row of added) {
        names.push(row.name);
        this.claims.set(row.name, [dp.uuid]);
      }
      this.dpNames.set(dp.uuid, names);
    }
    this.st.index.reindexSwitch(indexed, dp);
    this.out.switchesChanged.add(dp.uuid);
    return true;
  }

  /**
   * Whether a row of `dp` named `name` gets the name, as in the full build: not when a router port or
   * an earlier row holds it. A later switch holding it gives it up (it is rebuilt); so does a kept
   * port of this switch whose row sorts later.
   */
  private mayHold(
    dp: MutableSwitch,
    name: string,
    placed: ReadonlySet<string>,
    kept: Map<LogicalSwitchPort, SwitchPort>,
  ): boolean {
    if (this.st.lrps.has(name) || placed.has(name)) return false;
    const holder = this.st.lsps.get(name);
    if (!holder) return true;
    if (holder.dp === dp) {
      kept.delete(holder.nb);
    } else {
      if (byNameThenUuid(holder.dp.nb, dp.nb) < 0) return false;
      this.out.requeueSwitch(holder.dp.uuid);
    }
    this.st.lsps.delete(name);
    return true;
  }

  // ---- peers ----

  /** A router port whose claimants are rebuilt: remember its peer to resolve it again (resolvePeers). */
  private notePeer(name: string): void {
    if (this.peerBefore.has(name)) return;
    const peer = this.st.lrps.get(name)?.peer;
    this.peerBefore.set(name, peer ? peerId(peer) : '');
  }

  /**
   * Every switch port of type router names its router port as its peer, and the router port's peer is
   * the last of them in the full build's order; a router whose peer changed is rebuilt.
   */
  resolvePeers(): void {
    for (const [name, before] of this.peerBefore) {
      const rp = this.st.lrps.get(name);
      if (!rp) continue;
      let last: SwitchPort | null = null;
      for (const s of this.st.index.rpClaims.get(name) ?? []) {
        const sw = this.st.switches.get(s);
        for (const p of sw?.routerPorts ?? []) if (p.peer === rp && (!last || portOrder(last, p) < 0)) last = p;
      }
      rp.peer = last;
      if ((last ? peerId(last) : '') !== before) this.out.routersChanged.add(rp.dp.uuid);
    }
  }
}
