// The controller's two flow tables, kept in memory: what it wants on the switch (flows by owner — a logical
// flow on a datapath, a port's physical flows, … — so a change replaces only its owner's flows) and what the
// switch has (read once per connection, then tracked from what we sent). A sync diffs only the keys whose
// desired flows changed since the last one, so a steady-state round costs what changed, not the table size.
import { type Flow, type OfMessage, flowKey, formatActions } from '@ovnts/openflow';
import { sharedAction, sharedEntry } from '@ovnts/expr';

/**
 * A flow's identity on the switch (table, priority, match; see flowKey). Computed once per flow as it enters
 * a table and kept next to it (a WeakMap memo costs more in garbage collection than it saves).
 */
export const keyOf = flowKey;

/** Everything a modify or re-add must bring in line (cookie, actions, timeouts, flags), memoised per flow. */
const states = new WeakMap<Flow, string>();
export function stateOf(f: Flow): string {
  let s = states.get(f);
  if (s === undefined) {
    s =
      `${f.cookie ?? 0n}|${formatActions(f.actions)}|${f.idleTimeout ?? 0}|${f.hardTimeout ?? 0}|` +
      `${f.importance ?? 0}|${[...(f.flags ?? [])].sort().join(',')}`;
    states.set(f, s);
  }
  return s;
}

/**
 * The flows with their match entries and simple actions shared with every other flow that has them (as the
 * compiler's flows have theirs): for the flows built outside the compiler that are held for long (a port's or
 * a multicast group's physical flows, port security).
 */
export function withSharedParts(flows: readonly Flow[]): Flow[] {
  return flows.map((f) => flowWith(f, f.match.map(sharedEntry), f.actions.map(sharedAction)));
}

/**
 * `f` with another match, actions and cookie, as one literal of the compiler's shape (table, priority, cookie,
 * match, actions) when `f` has no other field. A spread copy (`{ ...f, match }`) gets a map with one in-object
 * slot fewer than fields, and its last field goes to a separate property array: ~40 bytes more per flow, for
 * the ~30k template and datapath copies a chassis holds at 100×50.
 */
export function flowWith<F extends Flow & { readonly clause?: boolean }>(
  f: F,
  match: Flow['match'],
  actions: Flow['actions'],
  cookie: bigint | undefined = f.cookie,
): F {
  const plain =
    f.idleTimeout === undefined &&
    f.hardTimeout === undefined &&
    f.importance === undefined &&
    f.flags === undefined &&
    f.clause === undefined;
  if (!plain) return { ...f, match, actions, ...(cookie === f.cookie ? {} : { cookie }) };
  const { table, priority } = f;
  return (
    cookie === undefined ? { table, priority, match, actions } : { table, priority, cookie, match, actions }
  ) as F;
}

/**
 * Desired flows by owner. Two owners may want the same key (two logical flows compiling to one OpenFlow
 * match): the owner that sorts first wins, so the result never depends on the order owners were set in.
 */
export class DesiredFlows {
  /**
   * Flows by owner. Their keys are not kept beside them: a replaced owner's old keys are computed again (keys
   * arrays and their holders cost ~80 bytes per flow, 3.4 MB at 100×50, for a look-up only a change needs).
   */
  private readonly byOwner = new Map<string, readonly Flow[]>();
  /** key → the owners' claims on it (almost always one; an array only when owners collide). */
  private readonly byKey = new Map<string, Claim | Claim[]>();
  private dirty = new Set<string>();

  /** Replaces the owner's flows (an empty list removes the owner). */
  set(owner: string, flows: readonly Flow[]): void {
    const old = this.byOwner.get(owner);
    if (old) for (const f of old) this.unlink(owner, keyOf(f));
    if (flows.length) this.byOwner.set(owner, flows);
    else this.byOwner.delete(owner);
    for (const f of flows) {
      const k = keyOf(f);
      this.dirty.add(k);
      const cur = this.byKey.get(k);
      if (cur === undefined) this.byKey.set(k, { owner, flow: f });
      else {
        const claims = Array.isArray(cur) ? cur : [cur];
        // An owner with two flows of one key: its last one, like repeated add-flow.
        const mine = claims.findIndex((c) => c.owner === owner);
        if (mine >= 0) claims[mine] = { owner, flow: f };
        else claims.push({ owner, flow: f });
        if (claims.length > 1) this.byKey.set(k, claims);
        else this.byKey.set(k, claims[0]!);
      }
    }
  }

  delete(owner: string): void {
    this.set(owner, []);
  }

  private unlink(owner: string, k: string): void {
    const cur = this.byKey.get(k);
    if (cur === undefined) return;
    this.dirty.add(k);
    if (!Array.isArray(cur)) {
      if (cur.owner === owner) this.byKey.delete(k);
      return;
    }
    const rest = cur.filter((c) => c.owner !== owner);
    if (rest.length === 0) this.byKey.delete(k);
    else this.byKey.set(k, rest.length === 1 ? rest[0]! : rest);
  }

  owners(): IterableIterator<string> {
    return this.byOwner.keys();
  }

  flowsOf(owner: string): readonly Flow[] {
    return this.byOwner.get(owner) ?? [];
  }

  /** The flow wanted for a key, if any. */
  get(key: string): Flow | undefined {
    const cur = this.byKey.get(key);
    if (cur === undefined) return undefined;
    if (!Array.isArray(cur)) return cur.flow;
    let best = cur[0]!;
    for (const c of cur) if (c.owner < best.owner) best = c;
    return best.flow;
  }

  keys(): IterableIterator<string> {
    return this.byKey.keys();
  }

  get size(): number {
    return this.byKey.size;
  }

  /** Every wanted flow, one per key. */
  flows(): Flow[] {
    const out: Flow[] = [];
    for (const k of this.byKey.keys()) out.push(this.get(k)!);
    return out;
  }

  /** Keys whose wanted flow may have changed since the last call. */
  takeDirty(): Set<string> {
    const d = this.dirty;
    this.dirty = new Set();
    return d;
  }
}

interface Claim {
  readonly owner: string;
  readonly flow: Flow;
}

/** What the switch has, by key. */
export class InstalledFlows {
  readonly byKey = new Map<string, Flow>();

  constructor(flows: Iterable<Flow> = []) {
    for (const f of flows) this.byKey.set(keyOf(f), f);
  }

  get size(): number {
    return this.byKey.size;
  }
}

/** Whether the flow learns flows that go when it does (the LB hairpin flows' learn(…,delete_learned,…)). */
function learnsWithDelete(f: Flow): boolean {
  return f.actions.some((a) => a.type === 'learn' && a.deleteLearned === true);
}

export interface FlowPlan {
  readonly add: Flow[];
  readonly modify: Flow[];
  readonly remove: Flow[];
  /**
   * The key of each flow above, at the same index (arrays, not a Map from flow to key: a start's plan of 44k
   * adds held a 44k-entry Map, ~1.8 MB of hash table, at the install, the moment of its peak RSS).
   */
  readonly addKeys: string[];
  readonly modifyKeys: string[];
  readonly removeKeys: string[];
}

/**
 * What to send to bring the switch's flows for `keys` (default: every key on either side) in line with
 * the desired ones; `skip` leaves flows out (ones the switch refused before).
 */
export function planFlows(
  desired: DesiredFlows,
  installed: InstalledFlows,
  keys?: Iterable<string>,
  skip?: (f: Flow, key: string) => boolean,
): FlowPlan {
  const steps = planSteps(desired, installed, keys, skip);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * planFlows over several event-loop turns: about `sliceMs` of work, then `pause()` (a start plans 40k keys,
 * each a comparison of two flows' texts).
 */
export async function planFlowsSliced(
  desired: DesiredFlows,
  installed: InstalledFlows,
  keys: Iterable<string> | undefined,
  skip: ((f: Flow, key: string) => boolean) | undefined,
  sliceMs: number,
  pause: () => Promise<void>,
): Promise<FlowPlan> {
  const steps = planSteps(desired, installed, keys, skip);
  let end = performance.now() + sliceMs;
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() >= end) {
      await pause();
      end = performance.now() + sliceMs;
    }
  }
}

/** planFlows' work, yielding every few hundred keys. */
function* planSteps(
  desired: DesiredFlows,
  installed: InstalledFlows,
  keys?: Iterable<string>,
  skip?: (f: Flow, key: string) => boolean,
): Generator<void, FlowPlan> {
  const plan: FlowPlan = { add: [], modify: [], remove: [], addKeys: [], modifyKeys: [], removeKeys: [] };
  const put = (list: Flow[], keys: string[], f: Flow, k: string) => {
    list.push(f);
    keys.push(k);
  };
  const visit = (k: string) => {
    let want = desired.get(k);
    if (want && skip?.(want, k)) want = undefined;
    const have = installed.byKey.get(k);
    if (!want) {
      if (have) put(plan.remove, plan.removeKeys, have, k);
    } else if (!have) put(plan.add, plan.addKeys, want, k);
    else if (have !== want) {
      // A cookie change cannot be expressed by modify-strict without a cookie mask dance; re-add instead.
      if ((have.cookie ?? 0n) !== (want.cookie ?? 0n)) put(plan.add, plan.addKeys, want, k);
      else if (stateOf(have) === stateOf(want)) return;
      else if (learnsWithDelete(have)) {
        // Deleted, not modified: only a deletion flushes what its learn(delete_learned) learned (a modify
        // keeps the cookie's learned flows), as ovn-controller replaces such flows.
        put(plan.remove, plan.removeKeys, have, k);
        put(plan.add, plan.addKeys, want, k);
      } else put(plan.modify, plan.modifyKeys, want, k);
    }
  };
  let n = 0;
  if (keys)
    for (const k of keys) {
      visit(k);
      if ((++n & 255) === 0) yield;
    }
  else {
    for (const k of desired.keys()) {
      visit(k);
      if ((++n & 255) === 0) yield;
    }
    for (const k of installed.byKey.keys())
      if (!desired.get(k)) {
        visit(k);
        if ((++n & 255) === 0) yield;
      }
  }
  return plan;
}

/** The flow-mods for a plan, deletions first so a re-added flow never collides. */
export function planFlowMods(plan: FlowPlan): OfMessage[] {
  const out: OfMessage[] = [];
  for (const flow of plan.remove) out.push({ type: 'flow_mod', command: 'delete_strict', flow });
  for (const flow of plan.add) out.push({ type: 'flow_mod', command: 'add', flow });
  for (const flow of plan.modify) out.push({ type: 'flow_mod', command: 'modify_strict', flow });
  return out;
}

/** Records a plan the switch accepted (`refused`: flows it did not take, left out of the installed set). */
export function applyPlan(installed: InstalledFlows, plan: FlowPlan, refused: ReadonlySet<Flow> = new Set()): void {
  for (const k of plan.removeKeys) installed.byKey.delete(k);
  plan.add.forEach((f, i) => {
    if (!refused.has(f)) installed.byKey.set(plan.addKeys[i]!, f);
  });
  plan.modify.forEach((f, i) => {
    if (!refused.has(f)) installed.byKey.set(plan.modifyKeys[i]!, f);
  });
}
