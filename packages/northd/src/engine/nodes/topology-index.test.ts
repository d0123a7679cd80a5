import { describe, expect, it } from 'vitest';
import type { SwitchDatapath } from '../../topology.js';
import { TopologyIndex } from './topology-index.js';

/** A switch as the index reads it: its row's columns, its ports' rows and its router-type ports. */
function sw(
  ports: string[],
  cols: { acls?: string[]; lbs?: string[]; groups?: string[]; peers?: string[] } = {},
): SwitchDatapath {
  const port = (u: string) => ({ nb: { _uuid: u, options: {} } });
  const rport = (rp: string, i: number) => ({ nb: { _uuid: `r${i}`, options: { 'router-port': rp } } });
  const routerPorts = (cols.peers ?? []).map(rport);
  return {
    uuid: 'ls1',
    nb: {
      ports: [...ports, ...routerPorts.map((p) => p.nb._uuid)],
      acls: cols.acls ?? [],
      load_balancer: cols.lbs ?? [],
      load_balancer_group: cols.groups ?? [],
    },
    ports: [...ports.map(port), ...routerPorts],
    routerPorts,
  } as unknown as SwitchDatapath;
}

const dump = (ix: TopologyIndex) => ({
  lspSwitch: Object.fromEntries(ix.lspSwitch),
  aclSwitches: Object.fromEntries([...ix.aclSwitches].map(([k, v]) => [k, [...v].sort()])),
  rpClaims: Object.fromEntries([...ix.rpClaims].map(([k, v]) => [k, [...v].sort()])),
  lbDirect: Object.fromEntries([...ix.lbDirect].map(([k, v]) => [k, [...v].sort()])),
  groups: ['g1', 'g2'].map((g) => [...ix.dpsOfGroup(g)]),
});

describe('TopologyIndex.reindexSwitch', () => {
  const cases: [string, SwitchDatapath, SwitchDatapath][] = [
    ['a port added', sw(['a', 'b'], { acls: ['x'] }), sw(['a', 'b', 'c'], { acls: ['x'] })],
    ['a port removed', sw(['a', 'b'], { peers: ['rp1'] }), sw(['b'], { peers: ['rp1'] })],
    [
      'every column changed',
      sw(['a'], { acls: ['x', 'y'], lbs: ['l1'], groups: ['g1'], peers: ['rp1'] }),
      sw(['a', 'd'], { acls: ['y'], lbs: ['l2'], groups: ['g2'], peers: ['rp2'] }),
    ],
  ];
  for (const [what, before, after] of cases)
    it(`leaves what unindexing and indexing leave: ${what}`, () => {
      const full = new TopologyIndex();
      const diff = new TopologyIndex();
      for (const ix of [full, diff]) {
        ix.indexSwitch(before, true);
        // Another switch holding one of the same rows and names (left alone unless this one takes them).
        ix.indexSwitch({ ...sw(['b'], { acls: ['x'], peers: ['rp1'] }), uuid: 'ls2' } as SwitchDatapath, true);
      }
      full.indexSwitch(before, false);
      full.indexSwitch(after, true);
      diff.reindexSwitch(before, after);
      expect(dump(diff)).toEqual(dump(full));
    });
});
