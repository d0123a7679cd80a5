// The pinned schemas must equal what the installed ovsdb-server serves, and the generated
// TypeScript must equal what the generator makes of them today.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSchema } from 'ovsdb-client-ts';
import { Sandbox, SCHEMA_FILE, DB_NAME, type DbKind } from '@ovnts/test-harness';
// @ts-expect-error plain .mjs build script without type declarations
import { GENERATED, render } from '../packages/schema/scripts/targets.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('schema drift', () => {
  const sb = new Sandbox();
  afterAll(() => sb.stop());

  for (const kind of ['nb', 'sb', 'vswitch'] as DbKind[]) {
    it(`schemas/${path.basename(SCHEMA_FILE[kind])} equals the installed ovsdb-server's ${DB_NAME[kind]}`, async () => {
      const server = await sb.startDb(kind);
      const served = JSON.parse(await sb.runOk('ovsdb-client', ['get-schema', server.remotes.unix, DB_NAME[kind]]));
      const pinned = JSON.parse(readFileSync(SCHEMA_FILE[kind], 'utf8'));
      // The server prints a normalized schema (defaults such as min:1 dropped), so compare parsed models.
      expect(parseSchema(served)).toEqual(parseSchema(pinned));
      expect(served.version).toBe(pinned.version);
    });
  }

  it('checked-in generated code is up to date', () => {
    for (const target of GENERATED as { out: string }[]) {
      expect(readFileSync(path.join(root, target.out), 'utf8'), `${target.out} is stale: run npm run generate`).toBe(
        render(root, target),
      );
    }
  });
});
