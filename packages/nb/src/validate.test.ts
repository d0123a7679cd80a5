import { describe, expect, it } from 'vitest';
import { parseLspAddresses } from './validate.js';

describe('logical switch port addresses', () => {
  it('MAC then IPv4/IPv6 addresses, canonical', () => {
    expect(parseLspAddresses('00:00:00:00:00:01 10.0.0.1 fd00::0:1')).toEqual({
      mac: '00:00:00:00:00:01',
      ipv4: ['10.0.0.1'],
      ipv6: ['fd00::1'],
    });
    expect(parseLspAddresses('0A:0:0:0:0:1 10.0.0.300/24')).toEqual({
      mac: '0a:00:00:00:00:01',
      ipv4: ['10.0.0.44'],
      ipv6: [],
    });
    expect(parseLspAddresses('unknown')).toBeUndefined();
    expect(parseLspAddresses('00:00:00:00:00:01 nonsense')).toBeUndefined();
  });
});
