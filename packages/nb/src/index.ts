// @ovnts/nb: a typed, validated model of the OVN Northbound database. Open an NbSession, load() a
// working copy (NbStore), apply any number of operations, commit() them as one transaction.
export { NbError, NbTransactionError } from './errors.js';
export { NbStore, view, type Row } from './store.js';
export { NbSession, NB_DB, sortedJson, type OpenOptions, type CommitOptions, type CommitResult } from './session.js';
export { ConnectError, JsonRpcConnection, JsonSplitter } from './jsonrpc.js';
export { decodeDatum, encodeDatum, defaultValue, columnKind, type Atom, type Value, type ColumnKind } from './wire.js';
export { lookup, referrers, isUuid, DuplicateNameError, KINDS, type Kind } from './lookup.js';
export * from './validate.js';
export * from './switches.js';
export * from './routers.js';
export * from './addr.js';
export * from './loadbalancers.js';
export * from './acls.js';
export * from './dhcp-ha.js';
export * from './mirrors.js';
export * from './copp.js';
