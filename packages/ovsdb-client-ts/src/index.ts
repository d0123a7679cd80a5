// ovsdb-client-ts: an RFC 7047 OVSDB client.
//
//   const client = await OvsdbClient.connect('unix:/run/ovn/ovnnb_db.sock', { logger });
//   const txn = client.transaction(nbModel);
//   const ls = txn.insert('Logical_Switch', { name: 'ls1' });
//   const res = await txn.commit();            // res.uuidOf(ls)
//   const replica = await client.monitor(nbModel);
//   replica.lookup('Logical_Switch', { name: 'ls1' });
export * from './schema.js';
export * from './types.js';
export * from './errors.js';
export { AbortedError, type CallOptions } from './call.js';
export {
  encodeAtom,
  decodeAtom,
  encodeDatum,
  decodeDatum,
  encodeRow,
  decodeRow,
  applyDiff,
  defaultValue,
  withDefaults,
  columnType,
  isNamedUuid,
  ZERO_UUID,
  UUID_COLUMN_TYPE,
  type Json,
  type Atom,
} from './datum.js';
export { JsonFramer, type FramerOptions } from './framer.js';
export { EncodedOps } from './encoded.js';
export { decodeDump, type DumpTables } from './dump.js';
export { parseRemote, parseRemotes, RemoteError, type Remote } from './remote.js';
export type {
  Condition,
  ConditionFunction,
  ConditionValue,
  Mutation,
  MutationValue,
  Mutator,
  Where,
  WireCondition,
  WireMutation,
  WireOperation,
  WireResult,
  WireRow,
} from './operations.js';
export { RpcSession, type RpcOptions, type RpcEvents, type RpcLog } from './rpc.js';
export { osErrorText, type SslFiles } from './transport.js';
export { connectFirst, type ConnectFirstOptions } from './connect.js';
export { leaderVerdict, checkLeaderOnce } from './leader.js';
export {
  OvsdbClient,
  type ClientOptions,
  type ClientEvents,
  type BackoffOptions,
  type ConnectionState,
} from './client.js';
export type { MonitorHandle, MonitorHost, MonitorMethod, RequestHost } from './host.js';
export {
  Transaction,
  TransactionResult,
  encodeWhere,
  encodeMutations,
  type OpRef,
  type CommitOptions,
} from './transaction.js';
export {
  Replica,
  type MonitorOptions,
  type TableMonitorOptions,
  type RowChange,
  type ChangeBatch,
  type ReplicaEvents,
  type ReplicaIndex,
} from './replica.js';
