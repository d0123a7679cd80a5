// Engine node runtime_data: the chassis-local view (bindings, local datapaths, remote ports, tunnels) and the
// conntrack zones, reporting exactly what changed each round: datapaths that became (non-)local and ports
// whose local role changed. Downstream nodes work from those.
//
// A VIF's port binding changing (added, claimed, released, removed) and a local interface's OpenFlow port
// changing are handled per port: the port's own entries in the view are brought up to date, in time
// proportional to the port (and its datapath's port list). Anything that can move the set of local
// datapaths or other ports' roles (patch, localnet, gateway and redirect ports, a datapath's last port here
// going away, tunnels, the chassis row, datapath rows) rebuilds the view from the slice and diffs it.
import type { Uuid } from 'ovsdb-client-ts';
import type { NodeData } from '@ovnts/daemon';
import type { PortBinding } from '@ovnts/schema/sb';
import { neededZones } from '../compute.js';
import {
  VIF_TYPES,
  buildLocalView,
  ifaceIdOf,
  ifaceMaps,
  isMultichassis,
  localVifOfport,
  multichassisTunnels,
  remoteRole,
  seedDatapath,
  type IfaceMaps,
  type LocalViewState,
} from '../view.js';
import { assignZones, zonesFromExternalIds } from '../zones.js';
import type { RoundInput, SbTablesInput } from './inputs.js';

type PbUuid = Uuid<'Port_Binding'>;
type DpUuid = Uuid<'Datapath_Binding'>;

/** Port types handled per port (their binding only decides their own role). */
const PER_PORT_TYPES: ReadonlySet<string> = new Set([...VIF_TYPES, 'localport']);

export class RuntimeData implements NodeData {
  view: LocalViewState | undefined;
  zones: ReadonlyMap<string, number> = new Map();
  /** Datapaths that became local, stopped being local, or whose row changed this round. */
  readonly changedDps = new Set<DpUuid>();
  /** Ports whose local role (VIF ofport, localnet, remote tunnel, redirect) changed this round. */
  readonly changedPorts = new Set<PbUuid>();
  /** Zone keys whose zone changed. */
  readonly changedZones = new Set<string>();
  /** First round, or this chassis's row is another one: which ports are ours changed everywhere. */
  chassisChanged = false;
  /** The tunnel ports changed (their flows; remote ports' roles are in changedPorts). */
  tunnelsChanged = false;
  /** Rounds handled per port, and ports handled so (for tests and stats). */
  perPortRounds = 0;
  perPortPorts = 0;
  private changed = false;

  // Kept for the per-port path (rebuilt by recompute).
  private rows = new Map<PbUuid, PortBinding>();
  private byParent = new Map<string, Set<PbUuid>>();
  /** Ports that make their datapath local, and how many such ports each datapath has. */
  private seedOf = new Map<PbUuid, DpUuid>();
  private seeds = new Map<DpUuid, number>();
  private ifaces: IfaceMaps = ifaceMaps([]);
  /** Everything of the OVS interfaces but the iface-id ofports (a change there rebuilds). */
  private ifaceShape = '';

  // Noted by the handlers, applied by settle().
  private readonly queued = new Set<PbUuid>();
  private zonesDirty = false;

  constructor(
    private readonly input: () => RoundInput,
    private readonly sbIn: SbTablesInput,
  ) {}

  clearTracked(): void {
    this.changedDps.clear();
    this.changedPorts.clear();
    this.changedZones.clear();
    this.chassisChanged = false;
    this.tunnelsChanged = false;
    this.changed = false;
    this.queued.clear();
    this.zonesDirty = false;
  }

  recompute(): void {
    const { sb, chassisName, ifaces } = this.input();
    const prev = this.view;
    const view = buildLocalView(sb, chassisName, ifaces);
    if (!prev || prev.chassis?._uuid !== view.chassis?._uuid) this.chassisChanged = true;
    if (prev) {
      if (!sameMap(prev.tunnels, view.tunnels)) this.tunnelsChanged = true;
      // A tunnel recreated with another type may keep its ofport: the ports it reaches encapsulate anew.
      if ([...prev.vxlanTunnels].sort().join() !== [...view.vxlanTunnels].sort().join()) {
        this.tunnelsChanged = true;
        for (const u of [...view.remotePorts.keys(), ...view.haRemotes.keys(), ...view.multiTunnels.keys()])
          this.changedPorts.add(u);
        for (const d of view.multichassisByDp.keys()) this.localnetReachedOf(view, d);
      }
      for (const [d, dp] of view.localDps) if (prev.localDps.get(d) !== dp) this.changedDps.add(d);
      for (const d of prev.localDps.keys()) if (!view.localDps.has(d)) this.changedDps.add(d);
      diffKeys(prev.localVifs, view.localVifs, this.changedPorts);
      diffKeys(prev.localnet, view.localnet, this.changedPorts);
      diffKeys(prev.remotePorts, view.remotePorts, this.changedPorts);
      diffKeys(prev.haRemotes, view.haRemotes, this.changedPorts, (a, b) => a.join() === b.join());
      diffKeys(prev.viaLocalnet, view.viaLocalnet, this.changedPorts);
      diffKeys(prev.localRedirects, view.localRedirects, this.changedPorts);
      diffKeys(prev.multiTunnels, view.multiTunnels, this.changedPorts, (a, b) => a.join() === b.join());
      for (const d of new Set([...prev.multichassisByDp.keys(), ...view.multichassisByDp.keys()]))
        if (!sameSet(prev.multichassisByDp.get(d), view.multichassisByDp.get(d))) this.localnetReachedOf(view, d);
    }
    this.view = view;
    this.reindex();
    this.updateZones();
    // The port lists are new objects: whatever reads them reads again.
    this.changed = true;
  }

  // ---- handlers (note work; settle() does it) ----

  /** Port bindings of VIF-like ports are handled per port; any other type rebuilds. */
  handlePortBindings(): boolean {
    for (const c of this.sbIn.changes('Port_Binding')) {
      for (const pb of [c.old, c.new, this.rows.get(c.uuid)])
        if (pb && (!PER_PORT_TYPES.has(pb.type) || this.isNamedByOthers(pb))) return false;
      if (c.old && c.new && c.old.datapath !== c.new.datapath) return false;
      this.queued.add(c.uuid);
    }
    return true;
  }

  /** A local interface's OpenFlow port (or iface-id) changed: the ports it carries. */
  handleInterfaces(): boolean {
    const { ifaces, chassisName } = this.input();
    if (!this.view) return false;
    const next = ifaceMaps(ifaces);
    if (shapeOf(next, chassisName) !== this.ifaceShape) return false;
    const ids = new Set<string>();
    diffKeys(this.ifaces.ofportByIfaceId, next.ofportByIfaceId, ids);
    this.ifaces = next;
    const view = this.view!;
    for (const id of ids) {
      const pb = view.pbByName.get(id);
      if (pb) this.queued.add(pb._uuid);
      for (const u of this.byParent.get(id) ?? []) this.queued.add(u);
    }
    return true;
  }

  /** The bridge's recorded zones changed: zones are reassigned (from the local view, not the slice). */
  handleBridge(): boolean {
    this.zonesDirty = true;
    return true;
  }

  settle(): boolean {
    const view = this.view;
    if (!view) return false;
    if (!this.queued.size) {
      if (this.zonesDirty) this.updateZones();
      this.changed = this.changedZones.size > 0;
      return true;
    }
    const { sb } = this.input();
    const me = view.chassis;
    // First check that no datapath becomes or stops being local (that rebuilds), before changing anything.
    const seedDelta = new Map<DpUuid, number>();
    const nextSeed = new Map<PbUuid, DpUuid | undefined>();
    for (const u of this.queued) {
      const pb = sb.Port_Binding.get(u);
      const seed = pb ? seedDatapath(sb, pb, me, this.ifaces.ofportByIfaceId.get(ifaceIdOf(pb))) : undefined;
      nextSeed.set(u, seed);
      const was = this.seedOf.get(u);
      if (was === seed) continue;
      if (was) seedDelta.set(was, (seedDelta.get(was) ?? 0) - 1);
      if (seed) seedDelta.set(seed, (seedDelta.get(seed) ?? 0) + 1);
    }
    for (const [d, delta] of seedDelta) {
      const before = this.seeds.get(d) ?? 0;
      const after = before + delta;
      // A datapath's last port here going away may unmake it local; a port here on a datapath not local
      // yet makes it local (with whatever its patch ports reach).
      if ((before > 0 && after === 0) || (after > 0 && !view.localDps.has(d))) return false;
    }
    for (const [d, delta] of seedDelta) this.seeds.set(d, (this.seeds.get(d) ?? 0) + delta);
    let portsMoved = false;
    for (const u of this.queued) {
      const seed = nextSeed.get(u);
      if (seed) this.seedOf.set(u, seed);
      else this.seedOf.delete(u);
      portsMoved = this.updatePort(u) || portsMoved;
    }
    this.perPortRounds++;
    this.perPortPorts += this.queued.size;
    if (this.zonesDirty) this.updateZones();
    this.changed = portsMoved || this.changedPorts.size > 0 || this.changedZones.size > 0;
    return true;
  }

  updated(): boolean {
    return this.changed;
  }

  /** Per-port index entries a rebuild would not make (the random walk checks there are none). */
  staleIndexEntries(): string[] {
    const { sb } = this.input();
    const out: string[] = [];
    for (const [parent, set] of this.byParent) {
      if (set.size === 0) out.push(`byParent ${parent} (empty)`);
      for (const u of set) if (sb.Port_Binding.get(u)?.parent_port !== parent) out.push(`byParent ${parent} ${u}`);
    }
    for (const u of this.rows.keys()) if (!sb.Port_Binding.has(u)) out.push(`rows ${u}`);
    for (const [d, n] of this.seeds) if (n <= 0) out.push(`seeds ${d} ${n}`);
    return out;
  }

  // ---- per-port bookkeeping ----

  /** Brings one port's entries in the view up to date; true when a local datapath's port list changed. */
  private updatePort(u: PbUuid): boolean {
    const view = this.view!;
    const { sb } = this.input();
    const old = this.rows.get(u);
    const pb = sb.Port_Binding.get(u);
    if (!old && !pb) return false; // added and removed between two rounds
    if (old) {
      if (view.pbByName.get(old.logical_port)?._uuid === u) view.pbByName.delete(old.logical_port);
      if (old.parent_port) removeFrom(this.byParent, old.parent_port, u);
    }
    if (pb) {
      this.rows.set(u, pb);
      view.pbByName.set(pb.logical_port, pb);
      if (pb.parent_port) addTo(this.byParent, pb.parent_port, u);
    } else this.rows.delete(u);

    const dp = (pb ?? old)!.datapath;
    let moved = false;
    if (view.localDps.has(dp)) {
      // In the replica's order, as buildLocalView lists them: a changed row keeps its place, a new one ends it.
      const list = view.portsByDp.get(dp) ?? [];
      const at = list.findIndex((p) => p._uuid === u);
      const next = at < 0 ? [...list] : list.filter((p) => p._uuid !== u);
      if (pb) next.splice(at < 0 ? next.length : at, 0, pb);
      view.portsByDp.set(dp, next);
      moved = true;
    }
    const before = roleOf(view, u);
    const wasVif = view.localVifs.has(u);
    const ofport = pb ? this.ifaces.ofportByIfaceId.get(ifaceIdOf(pb)) : undefined;
    const vif = pb ? localVifOfport(pb, view.chassis, ofport) : undefined;
    setOrDelete(view.localVifs, u, vif);
    // How it is reached from here when it lives elsewhere, as buildLocalView decides.
    const r =
      pb && view.localDps.has(dp)
        ? remoteRole(sb, pb, view.portsByDp.get(dp) ?? [], this.ifaces, view.chassis, vif !== undefined)
        : undefined;
    setOrDelete(view.viaLocalnet, u, r && 'via' in r ? r.via : undefined);
    setOrDelete(view.haRemotes, u, r && 'ha' in r ? r.ha : undefined);
    setOrDelete(view.remotePorts, u, r && 'tunnel' in r ? r.tunnel : undefined);
    const multi = pb && view.localDps.has(dp) ? multichassisTunnels(sb, pb, this.ifaces.tunnels, view.chassis) : [];
    setOrDelete(view.multiTunnels, u, multi.length ? multi : undefined);
    if (roleOf(view, u) !== before) this.changedPorts.add(u);
    this.updateMultichassisSet(dp, u, old, pb);
    // A VIF's zone is keyed by its name: one that came, went or was renamed moves the zones.
    if (wasVif !== view.localVifs.has(u) || (wasVif && old?.logical_port !== pb?.logical_port)) this.zonesDirty = true;
    return moved;
  }

  /**
   * Keeps the datapath's set of multi-chassis ports; when it (or a member's key) changes, the ports reached
   * through its localnet port are changed too (their tunnelling for those ports).
   */
  private updateMultichassisSet(
    dp: DpUuid,
    u: PbUuid,
    old: PortBinding | undefined,
    pb: PortBinding | undefined,
  ): void {
    const view = this.view!;
    if (!view.localDps.has(dp)) return;
    const isMulti = !!pb && isMultichassis(pb) && VIF_TYPES.has(pb.type);
    const cur = view.multichassisByDp.get(dp);
    const was = cur?.has(u) ?? false;
    if (was === isMulti && (!isMulti || old?.tunnel_key === pb?.tunnel_key)) return;
    const next = new Set(cur);
    if (isMulti) next.add(u);
    else next.delete(u);
    setOrDelete(view.multichassisByDp, dp, next.size ? next : undefined);
    this.localnetReachedOf(view, dp);
  }

  /** The ports of a datapath reached through its localnet port count as changed. */
  private localnetReachedOf(view: LocalViewState, dp: DpUuid): void {
    for (const p of view.portsByDp.get(dp) ?? []) if (view.viaLocalnet.has(p._uuid)) this.changedPorts.add(p._uuid);
  }

  /** A VIF whose name a patch, redirect or gateway port refers to is not handled per port (never in practice). */
  private isNamedByOthers(pb: PortBinding): boolean {
    return this.named.has(pb.logical_port);
  }

  /** Names other ports refer to (patch peers, redirects' distributed ports). */
  private named = new Set<string>();

  private reindex(): void {
    const { sb, chassisName, ifaces } = this.input();
    const view = this.view!;
    this.rows = new Map();
    this.byParent = new Map();
    this.seedOf = new Map();
    this.seeds = new Map();
    this.named = new Set();
    this.ifaces = ifaceMaps(ifaces);
    this.ifaceShape = shapeOf(this.ifaces, chassisName);
    for (const pb of sb.Port_Binding.values()) {
      this.rows.set(pb._uuid, pb);
      if (pb.parent_port) addTo(this.byParent, pb.parent_port, pb._uuid);
      const seed = seedDatapath(sb, pb, view.chassis, this.ifaces.ofportByIfaceId.get(ifaceIdOf(pb)));
      if (seed) {
        this.seedOf.set(pb._uuid, seed);
        this.seeds.set(seed, (this.seeds.get(seed) ?? 0) + 1);
      }
      for (const k of ['peer', 'distributed-port'] as const) {
        const n = pb.options[k];
        if (n !== undefined) this.named.add(n);
      }
    }
  }

  /** Zones for the local VIFs and datapaths (linear in those, not in the slice). */
  private updateZones(): void {
    const { sb, bridgeExternalIds } = this.input();
    const zones = assignZones(neededZones(this.view!, sb), zonesFromExternalIds(bridgeExternalIds));
    for (const [k, z] of zones) if (this.zones.get(k) !== z) this.changedZones.add(k);
    for (const k of this.zones.keys()) if (!zones.has(k)) this.changedZones.add(k);
    this.zones = zones;
  }
}

/** A port's roles here, as one comparable value. */
function roleOf(view: LocalViewState, u: PbUuid): string {
  return (
    `${view.localVifs.get(u) ?? ''}|${view.remotePorts.get(u) ?? ''}|${view.viaLocalnet.get(u)?._uuid ?? ''}|` +
    `${view.haRemotes.get(u)?.join() ?? ''}|${view.multiTunnels.get(u)?.join() ?? ''}`
  );
}

function shapeOf(m: IfaceMaps, chassisName: string): string {
  const entries = (x: ReadonlyMap<string, number>) => [...x].sort().join(',');
  return `${chassisName}\n${entries(m.tunnels)}\n${[...m.vxlanTunnels].sort()}\n${entries(m.localnetOfport)}`;
}

function addTo<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(v);
}

/** Takes `v` out of the set under `k`, and the key out once its set is empty (parent names come and go). */
function removeFrom<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  const s = m.get(k);
  if (!s) return;
  s.delete(v);
  if (s.size === 0) m.delete(k);
}

function setOrDelete<K, V>(m: Map<K, V>, k: K, v: V | undefined): void {
  if (v === undefined) m.delete(k);
  else m.set(k, v);
}

function diffKeys<K, V>(
  a: ReadonlyMap<K, V>,
  b: ReadonlyMap<K, V>,
  out: Set<K>,
  same: (x: V, y: V) => boolean = (x, y) => x === y,
): void {
  for (const [k, v] of b) if (!a.has(k) || !same(a.get(k)!, v)) out.add(k);
  for (const k of a.keys()) if (!b.has(k)) out.add(k);
}

function sameSet<T>(a: ReadonlySet<T> | undefined, b: ReadonlySet<T> | undefined): boolean {
  if ((a?.size ?? 0) !== (b?.size ?? 0)) return false;
  for (const x of a ?? []) if (!b!.has(x)) return false;
  return true;
}

function sameMap<K, V>(a: ReadonlyMap<K, V>, b: ReadonlyMap<K, V>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
