import { describe, expect, it } from 'vitest';
import { formatIp, parseIp } from './ip.js';
import { formatIpv4, parseIpv4, scanIpv4 } from './ipv4.js';
import { formatIpv6, parseIpv6 } from './ipv6.js';

describe('IPv4', () => {
  it('parses strict dotted quads and prints them', () => {
    expect(parseIpv4('10.0.0.1')).toBe(0x0a000001);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    for (const bad of ['10.0.0.256', '10.0.0', '10.0.0.1.2', '10..0.1', '1000.0.0.1', ' 10.0.0.1', '+1.0.0.1']) {
      expect(parseIpv4(bad)).toBeNull();
    }
    expect(formatIpv4(0x0a000001)).toBe('10.0.0.1');
    expect(formatIpv4(0xc0a80101n)).toBe('192.168.1.1');
  });
  it('OVS CIDR scanning takes each octet modulo 256', () => {
    expect(scanIpv4('10.0.0.300')).toBe(0x0a00002c);
    expect(scanIpv4('10.0.0')).toBeNull();
  });
});

describe('IPv6', () => {
  const round = (s: string) => formatIpv6(parseIpv6(s)!);
  it('parses groups, "::" and a dotted-quad tail', () => {
    expect(parseIpv6('::')).toBe(0n);
    expect(parseIpv6('fe80::1')).toBe(0xfe800000000000000000000000000001n);
    expect(parseIpv6('::ffff:1.2.3.4')).toBe(0xffff01020304n);
    expect(parseIpv6('1:2:3:4:5:6:1.2.3.4')).toBe(0x00010002000300040005000601020304n);
    expect(parseIpv6('1:2:3:4:5:6:7::')).toBe(0x00010002000300040005000600070000n);
    for (const bad of [
      '1::2::3',
      ':1::',
      '1:2:3:4:5:6:7:8:9',
      '12345::',
      'fe80::1%eth0',
      '1::2:3:4:5:6:7:8',
      '::1.2.3',
    ]) {
      expect(parseIpv6(bad)).toBeNull();
    }
  });
  it("prints what glibc's inet_ntop prints", () => {
    // Expected values checked against inet_ntop(AF_INET6) on the lab machine.
    const cases: Array<[string, string]> = [
      ['FD00:0:0:0:0:0:0:1', 'fd00::1'],
      ['1:0:0:1:0:0:0:1', '1:0:0:1::1'],
      ['1:0:0:2:0:0:3:4', '1::2:0:0:3:4'],
      ['1:0:1:0:1:0:1:0', '1:0:1:0:1:0:1:0'],
      ['::', '::'],
      ['::1', '::1'],
      ['::2', '::2'],
      ['::ffff', '::ffff'],
      ['::1.2.3.4', '::1.2.3.4'],
      ['::0.1.0.0', '::0.1.0.0'],
      ['::ffff:10.0.0.1', '::ffff:10.0.0.1'],
      ['::ffff:0:1.2.3.4', '::ffff:0:102:304'],
      ['::fffe:1.2.3.4', '::fffe:102:304'],
      ['0:0:0:0:0:1:0:0', '::1:0:0'],
      ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ];
    for (const [text, want] of cases) expect(round(text)).toBe(want);
  });
  it('either family', () => {
    expect(parseIp('10.0.0.1')).toEqual({ family: 4, value: 0x0a000001 });
    expect(parseIp('fd00::1')).toEqual({ family: 6, value: 0xfd000000000000000000000000000001n });
    expect(parseIp('bogus')).toBeNull();
    expect(formatIp({ family: 6, value: 1n })).toBe('::1');
  });
});
