import { describe, expect, it } from 'vitest';
import { EncodedOps } from 'ovsdb-client-ts';
import { WireWriter } from './wire-writer.js';

const text = (w: WireWriter): unknown[] =>
  JSON.parse(`[${Buffer.concat((w.ops as EncodedOps).pieces()).toString('utf8')}]`) as unknown[];

describe('WireWriter', () => {
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
});
