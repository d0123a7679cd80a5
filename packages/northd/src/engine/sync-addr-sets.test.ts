// Node sync_to_sb_addr_set: ovn-northd's recompute/compute counts for the steps of upstream's "Address set
// incremental processing", and address edits written as mutations (EngineCheck checks every round
// against a full compile and a full SB diff).
import { describe, expect, it } from 'vitest';
import { EngineCheck } from '../testing/engine-check.js';
import { k8sNbOps } from '../testing/k8s-topology.js';
import { MemNb } from '../testing/mem-nb.js';

/** The node's counters from the show-stats text. */
function stats(check: EngineCheck): { recompute: number; compute: number } {
  const text = check.engine.showStats();
  const block = text.slice(text.indexOf('Node: sync_to_sb_addr_set\n'));
  const num = (k: string) => Number(new RegExp(`- ${k}:\\s+(\\d+)`).exec(block)![1]);
  return { recompute: num('recompute'), compute: num('compute') };
}

describe('sync_to_sb_addr_set', () => {
  it('recomputes on set creation, port group creation and NB_Global; handles address edits as mutations', () => {
    const nb = new MemNb();
    nb.transact([{ op: 'insert', table: 'NB_Global', row: {} }, ...k8sNbOps({ nodes: 2, podsPerNode: 2 })]);
    nb.takeChanges();
    const check = new EngineCheck();
    check.round(nb.snapshot(), 'full');
    const step = (ops: unknown[]) => {
      check.engine.clearStats();
      nb.transact(ops);
      const r = check.round(nb.snapshot(), nb.takeChanges().changes);
      return { full: r.full, ...stats(check), ops: check.lastOps };
    };

    const created = step([
      { op: 'insert', table: 'Address_Set', row: { name: 'foo', addresses: ['set', ['1.1.1.1']] } },
    ]);
    expect(created).toMatchObject({ full: false, recompute: 1, compute: 0 });

    const edited = step([
      {
        op: 'mutate',
        table: 'Address_Set',
        where: [['name', '==', 'foo']],
        mutations: [['addresses', 'insert', '1.1.1.3']],
      },
    ]);
    expect(edited).toMatchObject({ full: false, recompute: 0, compute: 1 });
    expect(edited.ops).toContain('mutate Address_Set addresses');

    expect(step([{ op: 'insert', table: 'Port_Group', row: { name: 'pg1' } }])).toMatchObject({ recompute: 1 });
    const cfg = step([{ op: 'mutate', table: 'NB_Global', where: [], mutations: [['nb_cfg', '+=', 1]] }]);
    expect(cfg).toMatchObject({ full: false, recompute: 1 });
    expect(cfg.ops.filter((o) => o.includes('Address_Set'))).toEqual([]);
  });
});
