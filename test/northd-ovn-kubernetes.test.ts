// Parity on the NB shape ovn-kubernetes writes for its gateways: every node's gateway router bound to
// the node's chassis with `lb_force_snat_ip=router_ip`, `dynamic_neigh_routers=true` and
// `always_learn_from_arp_request=false`, all on one shared join switch, each with its own external
// switch (localnet), a default route out and an SNAT of the cluster network; services as one load
// balancer group on every node switch and gateway router. The real ovn-northd 23.03 and ovnts must write
// the same flows: a gateway router learns its neighbours on the join switch instead of holding a static
// ARP entry for every other router there, and load-balanced traffic leaves SNATed to the router's IP.
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { k8sNbOps, k8sStatefulOps, formatFlowDiff, runParityCase } from '@ovnts/northd/testing';

const shape = { nodes: 4, podsPerNode: 3, vips: 6, acls: 10, ovnKubernetesGateways: true };

describe('parity: ovn-kubernetes gateway routers', () => {
  const sandbox = useSandbox();
  it('identical flows and bindings', async () => {
    const r = await runParityCase(sandbox(), {
      name: 'ovn-k8s',
      nbOps: [...k8sNbOps(shape), ...k8sStatefulOps(shape)],
      nbctl: [],
      packets: [],
    });
    console.log(formatFlowDiff('ovn-kubernetes 4x3, 6 VIPs', r));
    expect(r.compiled.diagnostics).toEqual([]);
    expect({ missing: r.missing, extra: r.extra }).toEqual({ missing: [], extra: [] });
    expect(r.bindings.ours).toEqual(r.bindings.real);
  });
});
