// Acceptance oracle: the real ovn-northd and ovn-controller program a netdev ovs-vswitchd for a gateway
// topology (distributed gateway port, NAT, localnet, IPv6 RA/DHCPv6, metered log ACLs, ECMP, LB affinity
// and controller events); every logical
// flow of every local datapath must compile with @ovnts/expr to exactly the OpenFlow flows the real
// controller installed (cookie = first 32 bits of the Logical_Flow UUID; conjunction ids and group ids
// normalized).
import { describe, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { expectOracleExact } from './expr-oracle-fixtures.js';
import { buildGatewayTopology, captureLab } from '../packages/expr/scripts/topology.js';

describe('expr oracle: gateway router, NAT, localnet, IPv6 RA/DHCPv6, meters, ECMP, LB affinity', () => {
  const sandbox = useSandbox();

  it('compiles every logical flow to exactly the real controller flows', async () => {
    const sb = sandbox();
    const lab = await buildGatewayTopology(sb);
    const cap = await captureLab(sb, lab);
    expectOracleExact('gateway topology', cap, 'hv1', { pairs: 300, realFlows: 500 });
  });
});
