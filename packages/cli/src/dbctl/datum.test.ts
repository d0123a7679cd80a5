import { describe, expect, it } from 'vitest';
import type { ColumnType } from 'ovsdb-client-ts';
import {
  atomToString,
  compareDatums,
  datumFromString,
  datumToBare,
  datumToString,
  isSubset,
  parseToken,
} from './datum.js';

const str: ColumnType = { key: { type: 'string' }, min: 1, max: 1 };
const strSet: ColumnType = { key: { type: 'string' }, min: 0, max: Infinity };
const intOpt: ColumnType = { key: { type: 'integer', minInteger: 0, maxInteger: 4095 }, min: 0, max: 1 };
const smap: ColumnType = { key: { type: 'string' }, value: { type: 'string' }, min: 0, max: Infinity };
const enumT: ColumnType = { key: { type: 'string', enum: ['drop', 'allow'] }, min: 1, max: 1 };

describe('ovs-vsctl value syntax', () => {
  it('tokens stop at unquoted delimiters; quotes keep them; backslash escapes', () => {
    expect(parseToken('abc=def', 0)).toEqual({ token: 'abc', pos: 3 });
    expect(parseToken('"a=b"=c', 0)).toEqual({ token: '"a=b"', pos: 5 });
    expect(parseToken('a\\=b', 0)).toEqual({ token: 'a=b', pos: 4 });
    expect(() => parseToken('"abc', 0)).toThrow('quoted string extends past end of argument');
  });

  it('parses sets and maps, sorted, with bounds and duplicates checked', () => {
    expect(datumFromString(strSet, '[b, a]')).toEqual({ keys: ['a', 'b'] });
    expect(datumFromString(strSet, 'b,a')).toEqual({ keys: ['a', 'b'] });
    expect(datumFromString(smap, '{y=2, x="a b"}')).toEqual({ keys: ['x', 'y'], values: ['a b', '2'] });
    expect(() => datumFromString(strSet, '')).toThrow('use "[]" to specify the empty set');
    expect(() => datumFromString(smap, '{a}')).toThrow('a}: syntax error at "}" expecting "="');
    expect(() => datumFromString(strSet, '[a,a]')).toThrow('[a,a]: set contains duplicate value');
    expect(() => datumFromString(intOpt, '[1,2]')).toThrow('[1,2]: 2 value(s) specified but the maximum number is 1');
    expect(() => datumFromString(intOpt, '5000')).toThrow(
      'constraint violation: 5000 is not in the valid range 0 to 4095 (inclusive)',
    );
    expect(() => datumFromString(enumT, 'x')).toThrow(
      'constraint violation: x is not one of the allowed values ([allow, drop])',
    );
    expect(() => datumFromString(intOpt, 'x')).toThrow('"x" is not a valid integer or range');
  });

  it('prints strings quoted only when needed; bare form has no quoting', () => {
    expect(atomToString('abc', 'string')).toBe('abc');
    expect(atomToString('a b', 'string')).toBe('"a b"');
    expect(atomToString('true', 'string')).toBe('"true"');
    expect(atomToString('', 'string')).toBe('""');
    expect(datumToString({ keys: ['x', 'y'], values: ['a b', '2'] }, smap)).toBe('{x="a b", y="2"}');
    expect(datumToString({ keys: [] }, intOpt)).toBe('[]');
    expect(datumToString({ keys: [5] }, intOpt)).toBe('5');
    expect(datumToString({ keys: ['v'] }, str)).toBe('v');
    expect(datumToBare({ keys: ['x', 'y'], values: ['a b', '2'] }, smap)).toBe('x=a b y=2');
  });

  it('compares like OVSDB: size first, then elements; subsets', () => {
    expect(compareDatums({ keys: ['a'] }, { keys: ['a', 'b'] })).toBeLessThan(0);
    expect(compareDatums({ keys: ['b'] }, { keys: ['a'] })).toBeGreaterThan(0);
    expect(isSubset({ keys: ['a'] }, { keys: ['a', 'b'] })).toBe(true);
    expect(isSubset({ keys: ['c'] }, { keys: ['a', 'b'] })).toBe(false);
  });
});
