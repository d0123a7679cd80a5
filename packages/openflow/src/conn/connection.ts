// A resilient OpenFlow 1.5 connection to one switch (ovs-vswitchd's bridge.mgmt socket or a TCP controller
// port): version negotiation, echo keepalive, reconnect with backoff, request/reply by xid (multipart
// continuation included), barriers, bundles, flow-table sync and the packet-in stream.
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { pino, type Logger } from 'pino';
import { OfDecodeError, Writer } from '../codec/buffer.js';
import { OFP15_VERSION } from '../codec/constants.js';
import { OpenFlowError } from '../codec/errors.js';
import { FrameSplitter } from '../codec/frames.js';
import {
  decodeMessage,
  encodeMessage,
  encodeMessageInto,
  type FlowStats,
  type MultipartReply,
  type MultipartRequest,
  type OfMessage,
  type PacketIn2,
  type PortDesc,
} from '../codec/messages.js';
import type { CodecOptions } from '../codec/oxm.js';
import type { Flow, Group, Meter, TlvMapping } from '../model/flow.js';
import type { MatchEntry } from '../model/match.js';
import { planMessages, planSync, type SyncPlan } from './sync.js';
import { parseTarget } from './target.js';
import { XidWatch, type XidBatch } from './xid-runs.js';

/** Encoding a batch of messages goes on for at most about this long (wall ms) before the event loop is served. */
const WRITE_SLICE_MS = 50;

/** writeBatched's buffers: a message batch is written in buffers of this many bytes, and a few more. */
const BATCH_LIMIT = 256 * 1024;
const BATCH_BUFFER = BATCH_LIMIT + 4096;
/** Batch buffers the socket is done with, kept for the next (writeBatched awaits the drain after each). */
const SPARE_BUFFERS = 2;

export class ConnectionClosedError extends Error {
  override readonly name = 'ConnectionClosedError';
}
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}
/** A bundle the switch refused; `errors` are the per-message rejections (with their xids). */
export class BundleError extends Error {
  override readonly name = 'BundleError';
  constructor(
    readonly bundleId: number,
    readonly errors: readonly OpenFlowError[],
    /** Position in the submitted list of each refused message (-1 for bundle-level errors). */
    readonly indexes: readonly number[] = [],
  ) {
    const shown = errors.slice(0, 5).map((e) => `${e.errorName}@xid ${e.xid}`);
    super(`bundle ${bundleId} failed: ${shown.join(', ')}${errors.length > 5 ? ` and ${errors.length - 5} more` : ''}`);
  }
}

const BUNDLE_FLAGS = { atomic: true, ordered: true } as const;

/** Awaits `p`, a switch's refusal (an OpenFlowError) added to `errors` rather than thrown. */
async function refusedInto(errors: OpenFlowError[], p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (e instanceof OpenFlowError) errors.push(e);
    else throw e;
  }
}

/** The BundleError of refusals watched in `batch`, each with its message's position (-1: the bundle's own). */
function bundleError(bundleId: number, errors: readonly OpenFlowError[], batch: XidBatch<OpenFlowError>): BundleError {
  return new BundleError(
    bundleId,
    errors,
    errors.map((e) => batch.indexOf(e.xid)),
  );
}

/** A bundle filled over time (SwitchConnection.openBundle). */
export interface StreamedBundle {
  readonly bundleId: number;
  /** Appends messages to the bundle (written in order after the earlier adds); resolves once written. */
  add(messages: readonly OfMessage[]): Promise<void>;
  /** Applies the bundle if the switch refused none of its messages; else discards it and throws BundleError. */
  commit(): Promise<void>;
  /** Drops the bundle on the switch (nothing of it applied). */
  discard(): Promise<void>;
  /** Messages added so far. */
  readonly size: number;
  /** Messages the switch refused so far. */
  readonly refused: number;
}

export interface ConnectionOptions extends CodecOptions {
  /** unix:PATH or tcp:HOST:PORT. */
  readonly target: string;
  readonly logger?: Logger;
  /** Keepalive: send an echo after this much idle time (default 5 s; 0 disables); give up after 3 missed intervals. */
  readonly echoIntervalMs?: number;
  /** Reconnect backoff bounds (defaults 100 ms .. 8 s); `reconnect: false` disables reconnecting. */
  readonly backoffMinMs?: number;
  readonly backoffMaxMs?: number;
  readonly reconnect?: boolean;
  /** Per-request timeout (default 30 s). */
  readonly requestTimeoutMs?: number;
  /** Receive packet-ins as NXT_PACKET_IN2 (default true); false leaves the session's async config alone. */
  readonly packetIn2?: boolean;
}

interface Pending {
  resolve: (m: OfMessage) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  /** Multipart replies collected so far. */
  parts?: MultipartReply[];
}

export interface SwitchConnectionEvents {
  connected: [];
  disconnected: [Error | undefined];
  packet_in: [PacketIn2];
  /** An error with an xid nobody is waiting for. */
  switch_error: [OpenFlowError];
  message: [OfMessage, number];
}

export class SwitchConnection extends EventEmitter<SwitchConnectionEvents> {
  private readonly log: Logger;
  private socket: net.Socket | undefined;
  private nextXid = 1;
  private readonly pending = new Map<number, Pending>();
  /** xids of fire-and-forget messages whose errors a `checked` batch or a bundle is collecting. */
  private readonly watched = new XidWatch<OpenFlowError>();
  private closed = false;
  private ready = false;
  private backoff: number;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private echoTimer: NodeJS.Timeout | undefined;
  private lastRx = Date.now();
  private waiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  private nextBundleId = 1;
  /**
   * Full-size batch buffers the socket has written out, reused by the next ones: a start's bundle of ~44k flow
   * mods (100×50) filled ~18 fresh 260 kB buffers, ~4.5 MB of dead ArrayBuffers that only a full collection
   * frees, alive at the chassis's peak RSS (the round after its first install).
   */
  private readonly spare: Buffer[] = [];

  constructor(readonly opts: ConnectionOptions) {
    super();
    this.log = (opts.logger ?? pino({ level: process.env['OVNTS_LOG_LEVEL'] ?? 'warn' })).child({
      component: 'openflow',
      target: opts.target,
    });
    this.backoff = opts.backoffMinMs ?? 100;
  }

  /** Connects (retrying with backoff when `reconnect` is on) and resolves once HELLO is exchanged. */
  connect(): Promise<void> {
    if (this.ready) return Promise.resolve();
    const p = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.socket && !this.reconnectTimer) this.open();
    return p;
  }

  get isConnected(): boolean {
    return this.ready;
  }

  private open(): void {
    this.reconnectTimer = undefined;
    if (this.closed) return;
    const sock = net.connect(parseTarget(this.opts.target));
    this.socket = sock;
    sock.setNoDelay?.(true);
    const frames = new FrameSplitter();
    sock.on('connect', () => {
      this.log.debug('connected, sending hello');
      this.lastRx = Date.now();
      this.write(encodeMessage({ type: 'hello', versions: [OFP15_VERSION] }, this.xid()));
    });
    sock.on('data', (chunk: Buffer) => {
      this.lastRx = Date.now();
      let bufs: Buffer[];
      try {
        bufs = frames.push(chunk);
      } catch (e) {
        this.log.error({ err: e }, 'bad framing; dropping connection');
        sock.destroy(e as Error);
        return;
      }
      for (const b of bufs) this.onFrame(b);
    });
    sock.on('error', (err) => this.log.debug({ err: err.message }, 'socket error'));
    sock.on('close', () => this.onClose(sock));
  }

  private onClose(sock: net.Socket): void {
    if (this.socket !== sock) return;
    this.socket = undefined;
    const wasReady = this.ready;
    this.ready = false;
    clearInterval(this.echoTimer);
    const err = new ConnectionClosedError(`connection to ${this.opts.target} closed`);
    for (const [xid, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(err);
      this.pending.delete(xid);
    }
    if (wasReady) this.emit('disconnected', err);
    if (this.closed || this.opts.reconnect === false) {
      for (const w of this.waiters.splice(0)) w.reject(err);
      return;
    }
    const delay = Math.min(this.backoff, this.opts.backoffMaxMs ?? 8000);
    this.backoff = Math.min(delay * 2, this.opts.backoffMaxMs ?? 8000);
    this.log.info({ delayMs: delay }, 'reconnecting');
    this.reconnectTimer = setTimeout(() => this.open(), delay * (0.75 + Math.random() / 2));
  }

  private onFrame(buf: Buffer): void {
    let xid: number;
    let message: OfMessage;
    try {
      ({ xid, message } = decodeMessage(buf, this.opts));
    } catch (e) {
      if (e instanceof OfDecodeError) {
        // A reply that cannot be decoded fails its request at once (rather than by timeout).
        const p = this.pending.get(buf.readUInt32BE(4));
        this.log.warn({ err: e.message }, p ? 'undecodable reply' : 'undecodable message ignored');
        if (p) {
          this.pending.delete(buf.readUInt32BE(4));
          clearTimeout(p.timer);
          p.reject(e);
        }
        return;
      }
      throw e;
    }
    this.emit('message', message, xid);
    switch (message.type) {
      case 'hello':
        if (
          !message.versions.includes(OFP15_VERSION) &&
          !(buf.readUInt8(0) >= OFP15_VERSION && message.versions.length === 0)
        ) {
          this.log.error({ versions: message.versions }, 'switch does not speak OpenFlow 1.5');
          this.write(
            encodeMessage(
              { type: 'error', errType: 0, code: 0, name: 'OFPHFC_INCOMPATIBLE', data: Buffer.alloc(0) },
              xid,
            ),
          );
          this.socket?.destroy();
          return;
        }
        this.onHello();
        return;
      case 'echo_request':
        this.write(encodeMessage({ type: 'echo_reply', data: message.data }, xid));
        return;
      case 'packet_in2':
        this.emit('packet_in', message);
        return;
      case 'error': {
        const err = new OpenFlowError(message.name, xid, message.errType, message.code, message.data);
        const p = this.pending.get(xid);
        if (p) {
          this.pending.delete(xid);
          clearTimeout(p.timer);
          p.reject(err);
          return;
        }
        if (this.watched.take(err)) return;
        // A listener (the controller's flow installer) reports the errors it collects in its own terms.
        if (!this.emit('switch_error', err)) this.log.warn({ xid, error: message.name }, 'switch error');
        return;
      }
    }
    const p = this.pending.get(xid);
    if (!p) return;
    if (message.type === 'multipart_reply') {
      (p.parts ??= []).push(message.body);
      if (message.flags & 1) return; // OFPMPF_REPLY_MORE: wait for the rest
    }
    this.pending.delete(xid);
    clearTimeout(p.timer);
    p.resolve(message);
  }

  private onHello(): void {
    this.backoff = this.opts.backoffMinMs ?? 100;
    const interval = this.opts.echoIntervalMs ?? 5000;
    clearInterval(this.echoTimer);
    this.echoTimer = undefined;
    if (interval > 0)
      this.echoTimer = setInterval(
        () => {
          const idle = Date.now() - this.lastRx;
          // A switch working through a large bundle or dump of ours answers nothing else until it is done
          // (it handles a connection's messages in order): the request's own timeout covers a dead switch.
          if (idle > 3 * interval && this.pending.size === 0) {
            this.log.warn({ idleMs: idle }, 'switch unresponsive; reconnecting');
            this.socket?.destroy();
          } else if (idle >= interval)
            this.write(encodeMessage({ type: 'echo_request', data: Buffer.alloc(0) }, this.xid()));
        },
        Math.max(50, interval / 2),
      );
    this.echoTimer?.unref();
    this.ready = true;
    void this.setup().then(
      () => {
        this.log.info('OpenFlow 1.5 session up');
        for (const w of this.waiters.splice(0)) w.resolve();
        this.emit('connected');
      },
      (err: unknown) => {
        this.log.warn({ err: (err as Error).message }, 'session setup failed');
        this.socket?.destroy();
      },
    );
  }

  /**
   * Per-session switch setup. A management-socket ("service") connection only gets asynchronous messages
   * (packet-ins) once miss_send_len is non-zero, so raise it, keeping the switch's other config flags.
   */
  private async setup(): Promise<void> {
    if (this.opts.packetIn2 === false) return;
    this.write(encodeMessage({ type: 'set_packet_in_format', format: 'nxt_packet_in2' }, this.xid()));
    const cfg = await this.request({ type: 'get_config_request' });
    const flags = cfg.type === 'get_config_reply' ? cfg.flags : 0;
    this.write(encodeMessage({ type: 'set_config', flags, missSendLen: 0xffff }, this.xid()));
  }

  private xid(): number {
    const x = this.nextXid;
    this.nextXid = this.nextXid >= 0xfffffff0 ? 1 : this.nextXid + 1;
    return x;
  }

  private write(buf: Buffer, written?: (err?: Error | null) => void): boolean {
    if (!this.socket) throw new ConnectionClosedError(`not connected to ${this.opts.target}`);
    return this.socket.write(buf, written);
  }

  private requireReady(): void {
    if (!this.ready) throw new ConnectionClosedError(`not connected to ${this.opts.target}`);
  }

  /** Sends without waiting; returns the xid. Errors for it surface as `switch_error` (or via `sendChecked`). */
  send(message: OfMessage): number {
    this.requireReady();
    const xid = this.xid();
    this.write(encodeMessage(message, xid, this.opts));
    return xid;
  }

  /** Sends a message that has a reply and resolves with it (multipart replies merged into one). */
  request(message: OfMessage, timeoutMs = this.opts.requestTimeoutMs ?? 30_000): Promise<OfMessage> {
    let xid: number;
    let buf: Buffer;
    try {
      this.requireReady();
      xid = this.xid();
      buf = encodeMessage(message, xid, this.opts);
    } catch (e) {
      return Promise.reject(e as Error);
    }
    const reply = this.replyTo(message.type, xid, timeoutMs);
    this.write(buf);
    return reply;
  }

  /** The reply to a message with this xid, which the caller writes itself (after this call). */
  private replyTo(type: OfMessage['type'], xid: number, timeoutMs: number): Promise<OfMessage> {
    return new Promise<OfMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(xid);
        reject(new TimeoutError(`no reply to ${type} xid ${xid} in ${timeoutMs} ms`));
      }, timeoutMs);
      const entry: Pending = {
        resolve: (m) => {
          if (m.type === 'multipart_reply' && entry.parts && entry.parts.length > 1)
            resolve({ ...m, flags: 0, body: mergeParts(entry.parts) });
          else resolve(m);
        },
        reject,
        timer,
      };
      this.pending.set(xid, entry);
    });
  }

  async barrier(timeoutMs?: number): Promise<void> {
    await this.request({ type: 'barrier_request' }, timeoutMs);
  }

  /** A reply to n messages of work may take the switch about a millisecond each under load. */
  private workTimeout(n: number): number {
    return Math.max(this.opts.requestTimeoutMs ?? 30_000, n);
  }

  /**
   * Sends messages that have no reply (flow/group/meter mods, packet-outs…) followed by a barrier; rejects with
   * the first OpenFlowError (its xid identifies the message) if the switch refused any of them.
   */
  async sendChecked(messages: readonly OfMessage[]): Promise<number[]> {
    this.requireReady();
    const batch = this.watched.open();
    const xids: number[] = [];
    try {
      await this.writeBatched(messages.length, (i, w) => {
        const xid = this.xid();
        xids.push(xid);
        batch.add(xid);
        encodeMessageInto(w, messages[i]!, xid, this.opts);
      });
      await this.barrier(this.workTimeout(messages.length));
    } finally {
      this.watched.close(batch);
    }
    if (batch.errors.length) throw batch.errors[0]!;
    return xids;
  }

  /**
   * Writes n messages encoded back to back into large buffers (one write per message, or one buffer per
   * message, costs more than the encoding), honouring backpressure.
   */
  private async writeBatched(n: number, encode: (i: number, w: Writer) => void): Promise<void> {
    // A few flow mods (a pod's) need no 260 kB buffer; a start's thousands fill several, the same few reused.
    const size = Math.min(BATCH_LIMIT, n * 256) + 4096;
    const writer = () => new Writer(size === BATCH_BUFFER ? (this.spare.pop() ?? size) : size);
    let w = writer();
    // Encoding 40k flow mods takes seconds on a busy machine: the event loop is served every WRITE_SLICE_MS
    // too, not only when the socket's buffer is full (echoes, the other connections' probes).
    let until = performance.now() + WRITE_SLICE_MS;
    for (let i = 0; i < n; i++) {
      encode(i, w);
      const late = (i & 31) === 31 && performance.now() > until;
      if (w.length >= BATCH_LIMIT || i === n - 1 || late) {
        const buf = w.backing;
        // Once written out (the socket's callback), the buffer may take the next batch's bytes.
        const ok = this.write(
          w.finish(),
          buf.length === BATCH_BUFFER
            ? (err) => {
                if (!err && this.spare.length < SPARE_BUFFERS) this.spare.push(buf);
              }
            : undefined,
        );
        if (i < n - 1) w = writer();
        if (!ok) await this.drain();
        else if (late) await new Promise((r) => setImmediate(r));
        until = performance.now() + WRITE_SLICE_MS;
      }
    }
  }

  private drain(): Promise<void> {
    return new Promise((resolve) => (this.socket ? this.socket.once('drain', resolve) : resolve()));
  }

  /**
   * Applies messages atomically and in order in one bundle; BundleError lists each refused message.
   * `pipelined`: the commit follows the adds at once, one round trip in all, instead of after their verdict;
   * when the switch refuses an add, the others are then committed without it (BundleError still lists it),
   * so the caller must be ready to bring the switch in line itself (a replay).
   */
  async bundle(messages: readonly OfMessage[], opts: { pipelined?: boolean } = {}): Promise<void> {
    if (!opts.pipelined) {
      // Adds, their verdicts (a barrier), then commit or discard: a bundle filled at once.
      const b = this.openBundle();
      try {
        await b.add(messages);
        await b.commit();
      } finally {
        await b.discard(); // nothing once committed or discarded; a failed write leaves it open
      }
      return;
    }
    this.requireReady();
    const bundleId = this.nextBundleId++;
    // Committing is where the switch does the work: allow it time in proportion to the size.
    const commitTimeout = this.workTimeout(messages.length);
    // The switch handles a connection's messages in order: the adds follow the open without waiting for its
    // reply (a refused open is thrown as it is).
    const controlIn = (w: Writer, ctrl: 'open_request' | 'commit_request', timeoutMs?: number) => {
      const xid = this.xid();
      const p = this.replyTo('bundle_control', xid, timeoutMs ?? this.opts.requestTimeoutMs ?? 30_000);
      p.catch(() => undefined); // awaited below, after more writes
      encodeMessageInto(w, { type: 'bundle_control', bundleId, ctrl, ...BUNDLE_FLAGS }, xid, this.opts);
      return p;
    };
    const batch = this.watched.open();
    const errors = batch.errors;
    try {
      // Open, adds and commit back to back (a pod's few flow mods: one write). Refused adds are reported
      // before the commit is answered (which the reply means is applied).
      let opened: Promise<OfMessage> | undefined;
      let committed: Promise<OfMessage> | undefined;
      const n = messages.length;
      await this.writeBatched(n + 2, (i, w) => {
        if (i === 0) opened = controlIn(w, 'open_request');
        else if (i <= n) this.encodeBundleAdd(w, bundleId, batch, messages[i - 1]!);
        else committed = controlIn(w, 'commit_request', commitTimeout);
      });
      await opened;
      await refusedInto(errors, committed!);
    } finally {
      this.watched.close(batch);
    }
    if (errors.length) throw bundleError(bundleId, errors, batch);
  }

  /** A bundle control request of bundle `bundleId` (its rejection handled by whoever awaits it, later). */
  private bundleControl(
    bundleId: number,
    ctrl: 'open_request' | 'commit_request' | 'discard_request',
    timeoutMs?: number,
  ): Promise<OfMessage> {
    const p = this.request({ type: 'bundle_control', bundleId, ctrl, ...BUNDLE_FLAGS }, timeoutMs);
    p.catch(() => undefined);
    return p;
  }

  /** Writes one message into bundle `bundleId`, watched in `batch` for the switch's verdict. */
  private encodeBundleAdd(w: Writer, bundleId: number, batch: XidBatch<OpenFlowError>, message: OfMessage): void {
    // OVS insists that the embedded message carries the bundle_add's own xid.
    const xid = this.xid();
    batch.add(xid);
    encodeMessageInto(w, { type: 'bundle_add', bundleId, ...BUNDLE_FLAGS, xid, message }, xid, this.opts);
  }

  /**
   * Opens a bundle that takes its messages over time (a controller's start sends each slice of flows as it is
   * compiled, so the switch decodes them while the rest compiles) and applies them atomically at `commit`.
   * Each `add` is written at once, in order after the earlier ones. `commit` waits for the switch's verdict on
   * every add (a barrier) and commits only if it refused none; otherwise it discards the bundle and throws a
   * BundleError (its `indexes` count the messages of every `add` in order). Nothing of it is applied before.
   */
  openBundle(): StreamedBundle {
    this.requireReady();
    const bundleId = this.nextBundleId++;
    const opened = this.bundleControl(bundleId, 'open_request');
    const batch = this.watched.open();
    let written: Promise<void> = Promise.resolve();
    let count = 0;
    let done = false;
    const finish = () => {
      done = true;
      this.watched.close(batch);
    };
    const add = (messages: readonly OfMessage[]): Promise<void> => {
      if (done) return Promise.reject(new Error(`bundle ${bundleId} is closed`));
      count += messages.length;
      written = written.then(() =>
        this.writeBatched(messages.length, (i, w) => this.encodeBundleAdd(w, bundleId, batch, messages[i]!)),
      );
      return written;
    };
    const discard = async () => {
      if (done) return;
      finish();
      await written.catch(() => undefined);
      if (this.ready) await this.bundleControl(bundleId, 'discard_request').catch(() => undefined);
    };
    const commit = async () => {
      if (done) throw new Error(`bundle ${bundleId} is closed`);
      try {
        await written;
        // OVS validates each message when it is added and keeps the bundle open even if one is refused, so
        // collect the add errors first (barrier) and discard instead of committing a partial bundle.
        await Promise.all([opened, this.barrier(this.workTimeout(count))]);
      } catch (e) {
        await discard();
        throw e;
      }
      if (batch.errors.length) {
        const errors = [...batch.errors];
        await discard();
        throw bundleError(bundleId, errors, batch);
      }
      finish();
      // Committing is where the switch does the work: allow it time in proportion to the size.
      const errors: OpenFlowError[] = [];
      await refusedInto(errors, this.bundleControl(bundleId, 'commit_request', this.workTimeout(count)));
      if (errors.length) throw bundleError(bundleId, errors, batch);
    };
    return {
      bundleId,
      add,
      commit,
      discard,
      get size() {
        return count;
      },
      get refused() {
        return batch.errors.length;
      },
    };
  }

  async dumpFlows(
    filter: { table?: number; cookie?: bigint; cookieMask?: bigint; match?: readonly MatchEntry[] } = {},
  ): Promise<FlowStats[]> {
    const r = await this.request({ type: 'multipart_request', flags: 0, body: { kind: 'flow_desc', ...filter } });
    return r.type === 'multipart_reply' && r.body.kind === 'flow_desc' ? [...r.body.flows] : [];
  }

  async dumpGroups(): Promise<Group[]> {
    const r = await this.request({ type: 'multipart_request', flags: 0, body: { kind: 'group_desc' } });
    return r.type === 'multipart_reply' && r.body.kind === 'group_desc' ? [...r.body.groups] : [];
  }

  async dumpMeters(): Promise<Meter[]> {
    const r = await this.request({ type: 'multipart_request', flags: 0, body: { kind: 'meter_desc' } });
    return r.type === 'multipart_reply' && r.body.kind === 'meter_desc' ? [...r.body.meters] : [];
  }

  async dumpPorts(): Promise<PortDesc[]> {
    const r = await this.request({ type: 'multipart_request', flags: 0, body: { kind: 'port_desc' } });
    return r.type === 'multipart_reply' && r.body.kind === 'port_desc' ? [...r.body.ports] : [];
  }

  async features(): Promise<Extract<OfMessage, { type: 'features_reply' }>> {
    const r = await this.request({ type: 'features_request' });
    if (r.type !== 'features_reply') throw new OfDecodeError('unknown', `unexpected ${r.type}`);
    return r;
  }

  async tlvMap(): Promise<TlvMapping[]> {
    const r = await this.request({ type: 'tlv_table_request' });
    return r.type === 'tlv_table_reply' ? [...r.mappings] : [];
  }

  /** Adds TLV mappings not yet present (an existing identical mapping is not an error). */
  async ensureTlvMap(mappings: readonly TlvMapping[]): Promise<void> {
    const have = await this.tlvMap();
    const same = (a: TlvMapping, b: TlvMapping) =>
      a.optClass === b.optClass && a.optType === b.optType && a.optLen === b.optLen && a.index === b.index;
    const missing = mappings.filter((m) => !have.some((h) => same(h, m)));
    if (missing.length) await this.sendChecked([{ type: 'tlv_table_mod', command: 'add', mappings: missing }]);
  }

  /**
   * Makes the switch's flows (optionally only those of `scope.table` / matching `scope.cookie`) equal to
   * `desired`, with the minimal set of changes, atomically in one bundle.
   */
  async syncFlows(
    desired: readonly Flow[],
    scope: { table?: number; cookie?: bigint; cookieMask?: bigint } = {},
  ): Promise<SyncPlan> {
    const current = (await this.dumpFlows(scope)).map((s) => s.flow);
    const plan = planSync(current, desired);
    const msgs = planMessages(plan);
    if (msgs.length) await this.bundle(msgs);
    this.log.debug({ add: plan.add.length, modify: plan.modify.length, remove: plan.remove.length }, 'flow sync');
    return plan;
  }

  /** Stops reconnecting, fails pending requests and closes the socket. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.echoTimer);
    const s = this.socket;
    if (!s) {
      for (const w of this.waiters.splice(0)) w.reject(new ConnectionClosedError('closed'));
      return;
    }
    await new Promise<void>((resolve) => {
      s.once('close', () => resolve());
      s.end();
      setTimeout(() => s.destroy(), 1000).unref();
    });
  }
}

function mergeParts(parts: MultipartReply[]): MultipartReply {
  const first = parts[0]!;
  switch (first.kind) {
    case 'flow_desc':
      return { kind: 'flow_desc', flows: parts.flatMap((p) => (p.kind === 'flow_desc' ? p.flows : [])) };
    case 'group_desc':
      return { kind: 'group_desc', groups: parts.flatMap((p) => (p.kind === 'group_desc' ? p.groups : [])) };
    case 'meter_desc':
      return { kind: 'meter_desc', meters: parts.flatMap((p) => (p.kind === 'meter_desc' ? p.meters : [])) };
    case 'port_desc':
      return { kind: 'port_desc', ports: parts.flatMap((p) => (p.kind === 'port_desc' ? p.ports : [])) };
    case 'raw':
      return {
        kind: 'raw',
        mpType: first.mpType,
        body: Buffer.concat(parts.map((p) => (p.kind === 'raw' ? p.body : Buffer.alloc(0)))),
      };
  }
}

export type { MultipartRequest };
