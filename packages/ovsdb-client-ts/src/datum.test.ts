import { describe, expect, it } from 'vitest';
import { applyDiff, decodeDatum, decodeRow, defaultValue, encodeDatum, encodeRow } from './datum.js';
import { DatumError } from './errors.js';
import type { ColumnType, TableSchema } from './schema.js';

const str: ColumnType = { key: { type: 'string' }, min: 1, max: 1 };
const optInt: ColumnType = { key: { type: 'integer' }, min: 0, max: 1 };
const uuidSet: ColumnType = { key: { type: 'uuid', refTable: 'T' }, min: 0, max: Infinity };
const strMap: ColumnType = { key: { type: 'string' }, value: { type: 'string' }, min: 0, max: Infinity };
const intMap: ColumnType = { key: { type: 'integer' }, value: { type: 'uuid' }, min: 0, max: Infinity };
const U1 = '11111111-1111-1111-1111-111111111111';
const U2 = '22222222-2222-2222-2222-222222222222';

describe('wire notation', () => {
  it('encodes and decodes every column kind', () => {
    expect(encodeDatum(str, 'a')).toBe('a');
    expect(decodeDatum(str, 'a')).toBe('a');
    expect(decodeDatum(str, ['set', ['a']])).toBe('a');
    expect(encodeDatum(optInt, null)).toEqual(['set', []]);
    expect(encodeDatum(optInt, 5)).toBe(5);
    expect(decodeDatum(optInt, ['set', []])).toBeNull();
    expect(decodeDatum(optInt, 7)).toBe(7);
    expect(encodeDatum(uuidSet, [U1, { namedUuid: 'row1' }])).toEqual([
      'set',
      [
        ['uuid', U1],
        ['named-uuid', 'row1'],
      ],
    ]);
    expect(decodeDatum(uuidSet, ['uuid', U1])).toEqual([U1]);
    expect(
      decodeDatum(uuidSet, [
        'set',
        [
          ['uuid', U1],
          ['uuid', U2],
        ],
      ]),
    ).toEqual([U1, U2]);
    expect(encodeDatum(strMap, { a: 'b' })).toEqual(['map', [['a', 'b']]]);
    expect(
      decodeDatum(strMap, [
        'map',
        [
          ['a', 'b'],
          ['c', 'd'],
        ],
      ]),
    ).toEqual({ a: 'b', c: 'd' });
    // Integer map keys are numbers on the wire, strings in the object.
    expect(encodeDatum(intMap, { 10: U1 })).toEqual(['map', [[10, ['uuid', U1]]]]);
    expect(decodeDatum(intMap, ['map', [[10, ['uuid', U1]]]])).toEqual({ '10': U1 });
  });

  it('rejects values of the wrong type with DatumError', () => {
    expect(() => encodeDatum(str, 5)).toThrow(DatumError);
    expect(() => decodeDatum(str, ['set', []])).toThrow(DatumError);
    expect(() => decodeDatum(optInt, ['set', [1, 2]])).toThrow(DatumError);
    expect(() => decodeDatum(optInt, 1.5)).toThrow(DatumError);
    expect(() => decodeDatum(uuidSet, ['named-uuid', 'x'])).toThrow(DatumError);
    expect(() => decodeDatum(strMap, ['set', []])).toThrow(DatumError);
    expect(() => decodeDatum(strMap, ['map', [['a']]])).toThrow(DatumError);
    expect(() => encodeDatum(intMap, { x: U1 })).toThrow(DatumError);
  });

  it('has the defaults ovsdb-server stores', () => {
    expect(defaultValue(str)).toBe('');
    expect(defaultValue(optInt)).toBeNull();
    expect(defaultValue(uuidSet)).toEqual([]);
    expect(defaultValue(strMap)).toEqual({});
    expect(defaultValue({ key: { type: 'uuid' }, min: 1, max: 1 })).toBe('00000000-0000-0000-0000-000000000000');
  });

  it('applies update2 diffs', () => {
    expect(applyDiff(str, 'a', 'b')).toBe('b');
    // Optional columns: ovsdb-server sends the new value (as seen on the wire: 3 → 5 → ["set",[]] → 7).
    expect(applyDiff(optInt, 3, 5)).toBe(5);
    expect(applyDiff(optInt, 5, ['set', []])).toBeNull();
    expect(applyDiff(optInt, null, 7)).toBe(7);
    // The symmetric-difference spelling ({a} → {b} as {a, b}) is accepted too.
    expect(applyDiff(optInt, 1, ['set', [1, 2]])).toBe(2);
    expect(
      applyDiff(
        uuidSet,
        [U1],
        [
          'set',
          [
            ['uuid', U1],
            ['uuid', U2],
          ],
        ],
      ),
    ).toEqual([U2]);
    expect(
      applyDiff(strMap, { a: '1', b: '2' }, [
        'map',
        [
          ['a', '1'],
          ['b', '3'],
          ['c', '4'],
        ],
      ]),
    ).toEqual({ b: '3', c: '4' });
  });

  // Found by the soak (issue 24): a router port's networks {100.64.1.3/16} + 10.254.183.1/24 arrived as a diff
  // and the replica appended the new address, while a fresh read has the set sorted; northd's output follows
  // the order, so incremental rounds and a full compute disagreed.
  it('keeps sets and maps in OVSDB order after a diff, as a full value has them', () => {
    const strSet: ColumnType = { key: { type: 'string' }, min: 0, max: Infinity };
    const intSet: ColumnType = { key: { type: 'integer' }, min: 0, max: Infinity };
    expect(applyDiff(strSet, ['100.64.1.3/16'], '10.254.183.1/24')).toEqual(['10.254.183.1/24', '100.64.1.3/16']);
    expect(applyDiff(intSet, [2, 10], ['set', [1, 10, 30]])).toEqual([1, 2, 30]);
    expect(applyDiff(uuidSet, [U2], ['uuid', U1])).toEqual([U1, U2].sort());
    expect(Object.keys(applyDiff(strMap, { b: '1', x: '2' }, ['map', [['a', '0']]]) as object)).toEqual([
      'a',
      'b',
      'x',
    ]);
    // UTF-8 byte order, as ovsdb-server compares strings: U+FF5E sorts before U+1F600 (a surrogate pair in JS).
    expect(applyDiff(strSet, ['\u{1F600}'], '\uFF5E')).toEqual(['\uFF5E', '\u{1F600}']);
  });

  it('encodes and decodes rows', () => {
    const t: TableSchema = {
      name: 'T',
      isRoot: true,
      indexes: [],
      columns: {
        s: { name: 's', type: str, ephemeral: false, mutable: true },
        m: { name: 'm', type: strMap, ephemeral: false, mutable: true },
      },
    };
    expect(encodeRow(t, { s: 'x', m: { k: 'v' }, _uuid: U1 })).toEqual({ s: 'x', m: ['map', [['k', 'v']]] });
    expect(() => encodeRow(t, { nope: 1 })).toThrow(DatumError);
    expect(decodeRow(t, { _uuid: ['uuid', U1], s: 'x', extra: 1 })).toEqual({ _uuid: U1, s: 'x' });
    expect(() => decodeRow(t, { s: 1 })).toThrow(/T\.s/);
  });
});
