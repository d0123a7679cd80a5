// The one error type of this package: every failure to lex, parse, type-check or compile a match or
// action string is an ExprError carrying the offset in the source text where it was detected.

export type ExprErrorKind = 'lex' | 'syntax' | 'type' | 'symbol' | 'compile';

export class ExprError extends Error {
  override readonly name = 'ExprError';
  readonly kind: ExprErrorKind;
  /** 0-based offset into the source string. */
  readonly pos: number;
  readonly source: string;

  constructor(kind: ExprErrorKind, message: string, pos: number, source: string) {
    // Parse errors are expected input outcomes, not bugs: skip the (costly) stack capture.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.kind = kind;
    this.pos = pos;
    this.source = source;
  }

  /** "message (at column N: …context…)" for logs and CLI output. */
  describe(): string {
    const ctx = this.source.slice(Math.max(0, this.pos - 10), this.pos + 10);
    return `${this.message} (at column ${this.pos + 1}: "${ctx}")`;
  }
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ExprError };

/**
 * Run a parser step and turn any ExprError into a Result; anything else is a bug, but is still
 * reported as a positioned error rather than escaping (parsing never throws to callers).
 */
export function capture<T>(source: string, f: () => T): Result<T> {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (e instanceof ExprError) return { ok: false, error: e };
    const msg = e instanceof Error ? e.message : String(e);
    return { ok: false, error: new ExprError('compile', `internal error: ${msg}`, 0, source) };
  }
}
