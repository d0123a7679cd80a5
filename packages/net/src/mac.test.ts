import { describe, expect, it } from 'vitest';
import { formatMac, isMac, isMulticastMac, normalizeMac, parseMac, startsWithMac } from './mac.js';
import { macFromBytes, macToBytes } from './mac.js';

describe('MAC', () => {
  it('reads one or two hex digits a byte and prints two, lower case', () => {
    expect(parseMac('02:AC:10:FF:01:01')).toBe(0x02ac10ff0101n);
    expect(parseMac('0A:1:22:aa:bb:cc')).toBe(0x0a0122aabbccn);
    expect(formatMac(0x0a0122aabbccn)).toBe('0a:01:22:aa:bb:cc');
    expect(normalizeMac('0A:1:22:aa:bb:cc')).toBe('0a:01:22:aa:bb:cc');
    for (const bad of ['zz:11:22:aa:bb:cc', '00:11:22:aa:bb', '00-11-22-aa-bb-cc', '000:11:22:aa:bb:cc', '']) {
      expect(parseMac(bad)).toBeNull();
      expect(normalizeMac(bad)).toBeUndefined();
    }
  });
  it('strict form and the nbctl prefix scan', () => {
    expect(isMac('00:11:22:aa:BB:cc')).toBe(true);
    expect(isMac('0:11:22:aa:bb:cc')).toBe(false);
    expect(startsWithMac('0:11:22:aa:bb:cc 10.0.0.1')).toBe(true);
    expect(startsWithMac('router')).toBe(false);
  });
  it('bytes and the multicast bit', () => {
    const b = Buffer.from([0x33, 0x33, 0xff, 0, 0, 0x10]);
    expect(macFromBytes(b)).toBe(0x3333ff000010n);
    expect(macToBytes(0x3333ff000010n).equals(b)).toBe(true);
    expect(isMulticastMac(0x3333ff000010n)).toBe(true);
    expect(isMulticastMac(0x02ac10ff0101n)).toBe(false);
  });
});
