// Tokenizer for OVN match and action strings. Numbers cover decimal, hex, IPv4, IPv6 and MAC constants,
// each optionally masked ("/24", "/ff:ff:ff:00:00:00", "/0xf0"); identifiers may contain dots.
import { ExprError } from './errors.js';
import { ones, parseIpv4, parseIpv6, parseMac, prefixMask } from '@ovnts/net';
import type { ConstFormat } from './value.js';

export type TokenType =
  | 'end'
  | 'id'
  | 'string'
  | 'int'
  | 'addr_set' // $name
  | 'port_group' // @name
  | '('
  | ')'
  | '{'
  | '}'
  | '['
  | ']'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '!'
  | '&&'
  | '||'
  | '..'
  | ','
  | ';'
  | '='
  | '<->'
  | '--'
  | '-'
  | ':';

export interface Token {
  readonly type: TokenType;
  /** Offset of the token's first character. */
  readonly pos: number;
  /** Identifier / string / macro name text. */
  readonly text: string;
  readonly value: bigint;
  readonly mask: bigint | undefined;
  readonly format: ConstFormat;
}

// Character classes by code (the lexer is on the hot path of every flow compile).
const isAlpha = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isDigit = (c: number) => c >= 48 && c <= 57;
const isId1 = (c: number) => isAlpha(c) || c === 95 || c === 46;
const isIdn = (c: number) => isId1(c) || isDigit(c);
const isAlnum = (c: number) => isAlpha(c) || isDigit(c);
const isHex = (c: number) => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

function widthOf(format: ConstFormat): number {
  return format === 'ipv4' ? 32 : format === 'ipv6' ? 128 : format === 'mac' ? 48 : 128;
}

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let p = 0;
  const err = (msg: string, at: number): never => {
    throw new ExprError('lex', msg, at, src);
  };
  const tok = (type: TokenType, pos: number, text = ''): Token => ({
    type,
    pos,
    text,
    value: 0n,
    mask: undefined,
    format: 'decimal',
  });

  // One "integer" word: stops at ".." and at a colon that follows a dot (so 1.2.3.4:80 is 3 tokens).
  const scanNumber = (start: number): { end: number; value: bigint; format: ConstFormat } => {
    let end = start;
    let sawDot = false;
    for (;;) {
      const c = src.charCodeAt(end);
      if (Number.isNaN(c)) break;
      if (isAlnum(c) || (c === 58 && !sawDot) || (c === 46 && src.charCodeAt(end + 1) !== 46)) {
        if (c === 46) sawDot = true;
        end++;
      } else break;
    }
    const text = src.slice(start, end);
    if (!text) err('Integer constant expected.', start);
    if (text.length === 17) {
      const mac = parseMac(text);
      if (mac !== null) return { end, value: mac, format: 'mac' };
    }
    if (/^[0-9]+$/.test(text)) {
      if (text.length > 1 && text[0] === '0') err('Decimal constants must not have leading zeros.', start);
      const v = BigInt(text);
      if (v >= 1n << 64n) err('Decimal constants must be less than 2**64.', start);
      return { end, value: v, format: 'decimal' };
    }
    if (/^0[xX]/.test(text)) {
      const digits = text.slice(2);
      if (!digits) err(`Hex digits expected following 0${text[1]}.`, start);
      if (!/^[0-9a-fA-F]+$/.test(digits)) err('Invalid hex constant.', start);
      const v = BigInt('0x' + digits);
      if (v >= 1n << 128n) err('Hex constant has more than 128 bits.', start);
      return { end, value: v, format: 'hex' };
    }
    const v4 = parseIpv4(text);
    if (v4 !== null) return { end, value: BigInt(v4), format: 'ipv4' };
    const v6 = parseIpv6(text);
    if (v6 !== null) return { end, value: v6, format: 'ipv6' };
    return err('Invalid numeric constant.', start);
  };

  const number = (start: number): Token => {
    const n = scanNumber(start);
    p = n.end;
    if (src.charCodeAt(p) !== 47)
      return { type: 'int', pos: start, text: '', value: n.value, mask: undefined, format: n.format };
    const m = scanNumber(p + 1);
    p = m.end;
    let mask: bigint;
    let format = n.format;
    if (m.format === n.format) mask = m.value;
    else if (
      (n.format === 'ipv4' || n.format === 'ipv6') &&
      m.format === 'decimal' &&
      m.value <= BigInt(widthOf(n.format))
    )
      mask = prefixMask(Number(m.value), widthOf(n.format));
    else if (n.format === 'decimal' && m.format === 'hex' && n.value === 0n) {
      mask = m.value;
      format = 'hex';
    } else return err('Value and mask have incompatible formats.', start);
    mask &= ones(128);
    return { type: 'int', pos: start, text: '', value: n.value & mask, mask, format };
  };

  const name = (start: number): string => {
    let e = start;
    if (!isId1(src.charCodeAt(e))) return '';
    while (isIdn(src.charCodeAt(e))) e++;
    return src.slice(start, e);
  };

  while (p < src.length) {
    const c = src[p]!;
    const start = p;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f') {
      p++;
      continue;
    }
    // The two characters here, for the operators that look at them (a string per token otherwise).
    const two = '=!&|<>.-/'.includes(c) ? src.slice(p, p + 2) : c;
    switch (c) {
      case '/':
        if (src[p + 1] === '/') {
          while (p < src.length && src[p] !== '\n') p++;
          continue;
        }
        if (src[p + 1] === '*') {
          const close = src.indexOf('*/', p + 2);
          const nl = src.indexOf('\n', p + 2);
          if (close < 0 || (nl >= 0 && nl < close)) err("`/*' without matching `*/'.", start);
          p = close + 2;
          continue;
        }
        err("`/' is only valid as part of `//' or `/*'.", start);
        break;
      case '(':
      case ')':
      case '{':
      case '}':
      case '[':
      case ']':
      case ',':
      case ';':
        out.push(tok(c, start));
        p++;
        continue;
      case '=':
        out.push(tok(two === '==' ? '==' : '=', start));
        p += two === '==' ? 2 : 1;
        continue;
      case '!':
        out.push(tok(two === '!=' ? '!=' : '!', start));
        p += two === '!=' ? 2 : 1;
        continue;
      case '&':
      case '|':
        if (two !== c + c) err(`\`${c}' is only valid as part of \`${c}${c}'.`, start);
        out.push(tok(two as '&&' | '||', start));
        p += 2;
        continue;
      case '<':
        if (src.startsWith('<->', p)) {
          out.push(tok('<->', start));
          p += 3;
        } else {
          out.push(tok(two === '<=' ? '<=' : '<', start));
          p += two === '<=' ? 2 : 1;
        }
        continue;
      case '>':
        out.push(tok(two === '>=' ? '>=' : '>', start));
        p += two === '>=' ? 2 : 1;
        continue;
      case '.':
        if (two !== '..') err("`.' is only valid as part of `..' or a number.", start);
        out.push(tok('..', start));
        p += 2;
        continue;
      case '-':
        out.push(tok(two === '--' ? '--' : '-', start));
        p += two === '--' ? 2 : 1;
        continue;
      case '$':
      case '@': {
        const n = name(p + 1);
        if (!n) err(`\`${c}' must be followed by a valid identifier.`, start);
        out.push(tok(c === '$' ? 'addr_set' : 'port_group', start, n));
        p += 1 + n.length;
        continue;
      }
      case ':':
        if (src[p + 1] !== ':') {
          out.push(tok(':', start));
          p++;
          continue;
        }
        out.push(number(start));
        continue;
      case '"': {
        // Most strings (port names) have no escape: one slice.
        const close = src.indexOf('"', p + 1);
        const plain = close > p ? src.slice(p + 1, close) : '';
        if (close > p && !plain.includes('\\') && !plain.includes('\n')) {
          out.push(tok('string', start, plain));
          p = close + 1;
          continue;
        }
        let s = '';
        p++;
        for (;;) {
          const d = src[p];
          if (d === undefined || d === '\n') err('Input ends inside quoted string.', start);
          if (d === '"') break;
          if (d === '\\') {
            const e = src[p + 1];
            if (e === undefined) err('Input ends inside quoted string.', start);
            s += e === 'n' ? '\n' : e === 't' ? '\t' : e;
            p += 2;
            continue;
          }
          s += d;
          p++;
        }
        p++;
        out.push(tok('string', start, s));
        continue;
      }
      default:
        break;
    }
    if (c >= '0' && c <= '9') {
      out.push(number(start));
      continue;
    }
    const code = c.charCodeAt(0);
    if (isHex(code)) {
      // A MAC or IPv6 constant may begin with a letter; it is one exactly when hex digits run into ':'.
      let e = p;
      while (isHex(src.charCodeAt(e))) e++;
      if (src[e] === ':') {
        out.push(number(start));
        continue;
      }
    }
    if (isId1(code)) {
      const n = name(p);
      out.push(tok('id', start, n));
      p += n.length;
      continue;
    }
    err(
      code >= 0x20 && code < 0x7f
        ? `Invalid character \`${c}' in input.`
        : `Invalid byte 0x${code.toString(16)} in input.`,
      start,
    );
  }
  out.push(tok('end', src.length));
  return out;
}
