// The soak's balance (soak-balance.ts): a chassis' slice as the NB shapes it, and the edit weights that hold
// each slice and each NB table near its target over thousands of random edits.
import { describe, expect, it } from 'vitest';
import { EDIT_KINDS, k8sMemNb, makeRng, randomNbEdit, SMALL_K8S_SHAPE } from '@ovnts/northd/testing';
import { balance, inBand, SLICE_KINDS, sliceSize, STEERED, tableSteers, tableTargets } from './soak-balance.js';
import { DataPathGuard, k8sDataPath } from './soak-protect.js';

const PODS = ['ns0_pod-0-0', 'ns1_pod-0-1', 'ns1_pod-1-1', 'ns2_pod-1-2'];
const set = (xs: unknown[]) => ['set', xs];
const named = (n: string) => ['named-uuid', n];

/** A switch with one router-type port peering a new port of `router` (uuid), or of a new router. */
function attachSwitch(router: string | undefined, name: string): unknown[] {
  return [
    {
      op: 'insert',
      table: 'Logical_Router_Port',
      'uuid-name': 'lrp',
      row: { name: `rp-${name}`, mac: '02:00:00:00:00:01', networks: set(['10.250.0.1/24']) },
    },
    router
      ? {
          op: 'mutate',
          table: 'Logical_Router',
          where: [['_uuid', '==', ['uuid', router]]],
          mutations: [['ports', 'insert', named('lrp')]],
        }
      : { op: 'insert', table: 'Logical_Router', row: { name: `lr-${name}`, ports: named('lrp') } },
    {
      op: 'insert',
      table: 'Logical_Switch_Port',
      'uuid-name': 'peer',
      row: { name: `sp-${name}`, type: 'router', options: ['map', [['router-port', `rp-${name}`]]] },
    },
    { op: 'insert', table: 'Logical_Switch_Port', 'uuid-name': 'vm', row: { name: `vm-${name}` } },
    { op: 'insert', table: 'Logical_Switch', row: { name, ports: set([named('peer'), named('vm')]) } },
  ];
}

describe('soak balance', () => {
  it('steers every table with kinds of the generator that add to it and kinds that delete from it', () => {
    for (const [table, { add, del }] of Object.entries(STEERED)) {
      expect(add.length, table).toBeGreaterThan(0);
      // A table without a deletion kind could only climb to its target (and stop there).
      expect(del.length, table).toBeGreaterThan(0);
      expect(
        [...add, ...del].filter((k) => !EDIT_KINDS.includes(k)),
        table,
      ).toEqual([]);
    }
    // Past its target a table's additions are damped, not stopped; its deletions favoured.
    const w = balance([{ size: 20, target: 16, add: ['mirror'], del: ['mirror-del'], gain: 6 }]);
    expect(w('mirror')).toBeGreaterThan(0);
    expect(w('mirror')).toBeLessThan(1);
    expect(w('mirror-del')).toBeGreaterThan(1);
  });

  it('counts a quantity settled within 20 % of its target, at least 3 rows', () => {
    expect(inBand({ size: 13, target: 16 })).toBe(true);
    expect(inBand({ size: 19, target: 16 })).toBe(true);
    expect(inBand({ size: 12, target: 16 })).toBe(false);
    expect(inBand({ size: 7, target: 16 })).toBe(false);
    expect(inBand({ size: 80, target: 99 })).toBe(true);
    expect(inBand({ size: 79, target: 99 })).toBe(false);
    expect(inBand({ size: 119, target: 99 })).toBe(false);
  });

  it("counts a chassis' slice: what its switches reach through router ports, not another chassis' gateway", () => {
    const nb = k8sMemNb(SMALL_K8S_SHAPE);
    const slice = (n: number) => sliceSize(nb, [`node${n}`], `chassis-node${n}`);
    const start = slice(0);
    expect(start).toBeGreaterThan(0);
    expect(slice(1)).toBe(start);
    const cluster = [...nb.rows('Logical_Router')].find(([, r]) => r['name'] === 'ovn_cluster_router')![0];
    // A switch on the cluster router: in both slices (switch + its 2 ports, the router's new port).
    nb.transact(attachSwitch(cluster, 'extra'));
    expect(slice(0)).toBe(start + 4);
    expect(slice(1)).toBe(start + 4);
    // A switch on a router of its own, connected to nothing the chassis reach: in neither.
    nb.transact(attachSwitch(undefined, 'island'));
    expect(slice(0)).toBe(start + 4);
    // node1's gateway router, pinned to chassis-node1, is in node1's slice, not node0's: unpinned, it joins node0's.
    const gr1 = [...nb.rows('Logical_Router')].find(([, r]) => r['name'] === 'GR_node1')![0];
    const before = slice(0);
    nb.transact([
      { op: 'update', table: 'Logical_Router', where: [['_uuid', '==', ['uuid', gr1]]], row: { options: ['map', []] } },
    ]);
    expect(slice(0)).toBeGreaterThan(before);
  });

  it('holds each slice within ±25 % of its starting size (its mean within 10 %) and the tables near their targets over 10000 edits', () => {
    const nb = k8sMemNb(SMALL_K8S_SHAPE);
    const guard = new DataPathGuard(nb, k8sDataPath([0, 1], PODS));
    const targets = tableTargets(nb, 0.25);
    const slice = (n: number) => sliceSize(nb, [`node${n}`], `chassis-node${n}`);
    const sliceTargets = [slice(0), slice(1)];
    const steers = () => [
      ...tableSteers(nb, targets),
      ...sliceTargets.map((t, n) => ({ size: slice(n), target: t, ...SLICE_KINDS })),
    ];
    const rng = makeRng(3);
    let weight = balance(steers());
    const seen: number[][] = [[], []];
    for (let i = 0; i < 10_000; i++) {
      let edit = randomNbEdit(nb, rng, weight);
      while (guard.refuses(nb, edit.ops)) edit = randomNbEdit(nb, rng, weight);
      try {
        nb.transact(edit.ops);
      } catch {
        // Refused by the NB itself, as ovsdb-server would.
      }
      nb.takeChanges();
      if ((i + 1) % 20 === 0) weight = balance(steers());
      if (i >= 2000 && (i + 1) % 100 === 0) for (const n of [0, 1]) seen[n]!.push(slice(n));
    }
    for (const n of [0, 1]) {
      const s = seen[n]!;
      expect(Math.min(...s), `slice ${n}`).toBeGreaterThanOrEqual(sliceTargets[n]! * 0.75);
      expect(Math.max(...s), `slice ${n}`).toBeLessThanOrEqual(sliceTargets[n]! * 1.25);
      const mean = s.reduce((a, b) => a + b, 0) / s.length;
      expect(Math.abs(mean / sliceTargets[n]! - 1), `slice ${n} mean ${mean}`).toBeLessThan(0.1);
    }
    for (const t of ['Logical_Switch_Port', 'Logical_Router_Port', 'Logical_Switch'])
      expect(nb.rows(t).size, t).toBeLessThanOrEqual(targets.get(t)! * 1.5);
  });
});
