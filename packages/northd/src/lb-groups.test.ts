import { describe, expect, it } from 'vitest';
import { compile } from './compile.js';
import { diffSb } from './sb-diff.js';
import { MemSb } from './testing/mem-sb.js';
import { k8sMemNb } from './testing/random-nb-changes.js';

type Row = Record<string, unknown>;

describe('SB Load_Balancer datapath groups', () => {
  it('one group per switch set, shared by the load balancers and never by flows', () => {
    const c = compile(k8sMemNb().snapshot());
    const sb = new MemSb();
    const w = sb.begin();
    diffSb(c, sb.state(), w);
    w.commit();
    const rows = (t: string) => [...sb.tables.get(t)!.values()] as Row[];
    const lbs = rows('Load_Balancer');
    expect(lbs.length).toBe(c.loadBalancers.length);
    expect(lbs.every((lb) => (lb['datapaths'] as unknown[]).length === 0 && lb['datapath_group'])).toBe(true);
    const sets = new Set(c.loadBalancers.map((lb) => lb.datapaths.join(',')));
    const lbGroups = new Set(lbs.map((lb) => lb['datapath_group']));
    expect(lbGroups.size).toBe(sets.size);
    const flowGroups = new Set(rows('Logical_Flow').map((f) => f['logical_dp_group']));
    expect([...lbGroups].filter((g) => flowGroups.has(g))).toEqual([]);
    // Each group names exactly its load balancers' switches.
    const dpUuidToNb = new Map(
      rows('Datapath_Binding').map((d) => {
        const ids = d['external_ids'] as Record<string, string>;
        return [d['_uuid'], ids['logical-switch'] ?? ids['logical-router']];
      }),
    );
    for (const lb of lbs) {
      const g = sb.tables.get('Logical_DP_Group')!.get(lb['datapath_group'] as string)!;
      const names = (g['datapaths'] as string[]).map((u) => dpUuidToNb.get(u)).sort();
      const want = c.loadBalancers.find((x) => x.name === lb['name'])!.datapaths;
      expect(names).toEqual(want);
    }
    // Nothing left to write.
    const again = sb.begin();
    expect(diffSb(c, sb.state(), again)).toEqual({ inserted: 0, updated: 0, deleted: 0 });
  });
});
