// Acceptance oracle: the real ovn-northd and ovn-controller program a netdev ovs-vswitchd for a switch +
// router topology with ACLs on a port group and address set, load balancers, DHCP and DNS; every logical
// flow of every local datapath must compile with @ovnts/expr to exactly the OpenFlow flows the real
// controller installed (cookie = first 32 bits of the Logical_Flow UUID; conjunction ids and group ids
// normalized).
import { describe, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { expectOracleExact } from './expr-oracle-fixtures.js';
import { buildRichTopology, captureLab } from '../packages/expr/scripts/topology.js';

describe('expr oracle: switch + router + ACL/LB/DHCP topology', () => {
  const sandbox = useSandbox();

  it('compiles every logical flow to exactly the real controller flows', async () => {
    const sb = sandbox();
    const lab = await buildRichTopology(sb);
    const cap = await captureLab(sb, lab);
    expectOracleExact('rich topology', cap, 'hv1', { pairs: 300, realFlows: 500 });
  });
});
