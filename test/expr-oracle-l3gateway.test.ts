// Acceptance oracle: the real ovn-northd and ovn-controller program a netdev ovs-vswitchd for an L3
// gateway router pinned to hv1 (SNAT, LBs with skip_snat, IPv6 LB, ECMP symmetric-reply routes, QoS meter),
// a virtual port, a localport, reject and stateless ACLs and IPv6 port security; every logical flow of every
// local datapath must compile with @ovnts/expr to exactly the OpenFlow flows the real controller installed (cookie = first 32 bits of the
// Logical_Flow UUID; conjunction ids and group ids normalized).
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { runOracle } from '../packages/expr/scripts/oracle.js';
import { buildL3GatewayTopology, captureLab } from '../packages/expr/scripts/topology.js';

describe('expr oracle: L3 gateway router, virtual port, localport, reject ACLs, IPv6 LB', () => {
  const sandbox = useSandbox();

  it('compiles every logical flow to exactly the real controller flows', async () => {
    const sb = sandbox();
    const lab = await buildL3GatewayTopology(sb);
    const cap = await captureLab(sb, lab);
    const report = runOracle({
      tables: cap,
      flows: cap['flows']!,
      groups: cap['groups']!,
      meters: cap['meters']!,
      chassis: 'hv1',
    });
    console.log(
      `l3 gateway topology: ${report.exact}/${report.pairs} (logical flow, datapath) pairs exact, ${report.realFlows} real flows, ${report.lflows} lflows`,
    );
    expect(report.compileErrors).toEqual([]);
    expect(report.mismatches.map((m) => ({ lflow: m.lflow, expected: m.expected, actual: m.actual }))).toEqual([]);
    expect(report.pairs).toBeGreaterThan(300);
    expect(report.realFlows).toBeGreaterThan(500);
    expect(report.exact).toBe(report.pairs);
  });
});
