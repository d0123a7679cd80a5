// Load-balancer health checks, the timing: each monitor probes, waits `timeout` for a reply, and probes
// again every `interval`. A TCP monitor counts a SYN+ACK as a success (and resets the half-open connection)
// and an RST or silence as a failure; a UDP monitor counts an ICMP port unreachable as a failure and
// silence as a success. `success_count` successes in a row make the backend online, `failure_count`
// failures offline, as ovn-controller 23.03 decides it; the verdict goes to the SB row only when it moves
// (or when the row says otherwise). Times come from Date.now() and setTimeout, so fake timers drive tests.
import { type MonitorTarget, type ProbeReply, TCP, monitorKey, tcpProbe, udpProbe } from './svc-monitor.js';
import type { Uuid } from 'ovsdb-client-ts';

export type MonitorStatus = 'online' | 'offline';

export interface MonitorIo {
  /** Put a probe on the backend's port (logical output to `portKey` of datapath `dpKey`, this chassis only). */
  send(packet: Buffer, dpKey: number, portKey: number): void;
  /** Record a verdict in the SB row. */
  writeStatus(uuid: Uuid<'Service_Monitor'>, status: MonitorStatus): void;
  /** The row's status as the SB replica has it now (undefined: none, or the row is gone). */
  currentStatus(uuid: Uuid<'Service_Monitor'>): string | undefined;
}

type Phase = 'init' | 'waiting' | 'up' | 'down';

interface Monitor {
  target: MonitorTarget;
  phase: Phase;
  status: MonitorStatus | undefined;
  successes: number;
  failures: number;
  /** When a probe in flight counts as unanswered. */
  waitUntil: number;
  nextProbe: number;
  /** The TCP probe's sequence number (the SYN+ACK acknowledges it + 1). */
  seq: number;
  /** Our source port: new for each TCP probe, fixed for a UDP monitor. */
  srcPort: number;
}

/** A source port above the well-known range. */
function randomPort(): number {
  return 1024 + Math.floor(Math.random() * (65536 - 1024));
}

function randomU32(): number {
  return Math.floor(Math.random() * 0x1_0000_0000) >>> 0;
}

export class ServiceMonitors {
  private readonly monitors = new Map<string, Monitor>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Replies seen that matched no probe (ovn-controller warns about those). */
  unmatched = 0;

  constructor(private readonly io: MonitorIo) {}

  get size(): number {
    return this.monitors.size;
  }

  /** The verdict so far of each monitor, by SB row (tests, appctl). */
  statuses(): Map<string, MonitorStatus | undefined> {
    return new Map([...this.monitors.values()].map((m) => [m.target.uuid, m.status]));
  }

  /** The monitors this chassis runs now: new ones start probing, gone ones stop, changed options apply. */
  sync(targets: readonly MonitorTarget[]): void {
    const keep = new Set<string>();
    for (const t of targets) {
      keep.add(t.key);
      const m = this.monitors.get(t.key);
      if (m) m.target = t;
      else
        this.monitors.set(t.key, {
          target: t,
          phase: 'init',
          status: undefined,
          successes: 0,
          failures: 0,
          waitUntil: 0,
          nextProbe: 0,
          seq: 0,
          srcPort: 0,
        });
    }
    for (const k of this.monitors.keys()) if (!keep.has(k)) this.monitors.delete(k);
    this.run();
    // A row re-created or rewritten by someone else gets the verdict again.
    for (const m of this.monitors.values()) this.publish(m);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** A handle_svc_check packet-in from port `portKey` of datapath `dpKey`. */
  onReply(dpKey: number, portKey: number, r: ProbeReply): void {
    const proto = r.kind === 'tcp' ? 'tcp' : 'udp';
    // The reply comes from the monitored port (TCP) or quotes the probe sent to it (UDP).
    const l4port = r.kind === 'tcp' ? r.srcPort : r.dstPort;
    const m = this.monitors.get(monitorKey(dpKey, portKey, r.from, l4port, proto));
    if (!m) {
      this.unmatched++;
      return;
    }
    const now = Date.now();
    if (r.kind === 'tcp') {
      if (r.dstPort !== m.srcPort || r.ack !== (m.seq + 1) >>> 0) return;
      if ((r.flags & (TCP.SYN | TCP.ACK)) === (TCP.SYN | TCP.ACK)) {
        this.count(m, 'up', now);
        // Close the half-open connection the backend now holds.
        const t = m.target;
        this.io.send(tcpProbe(t, m.srcPort, TCP.RST | TCP.ACK, r.ack, r.seq + 1), t.dpKey, t.portKey);
      } else if (r.flags & TCP.RST) this.count(m, 'down', now);
      else return;
    } else {
      if (r.srcPort !== m.srcPort) return;
      this.count(m, 'down', now);
    }
    this.run();
  }

  private count(m: Monitor, phase: 'up' | 'down', now: number): void {
    if (phase === 'up') m.successes++;
    else m.failures++;
    m.phase = phase;
    m.nextProbe = now + m.target.intervalMs;
  }

  private probe(m: Monitor, now: number): void {
    const t = m.target;
    if (t.protocol === 'tcp') {
      m.seq = randomU32();
      m.srcPort = randomPort();
      this.io.send(tcpProbe(t, m.srcPort, TCP.SYN, m.seq, 0), t.dpKey, t.portKey);
    } else {
      m.srcPort ||= randomPort();
      this.io.send(udpProbe(t, m.srcPort), t.dpKey, t.portKey);
    }
    m.waitUntil = now + t.timeoutMs;
    m.phase = 'waiting';
  }

  /** Advance every monitor to now; arms the timer for the next thing due. */
  run(): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    const now = Date.now();
    let next = Infinity;
    for (const m of this.monitors.values()) {
      const t = m.target;
      const before = m.status;
      if (m.phase === 'init') this.probe(m, now);
      else if (m.phase === 'waiting' && now > m.waitUntil)
        // Silence: a failure for TCP, a success for UDP (only an ICMP error says a UDP port is closed).
        this.count(m, t.protocol === 'tcp' ? 'down' : 'up', now);
      if (m.phase === 'up' && m.successes >= t.successCount) {
        m.status = 'online';
        m.successes = 0;
      } else if (m.phase === 'down' && m.failures >= t.failureCount) {
        m.status = 'offline';
        m.failures = 0;
      }
      if (m.phase !== 'waiting' && now >= m.nextProbe) this.probe(m, now);
      const due = m.phase === 'waiting' ? m.waitUntil + 1 : m.nextProbe;
      next = Math.min(next, due);
      if (m.status !== before) this.publish(m);
    }
    if (next !== Infinity) this.timer = setTimeout(() => this.run(), Math.max(0, next - now)).unref();
  }

  private publish(m: Monitor): void {
    if (m.status && this.io.currentStatus(m.target.uuid) !== m.status) this.io.writeStatus(m.target.uuid, m.status);
  }
}
