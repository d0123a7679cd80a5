// Dev tool: parse every match and action of a captured SB (see capture.ts) and report failures.
import { readFileSync } from 'node:fs';
import { parseActions, parseMatch } from '../src/index.js';
import { asSet, sbRows } from './sb-json.js';

const dir = process.argv[2] ?? '/tmp/expr-capture';
const rd = (t: string) => sbRows(readFileSync(`${dir}/${t}.txt`, 'utf8'));
const lflows = rd('Logical_Flow');
const addrSets = new Map(rd('Address_Set').map((r) => [r['name'] as string, asSet<string>(r['addresses'])]));
const portGroups = new Map(rd('Port_Group').map((r) => [r['name'] as string, asSet<string>(r['ports'])]));
let bad = 0;
for (const f of lflows) {
  const env = { addressSet: (n: string) => addrSets.get(n), portGroup: (n: string) => portGroups.get(n), dpKey: 1 };
  const m = parseMatch(f['match'] as string, env);
  if (!m.ok) {
    bad++;
    console.log('MATCH', f['match'], '→', m.error.describe());
  }
  const a = parseActions(f['actions'] as string, {
    ...env,
    pipeline: f['pipeline'] as 'ingress' | 'egress',
    table: f['table_id'] as number,
  });
  if (!a.ok) {
    bad++;
    console.log('ACTIONS', f['actions'], '→', a.error.describe());
  }
}
console.log(`${lflows.length} lflows, ${bad} failures`);
