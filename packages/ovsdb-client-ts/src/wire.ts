// ovsdb-client-ts/wire: the one-shot layer, what a short-lived tool needs to talk to ovsdb-server once: schema
// and datum codecs, errors, one JSON-RPC session and connecting it (first reachable remote, leader check).
// Without the reconnecting client, monitors and transactions builder, so loading it loads neither pino nor
// their code (ovnts-nbctl's start-up). Everything here is also exported by the package index.
export * from './schema.js';
export * from './types.js';
export * from './errors.js';
export { AbortedError, bounded, withDefaultTimeout, type CallOptions } from './call.js';
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
