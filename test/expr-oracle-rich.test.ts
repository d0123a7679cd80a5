// Acceptance oracle: the real ovn-northd and ovn-controller program a netdev ovs-vswitchd for a switch +
// router topology with ACLs on a port group and address set, load balancers, DHCP and DNS; every logical
// flow of every local datapath must compile with @ovnts/expr to exactly the OpenFlow flows the real
// controller installed (cookie = first 32 bits of the Logical_Flow UUID; conjunction ids and group ids
// normalized).
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { runOracle } from '../packages/expr/scripts/oracle.js';
import { buildRichTopology, captureLab } from '../packages/expr/scripts/topology.js';

describe('expr oracle: switch + router + ACL/LB/DHCP topology', () => {
  const sandbox = useSandbox();

  it('compiles every logical flow to exactly the real controller flows', async () => {
    const sb = sandbox();
    const lab = await buildRichTopology(sb);
    const cap = await captureLab(sb, lab);
    const report = runOracle({
      tables: cap,
      flows: cap['flows']!,
      groups: cap['groups']!,
      meters: cap['meters']!,
      chassis: 'hv1',
    });
    console.log(
      `rich topology: ${report.exact}/${report.pairs} (logical flow, datapath) pairs exact, ${report.realFlows} real flows, ${report.lflows} lflows`,
    );
    expect(report.compileErrors).toEqual([]);
    expect(report.mismatches.map((m) => ({ lflow: m.lflow, expected: m.expected, actual: m.actual }))).toEqual([]);
    expect(report.pairs).toBeGreaterThan(300);
    expect(report.realFlows).toBeGreaterThan(500);
    expect(report.exact).toBe(report.pairs);
  });
});
