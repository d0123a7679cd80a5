// The typed match expression tree: comparisons of symbols against constants combined with AND/OR,
// booleans, and `is_chassis_resident()` conditions. Trees are treated as immutable values.
import type { Sym, StringSymbol } from './symbols.js';

export type RelOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** `sym op value/mask`; value and mask are aligned to the symbol's own bit 0. */
export interface NumCmp {
  readonly t: 'cmp';
  readonly sym: Sym;
  readonly op: RelOp;
  readonly value: bigint;
  readonly mask: bigint;
}

/** `inport == "name"` style comparison on a string (port) field; only == and != exist. */
export interface StrCmp {
  readonly t: 'scmp';
  readonly sym: StringSymbol;
  readonly op: '==' | '!=';
  readonly value: string;
}

export interface And {
  readonly t: 'and';
  readonly subs: readonly Expr[];
}

export interface Or {
  readonly t: 'or';
  readonly subs: readonly Expr[];
}

export type AndOr = And | Or;

export interface Bool {
  readonly t: 'bool';
  readonly value: boolean;
}

export interface Cond {
  readonly t: 'cond';
  readonly port: string;
  readonly not: boolean;
}

export type Expr = NumCmp | StrCmp | And | Or | Bool | Cond;

export const TRUE: Bool = { t: 'bool', value: true };
export const FALSE: Bool = { t: 'bool', value: false };

export function bool(v: boolean): Bool {
  return v ? TRUE : FALSE;
}

/** a AND/OR b, flattening nested nodes of the same kind. */
export function combine(t: 'and' | 'or', a: Expr | undefined, b: Expr): Expr {
  if (!a) return b;
  const left = a.t === t ? (a as AndOr).subs : [a];
  const right = b.t === t ? (b as AndOr).subs : [b];
  return { t, subs: [...left, ...right] } as AndOr;
}

export function andOf(subs: readonly Expr[]): Expr {
  return subs.length === 1 ? subs[0]! : { t: 'and', subs: subs.flatMap((s) => (s.t === 'and' ? s.subs : [s])) };
}

export function orOf(subs: readonly Expr[]): Expr {
  return subs.length === 1 ? subs[0]! : { t: 'or', subs: subs.flatMap((s) => (s.t === 'or' ? s.subs : [s])) };
}

const INVERT: Record<RelOp, RelOp> = { '==': '!=', '!=': '==', '<': '>=', '<=': '>', '>': '<=', '>=': '<' };
/** The relation with its operands swapped (`1 < x` is `x > 1`). */
export const TURN: Record<RelOp, RelOp> = { '==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** De Morgan negation, pushed down to the leaves. */
export function not(e: Expr): Expr {
  switch (e.t) {
    case 'cmp':
      return { ...e, op: INVERT[e.op] };
    case 'scmp':
      return { ...e, op: e.op === '==' ? '!=' : '==' };
    case 'and':
    case 'or':
      return { t: e.t === 'and' ? 'or' : 'and', subs: e.subs.map(not) } as AndOr;
    case 'bool':
      return bool(!e.value);
    case 'cond':
      return { ...e, not: !e.not };
  }
}

/** Drops booleans that cannot change the result and short-circuits on the others. */
export function fix(e: Expr): Expr {
  if (e.t !== 'and' && e.t !== 'or') return e;
  const short = e.t === 'or';
  const subs: Expr[] = [];
  for (const s of e.subs) {
    if (s.t === 'bool') {
      if (s.value === short) return bool(short);
      continue;
    }
    if (s.t === e.t) subs.push(...(s as AndOr).subs);
    else subs.push(s);
  }
  if (subs.length === 0) return bool(!short);
  if (subs.length === 1) return subs[0]!;
  return { t: e.t, subs } as AndOr;
}

/** The single symbol every comparison in `e` uses, if there is exactly one. */
export function uniqueSymbol(e: Expr): Sym | undefined {
  switch (e.t) {
    case 'cmp':
    case 'scmp':
      return e.sym;
    case 'and':
    case 'or': {
      let prev: Sym | undefined;
      for (const s of e.subs) {
        const sym = uniqueSymbol(s);
        if (!sym || (prev && sym !== prev)) return undefined;
        prev = sym;
      }
      return prev;
    }
    default:
      return undefined;
  }
}

/** Readable text of an expression (for diagnostics and tests; not necessarily re-parseable). */
export function formatExpr(e: Expr): string {
  switch (e.t) {
    case 'cmp':
      return `${e.sym.name} ${e.op} 0x${e.value.toString(16)}/0x${e.mask.toString(16)}`;
    case 'scmp':
      return `${e.sym.name} ${e.op} ${JSON.stringify(e.value)}`;
    case 'and':
    case 'or':
      return `(${e.subs.map(formatExpr).join(e.t === 'and' ? ' && ' : ' || ')})`;
    case 'bool':
      return e.value ? '1' : '0';
    case 'cond':
      return `${e.not ? '!' : ''}is_chassis_resident(${JSON.stringify(e.port)})`;
  }
}
