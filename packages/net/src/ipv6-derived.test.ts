import { describe, expect, it } from 'vitest';
import { formatIpv6, parseIpv6 } from './ipv6.js';
import { isLinkLocal6, linkLocalOf, solicitedNode, solicitedNodeMac } from './ipv6-derived.js';
import { formatMac, parseMac } from './mac.js';

describe('derived IPv6 addresses', () => {
  it('EUI-64 link-local, solicited-node address and its MAC', () => {
    const ll = linkLocalOf(parseMac('02:AC:10:FF:01:01')!);
    expect(formatIpv6(ll)).toBe('fe80::ac:10ff:feff:101');
    expect(isLinkLocal6(ll)).toBe(true);
    expect(isLinkLocal6(parseIpv6('fd00::1')!)).toBe(false);
    const a = parseIpv6('fd00:200::10')!;
    expect(formatIpv6(solicitedNode(a))).toBe('ff02::1:ff00:10');
    expect(formatMac(solicitedNodeMac(a))).toBe('33:33:ff:00:00:10');
  });
});
