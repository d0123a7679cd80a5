// Errors the NB model raises. Messages follow ovn-nbctl's wording, so the CLI can print them unchanged
// and scripts that match on them keep working.

/** A request the NB model rejects (bad input, missing or duplicate object). Nothing is written. */
export class NbError extends Error {
  override readonly name = 'NbError';
  /**
   * Log lines ("module|LEVEL|text") ovn-nbctl writes to stderr before the error itself, e.g. parse
   * failures it logs, or earlier errors of the same check that it discards.
   */
  logs: string[] = [];
}

/**
 * The server refused the transaction or the connection failed. With `connectionLost`, the connection broke
 * before the answer came: the transaction may or may not have committed (ovn-nbctl's IDL reconnects and
 * runs the commands again on what the database then holds).
 */
export class NbTransactionError extends Error {
  override readonly name = 'NbTransactionError';
  constructor(
    message: string,
    readonly connectionLost = false,
  ) {
    super(message);
  }
}

/**
 * A store call named a table or column the NB schema does not have, or gave a value of the wrong type for
 * the column. Raised at the call (a programming error, not a server refusal); nothing is changed.
 */
export class NbSchemaError extends Error {
  override readonly name = 'NbSchemaError';
  constructor(
    message: string,
    readonly table: string,
    readonly column?: string,
    /** The row's UUID, when the call was about an existing row. */
    readonly row?: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}
