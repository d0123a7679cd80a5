// OvsdbClient: one logical connection to a database server (or Raft cluster) given as a remote list.
// It owns reconnection (exponential backoff with jitter, rotating through the remotes), the Raft
// leader check, locks, and the monitors that replicas register, which it resumes after each reconnect.

import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { pino, type Logger } from 'pino';
import { bounded, remaining, withDefaultTimeout, type CallOptions } from './call.js';
import { ClosedError, ConnectionError, DatumError, OvsdbError, ProtocolError, TimeoutError } from './errors.js';
import type { WireOperation, WireResult } from './operations.js';
import { parseRemotes, type Remote } from './remote.js';
import { RpcSession } from './rpc.js';
import { parseSchema, type DatabaseSchema } from './schema.js';
import { openStream, type SslFiles } from './transport.js';
import type { DatabaseModel } from './types.js';
import { Transaction } from './transaction.js';
import { Replica, type MonitorOptions } from './replica.js';
import { leaderVerdict, LEADER_COLUMNS } from './leader.js';
import type { MonitorHandle, MonitorHost, MonitorMethod, RequestHost } from './host.js';
import { EncodedOps } from './encoded.js';
import { checkTransactResults } from './results.js';

export interface BackoffOptions {
  /** First retry delay after a failed attempt (ms, default 200). */
  initialMs?: number;
  /** Ceiling for the delay (ms, default 8000). */
  maxMs?: number;
  /** Fraction of the delay randomised away, 0..1 (default 0.3), so clients do not reconnect in lockstep. */
  jitter?: number;
}

export interface ClientOptions {
  /** Parent pino logger; the client logs through a child per connection. Default: silent. */
  logger?: Logger;
  /**
   * Accept only a server that is the Raft leader of its clustered databases (default true, as writers need).
   * Followers are skipped at connect time and the client fails over when leadership moves.
   */
  leaderOnly?: boolean;
  /** Restrict the leader check to this database (default: every clustered database on the server). */
  database?: string;
  /** Key, certificate and CA certificate files for ssl: remotes. */
  ssl?: SslFiles;
  /**
   * Keep the socket on a worker thread, so what is written keeps reaching the server while the caller
   * computes (a long synchronous computation otherwise stalls a big write after ~200 kB).
   */
  ioThread?: boolean;
  /** Reconnect after a lost connection (default true). `false` closes the client on disconnect. */
  reconnect?: boolean | BackoffOptions;
  /** Echo after this long without traffic; drop and reconnect after twice that (default 5000, 0 disables). */
  inactivityProbeMs?: number;
  /** Per-attempt connect timeout (ms, default 5000). */
  connectTimeoutMs?: number;
  /**
   * Time limit for each small request that sets a session up (the leader check, db-change-awareness, locks;
   * ms, default 30000): a server that answers echoes but not these would otherwise hold the client forever.
   * Monitor resumptions are not limited (a big database takes its time).
   */
  setupTimeoutMs?: number;
  /**
   * Drop the session (and reconnect) when any request, a monitor resumption included, has had no reply for
   * this long (ms; default none). The inactivity probe only finds a server that stopped talking; this finds
   * one that answers echoes but not requests. See RpcOptions.unansweredRequestMs.
   */
  unansweredRequestMs?: number;
  /** How long `OvsdbClient.connect` keeps trying before it rejects (ms, default 30000). */
  initialConnectTimeoutMs?: number;
  /**
   * Keep trying (until `initialConnectTimeoutMs`) when no server accepts the connection yet, as a daemon
   * started before its database wants. Default false: `connect` rejects as soon as every remote has
   * refused once, with the last failure (a ConnectionError whose `cause.code` is e.g. 'ENOENT').
   */
  waitForServer?: boolean;
  /** Abort `OvsdbClient.connect` (it rejects with AbortedError). Watched until connect settles. */
  signal?: AbortSignal;
  /**
   * Time limit for each request when the call gives none (ms; default none: a dead server is found by
   * the inactivity probe). Every request method also takes CallOptions (`timeoutMs`, `signal`) last.
   */
  requestTimeoutMs?: number;
  /**
   * Big messages (a megabyte or more) are parsed, and big monitor batches decoded, in slices of about this many
   * ms with the event loop served in between (default: off). For daemons that must answer probes while a big
   * initial download arrives; each replica still changes in one step per batch. See MonitorOptions.sliceMs.
   */
  sliceMs?: number;
}

export type ConnectionState = 'connecting' | 'connected' | 'backoff' | 'closed';

/** Counters of one client's wire traffic. */
export interface Traffic {
  bytesIn: number;
  bytesOut: number;
  messagesIn: number;
  messagesOut: number;
  /** Messages parsed in slices (see ClientOptions.sliceMs). */
  messagesSliced: number;
}

export interface ClientEvents {
  /** Every state transition. */
  state: [state: ConnectionState];
  /** A session is up (leader check passed, monitors and locks resumed). */
  connected: [remote: string];
  /** A session ended; the client will reconnect unless closed. */
  disconnected: [error: Error];
  /** This client now holds the lock. */
  locked: [name: string];
  /** Another client stole the lock (the client re-queues for it). */
  stolen: [name: string];
  /** The lock was lost because the connection dropped (it is re-requested on reconnect). */
  lockLost: [name: string];
}

interface LockState {
  held: boolean;
  /** The session the last lock/steal request went out on (a lock is requested once per session). */
  requestedOn?: RpcSession;
}

const SERVER_MONITOR_ID = '_ovnts_server';

/** A connect failure's underlying error: the socket's (`code` 'ENOENT', …) when there is one. */
function rootCause(e: Error | undefined): unknown {
  return e instanceof ConnectionError && e.cause !== undefined ? e.cause : e;
}

/** A connect failure in the OS's words when known ("No such file or directory"). */
function failureText(e: Error): string {
  return e instanceof ConnectionError && e.reason !== undefined ? e.reason : e.message;
}

/** Lock names are OVSDB <id>s; checking here gives a typed error instead of a server syntax error. */
function checkLockName(name: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw new DatumError(`lock name "${name}" is not an <id> (letters, digits, _)`);
}

export class OvsdbClient extends EventEmitter<ClientEvents> implements MonitorHost, RequestHost {
  readonly remotes: readonly Remote[];
  private readonly log: Logger;
  private session: RpcSession | undefined;
  private currentRemote: Remote | undefined;
  private stateValue: ConnectionState = 'connecting';
  private closedFlag = false;
  private waiters: { resolve: (s: RpcSession) => void; reject: (e: Error) => void }[] = [];
  /** Why the last connection attempt failed (the cause of a failed or timed-out connect). */
  private lastFailure: Error | undefined;
  private everConnected = false;
  private readonly monitors = new Map<string, MonitorHandle>();
  private readonly locks = new Map<string, LockState>();
  private wakeBackoff: (() => void) | undefined;
  private sessionCount = 0;
  private monitorSeq = 0;
  /** Traffic of the sessions that have ended. */
  private readonly pastTraffic: Traffic = { bytesIn: 0, bytesOut: 0, messagesIn: 0, messagesOut: 0, messagesSliced: 0 };
  /** Best monitor method the server accepted (learned once per client). */
  monitorMethod: MonitorMethod | undefined;

  private constructor(
    remotes: string,
    readonly opts: ClientOptions,
  ) {
    super();
    this.remotes = parseRemotes(remotes);
    this.log = (opts.logger ?? pino({ level: 'silent' })).child({ component: 'ovsdb-client' });
  }

  /**
   * Connect to the first reachable (and, with `leaderOnly`, leading) server of a remote list such as
   * "unix:/run/ovn/ovnnb_db.sock" or "tcp:10.0.0.1:6641,tcp:10.0.0.2:6641,tcp:[fd00::3]:6641".
   * Resolves once connected. Rejects at once when no remote accepts a connection (unless `waitForServer`)
   * with a ConnectionError whose `cause` is the socket's error; with TimeoutError after
   * `initialConnectTimeoutMs` (its `cause` the last attempt's failure); with AbortedError on `signal`.
   */
  static async connect(remotes: string, opts: ClientOptions = {}): Promise<OvsdbClient> {
    const client = new OvsdbClient(remotes, opts);
    void client.run();
    const timeoutMs = opts.initialConnectTimeoutMs ?? 30_000;
    try {
      await bounded(
        `connect to ${remotes}`,
        { timeoutMs, ...(opts.signal ? { signal: opts.signal } : {}) },
        client.connected(),
      );
    } catch (e) {
      await client.close();
      const last = client.lastFailure;
      if (e instanceof TimeoutError && last)
        throw new TimeoutError(`could not connect to ${remotes} in ${timeoutMs} ms: ${failureText(last)}`, {
          cause: rootCause(last),
        });
      throw e;
    }
    return client;
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** Traffic counters of the current session (zeros when disconnected). */
  get sessionStats(): RpcSession['stats'] {
    return this.session?.stats ?? { bytesIn: 0, bytesOut: 0, messagesIn: 0, messagesOut: 0, messagesSliced: 0 };
  }

  /** The remote of the current session, if connected. */
  get remote(): string | undefined {
    return this.stateValue === 'connected' ? this.currentRemote?.text : undefined;
  }

  /** Bytes and messages sent and received over every session of this client so far. */
  traffic(): Traffic {
    const out = { ...this.pastTraffic };
    const s = this.session;
    if (s && !s.isClosed) for (const k of Object.keys(out) as (keyof Traffic)[]) out[k] += s.stats[k];
    return out;
  }

  /**
   * Resolves with the live session, waiting for a reconnect if needed; rejects once the client is closed,
   * or when `call`'s limit passes or its signal aborts first.
   */
  connected(call?: CallOptions): Promise<RpcSession> {
    if (this.closedFlag) return Promise.reject(new ClosedError());
    if (this.session && !this.session.isClosed && this.stateValue === 'connected') return Promise.resolve(this.session);
    let waiter: (typeof this.waiters)[number] | undefined;
    const live = new Promise<RpcSession>((resolve, reject) => this.waiters.push((waiter = { resolve, reject })));
    return bounded('waiting for a connection', call, live, () => {
      this.waiters = this.waiters.filter((w) => w !== waiter);
    });
  }

  // ---- plain methods ----

  /**
   * Any JSON-RPC method, on the current (or next) session. `call` bounds the whole wait (for a session,
   * then for the reply); without a `timeoutMs` the client's `requestTimeoutMs` applies.
   */
  async request(method: string, params: readonly unknown[], call?: CallOptions): Promise<unknown> {
    const c = withDefaultTimeout(call, this.opts.requestTimeoutMs);
    const started = Date.now();
    const s = await this.connected(c);
    return s.request(method, params, remaining(c, started));
  }

  async listDbs(call?: CallOptions): Promise<string[]> {
    const r = await this.request('list_dbs', [], call);
    if (!Array.isArray(r) || !r.every((x) => typeof x === 'string'))
      throw new ProtocolError('list_dbs: reply is not a list of names');
    return r;
  }

  async getSchema(db: string, call?: CallOptions): Promise<DatabaseSchema> {
    return parseSchema(await this.request('get_schema', [db], call));
  }

  /** Round-trip an echo; resolves with what the server echoed. */
  async echo(...payload: unknown[]): Promise<unknown[]> {
    const r = await this.request('echo', payload);
    if (!Array.isArray(r)) throw new ProtocolError('echo: reply is not an array');
    return r;
  }

  /**
   * Send raw operations (already in wire notation). Resolves with the per-operation results;
   * an operation error or a commit failure rejects with OvsdbError carrying `opIndex`.
   */
  async transact(db: string, ops: readonly WireOperation[], call?: CallOptions): Promise<WireResult[]> {
    const r = await this.request('transact', [db, ...ops], call);
    return checkTransactResults(r, ops.length, 0, ops);
  }

  /**
   * `transact` with operations already encoded as JSON text, for writers that build huge
   * transactions: one string per operation, or an EncodedOps (UTF-8 buffers). Nothing is re-encoded,
   * and the text goes out in pieces. When connected, it is written before this returns, so a caller
   * that goes on computing has it on its way (see the ioThread option).
   */
  transactEncoded(db: string, ops: readonly string[] | EncodedOps, call?: CallOptions): Promise<WireResult[]> {
    const c = withDefaultTimeout(call, this.opts.requestTimeoutMs);
    const started = Date.now();
    const send = (s: RpcSession): Promise<WireResult[]> => {
      const head = JSON.stringify(db);
      const n = ops.length;
      let params: (string | Uint8Array)[];
      if (ops instanceof EncodedOps) params = n ? [head, ',', ...ops.take()] : [head];
      else {
        params = [head];
        for (const op of ops) params.push(',', op);
      }
      return s.requestEncoded('transact', params, remaining(c, started)).then((r) => checkTransactResults(r, n));
    };
    const s = this.session;
    return !this.closedFlag && s && !s.isClosed && this.stateValue === 'connected'
      ? send(s)
      : this.connected(c).then(send);
  }

  /** Start a typed transaction on `model`'s database (see Transaction). */
  transaction<M extends DatabaseModel>(model: M): Transaction<M> {
    return new Transaction(this, model);
  }

  /**
   * Monitor `model`'s database into a replica; resolves once the initial contents are loaded (`call`
   * bounds that initial load).
   */
  async monitor<M extends DatabaseModel>(
    model: M,
    opts: MonitorOptions<M> = {},
    call?: CallOptions,
  ): Promise<Replica<M>> {
    const sliced = opts.sliceMs === undefined && this.opts.sliceMs !== undefined ? { sliceMs: this.opts.sliceMs } : {};
    const replica = new Replica(this, model, { ...opts, ...sliced }, this.log);
    await replica.start(withDefaultTimeout(call, this.opts.requestTimeoutMs));
    return replica;
  }

  // ---- locks ----

  /**
   * Ask for a lock. Resolves true if granted at once; otherwise the client waits in the server's queue and
   * emits 'locked' when granted. The lock is re-requested after reconnects until `unlock`.
   */
  async lock(name: string, call?: CallOptions): Promise<boolean> {
    checkLockName(name);
    if (!this.locks.has(name)) this.locks.set(name, { held: false });
    return this.requestLock(name, 'lock', undefined, call);
  }

  /** Take a lock from its current holder (who gets 'stolen'). */
  async steal(name: string, call?: CallOptions): Promise<boolean> {
    checkLockName(name);
    if (!this.locks.has(name)) this.locks.set(name, { held: false });
    return this.requestLock(name, 'steal', undefined, call);
  }

  async unlock(name: string, call?: CallOptions): Promise<void> {
    const had = this.locks.delete(name);
    // The server drops a session's locks when the session ends, so with no live session there is nothing
    // to tell it (and waiting for a reconnect here would hang shutdown when the server is gone).
    const s = this.session;
    if (had && s && !s.isClosed && this.stateValue === 'connected')
      await s.request('unlock', [name], withDefaultTimeout(call, this.opts.requestTimeoutMs));
  }

  isLockHolder(name: string): boolean {
    return this.locks.get(name)?.held ?? false;
  }

  private async requestLock(
    name: string,
    method: 'lock' | 'steal',
    session?: RpcSession,
    call?: CallOptions,
  ): Promise<boolean> {
    const c = withDefaultTimeout(call, this.opts.requestTimeoutMs);
    const started = Date.now();
    const s = session ?? (await this.connected(c));
    const before = this.locks.get(name);
    // Already queued on this session (e.g. re-requested by the reconnect path): asking twice is an error.
    if (method === 'lock' && before?.requestedOn === s) return before.held;
    if (before) before.requestedOn = s;
    const r = (await s.request(method, [name], remaining(c, started))) as { locked?: unknown } | null;
    const locked = r?.locked === true;
    const st = this.locks.get(name);
    if (locked && st && !st.held) {
      st.held = true;
      this.emit('locked', name);
    }
    return locked;
  }

  // ---- monitors (used by Replica) ----

  /** A fresh monitor id for this client. */
  nextMonitorId(): string {
    return `m${++this.monitorSeq}`;
  }

  registerMonitor(id: string, handle: MonitorHandle): void {
    this.monitors.set(id, handle);
  }

  unregisterMonitor(id: string): void {
    this.monitors.delete(id);
  }

  // ---- lifecycle ----

  /** Close the session and stop reconnecting. Pending requests reject with ClosedError. */
  async close(): Promise<void> {
    this.closeWith(new ClosedError());
  }

  private closeWith(err: Error): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.setState('closed');
    this.wakeBackoff?.();
    for (const w of this.waiters.splice(0)) w.reject(err);
    this.session?.close(err);
    this.session = undefined;
  }

  private setState(s: ConnectionState): void {
    if (this.stateValue === s) return;
    this.stateValue = s;
    this.emit('state', s);
  }

  private backoff(): Required<BackoffOptions> {
    const r = typeof this.opts.reconnect === 'object' ? this.opts.reconnect : {};
    return { initialMs: r.initialMs ?? 200, maxMs: r.maxMs ?? 8000, jitter: r.jitter ?? 0.3 };
  }

  /** The connection loop: try remotes in turn; after a session ends, start over (unless closed). */
  private async run(): Promise<void> {
    let failures = 0;
    let next = 0;
    let lastError = '';
    // Remotes of the current pass that refused the connection itself (not, say, a follower's leader check).
    let refusedThisPass = 0;
    while (!this.closedFlag) {
      const remote = this.remotes[next % this.remotes.length]!;
      next++;
      this.setState('connecting');
      let session: RpcSession | undefined;
      let stream: Duplex | undefined;
      try {
        stream = await openStream(remote, this.opts.connectTimeoutMs ?? 5000, this.opts.ssl, this.opts.ioThread);
      } catch (e) {
        refusedThisPass++;
        this.noteFailure(remote, e as Error);
        lastError = (e as Error).message;
      }
      if (stream) {
        try {
          session = await this.establish(remote, stream);
        } catch (e) {
          this.noteFailure(remote, e as Error);
          lastError = (e as Error).message;
        }
      }
      if (session) {
        failures = 0;
        this.everConnected = true;
        const err = await new Promise<Error | undefined>((resolve) => {
          if (session.isClosed) resolve(new ConnectionError('closed during setup'));
          else session.once('close', resolve);
        });
        if (this.closedFlag) break;
        this.session = undefined;
        this.log.info({ remote: remote.text, err: err?.message }, 'disconnected');
        this.emit('disconnected', err ?? new ConnectionError('disconnected'));
        for (const [name, st] of this.locks) {
          if (st.held) {
            st.held = false;
            this.emit('lockLost', name);
          }
        }
        if (this.opts.reconnect === false) {
          this.closeWith(new ConnectionError(`connection to ${remote.text} lost: ${err?.message ?? 'closed'}`));
          break;
        }
        continue; // try the next remote straight away (Raft failover)
      }
      const all = this.remotes.map((r) => r.text).join(',');
      if (this.opts.reconnect === false && next >= this.remotes.length) {
        // Without reconnect, one pass over the remotes is all connect() gets.
        this.closeWith(
          new ConnectionError(`could not connect to ${all}: ${lastError}`, 'not-sent', undefined, {
            cause: rootCause(this.lastFailure),
          }),
        );
        break;
      }
      failures++;
      const passDone = next % this.remotes.length === 0;
      if (passDone && !this.everConnected && !this.opts.waitForServer && refusedThisPass === this.remotes.length) {
        // Nobody is listening: say so now rather than retry until connect() times out.
        const last = this.lastFailure;
        const reason = last instanceof ConnectionError ? last.reason : undefined;
        this.closeWith(
          new ConnectionError(`could not connect to ${all}: ${reason ?? lastError}`, 'not-sent', reason, {
            cause: rootCause(last),
          }),
        );
        break;
      }
      if (passDone) refusedThisPass = 0;
      // Back off once per full pass over the remotes, exponentially, with jitter.
      if (passDone) {
        const b = this.backoff();
        const base = Math.min(b.maxMs, b.initialMs * 2 ** Math.min(20, Math.floor(failures / this.remotes.length) - 1));
        const delay = Math.round(base * (1 - b.jitter * Math.random()));
        this.setState('backoff');
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, delay);
          this.wakeBackoff = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.wakeBackoff = undefined;
      }
    }
  }

  private noteFailure(remote: Remote, e: Error): void {
    this.lastFailure = e;
    this.log.info({ remote: remote.text, err: e.message }, 'connect attempt failed');
  }

  private async establish(remote: Remote, stream: Duplex): Promise<RpcSession> {
    if (this.closedFlag) {
      stream.destroy();
      throw new ClosedError();
    }
    const n = ++this.sessionCount;
    const log = this.log.child({ remote: remote.text, session: n });
    const session = new RpcSession(stream, log, {
      inactivityProbeMs: this.opts.inactivityProbeMs ?? 5000,
      ...(this.opts.unansweredRequestMs ? { unansweredRequestMs: this.opts.unansweredRequestMs } : {}),
      ...(this.opts.sliceMs !== undefined ? { sliceMs: this.opts.sliceMs } : {}),
    });
    session.on('notification', (method, params) => this.onNotification(session, method, params));
    session.on('close', () => {
      for (const k of Object.keys(this.pastTraffic) as (keyof Traffic)[]) this.pastTraffic[k] += session.stats[k];
    });
    try {
      const setup = { timeoutMs: this.opts.setupTimeoutMs ?? 30_000 };
      if (this.opts.leaderOnly !== false) await this.checkLeader(session, setup);
      await session.request('set_db_change_aware', [true], setup).catch(() => undefined);
      this.session = session;
      this.currentRemote = remote;
      for (const m of this.monitors.values()) await m.resume(session);
      for (const name of [...this.locks.keys()]) {
        // A refused lock must not fail the session (that would reconnect forever): drop it, say so.
        await this.requestLock(name, 'lock', session, setup).catch((e: unknown) => {
          if (!(e instanceof OvsdbError)) throw e;
          log.warn({ lock: name, err: e.message }, 'lock refused; dropped');
          this.locks.delete(name);
        });
      }
    } catch (e) {
      session.close(e as Error);
      this.session = undefined;
      throw e;
    }
    if (this.closedFlag) {
      session.close(new ClosedError());
      throw new ClosedError();
    }
    log.info('connected');
    this.setState('connected');
    this.emit('connected', remote.text);
    for (const w of this.waiters.splice(0)) w.resolve(session);
    return session;
  }

  /** Monitor _Server.Database: reject a server that is not the leader; drop the session if it stops being one. */
  private async checkLeader(session: RpcSession, call: CallOptions): Promise<void> {
    let reply: unknown;
    try {
      reply = await session.request(
        'monitor',
        ['_Server', SERVER_MONITOR_ID, { Database: { columns: [...LEADER_COLUMNS] } }],
        call,
      );
    } catch (e) {
      if (e instanceof OvsdbError) return; // an old server without _Server: nothing to check
      throw e;
    }
    const rows = new Map<string, Record<string, unknown>>();
    const apply = (updates: unknown) => {
      const t = (updates as { Database?: Record<string, { new?: Record<string, unknown> }> } | null)?.Database ?? {};
      for (const [uuid, u] of Object.entries(t)) {
        if (u.new) rows.set(uuid, { ...rows.get(uuid), ...u.new });
        else rows.delete(uuid);
      }
    };
    const verdict = (): string | undefined => leaderVerdict(rows.values(), this.opts.database);
    apply(reply);
    const bad = verdict();
    if (bad) throw new ConnectionError(bad);
    session.on('notification', (method, params) => {
      if (method !== 'update' || params[0] !== SERVER_MONITOR_ID) return;
      apply(params[1]);
      const why = verdict();
      if (why) {
        this.log.info({ why }, 'server lost leadership; reconnecting');
        session.close(new ConnectionError(why));
      }
    });
  }

  private onNotification(session: RpcSession, method: string, params: readonly unknown[]): void {
    if (session !== this.session) return;
    switch (method) {
      case 'update':
      case 'update2':
      case 'update3': {
        const id = params[0];
        if (id === SERVER_MONITOR_ID) return;
        const h = typeof id === 'string' ? this.monitors.get(id) : undefined;
        if (h) h.onNotification(method, params);
        else if (session === this.session) this.log.debug({ method, id }, 'update for an unknown monitor');
        return;
      }
      case 'monitor_canceled': {
        // Sent instead of a disconnect because we are db-change-aware (e.g. after a schema conversion).
        const id = params[0];
        const h = typeof id === 'string' ? this.monitors.get(id) : undefined;
        this.log.info({ monitor: id }, 'monitor cancelled by the server; resubscribing');
        h?.onCanceled(session);
        return;
      }
      case 'locked': {
        const name = params[0];
        const st = typeof name === 'string' ? this.locks.get(name) : undefined;
        if (st && !st.held) {
          st.held = true;
          this.emit('locked', name as string);
        }
        return;
      }
      case 'stolen': {
        const name = params[0];
        const st = typeof name === 'string' ? this.locks.get(name) : undefined;
        if (st) {
          st.held = false;
          st.requestedOn = undefined;
          this.emit('stolen', name as string);
          // Stay in the queue, as a daemon that wants the lock back would.
          this.requestLock(name as string, 'lock', session).catch(() => undefined);
        }
        return;
      }
      default:
        this.log.debug({ method }, 'unhandled notification');
    }
  }
}
