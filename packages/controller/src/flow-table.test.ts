import { describe, expect, it } from 'vitest';
import { formatFlow, parseFlow, type Flow } from '@ovnts/openflow';
import { DesiredFlows, InstalledFlows, applyPlan, flowWith, keyOf, planFlowMods, planFlows } from './flow-table.js';

const f = (s: string): Flow => parseFlow(s);
const texts = (fs: readonly Flow[]) => fs.map(formatFlow).sort();
const none = { add: [], modify: [], remove: [] };
const counts = (p: { add: Flow[]; modify: Flow[]; remove: Flow[] }) => ({
  add: p.add,
  modify: p.modify,
  remove: p.remove,
});

describe('DesiredFlows', () => {
  it('replaces an owner’s flows and marks only the keys that changed as dirty', () => {
    const d = new DesiredFlows();
    d.set('a', [f('table=1, priority=5,reg0=0x1 actions=drop'), f('table=1, priority=5,reg0=0x2 actions=drop')]);
    d.set('b', [f('table=2, priority=5 actions=drop')]);
    expect(d.takeDirty().size).toBe(3);
    d.set('a', [f('table=1, priority=5,reg0=0x1 actions=drop')]);
    expect([...d.takeDirty()]).toHaveLength(2); // the kept key is re-linked, the dropped one is gone
    expect(d.size).toBe(2);
    d.delete('b');
    expect(d.size).toBe(1);
  });

  it('lets the owner that sorts first win a shared key, whatever the order of set()', () => {
    const x = f('table=1, priority=5,reg0=0x1 actions=resubmit(,2)');
    const y = f('table=1, priority=5,reg0=0x1 actions=resubmit(,3)');
    const d1 = new DesiredFlows();
    d1.set('b', [y]);
    d1.set('a', [x]);
    const d2 = new DesiredFlows();
    d2.set('a', [x]);
    d2.set('b', [y]);
    expect(texts(d1.flows())).toEqual(texts([x]));
    expect(texts(d2.flows())).toEqual(texts([x]));
    d2.delete('a');
    expect(texts(d2.flows())).toEqual(texts([y]));
  });
});

describe('planFlows', () => {
  it('adds, modifies, re-adds on a cookie change and removes; deletions go first', () => {
    const installed = new InstalledFlows([
      f('table=1, priority=5,reg0=0x1 actions=drop'),
      f('table=1, priority=5,reg0=0x2 actions=drop'),
      f('cookie=0x1, table=1, priority=5,reg0=0x3 actions=drop'),
      f('table=1, priority=5,reg0=0x4 actions=drop'),
    ]);
    const d = new DesiredFlows();
    d.set('x', [
      f('table=1, priority=5,reg0=0x1 actions=drop'),
      f('table=1, priority=5,reg0=0x2 actions=resubmit(,2)'),
      f('cookie=0x2, table=1, priority=5,reg0=0x3 actions=drop'),
      f('table=1, priority=5,reg0=0x5 actions=drop'),
    ]);
    const plan = planFlows(d, installed);
    expect(texts(plan.add)).toEqual([
      'cookie=0x2, table=1, priority=5,reg0=0x3 actions=drop',
      'table=1, priority=5,reg0=0x5 actions=drop',
    ]);
    expect(texts(plan.modify)).toEqual(['table=1, priority=5,reg0=0x2 actions=resubmit(,2)']);
    expect(texts(plan.remove)).toEqual(['table=1, priority=5,reg0=0x4 actions=drop']);
    expect(planFlowMods(plan)[0]).toMatchObject({ command: 'delete_strict' });
    // Each flow's key at the same index.
    expect(plan.addKeys).toEqual(plan.add.map(keyOf));
    expect(plan.modifyKeys).toEqual(plan.modify.map(keyOf));
    expect(plan.removeKeys).toEqual(plan.remove.map(keyOf));
    applyPlan(installed, plan);
    expect(texts([...installed.byKey.values()])).toEqual(texts(d.flows()));
    // Tracked: nothing left to do, and a dirty-key plan sees the same.
    expect(counts(planFlows(d, installed))).toEqual(none);
    expect(counts(planFlows(d, installed, d.takeDirty()))).toEqual(none);
  });

  it('treats differently spelled identical matches as one flow', () => {
    const installed = new InstalledFlows([f('table=1, priority=5,tcp,xreg0=0x100000002,tp_dst=80 actions=drop')]);
    const d = new DesiredFlows();
    d.set('x', [f('table=1, priority=5,reg0=0x1,reg1=0x2,tcp,tcp_dst=80 actions=drop')]);
    expect(counts(planFlows(d, installed))).toEqual(none);
  });

  it('leaves skipped (refused) flows out and keeps refused adds out of the installed set', () => {
    const bad = f('table=1, priority=5,reg0=0x9 actions=drop');
    const installed = new InstalledFlows();
    const d = new DesiredFlows();
    d.set('x', [bad, f('table=1, priority=5,reg0=0x1 actions=drop')]);
    const plan = planFlows(d, installed, d.takeDirty());
    applyPlan(installed, plan, new Set([bad]));
    expect(installed.size).toBe(1);
    expect(counts(planFlows(d, installed, undefined, (x) => x === bad))).toEqual(none);
  });

  it('replaces (delete, then add) a flow whose learn deletes its learned flows, so they go with the old one', () => {
    const learn = (dst: string) =>
      f(
        `cookie=0x1b, table=68, priority=100,tcp,nw_src=42.42.42.1,nw_dst=42.42.42.1 actions=learn(table=69,delete_learned,cookie=0x1b,OXM_OF_METADATA[],eth_type=0x800,NXM_OF_IP_SRC[],ip_dst=${dst},load:0x1->NXM_NX_REG10[7])`,
      );
    const installed = new InstalledFlows([learn('88.88.88.88')]);
    const d = new DesiredFlows();
    d.set('lb', [learn('88.88.88.87')]);
    const plan = planFlows(d, installed);
    expect(plan.modify).toEqual([]);
    expect(planFlowMods(plan).map((m) => (m.type === 'flow_mod' ? m.command : m.type))).toEqual([
      'delete_strict',
      'add',
    ]);
    applyPlan(installed, plan);
    expect(texts([...installed.byKey.values()])).toEqual(texts(d.flows()));
    expect(counts(planFlows(d, installed))).toEqual(none);
  });
});

describe('flowWith', () => {
  const base = { table: 3, priority: 10, cookie: 7n, match: [], actions: [] };
  it("builds the compiler's literal (its fields in its order) from a plain flow", () => {
    const m = [{ field: 'reg14' as const, value: 1n }];
    const c = flowWith({ ...base }, m, [], 9n);
    expect(Object.keys(c)).toEqual(['table', 'priority', 'cookie', 'match', 'actions']);
    expect(c).toEqual({ table: 3, priority: 10, cookie: 9n, match: m, actions: [] });
    expect(Object.keys(flowWith({ table: 1, priority: 2, match: [], actions: [] }, [], []))).toEqual([
      'table',
      'priority',
      'match',
      'actions',
    ]);
  });
  it('keeps the fields of a flow that has more (timeouts, flags, a conjunction clause)', () => {
    const f = { ...base, idleTimeout: 5, flags: ['send_flow_rem' as const] };
    expect(flowWith(f, [], [])).toEqual(f);
    expect(flowWith({ ...base, clause: true }, [], [], 8n)).toEqual({ ...base, cookie: 8n, clause: true });
  });
});
