// Shared assertion of the expr oracle tests: every logical flow of every local datapath compiles to exactly
// the OpenFlow flows the real ovn-controller installed on that chassis.
import { expect } from 'vitest';
import { runOracle } from '../packages/expr/scripts/oracle.js';

type Capture = Parameters<typeof runOracle>[0]['tables'];

export function expectOracleExact(
  label: string,
  cap: Capture,
  chassis: string,
  min: { pairs: number; realFlows: number },
): void {
  const report = runOracle({
    tables: cap,
    flows: cap['flows']!,
    groups: cap['groups']!,
    meters: cap['meters']!,
    chassis,
  });
  console.log(
    `${label}: ${report.exact}/${report.pairs} (logical flow, datapath) pairs exact, ${report.realFlows} real flows, ${report.lflows} lflows`,
  );
  expect(report.compileErrors).toEqual([]);
  expect(report.mismatches.map((m) => ({ lflow: m.lflow, expected: m.expected, actual: m.actual }))).toEqual([]);
  expect(report.pairs).toBeGreaterThan(min.pairs);
  expect(report.realFlows).toBeGreaterThan(min.realFlows);
  expect(report.exact).toBe(report.pairs);
}
