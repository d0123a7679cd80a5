import { describe, expect, it } from 'vitest';
import { model } from '@ovnts/schema/nb';
import { DatumError, OvsdbError } from './errors.js';
import { checkTransactResults } from './results.js';
import { encodeMutations, encodeWhere, Transaction } from './transaction.js';
import type { OvsdbClient } from './client.js';

const ls = model.schema.tables['Logical_Switch']!;
const acl = model.schema.tables['ACL']!;
const U = '6a0d3f3e-8a5c-4c8e-9d3f-000000000001';

describe('transaction encoding', () => {
  it('encodes conditions per column type', () => {
    expect(encodeWhere(ls, [['name', '==', 'ls1']])).toEqual([['name', '==', 'ls1']]);
    expect(encodeWhere(ls, [['_uuid', '==', U]])).toEqual([['_uuid', '==', ['uuid', U]]]);
    expect(encodeWhere(ls, [['ports', 'includes', U]])).toEqual([['ports', 'includes', ['uuid', U]]]);
    expect(encodeWhere(ls, [['copp', '==', null]])).toEqual([['copp', '==', ['set', []]]]);
    expect(encodeWhere(ls, [['other_config', 'includes', { a: 'b' }]])).toEqual([
      ['other_config', 'includes', ['map', [['a', 'b']]]],
    ]);
    expect(encodeWhere(acl, [['priority', '>=', 100]])).toEqual([['priority', '>=', 100]]);
    expect(() => encodeWhere(ls, [['nope', '==', 1]])).toThrow(DatumError);
    expect(() => encodeWhere(ls, [['name', '==', 5]])).toThrow(DatumError);
  });

  it('encodes mutations: set elements, map pairs, map keys, arithmetic', () => {
    expect(encodeMutations(ls, [['ports', 'insert', [{ namedUuid: 'row1' }]]])).toEqual([
      ['ports', 'insert', ['set', [['named-uuid', 'row1']]]],
    ]);
    expect(encodeMutations(ls, [['ports', 'delete', U]])).toEqual([['ports', 'delete', ['uuid', U]]]);
    expect(encodeMutations(ls, [['external_ids', 'insert', { k: 'v' }]])).toEqual([
      ['external_ids', 'insert', ['map', [['k', 'v']]]],
    ]);
    expect(encodeMutations(ls, [['external_ids', 'delete', ['k1', 'k2']]])).toEqual([
      ['external_ids', 'delete', ['set', ['k1', 'k2']]],
    ]);
    expect(encodeMutations(acl, [['priority', '+=', 5]])).toEqual([['priority', '+=', 5]]);
  });

  it('builds typed operations with named-uuid references and explicit insert UUIDs', () => {
    const txn = new Transaction({} as OvsdbClient, model);
    const port = txn.insert('Logical_Switch_Port', { name: 'p1' });
    const sw = txn.insert('Logical_Switch', { name: 'ls1', ports: [port] });
    const upd = txn.update('Logical_Switch', [['name', '==', 'ls1']], { other_config: { a: 'b' } });
    const sel = txn.select('Logical_Switch', [], ['name']);
    txn.comment('why').assert('lock');
    expect(sw).toEqual({ namedUuid: 'row2', table: 'Logical_Switch' });
    expect(upd.index).toBe(2);
    expect(sel).toMatchObject({ index: 3, kind: 'rows' });
    const ops = txn.operations;
    expect(ops[1]).toMatchObject({
      op: 'insert',
      table: 'Logical_Switch',
      'uuid-name': 'row2',
      row: { name: 'ls1', ports: ['set', [['named-uuid', 'row1']]] },
    });
    expect(ops[0]).toHaveProperty('uuid');
    expect(ops.slice(4)).toEqual([
      { op: 'comment', comment: 'why' },
      { op: 'assert', lock: 'lock' },
    ]);
    // @ts-expect-error: not a column of Logical_Switch
    expect(() => txn.insert('Logical_Switch', { nope: 1 })).toThrow(DatumError);
    // @ts-expect-error: wrong value type
    expect(() => txn.update('Logical_Switch', [], { name: 5 })).toThrow(DatumError);
  });
});

describe('errors name where they happened', () => {
  it('a wrong value in a condition or mutation names the table and column', () => {
    const e = (() => {
      try {
        encodeWhere(acl, [['priority', '==', '100']]);
      } catch (err) {
        return err as DatumError;
      }
    })();
    expect(e).toBeInstanceOf(DatumError);
    expect(e!.message).toBe('ACL.priority: expected integer, got "100"');
    expect(e!.at).toEqual({ table: 'ACL', column: 'priority' });
    expect(() => encodeMutations(ls, [['ports', 'insert', [5]]])).toThrow('Logical_Switch.ports: expected uuid, got 5');
  });

  it("a server error names the failing operation's table", () => {
    const ops = [
      { op: 'insert', table: 'Logical_Switch', row: {} },
      { op: 'insert', table: 'ACL', row: {} },
    ] as const;
    const reply = [{ uuid: ['uuid', U] }, { error: 'constraint violation', details: 'bad priority' }];
    expect(() => checkTransactResults(reply, 2, 0, ops)).toThrow(
      new OvsdbError('constraint violation', 'bad priority', 1, 'transact', 'ACL'),
    );
    expect(() => checkTransactResults(reply, 2, 0, ops)).toThrow(
      'transact: constraint violation: bad priority (operation 1 on ACL)',
    );
  });
});
