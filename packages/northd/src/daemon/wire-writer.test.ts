import { describe, expect, it } from 'vitest';
import { EncodedOps } from 'ovsdb-client-ts';
import { WireWriter } from './wire-writer.js';

const text = (w: WireWriter): unknown[] =>
  JSON.parse(`[${Buffer.concat((w.ops as EncodedOps).pieces()).toString('utf8')}]`) as unknown[];

describe('WireWriter', () => {
  it('writes a set difference as one mutate (insert, then delete), nothing when there is none', () => {
    const w = new WireWriter();
    const u = '5e3a8b2c-0000-4000-8000-000000000002' as Parameters<WireWriter['delete']>[1];
    w.mutateSet('Address_Set', u, 'addresses', ['1.1.1.3'], ['1.1.1.1', '1.1.2.1/4']);
    w.mutateSet('Address_Set', u, 'addresses', [], []);
    expect(text(w)).toEqual([
      {
        op: 'mutate',
        table: 'Address_Set',
        where: [['_uuid', '==', ['uuid', u]]],
        mutations: [
          ['addresses', 'insert', ['set', ['1.1.1.3']]],
          ['addresses', 'delete', ['set', ['1.1.1.1', '1.1.2.1/4']]],
        ],
      },
    ]);
  });

  it('encodes flow rows through the template exactly as the generic encoder does', () => {
    const w = new WireWriter();
    const g = w.insert('Logical_DP_Group', { datapaths: ['5e3a8b2c-0000-4000-8000-000000000001'] });
    const content = {
      pipeline: 'ingress',
      table_id: 7,
      priority: 100,
      match: 'inport == "a\\"b" && ip4.src == {10.0.0.1, 10.0.0.2}',
      actions: 'next;',
      external_ids: { 'stage-name': 'ls_in_acl' },
    };
    w.insert('Logical_Flow', { ...content, logical_dp_group: g });
    w.insert('Logical_Flow', { ...content, logical_datapath: '5e3a8b2c-0000-4000-8000-000000000001' });
    // Another shape (an extra external_ids key) goes through the generic encoder.
    w.insert('Logical_Flow', { ...content, external_ids: { 'stage-name': 'ls_in_acl', 'stage-hint': 'x' } });
    const row = (i: number) => (text(w)[i] as { row: Record<string, unknown> }).row;
    const ext = ['map', [['stage-name', 'ls_in_acl']]];
    const base = { ...content, external_ids: ext };
    expect(row(1)).toEqual({ ...base, logical_dp_group: ['named-uuid', 'r0'] });
    expect(row(2)).toEqual({ ...base, logical_datapath: ['uuid', '5e3a8b2c-0000-4000-8000-000000000001'] });
    expect(row(3)).toEqual({
      ...base,
      external_ids: [
        'map',
        [
          ['stage-name', 'ls_in_acl'],
          ['stage-hint', 'x'],
        ],
      ],
    });
  });

  it("writes a flow's in_out_port tag through the template and insertFlowAs", () => {
    const w = new WireWriter();
    const dp = '5e3a8b2c-0000-4000-8000-000000000001';
    const content = {
      pipeline: 'ingress',
      table_id: 0,
      priority: 100,
      match: 'inport == "p1"',
      actions: 'reg0[15] = 1; next;',
      external_ids: { 'stage-name': 'ls_in_check_port_sec' },
    };
    w.insert('Logical_Flow', { ...content, logical_datapath: dp, tags: { in_out_port: 'p1' } });
    w.insertFlowAs(
      '5e3a8b2c-0000-4000-8000-000000000002' as Parameters<WireWriter['insertFlowAs']>[0],
      { pipeline: 'ingress', tableId: 0, priority: 100, match: 'x', actions: 'next;', stageName: 's', ioPort: 'p2' },
      'logical_datapath',
      dp as Parameters<WireWriter['insertFlowAs']>[3],
    );
    const row = (i: number) => (text(w)[i] as { row: Record<string, unknown> }).row;
    expect(row(0)).toEqual({
      ...content,
      external_ids: ['map', [['stage-name', 'ls_in_check_port_sec']]],
      logical_datapath: ['uuid', dp],
      tags: ['map', [['in_out_port', 'p1']]],
    });
    expect(row(1)['tags']).toEqual(['map', [['in_out_port', 'p2']]]);
  });
});
