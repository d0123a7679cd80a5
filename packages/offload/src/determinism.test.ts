// The report must not depend on the order rows come in (SB row order changes from run to run).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDump } from './dump.js';
import { analyze, formatReportJson, formatReportTable } from './report.js';
import { sbContextFromJson, type SbContext } from './sb.js';

const fx = (n: string) => readFileSync(new URL(`../fixtures/${n}`, import.meta.url), 'utf8');

function reversed(sb: SbContext): SbContext {
  return {
    portBindings: [...sb.portBindings].reverse(),
    datapaths: [...sb.datapaths].reverse(),
    ...(sb.loadBalancers ? { loadBalancers: [...sb.loadBalancers].reverse() } : {}),
    ...(sb.dpGroups ? { dpGroups: [...sb.dpGroups].reverse() } : {}),
    ...(sb.logicalFlows ? { logicalFlows: [...sb.logicalFlows].reverse() } : {}),
    ...(sb.macBindings ? { macBindings: [...sb.macBindings].reverse() } : {}),
  };
}

describe('deterministic report', () => {
  it('run twice, and with every SB table in reverse row order, the report is identical', () => {
    const dump = parseDump(fx('lab-flows.txt'));
    const sb = sbContextFromJson(fx('lab-sb.json'));
    const a = analyze({ dump, sb });
    const b = analyze({ dump, sb });
    const c = analyze({
      dump: { flows: [...dump.flows].reverse(), groups: [...dump.groups].reverse() },
      sb: reversed(sb),
    });
    expect(formatReportJson(b)).toBe(formatReportJson(a));
    expect(formatReportTable(c)).toBe(formatReportTable(a));
    expect(formatReportJson(c)).toBe(formatReportJson(a));
    // Every class names the packet it traced.
    for (const cl of a.classes) expect(cl.traceFlow).toMatch(/in_port=\d+/);
  });
});
