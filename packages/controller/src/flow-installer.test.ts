import { EventEmitter } from 'node:events';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import {
  BundleError,
  OpenFlowError,
  flowKey,
  formatFlow,
  parseFlow,
  type Flow,
  type FlowStats,
  type Group,
  type Meter,
  type OfMessage,
} from '@ovnts/openflow';
import { FlowInstaller } from './flow-installer.js';
import { DesiredFlows } from './flow-table.js';
import { FIRST_RETRY_MS, MAX_REFUSED, MAX_RETRY_MS } from './refused-flows.js';

/**
 * A switch that refuses, as ovs-vswitchd does, a flow whose group or meter does not exist, and any flow whose
 * key is in `reject`.
 */
class FakeSwitch extends EventEmitter<{ switch_error: [OpenFlowError] }> {
  readonly flows = new Map<string, Flow>();
  readonly groups = new Set<number>();
  readonly meters = new Set<number>();
  readonly reject = new Set<string>();
  /** Flow adds and modifies the switch received in bundles (not their one-by-one replay), formatted. */
  readonly attempts: string[] = [];
  private xid = 1;

  async ensureTlvMap(): Promise<void> {}
  async dumpFlows(): Promise<FlowStats[]> {
    return [...this.flows.values()].map((flow) => ({ flow, durationSec: 0, packetCount: 0n, byteCount: 0n }));
  }
  async dumpGroups(): Promise<Group[]> {
    return [];
  }
  async sendChecked(msgs: readonly OfMessage[]): Promise<number[]> {
    for (const m of msgs) this.apply(m);
    return msgs.map(() => this.xid++);
  }
  async bundle(msgs: readonly OfMessage[]): Promise<void> {
    const errors: OpenFlowError[] = [];
    const indexes: number[] = [];
    msgs.forEach((m, i) => {
      if (m.type === 'flow_mod' && m.command !== 'delete_strict') this.attempts.push(formatFlow(m.flow));
      const err = this.apply(m);
      if (err) {
        errors.push(new OpenFlowError(err, this.xid++, 2, 0, Buffer.alloc(0)));
        indexes.push(i);
      }
    });
    if (errors.length) throw new BundleError(1, errors, indexes);
  }
  /** Bundles opened with openBundle: their messages, and whether committed. */
  readonly streamed: { msgs: OfMessage[]; committed: boolean }[] = [];
  openBundle() {
    const b = { msgs: [] as OfMessage[], committed: false };
    this.streamed.push(b);
    return {
      bundleId: this.streamed.length,
      size: 0,
      refused: 0,
      add: async (msgs: readonly OfMessage[]) => void b.msgs.push(...msgs),
      discard: async () => {},
      commit: async () => {
        // Atomic: a refused message leaves the switch as it was.
        const before = new Map(this.flows);
        const errors: OpenFlowError[] = [];
        const indexes: number[] = [];
        b.msgs.forEach((m, i) => {
          const err = this.apply(m);
          if (err) {
            errors.push(new OpenFlowError(err, this.xid++, 2, 0, Buffer.alloc(0)));
            indexes.push(i);
          }
        });
        if (errors.length) {
          this.flows.clear();
          for (const [k, v] of before) this.flows.set(k, v);
          throw new BundleError(2, errors, indexes);
        }
        b.committed = true;
      },
    };
  }
  send(m: OfMessage): number {
    const xid = this.xid++;
    const err = this.apply(m);
    if (err) queueMicrotask(() => this.emit('switch_error', new OpenFlowError(err, xid, 2, 0, Buffer.alloc(0))));
    return xid;
  }
  async barrier(): Promise<void> {
    await new Promise((r) => setImmediate(r));
  }

  /** Applies one message; the name of the error when refused. */
  private apply(m: OfMessage): string | undefined {
    if (m.type === 'group_mod') {
      if (m.command === 'delete') this.groups.delete(m.group.groupId);
      else this.groups.add(m.group.groupId);
    } else if (m.type === 'meter_mod') {
      if (m.command === 'delete') this.meters.clear();
      else this.meters.add(m.meter.meterId);
    } else if (m.type === 'flow_mod') {
      const k = flowKey(m.flow);
      if (m.command === 'delete_strict') {
        this.flows.delete(k);
        return undefined;
      }
      for (const a of m.flow.actions) {
        if (a.type === 'group' && !this.groups.has(a.groupId)) return 'OFPBAC_BAD_OUT_GROUP';
        if (a.type === 'meter' && !this.meters.has(a.meterId)) return 'OFPMMFC_INVALID_METER';
      }
      if (this.reject.has(k)) return 'OFPFMFC_TABLE_FULL';
      this.flows.set(k, m.flow);
    }
    return undefined;
  }
}

const f = (s: string): Flow => parseFlow(s);
const group = (groupId: number): Group => ({
  groupId,
  type: 'select',
  buckets: [{ actions: [{ type: 'output', port: 1 }] }],
});
const meter = (meterId: number): Meter => ({ meterId, flags: ['pktps'], bands: [{ type: 'drop', rate: 10 }] });

/** A logger whose warnings are collected. */
function collectingLog(): { log: pino.Logger; warnings: Record<string, unknown>[] } {
  const warnings: Record<string, unknown>[] = [];
  const log = pino(
    { level: 'warn' },
    {
      write: (line: string) => {
        warnings.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  );
  return { log, warnings };
}

function setup() {
  const sw = new FakeSwitch();
  const { log, warnings } = collectingLog();
  let now = 1_000_000;
  let wakes = 0;
  const installer = new FlowInstaller(sw, log, { now: () => now, onRetryDue: () => wakes++, aheadBatch: 1 });
  const desired = new DesiredFlows();
  return {
    sw,
    warnings,
    installer,
    desired,
    advance: (ms: number) => (now += ms),
    wakes: () => wakes,
  };
}

const OK = 'table=1, priority=5,reg0=0x1 actions=drop';
const VIA_GROUP = 'table=1, priority=5,reg0=0x2 actions=group:7';
const VIA_METER = 'table=1, priority=5,reg0=0x3 actions=meter:4,resubmit(,2)';

describe('FlowInstaller: flows the switch refuses', () => {
  it('installs a flow refused for a missing group as soon as the group exists, without another change', async () => {
    const t = setup();
    t.desired.set('a', [f(OK), f(VIA_GROUP)]);
    await t.installer.sync(t.desired, []);
    expect([...t.sw.flows.keys()]).toEqual([flowKey(f(OK))]);
    expect(t.installer.refusedCount).toBe(1);

    await t.installer.sync(t.desired, [group(7)]);
    expect(t.sw.flows.has(flowKey(f(VIA_GROUP)))).toBe(true);
    expect(t.installer.refusedCount).toBe(0);
    expect(t.installer.installedFlows().map(formatFlow).sort()).toEqual([f(OK), f(VIA_GROUP)].map(formatFlow).sort());
  });

  it('installs a flow refused for a missing meter once the meter exists', async () => {
    const t = setup();
    t.desired.set('a', [f(VIA_METER)]);
    await t.installer.sync(t.desired, []);
    expect(t.sw.flows.size).toBe(0);
    await t.installer.sync(t.desired, [], [meter(4)]);
    expect(t.sw.flows.has(flowKey(f(VIA_METER)))).toBe(true);
  });

  it('retries a refused flow with a doubling back-off, not at every sync', async () => {
    const t = setup();
    const bad = f('table=2, priority=9,reg1=0x5 actions=drop');
    t.sw.reject.add(flowKey(bad));
    t.desired.set('a', [bad]);
    await t.installer.sync(t.desired, []);
    expect(t.sw.attempts).toHaveLength(1);

    // Syncs inside the back-off do not resend it.
    for (let i = 0; i < 5; i++) await t.installer.sync(t.desired, []);
    expect(t.sw.attempts).toHaveLength(1);

    const attemptsAt: number[] = [];
    let elapsed = 0;
    for (let step = 0; step < 800; step++) {
      t.advance(250);
      elapsed += 250;
      const before = t.sw.attempts.length;
      await t.installer.sync(t.desired, []);
      if (t.sw.attempts.length > before) attemptsAt.push(elapsed);
    }
    // Due after 1, 2, 4, 8, 16, 32 s, then every MAX_RETRY_MS.
    const gaps = attemptsAt.map((a, i) => a - (i ? attemptsAt[i - 1]! : 0));
    expect(gaps.slice(0, 6)).toEqual([1, 2, 4, 8, 16, 32].map((s) => s * FIRST_RETRY_MS));
    expect(Math.max(...gaps)).toBe(MAX_RETRY_MS);

    // Once the switch takes it, it is installed and forgotten.
    t.sw.reject.clear();
    t.advance(MAX_RETRY_MS);
    await t.installer.sync(t.desired, []);
    expect(t.sw.flows.has(flowKey(bad))).toBe(true);
    expect(t.installer.refusedCount).toBe(0);
  });

  it('wakes the caller once when the first refused flow is due', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const t = setup();
      t.desired.set('a', [f(VIA_GROUP)]);
      await t.installer.sync(t.desired, []);
      vi.advanceTimersByTime(FIRST_RETRY_MS - 1);
      expect(t.wakes()).toBe(0);
      vi.advanceTimersByTime(1);
      expect(t.wakes()).toBe(1);
      vi.advanceTimersByTime(10 * MAX_RETRY_MS); // no sync ran: no new timer
      expect(t.wakes()).toBe(1);
      t.installer.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('sends a refused flow again at once when it changes, and at the next full sync', async () => {
    const t = setup();
    t.desired.set('a', [f(VIA_GROUP)]);
    await t.installer.sync(t.desired, []);
    expect(t.sw.attempts).toHaveLength(1);
    // Changed: another flow for the same key, sent at once.
    t.desired.set('a', [f('table=1, priority=5,reg0=0x2 actions=group:8')]);
    await t.installer.sync(t.desired, []);
    expect(t.sw.attempts).toHaveLength(2);
    // A reconnect: everything refused goes again.
    t.installer.reset();
    await t.installer.sync(t.desired, []);
    expect(t.sw.attempts).toHaveLength(3);
    // No longer wanted: forgotten.
    t.desired.delete('a');
    await t.installer.sync(t.desired, []);
    expect(t.installer.refusedCount).toBe(0);
  });

  it('logs each refused flow once by table and match, not its retries', async () => {
    const t = setup();
    t.desired.set('a', [f(VIA_GROUP), f(VIA_METER)]);
    await t.installer.sync(t.desired, []);
    for (let i = 0; i < 10; i++) {
      t.advance(MAX_RETRY_MS);
      await t.installer.sync(t.desired, []);
    }
    expect(t.sw.attempts.length).toBeGreaterThan(10);
    expect(t.warnings.map((w) => [w['table'], w['match'], w['error']])).toEqual([
      [1, 'priority=5,reg0=0x2', 'OFPBAC_BAD_OUT_GROUP'],
      [1, 'priority=5,reg0=0x3', 'OFPMMFC_INVALID_METER'],
    ]);
  });

  it('rate-limits the refusal log and says how many lines it dropped', async () => {
    const t = setup();
    const flows = Array.from({ length: 200 }, (_, i) => f(`table=3, priority=5,reg2=${i} actions=group:9`));
    t.desired.set('a', flows);
    await t.installer.sync(t.desired, []);
    expect(t.warnings.length).toBe(50); // the burst
    t.advance(60_000);
    t.desired.set('a', [
      ...flows,
      ...Array.from({ length: 5 }, (_, i) => f(`table=4, priority=5,reg2=${i} actions=group:9`)),
    ]);
    await t.installer.sync(t.desired, []);
    expect(t.warnings.length).toBe(55);
    expect(t.warnings[50]!['suppressed']).toBe(150);
  });

  it('keeps at most MAX_REFUSED refusals; the forgotten ones go again at the next full sync', async () => {
    const t = setup();
    const n = MAX_REFUSED + 100;
    const flows = Array.from({ length: n }, (_, i) => f(`table=5, priority=5,reg3=${i} actions=group:11`));
    t.desired.set('a', flows);
    await t.installer.sync(t.desired, []);
    expect(t.installer.refusedCount).toBe(MAX_REFUSED);
    expect(t.sw.attempts).toHaveLength(n);
    // Incremental syncs resend none of them before their back-off, remembered or not.
    await t.installer.sync(t.desired, []);
    expect(t.sw.attempts).toHaveLength(n);
    t.installer.reset();
    await t.installer.sync(t.desired, [group(11)]);
    expect(t.sw.flows.size).toBe(n);
    expect(t.installer.refusedCount).toBe(0);
  });
});

describe('FlowInstaller: a first sync sent ahead (streamAhead)', () => {
  const tick = () => new Promise((r) => setImmediate(r));
  const texts = (flows: Iterable<Flow>) => [...flows].map(formatFlow).sort();

  it('sends flows as they are set, applies nothing before the sync, and ends with the desired table', async () => {
    const t = setup();
    t.installer.streamAhead(t.desired); // reads the switch, opens the bundle
    await tick();
    t.desired.set('a', [f(OK), f('table=1, priority=5,reg0=0x4 actions=drop')]);
    t.desired.set('b', [f('table=1, priority=5,reg0=0x5 actions=drop')]);
    t.installer.streamAhead(t.desired);
    t.desired.set('c', [f(VIA_GROUP)]); // waits for its group: not sent ahead
    t.installer.streamAhead(t.desired);
    expect(t.sw.streamed[0]!.msgs).toHaveLength(3);
    expect(t.sw.flows.size).toBe(0);
    // Changed and gone after they went ahead: the sync's own part of the bundle replaces and deletes them.
    t.desired.set('a', [
      f('table=1, priority=5,reg0=0x1 actions=resubmit(,3)'),
      f('table=1, priority=5,reg0=0x6 actions=drop'),
    ]);
    t.desired.delete('b');
    const r = await t.installer.sync(t.desired, [group(7)]);
    expect(t.sw.streamed[0]!.committed).toBe(true);
    expect(texts(t.sw.flows.values())).toEqual(texts(t.desired.flows()));
    expect(texts(t.installer.installedFlows())).toEqual(texts(t.desired.flows()));
    expect(r.full).toBe(true);
    expect(r.streamed).toBe(3);
    // Later syncs are incremental, nothing goes ahead.
    t.installer.streamAhead(t.desired);
    t.desired.set('b', [f('table=1, priority=5,reg0=0x7 actions=drop')]);
    t.installer.streamAhead(t.desired);
    expect(t.sw.streamed).toHaveLength(1);
    const r2 = await t.installer.sync(t.desired, [group(7)]);
    expect([r2.full, r2.add.length, r2.streamed]).toEqual([false, 1, 0]);
    expect(texts(t.sw.flows.values())).toEqual(texts(t.desired.flows()));
  });

  it('leaves the keys the switch has to the sync: a stale flow is deleted, another one modified', async () => {
    const t = setup();
    t.sw.flows.set(flowKey(f(OK)), f('table=1, priority=5,reg0=0x1 actions=resubmit(,9)'));
    const stale = f('table=1, priority=5,reg0=0x9 actions=drop');
    t.sw.flows.set(flowKey(stale), stale);
    t.installer.streamAhead(t.desired);
    await tick();
    t.desired.set('a', [f(OK), f('table=1, priority=5,reg0=0x4 actions=drop')]);
    t.installer.streamAhead(t.desired);
    expect(t.sw.streamed[0]!.msgs).toHaveLength(1); // only the key the switch does not have
    const r = await t.installer.sync(t.desired, []);
    expect(texts(t.sw.flows.values())).toEqual(texts(t.desired.flows()));
    expect([r.streamed, r.add.length, r.modify.length, r.remove.length]).toEqual([1, 0, 1, 1]);
  });

  it('a flow the switch refuses in the bundle: nothing of it applied, the sync starts over and leaves that flow out', async () => {
    const t = setup();
    t.installer.streamAhead(t.desired);
    await tick();
    const bad = f('table=1, priority=5,reg0=0x8 actions=drop');
    t.sw.reject.add(flowKey(bad));
    t.desired.set('a', [f(OK), bad]);
    t.installer.streamAhead(t.desired);
    const r = await t.installer.sync(t.desired, []);
    expect(t.sw.streamed[0]!.committed).toBe(false);
    expect(texts(t.sw.flows.values())).toEqual(texts([f(OK)]));
    expect(t.installer.refusedCount).toBe(1);
    expect([r.full, r.streamed]).toEqual([true, 0]);
    expect(t.warnings).toHaveLength(1);
  });

  it('sends a batch once enough flows were set (aheadBatch), the rest with the sync', async () => {
    const sw = new FakeSwitch();
    const installer = new FlowInstaller(sw, undefined, { aheadBatch: 3 });
    const desired = new DesiredFlows();
    installer.streamAhead(desired);
    await tick();
    desired.set('a', [f(OK), f('table=1, priority=5,reg0=0x4 actions=drop')]);
    installer.streamAhead(desired);
    expect(sw.streamed[0]!.msgs).toHaveLength(0);
    desired.set('b', [f('table=1, priority=5,reg0=0x5 actions=drop')]);
    installer.streamAhead(desired);
    expect(sw.streamed[0]!.msgs).toHaveLength(3);
    desired.set('c', [f('table=1, priority=5,reg0=0x6 actions=drop')]);
    installer.streamAhead(desired);
    const r = await installer.sync(desired, []);
    expect([r.streamed, r.add.length]).toEqual([3, 1]);
    expect(texts(sw.flows.values())).toEqual(texts(desired.flows()));
  });

  it('a reset (a new connection) drops what went ahead', async () => {
    const t = setup();
    t.installer.streamAhead(t.desired);
    await tick();
    t.desired.set('a', [f(OK)]);
    t.installer.streamAhead(t.desired);
    t.installer.reset();
    const r = await t.installer.sync(t.desired, []);
    expect(t.sw.streamed[0]!.committed).toBe(false);
    expect(r.streamed).toBe(0);
    expect(texts(t.sw.flows.values())).toEqual(texts([f(OK)]));
  });
});
