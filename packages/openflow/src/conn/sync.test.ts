import { describe, expect, it } from 'vitest';
import { m } from '../model/match.js';
import type { Flow } from '../model/flow.js';
import { parseFlow } from '../text/parse.js';
import { planMessages, planSync } from './sync.js';

describe('planSync', () => {
  it('treats differently spelled but identical matches as the same flow', () => {
    // What we asked for (reg0/reg1, tcp_dst) vs how the switch reports it (xreg0, and ICMP/tp fields folded).
    const desired: Flow = {
      table: 1,
      priority: 5,
      match: [m('reg0', 1), m('reg1', 2), m('eth_type', 0x800), m('nw_proto', 6), m('tcp_dst', 80)],
      actions: [],
    };
    const current: Flow = {
      table: 1,
      priority: 5,
      match: [m('eth_type', 0x800), m('nw_proto', 6), m('tcp_dst', 80), m('xreg0', (1n << 32n) | 2n)],
      actions: [],
    };
    expect(planSync([current], [desired])).toEqual({ add: [], modify: [], remove: [] });
  });

  it('computes add / modify / remove and orders deletions first', () => {
    const cur = [
      'table=1, priority=5,reg0=0x1 actions=drop',
      'table=1, priority=5,reg0=0x2 actions=drop',
      'table=1, priority=5,reg0=0x3 actions=drop',
    ].map(parseFlow);
    const want = [
      'table=1, priority=5,reg0=0x1 actions=drop',
      'table=1, priority=5,reg0=0x2 actions=resubmit(,2)',
      'table=1, priority=6,reg0=0x3 actions=drop',
    ].map(parseFlow);
    const plan = planSync(cur, want);
    expect(plan.add).toEqual([want[2]]);
    expect(plan.modify).toEqual([want[1]]);
    expect(plan.remove).toEqual([cur[2]]);
    expect(planMessages(plan).map((x) => (x.type === 'flow_mod' ? x.command : x.type))).toEqual([
      'delete_strict',
      'add',
      'modify_strict',
    ]);
  });
});
