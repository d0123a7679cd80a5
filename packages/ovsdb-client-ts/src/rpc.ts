// One JSON-RPC session over one byte stream, in the JSON-RPC 1.0 dialect OVSDB speaks: requests carry an id,
// notifications carry "id": null, replies carry both "result" and "error" (one of them null), and no
// "jsonrpc" member (ovsdb-server rejects unknown members). Messages are built and classified with
// jsonrpc-lite after translating between the two dialects.

import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import jsonrpc from 'jsonrpc-lite';
import type { Logger } from 'pino';
import { ConnectionError, OvsdbError, ProtocolError, TimeoutError } from './errors.js';
import { JsonFramer } from './framer.js';
import type { Json } from './datum.js';

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
export type RpcLog = Pick<Logger, 'debug' | 'warn'>;

const SILENT: RpcLog = { debug: () => undefined, warn: () => undefined };

export interface RpcOptions {
  /** Send an echo after this long without receiving anything; drop the session after twice that. 0 disables. */
  inactivityProbeMs?: number;
  maxMessageBytes?: number;
}

/** Strip jsonrpc-lite's 2.0 marker for the wire. */
function toWire(msg: object, id?: null): string {
  const { jsonrpc: _v, ...rest } = msg as { jsonrpc?: string };
  return JSON.stringify(id === null ? { ...rest, id: null } : rest);
}

/** Translate an OVSDB (1.0) message into 2.0 form so jsonrpc-lite can classify it. */
function from10(msg: unknown): ReturnType<typeof jsonrpc.parseObject> {
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return jsonrpc.parseObject(msg);
  const m = msg as Record<string, unknown>;
  if (typeof m['method'] === 'string') {
    // A request, or a notification when id is null.
    const base = { jsonrpc: '2.0', method: m['method'], params: m['params'] };
    return jsonrpc.parseObject(m['id'] === null || m['id'] === undefined ? base : { ...base, id: m['id'] });
  }
  if (m['error'] !== null && m['error'] !== undefined) {
    // OVSDB error replies are {"error": "tag", "details": "..."} or a string; carry it in `data`.
    return jsonrpc.parseObject({
      jsonrpc: '2.0',
      id: m['id'],
      error: { code: -32000, message: 'ovsdb error', data: m['error'] },
    });
  }
  return jsonrpc.parseObject({ jsonrpc: '2.0', id: m['id'], result: m['result'] ?? null });
}

export class RpcSession extends EventEmitter<RpcEvents> {
  private nextId = 1;
  private readonly pending = new Map<number | string, Pending>();
  private readonly framer: JsonFramer;
  private closed = false;
  private lastRx = Date.now();
  private probeSent = false;
  private probeTimer: NodeJS.Timeout | undefined;
  /** Traffic counters for this session. */
  readonly stats = { bytesIn: 0, bytesOut: 0, messagesIn: 0, messagesOut: 0 };

  constructor(
    private readonly socket: Duplex,
    private readonly log: RpcLog = SILENT,
    opts: RpcOptions = {},
  ) {
    super();
    this.framer = new JsonFramer(opts.maxMessageBytes !== undefined ? { maxMessageBytes: opts.maxMessageBytes } : {});
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.shutdown(new ConnectionError(`socket error: ${e.message}`)));
    socket.on('close', () => this.shutdown(new ConnectionError('connection closed by peer')));
    socket.on('end', () => this.shutdown(new ConnectionError('connection closed by peer')));
    const probe = opts.inactivityProbeMs ?? 0;
    if (probe > 0) {
      this.probeTimer = setInterval(() => this.checkInactivity(probe), Math.max(50, Math.floor(probe / 4)));
      this.probeTimer.unref();
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Send a request; resolves with `result`, rejects with OvsdbError for an error reply or ConnectionError. */
  request(method: string, params: readonly unknown[]): Promise<unknown> {
    if (this.closed) return Promise.reject(new ConnectionError(`${method}: not connected`));
    const id = this.nextId++;
    const text = toWire(jsonrpc.request(id, method, params as Json[]));
    return new Promise((resolve, reject) => {
      this.pending.set(id, { method, resolve, reject });
      this.log.debug({ method, id, bytes: text.length }, 'request');
      this.send(text);
    });
  }

  /** Send a notification (no reply expected). */
  notify(method: string, params: readonly unknown[]): void {
    if (this.closed) return;
    this.send(toWire(jsonrpc.notification(method, params as Json[]), null));
  }

  private send(text: string): void {
    this.stats.bytesOut += Buffer.byteLength(text);
    this.stats.messagesOut++;
    this.socket.write(text);
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
    for (const m of messages) {
      if (this.closed) return;
      this.dispatch(m, messages.length === 1 ? chunk.length : undefined);
    }
  }

  private dispatch(msg: unknown, bytes: number | undefined): void {
    const parsed = from10(msg);
    const type = parsed.type as string;
    if (type === 'notification') {
      const p = parsed.payload as { method: string; params?: unknown };
      const params = Array.isArray(p.params) ? p.params : [];
      this.log.debug({ method: p.method, bytes }, 'notification');
      this.emit('notification', p.method, params);
      return;
    }
    if (type === 'request') {
      const p = parsed.payload as { id: number | string; method: string; params?: unknown };
      if (p.method === 'echo') {
        this.send(JSON.stringify({ id: p.id, result: p.params ?? [], error: null }));
      } else {
        this.send(JSON.stringify({ id: p.id, result: null, error: { error: 'unknown method', details: p.method } }));
      }
      return;
    }
    if (type === 'success' || type === 'error') {
      const p = parsed.payload as { id: number | string; result?: unknown; error?: { data?: unknown } };
      const pending = this.pending.get(p.id);
      if (!pending) {
        this.log.warn({ id: p.id }, 'reply to no request; ignored');
        return;
      }
      this.pending.delete(p.id);
      this.log.debug({ method: pending.method, id: p.id, bytes, ok: type === 'success' }, 'reply');
      if (type === 'success') pending.resolve(p.result);
      else pending.reject(rpcError(pending.method, p.error?.data));
      return;
    }
    this.log.warn('malformed JSON-RPC message; dropping connection');
    this.close(new ProtocolError('malformed JSON-RPC message'));
  }

  private checkInactivity(probeMs: number): void {
    const idle = Date.now() - this.lastRx;
    if (idle >= 2 * probeMs && this.probeSent) {
      this.log.warn({ idleMs: idle }, 'inactivity probe unanswered; dropping connection');
      this.close(new TimeoutError(`no message from the server in ${idle} ms`));
    } else if (idle >= probeMs && !this.probeSent) {
      this.probeSent = true;
      this.request('echo', []).catch(() => undefined);
    }
  }

  private shutdown(error: Error): void {
    if (this.closed) return;
    this.closed = true;
    if (this.probeTimer) clearInterval(this.probeTimer);
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
