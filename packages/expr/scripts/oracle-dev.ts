// Dev tool: run the oracle over a capture directory (see capture.ts) and print the differences.
import { readFileSync } from 'node:fs';
import { runOracle } from './oracle.js';

const dir = process.argv[2] ?? '/tmp/expr-capture';
const rd = (n: string) => readFileSync(`${dir}/${n}.txt`, 'utf8');
const tables: Record<string, string> = {};
for (const t of [
  'Logical_Flow',
  'Logical_DP_Group',
  'Datapath_Binding',
  'Port_Binding',
  'Multicast_Group',
  'Address_Set',
  'Port_Group',
  'Chassis',
  'Meter',
  'DHCP_Options',
  'DHCPv6_Options',
])
  tables[t] = rd(t);
let meters = '';
try {
  meters = rd('meters');
} catch {
  // older captures have no meters
}
const r = runOracle({ tables, flows: rd('flows'), groups: rd('groups'), meters, chassis: process.argv[3] ?? 'hv1' });
for (const e of r.compileErrors) console.log('ERROR', e.match, '|', e.actions, '→', e.error);
for (const m of r.mismatches.slice(0, Number(process.argv[4] ?? 30))) {
  console.log('\nMISMATCH dp', m.dp, m.lflow);
  const exp = new Set(m.expected);
  const act = new Set(m.actual);
  for (const x of m.expected) if (!act.has(x)) console.log('  - ', x);
  for (const x of m.actual) if (!exp.has(x)) console.log('  + ', x);
}
console.log(`real flows ${r.realFlows}, empty pairs ${r.emptyPairs}`);
console.log(
  `\nlflows ${r.lflows}, pairs ${r.pairs}, exact ${r.exact} (${((100 * r.exact) / Math.max(1, r.pairs)).toFixed(1)}%), errors ${r.compileErrors.length}`,
);
