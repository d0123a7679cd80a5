// ovnts-northd's two database connections at start (see connectBoth).

/** What connectBoth needs of a client (an OvsdbClient). */
export interface Closable {
  close(): Promise<void>;
}

/**
 * Both databases connected and monitored, or neither: a client that connected is closed if anything
 * failed. Each monitor is asked for as soon as its own connection is up, so the NB server serializes its
 * dump (the bulk of a cold start's wait) while the SB connection is still starting (its I/O thread's
 * isolate costs ~0.1 s of CPU).
 */
export async function connectBoth<C extends Closable, A, B>(
  a: Promise<C>,
  b: Promise<C>,
  monitorA: (c: C) => Promise<A>,
  monitorB: (c: C) => Promise<B>,
): Promise<[C, C, A, B]> {
  const ma = a.then(monitorA);
  const mb = b.then(monitorB);
  const [ca, cb, ra, rb] = await Promise.allSettled([a, b, ma, mb]);
  if (ca.status === 'fulfilled' && cb.status === 'fulfilled' && ra.status === 'fulfilled' && rb.status === 'fulfilled')
    return [ca.value, cb.value, ra.value, rb.value];
  await Promise.allSettled([ca, cb].map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
  throw [ca, cb, ra, rb].find((r): r is PromiseRejectedResult => r.status === 'rejected')!.reason;
}
