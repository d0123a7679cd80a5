import { describe, expect, it } from 'vitest';
import type { Uuid } from 'ovsdb-client-ts';
import type { Bridge } from '@ovnts/schema/vswitch';
import { U, vsSnapshot } from './test-rows.js';
import { ovsMonitorTables, tunnelsAwaitingOfport, type VsSnapshot } from './ovs-state.js';

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

describe('ovsMonitorTables', () => {
  it('monitors what the controller reads, not the counters and link state vswitchd keeps rewriting', () => {
    const t = ovsMonitorTables() as Record<string, { columns: string[] }>;
    expect(Object.keys(t).sort()).toEqual(['Bridge', 'Interface', 'Open_vSwitch', 'Port']);
    for (const c of ['name', 'type', 'options', 'external_ids', 'ofport', 'bfd', 'bfd_status', 'mac'])
      expect(t['Interface']!.columns).toContain(c);
    for (const c of ['statistics', 'link_state', 'mtu', 'ifindex']) expect(t['Interface']!.columns).not.toContain(c);
    expect(t['Port']!.columns).toEqual(expect.arrayContaining(['name', 'interfaces', 'external_ids', 'tag']));
    expect(t['Port']!.columns).not.toContain('statistics');
    expect(t['Bridge']!.columns).toEqual(expect.arrayContaining(['name', 'ports', 'external_ids', 'other_config']));
    expect(t['Open_vSwitch']!.columns).toEqual(expect.arrayContaining(['bridges', 'external_ids', 'iface_types']));
    expect(t['Open_vSwitch']!.columns).not.toContain('statistics');
  });
});
