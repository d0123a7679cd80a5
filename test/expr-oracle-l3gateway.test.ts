// Acceptance oracle: the real ovn-northd and ovn-controller program a netdev ovs-vswitchd for an L3
// gateway router pinned to hv1 (SNAT, LBs with skip_snat, IPv6 LB, ECMP symmetric-reply routes, QoS meter),
// a virtual port, a localport, reject and stateless ACLs and IPv6 port security; every logical flow of every
// local datapath must compile with @ovnts/expr to exactly the OpenFlow flows the real controller installed (cookie = first 32 bits of the
// Logical_Flow UUID; conjunction ids and group ids normalized).
import { describe, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { expectOracleExact } from './expr-oracle-fixtures.js';
import { buildL3GatewayTopology, captureLab } from '../packages/expr/scripts/topology.js';

describe('expr oracle: L3 gateway router, virtual port, localport, reject ACLs, IPv6 LB', () => {
  const sandbox = useSandbox();

  it('compiles every logical flow to exactly the real controller flows', async () => {
    const sb = sandbox();
    const lab = await buildL3GatewayTopology(sb);
    const cap = await captureLab(sb, lab);
    expectOracleExact('l3 gateway topology', cap, 'hv1', { pairs: 300, realFlows: 500 });
  });
});
