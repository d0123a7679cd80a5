// Packet-in handling for the controller actions the logical pipeline uses: `arp { … }` (build an ARP request
// for the packet's destination and run the nested actions on it) and `put_arp` (learn a MAC binding into the
// SB, through a local cache so repeated ARPs do not write). Rate-limited so a storm cannot starve the daemon.
import type { Logger } from 'pino';
import { formatIpv4, formatIpv6, formatMac, macFromBytes } from '@ovnts/net';
import { type MatchEntry, type PacketIn2, type SwitchConnection } from '@ovnts/openflow';
import { OPCODE, REG } from '@ovnts/expr';
import type { OvsdbClient, Uuid } from 'ovsdb-client-ts';
import { model as sbModel } from '@ovnts/schema/sb';
import {
  type EthFrame,
  PacketError,
  arpRequest,
  icmp4Error,
  icmp6Error,
  ipv4Addrs,
  ndNa,
  ndNs,
  parseEth,
} from './packets.js';
import { rejectReply, sctpAbort, tcpReset } from './reject.js';
import type { SbSnapshot } from './view.js';
import { parseMicroflow } from './microflow.js';
import { composePacket } from './compose.js';
import { aclLogLine } from './acl-log.js';
import { readResultField, withRegisterBit } from './result-bit.js';
import { DHCP, dhcpv4Notice, dhcpv4Reply } from './dhcp-reply.js';
import { dnsReply } from './dns-reply.js';
import { DHCPV6, dhcpv6Reply } from './dhcpv6-reply.js';
import { raReply } from './ra-reply.js';
import { parseControllerEvent } from './controller-event.js';
import { type Announcement, announcementFrame } from './garp.js';
import type { PeriodicRa } from './periodic-ra.js';
import { type MonitorTarget, parseProbeReply } from './svc-monitor.js';
import { ServiceMonitors } from './svc-monitor-state.js';
import { IpMcast } from './ip-mcast.js';
import type { McastConfig } from './ip-mcast-config.js';
import { ingressInput, localOutput, nestedActionsOut, portInput } from './packet-out.js';
import { withActivated } from './activation.js';

/** When a periodic RA is next due: min interval plus a random part of (max - min). */
function nextAnnounce(r: PeriodicRa): number {
  return Date.now() + r.minIntervalS * 1000 + Math.floor(Math.random() * (r.maxIntervalS - r.minIntervalS) * 1000);
}

/** An identical controller event is written to the SB at most this often. */
const EVENT_REPEAT_MS = 5000;

/** Packet-ins handled per second at most; the rest are dropped (and counted). */
const RATE_PER_SEC = 1000;

export class Pinctrl {
  private windowStart = Date.now();
  private inWindow = 0;
  dropped = 0;
  handled = 0;
  private readonly learned = new Map<string, string>();
  private readonly fdbLearned = new Map<string, number>();
  private stopped = false;
  private readonly aclLogger: Logger;
  private readonly pinctrlLog: Logger;
  /** OVS's `vconn` module: each received packet-in at debug level (upstream's tests count these lines). */
  private readonly vconnLog: Logger;
  private eventSeq = 0;
  private readonly garps = new Map<string, { a: Announcement; backoff: number; next: number }>();
  private garpTimer: NodeJS.Timeout | undefined;
  private readonly ras = new Map<string, { ra: PeriodicRa; next: number }>();
  private raTimer: NodeJS.Timeout | undefined;
  private readonly eventsSent = new Map<string, number>();
  /** LB health checks of the backends bound here (svc-monitor-state.ts). */
  readonly serviceMonitors: ServiceMonitors;
  /** IGMP/MLD snooping and the queriers of the local switches (ip-mcast.ts). */
  private readonly mcast: IpMcast;

  constructor(
    private readonly of: SwitchConnection,
    private readonly sb: OvsdbClient,
    private readonly snapshot: () => SbSnapshot,
    private readonly log: Logger,
    private readonly chassisName = '',
  ) {
    this.aclLogger = log.child({ module: 'acl_log' });
    this.pinctrlLog = log.child({ module: 'pinctrl' });
    this.vconnLog = log.child({ module: 'vconn' });
    this.serviceMonitors = new ServiceMonitors({
      send: (packet, dpKey, portKey) => this.sendToPort(packet, dpKey, portKey),
      writeStatus: (uuid, status) => {
        const txn = this.sb.transaction(sbModel);
        txn.update('Service_Monitor', [['_uuid', '==', uuid]], { status });
        txn
          .commit()
          .catch((e: unknown) => this.pinctrlLog.debug({ err: String(e) }, 'Service_Monitor status not written'));
      },
      currentStatus: (uuid) => this.snapshot().Service_Monitor.get(uuid)?.status ?? undefined,
    });
    this.mcast = new IpMcast(of, sb, snapshot, this.pinctrlLog);
    // ovn-controller's pinctrl thread has its own OpenFlow connection and logs it coming up (tests wait for
    // that line); here packet-ins share the one connection, logged alike when it is up.
    of.on('connected', () => this.pinctrlLog.info(`${of.opts.target}: connected`));
  }

  /** The LB health checks this chassis runs (svc-monitor.ts). */
  setServiceMonitors(targets: readonly MonitorTarget[]): void {
    this.serviceMonitors.sync(targets);
  }

  /** A packet straight to a local logical port (its egress pipeline), as if its datapath sent it there. */
  private sendToPort(packet: Buffer, dpKey: number, portKey: number): void {
    if (this.stopped || !this.of.isConnected) return;
    this.of.send(localOutput(packet, dpKey, portKey));
  }

  /** handle_svc_check: a backend's answer to a health probe (the packet came to the svc_monitor_mac). */
  private async svcCheck(pin: PacketIn2): Promise<void> {
    const dpKey = Number(pin.metadata.find((e) => e.field === 'metadata')?.value ?? 0n);
    const portKey = Number(register(pin.metadata, REG.inport));
    const reply = parseProbeReply(pin.packet);
    if (reply) this.serviceMonitors.onReply(dpKey, portKey, reply);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.garpTimer);
    clearTimeout(this.raTimer);
    this.serviceMonitors.stop();
    this.mcast.stop();
  }

  /** The local switches' multicast snooping configurations (IP_Multicast), every round. */
  setIpMulticast(cfgs: readonly McastConfig[], me: Uuid<'Chassis'>): void {
    this.mcast.configure(cfgs, me);
  }

  /**
   * The addresses to announce now (see garp.ts). A new one is announced at once, then after 2, 4, 8 and
   * 16 s more, and then no more; one that goes away stops.
   */
  setAnnouncements(list: readonly Announcement[]): void {
    const now = Date.now();
    const keep = new Set(list.map((a) => a.key));
    for (const k of this.garps.keys()) if (!keep.has(k)) this.garps.delete(k);
    for (const a of list) if (!this.garps.has(a.key)) this.garps.set(a.key, { a, backoff: 1, next: now });
    this.sendGarps();
  }

  /** Router ports that advertise periodically (see periodic-ra.ts), each every min..max interval. */
  setPeriodicRas(list: readonly PeriodicRa[]): void {
    const keep = new Set(list.map((r) => r.port));
    for (const k of this.ras.keys()) if (!keep.has(k)) this.ras.delete(k);
    for (const r of list) {
      const old = this.ras.get(r.port);
      const same = old && old.ra.minIntervalS === r.minIntervalS && old.ra.maxIntervalS === r.maxIntervalS;
      this.ras.set(r.port, { ra: r, next: same ? old.next : nextAnnounce(r) });
    }
    this.sendRas();
  }

  private sendRas(): void {
    clearTimeout(this.raTimer);
    if (this.stopped || !this.of.isConnected) return;
    const now = Date.now();
    let earliest = Infinity;
    for (const s of this.ras.values()) {
      if (s.next <= now) {
        this.of.send(ingressInput(s.ra.packet, s.ra.dpKey, s.ra.portKey, true));
        s.next = nextAnnounce(s.ra);
      }
      earliest = Math.min(earliest, s.next);
    }
    if (earliest !== Infinity) this.raTimer = setTimeout(() => this.sendRas(), earliest - now).unref();
  }

  private sendGarps(): void {
    clearTimeout(this.garpTimer);
    if (this.stopped || !this.of.isConnected) return;
    const now = Date.now();
    let earliest = Infinity;
    for (const g of this.garps.values()) {
      if (g.next <= now) {
        this.of.send(ingressInput(announcementFrame(g.a), g.a.dpKey, g.a.portKey));
        if (g.backoff < 16) {
          g.backoff *= 2;
          g.next = now + g.backoff * 1000;
        } else g.next = Infinity;
      }
      earliest = Math.min(earliest, g.next);
    }
    if (earliest !== Infinity) this.garpTimer = setTimeout(() => this.sendGarps(), earliest - now).unref();
  }

  /**
   * inject-pkt: the packet a microflow describes enters the integration bridge from the interface of its
   * logical ingress port, at table 0 (as if the VM had sent it).
   */
  async inject(microflow: string, localOfport: (port: string) => number | undefined): Promise<void> {
    if (!this.of.isConnected) throw new Error('OpenFlow channel not ready.');
    const { ofport, fields } = parseMicroflow(microflow, localOfport);
    this.of.send(portInput(composePacket(fields), ofport));
  }

  handle(pin: PacketIn2): void {
    if (this.stopped) return;
    if (this.vconnLog.isLevelEnabled('debug'))
      this.vconnLog.debug(`${this.of.opts.target}: ${packetInReceivedLine(pin)}`);
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.inWindow = 0;
    }
    if (++this.inWindow > RATE_PER_SEC) {
      this.dropped++;
      return;
    }
    const ud = pin.userdata;
    if (!ud || ud.length < 8) return;
    const opcode = ud.readUInt32BE(0);
    const body = ud.subarray(8);
    this.handled++;
    if (this.pinctrlLog.isLevelEnabled('debug')) this.pinctrlLog.debug(packetInLine(opcode, pin));
    void this.dispatch(opcode, body, pin).catch((e: unknown) =>
      this.log.debug({ err: e instanceof Error ? e.message : String(e), opcode }, 'packet-in not handled'),
    );
  }

  private async dispatch(opcode: number, body: Buffer, pin: PacketIn2): Promise<void> {
    switch (opcode) {
      case OPCODE.arp:
        return this.arp(body, pin);
      case OPCODE.putArp:
        return this.putArp(pin);
      case OPCODE.putNd:
        return this.putNd(pin);
      case OPCODE.putFdb:
        return this.putFdb(pin);
      case OPCODE.ndNs:
        return this.ndNs(body, pin);
      case OPCODE.ndNa:
        return this.ndNa(body, pin, false);
      case OPCODE.ndNaRouter:
        return this.ndNa(body, pin, true);
      case OPCODE.icmp:
        return this.icmp4(body, pin, true);
      case OPCODE.icmp4Error:
      case OPCODE.icmp6Error:
        return this.icmp4(body, pin, false);
      case OPCODE.tcpReset:
        return this.replyWith(body, pin, (eth) => tcpReset(eth, false));
      case OPCODE.sctpAbort:
        return this.replyWith(body, pin, (eth) => sctpAbort(eth, false));
      case OPCODE.reject:
        return this.replyWith(body, pin, rejectReply);
      case OPCODE.log:
        return this.aclLog(body, pin);
      case OPCODE.event:
        return this.controllerEvent(body);
      case OPCODE.putDhcpOpts:
        return this.putDhcpOpts(body, pin);
      case OPCODE.putDhcpv6Opts:
        return this.putDhcpv6Opts(body, pin);
      case OPCODE.dnsLookup:
        return this.dnsLookup(body, pin);
      case OPCODE.putNdRaOpts:
        return this.putNdRaOpts(body, pin);
      case OPCODE.handleSvcCheck:
        return this.svcCheck(pin);
      case OPCODE.igmp:
        return this.mcast.handle(
          pin,
          Number(pin.metadata.find((e) => e.field === 'metadata')?.value ?? 0n),
          Number(register(pin.metadata, REG.inport)),
        );
      case OPCODE.bindVport:
        return this.bindVport(body, pin);
      case OPCODE.activationStrategyRarp:
        return this.activateByRarp(pin);
      default:
        return;
    }
  }

  /**
   * Resumes a paused packet (put_dhcp_opts, dns_lookup, …): `packet` replaces it when the action answered,
   * and the action's result bit says whether it did.
   */
  private resumeWith(pin: PacketIn2, body: Buffer, answer: (rest: Buffer) => Buffer | undefined): void {
    if (!pin.continuation) return;
    const { reg, bit, rest } = readResultField(body);
    let out: Buffer | undefined;
    try {
      out = answer(rest);
    } catch (e) {
      if (!(e instanceof PacketError)) throw e;
      this.log.debug({ err: e.message }, 'malformed packet for a paused action');
    }
    this.of.send({
      type: 'resume',
      packet: out ?? pin.packet,
      metadata: withRegisterBit(pin.metadata, reg, bit, out !== undefined),
      continuation: pin.continuation,
    });
  }

  /** put_dhcp_opts: DHCPv4 OFFER/ACK/NAK from the options of the logical flow. */
  private async putDhcpOpts(body: Buffer, pin: PacketIn2): Promise<void> {
    this.resumeWith(pin, body, (rest) => {
      const notice = dhcpv4Notice(pin.packet, rest);
      if (notice) this.pinctrlLog.info(notice);
      const r = dhcpv4Reply(pin.packet, rest);
      if (!r) return undefined;
      const name = r.msgType === DHCP.OFFER ? 'OFFER' : r.msgType === DHCP.ACK ? 'ACK' : 'NAK';
      this.pinctrlLog.info(`DHCP${name} ${formatMac(macFromBytes(r.packet.subarray(6, 12)))} ${formatIpv4(r.offerIp)}`);
      return r.packet;
    });
  }

  /** put_dhcpv6_opts: DHCPv6 ADVERTISE/REPLY from the options of the logical flow. */
  private async putDhcpv6Opts(body: Buffer, pin: PacketIn2): Promise<void> {
    this.resumeWith(pin, body, (rest) => {
      const r = dhcpv6Reply(pin.packet, rest);
      if (r)
        this.pinctrlLog.info(
          `DHCPV6 ${r.msgType === DHCPV6.ADVERTISE ? 'ADVERTISE' : 'REPLY'} ${formatMac(macFromBytes(r.packet.subarray(6, 12)))}`,
        );
      return r?.packet;
    });
  }

  /** dns_lookup: answer from the DNS records of the packet's datapath. */
  private async dnsLookup(body: Buffer, pin: PacketIn2): Promise<void> {
    const dpKey = pin.metadata.find((e) => e.field === 'metadata')?.value;
    const snap = this.snapshot();
    const dp = [...snap.Datapath_Binding.values()].find((d) => BigInt(d.tunnel_key) === dpKey);
    const dnsRows = dp ? [...snap.DNS.values()].filter((d) => d.datapaths.includes(dp._uuid)) : [];
    this.resumeWith(pin, body, () =>
      dnsReply(pin.packet, (name) => dnsRows.map((d) => d.records[name]).find((r) => r !== undefined)),
    );
  }

  /** put_nd_ra_opts: a Router Advertisement in reply to a Router Solicitation. */
  private async putNdRaOpts(body: Buffer, pin: PacketIn2): Promise<void> {
    this.resumeWith(pin, body, (rest) => raReply(pin.packet, rest));
  }

  /**
   * trigger_event: one SB Controller_Event row per event (seq_num counts this controller's events); the
   * same event again within EVENT_REPEAT_MS is not written again (the CoPP meter bounds the packet rate,
   * this bounds the SB writes).
   */
  private async controllerEvent(body: Buffer): Promise<void> {
    const ev = parseControllerEvent(body);
    if (!ev) return;
    const key = `${ev.type}|${JSON.stringify(ev.info)}`;
    const now = Date.now();
    if (now - (this.eventsSent.get(key) ?? -Infinity) < EVENT_REPEAT_MS) return;
    const chassis = [...this.snapshot().Chassis.values()].find((c) => c.name === this.chassisName);
    if (!chassis) return;
    this.eventsSent.set(key, now);
    const txn = this.sb.transaction(sbModel);
    txn.insert('Controller_Event', {
      event_type: ev.type,
      event_info: { ...ev.info },
      chassis: chassis._uuid,
      seq_num: ++this.eventSeq,
    });
    await txn.commit();
  }

  /** log(…) of an ACL: one INFO line in module acl_log, as ovn-controller writes it. */
  private async aclLog(body: Buffer, pin: PacketIn2): Promise<void> {
    const line = aclLogLine(body, pin.tableId ?? 0, pin.packet);
    if (line) this.aclLogger.info(line);
  }

  private async arp(body: Buffer, pin: PacketIn2): Promise<void> {
    const eth = parseEth(pin.packet);
    if (eth.ethType !== 0x0800) return;
    const ip = ipv4Addrs(eth.payload);
    this.resend(arpRequest(eth.dst, eth.src, ip.src, ip.dst, eth.vlanTci), body, pin);
  }

  /** The packet a controller action built, through its nested actions. */
  private resend(packet: Buffer, body: Buffer, pin: PacketIn2): void {
    this.of.send(nestedActionsOut(packet, body, pin.metadata));
  }

  /** nd_ns {…}: solicit the IPv6 destination of the packet. */
  private async ndNs(body: Buffer, pin: PacketIn2): Promise<void> {
    const eth = parseEth(pin.packet);
    if (eth.ethType !== 0x86dd || eth.payload.length < 40) return;
    this.resend(ndNs(Buffer.from(eth.src), eth.payload.subarray(24, 40)), body, pin);
  }

  /** nd_na {…} / nd_na_router {…}: answer a neighbor solicitation. */
  private async ndNa(body: Buffer, pin: PacketIn2, router: boolean): Promise<void> {
    const eth = parseEth(pin.packet);
    if (eth.ethType !== 0x86dd) return;
    const packet = ndNa(eth, router);
    if (packet) this.resend(packet, body, pin);
  }

  /**
   * tcp_reset {…}, sctp_abort {…}, reject {…}: the reply `build` makes from the packet (none: nothing is
   * sent), through the nested actions.
   */
  private async replyWith(body: Buffer, pin: PacketIn2, build: (eth: EthFrame) => Buffer | undefined): Promise<void> {
    const packet = build(parseEth(pin.packet));
    if (packet) this.resend(packet, body, pin);
  }

  /** icmp4/icmp6 {…}, icmp4_error/icmp6_error {…}: answer an IP packet with an ICMP error built from it. */
  private async icmp4(body: Buffer, pin: PacketIn2, portUnreachForUdp: boolean, loopback = false): Promise<void> {
    const eth = parseEth(pin.packet);
    if (eth.ethType === 0x86dd && eth.payload.length >= 40) {
      const code = portUnreachForUdp && eth.payload[6] === 17 ? 4 : 1;
      return this.resend(icmp6Error(eth, code, loopback), body, pin);
    }
    if (eth.ethType !== 0x0800 || eth.payload.length < 20) return;
    const code = portUnreachForUdp && eth.payload[9] === 17 ? 3 : 1;
    this.resend(icmp4Error(eth, code, loopback), body, pin);
  }

  private async putArp(pin: PacketIn2): Promise<void> {
    const ipVal = register(pin.metadata, 0);
    if (ipVal !== 0n) await this.learn(pin, formatIpv4(ipVal));
  }

  /** put_nd: the IPv6 address is in xxreg0 (reg0..reg3). */
  private async putNd(pin: PacketIn2): Promise<void> {
    const v = [0, 1, 2, 3].reduce((acc, i) => (acc << 32n) | register(pin.metadata, i), 0n);
    if (v !== 0n) await this.learn(pin, formatIpv6(v));
  }

  /**
   * put_fdb: the packet's source MAC was seen on logical port reg14 of its datapath; record it in the SB FDB
   * (one row per datapath and MAC, moved when the MAC shows up on another port). A local cache keeps
   * repeated packets from writing.
   */
  private async putFdb(pin: PacketIn2): Promise<void> {
    const dpKey = Number(pin.metadata.find((e) => e.field === 'metadata')?.value ?? 0n);
    const portKey = Number(register(pin.metadata, 14));
    if (!dpKey || !portKey) return;
    const mac = formatMac(macFromBytes(parseEth(pin.packet).src));
    const key = `${dpKey}|${mac}`;
    if (this.fdbLearned.get(key) === portKey) return;
    const existing = [...this.snapshot().FDB.values()].find((f) => f.dp_key === dpKey && f.mac === mac);
    this.fdbLearned.set(key, portKey);
    if (existing?.port_key === portKey) return;
    const txn = this.sb.transaction(sbModel);
    if (existing) txn.update('FDB', [['_uuid', '==', existing._uuid]], { port_key: portKey });
    else txn.insert('FDB', { dp_key: dpKey, mac, port_key: portKey });
    try {
      await txn.commit();
    } catch (e) {
      this.fdbLearned.delete(key);
      throw e;
    }
  }

  /**
   * bind_vport: a parent (reg14) announced a virtual port's address; the virtual port (its key in the
   * userdata) is bound to this chassis with that parent, as pinctrl does. Whether the binding holds is the
   * binding plan's business (planBindings releases it when the parent is not bound here).
   */
  private async bindVport(body: Buffer, pin: PacketIn2): Promise<void> {
    if (body.length < 4) return;
    const dpKey = pin.metadata.find((e) => e.field === 'metadata')?.value;
    if (dpKey === undefined) return;
    const vportKey = BigInt(body.readUInt32BE(0));
    const parentKey = register(pin.metadata, REG.inport);
    const snap = this.snapshot();
    const dp = [...snap.Datapath_Binding.values()].find((d) => BigInt(d.tunnel_key) === dpKey);
    const chassis = [...snap.Chassis.values()].find((c) => c.name === this.chassisName);
    if (!dp || !chassis) return;
    const onDp = [...snap.Port_Binding.values()].filter((p) => p.datapath === dp._uuid);
    const vport = onDp.find((p) => BigInt(p.tunnel_key) === vportKey);
    const parent = onDp.find((p) => BigInt(p.tunnel_key) === parentKey);
    if (!vport) {
      this.pinctrlLog.warn(`unknown logical port with datapath ${dpKey} and port ${vportKey}`);
      return;
    }
    if (vport.type !== 'virtual' || !parent) return;
    if (vport.chassis === chassis._uuid && vport.virtual_parent === parent.logical_port) return;
    this.pinctrlLog.info(
      `Claiming virtual lport ${vport.logical_port} for this chassis with the virtual parent ${parent.logical_port}`,
    );
    const txn = this.sb.transaction(sbModel);
    txn.update('Port_Binding', [['_uuid', '==', vport._uuid]], {
      chassis: chassis._uuid,
      virtual_parent: parent.logical_port,
    });
    await txn.commit();
  }

  /**
   * A RARP from a multi-chassis port blocked here by activation-strategy=rarp (activation.ts): this chassis is
   * added to the port's options:additional-chassis-activated, which lifts the block.
   */
  private async activateByRarp(pin: PacketIn2): Promise<void> {
    const dpKey = pin.metadata.find((e) => e.field === 'metadata')?.value;
    if (dpKey === undefined) return;
    const portKey = register(pin.metadata, REG.inport);
    const snap = this.snapshot();
    const dp = [...snap.Datapath_Binding.values()].find((d) => BigInt(d.tunnel_key) === dpKey);
    const pb = dp
      ? [...snap.Port_Binding.values()].find((p) => p.datapath === dp._uuid && BigInt(p.tunnel_key) === portKey)
      : undefined;
    const value = pb ? withActivated(pb, this.chassisName) : null;
    if (!pb || value === null) return;
    const txn = this.sb.transaction(sbModel);
    const where: [['_uuid', '==', Uuid<'Port_Binding'>]] = [['_uuid', '==', pb._uuid]];
    txn.mutate('Port_Binding', where, [['options', 'delete', ['additional-chassis-activated']]]);
    txn.mutate('Port_Binding', where, [['options', 'insert', { 'additional-chassis-activated': value }]]);
    await txn.commit();
  }

  /** Records (logical port, IP) → the packet's source MAC in the SB MAC_Binding table. */
  private async learn(pin: PacketIn2, ip: string): Promise<void> {
    const dpKey = pin.metadata.find((e) => e.field === 'metadata')?.value;
    const portKey = register(pin.metadata, 14);
    if (dpKey === undefined) return;
    const eth = parseEth(pin.packet);
    const mac = formatMac(macFromBytes(eth.src));
    const snap = this.snapshot();
    const dp = [...snap.Datapath_Binding.values()].find((d) => BigInt(d.tunnel_key) === dpKey);
    if (!dp) return;
    const pb = [...snap.Port_Binding.values()].find((p) => p.datapath === dp._uuid && BigInt(p.tunnel_key) === portKey);
    if (!pb) return;
    const key = `${pb.logical_port}|${ip}`;
    if (this.learned.get(key) === mac) return;
    const existing = [...snap.MAC_Binding.values()].find((b) => b.logical_port === pb.logical_port && b.ip === ip);
    this.learned.set(key, mac);
    if (existing?.mac === mac) return;
    const txn = this.sb.transaction(sbModel);
    if (existing) txn.update('MAC_Binding', [['_uuid', '==', existing._uuid]], { mac, timestamp: Date.now() });
    else
      txn.insert('MAC_Binding', {
        logical_port: pb.logical_port,
        ip,
        mac,
        datapath: dp._uuid as Uuid<'Datapath_Binding'>,
        timestamp: Date.now(),
      });
    try {
      await txn.commit();
    } catch (e) {
      this.learned.delete(key);
      throw e;
    }
  }
}

/**
 * A 32-bit register from packet-in metadata. OpenFlow 1.5 switches report registers as 64-bit packet
 * registers (xregN = reg2N << 32 | reg2N+1), so look there when the 32-bit one is absent; absent = 0.
 */
export function register(md: readonly MatchEntry[], n: number): bigint {
  const direct = md.find((e) => e.field === `reg${n}`);
  if (direct) return direct.value;
  const x = md.find((e) => e.field === `xreg${n >> 1}`);
  if (!x) return 0n;
  return n % 2 === 0 ? (x.value >> 32n) & 0xffffffffn : x.value & 0xffffffffn;
}

/** ovn-controller's name of a pinctrl opcode (ACTION_OPCODE_PUT_DHCP_OPTS → PUT_DHCP_OPTS). */
const OPCODE_NAMES = new Map<number, string>(
  Object.entries(OPCODE).map(([k, v]) => [v, k.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()]),
);

/**
 * How OVS's vconn debug log shows a received packet-in (`received: NXT_PACKET_IN2 … table_id=N cookie=…`);
 * ovn.at counts these lines per table to tell whether a packet reached the controller.
 */
export function packetInReceivedLine(pin: PacketIn2): string {
  const md = pin.metadata
    .map((e) => (e.field === 'in_port' ? `in_port=${e.value}` : `${e.field}=0x${e.value.toString(16)}`))
    .join(',');
  let line = 'received: NXT_PACKET_IN2 (OF1.5) (xid=0x0):';
  if (pin.tableId) line += ` table_id=${pin.tableId}`;
  if (pin.cookie !== undefined) line += ` cookie=0x${pin.cookie.toString(16)}`;
  line += ` total_len=${pin.fullLen ?? pin.packet.length} ${md} (via ${pin.reason ?? 'action'})`;
  return `${line} data_len=${pin.packet.length} (unbuffered)`;
}

/** The debug line ovn-controller logs for each packet-in (upstream's tests grep it). */
function packetInLine(opcode: number, pin: PacketIn2): string {
  const field = (f: string) => pin.metadata.find((e) => e.field === f)?.value;
  const inPort = field('in_port');
  let line = `pinctrl received  packet-in | opcode=${OPCODE_NAMES.get(opcode) ?? 'unrecognized'}`;
  line += `| OF_Table_ID=${pin.tableId ?? 0}| OF_Cookie_ID=0x${(pin.cookie ?? 0n).toString(16)}`;
  if (inPort) line += `| in-port=${inPort}`;
  if (pin.packet.length >= 14) {
    const eth = parseEth(pin.packet);
    line += `| src-mac=${formatMac(macFromBytes(eth.src))}, dst-mac=${formatMac(macFromBytes(eth.dst))}`;
    if (eth.ethType === 0x0800 && eth.payload.length >= 20)
      line += `| src-ip=${formatIpv4(eth.payload.readUInt32BE(12))}, dst-ip=${formatIpv4(eth.payload.readUInt32BE(16))}`;
    else if (eth.ethType === 0x0806 && eth.payload.length >= 28)
      line += `| src-ip=${formatIpv4(eth.payload.readUInt32BE(14))}, dst-ip=${formatIpv4(eth.payload.readUInt32BE(24))}`;
  }
  return line;
}
