// Checking a `transact` reply: one result per operation, plus an extra error element when the
// commit itself failed (e.g. a referential integrity violation found at commit time).

import { OvsdbError, ProtocolError } from './errors.js';
import type { WireOperation, WireResult } from './operations.js';

/**
 * The results of a transact reply, or the OvsdbError it reports (with the failing operation's index and,
 * given the operations sent, its table).
 */
export function checkTransactResults(
  reply: unknown,
  nOps: number,
  opIndexOffset = 0,
  ops?: readonly WireOperation[],
): WireResult[] {
  if (!Array.isArray(reply)) throw new ProtocolError('transact: reply is not an array');
  for (let i = 0; i < reply.length; i++) {
    const r = reply[i] as unknown;
    if (r === null) continue; // operations after a failed one are not executed
    if (typeof r !== 'object' || Array.isArray(r)) throw new ProtocolError(`transact: result ${i} is not an object`);
    const { error, details } = r as WireResult;
    if (typeof error === 'string') {
      // Index ≥ nOps is the commit-level error: it has no operation.
      const opIndex = i < nOps ? i - opIndexOffset : undefined;
      const op = i < nOps ? (ops?.[i] as { table?: unknown } | undefined) : undefined;
      const table = typeof op?.table === 'string' ? op.table : undefined;
      throw new OvsdbError(error, typeof details === 'string' ? details : undefined, opIndex, 'transact', table);
    }
  }
  if (reply.length < nOps) throw new ProtocolError(`transact: ${reply.length} results for ${nOps} operations`);
  return reply as WireResult[];
}
