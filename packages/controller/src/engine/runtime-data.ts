// Engine node runtime_data: the chassis-local view (bindings, local datapaths, remote ports, tunnels) and the
// conntrack zones. Building the view is linear in the replicated port bindings, which conditional monitoring
// keeps to this chassis's slice, so the node rebuilds it and reports exactly what changed against the
// previous round: datapaths that became (non-)local and ports whose local role changed. Downstream nodes
// work from those.
import type { Uuid } from 'ovsdb-client-ts';
import type { NodeData } from '@ovnts/daemon';
import { neededZones } from '../compute.js';
import { buildLocalView, type LocalView } from '../view.js';
import { assignZones, zonesFromExternalIds } from '../zones.js';
import type { RoundInput } from './inputs.js';

export class RuntimeData implements NodeData {
  view: LocalView | undefined;
  zones: ReadonlyMap<string, number> = new Map();
  /** Datapaths that became local, stopped being local, or whose row changed this round. */
  readonly changedDps = new Set<Uuid<'Datapath_Binding'>>();
  /** Ports whose local role (VIF ofport, localnet, remote tunnel, redirect) changed this round. */
  readonly changedPorts = new Set<Uuid<'Port_Binding'>>();
  /** Zone keys whose zone changed. */
  readonly changedZones = new Set<string>();
  /** First round, or this chassis's row is another one: which ports are ours changed everywhere. */
  chassisChanged = false;
  /** The tunnel ports changed (their flows; remote ports' roles are in changedPorts). */
  tunnelsChanged = false;
  private changed = false;

  constructor(private readonly input: () => RoundInput) {}

  clearTracked(): void {
    this.changedDps.clear();
    this.changedPorts.clear();
    this.changedZones.clear();
    this.chassisChanged = false;
    this.tunnelsChanged = false;
    this.changed = false;
  }

  recompute(): void {
    const { sb, chassisName, ifaces, bridgeExternalIds } = this.input();
    const prev = this.view;
    const view = buildLocalView(sb, chassisName, ifaces);
    const zones = assignZones(neededZones(view, sb), zonesFromExternalIds(bridgeExternalIds));
    if (!prev || prev.chassis?._uuid !== view.chassis?._uuid) this.chassisChanged = true;
    if (prev) {
      if (!sameMap(prev.tunnels, view.tunnels)) this.tunnelsChanged = true;
      for (const [d, dp] of view.localDps) if (prev.localDps.get(d) !== dp) this.changedDps.add(d);
      for (const d of prev.localDps.keys()) if (!view.localDps.has(d)) this.changedDps.add(d);
      diffKeys(prev.localVifs, view.localVifs, this.changedPorts);
      diffKeys(prev.localnet, view.localnet, this.changedPorts);
      diffKeys(prev.remotePorts, view.remotePorts, this.changedPorts);
      diffKeys(prev.haRemotes, view.haRemotes, this.changedPorts, (a, b) => a.join() === b.join());
      diffKeys(prev.viaLocalnet, view.viaLocalnet, this.changedPorts);
      diffKeys(prev.localRedirects, view.localRedirects, this.changedPorts);
    }
    for (const [k, z] of zones) if (this.zones.get(k) !== z) this.changedZones.add(k);
    for (const k of this.zones.keys()) if (!zones.has(k)) this.changedZones.add(k);
    this.changed =
      this.chassisChanged ||
      this.tunnelsChanged ||
      this.changedDps.size > 0 ||
      this.changedPorts.size > 0 ||
      this.changedZones.size > 0 ||
      prev?.portsByDp !== view.portsByDp;
    this.view = view;
    this.zones = zones;
  }

  updated(): boolean {
    return this.changed;
  }
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

function sameMap<K, V>(a: ReadonlyMap<K, V>, b: ReadonlyMap<K, V>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
