import { describe, expect, it } from 'vitest';
import type { Uuid } from 'ovsdb-client-ts';
import type { Bridge } from '@ovnts/schema/vswitch';
import { U, vsSnapshot } from './test-rows.js';
import { tunnelsAwaitingOfport, type VsSnapshot } from './ovs-state.js';

describe('tunnelsAwaitingOfport', () => {
  const BR = U(0x900);
  const rows = (tunnelOfport: number | null) =>
    vsSnapshot({
      Bridge: [{ _uuid: BR, name: 'br-int', ports: [U(0x911), U(0x912)], external_ids: {} }],
      Port: [
        {
          _uuid: U(0x911),
          name: 'ovn-hv2-0',
          interfaces: [U(0x921)],
          external_ids: { 'ovn-chassis-id': 'hv2@192.0.2.4' },
        },
        // A VIF still waiting for its ofport is not a tunnel: it does not hold nb_cfg back.
        { _uuid: U(0x912), name: 'vm1', interfaces: [U(0x922)], external_ids: {} },
      ],
      Interface: [
        { _uuid: U(0x921), name: 'ovn-hv2-0', ofport: tunnelOfport },
        { _uuid: U(0x922), name: 'vm1', ofport: null },
      ],
    });
  const bridge = (vs: VsSnapshot): Bridge => vs.Bridge.get(BR as Uuid<'Bridge'>)!;
  it('counts tunnel interfaces vswitchd has not given an OpenFlow port yet', () => {
    const fresh = rows(null);
    expect(tunnelsAwaitingOfport(fresh, bridge(fresh))).toBe(1);
  });
  it('a tunnel with its port, or one vswitchd failed to add (-1), waits for nothing', () => {
    const ready = rows(7);
    expect(tunnelsAwaitingOfport(ready, bridge(ready))).toBe(0);
    const failed = rows(-1);
    expect(tunnelsAwaitingOfport(failed, bridge(failed))).toBe(0);
  });
});
