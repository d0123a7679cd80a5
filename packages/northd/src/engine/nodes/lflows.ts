// Node `lflows`: the logical flows of every datapath, as the SB writer reads them. Router and switch
// flows never share a content key (the stage name tells the datapath kind), so the routers and switches
// nodes each count their own units in a FlowSet; so does service_monitors, whose ARP/ND answers for
// health check source addresses (priority 110 in ls_in_arp_rsp) no switch unit builds, and so does
// igmp_groups (the flows of learned multicast groups). This node is their union and gathers the flow
// keys a round touched.
import type { LogicalFlow } from '../../lflow-table.js';
import type { FlowSpec } from '../flow-set.js';
import type { NodeData } from '../inc-engine.js';
import type { IgmpGroupsNode } from './igmp-groups.js';
import type { RoutersNode } from './routers.js';
import type { ServiceMonitorsNode } from './service-monitors.js';
import type { SwitchesNode } from './switches.js';

export class LflowsNode implements NodeData {
  /** Flow keys whose datapath set may differ from what was last written. */
  readonly touched = new Set<string>();
  private changed = false;

  constructor(
    private readonly routers: RoutersNode,
    private readonly switches: SwitchesNode,
    private readonly svc: ServiceMonitorsNode,
    private readonly igmp: IgmpGroupsNode,
  ) {}

  clearTracked(): void {
    this.touched.clear();
    this.changed = false;
  }
  updated(): boolean {
    return this.changed;
  }
  /** Nothing of its own to rebuild: the flows are the routers' and switches' units. */
  recompute(): void {
    this.changed = true;
  }

  onRouters(): boolean {
    return this.take(this.routers.recomputed, this.routers.flows.takeTouched());
  }
  onSwitches(): boolean {
    return this.take(this.switches.recomputed, this.switches.flows.takeTouched());
  }
  onServiceMonitors(): boolean {
    return this.take(this.svc.recomputed, this.svc.flows.takeTouched());
  }
  onIgmpGroups(): boolean {
    return this.take(this.igmp.recomputed, this.igmp.flows.takeTouched());
  }

  flow(key: string): LogicalFlow | undefined {
    return (
      this.routers.flows.flow(key) ??
      this.switches.flows.flow(key) ??
      this.svc.flows.flow(key) ??
      this.igmp.flows.flow(key)
    );
  }
  /** Every flow, in toArray's order, without a LogicalFlow object per flow (FlowSet.forEachFlow). */
  forEachFlow(fn: (spec: FlowSpec, datapaths: readonly string[], dpKey: string) => void): void {
    for (const s of [this.routers, this.switches, this.svc, this.igmp]) s.flows.forEachFlow(fn);
  }
  toArray(): LogicalFlow[] {
    return [
      ...this.routers.flows.toArray(),
      ...this.switches.flows.toArray(),
      ...this.svc.flows.toArray(),
      ...this.igmp.flows.toArray(),
    ];
  }
  /**
   * A datapath's flow units (unit id → flows): `core`, `acl`, `lb`, and `<kind>:<id>` per row. (A cold
   * start streams these early; the service monitors' few flows go out with the rest.)
   */
  unitsOf(dp: string): ReadonlyMap<string, readonly FlowSpec[]> | undefined {
    return this.routers.flows.unitsOf(dp) ?? this.switches.flows.unitsOf(dp);
  }

  private take(recomputed: boolean, keys: Set<string>): boolean {
    if (recomputed) return false;
    for (const k of keys) this.touched.add(k);
    this.changed ||= keys.size > 0;
    return true;
  }
}
