// How the controller's main loop waits after a failed round: 200 ms doubling to 10 s while the same
// failure repeats, back to 200 ms after a success. Each distinct error is logged at once; a repeated
// one only every 8th time, so a permanent refusal leaves a few lines a minute, not five a second.

const FIRST_MS = 200;
const MAX_MS = 10_000;
const LOG_EVERY = 8;

export class RetryBackoff {
  private count = 0;
  private lastErr: string | undefined;

  /** A round failed with `err`: how long to wait, and what to log (if anything). */
  next(err: string): { delayMs: number; log?: { err: string; count: number } } {
    this.count++;
    const changed = err !== this.lastErr;
    this.lastErr = err;
    const delayMs = Math.min(FIRST_MS * 2 ** (this.count - 1), MAX_MS);
    return changed || this.count % LOG_EVERY === 0 ? { delayMs, log: { err, count: this.count } } : { delayMs };
  }

  /** A round succeeded. */
  reset(): void {
    this.count = 0;
    this.lastErr = undefined;
  }
}
