// One session to the first usable server of a remote list, without OvsdbClient's reconnection, monitors or
// logger: what a one-shot tool needs (it loads neither pino nor the replica code).
//
//   const { session, remote } = await connectFirst('unix:/run/ovn/ovnnb_db.sock', { leaderOf: 'OVN_Northbound' });
//   const reply = await session.request('transact', ['OVN_Northbound', …]);
//   session.close();

import { ConnectionError } from './errors.js';
import { checkLeaderOnce } from './leader.js';
import { parseRemote, RemoteError, type Remote } from './remote.js';
import { RpcSession, type RpcLog, type RpcOptions } from './rpc.js';
import { openStream, type SslFiles } from './transport.js';

export interface ConnectFirstOptions {
  /** Per remote (default 5000). */
  readonly connectTimeoutMs?: number;
  readonly ssl?: SslFiles;
  /** Skip servers that are not the Raft leader of this clustered database (checked once, at connect). */
  readonly leaderOf?: string;
  readonly log?: RpcLog;
  readonly rpc?: RpcOptions;
  /** Abort connecting (rejects with AbortedError). */
  readonly signal?: AbortSignal;
}

/**
 * Try the remotes (a comma-separated list or parsed ones) in order; resolve with the first session that
 * opens (and passes the leader check). Otherwise reject with the last failure: a ConnectionError whose
 * `reason` is the OS's text ("Connection refused"), "Address family not supported by protocol" for a
 * remote that does not parse, or the leader check's verdict. Its `cause` is the socket's error, if any.
 */
export async function connectFirst(
  remotes: string | readonly Remote[],
  opts: ConnectFirstOptions = {},
): Promise<{ session: RpcSession; remote: Remote }> {
  const list =
    typeof remotes === 'string'
      ? remotes
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0)
      : remotes;
  let last = new ConnectionError(`${String(remotes)}: no remote`, 'not-sent', 'no remote');
  for (const item of list) {
    let remote: Remote;
    try {
      remote = typeof item === 'string' ? parseRemote(item) : item;
    } catch (e) {
      if (!(e instanceof RemoteError)) throw e;
      last = new ConnectionError(e.message, 'not-sent', 'Address family not supported by protocol');
      continue;
    }
    let session: RpcSession;
    try {
      const stream = await openStream(remote, opts.connectTimeoutMs ?? 5000, opts.ssl, false, opts.signal);
      session = new RpcSession(stream, opts.log, opts.rpc);
    } catch (e) {
      if (!(e instanceof ConnectionError)) throw e;
      last = e;
      continue;
    }
    if (opts.leaderOf !== undefined) {
      let why: string | undefined;
      try {
        why = await checkLeaderOnce(session, opts.leaderOf, { signal: opts.signal });
      } catch (e) {
        session.close();
        if (!(e instanceof ConnectionError)) throw e;
        last = new ConnectionError(`${remote.text}: ${e.message}`, 'not-sent', e.reason ?? e.message, { cause: e });
        continue;
      }
      if (why !== undefined) {
        session.close();
        last = new ConnectionError(`${remote.text}: ${why}`, 'not-sent', why);
        continue;
      }
    }
    return { session, remote };
  }
  throw last;
}
