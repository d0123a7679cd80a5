// The SB slice a chassis asks for (pure): what each conditioned table keeps, before and after the chassis is
// registered, with and without local datapaths, and under ovn-monitor-all.
import { describe, expect, it } from 'vitest';
import type { Uuid } from 'ovsdb-client-ts';
import type { DatapathBinding, LogicalDPGroup } from '@ovnts/schema/sb';
import {
  CONDITIONED_TABLES,
  SbConditionsMemo,
  SbMonitor,
  type SbConditions,
  sbConditions,
  widenSteps,
} from './sb-monitor.js';
import { U } from './test-rows.js';

const dp = (n: number, key: number) => ({ _uuid: U(n), tunnel_key: key }) as DatapathBinding;
const group = (n: number, dps: readonly string[]) => ({ _uuid: U(n), datapaths: dps }) as LogicalDPGroup;

const LS1 = dp(0x10, 1);
const LS2 = dp(0x11, 2);
const groups = {
  Logical_DP_Group: new Map([group(0x20, [LS1._uuid, LS2._uuid]), group(0x21, [LS2._uuid])].map((g) => [g._uuid, g])),
};
const me = U(0x30) as Uuid<'Chassis'>;

describe('sbConditions', () => {
  it('before registration and with no local datapath: gateway/patch ports and named interfaces only', () => {
    const c = sbConditions(groups, {
      monitorAll: false,
      chassisName: 'hv1',
      chassis: undefined,
      ifaceIds: new Set(['vm1']),
      localDps: new Map(),
    });
    expect(c.Port_Binding).toEqual([
      ['type', '==', 'patch'],
      ['type', '==', 'chassisredirect'],
      ['type', '==', 'external'],
      ['options', 'includes', { 'l2gateway-chassis': 'hv1' }],
      ['options', 'includes', { 'l3gateway-chassis': 'hv1' }],
      ['logical_port', '==', 'vm1'],
      ['parent_port', '==', 'vm1'],
    ]);
    // No clause is "nothing", not the empty condition (which would be every row).
    for (const t of ['Logical_Flow', 'Load_Balancer', 'MAC_Binding', 'Multicast_Group', 'DNS', 'FDB'] as const)
      expect(c[t]).toEqual([false]);
    expect(c.Controller_Event).toEqual([false]);
    expect(c.Chassis_Private).toEqual([['name', '==', 'hv1']]);
  });

  it('local datapaths: their rows, and lflows/LBs of the datapath groups that hold one of them', () => {
    const c = sbConditions(groups, {
      monitorAll: false,
      chassisName: 'hv1',
      chassis: me,
      ifaceIds: new Set(),
      localDps: new Map([[LS1._uuid, LS1]]),
    });
    expect(c.Port_Binding).toContainEqual(['chassis', '==', me]);
    expect(c.Port_Binding).toContainEqual(['requested_chassis', '==', me]);
    expect(c.Port_Binding).toContainEqual(['datapath', '==', LS1._uuid]);
    expect(c.Logical_Flow).toEqual([
      ['logical_datapath', '==', LS1._uuid],
      ['logical_dp_group', '==', U(0x20)], // not 0x21: it holds only ls2
    ]);
    expect(c.Load_Balancer).toEqual([
      ['datapaths', 'includes', LS1._uuid],
      ['datapath_group', '==', U(0x20)],
    ]);
    expect(c.FDB).toEqual([['dp_key', '==', 1]]);
    expect(c.IGMP_Group).toEqual([['chassis', '==', me]]);
  });

  it('equal slices give equal conditions (stable order); monitor-all lifts every condition', () => {
    const a = sbConditions(groups, {
      monitorAll: false,
      chassisName: 'hv1',
      chassis: me,
      ifaceIds: new Set(['b', 'a']),
      localDps: new Map([
        [LS2._uuid, LS2],
        [LS1._uuid, LS1],
      ]),
    });
    const b = sbConditions(groups, {
      monitorAll: false,
      chassisName: 'hv1',
      chassis: me,
      ifaceIds: new Set(['a', 'b']),
      localDps: new Map([
        [LS1._uuid, LS1],
        [LS2._uuid, LS2],
      ]),
    });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const all = sbConditions(groups, {
      monitorAll: true,
      chassisName: 'hv1',
      chassis: me,
      ifaceIds: new Set(),
      localDps: new Map(),
    });
    expect(Object.keys(all).sort()).toEqual([...CONDITIONED_TABLES].sort());
    expect(Object.values(all).every((w) => w === undefined)).toBe(true);
  });
});

describe('SbMonitor', () => {
  const want = (ifaceIds: readonly string[], localDps: readonly DatapathBinding[]) =>
    sbConditions(groups, {
      monitorAll: false,
      chassisName: 'hv1',
      chassis: me,
      ifaceIds: new Set(ifaceIds),
      localDps: new Map(localDps.map((d) => [d._uuid, d])),
    });
  /** A replica whose monitor_cond_change replies only when `release` is called. */
  function slowReplica() {
    const sent: SbConditions[] = [];
    const waiting: (() => void)[] = [];
    return {
      sent,
      release: () => waiting.splice(0).forEach((r) => r()),
      setConditions: (c: SbConditions) => {
        sent.push(c);
        return new Promise<void>((r) => waiting.push(r));
      },
    };
  }

  it('a new local interface name is sent without waiting; a new local datapath is waited for', async () => {
    const rep = slowReplica();
    const m = new SbMonitor(rep, want(['vm1'], [LS1]));
    // Only iface-id clauses added: sent, and the round goes on at once.
    expect(await m.apply(want(['vm1', 'vm2'], [LS1]))).toBe(false);
    expect(rep.sent.map((c) => Object.keys(c))).toEqual([['Port_Binding']]);
    // Nothing new: nothing sent.
    expect(await m.apply(want(['vm1', 'vm2'], [LS1]))).toBe(false);
    expect(rep.sent).toHaveLength(1);
    // A datapath became local: the round waits for the server, then computes again.
    const widened = m.apply(want(['vm1', 'vm2'], [LS1, LS2]));
    let done = false;
    void widened.then(() => (done = true));
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    rep.release();
    expect(await widened).toBe(true);
    // An interface gone (a clause removed) narrows the slice: waited for too.
    const narrowed = m.apply(want(['vm1'], [LS1, LS2]));
    await new Promise((r) => setImmediate(r));
    rep.release();
    expect(await narrowed).toBe(true);
  });

  it('a change sent without waiting that fails is sent again and reported', async () => {
    let fail = true;
    let late = 0;
    const sent: SbConditions[] = [];
    const rep = {
      setConditions: (c: SbConditions) => {
        sent.push(c);
        return fail ? Promise.reject(new Error('refused')) : Promise.resolve();
      },
    };
    const m = new SbMonitor(rep, want(['vm1'], [LS1]), undefined, () => late++);
    expect(await m.apply(want(['vm1', 'vm2'], [LS1]))).toBe(false);
    await new Promise((r) => setImmediate(r));
    expect(late).toBe(1);
    fail = false;
    // What the server has is unknown now: the resend is waited for.
    expect(await m.apply(want(['vm1', 'vm2'], [LS1]))).toBe(true);
    expect(sent).toHaveLength(2);
  });

  it('the memo gives the same conditions while what they read is the same; apply skips them', async () => {
    const memo = new SbConditionsMemo();
    const interest = (ifaceIds: readonly string[], localDps: readonly DatapathBinding[], monitorAll = false) => ({
      monitorAll,
      chassisName: 'hv1',
      chassis: me,
      ifaceIds: new Set(ifaceIds),
      localDps: new Map(localDps.map((d) => [d._uuid, d])),
    });
    const a = memo.get(groups, interest(['vm1'], [LS1]));
    expect(a).toEqual(want(['vm1'], [LS1]));
    expect(memo.get(groups, interest(['vm1'], [LS1]))).toBe(a);
    // Each input moves them: a datapath's key, an interface, the groups table, monitor-all.
    const b = memo.get(groups, interest(['vm1'], [{ ...LS1, tunnel_key: 7 }]));
    expect(b).not.toBe(a);
    expect(b.FDB).toEqual([['dp_key', '==', 7]]);
    expect(memo.get(groups, interest(['vm1', 'vm2'], [LS1]))).toEqual(want(['vm1', 'vm2'], [LS1]));
    const fewer = { Logical_DP_Group: new Map([...groups.Logical_DP_Group].slice(1)) };
    expect(memo.get(fewer, interest(['vm1'], [LS1])).Logical_Flow).toEqual([['logical_datapath', '==', LS1._uuid]]);
    expect(memo.get(fewer, interest(['vm1'], [LS1], true)).Logical_Flow).toBeUndefined();

    const sent: SbConditions[] = [];
    const m = new SbMonitor({ setConditions: async (c: SbConditions) => void sent.push(c) }, want(['vm1'], [LS1]));
    const c = memo.get(groups, interest(['vm1'], [LS1, LS2]));
    expect(await m.apply(c)).toBe(true);
    expect(await m.apply(c)).toBe(false);
    expect(await m.apply(memo.get(groups, interest(['vm1'], [LS1, LS2])))).toBe(false);
    expect(sent).toHaveLength(1);
  });

  it('a widening of many datapaths goes in steps: the other tables first, then the flows in parts', async () => {
    const many = Array.from({ length: 12 }, (_, i) => dp(0x100 + i, 100 + i));
    const from = want(['vm1'], [LS1]);
    const to = want(['vm1'], [LS1, ...many]);
    const lfBefore = (from.Logical_Flow as unknown[]).map((c) => JSON.stringify(c));
    const steps = widenSteps({ ...to }, lfBefore, 3);
    expect(steps).toHaveLength(4);
    // First: everything but Logical_Flow; then Logical_Flow growing to the target, each step a superset.
    expect(steps[0]!.Logical_Flow).toBeUndefined();
    expect(steps[0]!.Port_Binding).toEqual(to.Port_Binding);
    const lfs = steps.slice(1).map((s) => (s.Logical_Flow as unknown[]).map((c) => JSON.stringify(c)));
    expect(steps.slice(1).every((s) => Object.keys(s).join() === 'Logical_Flow')).toBe(true);
    expect(steps[3]!.Logical_Flow).toEqual(to.Logical_Flow);
    for (let i = 1; i < lfs.length; i++) {
      expect(lfs[i]!.length).toBeGreaterThan(lfs[i - 1]!.length);
      expect(lfs[i]).toEqual(expect.arrayContaining(lfs[i - 1]!));
    }
    expect(lfs[0]).toEqual(expect.arrayContaining(lfBefore));
    // Few new clauses, a narrowing, one step, or everything (null): one change.
    expect(widenSteps(want(['vm1'], [LS1, LS2]), lfBefore, 3)).toHaveLength(1);
    expect(
      widenSteps(
        from,
        (to.Logical_Flow as unknown[]).map((c) => JSON.stringify(c)),
        3,
      ),
    ).toHaveLength(1);
    expect(widenSteps(to, lfBefore, 1)).toHaveLength(1);
    expect(widenSteps(to, null, 3)).toHaveLength(1);

    // SbMonitor sends them back to back and runs onStep after each step but the last is in.
    const log: string[] = [];
    const waiting: (() => void)[] = [];
    const rep = {
      setConditions: () => Promise.reject(new Error('not used')),
      setConditionSteps: (s: readonly SbConditions[]) => {
        log.push(`sent ${s.length}`);
        return s.map((_, i) => new Promise<void>((r) => waiting.push(() => (log.push(`step ${i}`), r()))));
      },
    };
    const m = new SbMonitor(rep, from, undefined, undefined, 3);
    const applied = m.apply(to, undefined, async () => void log.push('compute'));
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['sent 4']);
    for (const w of waiting.splice(0)) {
      w();
      await new Promise((r) => setImmediate(r));
    }
    expect(await applied).toBe(true);
    expect(log).toEqual(['sent 4', 'step 0', 'compute', 'step 1', 'compute', 'step 2', 'compute', 'step 3']);
    expect(m.stepsApplied).toBe(3);
    expect(await m.apply(to)).toBe(false);
  });
});
