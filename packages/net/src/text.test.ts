import { describe, expect, it } from 'vitest';
import { formatIp } from './ip.js';
import { parseIpv6 } from './ipv6.js';
import { isIpv4Text, isIpv6Text, normalizeIpv4, normalizeIpv6, normalizePrefix } from './text.js';
import { normalizeIpv4Prefix, normalizeIpv6Prefix, parsePrefixText, prefixContainsText } from './text.js';

describe('user-typed addresses', () => {
  it('validates as inet_pton does (ip-num)', () => {
    expect(isIpv4Text('10.0.0.1')).toBe(true);
    expect(isIpv4Text('10.0.0.256')).toBe(false);
    expect(isIpv4Text('10.0.0')).toBe(false);
    expect(isIpv6Text('fd00::1')).toBe(true);
    expect(isIpv6Text('fd00:::1')).toBe(false);
    expect(isIpv6Text('10.0.0.1')).toBe(false);
    expect(isIpv6Text('fe80::1%eth0')).toBe(false);
  });
  it('the bulk IPv6 parser agrees with ip-num on what is an address', () => {
    const corpus = [
      '::',
      '::1',
      'fe80::1',
      '1:2:3:4:5:6:7:8',
      '1:2:3:4:5:6:7::',
      '::1:2:3:4:5:6:7',
      '::ffff:1.2.3.4',
      '1:2:3:4:5:6:1.2.3.4',
      'FE80::A',
      '1::2::3',
      ':1::',
      '1:2:3:4:5:6:7:8:9',
      '12345::',
      '1::2:3:4:5:6:7:8',
      ':::',
      '1:',
      ':1',
      '1:2:3:4:5:6:7',
      '::1.2.3.256',
      '1.2.3.4::',
    ];
    for (const s of corpus) expect([s, isIpv6Text(s)]).toEqual([s, parseIpv6(s) !== null]);
  });
  it('reads prefixes the way OVS does: a length or a netmask, lenient IPv4 octets', () => {
    const text = (s: string) => {
      const n = parsePrefixText(s);
      return n && `${formatIp(n.addr)}/${n.plen}`;
    };
    expect(text('10.0.0.5/24')).toBe('10.0.0.5/24');
    expect(text('10.0.0.5')).toBe('10.0.0.5/32');
    expect(text('10.0.0.5/255.255.0.0')).toBe('10.0.0.5/16');
    expect(text('10.0.0.300/24')).toBe('10.0.0.44/24');
    expect(text('10.0.0.5/33')).toBeNull();
    expect(text('10.0.0.5/255.0.255.0')).toBeNull();
    expect(text('fd00::1/64')).toBe('fd00::1/64');
    expect(text('fd00::1/129')).toBeNull();
    expect(text('fd00::1/ffff::')).toBeNull();
    expect(prefixContainsText(parsePrefixText('10.0.0.1/24')!, '10.0.0.7')).toBe(true);
    expect(prefixContainsText(parsePrefixText('10.0.0.1/24')!, '10.0.1.7')).toBe(false);
  });
  it('canonical text of prefixes and addresses', () => {
    expect(normalizeIpv4Prefix('192.168.1.5/24')).toBe('192.168.1.0/24');
    expect(normalizeIpv4Prefix('192.168.1.5')).toBe('192.168.1.5');
    expect(normalizeIpv6Prefix('fd00::5/64')).toBe('fd00::/64');
    expect(normalizeIpv6Prefix('fd00::5')).toBe('fd00::5');
    expect(normalizePrefix('bogus')).toBeUndefined();
    expect(normalizeIpv4('10.0.0.1')).toBe('10.0.0.1');
    expect(normalizeIpv4('010.0.0.1')).toBeUndefined(); // inet_pton refuses leading zeros
    expect(normalizeIpv4('10.0.0.256')).toBeUndefined();
    expect(normalizeIpv6('FD00:0::0:1')).toBe('fd00::1');
    expect(normalizeIpv6('10.0.0.1')).toBeUndefined();
  });
});
