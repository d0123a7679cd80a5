// Acceptance oracle across two chassis: vm2 lives on hv2, so each controller skips the switch flows of the
// other chassis's ports and evaluates is_chassis_resident() differently. Both chassis's real flows must be
// reproduced exactly by @ovnts/expr from the same SB.
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { runOracle } from '../packages/expr/scripts/oracle.js';
import { buildRichTopology, captureLab } from '../packages/expr/scripts/topology.js';

describe('expr oracle: two chassis', () => {
  const sandbox = useSandbox();

  it('compiles the flows of each chassis exactly as its real controller installed them', async () => {
    const sb = sandbox();
    const lab = await buildRichTopology(sb, { twoChassis: true });
    for (const hv of [lab.hv, lab.hv2!]) {
      const cap = await captureLab(sb, lab, hv);
      const report = runOracle({
        tables: cap,
        flows: cap['flows']!,
        groups: cap['groups']!,
        meters: cap['meters']!,
        chassis: hv.name,
      });
      console.log(`${hv.name}: ${report.exact}/${report.pairs} pairs exact, ${report.realFlows} real flows`);
      expect(report.compileErrors).toEqual([]);
      expect(report.mismatches.map((m) => ({ lflow: m.lflow, expected: m.expected, actual: m.actual }))).toEqual([]);
      expect(report.realFlows).toBeGreaterThan(300);
    }
  });
});
