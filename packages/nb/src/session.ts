// A connection to the NB database for batch work: read a snapshot into an NbStore, change it with the
// typed operations, commit the whole batch as one transaction. Also the `--wait` machinery
// (bump NB_Global.nb_cfg, wait for northd/chassis to catch up).
// The wire work is ovsdb-client-ts/wire's (the one-shot layer, not the index), so a one-shot CLI loads no pino.
import { model } from '@ovnts/schema/nb';
import {
  bounded,
  withDefaultTimeout,
  type CallOptions,
  connectFirst,
  decodeDatum,
  ConnectionError,
  OvsdbError,
  TimeoutError,
  type RpcSession,
  type SslFiles,
} from 'ovsdb-client-ts/wire';
import { NbTransactionError } from './errors.js';
import { NbStore, type NbRow, type Row, type Value } from './store.js';

export const NB_DB = 'OVN_Northbound';
const schema = model.schema;

/**
 * `timeoutMs` bounds connecting to each remote; `signal` aborts connecting. Neither has a default: like
 * ovn-nbctl without --timeout, a session waits for a slow server unless told not to.
 */
export interface OpenOptions extends CallOptions {
  /** Only accept the Raft leader of a clustered database (ovn-nbctl's default). */
  readonly leaderOnly?: boolean;
  /** Time limit for each load/commit of this session when the call gives none (ms; waitForCfg excepted). */
  readonly requestTimeoutMs?: number;
  /** Key, certificate and CA for ssl: remotes. */
  readonly ssl?: SslFiles;
}

export interface LoadOptions extends CallOptions {
  /** See NbStore's constructor (the CLI's mode). */
  readonly deferredMutations?: boolean;
}

/** `timeoutMs`/`signal` bound the wait for the server's answer (a transaction that times out may still commit). */
export interface CommitOptions extends CallOptions {
  /** Added as an OVSDB "comment" op (shows in the server log). */
  readonly comment?: string;
  /** Increment NB_Global.nb_cfg in the same transaction (for --wait); commit then reports the new value. */
  readonly bumpNbCfg?: boolean;
  /** Let the server check the transaction, then abort it (nothing is written). */
  readonly dryRun?: boolean;
}

export interface CommitResult {
  /** False when there was nothing to write (no transaction was sent). */
  readonly changed: boolean;
  /** The new NB_Global.nb_cfg when `bumpNbCfg` was set. */
  readonly nbCfg?: number;
}

function decodeRow(table: string, json: Record<string, unknown>): Row {
  const ts = schema.tables[table];
  if (!ts) throw new TypeError(`no table ${table}`);
  const row: Record<string, Value> = { _uuid: (json['_uuid'] as [string, string])[1] };
  for (const [name, col] of Object.entries(ts.columns)) {
    if (name in json) row[name] = decodeDatum(col.type, json[name]) as Value;
  }
  return row as Row;
}

/** What waitForCfg reports: NB_Global's progress columns (integers; timestamps in ms). */
export type CfgProgress = Pick<
  NbRow<'NB_Global'>,
  'nb_cfg_timestamp' | 'sb_cfg' | 'sb_cfg_timestamp' | 'hv_cfg' | 'hv_cfg_timestamp'
>;
const CFG_COLUMNS: readonly (keyof CfgProgress)[] = [
  'nb_cfg_timestamp',
  'sb_cfg',
  'sb_cfg_timestamp',
  'hv_cfg',
  'hv_cfg_timestamp',
];

export class NbSession {
  private constructor(
    private readonly session: RpcSession,
    readonly remote: string,
    private readonly requestTimeoutMs: number | undefined,
  ) {}

  /**
   * Connect to the first usable remote of a comma-separated list. With `leaderOnly` and more than one
   * remote, a clustered member that is not the leader is skipped. If none works, throws the client's
   * ConnectionError, whose `reason` is the OS's wording and `cause` the socket's error (`code` 'ENOENT').
   */
  static async open(remotes: string, opts: OpenOptions = {}): Promise<NbSession> {
    const many = remotes.split(',').filter((r) => r.trim().length > 0).length > 1;
    const { session, remote } = await connectFirst(remotes, {
      // Without a timeout of its own, the caller bounds the whole run (ovn-nbctl's --timeout).
      connectTimeoutMs: opts.timeoutMs || 2 ** 31 - 1,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.leaderOnly && many ? { leaderOf: NB_DB } : {}),
      ...(opts.ssl ? { ssl: opts.ssl } : {}),
    });
    return new NbSession(session, remote.text, opts.requestTimeoutMs);
  }

  /**
   * A request whose failure (error reply, lost connection) is reported as NbTransactionError; no answer
   * in time is a TimeoutError naming the remote, an abort the AbortedError.
   */
  private async request(method: string, params: readonly unknown[], call?: CallOptions): Promise<unknown> {
    try {
      return await this.session.request(method, params, withDefaultTimeout(call, this.requestTimeoutMs));
    } catch (e) {
      if (e instanceof ConnectionError || e instanceof OvsdbError)
        throw new NbTransactionError(`${this.remote}: ${e.message}`, e instanceof ConnectionError);
      if (e instanceof TimeoutError) throw new TimeoutError(`${this.remote}: ${e.message}`, { cause: e });
      throw e;
    }
  }

  /** Read every NB table into a fresh working copy. */
  async load(opts: LoadOptions = {}): Promise<NbStore> {
    const tables = Object.keys(schema.tables);
    const ops = tables.map((table) => ({ op: 'select', table, where: [] }));
    const results = (await this.request('transact', [NB_DB, ...ops], opts)) as { rows?: Record<string, unknown>[] }[];
    const store = new NbStore(schema, opts.deferredMutations ?? false);
    tables.forEach((table, i) => {
      for (const r of results[i]?.rows ?? []) store.load(table, decodeRow(table, r));
    });
    return store;
  }

  /** Send the store's changes as one transaction. Throws NbTransactionError with the server's error. */
  async commit(store: NbStore, opts: CommitOptions = {}): Promise<CommitResult> {
    const ops = store.toOps();
    if (ops.length === 0) return { changed: false };
    let selectAt = -1;
    if (opts.bumpNbCfg) {
      const nb = store.rows('NB_Global')[0];
      if (nb && !store.isNew(nb._uuid)) {
        const where = [['_uuid', '==', ['uuid', nb._uuid]]];
        ops.push({ op: 'mutate', table: 'NB_Global', where, mutations: [['nb_cfg', '+=', 1]] });
        selectAt = ops.length;
        ops.push({ op: 'select', table: 'NB_Global', where, columns: ['nb_cfg'] });
      } else if (nb) {
        // A brand-new NB_Global: its first nb_cfg is 1.
        store.set('NB_Global', nb, 'nb_cfg', 1);
        return this.commit(store, { ...opts, bumpNbCfg: false }).then((r) => ({ ...r, nbCfg: 1 }));
      }
    }
    if (opts.comment) ops.push({ op: 'comment', comment: opts.comment });
    if (opts.dryRun) ops.push({ op: 'abort' });
    const results = (await this.request('transact', [NB_DB, ...ops], opts)) as (Record<string, unknown> | null)[];
    const failed = results.find(
      (r, i) => r !== null && typeof r === 'object' && 'error' in r && !(opts.dryRun && i === ops.length - 1),
    );
    if (failed) throw new NbTransactionError(sortedJson(failed));
    if (opts.dryRun) return { changed: false };
    if (results.length > ops.length) {
      const extra = results[ops.length];
      if (extra && 'error' in extra) throw new NbTransactionError(sortedJson(extra));
    }
    if (selectAt >= 0) {
      const rows = (results[selectAt] as { rows?: { nb_cfg: number }[] } | null)?.rows;
      return { changed: true, nbCfg: rows?.[0]?.nb_cfg ?? 0 };
    }
    return { changed: true };
  }

  /**
   * Wait until NB_Global shows that northd (`sb`) or also every chassis (`hv`) processed `nbCfg`.
   * Resolves with that NB_Global row's timestamps. No time limit unless `call` gives one (a session's
   * requestTimeoutMs does not apply: waiting is the point).
   */
  async waitForCfg(kind: 'sb' | 'hv', nbCfg: number, call: CallOptions = {}): Promise<CfgProgress> {
    const columns = CFG_COLUMNS;
    let onUpdate: ((method: string, params: unknown[]) => void) | undefined;
    const caughtUp = new Promise<CfgProgress>((resolve, reject) => {
      let current: Record<string, unknown> = {};
      const check = (): boolean => {
        const sb = Number(current['sb_cfg'] ?? 0);
        const hv = Number(current['hv_cfg'] ?? 0);
        const cur = kind === 'sb' ? sb : Math.min(sb, hv);
        if (cur >= nbCfg && cur - nbCfg < 2 ** 31 - 1) {
          const n = (c: keyof CfgProgress) => Number(current[c] ?? 0);
          resolve({
            nb_cfg_timestamp: n('nb_cfg_timestamp'),
            sb_cfg: n('sb_cfg'),
            sb_cfg_timestamp: n('sb_cfg_timestamp'),
            hv_cfg: n('hv_cfg'),
            hv_cfg_timestamp: n('hv_cfg_timestamp'),
          });
          return true;
        }
        return false;
      };
      const apply = (updates: unknown) => {
        const t = (updates as Record<string, Record<string, { new?: Record<string, unknown> }>>)['NB_Global'] ?? {};
        for (const u of Object.values(t)) if (u.new) current = { ...current, ...u.new };
      };
      onUpdate = (method, params) => {
        if (method === 'update') {
          apply(params[1]);
          check();
        }
      };
      this.session.on('notification', onUpdate);
      this.request('monitor', [NB_DB, 'wait', { NB_Global: { columns } }], { timeoutMs: 0 })
        .then((initial) => {
          apply(initial);
          check();
        })
        .catch(reject);
    });
    const stop = () => {
      if (onUpdate) this.session.off('notification', onUpdate);
    };
    try {
      return await bounded(`${this.remote}: waiting for ${kind}_cfg ${nbCfg}`, call, caughtUp);
    } finally {
      stop();
    }
  }

  /** The connection is gone (closed here or by the server): open another session to go on. */
  get isClosed(): boolean {
    return this.session.isClosed;
  }

  close(): void {
    this.session.close();
  }
}

/** JSON with object keys sorted, as OVS prints transaction errors. */
export function sortedJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${sortedJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
