import { describe, expect, it } from 'vitest';
import { JsonSplitter } from './jsonrpc.js';

describe('JsonSplitter', () => {
  it('splits back-to-back messages and handles strings with braces and escapes', () => {
    const s = new JsonSplitter();
    expect(s.push('{"a":"}{\\"","b":[1,{"c":2}]}{"d":"\\\\"}')).toEqual([{ a: '}{"', b: [1, { c: 2 }] }, { d: '\\' }]);
  });
  it('reassembles a message cut anywhere, including inside strings and escapes', () => {
    const text = JSON.stringify({ id: 1, result: [{ rows: [{ name: 'a"b\\c{', x: [1, 2] }] }] }) + JSON.stringify({ id: 2 });
    for (let cut = 1; cut < text.length; cut++) {
      const s = new JsonSplitter();
      const got = [...s.push(text.slice(0, cut)), ...s.push(text.slice(cut))];
      expect(got).toEqual([JSON.parse(text.slice(0, text.indexOf('{"id":2}'))), { id: 2 }]);
    }
  });
});
