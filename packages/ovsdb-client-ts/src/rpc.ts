// One JSON-RPC session over one byte stream, in the JSON-RPC 1.0 dialect OVSDB speaks: requests carry an id,
// notifications carry "id": null, replies carry both "result" and "error" (one of them null), and no
// "jsonrpc" member (ovsdb-server rejects unknown members). Messages are built and classified with
// jsonrpc-lite after translating between the two dialects. The one exception is requestEncoded():
// params that are already JSON text (a cold ovn-northd transaction is ~30 MB of operations) go out
// as they are, since validating and copying them would cost more than encoding them did.

import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import jsonrpc from 'jsonrpc-lite';
import type { Logger } from 'pino';
import { bounded, throwIfAborted, type CallOptions } from './call.js';
import { ConnectionError, OvsdbError, ProtocolError, TimeoutError } from './errors.js';
import { JsonFramer, RawMessage } from './framer.js';
import { parseSliced } from './sliced-parse.js';

export interface RpcEvents {
  notification: [method: string, params: unknown[]];
  close: [error: Error | undefined];
}

interface Pending {
  method: string;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/** The logging a session does; a pino Logger fits. Without one the session logs nothing (one-shot tools skip pino). */
export type RpcLog = Pick<Logger, 'debug' | 'warn'> & { isLevelEnabled?: Logger['isLevelEnabled'] };

const SILENT: RpcLog = { debug: () => undefined, warn: () => undefined };

export interface RpcOptions {
  /** Send an echo after this long without receiving anything; drop the session after twice that. 0 disables. */
  inactivityProbeMs?: number;
  /**
   * Drop the session when a request has had no reply for this long (ms; 0 or absent: never), whether or not
   * its caller still waits. The inactivity probe cannot find a server that answers echoes but nothing else;
   * this does. A reply still arriving (part of a message received) counts as an answer in progress.
   */
  unansweredRequestMs?: number;
  maxMessageBytes?: number;
  /**
   * Parse messages of a megabyte or more in slices of about this many ms, serving the event loop in between
   * (default: off, one JSON.parse each). Messages keep their order: later ones wait for the big one.
   */
  sliceMs?: number;
}

/** With slicing on, messages at least this long are parsed in slices. */
const SLICED_MESSAGE_BYTES = 1 << 20;

/** Pre-encoded params are written to the socket in pieces of about this many characters. */
const WRITE_CHUNK = 1 << 20;

type Classified =
  | { readonly type: 'request'; readonly id: unknown; readonly method: string; readonly params: unknown }
  | { readonly type: 'notification'; readonly method: string; readonly params: unknown }
  | { readonly type: 'success'; readonly id: unknown; readonly result: unknown }
  | { readonly type: 'error'; readonly id: unknown; readonly error: unknown }
  | { readonly type: 'invalid' };

const isId = (id: unknown): boolean => typeof id === 'number' || typeof id === 'string';

/**
 * Strip jsonrpc-lite's 2.0 marker for the wire. jsonrpc-lite builds the message around a stand-in for
 * `params` (it would stringify them once more only to check they can be), and the params go in here.
 */
function toWire(msg: object, params: readonly unknown[], id?: null): string {
  const { jsonrpc: _v, ...rest } = msg as { jsonrpc?: string };
  return JSON.stringify(id === null ? { ...rest, params, id: null } : { ...rest, params });
}

/** Classify an OVSDB (JSON-RPC 1.0) message: translated to 2.0 form, then parsed by jsonrpc-lite. */
function classify(msg: unknown): Classified {
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return { type: 'invalid' };
  const m = msg as Record<string, unknown>;
  const id = m['id'];
  let parsed;
  if (typeof m['method'] === 'string') {
    // A request, or a notification when id is null. jsonrpc-lite checks params by stringifying them,
    // which for a monitor update of 100k rows costs more than handling it: it sees a stand-in, and
    // the real params are taken from the message.
    const base = { jsonrpc: '2.0', method: m['method'], params: [] };
    parsed = jsonrpc.parseObject(id === null || id === undefined ? base : { ...base, id });
  } else if (m['error'] !== null && m['error'] !== undefined) {
    // OVSDB error replies are {"error": "tag", "details": "..."} or a string; carried in `data`.
    parsed = jsonrpc.parseObject({
      jsonrpc: '2.0',
      id,
      error: { code: -32000, message: 'ovsdb error', data: m['error'] },
    });
  } else {
    if (!('result' in m)) return { type: 'invalid' };
    parsed = jsonrpc.parseObject({ jsonrpc: '2.0', id, result: m['result'] ?? null });
  }
  const p = parsed.payload as {
    id?: unknown;
    method?: string;
    params?: unknown;
    result?: unknown;
    error?: { data?: unknown };
  };
  switch (parsed.type as string) {
    case 'notification':
      return { type: 'notification', method: p.method!, params: m['params'] ?? [] };
    case 'request':
      return isId(p.id)
        ? { type: 'request', id: p.id, method: p.method!, params: m['params'] ?? [] }
        : { type: 'invalid' };
    case 'success':
      return isId(p.id) ? { type: 'success', id: p.id, result: p.result } : { type: 'invalid' };
    case 'error':
      return isId(p.id) ? { type: 'error', id: p.id, error: p.error?.data } : { type: 'invalid' };
    default:
      return { type: 'invalid' };
  }
}

export class RpcSession extends EventEmitter<RpcEvents> {
  private nextId = 1;
  private readonly pending = new Map<number | string, Pending>();
  /** Requests the caller stopped waiting for (timeout, abort): their late replies are expected. */
  private readonly abandoned = new Set<number | string>();
  /** Every request without a reply yet (abandoned ones too): its method and when it was sent. */
  private readonly unanswered = new Map<number | string, { readonly method: string; readonly at: number }>();
  private unansweredTimer: NodeJS.Timeout | undefined;
  private readonly framer: JsonFramer;
  private closed = false;
  private lastRx = Date.now();
  private probeSent = false;
  private probeTimer: NodeJS.Timeout | undefined;
  private readonly sliceMs: number | undefined;
  /** A big message is being parsed in slices: the messages after it wait here, in order. */
  private parsing: unknown[] | undefined;
  /** Traffic counters for this session. */
  readonly stats = { bytesIn: 0, bytesOut: 0, messagesIn: 0, messagesOut: 0, messagesSliced: 0 };

  constructor(
    private readonly socket: Duplex,
    private readonly log: RpcLog = SILENT,
    opts: RpcOptions = {},
  ) {
    super();
    this.sliceMs = opts.sliceMs;
    this.framer = new JsonFramer({
      ...(opts.maxMessageBytes !== undefined ? { maxMessageBytes: opts.maxMessageBytes } : {}),
      ...(opts.sliceMs !== undefined ? { rawMessageBytes: SLICED_MESSAGE_BYTES } : {}),
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.shutdown(new ConnectionError(`socket error: ${e.message}`)));
    socket.on('close', () => this.shutdown(new ConnectionError('connection closed by peer')));
    socket.on('end', () => this.shutdown(new ConnectionError('connection closed by peer')));
    const probe = opts.inactivityProbeMs ?? 0;
    // Each check runs in setImmediate, after the loop's poll phase: a timer firing late because this thread
    // was busy (a long compute) runs before the poll phase reads what arrived meanwhile, and would judge the
    // server silent on a reply already waiting in the socket.
    if (probe > 0) {
      this.probeTimer = setInterval(
        () => setImmediate(() => this.checkInactivity(probe)),
        Math.max(50, Math.floor(probe / 4)),
      );
      this.probeTimer.unref();
    }
    const unanswered = opts.unansweredRequestMs ?? 0;
    if (unanswered > 0) {
      this.unansweredTimer = setInterval(
        () => setImmediate(() => this.checkUnanswered(unanswered)),
        Math.max(50, unanswered / 10),
      );
      this.unansweredTimer.unref();
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Send a request; resolves with `result`, rejects with OvsdbError for an error reply, ConnectionError,
   * or TimeoutError / AbortedError when `call`'s limit passes or its signal aborts first.
   */
  request(method: string, params: readonly unknown[], call?: CallOptions): Promise<unknown> {
    if (this.closed) return Promise.reject(new ConnectionError(`${method}: not connected`));
    try {
      throwIfAborted(method, call);
    } catch (e) {
      return Promise.reject(e as Error);
    }
    const id = this.nextId++;
    const text = toWire(jsonrpc.request(id, method, []), params);
    const reply = new Promise((resolve, reject) => {
      this.pending.set(id, { method, resolve, reject });
      this.unanswered.set(id, { method, at: Date.now() });
      // At debug level the message itself is logged, as OVS's jsonrpc module does (tests grep it).
      if (this.log.isLevelEnabled?.('debug')) this.log.debug({ method, id, bytes: text.length, json: text }, 'request');
      else this.log.debug({ method, id, bytes: text.length }, 'request');
      this.send(text);
    });
    return bounded(method, call, reply, () => this.abandon(id));
  }

  private abandon(id: number): void {
    if (this.pending.delete(id)) this.abandoned.add(id);
  }

  /**
   * Send a request whose params are already JSON text: `params` is the text of the params array's
   * elements, comma-separated, in pieces (strings or UTF-8 buffers). The pieces are written as they
   * are, never joined, so a huge transaction costs no second copy of itself.
   */
  requestEncoded(method: string, params: readonly (string | Uint8Array)[], call?: CallOptions): Promise<unknown> {
    if (this.closed) return Promise.reject(new ConnectionError(`${method}: not connected`));
    try {
      throwIfAborted(method, call);
    } catch (e) {
      return Promise.reject(e as Error);
    }
    const id = this.nextId++;
    const reply = new Promise((resolve, reject) => {
      this.pending.set(id, { method, resolve, reject });
      this.unanswered.set(id, { method, at: Date.now() });
      // One writev for the whole message (one syscall; one hand-over to an I/O thread).
      this.socket.cork();
      let bytes = this.write(`{"id":${id},"method":${JSON.stringify(method)},"params":[`);
      let piece = '';
      for (const p of params) {
        if (typeof p !== 'string') {
          if (piece) bytes += this.write(piece);
          piece = '';
          this.stats.bytesOut += p.length;
          bytes += p.length;
          this.socket.write(p);
        } else if ((piece += p).length >= WRITE_CHUNK) {
          bytes += this.write(piece);
          piece = '';
        }
      }
      bytes += this.write(piece + ']}');
      this.socket.uncork();
      this.stats.messagesOut++;
      if (this.log.isLevelEnabled?.('debug')) {
        const dec = new TextDecoder();
        const text = params.map((p) => (typeof p === 'string' ? p : dec.decode(p))).join('');
        this.log.debug({ method, id, bytes, params: `[${text}]` }, 'request');
      } else this.log.debug({ method, id, bytes }, 'request');
    });
    return bounded(method, call, reply, () => this.abandon(id));
  }

  /** Send a notification (no reply expected). */
  notify(method: string, params: readonly unknown[]): void {
    if (this.closed) return;
    this.send(toWire(jsonrpc.notification(method, []), params, null));
  }

  private write(text: string): number {
    const buf = Buffer.from(text, 'utf8');
    this.stats.bytesOut += buf.length;
    this.socket.write(buf);
    return buf.length;
  }

  private send(text: string): void {
    this.stats.messagesOut++;
    this.write(text);
  }

  /** Close the session; pending requests fail with `error`. */
  close(error?: Error): void {
    this.shutdown(error ?? new ConnectionError('session closed'));
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    // Any bytes count as activity, so a long transfer of one huge reply does not trip the probe.
    this.lastRx = Date.now();
    this.probeSent = false;
    this.stats.bytesIn += chunk.length;
    let messages: unknown[];
    try {
      messages = this.framer.push(chunk);
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'framing error; dropping connection');
      this.close(e as Error);
      return;
    }
    this.stats.messagesIn += messages.length;
    if (this.parsing) {
      this.parsing.push(...messages);
      return;
    }
    for (let i = 0; i < messages.length; i++) {
      if (this.closed) return;
      const m = messages[i];
      if (m instanceof RawMessage) {
        this.parseInSlices(m, messages.slice(i + 1));
        return;
      }
      this.dispatch(m, messages.length === 1 ? chunk.length : undefined);
    }
  }

  /** Parses a big message in slices, then dispatches it and whatever arrived meanwhile, in order. */
  private parseInSlices(first: RawMessage, rest: unknown[]): void {
    const queue = (this.parsing = [first, ...rest]);
    const pause = () => new Promise<void>((r) => setImmediate(r));
    void (async () => {
      while (queue.length && !this.closed) {
        const m = queue.shift();
        if (!(m instanceof RawMessage)) {
          this.dispatch(m, undefined);
          continue;
        }
        let msg: unknown;
        this.stats.messagesSliced++;
        try {
          msg = await parseSliced(m.parts, this.sliceMs ?? 0, pause);
        } catch (e) {
          this.log.warn({ err: (e as Error).message }, 'framing error; dropping connection');
          this.close(new ProtocolError(`invalid JSON: ${(e as Error).message}`));
          return;
        }
        if (this.closed) return;
        this.dispatch(msg, m.length);
      }
      this.parsing = undefined;
    })();
  }

  private dispatch(msg: unknown, bytes: number | undefined): void {
    const c = classify(msg);
    if (c.type === 'notification') {
      const params = Array.isArray(c.params) ? c.params : [];
      this.log.debug({ method: c.method, bytes }, 'notification');
      this.emit('notification', c.method, params);
      return;
    }
    if (c.type === 'request') {
      if (c.method === 'echo') {
        this.send(JSON.stringify({ id: c.id, result: c.params ?? [], error: null }));
      } else {
        this.send(JSON.stringify({ id: c.id, result: null, error: { error: 'unknown method', details: c.method } }));
      }
      return;
    }
    if (c.type === 'success' || c.type === 'error') {
      this.unanswered.delete(c.id as number | string);
      const pending = this.pending.get(c.id as number | string);
      if (!pending) {
        if (this.abandoned.delete(c.id as number | string)) this.log.debug({ id: c.id }, 'late reply; ignored');
        else this.log.warn({ id: c.id }, 'reply to no request; ignored');
        return;
      }
      this.pending.delete(c.id as number | string);
      this.log.debug({ method: pending.method, id: c.id, bytes, ok: c.type === 'success' }, 'reply');
      if (c.type === 'success') pending.resolve(c.result);
      else pending.reject(rpcError(pending.method, c.error));
      return;
    }
    this.log.warn('malformed JSON-RPC message; dropping connection');
    this.close(new ProtocolError('malformed JSON-RPC message'));
  }

  private checkInactivity(probeMs: number): void {
    if (this.closed) return;
    const idle = Date.now() - this.lastRx;
    if (idle >= 2 * probeMs && this.probeSent) {
      this.log.warn({ idleMs: idle }, 'inactivity probe unanswered; dropping connection');
      this.close(new TimeoutError(`no message from the server in ${idle} ms`));
    } else if (idle >= probeMs && !this.probeSent) {
      this.probeSent = true;
      this.request('echo', []).catch(() => undefined);
    }
  }

  private checkUnanswered(limitMs: number): void {
    if (this.closed || this.framer.pending || this.parsing) return; // a reply is arriving, or being parsed
    const now = Date.now();
    for (const [id, r] of this.unanswered) {
      // Oldest first (insertion order): the first one still in time ends the scan.
      if (now - r.at < limitMs) return;
      this.log.warn({ method: r.method, id, waitedMs: now - r.at }, 'request unanswered; dropping connection');
      this.close(new TimeoutError(`no reply to ${r.method} in ${now - r.at} ms`));
      return;
    }
  }

  private shutdown(error: Error): void {
    if (this.closed) return;
    this.closed = true;
    if (this.probeTimer) clearInterval(this.probeTimer);
    if (this.unansweredTimer) clearInterval(this.unansweredTimer);
    this.unanswered.clear();
    for (const p of this.pending.values()) {
      // A transact that was written but not answered may or may not have committed.
      p.reject(new ConnectionError(`${p.method}: ${error.message}`, p.method === 'transact' ? 'unknown' : 'not-sent'));
    }
    this.pending.clear();
    this.emit('close', error);
  }
}

function rpcError(method: string, data: unknown): OvsdbError {
  if (typeof data === 'string') return new OvsdbError(data, undefined, undefined, method);
  if (typeof data === 'object' && data !== null) {
    const d = data as { error?: unknown; details?: unknown };
    return new OvsdbError(
      typeof d.error === 'string' ? d.error : JSON.stringify(data),
      typeof d.details === 'string' ? d.details : undefined,
      undefined,
      method,
    );
  }
  return new OvsdbError(String(data), undefined, undefined, method);
}
