import { describe, expect, it } from 'vitest';
import { formatIpv4, formatIpv6, macFromBytes, formatMac as formatMacValue } from '@ovnts/net';
import { arpRequest, icmp4Error, icmp6Checksum, icmp6Error, inetChecksum, ndNa, ndNs, parseEth } from './packets.js';
import { linkLocal, parsePortSecurity } from './port-security.js';
import { parseEndpoint } from './lb-hairpin.js';
import { register } from './pinctrl.js';

const mac = (s: string) => Buffer.from(s.replaceAll(':', ''), 'hex');
const formatMac = (b: Buffer) => formatMacValue(macFromBytes(b));
const ip = (s: string) => Buffer.from(s.split('.').map(Number));

describe('packet builders', () => {
  it('builds an ARP request with an optional VLAN tag', () => {
    const p = arpRequest(mac('ff:ff:ff:ff:ff:ff'), mac('02:00:00:00:00:01'), ip('10.0.0.1'), ip('10.0.0.2'));
    expect(p.length).toBe(42);
    const e = parseEth(p);
    expect(e.ethType).toBe(0x0806);
    expect(formatMac(e.src)).toBe('02:00:00:00:00:01');
    expect(e.payload.readUInt16BE(6)).toBe(1);
    expect([...e.payload.subarray(24, 28)]).toEqual([10, 0, 0, 2]);
    const tagged = parseEth(
      arpRequest(mac('ff:ff:ff:ff:ff:ff'), mac('02:00:00:00:00:01'), ip('10.0.0.1'), ip('10.0.0.2'), 0x0064),
    );
    expect(tagged.vlanTci).toBe(0x64);
    expect(tagged.ethType).toBe(0x0806);
  });

  it('builds an ICMP destination unreachable quoting the offending packet, with valid checksums', () => {
    const ipHdr = Buffer.from('450000200000400040110000c0a8010ac0a802', 'hex');
    const orig = Buffer.concat([
      Buffer.from('0200000000020200000000010800', 'hex'),
      ipHdr,
      Buffer.from('0a', 'hex'),
      Buffer.alloc(12, 7),
    ]);
    const out = parseEth(icmp4Error(parseEth(orig), 3));
    const l3 = out.payload;
    expect(inetChecksum(l3.subarray(0, 20))).toBe(0);
    expect(l3[9]).toBe(1);
    expect(formatIpv4(BigInt(l3.readUInt32BE(12)))).toBe('192.168.1.10');
    const icmp = l3.subarray(20);
    expect([icmp[0], icmp[1]]).toEqual([3, 3]);
    expect(inetChecksum(icmp)).toBe(0);
    expect(icmp.subarray(8, 8 + 32).equals(orig.subarray(14, 46))).toBe(true);
  });
});

describe('neighbor discovery', () => {
  const v6 = (s: string) => Buffer.from(s.replaceAll(':', ''), 'hex');
  it('solicits the solicited-node group from the link-local address, with a valid checksum', () => {
    const e = parseEth(ndNs(mac('02:ac:10:ff:01:10'), v6('fd00:0002:0000:0000:0000:0000:0000:0010')));
    expect(formatMac(e.dst)).toBe('33:33:ff:00:00:10');
    const ip = e.payload;
    expect(formatIpv6(BigInt('0x' + ip.subarray(8, 24).toString('hex')))).toBe('fe80::ac:10ff:feff:110');
    expect(formatIpv6(BigInt('0x' + ip.subarray(24, 40).toString('hex')))).toBe('ff02::1:ff00:10');
    expect(icmp6Checksum(ip.subarray(8, 24), ip.subarray(24, 40), ip.subarray(40))).toBe(0);
    expect(ip[40]).toBe(135);
  });

  it('answers a solicitation from the target back to the solicitor (router flag when asked)', () => {
    const ns = parseEth(ndNs(mac('02:ac:10:ff:01:10'), v6('fd00:0001:0000:0000:0000:0000:0000:0001')));
    const na = parseEth(ndNa(ns, true)!);
    const ip = na.payload;
    expect(formatMac(na.dst)).toBe('02:ac:10:ff:01:10');
    expect(formatIpv6(BigInt('0x' + ip.subarray(8, 24).toString('hex')))).toBe('fd00:1::1');
    expect(ip[40]).toBe(136);
    expect(ip.readUInt32BE(44) >>> 29).toBe(0b111);
    expect(icmp6Checksum(ip.subarray(8, 24), ip.subarray(24, 40), ip.subarray(40))).toBe(0);
    // An ICMPv6 error quoting the NS, sent back to the solicitor when looped back.
    const err = parseEth(icmp6Error(ns, 4, true)).payload;
    expect([err[40], err[41]]).toEqual([1, 4]);
    expect(err.subarray(24, 40).equals(ns.payload.subarray(8, 24))).toBe(true);
    expect(icmp6Checksum(err.subarray(8, 24), err.subarray(24, 40), err.subarray(40))).toBe(0);
    expect(formatIpv6(0n)).toBe('::');
    expect(formatIpv6(BigInt('0x20010db8000000000001000000000001'))).toBe('2001:db8::1:0:0:1');
  });
});

describe('address parsing', () => {
  it('parses port security entries and link-local addresses', () => {
    expect(parsePortSecurity('02:AC:10:FF:00:11 10.0.0.5 10.0.1.0/24 10.0.2.7/24 fd00::1')).toEqual({
      mac: '02:ac:10:ff:00:11',
      v4: [
        { addr: '10.0.0.5', plen: 32, network: false },
        { addr: '10.0.1.0', plen: 24, network: true },
        { addr: '10.0.2.7', plen: 24, network: false, bcast: '10.0.2.255' },
      ],
      v6: [{ addr: 'fd00::1', plen: 128, network: false }],
    });
    expect(parsePortSecurity('not-a-mac 10.0.0.1')).toBeUndefined();
    expect(linkLocal('02:ac:10:ff:01:01')).toBe('fe80::ac:10ff:feff:101');
  });

  it('parses LB endpoints and reads registers from OF1.5 packet registers', () => {
    expect(parseEndpoint('10.0.0.1:80')).toEqual({ ip: '10.0.0.1', v6: false, port: 80 });
    expect(parseEndpoint('[fd00::1]:443')).toEqual({ ip: 'fd00::1', v6: true, port: 443 });
    expect(parseEndpoint('10.0.0.1')).toEqual({ ip: '10.0.0.1', v6: false });
    // Found by the soak (issue 24): an SB load balancer with the backend 10.128.0.300:8080 (northd skips it for
    // its flows but the SB row keeps the CMS's text) made every recompute of both chassis fail in parseFlow.
    expect(parseEndpoint('10.128.0.300:8080')).toBeUndefined();
    expect(parseEndpoint('10.0.0.1:99999')).toBeUndefined();
    expect(parseEndpoint('[fd00::zz]:80')).toBeUndefined();
    expect(parseEndpoint('fd00::1')).toEqual({ ip: 'fd00::1', v6: true });
    const md = [
      { field: 'xreg0' as const, value: (0xc0a80101n << 32n) | 5n },
      { field: 'xreg7' as const, value: (3n << 32n) | 4n },
    ];
    expect(register(md, 0)).toBe(0xc0a80101n);
    expect(register(md, 1)).toBe(5n);
    expect(register(md, 14)).toBe(3n);
    expect(register(md, 15)).toBe(4n);
    expect(register([{ field: 'reg14' as const, value: 9n }], 14)).toBe(9n);
  });
});
