// Whether a server may be used by a writer: for a clustered database it must be connected to its cluster
// and be the Raft leader (what _Server.Database says). Shared by OvsdbClient (which keeps watching) and
// connectFirst (which checks once).

import type { CallOptions } from './call.js';
import { OvsdbError } from './errors.js';
import type { RpcSession } from './rpc.js';

/** The _Server.Database columns the verdict reads. */
export const LEADER_COLUMNS = ['name', 'model', 'connected', 'leader'] as const;

/** Why this server is not usable for `database` (every clustered one when omitted), or undefined if it is. */
export function leaderVerdict(
  rows: Iterable<Readonly<Record<string, unknown>>>,
  database?: string,
): string | undefined {
  for (const r of rows) {
    if (r['model'] !== 'clustered') continue;
    if (database !== undefined && r['name'] !== database) continue;
    if (r['connected'] !== true) return `${String(r['name'])} is not connected to its cluster`;
    if (r['leader'] !== true) return `not the leader for ${String(r['name'])}`;
  }
  return undefined;
}

/** One look at _Server.Database (a select, no monitor). A server without _Server counts as usable. */
export async function checkLeaderOnce(
  session: RpcSession,
  database?: string,
  call?: CallOptions,
): Promise<string | undefined> {
  let reply: unknown;
  try {
    reply = await session.request(
      'transact',
      ['_Server', { op: 'select', table: 'Database', where: [], columns: [...LEADER_COLUMNS] }],
      call,
    );
  } catch (e) {
    if (e instanceof OvsdbError) return undefined;
    throw e;
  }
  const rows = (reply as { rows?: Record<string, unknown>[] }[] | null)?.[0]?.rows ?? [];
  return leaderVerdict(rows, database);
}
