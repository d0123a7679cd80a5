// SB Load_Balancer rows: one per NB load balancer applied to at least one switch, naming those
// switches. ovn-controller (and ovn-trace) read them for hairpin detection; `hairpin_orig_tuple`
// tells them the original destination is kept in registers by the pre-stateful stage.
import type { LoadBalancer } from '@ovnts/schema/nb';

export interface SbLoadBalancerOut {
  readonly name: string;
  readonly vips: Readonly<Record<string, string>>;
  readonly protocol: string | null;
  readonly options: Readonly<Record<string, string>>;
  readonly externalIds: Readonly<Record<string, string>>;
  /**
   * Switch NB UUIDs, sorted. Written through `datapath_group`, as ovn-northd 23.03 does: one group per
   * distinct switch set, shared by the load balancers and never by flows (see lb-groups.ts).
   */
  readonly datapaths: readonly string[];
}

export function sbLoadBalancer(lb: LoadBalancer, switches: Iterable<string>): SbLoadBalancerOut {
  return {
    name: lb.name,
    vips: lb.vips,
    protocol: lb.protocol,
    options: { ...lb.options, hairpin_orig_tuple: 'true' },
    externalIds: { lb_id: lb._uuid },
    datapaths: [...switches].sort(),
  };
}
