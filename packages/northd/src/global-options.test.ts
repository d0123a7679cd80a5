import { describe, expect, it } from 'vitest';
import { NORTHD_INTERNAL_VERSION, northdNbOptions, sbGlobalOptions } from './global-options.js';

describe('global options', () => {
  it('fills in what northd owns, random MACs locally administered unicast', () => {
    const o = northdNbOptions({ foo: 'bar' }, false);
    expect(o).toMatchObject({ foo: 'bar', max_tunid: '16711680', northd_internal_version: NORTHD_INTERNAL_VERSION });
    expect(o['mac_prefix']).toMatch(/^[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$/);
    expect(o['svc_monitor_mac']).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    expect(parseInt(o['mac_prefix']!.slice(0, 2), 16) & 3).toBe(2);
    // Complete options come back as the same object: nothing to write.
    expect(northdNbOptions(o, false)).toBe(o);
    expect(northdNbOptions(o, true)['max_tunid']).toBe('4095');
  });

  it('keeps a given mac_prefix in canonical form, replaces an all-zero one', () => {
    expect(northdNbOptions({ mac_prefix: '0a:58:0' }, false)['mac_prefix']).toBe('0a:58:00');
    expect(northdNbOptions({ mac_prefix: '00:00:00' }, false)['mac_prefix']).not.toBe('00:00:00');
    expect(northdNbOptions({ svc_monitor_mac: 'junk' }, false)['svc_monitor_mac']).not.toBe('junk');
  });

  it('SB_Global carries the NB options plus what northd publishes', () => {
    expect(sbGlobalOptions({ mac_prefix: '0a:58:00' }, false)).toEqual({
      mac_prefix: '0a:58:00',
      max_tunid: '16711680',
      northd_internal_version: NORTHD_INTERNAL_VERSION,
    });
  });
});
