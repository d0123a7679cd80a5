// Node `bindings`: Datapath_Binding keys, and per datapath its Port_Binding and Multicast_Group content,
// keeping every key the SB already has. A datapath whose topology changed is bound again on its own;
// the tunnel key ranges (VXLAN or not) and anything that moves a datapath key make it recompute.
import { buildBindings, type MulticastGroupOut, type PortBindingOut } from '../../bindings.js';
import type { Datapath, SwitchPort } from '../../topology.js';
import type { LogicalSwitchPort } from '@ovnts/schema/nb';
import type { NodeData } from '../inc-engine.js';
import type { EngineContext, NbInputs, SbInputs } from './inputs.js';
import type { TopologyNode } from './topology.js';
import type { LoadBalancersNode } from './load-balancers.js';
import { lbIpsInSetOrder, type NatAddressInputs } from '../../stateful/nat-addresses.js';
import { redirectPorts } from '../../stateful/gateway-bindings.js';
import { isVirtualBindingChange } from '../../change-filter.js';

export class BindingsNode implements NodeData {
  vxlan = false;
  dpKeys = new Map<string, number>();
  private readonly bound = new Map<string, { ports: readonly PortBindingOut[]; mcs: readonly MulticastGroupOut[] }>();

  // Tracked output.
  recomputed = false;
  /** Port bindings that came, went or differ. */
  readonly ports = new Set<string>();
  /** Datapaths whose multicast groups to revisit. */
  readonly mcDatapaths = new Set<string>();
  /** Ports with options:requested-chassis (their SB row names a Chassis row, found by name or hostname). */
  private readonly requested = new Set<string>();
  /** The NB row each non-router switch port binding was built from (bind keeps it while the row stays). */
  private rowOf = new WeakMap<PortBindingOut, LogicalSwitchPort>();
  private readonly built = (p: SwitchPort, b: PortBindingOut) => void this.rowOf.set(b, p.nb);

  /** What router-type switch ports' nat_addresses read: NAT rows and router balancer VIPs. */
  private readonly natInputs: NatAddressInputs;

  constructor(
    private readonly ctx: EngineContext,
    private readonly nb: NbInputs,
    private readonly sb: SbInputs,
    private readonly topo: TopologyNode,
    private readonly lbs: LoadBalancersNode,
  ) {
    this.natInputs = {
      nb: {
        get NAT() {
          return nb.view.NAT;
        },
      },
      lbIps: (lr) => lbIpsInSetOrder(lbs.routerLbs(lr).flatMap((l) => l.vips)),
    };
  }

  clearTracked(): void {
    this.recomputed = false;
    this.ports.clear();
    this.mcDatapaths.clear();
  }

  updated(): boolean {
    return this.recomputed || this.ports.size + this.mcDatapaths.size > 0;
  }

  clear(): void {
    this.bound.clear();
    this.rowOf = new WeakMap();
    this.requested.clear();
    this.dpKeys = new Map();
  }

  recompute(): void {
    this.clear();
    this.recomputed = true;
    this.vxlan = this.sb.vxlan();
    const b = buildBindings(
      { routers: [...this.topo.routers.values()], switches: [...this.topo.switches.values()] },
      this.sb.view,
      this.ctx.diag,
      { distributedNat: this.topo.distNat, nb: this.nb.view, natInputs: this.natInputs, built: this.built },
    );
    this.dpKeys = new Map(b.dpKeys);
    for (const p of b.ports) if (p.requestedChassis.length) this.requested.add(p.logicalPort);
    const ports = new Map<string, PortBindingOut[]>();
    const mcs = new Map<string, MulticastGroupOut[]>();
    for (const p of b.ports) addToList(ports, p.datapath, p);
    for (const m of b.multicastGroups) addToList(mcs, m.datapath, m);
    for (const dp of this.dpKeys.keys()) this.bound.set(dp, { ports: ports.get(dp) ?? [], mcs: mcs.get(dp) ?? [] });
    this.ctx.onStep?.({ kind: 'datapaths' });
  }

  // ---- handlers ----

  /** Bind again the datapaths whose ports, peers or router options changed. */
  onTopology(): boolean {
    const t = this.topo;
    if (t.recomputed) return false;
    for (const uuid of t.routersChanged) {
      const lr = t.routers.get(uuid);
      if (lr && !this.bind(lr)) return false;
    }
    const switches = new Set([...t.rebuiltSw, ...t.switchesChanged]);
    for (const uuid of switches) {
      const sw = t.switches.get(uuid);
      if (sw && !this.bind(sw)) return false;
    }
    return this.bindGarpPeers(t.routersChanged, switches);
  }

  /** A router's NAT rules feed its peers' nat_addresses. */
  onNat(): boolean {
    const routers = new Set<string>();
    for (const c of this.nb.tables.NAT.changes)
      for (const uuid of this.topo.index.natRouter.get(c.uuid) ?? []) routers.add(uuid);
    return this.bindGarpPeers(routers, new Set());
  }

  /** So do the VIPs of its balancers. */
  onLoadBalancers(): boolean {
    const l = this.lbs;
    if (l.recomputed) return false;
    const routers = new Set([...l.routerPeers, ...l.routersReshaped, ...l.lbAll]);
    return this.bindGarpPeers(routers, new Set());
  }

  /**
   * Bind again the peer switches of `routers` whose router-type ports may carry nat_addresses (a
   * gateway router's, a router's with gateway ports, or ports with options:nat-addresses), except
   * those in `done`.
   */
  private bindGarpPeers(routers: Iterable<string>, done: Set<string>): boolean {
    for (const uuid of routers) {
      const lr = this.topo.routers.get(uuid);
      if (!lr) continue;
      const gateway = lr.nb.options['chassis'] !== undefined || redirectPorts(lr).size > 0;
      for (const rp of lr.ports) {
        const sp = rp.peer;
        if (!sp || done.has(sp.dp.uuid) || (!gateway && sp.nb.options['nat-addresses'] === undefined)) continue;
        done.add(sp.dp.uuid);
        if (!this.bind(sp.dp)) return false;
      }
    }
    return true;
  }

  /** Encapsulations matter only through the key ranges. */
  onEncaps(): boolean {
    return this.sb.vxlan() === this.vxlan;
  }

  /** Chassis: the key ranges, and the Chassis rows that requested-chassis names resolve to. */
  onChassis(): boolean {
    if (this.sb.vxlan() !== this.vxlan) return false;
    for (const name of this.requested) this.ports.add(name);
    return true;
  }

  /**
   * Port_Binding rows written by anyone but us make the daemon recompute everything; ovn-controller's
   * claims of virtual ports (virtual_parent, chassis) are no input of the bindings (the routers read them).
   */
  onPortBinding(): boolean {
    return this.sb.portBindings.every(isVirtualBindingChange);
  }

  /** Ports name their HA chassis group by its name: a renamed group rebinds everything. */
  onHaChassisGroup(): boolean {
    return this.nb.tables.HA_Chassis_Group.changes.every((c) => c.kind !== 'modify' || c.old.name === c.new.name);
  }

  // ---- outputs ----

  portBindings(dp: string): readonly PortBindingOut[] {
    return this.bound.get(dp)?.ports ?? [];
  }
  multicastGroups(dp: string): readonly MulticastGroupOut[] {
    return this.bound.get(dp)?.mcs ?? [];
  }

  /** Port bindings and multicast groups of one datapath, keeping every existing key; false if its key moved. */
  private bind(dp: Datapath): boolean {
    const key = this.dpKeys.get(dp.uuid);
    if (key === undefined) return true;
    // Ports this datapath already bound keep the keys the SB has from us (an SB changed by anyone else
    // forces a full recompute); only new ones are looked up in the SB.
    const old = new Map((this.bound.get(dp.uuid)?.ports ?? []).map((p) => [p.logicalPort, p]));
    const names: string[] = dp.ports.map((p) => p.name);
    if (dp.kind === 'router') for (const p of dp.ports) names.push(`cr-${p.name}`);
    const ports = new Map<string, { dp: string; key: number }>();
    for (const name of names) {
      const had = old.get(name);
      const e = had ? { datapath: had.datapath, tunnelKey: had.tunnelKey } : this.sb.port(name);
      if (e && e.datapath === dp.uuid) ports.set(name, { dp: dp.uuid, key: e.tunnelKey });
    }
    // A non-router port's binding depends on its NB row and its keys only (a renamed HA chassis group
    // recomputes): the binding built from the same row object is kept (a port add builds one, not 100).
    const reuse = (p: SwitchPort, datapath: string, tunnelKey: number) => {
      const o = old.get(p.name);
      return o && this.rowOf.get(o) === p.nb && o.datapath === datapath && o.tunnelKey === tunnelKey ? o : undefined;
    };
    const b = buildBindings(
      { switches: dp.kind === 'switch' ? [dp] : [], routers: dp.kind === 'router' ? [dp] : [] },
      { vxlan: this.vxlan, datapaths: new Map([[dp.uuid, key]]), ports },
      this.ctx.diag,
      { distributedNat: this.topo.distNat, nb: this.nb.view, natInputs: this.natInputs, reuse, built: this.built },
    );
    if (b.dpKeys.get(dp.uuid) !== key) return false;
    // Only bindings that came, went or differ are written (a port add rebinds the switch's 100 ports).
    for (const p of b.ports) {
      const o = old.get(p.logicalPort);
      old.delete(p.logicalPort);
      if (p.requestedChassis.length) this.requested.add(p.logicalPort);
      else this.requested.delete(p.logicalPort);
      if (!o || (o !== p && !samePortBinding(o, p))) this.ports.add(p.logicalPort);
    }
    for (const name of old.keys()) {
      this.ports.add(name);
      this.requested.delete(name);
    }
    this.mcDatapaths.add(dp.uuid);
    this.bound.set(dp.uuid, { ports: b.ports, mcs: b.multicastGroups });
    return true;
  }
}

function addToList<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const sameMap = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) => {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
};

type Same<T> = (a: T, b: T) => boolean;
const eq = <T>(a: T, b: T) => a === b;
/** How each binding column compares (a column added to PortBindingOut must be listed: a type error otherwise). */
const PB_COLUMNS: { readonly [K in keyof PortBindingOut]-?: Same<PortBindingOut[K]> } = {
  logicalPort: eq,
  datapath: eq,
  tunnelKey: eq,
  type: eq,
  parentPort: eq,
  tag: eq,
  mac: sameList,
  portSecurity: sameList,
  mirrorRules: sameList,
  natAddresses: sameList,
  options: sameMap,
  externalIds: sameMap,
  haChassisGroup: eq,
  requestedChassis: sameList,
};

/** Whether two bindings of a port are the same (a switch rebind compares its 100 ports: stop at the first difference). */
function samePortBinding(a: PortBindingOut, b: PortBindingOut): boolean {
  for (const k in PB_COLUMNS) {
    const col = k as keyof PortBindingOut;
    if (!(PB_COLUMNS[col] as Same<unknown>)(a[col], b[col])) return false;
  }
  return true;
}
