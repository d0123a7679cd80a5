// Periodic Router Advertisements (pure): the packet from a router port's ipv6_ra_* options, intervals,
// and the ports that are not advertised (not periodic, bad address mode).
import { describe, expect, it } from 'vitest';
import type { PortBinding } from '@ovnts/schema/sb';
import { periodicRa } from './periodic-ra.js';
import { inetChecksum } from './packets.js';

const pb = (options: Record<string, string>) => ({ logical_port: 'lrp0', options, tunnel_key: 1 }) as PortBinding;
const peer = { logical_port: 'lrp0-attachment', options: {}, tunnel_key: 7 } as PortBinding;
const base = {
  ipv6_ra_send_periodic: 'true',
  ipv6_ra_address_mode: 'slaac',
  ipv6_ra_src_eth: 'fa:16:3e:00:00:01',
  ipv6_ra_src_addr: 'fe80::f816:3eff:fe00:1',
  ipv6_ra_prefixes: 'aef0::/64',
  ipv6_ra_max_interval: '3',
  ipv6_ra_min_interval: '1',
  ipv6_ra_mtu: '1500',
};

describe('periodicRa', () => {
  it('builds the advertisement: all-nodes destination, SLLA, MTU, autonomous prefix, valid checksum', () => {
    const ra = periodicRa(pb(base), peer, 3)!;
    expect(ra).toMatchObject({ port: 'lrp0', minIntervalS: 1, maxIntervalS: 3, dpKey: 3, portKey: 7 });
    const p = ra.packet;
    expect(p.subarray(0, 14).toString('hex')).toBe('333300000001fa163e00000186dd');
    const icmp = p.subarray(54);
    expect(icmp.subarray(0, 2).toString('hex')).toBe('8600');
    expect(icmp.subarray(4, 8).toString('hex')).toBe('ff00ffff'); // hop limit, flags, lifetime
    expect(icmp.subarray(16).toString('hex')).toBe(
      '0101fa163e000001' + '05010000000005dc' + '030440c0ffffffffffffffff00000000aef00000000000000000000000000000',
    );
    const pseudo = Buffer.concat([p.subarray(22, 54), Buffer.from([0, 0, 0, icmp.length, 0, 0, 0, 58])]);
    expect(inetChecksum(Buffer.concat([pseudo, icmp]))).toBe(0);
  });

  it('stateful mode sets M and drops the autonomous flag; LOW preference; defaults for the intervals', () => {
    const { ipv6_ra_max_interval: _max, ipv6_ra_min_interval: _min, ...rest } = base;
    const ra = periodicRa(pb({ ...rest, ipv6_ra_address_mode: 'dhcpv6_stateful', ipv6_ra_prf: 'LOW' }), peer, 3)!;
    expect(ra).toMatchObject({ minIntervalS: 200, maxIntervalS: 600 });
    expect(ra.packet[54 + 5]).toBe(0x98);
    expect(ra.packet[54 + 16 + 16 + 3]).toBe(0x80);
  });

  it('not periodic, or no valid address mode: nothing', () => {
    expect(periodicRa(pb({ ...base, ipv6_ra_send_periodic: 'false' }), peer, 3)).toBeUndefined();
    expect(periodicRa(pb({ ...base, ipv6_ra_address_mode: 'bogus' }), peer, 3)).toBeUndefined();
  });
});
