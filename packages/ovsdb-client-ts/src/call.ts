// Bounding a network call: a time limit, the caller's AbortSignal, or both. Either ends the caller's wait
// with a typed error (TimeoutError, AbortedError). What was already sent stays sent: a transact that
// times out may still commit on the server.

import { TimeoutError } from './errors.js';

/** Options every network call takes. */
export interface CallOptions {
  /** Give up after this many milliseconds (absent or 0: no limit of the call's own). */
  readonly timeoutMs?: number;
  /** Give up when this signal aborts. */
  readonly signal?: AbortSignal;
}

/** The caller's AbortSignal aborted the call; `cause` is the signal's reason. */
export class AbortedError extends Error {
  override readonly name = 'AbortError';
  constructor(what: string, reason: unknown) {
    super(`${what}: aborted`, { cause: reason });
  }
}

/** The call options with `defaultMs` as the time limit when the caller gave none. */
export function withDefaultTimeout(call: CallOptions | undefined, defaultMs: number | undefined): CallOptions {
  if (call?.timeoutMs !== undefined || !defaultMs) return call ?? {};
  return { ...call, timeoutMs: defaultMs };
}

/** A call's options once part of its time is spent: `limitMs` is the caller's whole limit, for the error. */
interface RemainingOptions extends CallOptions {
  readonly limitMs?: number;
}

/** The time `call` has left since `startedAt` (at least 1 ms, so a spent budget still times out). */
export function remaining(call: CallOptions, startedAt: number): CallOptions {
  if (!call.timeoutMs) return call;
  const limitMs = (call as RemainingOptions).limitMs ?? call.timeoutMs;
  const left: RemainingOptions = {
    ...call,
    timeoutMs: Math.max(1, call.timeoutMs - (Date.now() - startedAt)),
    limitMs,
  };
  return left;
}

/** Throw AbortedError if the signal has already aborted (before anything is sent). */
export function throwIfAborted(what: string, call: CallOptions | undefined): void {
  if (call?.signal?.aborted) throw new AbortedError(what, call.signal.reason);
}

/**
 * `work`, or a TimeoutError / AbortedError naming `what` if the limit passes or the signal aborts first.
 * `cancel` runs then, to forget the abandoned work (a pending request, a queued waiter).
 */
export function bounded<T>(
  what: string,
  call: CallOptions | undefined,
  work: Promise<T>,
  cancel?: () => void,
): Promise<T> {
  const ms = call?.timeoutMs ?? 0;
  const signal = call?.signal;
  if (ms <= 0 && !signal) return work;
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const settle = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const giveUp = (e: Error) => {
      settle();
      cancel?.();
      // The abandoned work may still fail later; nobody waits for it any more.
      work.catch(() => undefined);
      reject(e);
    };
    const onAbort = () => giveUp(new AbortedError(what, signal!.reason));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    // The error names the caller's limit, not what was left of it when the request went out.
    const limitMs = (call as RemainingOptions | undefined)?.limitMs ?? ms;
    if (ms > 0) timer = setTimeout(() => giveUp(new TimeoutError(`${what}: no answer in ${limitMs} ms`)), ms);
    work.then(
      (v) => {
        settle();
        resolve(v);
      },
      (e: unknown) => {
        settle();
        reject(e as Error);
      },
    );
  });
}
