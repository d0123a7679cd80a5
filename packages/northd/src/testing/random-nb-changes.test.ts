import { describe, expect, it } from 'vitest';
import { compile } from '../compile.js';
import { MemNb } from './mem-nb.js';
import { EDIT_KINDS, k8sMemNb, makeRng, randomNbEdit } from './random-nb-changes.js';

describe('randomNbEdit', () => {
  it('is deterministic for a seed', () => {
    const run = (seed: number) => {
      const nb = k8sMemNb();
      const rng = makeRng(seed);
      const out: string[] = [];
      for (let i = 0; i < 200; i++) {
        const e = randomNbEdit(nb, rng);
        out.push(`${e.description} -> ${nb.transact(e.ops).join(',')}`);
      }
      return out;
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });

  it('weights steer the mix: with only deletions weighted, ports go away; all weights 0 is an error', () => {
    const nb = k8sMemNb();
    const rng = makeRng(3);
    const ports = () => nb.rows('Logical_Switch_Port').size;
    const start = ports();
    for (let i = 0; i < 10; i++) {
      const e = randomNbEdit(nb, rng, (k) => (k === 'lsp-del' ? 1 : 0));
      expect(e.description).toMatch(/^lsp-del: /);
      nb.transact(e.ops);
    }
    expect(ports()).toBeLessThan(start);
    expect(() => randomNbEdit(nb, rng, () => 0)).toThrow(/weight 0/);
    expect(() => randomNbEdit(new MemNb(), rng, (k) => (k === 'lsp-del' ? 1 : 0))).toThrow(/no edit kind/);
  });

  it('each deletion kind deletes one row of its table and leaves no reference to it', () => {
    const nb = k8sMemNb({ nodes: 3, podsPerNode: 4, vips: 6, acls: 20 });
    const rng = makeRng(5);
    // Grow the tables the deletion kinds act on, with the kinds that add to them.
    const adds = new Set([
      'policy',
      'dns-add',
      'gateway-ha',
      'lbg-add-del',
      'lb-health',
      'bfd',
      'mirror',
      'static-mac-binding',
    ]);
    for (let i = 0; i < 400; i++) nb.transact(randomNbEdit(nb, rng, (k) => (adds.has(k) ? 1 : 0)).ops);
    nb.takeChanges();
    const tables: Record<string, string> = {
      'policy-del': 'Logical_Router_Policy',
      'dns-del': 'DNS',
      'ha-group-del': 'HA_Chassis_Group',
      'lbg-del': 'Load_Balancer_Group',
      'lb-health-del': 'Load_Balancer_Health_Check',
      'bfd-del': 'BFD',
      'mirror-del': 'Mirror',
      'static-mac-del': 'Static_MAC_Binding',
    };
    for (const [kind, table] of Object.entries(tables)) {
      expect(EDIT_KINDS).toContain(kind);
      for (let n = 0; n < 2; n++) {
        const before = new Set(nb.rows(table).keys());
        expect(before.size, `${table} has rows`).toBeGreaterThan(0);
        const e = randomNbEdit(nb, rng, (k) => (k === kind ? 1 : 0));
        nb.transact(e.ops);
        nb.takeChanges();
        const gone = [...before].filter((u) => !nb.rows(table).has(u));
        expect(gone, e.description).toHaveLength(1);
        expect(nb.rows(table).size).toBe(before.size - 1);
        // No row anywhere still names it.
        const text = JSON.stringify(nb.snapshot());
        expect(text.includes(gone[0]!), `${gone[0]} still referenced after ${e.description}`).toBe(false);
      }
    }
  });

  // Compiling after every edit dominates the run time (~10 ms a compile even for this tiny start): ~100 s at a
  // load average of 30, so the limit leaves room for a loaded machine (it is a hang guard, not a speed target).
  it('2000 edits all apply, and the compiler never throws', { timeout: 360_000 }, () => {
    const nb = k8sMemNb({ nodes: 3, podsPerNode: 4, vips: 6, acls: 20 });
    // A seed whose 2000 edits draw every kind, the rare deletions (weights 0.05-0.2) included.
    const rng = makeRng(1);
    const kinds = new Map<string, number>();
    let diagnostics = 0;
    let noops = 0; // e.g. adding an address a set already holds
    expect(compile(nb.snapshot()).diagnostics).toEqual([]);
    for (let i = 0; i < 2000; i++) {
      const e = randomNbEdit(nb, rng);
      const kind = e.description.slice(0, e.description.indexOf(':'));
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      try {
        nb.transact(e.ops);
      } catch (err) {
        throw new Error(`edit ${i} (${e.description}) failed: ${(err as Error).message}`);
      }
      const { changes } = nb.takeChanges();
      if (changes.length === 0) noops++;
      let out;
      try {
        out = compile(nb.snapshot());
      } catch (err) {
        throw new Error(`compile after edit ${i} (${e.description}) threw: ${(err as Error).stack}`);
      }
      diagnostics += out.diagnostics.length;
    }
    // Every kind of edit happened, invalid content included, and the compiler reported some of it.
    expect(EDIT_KINDS.filter((k) => !kinds.has(k))).toEqual([]);
    expect(diagnostics).toBeGreaterThan(0);
    expect(noops).toBeLessThan(100);
  });
});
