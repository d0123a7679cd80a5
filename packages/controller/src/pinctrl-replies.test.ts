// The replies of the paused pinctrl actions (pure): DHCPv4 (DISCOVER → OFFER, REQUEST → ACK/NAK, INFORM,
// RELEASE), DNS (A/AAAA/ANY/PTR, unknown names), the Router Advertisement, and the result bit written back
// into the packet's registers.
import { describe, expect, it } from 'vitest';
import { DHCP, dhcpv4Notice, dhcpv4Reply } from './dhcp-reply.js';
import { dnsReply, encodeName } from './dns-reply.js';
import { raReply } from './ra-reply.js';
import { readResultField, withRegisterBit } from './result-bit.js';
import { inetChecksum } from './packets.js';
import { parseControllerEvent } from './controller-event.js';
import { DHCPV6, dhcpv6Reply } from './dhcpv6-reply.js';

const MAC = Buffer.from('f00000000001', 'hex');

function udpFrame(payload: Buffer, sport: number, dport: number, src = 0, dst = 0xffffffff): Buffer {
  const eth = Buffer.concat([Buffer.from('ffffffffffff', 'hex'), MAC, Buffer.from([8, 0])]);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(28 + payload.length, 2);
  ip[8] = 64;
  ip[9] = 17;
  ip.writeUInt32BE(src, 12);
  ip.writeUInt32BE(dst >>> 0, 16);
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(sport, 0);
  udp.writeUInt16BE(dport, 2);
  udp.writeUInt16BE(8 + payload.length, 4);
  return Buffer.concat([eth, ip, udp, payload]);
}

function dhcpRequest(type: number, opts: number[] = [], flags = 0): Buffer {
  const h = Buffer.alloc(236);
  h[0] = 1;
  h[1] = 1;
  h[2] = 6;
  h.writeUInt32BE(0x1234, 4);
  h.writeUInt16BE(flags, 10);
  MAC.copy(h, 28);
  return udpFrame(Buffer.concat([h, Buffer.from([0x63, 0x82, 0x53, 0x63, 53, 1, type, ...opts, 255])]), 68, 67);
}

// offer 10.0.0.4; netmask 255.255.255.0, router 10.0.0.1, lease 3600
const USERDATA = Buffer.from('0a000004' + '0104ffffff00' + '03040a000001' + '330400000e10', 'hex');
const dhcpOf = (frame: Buffer) => frame.subarray(14 + 20 + 8);
const optionsOf = (frame: Buffer) => dhcpOf(frame).subarray(240);

describe('put_dhcp_opts', () => {
  it('DISCOVER → OFFER to the offered address, options copied, lengths and IP checksum right', () => {
    const r = dhcpv4Reply(dhcpRequest(DHCP.DISCOVER), USERDATA)!;
    expect(r.msgType).toBe(DHCP.OFFER);
    const d = dhcpOf(r.packet);
    expect(d[0]).toBe(2);
    expect(d.readUInt32BE(16)).toBe(0x0a000004); // yiaddr
    expect(
      optionsOf(r.packet)
        .subarray(0, 3 + 18)
        .toString('hex'),
    ).toBe('350102' + USERDATA.subarray(4).toString('hex'));
    expect(optionsOf(r.packet).subarray(21).toString('hex')).toBe('00000000ff00000000');
    const ip = r.packet.subarray(14, 34);
    expect(ip.readUInt32BE(16)).toBe(0x0a000004);
    expect(inetChecksum(ip)).toBe(0);
    expect(ip.readUInt16BE(2)).toBe(r.packet.length - 14);
    expect(r.packet.readUInt16BE(38)).toBe(r.packet.length - 34); // UDP length
  });

  it('REQUEST for the offer → ACK; for another address → NAK without options; broadcast flag honoured', () => {
    const ack = dhcpv4Reply(dhcpRequest(DHCP.REQUEST, [50, 4, 10, 0, 0, 4], 0x8000), USERDATA)!;
    expect(ack.msgType).toBe(DHCP.ACK);
    expect(ack.packet.readUInt32BE(30)).toBe(0xffffffff);
    const nak = dhcpv4Reply(dhcpRequest(DHCP.REQUEST, [50, 4, 10, 0, 0, 9]), USERDATA)!;
    expect(nak.msgType).toBe(DHCP.NAK);
    expect(optionsOf(nak.packet).toString('hex')).toBe('35010600000000ff00000000');
    expect(dhcpOf(nak.packet).readUInt32BE(16)).toBe(0);
  });

  it('INFORM → ACK without address, netmask or lease; RELEASE and DECLINE → nothing', () => {
    const r = dhcpv4Reply(dhcpRequest(DHCP.INFORM), USERDATA)!;
    expect(r.msgType).toBe(DHCP.ACK);
    expect(dhcpOf(r.packet).readUInt32BE(16)).toBe(0);
    expect(optionsOf(r.packet).toString('hex')).toBe('350105' + '03040a000001' + '00000000ff00000000');
    expect(dhcpv4Reply(dhcpRequest(DHCP.RELEASE), USERDATA)).toBeUndefined();
    expect(dhcpv4Reply(dhcpRequest(DHCP.DECLINE), USERDATA)).toBeUndefined();
  });

  it('bootfile_name for iPXE (Etherboot) clients, bootfile_name_alt as bootfile_name for the others', () => {
    // offer 10.0.0.4; bootfile "boot" (67), bootfile_alt "alt" (254), router 10.0.0.1
    const ud = Buffer.from('0a000004' + '4304626f6f74' + 'fe03616c74' + '03040a000001', 'hex');
    const opts = (extra: number[]) => optionsOf(dhcpv4Reply(dhcpRequest(DHCP.DISCOVER, extra), ud)!.packet);
    expect(opts([175, 1, 1]).subarray(3, 9).toString('hex')).toBe('4304626f6f74');
    expect(opts([]).subarray(3, 8).toString('hex')).toBe('4303616c74');
    expect(opts([]).includes(Buffer.from('626f6f74', 'hex'))).toBe(false);
    const altOnly = Buffer.from('0a000004' + 'fe03616c74', 'hex');
    expect(
      optionsOf(dhcpv4Reply(dhcpRequest(DHCP.DISCOVER, [175, 1, 1]), altOnly)!.packet)
        .subarray(3, 8)
        .toString('hex'),
    ).toBe('4303616c74');
  });

  it('logs RELEASE (ciaddr), INFORM and a DECLINE of the offered address as ovn-controller does', () => {
    const release = dhcpRequest(DHCP.RELEASE);
    dhcpOf(release).writeUInt32BE(0x0a000006, 12); // ciaddr
    expect(dhcpv4Notice(release, USERDATA)).toBe('DHCPRELEASE f0:00:00:00:00:01 10.0.0.6');
    expect(dhcpv4Notice(dhcpRequest(DHCP.INFORM), USERDATA)).toBe('DHCPINFORM from f0:00:00:00:00:01 0.0.0.0');
    expect(dhcpv4Notice(dhcpRequest(DHCP.DECLINE, [50, 4, 10, 0, 0, 4]), USERDATA)).toBe(
      'DHCPDECLINE from f0:00:00:00:00:01, 10.0.0.4 duplicated',
    );
    expect(dhcpv4Notice(dhcpRequest(DHCP.DECLINE, [50, 4, 10, 0, 0, 9]), USERDATA)).toBeUndefined();
    expect(dhcpv4Notice(dhcpRequest(DHCP.DISCOVER), USERDATA)).toBeUndefined();
  });
});

function dnsQuery(name: string, type: number): Buffer {
  const head = Buffer.from('abcd01000001000000000000', 'hex');
  const q = Buffer.concat([encodeName(name), Buffer.from([0, type, 0, 1])]);
  return udpFrame(Buffer.concat([head, q]), 5353, 53, 0x0a000004, 0x0a000001);
}

describe('dns_lookup', () => {
  const records = (n: string) => ({ 'vm1.ovn.org': '10.0.0.4 aef0::4', '4.0.0.10.in-addr.arpa': 'vm1.ovn.org' })[n];

  it('A answers the IPv4 addresses, AAAA the IPv6 ones, ANY both; names are case-insensitive', () => {
    const a = dnsReply(dnsQuery('VM1.ovn.org', 1), records)!;
    const dns = a.subarray(42);
    expect(dns[2]! & 0x80).toBe(0x80);
    expect(dns.readUInt16BE(6)).toBe(1);
    expect(a.subarray(a.length - 4).toString('hex')).toBe('0a000004');
    expect(a.subarray(a.length - 6, a.length - 4).toString('hex')).toBe('0004');
    expect(dnsReply(dnsQuery('vm1.ovn.org', 28), records)!.subarray(42).readUInt16BE(6)).toBe(1);
    expect(dnsReply(dnsQuery('vm1.ovn.org', 255), records)!.subarray(42).readUInt16BE(6)).toBe(2);
    expect(inetChecksum(a.subarray(14, 34))).toBe(0);
  });

  it('PTR answers the name; unknown names and MX queries are not answered', () => {
    const p = dnsReply(dnsQuery('4.0.0.10.in-addr.arpa', 12), records)!;
    expect(p.subarray(p.length - 13).toString('hex')).toBe(encodeName('vm1.ovn.org').toString('hex'));
    expect(dnsReply(dnsQuery('vm9.ovn.org', 1), records)).toBeUndefined();
    expect(dnsReply(dnsQuery('vm1.ovn.org', 15), records)).toBeUndefined();
  });
});

describe('put_nd_ra_opts and the result bit', () => {
  it('an RS gets the RA with a valid ICMPv6 checksum', () => {
    const eth = Buffer.concat([Buffer.from('333300000002', 'hex'), MAC, Buffer.from([0x86, 0xdd])]);
    const ip6 = Buffer.alloc(40);
    ip6[0] = 0x60;
    ip6.writeUInt16BE(8, 4);
    ip6[6] = 58;
    ip6[7] = 255;
    ip6[8] = 0xfe;
    ip6[9] = 0x80;
    ip6[23] = 2;
    ip6[24] = 0xff;
    ip6[25] = 0x02;
    ip6[39] = 2;
    const rs = Buffer.concat([eth, ip6, Buffer.from([133, 0, 0, 0, 0, 0, 0, 0])]);
    const ra = Buffer.from([134, 0, 0, 0, 255, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
    const out = raReply(rs, ra)!;
    expect(out.readUInt16BE(18)).toBe(16);
    const pseudo = Buffer.concat([out.subarray(22, 54), Buffer.from([0, 0, 0, 16, 0, 0, 0, 58])]);
    expect(inetChecksum(Buffer.concat([pseudo, out.subarray(54)]))).toBe(0);
    expect(raReply(Buffer.concat([eth, ip6, Buffer.from([135, 0, 0, 0, 0, 0, 0, 0])]), ra)).toBeUndefined();
  });

  it('reg0[3] as bit 99 of xxreg0 lands in xreg0 (OpenFlow 1.5 metadata) or reg0', () => {
    // OXM header of NXM_NX_XXREG0 (class 1, field 111, 16 bytes), then offset 99.
    const f = readResultField(Buffer.from('0001de10' + '00000063', 'hex'));
    expect(f).toMatchObject({ reg: 0, bit: 3 });
    expect(withRegisterBit([{ field: 'xreg0', value: 5n }], f.reg, f.bit, true)).toEqual([
      { field: 'xreg0', value: 5n | (1n << 35n) },
    ]);
    expect(withRegisterBit([], f.reg, f.bit, true)).toEqual([{ field: 'reg0', value: 8n }]);
  });
});

describe('trigger_event', () => {
  it('reads the event type and its vip/protocol/load_balancer options', () => {
    const tlv = (code: number, text: string) =>
      Buffer.concat([Buffer.from([0, code, 0, text.length]), Buffer.from(text)]);
    const body = Buffer.concat([
      Buffer.from([0, 0, 0, 0]),
      tlv(1, '192.168.1.100:80'),
      tlv(2, 'tcp'),
      tlv(3, 'lb-uuid'),
    ]);
    expect(parseControllerEvent(body)).toEqual({
      type: 'empty_lb_backends',
      info: { vip: '192.168.1.100:80', protocol: 'tcp', load_balancer: 'lb-uuid' },
    });
    expect(parseControllerEvent(Buffer.from([0, 0, 0, 9]))).toBeUndefined();
  });
});

describe('put_dhcpv6_opts', () => {
  const tlv = (code: number, hex: string) => {
    const d = Buffer.from(hex, 'hex');
    return Buffer.concat([Buffer.from([code >> 8, code & 0xff, d.length >> 8, d.length & 0xff]), d]);
  };
  function dhcpv6Frame(type: number, opts: Buffer): Buffer {
    const eth = Buffer.concat([Buffer.from('333300010002', 'hex'), MAC, Buffer.from([0x86, 0xdd])]);
    const payload = Buffer.concat([Buffer.from([type, 0xaa, 0xbb, 0xcc]), opts]);
    const ip6 = Buffer.alloc(40);
    ip6[0] = 0x60;
    ip6.writeUInt16BE(8 + payload.length, 4);
    ip6[6] = 17;
    ip6[7] = 255;
    const udp = Buffer.from([0x02, 0x22, 0x02, 0x23, 0, 8 + payload.length, 0, 0]);
    return Buffer.concat([eth, ip6, udp, payload]);
  }
  const clientId = tlv(1, '00030001f00000000001');
  const userdata = Buffer.concat([
    tlv(2, '0000000000aa'), // server_id
    tlv(5, 'ae700000000000000000000000000004'), // ia_addr
    tlv(23, 'ae700000000000000000000000000001'), // dns_server
  ]);

  it('SOLICIT → ADVERTISE with the client id, server DUID-LL and the address in an IA_NA with the IAID', () => {
    const r = dhcpv6Reply(
      dhcpv6Frame(DHCPV6.SOLICIT, Buffer.concat([clientId, tlv(3, '0000abcd' + '00'.repeat(8))])),
      userdata,
    )!;
    expect(r.msgType).toBe(DHCPV6.ADVERTISE);
    const msg = r.packet.subarray(14 + 48);
    expect(msg.subarray(0, 4).toString('hex')).toBe('02aabbcc');
    expect(msg.subarray(4).toString('hex')).toBe(
      clientId.toString('hex') +
        '0002000a000300010000000000aa' +
        '000300280000abcdffffffffffffffff' +
        '00050018ae700000000000000000000000000004ffffffffffffffff' +
        '00170010ae700000000000000000000000000001',
    );
    const udp = r.packet.subarray(54);
    const pseudo = Buffer.concat([r.packet.subarray(22, 54), Buffer.from([0, 0, 0, udp.length, 0, 0, 0, 17])]);
    expect(inetChecksum(Buffer.concat([pseudo, udp]))).toBe(0);
  });

  it('an information request gets a REPLY without address; a SOLICIT without IA_NA gets nothing', () => {
    const r = dhcpv6Reply(dhcpv6Frame(DHCPV6.INFO_REQ, clientId), userdata)!;
    expect(r.msgType).toBe(DHCPV6.REPLY);
    expect(r.packet.subarray(14 + 48 + 4).toString('hex')).toBe(
      clientId.toString('hex') + '0002000a000300010000000000aa' + '00170010ae700000000000000000000000000001',
    );
    expect(dhcpv6Reply(dhcpv6Frame(DHCPV6.SOLICIT, clientId), userdata)).toBeUndefined();
  });
});

describe('packet-in debug line (vconn)', () => {
  it('names the message, the table and the cookie as OVS prints them, on one line', async () => {
    const { packetInReceivedLine } = await import('./pinctrl.js');
    const line = packetInReceivedLine({
      type: 'packet_in2',
      packet: Buffer.alloc(42),
      tableId: 10,
      cookie: 0x79a56841n,
      reason: 'action',
      metadata: [
        { field: 'metadata', value: 1n },
        { field: 'in_port', value: 1n },
      ],
    });
    expect(line).toBe(
      'received: NXT_PACKET_IN2 (OF1.5) (xid=0x0): table_id=10 cookie=0x79a56841 total_len=42 ' +
        'metadata=0x1,in_port=1 (via action) data_len=42 (unbuffered)',
    );
  });
});
