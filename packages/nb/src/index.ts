// @ovnts/nb: a typed, validated model of the OVN Northbound database. Open an NbSession, load() a
// working copy (NbStore), apply any number of operations, commit() them as one transaction.
export { NbError, NbSchemaError, NbTransactionError } from './errors.js';
export {
  NbStore,
  type Added,
  type NbRow,
  type Row,
  type Atom,
  type Value,
  type Column,
  type Cell,
  type Insert,
  type Elements,
  type Keys,
  type RuntimeTable,
} from './store.js';
export {
  NbSession,
  NB_DB,
  sortedJson,
  type OpenOptions,
  type CommitOptions,
  type CommitResult,
  type CfgProgress,
} from './session.js';
// Connection failures are the client's ConnectionError (`reason`: the OS's wording).
export { ConnectionError } from 'ovsdb-client-ts/wire';
export { lookup, referrers, isUuid, DuplicateNameError, KINDS, type Kind } from './lookup.js';
export * from './addresses.js';
export * from './validate.js';
export * from './switches.js';
export * from './routers.js';
export * from './loadbalancers.js';
export * from './acls.js';
export * from './dhcp-ha.js';
export * from './mirrors.js';
export * from './copp.js';
