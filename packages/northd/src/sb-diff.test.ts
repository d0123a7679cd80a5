import { describe, expect, it } from 'vitest';
import type { PortBindingOut } from './bindings.js';
import { chassisResolver } from './sb-ha-rows.js';
import { changed, portBindingRow } from './sb-diff.js';

const binding: PortBindingOut = {
  logicalPort: 'p1',
  datapath: 'ls1',
  tunnelKey: 3,
  type: '',
  mac: ['0a:00:00:00:00:01 10.0.0.1'],
  options: {},
  parentPort: null,
  tag: null,
  portSecurity: [],
  externalIds: {},
  haChassisGroup: null,
  requestedChassis: ['hv1', 'hv2', 'nowhere'],
  mirrorRules: [],
  natAddresses: [],
};

describe('portBindingRow', () => {
  const chassis = chassisResolver([
    { _uuid: 'c1', name: 'hv1', hostname: 'host1' },
    { _uuid: 'c2', name: 'x', hostname: 'hv2' },
  ] as never);

  it('has the columns northd owns, the requested chassis resolved, and up only when seeded', () => {
    const row = portBindingRow(binding, 'dp-uuid', null, chassis, []);
    expect(row).toEqual({
      requested_chassis: 'c1',
      requested_additional_chassis: ['c2'],
      ha_chassis_group: null,
      logical_port: 'p1',
      datapath: 'dp-uuid',
      tunnel_key: 3,
      type: '',
      mac: ['0a:00:00:00:00:01 10.0.0.1'],
      options: {},
      parent_port: null,
      tag: null,
      port_security: [],
      nat_addresses: [],
      external_ids: {},
      mirror_rules: [],
    });
    expect(portBindingRow(binding, 'dp-uuid', null, chassis, [], undefined, true)).toEqual({ ...row, up: false });
  });

  it('keeps the activated additional chassis while additional chassis are requested', () => {
    const cur = { options: { 'additional-chassis-activated': 'c2' }, up: true } as never;
    const row = portBindingRow(binding, 'dp-uuid', null, chassis, [], cur);
    expect(row['options']).toEqual({ 'additional-chassis-activated': 'c2' });
    // Not seeded: a binding's reported up is not overwritten.
    expect(changed({ ...row, up: true }, row)).toBeNull();
  });
});
