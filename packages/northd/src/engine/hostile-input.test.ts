// Issue 24, hostile input: schema-valid but semantically random NB content (hostileNbEdit, mixed with the
// ordinary random edits so the topology keeps changing) through the incremental engine as the daemon runs it.
// After every round: nothing threw, the engine's output equals a full compile, the SB it wrote equals what a
// full diff writes, and every problem the compiler reports names its table and row.
// HOSTILE_NB_ROUNDS raises the count (the acceptance run uses 10000); HOSTILE_NB_SEED picks the seed.
import { describe, expect, it } from 'vitest';
import { EngineCheck } from '../testing/engine-check.js';
import { hostileNbEdit } from '../testing/hostile-nb.js';
import { k8sMemNb, makeRng, randomNbEdit } from '../testing/random-nb-changes.js';

const ROUNDS = Number(process.env['HOSTILE_NB_ROUNDS'] ?? 300);
const SEED = Number(process.env['HOSTILE_NB_SEED'] ?? 24);

describe('hostile NB content', () => {
  it(
    `${ROUNDS} rounds (seed ${SEED}): no throw, incremental equals full, problems named`,
    { timeout: 7_200_000 },
    async () => {
      const nb = k8sMemNb();
      nb.takeChanges();
      const check = new EngineCheck();
      check.round(nb.snapshot(), 'full');
      const rng = makeRng(SEED);
      let applied = 0;
      let refused = 0;
      const problems = new Set<string>();
      for (let i = 0; i < ROUNDS; i++) {
        if (i % 25 === 24) await new Promise((r) => setImmediate(r));
        if (i % 1000 === 999) console.log(`hostile NB: ${i + 1} rounds, ${applied} applied, ${problems.size} problems`);
        const edit = rng() < 0.7 ? hostileNbEdit(nb, rng) : randomNbEdit(nb, rng);
        try {
          nb.transact(edit.ops);
          applied++;
        } catch {
          refused++; // what ovsdb-server would refuse too (unique names, immutable columns)
          continue;
        }
        try {
          check.round(nb.snapshot(), nb.takeChanges().changes);
        } catch (e) {
          throw new Error(`round ${i} (${edit.description}): ${(e as Error).message}`, { cause: e });
        }
        for (const d of check.engine.takeDiagnostics()) {
          expect(d.table, `round ${i}: ${d.message}`).not.toBe('');
          expect(d.name, `round ${i}: ${d.message}`).not.toBe('');
          problems.add(`${d.table} ${d.name}: ${d.message}`);
        }
      }
      console.log(`hostile NB: ${applied} applied, ${refused} refused, ${problems.size} distinct problems reported`);
      expect(applied).toBeGreaterThan(ROUNDS / 3);
      expect(problems.size).toBeGreaterThan(0);
    },
  );
});
