// ovsdb-client-ts: an RFC 7047 OVSDB client.
//
//   const client = await OvsdbClient.connect('unix:/run/ovn/ovnnb_db.sock', { logger });
//   const txn = client.transaction(nbModel);
//   const ls = txn.insert('Logical_Switch', { name: 'ls1' });
//   const res = await txn.commit();            // res.uuidOf(ls)
//   const replica = await client.monitor(nbModel);
//   replica.lookup('Logical_Switch', { name: 'ls1' });
// The one-shot layer (one session, wire codecs, errors) is also the named entry point ovsdb-client-ts/wire.
export * from './wire.js';
export { EncodedOps } from './encoded.js';
export { newUuid } from './new-uuid.js';
export { decodeDump, type DumpTables } from './dump.js';
export { leaderVerdict, checkLeaderOnce } from './leader.js';
export {
  OvsdbClient,
  type ClientOptions,
  type ClientEvents,
  type Traffic,
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
  type MonitorCondition,
  type ConditionMap,
  type RowChange,
  type ChangeBatch,
  type ReplicaEvents,
  type ReplicaIndex,
} from './replica.js';
