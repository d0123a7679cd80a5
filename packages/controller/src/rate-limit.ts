// A log rate limit as OVS's VLOG_RATE_LIMIT_INIT(RATE, BURST): at most RATE messages a minute on average,
// BURST at once; the first message let through after some were dropped says how many were.

export class LogRateLimit {
  private tokens: number;
  private last: number;
  private dropped = 0;

  constructor(
    readonly perMinute: number,
    readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** A message may go out: undefined when it must be dropped, else how many were dropped before it. */
  take(): { dropped: number } | undefined {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) * this.perMinute) / 60_000);
    this.last = t;
    if (this.tokens < 1) {
      this.dropped++;
      return undefined;
    }
    this.tokens--;
    const dropped = this.dropped;
    this.dropped = 0;
    return { dropped };
  }
}
