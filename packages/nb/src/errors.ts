// Errors the NB model raises. Messages follow ovn-nbctl's wording, so the CLI can print them unchanged
// and scripts that match on them keep working.

/** A request the NB model rejects (bad input, missing or duplicate object). Nothing is written. */
export class NbError extends Error {
  override readonly name = 'NbError';
  /** Earlier errors of the same check that ovn-nbctl would log as discarded before this one. */
  discarded: string[] = [];
}

/** The server refused the transaction or the connection failed. */
export class NbTransactionError extends Error {
  override readonly name = 'NbTransactionError';
}
