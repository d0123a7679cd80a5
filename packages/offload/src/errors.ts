// Typed errors: the CLI maps each to a message and an exit code, never a stack trace.

/** Base class; `code` is stable for tools. */
export class OffloadError extends Error {
  constructor(
    readonly code: 'unknown-profile' | 'bad-dump' | 'bad-input' | 'bad-trace' | 'io',
    message: string,
  ) {
    super(message);
    this.name = 'OffloadError';
  }
}

export class UnknownProfileError extends OffloadError {
  constructor(
    readonly profile: string,
    known: readonly string[],
  ) {
    super('unknown-profile', `unknown NIC profile "${profile}" (known: ${known.join(', ')})`);
  }
}

/** A flow/group dump line that does not parse; `line` is 1-based. */
export class DumpParseError extends OffloadError {
  constructor(
    readonly line: number,
    detail: string,
    readonly source = 'flow dump',
  ) {
    super('bad-dump', `${source} line ${line}: ${detail}`);
  }
}

export class InputError extends OffloadError {
  constructor(message: string) {
    super('bad-input', message);
  }
}
