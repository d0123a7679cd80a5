import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generateModule } from './generator.mjs';

/** Which schema produces which generated module. */
export const GENERATED = [
  { schema: 'schemas/ovn-nb.ovsschema', out: 'packages/schema/src/generated/nb.ts' },
  { schema: 'schemas/ovn-sb.ovsschema', out: 'packages/schema/src/generated/sb.ts' },
  { schema: 'schemas/vswitch.ovsschema', out: 'packages/schema/src/generated/vswitch.ts' },
];

export function render(root, target) {
  const json = JSON.parse(readFileSync(path.join(root, target.schema), 'utf8'));
  return generateModule(json, { source: target.schema });
}
