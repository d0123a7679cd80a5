// Flows the switch refused (an OFPT_ERROR for their flow_mod). ovn-controller answers such an error by
// reconnecting, so everything is sent again after its reconnect back-off; here only the refused flows are
// sent again: each on its own back-off (1 s doubling to a minute), all of them at the next full sync (a
// reconnect), and at once when a group or meter they use appears (the usual cause: the flow arrived first).
// A flow whose desired state changes is sent as any other change. The set is bounded: past MAX_REFUSED the
// oldest refusals are forgotten, and those flows are sent again at the next full sync or when they change.
import type { Action, Flow } from '@ovnts/openflow';

export const MAX_REFUSED = 4096;
export const FIRST_RETRY_MS = 1000;
export const MAX_RETRY_MS = 60_000;

interface Refusal {
  /** The refused flow's state (cookie, actions…): another state is another flow, sent at once. */
  readonly state: string;
  readonly flow: Flow;
  readonly failures: number;
  retryAt: number;
}

export class RefusedFlows {
  /** By flow key, oldest refusal first (a new refusal of a key moves it to the end). */
  private readonly byKey = new Map<string, Refusal>();

  get size(): number {
    return this.byKey.size;
  }

  /** Whether to leave the flow out of this sync: refused in this state and not yet due again. */
  holds(key: string, state: string, now: number): boolean {
    const r = this.byKey.get(key);
    return r !== undefined && r.state === state && r.retryAt > now;
  }

  /** Keys due again by `now` (the installer visits them even when nothing about them changed). */
  due(now: number): string[] {
    const out: string[] = [];
    for (const [k, r] of this.byKey) if (r.retryAt <= now) out.push(k);
    return out;
  }

  /** When the next refused flow is due, if any. */
  nextRetryAt(): number | undefined {
    let next: number | undefined;
    for (const r of this.byKey.values()) if (next === undefined || r.retryAt < next) next = r.retryAt;
    return next;
  }

  /** Every refused flow is due now (a full sync). */
  retryAll(): void {
    for (const r of this.byKey.values()) r.retryAt = 0;
  }

  /** The refused flows that use one of these groups or meters are due now (they may have been missing). */
  retryUsers(groups: ReadonlySet<number>, meters: ReadonlySet<number>): void {
    if (!groups.size && !meters.size) return;
    for (const r of this.byKey.values()) if (uses(r.flow.actions, groups, meters)) r.retryAt = 0;
  }

  /**
   * Records a refusal; true when it is new (first refusal of the key in this state: the one to log). A
   * repeated one backs off further.
   */
  refuse(key: string, state: string, flow: Flow, now: number): boolean {
    const old = this.byKey.get(key);
    const failures = old?.state === state ? old.failures + 1 : 1;
    this.byKey.delete(key);
    this.byKey.set(key, { state, flow, failures, retryAt: now + backoff(failures) });
    while (this.byKey.size > MAX_REFUSED) this.byKey.delete(this.byKey.keys().next().value!);
    return failures === 1;
  }

  /** The key went in (or is no longer wanted in the refused state): forget it. */
  forget(key: string): void {
    this.byKey.delete(key);
  }

  /** Forgets refusals whose key is no longer wanted in the refused state (`want(key)`: its state now). */
  prune(want: (key: string) => string | undefined): void {
    for (const [k, r] of this.byKey) if (want(k) !== r.state) this.byKey.delete(k);
  }
}

const backoff = (failures: number) => Math.min(FIRST_RETRY_MS * 2 ** (failures - 1), MAX_RETRY_MS);

function uses(actions: readonly Action[], groups: ReadonlySet<number>, meters: ReadonlySet<number>): boolean {
  for (const a of actions) {
    if (a.type === 'group' && groups.has(a.groupId)) return true;
    if (a.type === 'meter' && meters.has(a.meterId)) return true;
    if ((a.type === 'clone' || a.type === 'write_actions') && uses(a.actions, groups, meters)) return true;
  }
  return false;
}
