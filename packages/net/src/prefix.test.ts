import { describe, expect, it } from 'vitest';
import { parseIp } from './ip.js';
import { formatIpv4 } from './ipv4.js';
import { broadcastOf4, formatNetwork, isNetworkPrefix, mask4, mask6, netContains } from './prefix.js';
import { parseCidr, prefixLength, prefixMask } from './prefix.js';

describe('prefixes', () => {
  it('parses ADDR/LEN, a bare address only when asked', () => {
    expect(parseCidr('10.0.0.5/24')).toEqual({ addr: { family: 4, value: 0x0a000005 }, plen: 24 });
    expect(parseCidr('10.0.0.5')).toBeNull();
    expect(parseCidr('10.0.0.5', true)?.plen).toBe(32);
    expect(parseCidr('fd00::1/129')).toBeNull();
    expect(parseCidr('fd00::1/64')?.plen).toBe(64);
    expect(parseCidr('10.0.0.5/255.255.255.0')).toBeNull();
  });
  it('masks, network, broadcast, containment', () => {
    expect(mask4(24)).toBe(0xffffff00);
    expect(mask4(0)).toBe(0);
    expect(mask6(64)).toBe(0xffffffffffffffff0000000000000000n);
    expect(prefixMask(8, 32)).toBe(0xff000000n);
    expect(prefixLength(0xffff0000n, 32)).toBe(16);
    expect(prefixLength(0xff00ff00n, 32)).toBeUndefined();
    expect(prefixLength(0n, 128)).toBe(0);
    const n = parseCidr('192.168.1.77/24')!;
    expect(formatNetwork(n)).toBe('192.168.1.0/24');
    expect(formatIpv4(broadcastOf4(n as Parameters<typeof broadcastOf4>[0]))).toBe('192.168.1.255');
    expect(netContains(n, parseIp('192.168.1.200')!)).toBe(true);
    expect(netContains(n, parseIp('192.168.2.1')!)).toBe(false);
    expect(netContains(n, parseIp('fd00::1')!)).toBe(false);
    expect(formatNetwork(parseCidr('fd00:1:2:3::5/48')!)).toBe('fd00:1:2::/48');
    expect(isNetworkPrefix(parseCidr('10.1.0.0/16')!)).toBe(true);
    expect(isNetworkPrefix(parseCidr('10.1.0.1/16')!)).toBe(false);
  });
});
