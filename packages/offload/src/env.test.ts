import { describe, expect, it } from 'vitest';
import { checkEnvironment, ovsContextFromRows } from './env.js';
import { getProfile } from './profiles.js';

describe('environment checks', () => {
  const ctx = ovsContextFromRows({
    openVswitch: {
      other_config: { 'hw-offload': 'true', 'tc-policy': 'skip_hw' },
      external_ids: { 'ovn-encap-type': 'geneve', 'ovn-bridge-mappings': 'phys:br-phys' },
    },
    bridges: [
      { _uuid: 'b1', name: 'br-int', datapath_type: '', ports: [] },
      { _uuid: 'b2', name: 'br-phys', datapath_type: '', ports: ['p1'] },
    ],
    ports: [{ _uuid: 'p1', name: 'bond0', interfaces: ['i1', 'i2'], bond_mode: 'balance-slb' }],
    interfaces: [
      { _uuid: 'i1', name: 'eth0' },
      { _uuid: 'i2', name: 'eth1' },
    ],
  });

  it('flags tc-policy=skip_hw, bonded uplinks and Geneve options on ConnectX-5', () => {
    const f = checkEnvironment(ctx, getProfile('mlx5-cx5'));
    const by = (c: string) => f.find((x) => x.check === c)!;
    expect(by('hw-offload').severity).toBe('ok');
    expect(by('tc-policy')).toMatchObject({ severity: 'error' });
    expect(by('datapath-type')).toMatchObject({ severity: 'ok', message: 'br-int datapath_type=system' });
    expect(by('bond').message).toMatch(/uplink port bond0 is a bond \(2 interfaces, bond_mode=balance-slb\).*VF LAG/);
    expect(by('encap')).toMatchObject({ severity: 'warning' });
  });

  it('hw-offload off and a kernel datapath for rte_flow are errors', () => {
    const off = ovsContextFromRows({
      openVswitch: { other_config: {}, external_ids: { 'ovn-encap-type': 'vxlan' } },
      bridges: [{ name: 'br-int', datapath_type: 'system', ports: [] }],
    });
    const f = checkEnvironment(off, getProfile('dpdk-rte-flow'));
    expect(f.find((x) => x.check === 'hw-offload')!.severity).toBe('error');
    expect(f.find((x) => x.check === 'datapath-type')!.message).toMatch(/offloads through the netdev datapath/);
    expect(f.find((x) => x.check === 'encap')!.severity).toBe('ok');
  });
});
