// LB health checks: which rows this chassis probes, the probes' bytes, what replies mean, and the
// online/offline verdicts over time (fake timers).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Uuid } from 'ovsdb-client-ts';
import {
  TCP,
  backendMac,
  localMonitors,
  parseProbeReply,
  tcpProbe,
  udpProbe,
  type MonitorTarget,
} from './svc-monitor.js';
import { type MonitorStatus, ServiceMonitors } from './svc-monitor-state.js';
import { inetChecksum } from './packets.js';
import { U, pb, snapshot } from './test-rows.js';

const ME = U(100);
const DP = U(1);

function monitorRow(n: number, port: string, ip: string, extra: Record<string, unknown> = {}) {
  return {
    _uuid: U(n),
    logical_port: port,
    ip,
    port: 80,
    protocol: 'tcp',
    src_mac: '0a:00:00:00:00:fe',
    src_ip: ip.includes(':') ? 'fd00::2' : '10.0.0.2',
    status: null,
    options: {},
    external_ids: {},
    ...extra,
  };
}

function sbWith(monitors: Record<string, unknown>[]) {
  return snapshot({
    Datapath_Binding: [{ _uuid: DP, tunnel_key: 5, external_ids: {} }],
    Port_Binding: [
      pb(10, 'p1', DP, 3, { chassis: ME, mac: ['50:54:00:00:00:03 10.0.0.3 fd00::3'] }),
      pb(11, 'p2', DP, 4, { chassis: U(101), mac: ['50:54:00:00:00:04 10.0.0.4'] }),
      pb(12, 'p3', DP, 6, { chassis: ME, mac: ['50:54:00:00:00:06'] }),
    ],
    Service_Monitor: monitors as never,
  });
}

describe('localMonitors', () => {
  it('probes only ports bound here, with the MAC of the entry holding the address, and the options', () => {
    const sb = sbWith([
      monitorRow(20, 'p1', '10.0.0.3', { options: { interval: '2', timeout: '1', failure_count: '3' } }),
      monitorRow(21, 'p2', '10.0.0.4'),
      monitorRow(22, 'p3', '10.0.0.6', { protocol: 'udp' }),
      monitorRow(23, 'gone', '10.0.0.9'),
    ]);
    const ts = localMonitors(sb, ME as Uuid<'Chassis'>);
    expect(ts.map((t) => [t.uuid, t.protocol, t.dpKey, t.portKey, t.dstMac.toString('hex')])).toEqual([
      [U(20), 'tcp', 5, 3, '505400000003'],
      [U(22), 'udp', 5, 6, '505400000006'], // a MAC without addresses serves any address
    ]);
    expect(ts[0]).toMatchObject({ intervalMs: 2000, timeoutMs: 1000, successCount: 1, failureCount: 3 });
    expect(ts[1]).toMatchObject({ intervalMs: 5000, timeoutMs: 3000 });
  });

  it('skips an address the port does not have when its entry lists addresses', () => {
    expect(backendMac(['50:54:00:00:00:03 10.0.0.3'], { family: 4, value: 0x0a000009 })).toBeUndefined();
    expect(localMonitors(sbWith([monitorRow(20, 'p1', '10.0.0.9')]), ME as Uuid<'Chassis'>)).toEqual([]);
  });
});

function target(over: Partial<MonitorTarget> = {}): MonitorTarget {
  const sb = sbWith([monitorRow(20, 'p1', '10.0.0.3')]);
  return { ...localMonitors(sb, ME as Uuid<'Chassis'>)[0]!, ...over };
}

/** The checksum over pseudo-header + segment, which must fold to 0 for a valid segment. */
function l4Valid(frame: Buffer): boolean {
  const ip = frame.subarray(14, 34);
  const seg = frame.subarray(34);
  const pseudo = Buffer.concat([ip.subarray(12, 20), Buffer.from([0, ip[9]!, seg.length >> 8, seg.length & 0xff])]);
  return inetChecksum(Buffer.concat([pseudo, seg])) === 0;
}

describe('probes', () => {
  it('a TCP SYN from src_mac/src_ip to the backend, checksums right', () => {
    const f = tcpProbe(target(), 40000, TCP.SYN, 0x11223344, 0);
    expect(f.subarray(0, 12).toString('hex')).toBe('5054000000030a00000000fe');
    expect(f.readUInt16BE(12)).toBe(0x0800);
    expect(f.subarray(26, 34).toString('hex')).toBe('0a0000020a000003');
    expect(inetChecksum(f.subarray(14, 34))).toBe(0);
    expect(f.readUInt16BE(34)).toBe(40000);
    expect(f.readUInt16BE(36)).toBe(80);
    expect(f.readUInt32BE(38)).toBe(0x11223344);
    expect(f[47]! & 0x3f).toBe(TCP.SYN);
    expect(l4Valid(f)).toBe(true);
  });

  it('a UDP probe of 8 bytes; an IPv6 probe has a 40-byte header', () => {
    const u = udpProbe(target({ protocol: 'udp' }), 40001);
    expect(u.length).toBe(14 + 20 + 16);
    expect(l4Valid(u)).toBe(true);
    const sb = sbWith([monitorRow(20, 'p1', 'fd00::3')]);
    const t6 = localMonitors(sb, ME as Uuid<'Chassis'>)[0]!;
    const f = tcpProbe(t6, 40000, TCP.SYN, 1, 0);
    expect(f.readUInt16BE(12)).toBe(0x86dd);
    expect(f.length).toBe(14 + 40 + 20);
  });
});

/** A reply frame: the backend answering `probe` with TCP flags. */
function tcpAnswer(probe: Buffer, flags: number, seq = 777): Buffer {
  const r = Buffer.from(probe);
  probe.copy(r, 0, 6, 12);
  probe.copy(r, 6, 0, 6);
  probe.copy(r, 26, 30, 34);
  probe.copy(r, 30, 26, 30);
  r.writeUInt16BE(probe.readUInt16BE(36), 34);
  r.writeUInt16BE(probe.readUInt16BE(34), 36);
  r.writeUInt32BE(seq, 38);
  r.writeUInt32BE((probe.readUInt32BE(38) + 1) >>> 0, 42);
  r.writeUInt16BE((5 << 12) | flags, 46);
  return r;
}

/** An ICMP port unreachable quoting the UDP probe. */
function icmpUnreachable(probe: Buffer): Buffer {
  const quoted = probe.subarray(14);
  const icmp = Buffer.concat([Buffer.from([3, 3, 0, 0, 0, 0, 0, 0]), quoted]);
  const ip = Buffer.from(probe.subarray(14, 34));
  ip[9] = 1;
  ip.writeUInt16BE(20 + icmp.length, 2);
  probe.copy(ip, 12, 30, 34);
  probe.copy(ip, 16, 26, 30);
  return Buffer.concat([probe.subarray(6, 12), probe.subarray(0, 6), Buffer.from([8, 0]), ip, icmp]);
}

describe('parseProbeReply', () => {
  it('reads a TCP answer and an ICMP port unreachable; ignores other ICMP', () => {
    const p = tcpProbe(target(), 40000, TCP.SYN, 5, 0);
    expect(parseProbeReply(tcpAnswer(p, TCP.SYN | TCP.ACK))).toMatchObject({
      kind: 'tcp',
      from: { family: 4, value: 0x0a000003 },
      srcPort: 80,
      dstPort: 40000,
      ack: 6,
    });
    const u = udpProbe(target({ protocol: 'udp' }), 40001);
    expect(parseProbeReply(icmpUnreachable(u))).toEqual({
      kind: 'udp-unreachable',
      from: { family: 4, value: 0x0a000003 },
      srcPort: 40001,
      dstPort: 80,
    });
    const other = icmpUnreachable(u);
    other[34] = 11; // time exceeded
    expect(parseProbeReply(other)).toBeUndefined();
    expect(parseProbeReply(Buffer.alloc(10))).toBeUndefined();
  });
});

describe('ServiceMonitors', () => {
  let sent: Buffer[];
  let sbStatus: Map<string, string>;
  let writes: [string, MonitorStatus][];
  let mons: ServiceMonitors;

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    sbStatus = new Map();
    writes = [];
    mons = new ServiceMonitors({
      send: (p) => sent.push(p),
      writeStatus: (u, s) => {
        writes.push([u, s]);
        sbStatus.set(u, s);
      },
      currentStatus: (u) => sbStatus.get(u),
    });
  });
  afterEach(() => {
    mons.stop();
    vi.useRealTimers();
  });

  const reply = (frame: Buffer) => mons.onReply(5, 3, parseProbeReply(frame)!);

  it('TCP: SYN+ACK → online (and an RST closes the connection); RST → offline; silence → offline', () => {
    const t = target({ intervalMs: 5000, timeoutMs: 3000 });
    mons.sync([t]);
    expect(sent).toHaveLength(1);
    reply(tcpAnswer(sent[0]!, TCP.SYN | TCP.ACK));
    expect(writes).toEqual([[U(20), 'online']]);
    expect(sent[1]![47]! & 0x3f).toBe(TCP.RST | TCP.ACK);
    expect(sent[1]!.readUInt32BE(38)).toBe((sent[0]!.readUInt32BE(38) + 1) >>> 0);

    vi.advanceTimersByTime(5000); // next probe
    expect(sent).toHaveLength(3);
    expect(sent[2]![47]! & 0x3f).toBe(TCP.SYN);
    reply(tcpAnswer(sent[2]!, TCP.RST | TCP.ACK));
    expect(writes.at(-1)).toEqual([U(20), 'offline']);

    vi.advanceTimersByTime(5000);
    reply(tcpAnswer(sent.at(-1)!, TCP.SYN | TCP.ACK));
    expect(writes.at(-1)).toEqual([U(20), 'online']);
    vi.advanceTimersByTime(5000 + 3001); // probe, then no answer within the timeout
    expect(writes.at(-1)).toEqual([U(20), 'offline']);
    expect(writes).toHaveLength(4);
  });

  it('a reply to an older probe or with a wrong ack is ignored; unknown sources are counted', () => {
    mons.sync([target()]);
    const bad = tcpAnswer(sent[0]!, TCP.SYN | TCP.ACK);
    bad.writeUInt32BE(1, 42);
    reply(bad);
    expect(writes).toEqual([]);
    const stranger = tcpAnswer(sent[0]!, TCP.SYN | TCP.ACK);
    stranger[29] = 9; // from 10.0.0.9
    reply(stranger);
    expect(mons.unmatched).toBe(1);
  });

  it('failure_count failures in a row before offline; success_count successes before online', () => {
    mons.sync([target({ failureCount: 2, successCount: 2, intervalMs: 1000, timeoutMs: 500 })]);
    vi.advanceTimersByTime(501); // first timeout
    expect(writes).toEqual([]);
    vi.advanceTimersByTime(1000 + 501); // second
    expect(writes).toEqual([[U(20), 'offline']]);
    vi.advanceTimersByTime(1000);
    reply(tcpAnswer(sent.at(-1)!, TCP.SYN | TCP.ACK));
    expect(writes).toHaveLength(1);
    vi.advanceTimersByTime(1000);
    reply(tcpAnswer(sent.at(-1)!, TCP.SYN | TCP.ACK));
    expect(writes.at(-1)).toEqual([U(20), 'online']);
  });

  it('UDP: silence → online, port unreachable → offline', () => {
    const t = target({ protocol: 'udp', key: 'udp', intervalMs: 1000, timeoutMs: 500 });
    mons.sync([{ ...t, key: '5|3|4:a000003|80|udp' }]);
    vi.advanceTimersByTime(501);
    expect(writes).toEqual([[U(20), 'online']]);
    vi.advanceTimersByTime(1000);
    reply(icmpUnreachable(sent.at(-1)!));
    expect(writes.at(-1)).toEqual([U(20), 'offline']);
  });

  it('writes only on change, again when the row says otherwise; stops probing a removed monitor', () => {
    mons.sync([target({ intervalMs: 1000, timeoutMs: 500 })]);
    reply(tcpAnswer(sent[0]!, TCP.SYN | TCP.ACK));
    vi.advanceTimersByTime(1000);
    reply(tcpAnswer(sent.at(-1)!, TCP.SYN | TCP.ACK));
    expect(writes).toHaveLength(1);
    sbStatus.set(U(20), 'offline'); // northd's, say
    mons.sync([target({ intervalMs: 1000, timeoutMs: 500 })]);
    expect(writes).toEqual([
      [U(20), 'online'],
      [U(20), 'online'],
    ]);
    mons.sync([]);
    const n = sent.length;
    vi.advanceTimersByTime(10_000);
    expect(sent).toHaveLength(n);
    expect(mons.size).toBe(0);
  });
});
