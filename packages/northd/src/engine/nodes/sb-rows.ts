// The nodes for the SB rows that are neither flows nor bindings: `sb_load_balancers` (one row per load
// balancer applied to a switch, naming those switches), `address_sets` (NB sets, `svc_monitor_mac`, and
// the union with the port groups' and routers' derived sets) and `sb_global` (SB_Global.options).
import type { LoadBalancer } from '@ovnts/schema/nb';
import type { ChassisFeaturesNode } from './chassis-features.js';
import { sbGlobalOptions } from '../../global-options.js';
import { sbLoadBalancer, type SbLoadBalancerOut } from '../../stateful/sb-load-balancers.js';
import type { NodeData } from '../inc-engine.js';
import type { BindingsNode } from './bindings.js';
import type { NbInputs } from './inputs.js';
import type { LoadBalancersNode } from './load-balancers.js';
import type { PortGroupsNode } from './port-groups.js';
import type { RoutersNode } from './routers.js';
import type { SwitchesNode } from './switches.js';

export class SbLoadBalancersNode implements NodeData {
  private readonly rows = new Map<string, SbLoadBalancerOut>();
  recomputed = false;
  readonly touched = new Set<string>();

  constructor(
    private readonly nb: NbInputs,
    private readonly lbs: LoadBalancersNode,
    private readonly switches: SwitchesNode,
  ) {}

  clearTracked(): void {
    this.recomputed = false;
    this.touched.clear();
  }
  updated(): boolean {
    return this.recomputed || this.touched.size > 0;
  }
  recompute(): void {
    this.rows.clear();
    this.recomputed = true;
    for (const lb of this.switches.lbSwitches.keys()) this.set(lb);
  }

  /** A balancer's row changed (name, VIPs, options). */
  onLoadBalancers(): boolean {
    if (this.lbs.recomputed) return false;
    for (const lb of this.lbs.rows) this.set(lb);
    return true;
  }
  /** The switches applying a balancer changed. */
  onSwitches(): boolean {
    if (this.switches.recomputed) return false;
    for (const lb of this.switches.lbMembership) this.set(lb);
    return true;
  }

  row(lb: string): SbLoadBalancerOut | undefined {
    return this.rows.get(lb);
  }
  all(): Iterable<SbLoadBalancerOut> {
    return this.rows.values();
  }

  private set(lb: string): void {
    const row = this.nb.view.Load_Balancer.get(lb as LoadBalancer['_uuid']);
    const sws = this.switches.lbSwitches.get(lb);
    if (row && sws?.size) this.rows.set(lb, sbLoadBalancer(row, sws));
    else this.rows.delete(lb);
    this.touched.add(lb);
  }
}

export class AddressSetsNode implements NodeData {
  /** NB Address_Set UUID → its name; name → addresses (NB sets and `svc_monitor_mac`). */
  private readonly names = new Map<string, string>();
  private readonly rows = new Map<string, readonly string[]>();
  recomputed = false;
  /** Every set name whose row may differ (the port groups' and routers' included). */
  readonly touched = new Set<string>();

  constructor(
    private readonly nb: NbInputs,
    private readonly pgs: PortGroupsNode,
    private readonly routers: RoutersNode,
  ) {}

  clearTracked(): void {
    this.recomputed = false;
    this.touched.clear();
  }
  updated(): boolean {
    return this.recomputed || this.touched.size > 0;
  }
  recompute(): void {
    this.names.clear();
    this.rows.clear();
    this.recomputed = true;
    for (const as of this.nb.view.Address_Set.values()) this.set(as._uuid, as.name, as.addresses);
    this.setMonitorMac();
  }

  onAddressSet(): boolean {
    for (const c of this.nb.tables.Address_Set.changes) {
      const name = this.names.get(c.uuid);
      if (name !== undefined) {
        this.rows.delete(name);
        this.touched.add(name);
        this.names.delete(c.uuid);
      }
      if (c.new) this.set(c.uuid, c.new.name, c.new.addresses);
    }
    return true;
  }
  /** `$svc_monitor_mac` in switch flows resolves through a set of that name. */
  onGlobal(): boolean {
    this.setMonitorMac();
    return true;
  }
  onPortGroups(): boolean {
    if (this.pgs.recomputed) return false;
    for (const n of this.pgs.touchedSets) this.touched.add(n);
    return true;
  }
  onRouters(): boolean {
    if (this.routers.recomputed) return false;
    for (const n of this.routers.touchedSets) this.touched.add(n);
    return true;
  }

  /** A set by name: northd's and the NB's first, then the port groups', then the routers'. */
  get(name: string): readonly string[] | undefined {
    return this.rows.get(name) ?? this.pgs.addressSet(name) ?? this.routers.addressSet(name);
  }
  all(): { name: string; addresses: readonly string[] }[] {
    const out = new Map<string, readonly string[]>(this.routers.addressSets());
    for (const [n, a] of this.pgs.addressSets()) out.set(n, a);
    for (const [n, a] of this.rows) out.set(n, a);
    return [...out].map(([name, addresses]) => ({ name, addresses }));
  }

  private set(uuid: string, name: string, addresses: readonly string[]): void {
    this.names.set(uuid, name);
    this.rows.set(name, [...addresses]);
    this.touched.add(name);
  }

  private setMonitorMac(): void {
    const mac = [...this.nb.view.NB_Global.values()][0]?.options['svc_monitor_mac'];
    this.rows.set('svc_monitor_mac', mac ? [mac] : []);
    this.touched.add('svc_monitor_mac');
  }
}

export class SbGlobalNode implements NodeData {
  options: Readonly<Record<string, string>> = {};
  private changed = false;

  constructor(
    private readonly nb: NbInputs,
    private readonly bindings: BindingsNode,
    private readonly features: ChassisFeaturesNode,
  ) {}

  clearTracked(): void {
    this.changed = false;
  }
  updated(): boolean {
    return this.changed;
  }
  recompute(): void {
    const global = [...this.nb.view.NB_Global.values()][0];
    this.options = sbGlobalOptions(global?.options ?? {}, this.bindings.vxlan, this.features.features);
    this.changed = true;
  }
  onGlobal(): boolean {
    this.recompute();
    return true;
  }
  /** max_tunid follows the key ranges, which change only in a recompute of the bindings. */
  onBindings(): boolean {
    return !this.bindings.recomputed;
  }
}
