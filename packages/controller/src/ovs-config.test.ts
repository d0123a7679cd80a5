// Open_vSwitch other_config that ovn-controller maintains (pure part): vlan-limit and the chassis index.
import { describe, expect, it } from 'vitest';
import type { OpenVSwitch } from '@ovnts/schema/vswitch';
import { otherConfigUpdates } from './ovs-config.js';

const root = (other: Record<string, string>) => ({ other_config: other }) as Pick<OpenVSwitch, 'other_config'>;

describe('otherConfigUpdates', () => {
  it('sets vlan-limit=0 whatever it was, and "" as the first chassis index', () => {
    expect(otherConfigUpdates(root({}), 'hv1')).toEqual({ 'vlan-limit': '0', 'ovn-chassis-idx-hv1': '' });
    expect(otherConfigUpdates(root({ 'vlan-limit': 'foo', 'ovn-chassis-idx-hv1': '' }), 'hv1')).toEqual({
      'vlan-limit': '0',
    });
  });

  it('nothing to do once both are there', () => {
    expect(otherConfigUpdates(root({ 'vlan-limit': '0', 'ovn-chassis-idx-hv1': '3' }), 'hv1')).toEqual({});
  });

  it('a second chassis on the host takes the next free index', () => {
    const r = root({ 'vlan-limit': '0', 'ovn-chassis-idx-hv1': '', 'ovn-chassis-idx-hv2': '0' });
    expect(otherConfigUpdates(r, 'hv3')).toEqual({ 'ovn-chassis-idx-hv3': '1' });
  });
});
