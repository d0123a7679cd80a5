import { describe, expect, it } from 'vitest';
import {
  formatIPv6,
  isIPv4,
  isIPv6,
  isMac,
  parseCidr,
  parseLspAddresses,
  parseMac,
  scanIPv4,
  networkAddress,
} from './validate.js';
import { normalizeIPv4Prefix, normalizeIPv6Prefix, normalizePrefix } from './addr.js';

describe('address validation', () => {
  it('MACs are strict: six two-digit hex bytes', () => {
    expect(isMac('00:11:22:aa:BB:cc')).toBe(true);
    expect(isMac('0:11:22:aa:bb:cc')).toBe(false);
    expect(isMac('00:11:22:aa:bb')).toBe(false);
    expect(isMac('00-11-22-aa-bb-cc')).toBe(false);
    expect(parseMac('0A:1:22:aa:bb:cc')).toBe('0a:01:22:aa:bb:cc');
    expect(parseMac('zz:11:22:aa:bb:cc')).toBeUndefined();
  });

  it('IPv4 and IPv6 addresses (ip-num)', () => {
    expect(isIPv4('10.0.0.1')).toBe(true);
    expect(isIPv4('10.0.0.256')).toBe(false);
    expect(isIPv4('10.0.0')).toBe(false);
    expect(isIPv6('fd00::1')).toBe(true);
    expect(isIPv6('fd00:::1')).toBe(false);
    expect(isIPv6('10.0.0.1')).toBe(false);
  });

  it('CIDRs: prefix length or netmask; OVS-style lenient IPv4 octets', () => {
    expect(parseCidr('10.0.0.5/24')).toEqual({ family: 4, address: '10.0.0.5', plen: 24 });
    expect(parseCidr('10.0.0.5/255.255.0.0')).toEqual({ family: 4, address: '10.0.0.5', plen: 16 });
    expect(parseCidr('10.0.0.5/33')).toBeUndefined();
    expect(parseCidr('10.0.0.5/255.0.255.0')).toBeUndefined();
    expect(parseCidr('fd00::1/64')).toEqual({ family: 6, address: 'fd00::1', plen: 64 });
    expect(parseCidr('fd00::1/129')).toBeUndefined();
    expect(scanIPv4('10.0.0.300')).toBe('10.0.0.44');
    expect(networkAddress({ family: 4, address: '10.1.2.3', plen: 20 })).toBe('10.1.0.0');
  });

  it('IPv6 text is compressed like inet_ntop', () => {
    expect(formatIPv6(0n)).toBe('::');
    expect(formatIPv6(1n)).toBe('::1');
    expect(formatIPv6(0xfd000000000000000000000000000001n)).toBe('fd00::1');
    expect(formatIPv6(0x20010db8000000010000000000000001n)).toBe('2001:db8:0:1::1');
    expect(formatIPv6(0x00000000000000000000ffff0a000001n)).toBe('::ffff:10.0.0.1');
  });

  it('prefixes are normalized to their network', () => {
    expect(normalizeIPv4Prefix('192.168.1.5/24')).toBe('192.168.1.0/24');
    expect(normalizeIPv4Prefix('192.168.1.5')).toBe('192.168.1.5');
    expect(normalizeIPv6Prefix('fd00::5/64')).toBe('fd00::/64');
    expect(normalizePrefix('bogus')).toBeUndefined();
  });

  it('logical switch port addresses', () => {
    expect(parseLspAddresses('00:00:00:00:00:01 10.0.0.1 fd00::0:1')).toEqual({
      mac: '00:00:00:00:00:01',
      ipv4: ['10.0.0.1'],
      ipv6: ['fd00::1'],
    });
    expect(parseLspAddresses('unknown')).toBeUndefined();
    expect(parseLspAddresses('00:00:00:00:00:01 nonsense')).toBeUndefined();
  });
});
