// Dev tool: build the rich topology with the real OVN stack and write its SB tables and flows to a dir.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Sandbox } from '@ovnts/test-harness/servers';
import { buildGatewayTopology, buildL3GatewayTopology, buildRichTopology, captureLab } from './topology.js';

const outDir = process.argv[2] ?? '/tmp/expr-capture';
const sb = new Sandbox();
try {
  const lab =
    process.argv[3] === 'l3gw'
      ? await buildL3GatewayTopology(sb)
      : process.argv[3] === 'gateway'
        ? await buildGatewayTopology(sb)
        : await buildRichTopology(sb, { twoChassis: process.argv[3] === 'two' });
  await new Promise((r) => setTimeout(r, 2000));
  const files = await captureLab(sb, lab);
  mkdirSync(outDir, { recursive: true });
  for (const [k, v] of Object.entries(files)) writeFileSync(`${outDir}/${k}.txt`, v);
  console.log('captured to', outDir);
} finally {
  await sb.stop();
}
