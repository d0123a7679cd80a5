import { describe, expect, it } from 'vitest';
import {
  formatIpv6,
  formatMac,
  linkLocalOf,
  parseCidr,
  parseIpv6,
  parseMac,
  solicitedNode,
  solicitedNodeMac,
  formatNetwork,
  broadcastOf4,
} from './addresses.js';
import { KeyAllocator } from './keys.js';
import { STAGES, stage } from './stages.js';

describe('addresses', () => {
  it('formats IPv6 canonically (RFC 5952)', () => {
    expect(formatIpv6(parseIpv6('FD00:0:0:0:0:0:0:1')!)).toBe('fd00::1');
    expect(formatIpv6(parseIpv6('1:0:0:1:0:0:0:1')!)).toBe('1:0:0:1::1');
    expect(formatIpv6(parseIpv6('1:0:1:0:1:0:1:0')!)).toBe('1:0:1:0:1:0:1:0');
    expect(formatIpv6(parseIpv6('::')!)).toBe('::');
    expect(parseIpv6('1::2::3')).toBeNull();
  });
  it('derives link-local and solicited-node addresses as OVN does', () => {
    const mac = parseMac('02:AC:10:FF:01:01')!;
    expect(formatMac(mac)).toBe('02:ac:10:ff:01:01');
    expect(formatIpv6(linkLocalOf(mac))).toBe('fe80::ac:10ff:feff:101');
    expect(formatIpv6(solicitedNode(parseIpv6('fd00:200::10')!))).toBe('ff02::1:ff00:10');
    expect(formatMac(solicitedNodeMac(parseIpv6('fd00:200::10')!))).toBe('33:33:ff:00:00:10');
  });
  it('normalises networks and computes broadcast', () => {
    const n = parseCidr('192.168.100.77/24')!;
    expect(formatNetwork(n)).toBe('192.168.100.0/24');
    expect(broadcastOf4(n as never)).toBe(0xc0a864ff);
    expect(parseCidr('10.0.0.1/33')).toBeNull();
    expect(parseMac('02:00:00:00:00')).toBeNull();
  });
});

describe('keys', () => {
  it('allocates sequentially, skips claimed keys, wraps, and reports exhaustion', () => {
    const a = new KeyAllocator(1, 4);
    expect(a.claim(2)).toBe(true);
    expect(a.claim(2)).toBe(false);
    expect(a.claim(9)).toBe(false);
    expect([a.allocate(), a.allocate(), a.allocate(), a.allocate()]).toEqual([1, 3, 4, null]);
  });
});

describe('stages', () => {
  it('numbers each pipeline from 0 without gaps, names unique', () => {
    expect(new Set(STAGES.map((s) => s.name)).size).toBe(STAGES.length);
    expect(stage('ls_in_l2_lkup')).toMatchObject({ table: 25, pipeline: 'ingress', kind: 'switch' });
    expect(stage('lr_in_arp_request').table).toBe(21);
    expect(stage('lr_out_delivery').table).toBe(6);
    expect(stage('ls_out_apply_port_sec').table).toBe(9);
  });
});
