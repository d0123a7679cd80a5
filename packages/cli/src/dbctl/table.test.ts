import { describe, expect, it } from 'vitest';
import type { ColumnType } from 'ovsdb-client-ts';
import { prettyJson, renderTable, type OutTable } from './table.js';

const str: ColumnType = { key: { type: 'string' }, min: 1, max: 1 };
const smap: ColumnType = { key: { type: 'string' }, value: { type: 'string' }, min: 0, max: Infinity };
const t: OutTable = {
  headings: ['name', 'other_config'],
  rows: [
    [
      { datum: { keys: ['a'] }, type: str },
      { datum: { keys: ['x'], values: ['1, 2'] }, type: smap },
    ],
  ],
};
const style = { format: 'list', data: 'string', headings: true, pretty: false } as const;

describe('table formats', () => {
  it('list', () => {
    expect(renderTable(t, style, true)).toBe('name                : a\nother_config        : {x="1, 2"}\n');
    expect(renderTable(t, style, false).startsWith('\n')).toBe(true);
  });
  it('table, csv, bare data, no headings', () => {
    expect(renderTable(t, { ...style, format: 'table' }, true)).toBe(
      'name other_config\n---- ------------\na    {x="1, 2"}\n',
    );
    expect(renderTable(t, { ...style, format: 'csv' }, true)).toBe('name,other_config\na,"{x=""1, 2""}"\n');
    expect(renderTable(t, { ...style, data: 'bare', headings: false }, true)).toBe('a\nx=1, 2\n');
  });
  it('json and pretty json', () => {
    expect(renderTable(t, { ...style, format: 'json' }, true)).toBe(
      '{"data":[["a",["map",[["x","1, 2"]]]]],"headings":["name","other_config"]}\n',
    );
    expect(prettyJson({ b: [], a: [1, 'x'] }, 0)).toBe('{\n  "a": [\n    1,\n    "x"],\n  "b": []}');
  });
});
