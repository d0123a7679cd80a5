// Typed errors. Callers branch on the class (and `error` for server errors), never on message text.

/** An error the server reported: a transaction operation failure or a JSON-RPC error reply. */
export class OvsdbError extends Error {
  override readonly name = 'OvsdbError';
  constructor(
    /** The server's error tag, e.g. "constraint violation", "referential integrity violation", "not owner". */
    readonly error: string,
    /** The server's human-readable details, if any. */
    readonly details?: string,
    /** Index of the failing operation within the transaction (as the caller built it), if known. */
    readonly opIndex?: number,
    /** The JSON-RPC method that failed. */
    readonly method?: string,
    /** The table of the failing operation, if it has one. */
    readonly table?: string,
  ) {
    const where = opIndex !== undefined ? ` (operation ${opIndex}${table !== undefined ? ` on ${table}` : ''})` : '';
    super(`${method ? `${method}: ` : ''}${error}${details ? `: ${details}` : ''}${where}`);
  }
}

/** The byte stream did not carry valid JSON values (framing or JSON syntax). The connection is dropped. */
export class FramingError extends Error {
  override readonly name = 'FramingError';
}

/** A message was valid JSON but not a valid OVSDB JSON-RPC message, or a reply had the wrong shape. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

/** A wire value did not match the column type it was decoded or encoded against. */
export class DatumError extends Error {
  override readonly name = 'DatumError';
  constructor(
    message: string,
    /** Where, when known: the table and column (and the row's UUID) the value was for. */
    readonly at: { readonly table?: string; readonly column?: string; readonly row?: string } = {},
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The connection closed (or was never established) before a reply arrived. */
export class ConnectionError extends Error {
  override readonly name: string = 'ConnectionError';
  constructor(
    message: string,
    /**
     * For a transaction that was sent but not answered: 'unknown' means it may or may not have committed
     * (see Transaction.commit for how the builder resolves this), 'not-sent' means it certainly did not.
     */
    readonly outcome: 'not-sent' | 'unknown' = 'not-sent',
    /** Why connecting failed, in the OS's words ("No such file or directory"), as the OVS tools print it. */
    readonly reason?: string,
    /** The underlying error, e.g. the socket's (`cause.code` 'ENOENT', 'ECONNREFUSED'). */
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An operation did not complete in time (for a transact: it may still commit). */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/** The client was closed by its owner. */
export class ClosedError extends ConnectionError {
  override readonly name: string = 'ClosedError';
  constructor(message = 'client closed') {
    super(message, 'not-sent');
  }
}
