// inject-pkt's path (pure): a microflow → header fields → a packet, and that packet's OVS flow text as the
// ACL log prints it; checksums verified; errors for unknown ports and ambiguous expressions.
import { describe, expect, it } from 'vitest';
import { MicroflowError, parseMicroflow } from './microflow.js';
import { composePacket } from './compose.js';
import { packetFlowText } from './flow-text.js';
import { aclLogLine } from './acl-log.js';
import { inetChecksum } from './packets.js';

const ports = (n: string) => ({ lp1: 5 })[n];

describe('inject-pkt microflows', () => {
  it('a TCP SYN: fields, packet, flow text', () => {
    const mf = parseMicroflow(
      'inport=="lp1" && eth.src==f0:00:00:00:00:01 && eth.dst==f0:00:00:00:00:02 && ip4 && ip.ttl==64 && ' +
        'ip4.src==192.168.1.2 && ip4.dst==192.168.1.3 && tcp && tcp.flags==2 && tcp.src==4361 && tcp.dst==81',
      ports,
    );
    expect(mf.ofport).toBe(5);
    expect(mf.fields.get('tcp_dst')).toBe(81n);
    const pkt = composePacket(mf.fields);
    expect(pkt.length).toBe(14 + 20 + 20); // SYN: no payload
    expect(inetChecksum(pkt.subarray(14, 34))).toBe(0);
    expect(packetFlowText(pkt)).toBe(
      'tcp,vlan_tci=0x0000,dl_src=f0:00:00:00:00:01,dl_dst=f0:00:00:00:00:02,nw_src=192.168.1.2,' +
        'nw_dst=192.168.1.3,nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,tp_src=4361,tp_dst=81,tcp_flags=syn',
    );
    const body = Buffer.concat([Buffer.from([1, 1]), Buffer.from('drop-flow')]);
    expect(aclLogLine(body, 8 + 9, pkt)).toMatch(
      /^name="drop-flow", verdict=drop, severity=alert, direction=from-lport: tcp,/,
    );
    expect(aclLogLine(Buffer.from([0, 6]), 42 + 4, pkt)).toMatch(
      /^name="<unnamed>", verdict=allow, severity=info, direction=to-lport: /,
    );
  });

  it('UDP carries a 64-byte payload and a valid checksum', () => {
    const mf = parseMicroflow(
      'inport=="lp1" && eth.src==f0:00:00:00:00:01 && eth.dst==ff:ff:ff:ff:ff:ff && ip4 && ip.ttl==64 && ' +
        'ip4.src==10.0.0.1 && ip4.dst==10.0.0.2 && udp && udp.src==53 && udp.dst==4369',
      ports,
    );
    const pkt = composePacket(mf.fields);
    expect(pkt.length).toBe(14 + 20 + 8 + 64);
    const udp = pkt.subarray(34);
    const pseudo = Buffer.concat([pkt.subarray(26, 34), Buffer.from([0, 17, 0, udp.length])]);
    expect(inetChecksum(Buffer.concat([pseudo, udp]))).toBe(0);
  });

  it('refuses a port that is not local, and expressions that are not one packet', () => {
    expect(() => parseMicroflow('inport=="other" && eth.src==f0:00:00:00:00:01', ports)).toThrow(
      'ingress port not found on hypervisor.',
    );
    expect(() => parseMicroflow('inport=="lp1" && (tcp.dst==1 || tcp.dst==2)', ports)).toThrow(MicroflowError);
  });
});
