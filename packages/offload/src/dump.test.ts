import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normaliseOf10, parseDump, parseGroup } from './dump.js';
import { DumpParseError } from './errors.js';

describe('flow/group dump reader', () => {
  it('reads a real ovn-controller dump with stats, plus its groups', () => {
    const d = parseDump(readFileSync(new URL('../fixtures/lab-flows.txt', import.meta.url), 'utf8'));
    expect(d.flows.length).toBeGreaterThan(500);
    expect(d.groups).toHaveLength(1);
    expect(d.groups[0]).toMatchObject({ groupId: 1, type: 'select', selectionMethod: 'dp_hash' });
    expect(d.groups[0]!.buckets).toHaveLength(2);
    expect(d.groups[0]!.buckets[1]!.actions[0]).toMatchObject({ type: 'ct', commit: true, table: 21 });
  });

  it('bucket properties and multi-action buckets', () => {
    const g = parseGroup(
      'group_id=3,type=all,bucket=bucket_id:0,actions=set_field:0x1->reg15,resubmit(,40),bucket=bucket_id:1,actions=drop',
    );
    expect(g.buckets.map((b) => b.actions.length)).toEqual([2, 0]);
    expect(g.buckets[0]!.bucketId).toBe(0);
  });

  it('reads OpenFlow 1.0 mod_* spellings as set_field', () => {
    expect(
      normaliseOf10(
        ' priority=180,conj_id=100,in_port=2 actions=load:0xa->NXM_NX_REG13[],mod_dl_src:02:ac:10:ff:00:03,resubmit(,8)',
      ),
    ).toBe(
      ' priority=180,conj_id=100,in_port=2 actions=load:0xa->NXM_NX_REG13[],set_field:02:ac:10:ff:00:03->eth_src,resubmit(,8)',
    );
    const f = parseDump('table=0, priority=1,ip actions=mod_nw_dst:10.0.0.1,mod_dl_dst:02:00:00:00:00:01,output:1\n')
      .flows[0]!;
    expect(f.actions).toMatchObject([
      { type: 'set_field', field: 'ip_dst', value: 0x0a000001n },
      { type: 'set_field', field: 'eth_dst', value: 0x020000000001n },
      { type: 'output', port: 1 },
    ]);
  });

  it('unparsable lines are errors with their line number', () => {
    const text =
      'OFPST_FLOW reply (OF1.5) (xid=0x2):\n table=0, priority=1 actions=drop\n table=0, priority=1,frob=1 actions=drop\n';
    expect(() => parseDump(text, 'x.txt')).toThrow(DumpParseError);
    expect(() => parseDump(text, 'x.txt')).toThrow(/x\.txt line 3:/);
    expect(() => parseDump('hello world\n')).toThrow(/line 1: neither a flow/);
    expect(() => parseDump('\n\n')).toThrow(/no flows found/);
  });
});
