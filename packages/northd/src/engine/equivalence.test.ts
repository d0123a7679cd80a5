// The recompute-equivalence guard over randomized NB edits: after every incremental round the
// engine's output equals a full compile, and the SB it wrote equals what a full diff would write.
// ENGINE_EDITS raises the count (the acceptance run uses 10000).
import { describe, expect, it } from 'vitest';
import { EngineCheck } from '../testing/engine-check.js';
import { k8sMemNb, makeRng, randomNbEdit } from '../testing/random-nb-changes.js';
import { randomIgmpEdit } from '../testing/random-igmp-groups.js';
import { randomVirtualBindingEdit } from '../testing/random-virtual-bindings.js';

const EDITS = Number(process.env['ENGINE_EDITS'] ?? 400);
const SEEDS = (process.env['ENGINE_SEEDS'] ?? '1,2').split(',').map(Number);
// ENGINE_CHECK_FROM=N replays the first N edits without comparing (to reach a late failure sooner).
const CHECK_FROM = Number(process.env['ENGINE_CHECK_FROM'] ?? 0);

describe('incremental engine equals full recompute', () => {
  for (const seed of SEEDS) {
    // Up to 3 s an edit (each is checked against a full compile; a loaded machine takes that long).
    it(`seed ${seed}: ${EDITS} random edits`, { timeout: Math.max(3_600_000, EDITS * 3_000) }, async () => {
      const nb = k8sMemNb();
      nb.takeChanges();
      const check = new EngineCheck();
      check.round(nb.snapshot(), 'full');
      const rng = makeRng(seed);
      // Virtual port claims draw from a stream of their own: the NB and IGMP edits stay those of the seed.
      const vrng = makeRng(seed + 1_000_003);
      const reasons = new Map<string, number>();
      let claims = 0;
      const note = (r: { full: boolean; reason?: string }, kind: string) => {
        if (r.full) reasons.set(`${r.reason} <- ${kind}`, (reasons.get(`${r.reason} <- ${kind}`) ?? 0) + 1);
      };
      for (let i = 0; i < EDITS; i++) {
        // Let the test runner's worker breathe during long runs.
        if (i % 25 === 24) await new Promise((r) => setImmediate(r));
        // Now and then ovn-controller claims or releases a virtual port (SB Port_Binding.virtual_parent).
        const vEdit = vrng() < 0.03 ? randomVirtualBindingEdit(check.sb, vrng) : undefined;
        if (vEdit) {
          claims++;
          try {
            note(check.round(nb.snapshot(), [], vEdit.changes, i >= CHECK_FROM), 'virtual-binding');
          } catch (e) {
            throw new Error(`edit ${i} (${vEdit.description}): ${(e as Error).message}`);
          }
        }
        // Now and then ovn-controller learns or forgets a multicast group (SB IGMP_Group) instead.
        if (rng() < 0.05) {
          const sbEdit = randomIgmpEdit(check.sb, rng);
          if (!sbEdit) continue;
          try {
            note(check.round(nb.snapshot(), [], sbEdit.changes, i >= CHECK_FROM), 'igmp-group');
          } catch (e) {
            throw new Error(`edit ${i} (${sbEdit.description}): ${(e as Error).message}`);
          }
          continue;
        }
        const edit = randomNbEdit(nb, rng);
        try {
          nb.transact(edit.ops);
        } catch {
          continue; // a transaction the server would refuse changes nothing
        }
        let r;
        try {
          r = check.round(nb.snapshot(), nb.takeChanges().changes, undefined, i >= CHECK_FROM);
        } catch (e) {
          throw new Error(`edit ${i} (${edit.description}): ${(e as Error).message}`);
        }
        // Why, and for which kind of edit (the part of its description before the colon).
        note(r, edit.description.slice(0, edit.description.indexOf(':')));
        if (i % 1000 === 999) console.info(`seed ${seed}: ${i + 1} edits, ${check.fullRounds} full rounds`);
      }
      const byCount = JSON.stringify([...reasons].sort((a, b) => b[1] - a[1]));
      console.info(
        `seed ${seed}: ${check.fullRounds} full rounds of ${check.rounds}, ${claims} virtual port claims (${byCount})`,
      );
      // Most edits must be handled incrementally: what still recomputes is mostly datapaths created or
      // deleted (about one edit in ten).
      expect(check.fullRounds, byCount).toBeLessThan(EDITS / 5);
      // ovn-controller's claims of virtual ports are handled by the routers node, never by a recompute.
      expect([...reasons.keys()].filter((k) => k.endsWith('<- virtual-binding'))).toEqual([]);
    });
  }
});
