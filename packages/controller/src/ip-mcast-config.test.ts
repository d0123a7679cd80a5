import { describe, expect, it } from 'vitest';
import { McastConfigsMemo, mcastConfigs } from './ip-mcast-config.js';
import { snapshot, U } from './test-rows.js';

describe('McastConfigsMemo', () => {
  const LS = U(0x100);
  const dp = { _uuid: LS, tunnel_key: 1, external_ids: {} };
  const row = { _uuid: U(0x500), datapath: LS, enabled: true, seq_no: 0, eth_src: '', ip4_src: '', ip6_src: '' };
  const sb = snapshot({ Datapath_Binding: [dp], IP_Multicast: [row] });
  const view = (d: object) => ({ localDps: new Map([[LS, d]]) }) as unknown as Parameters<McastConfigsMemo['get']>[0];

  it('keeps the same array while the rows and the local datapaths they name are the same objects', () => {
    const memo = new McastConfigsMemo();
    const first = memo.get(view(dp), sb);
    expect(first).toEqual(mcastConfigs(view(dp), sb));
    expect(memo.get(view(dp), sb)).toBe(first);
    // The datapath's row replaced (its key may have moved): built again.
    const moved = { ...dp, tunnel_key: 7 };
    const second = memo.get(view(moved), sb);
    expect(second).not.toBe(first);
    expect(second[0]!.dpKey).toBe(7);
    // The IP_Multicast table replaced: built again.
    const sb2 = snapshot({ Datapath_Binding: [moved], IP_Multicast: [{ ...row, seq_no: 1 }] });
    expect(memo.get(view(moved), sb2)[0]!.seqNo).toBe(1);
    // The datapath no longer local: no configuration.
    expect(memo.get({ localDps: new Map() } as unknown as Parameters<McastConfigsMemo['get']>[0], sb2)).toEqual([]);
  });
});
