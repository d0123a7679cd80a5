import { describe, expect, it } from 'vitest';
import { buildLocalView, localDatapaths, LocalDatapathsMemo } from './view.js';
import { pb, snapshot, U, type AnyRow } from './test-rows.js';

describe('localDatapaths', () => {
  const LS1 = U(0x100);
  const LS2 = U(0x101);
  const LR = U(0x200);
  const HV1 = U(0x300);
  const rows: Record<string, AnyRow[]> = {
    Chassis: [{ _uuid: HV1, name: 'hv1', encaps: [] }],
    Datapath_Binding: [
      { _uuid: LS1, tunnel_key: 1, external_ids: {} },
      { _uuid: LS2, tunnel_key: 2, external_ids: {} },
      { _uuid: LR, tunnel_key: 3, external_ids: {} },
    ],
    Port_Binding: [
      pb(0x1, 'vm1', LS1, 1, { chassis: HV1 }),
      pb(0x2, 'ls1-lr', LS1, 2, { type: 'patch', options: { peer: 'lr-ls1' } }),
      pb(0x3, 'lr-ls1', LR, 1, { type: 'patch', options: { peer: 'ls1-lr' } }),
      pb(0x4, 'lr-ls2', LR, 2, { type: 'patch', options: { peer: 'ls2-lr' } }),
      pb(0x5, 'ls2-lr', LS2, 1, { type: 'patch', options: { peer: 'lr-ls2' } }),
      pb(0x6, 'vm2', LS2, 2),
    ],
  };
  const ifaces = [{ name: 't1', ofport: 1, type: 'internal', ifaceId: 'vm1' }];

  it("finds buildLocalView's local datapaths and their ports", () => {
    const sb = snapshot(rows);
    const view = buildLocalView(sb, 'hv1', ifaces);
    const local = localDatapaths(sb, 'hv1', ifaces);
    expect([...local.localDps.keys()]).toEqual([...view.localDps.keys()]);
    expect([...local.localDps.keys()].sort()).toEqual([LS1, LS2, LR].sort());
    expect(local.portsByDp).toEqual(view.portsByDp);
    expect(local.localVifs).toEqual(view.localVifs);
  });

  it('is found again only when the tables it reads or the interfaces change', () => {
    const memo = new LocalDatapathsMemo();
    const sb = snapshot(rows);
    const first = memo.get(sb, 'hv1', ifaces);
    // Another table replaced (a logical flow, nb_cfg): the same answer.
    expect(memo.get({ ...sb, Logical_Flow: new Map() }, 'hv1', [...ifaces])).toBe(first);
    // The interfaces moved: found again.
    const moved = memo.get(sb, 'hv1', [{ ...ifaces[0]!, ofport: 2 }]);
    expect(moved).not.toBe(first);
    expect(moved.localVifs.get(U(0x1) as never)).toBe(2);
    // The port bindings replaced: found again (vm1 unbound, nothing local).
    const unbound = snapshot({ ...rows, Port_Binding: rows['Port_Binding']!.map((p) => ({ ...p, chassis: null })) });
    expect(memo.get(unbound, 'hv1', [{ ...ifaces[0]!, ofport: 2 }]).localDps.size).toBe(0);
  });
});
