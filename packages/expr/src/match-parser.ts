// Match parser: text → typed Expr over symbols (before prerequisite annotation). Mirrors the OVN
// grammar: `&&` and `||` may not be mixed without parentheses, `!` needs an atomic operand, a multi-bit
// field used as a boolean needs an explicit `!= 0`, and nominal fields allow only equality tests.
import { Cursor } from './cursor.js';
import { type Expr, type RelOp, TURN, bool, combine, not } from './expr.js';
import type { Token } from './lexer.js';
import { SYMBOLS, type Sym, type SymbolTable } from './symbols.js';
import { ones } from '@ovnts/net';
import { bitLength, type ConstFormat } from './value.js';

/** What the parser needs to know beyond the text: named sets and the datapath (for port-group names). */
export interface ParseEnv {
  readonly symbols?: SymbolTable;
  /** Address set contents by name (as SB Address_Set.addresses). */
  readonly addressSet?: (name: string) => readonly string[] | undefined;
  /** Port group members by SB name (`<datapath key>_<name>`, falling back to the bare name). */
  readonly portGroup?: (sbName: string) => readonly string[] | undefined;
  /** Tunnel key of the datapath the flow is being parsed for. */
  readonly dpKey?: number;
}

/** A parsed field reference: a symbol and the selected bits of it. */
export interface FieldRef {
  readonly sym: Sym;
  readonly ofs: number;
  readonly nBits: number;
  readonly pos: number;
}

export interface IntValue {
  readonly value: bigint;
  readonly mask?: bigint;
  readonly format: ConstFormat;
}

export type ConstSet =
  | { readonly type: 'int'; readonly values: IntValue[]; readonly inCurlies: boolean }
  | { readonly type: 'string'; readonly values: string[]; readonly inCurlies: boolean }
  | { readonly type: 'empty'; readonly inCurlies: boolean };

const MAX_PAREN_DEPTH = 100;
const RELOPS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=']);

export function constWidth(c: IntValue): number {
  if (c.mask !== undefined) return bitLength(c.mask);
  switch (c.format) {
    case 'ipv4':
      return 32;
    case 'ipv6':
      return 128;
    case 'mac':
      return 48;
    default:
      return bitLength(c.value);
  }
}

/** Sorted integer constants of an address set; entries that are not a single constant are skipped. */
export function addressSetValues(addresses: readonly string[]): IntValue[] {
  const out: IntValue[] = [];
  for (const a of addresses) {
    try {
      const c = new Cursor(a);
      const t = c.tok;
      if (t.type === 'int')
        out.push(
          t.mask === undefined
            ? { value: t.value, format: t.format }
            : { value: t.value, mask: t.mask, format: t.format },
        );
    } catch {
      // Invalid entries are ignored, as ovn-controller does.
    }
  }
  return out;
}

export class MatchParser {
  readonly symbols: SymbolTable;
  private depth = 0;
  private negated = false;

  constructor(
    readonly c: Cursor,
    readonly env: ParseEnv = {},
  ) {
    this.symbols = env.symbols ?? SYMBOLS;
  }

  parseAll(): Expr {
    const e = this.parseExpr();
    this.c.forceEnd();
    return e;
  }

  parseExpr(): Expr {
    let e = this.parseNot();
    const op = this.c.tok.type;
    if (op === '&&' || op === '||') {
      this.c.next();
      do {
        e = combine(op === '&&' ? 'and' : 'or', e, this.parseNot());
      } while (this.c.match(op));
      if (this.c.is('&&') || this.c.is('||'))
        this.c.error('syntax', '&& and || must be parenthesized when used together.');
    }
    return e;
  }

  private parseNot(): Expr {
    if (this.c.match('!')) {
      this.negated = !this.negated;
      const { e, atomic } = this.parsePrimary();
      this.negated = !this.negated;
      if (!atomic) this.c.error('syntax', 'Missing parentheses around operand of !.');
      return not(e);
    }
    return this.parsePrimary().e;
  }

  private parsePrimary(): { e: Expr; atomic: boolean } {
    const c: Cursor = this.c;
    if (c.is('(')) {
      if (this.depth >= MAX_PAREN_DEPTH) c.error('syntax', 'Parentheses nested too deeply.');
      c.next();
      this.depth++;
      const e = this.parseExpr();
      this.depth--;
      c.force(')');
      return { e, atomic: true };
    }
    if (c.is('id')) {
      if (c.peek().type === '(') {
        if (c.tok.text === 'is_chassis_resident') {
          c.next();
          c.next();
          const port = c.forceString();
          c.force(')');
          return { e: { t: 'cond', port, not: false }, atomic: true };
        }
        c.error('syntax', `Unknown function \`${c.tok.text}'.`);
      }
      const f = this.parseField();
      const relTok = c.tok;
      if (!RELOPS.has(relTok.type)) {
        if (!f.nBits || c.is('=')) c.syntax('expecting relational operator');
        if (f.nBits > 1 && !this.negated)
          c.error('type', "Explicit `!= 0' is required for inequality test of multibit field against 0.", relTok.pos);
        return {
          e: this.makeCmp(f, '!=', { type: 'int', values: [{ value: 0n, format: 'hex' }], inCurlies: false }, relTok),
          atomic: true,
        };
      }
      c.next();
      const cs = this.parseConstSet();
      return { e: this.makeCmp(f, relTok.type as RelOp, cs, relTok), atomic: false };
    }
    // A constant first: `1`/`0` booleans, or `c relop field [relop c]`.
    const startTok = c.tok;
    const c1 = this.parseConstSet();
    if (
      !RELOPS.has(c.tok.type) &&
      c1.type === 'int' &&
      c1.values.length === 1 &&
      c1.values[0]!.format === 'decimal' &&
      c1.values[0]!.mask === undefined &&
      !c1.inCurlies &&
      c1.values[0]!.value <= 1n
    ) {
      return { e: bool(c1.values[0]!.value === 1n), atomic: true };
    }
    if (!RELOPS.has(c.tok.type)) c.syntax('expecting relational operator');
    const r1Tok = c.next();
    const r1 = r1Tok.type as RelOp;
    const f = this.parseField();
    if (!RELOPS.has(c.tok.type)) return { e: this.makeCmp(f, TURN[r1], c1, r1Tok), atomic: false };
    const r2Tok = c.next();
    const r2 = r2Tok.type as RelOp;
    const c2 = this.parseConstSet();
    const lt = (r: RelOp) => r === '<' || r === '<=';
    const gt = (r: RelOp) => r === '>' || r === '>=';
    if (!((lt(r1) && lt(r2)) || (gt(r1) && gt(r2))))
      c.error(
        'syntax',
        "Range expressions must have the form `x < field < y' or `x > field > y', with each `<' optionally replaced by `<=' or `>' by `>=').",
        startTok.pos,
      );
    const e1 = this.makeCmp(f, TURN[r1], c1, r1Tok);
    const e2 = this.makeCmp(f, r2, c2, r2Tok);
    return { e: combine('and', e1, e2), atomic: false };
  }

  /** `name` or `name[lo..hi]` / `name[bit]`, checked against the symbol table. */
  parseField(): FieldRef {
    const c: Cursor = this.c;
    const t = c.tok;
    if (t.type !== 'id') c.syntax('expecting field name');
    const sym = this.symbols.get(t.text);
    if (!sym) return c.syntax('expecting field name');
    c.next();
    if (!c.match('[')) return { sym, ofs: 0, nBits: sym.width, pos: t.pos };
    if (!sym.width) c.error('type', `Cannot select subfield of string field ${sym.name}.`);
    const lo = c.forceInt();
    const hi = c.match('..') ? c.forceInt() : lo;
    c.force(']');
    if (lo > hi) c.error('type', `Invalid bit range ${lo} to ${hi}.`, t.pos);
    if (hi >= sym.width)
      c.error('type', `Cannot select bits ${lo} to ${hi} of ${sym.width}-bit field ${sym.name}.`, t.pos);
    if (sym.level === 'nominal' && (lo !== 0 || hi !== sym.width - 1))
      c.error('type', `Cannot select subfield of nominal field ${sym.name}.`, t.pos);
    return { sym, ofs: lo, nBits: hi - lo + 1, pos: t.pos };
  }

  /** A single constant or a `{…}` set (commas optional), expanding `$addr_set` and `@port_group`. */
  parseConstSet(): ConstSet {
    const c: Cursor = this.c;
    let set: ConstSet = { type: 'empty', inCurlies: false };
    const add = (type: 'int' | 'string', at: Token, ints: IntValue[], strs: string[]) => {
      if (set.type !== 'empty' && set.type !== type)
        c.syntax(`expecting ${set.type === 'int' ? 'integer' : 'string'}`, at);
      if (type === 'int')
        set = { type: 'int', values: [...(set.type === 'int' ? set.values : []), ...ints], inCurlies: set.inCurlies };
      else
        set = {
          type: 'string',
          values: [...(set.type === 'string' ? set.values : []), ...strs],
          inCurlies: set.inCurlies,
        };
    };
    const one = () => {
      const t = c.tok;
      switch (t.type) {
        case 'string':
          add('string', t, [], [t.text]);
          break;
        case 'int':
          add(
            'int',
            t,
            [
              t.mask === undefined
                ? { value: t.value, format: t.format }
                : { value: t.value, mask: t.mask, format: t.format },
            ],
            [],
          );
          break;
        case 'addr_set': {
          const a = this.env.addressSet?.(t.text);
          if (!a) return c.syntax('expecting address set name');
          add('int', t, addressSetValues(a), []);
          break;
        }
        case 'port_group': {
          const pg = this.env.portGroup?.(`${this.env.dpKey ?? 0}_${t.text}`) ?? this.env.portGroup?.(t.text);
          if (!pg) return c.syntax('expecting port group name');
          add('string', t, [], [...pg]);
          break;
        }
        default:
          c.syntax('expecting constant');
      }
      c.next();
    };
    if (c.match('{')) {
      set = { type: 'empty', inCurlies: true };
      do {
        one();
        c.match(',');
      } while (!c.match('}'));
    } else one();
    return set;
  }

  makeCmp(f: FieldRef, r: RelOp, cs: ConstSet, at: Token): Expr {
    const c: Cursor = this.c;
    const sym = f.sym;
    // `{}`, or an address set / port group that is empty right now: == matches nothing, != everything.
    const isEmpty = cs.type === 'empty' || cs.values.length === 0;
    if (cs.type !== 'empty' && cs.type !== (sym.width ? 'int' : 'string'))
      c.error(
        'type',
        `${sym.width ? 'Integer' : 'String'} field ${sym.name} is not compatible with ${cs.type === 'int' ? 'integer' : 'string'} constant.`,
        at.pos,
      );
    if (cs.type === 'int')
      for (const v of cs.values) {
        const w = constWidth(v);
        if (w > sym.width)
          c.error('type', `${w}-bit constant is not compatible with ${sym.width}-bit field ${sym.name}.`, at.pos);
      }
    if (r !== '==' && r !== '!=') {
      if (cs.inCurlies) c.error('type', 'Only == and != operators may be used with value sets.', at.pos);
      if (sym.level === 'nominal' || sym.level === 'boolean')
        c.error('type', `Only == and != operators may be used with ${sym.level} field ${sym.name}.`, at.pos);
      if (isEmpty)
        c.error('type', 'Only == and != operators may be used to compare a field against an empty value set.', at.pos);
      if (cs.type === 'int' && cs.values[0]!.mask !== undefined)
        c.error(
          'type',
          'Only == and != operators may be used with masked constants.  Consider using subfields instead.',
          at.pos,
        );
    }
    if (sym.level === 'nominal') {
      if (sym.kind === 'predicate') {
        if (cs.type === 'int')
          for (const v of cs.values) {
            const positive = (((v.value & 1n) !== 0n) !== (r === '!=')) !== this.negated;
            if (!positive)
              c.error(
                'type',
                `Nominal predicate ${sym.name} may only be tested positively, e.g. \`${sym.name}' or \`${sym.name} == 1' but not \`!${sym.name}' or \`${sym.name} == 0'.`,
                at.pos,
              );
          }
      } else if (r !== (this.negated ? '!=' : '=='))
        c.error(
          'type',
          `Nominal field ${sym.name} may only be tested for equality (taking enclosing \`!' operators into account).`,
          at.pos,
        );
    }
    if (isEmpty) return bool(r === '!=');
    const joiner = r === '==' ? 'or' : 'and';
    let e: Expr | undefined;
    if (cs.type === 'string') {
      if (sym.kind !== 'string') return c.error('type', `Field ${sym.name} does not take string values.`, at.pos);
      for (const s of cs.values) e = combine(joiner, e, { t: 'scmp', sym, op: r as '==' | '!=', value: s });
    } else {
      const fieldMask = ones(f.nBits);
      for (const v of cs.values) {
        const mask = (v.mask === undefined ? fieldMask : v.mask & fieldMask) << BigInt(f.ofs);
        const value = (v.value & fieldMask) << BigInt(f.ofs);
        e = combine(joiner, e, { t: 'cmp', sym, op: r, value: value & mask, mask });
      }
    }
    return e!;
  }
}
