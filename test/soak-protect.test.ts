// The soak's data-path guard (soak-protect.ts): thousands of random edits through it keep every kept row,
// its name, type, parent and gateway chassis, while the rest of the NB still churns.
import { describe, expect, it } from 'vitest';
import { k8sMemNb, makeRng, randomNbEdit, SMALL_K8S_SHAPE } from '@ovnts/northd/testing';
import { DataPathGuard, k8sDataPath } from './soak-protect.js';

const PODS = ['ns0_pod-0-0', 'ns1_pod-0-1', 'ns1_pod-1-1', 'ns2_pod-1-2'];

describe('soak data-path guard', () => {
  it('keeps the bound ports, their switches and the gateway routers through 4000 random edits', () => {
    const nb = k8sMemNb(SMALL_K8S_SHAPE);
    const guard = new DataPathGuard(nb, k8sDataPath([0, 1], PODS));
    const before = new Map(
      ['Logical_Switch_Port', 'Logical_Router'].flatMap((t) =>
        [...nb.rows(t)].map(([u, r]) => [u, { type: r['type'], options: r['options'] }] as const),
      ),
    );
    const rng = makeRng(7);
    let refused = 0;
    let applied = 0;
    const kinds = new Set<string>();
    for (let i = 0; i < 4000; i++) {
      const edit = randomNbEdit(nb, rng);
      if (guard.refuses(nb, edit.ops)) {
        refused++;
        continue;
      }
      try {
        nb.transact(edit.ops);
        applied++;
        kinds.add(edit.description.split(':')[0]!);
      } catch {
        // Some edits are refused by the NB itself (as by ovsdb-server): not the guard's business.
      }
      expect(guard.missing(nb), `after ${edit.description}`).toEqual([]);
    }
    expect(refused).toBeGreaterThan(0);
    expect(applied).toBeGreaterThan(2000);
    // Deletions still happen (to rows not kept).
    for (const k of ['lsp-del', 'ls-del', 'lr-del', 'lrp-del', 'lsp-update']) expect(kinds).toContain(k);
    const byName = (t: string, n: string) => [...nb.rows(t).values()].find((r) => r['name'] === n)!;
    for (const [n, sw] of [
      ['ns0_pod-0-0', 'node0'],
      ['ns2_pod-1-2', 'node1'],
    ]) {
      const p = byName('Logical_Switch_Port', n!);
      expect(p['type']).toBe('');
      expect(byName('Logical_Switch', sw!)['ports']).toContain(p['_uuid']);
      expect(
        [...nb.rows('Logical_Switch').values()].filter((s) => (s['ports'] as string[]).includes(p['_uuid'] as string)),
      ).toHaveLength(1);
    }
    for (const n of [0, 1]) {
      const gr = byName('Logical_Router', `GR_node${n}`);
      expect((gr['options'] as Record<string, string>)['chassis']).toBe(`chassis-node${n}`);
      expect(before.get(gr['_uuid'] as string)).toBeDefined();
    }
  });

  it('names what it refuses', () => {
    const nb = k8sMemNb(SMALL_K8S_SHAPE);
    const guard = new DataPathGuard(nb, k8sDataPath([0], PODS.slice(0, 1)));
    const gr = [...nb.rows('Logical_Router').values()].find((r) => r['name'] === 'GR_node0')!;
    expect(
      guard.refuses(nb, [{ op: 'delete', table: 'Logical_Router', where: [['_uuid', '==', ['uuid', gr['_uuid']]]] }]),
    ).toBe('deletes Logical_Router GR_node0');
    expect(
      guard.refuses(nb, [{ op: 'delete', table: 'Logical_Router', where: [['name', '==', 'GR_node3']] }]),
    ).toBeUndefined();
    expect(
      guard.refuses(nb, [
        { op: 'update', table: 'Logical_Router', where: [['name', '==', 'GR_node0']], row: { options: ['map', []] } },
      ]),
    ).toBe('changes kept options of Logical_Router GR_node0');
    expect(() => new DataPathGuard(nb, k8sDataPath([0], ['no-such-pod']))).toThrow(
      /no Logical_Switch_Port named no-such-pod/,
    );
  });
});
