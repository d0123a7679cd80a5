import { describe, expect, it } from 'vitest';
import { ExprError } from './errors.js';
import { tokenize } from './lexer.js';

const types = (s: string) => tokenize(s).map((t) => t.type);

function lexError(s: string): ExprError {
  try {
    tokenize(s);
  } catch (e) {
    if (e instanceof ExprError) return e;
    throw e;
  }
  throw new Error(`expected a lex error for ${s}`);
}

describe('lexer', () => {
  it('reads identifiers with dots, strings with escapes, macros', () => {
    const t = tokenize('ip4.src flags.loopback "a\\"b\\\\c" $as_1 @pg.x');
    expect(t.map((x) => [x.type, x.text])).toEqual([
      ['id', 'ip4.src'],
      ['id', 'flags.loopback'],
      ['string', 'a"b\\c'],
      ['addr_set', 'as_1'],
      ['port_group', 'pg.x'],
      ['end', ''],
    ]);
  });

  it('reads every numeric format', () => {
    const t = tokenize('42 0x2a 10.0.0.1 fd00::1 ::1 02:ac:10:ff:00:11 fe80::ac:10ff:feff:1 ::ffff:1.2.3.4');
    expect(t.slice(0, -1).map((x) => [x.format, x.value])).toEqual([
      ['decimal', 42n],
      ['hex', 42n],
      ['ipv4', 0x0a000001n],
      ['ipv6', 0xfd000000000000000000000000000001n],
      ['ipv6', 1n],
      ['mac', 0x02ac10ff0011n],
      ['ipv6', 0xfe8000000000000000ac10fffeff0001n],
      ['ipv6', 0xffff01020304n],
    ]);
  });

  it('reads masks: CIDR, same-format and 0/hex', () => {
    const [a, b, c, d] = tokenize('10.1.2.3/16 fd00::/64 ff:ff:00:00:00:00/ff:ff:00:00:00:00 0/0x10');
    expect([a!.value, a!.mask]).toEqual([0x0a010000n, 0xffff0000n]);
    expect(b!.mask).toBe(((1n << 64n) - 1n) << 64n);
    expect(c!.mask).toBe(0xffff00000000n);
    expect([d!.format, d!.mask]).toEqual(['hex', 0x10n]);
  });

  it('splits ranges, subfields and ip:port', () => {
    expect(types('reg0[0..15]')).toEqual(['id', '[', 'int', '..', 'int', ']', 'end']);
    expect(types('1.2.3.4:80')).toEqual(['int', ':', 'int', 'end']);
  });

  it('reads operators and skips comments', () => {
    expect(types('== != < <= > >= ! && || = <-> -- - , ; ( ) { } /* c */ // rest')).toEqual([
      '==',
      '!=',
      '<',
      '<=',
      '>',
      '>=',
      '!',
      '&&',
      '||',
      '=',
      '<->',
      '--',
      '-',
      ',',
      ';',
      '(',
      ')',
      '{',
      '}',
      'end',
    ]);
  });

  it.each([
    ['007', 'Decimal constants must not have leading zeros.', 0],
    ['99999999999999999999', 'Decimal constants must be less than 2**64.', 0],
    ['0x', 'Hex digits expected following 0x.', 0],
    ['1.2.3', 'Invalid numeric constant.', 0],
    ['a && b & c', "`&' is only valid as part of `&&'.", 7],
    ['a | b', "`|' is only valid as part of `||'.", 2],
    ['x . y', "`.' is only valid as part of `..' or a number.", 2],
    ['a / b', "`/' is only valid as part of `//' or `/*'.", 2],
    ['"abc', 'Input ends inside quoted string.', 0],
    ['/* open', "`/*' without matching `*/'.", 0],
    ['a # b', "Invalid character `#' in input.", 2],
    ['$ x', "`$' must be followed by a valid identifier.", 0],
    ['10.0.0.1/ff:ff:ff:ff:ff:ff', 'Value and mask have incompatible formats.', 0],
  ])('rejects %j with a positioned error', (src, msg, pos) => {
    const e = lexError(src);
    expect(e.message).toBe(msg);
    expect(e.pos).toBe(pos);
    expect(e.kind).toBe('lex');
  });
});
