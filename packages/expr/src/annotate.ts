// Annotation: replace subfield symbols by their underlying fields (shifting values), expand predicates,
// and AND in every symbol's prerequisites — once per subtree that uses a single symbol, as OVN does.
import { Cursor } from './cursor.js';
import { ExprError } from './errors.js';
import { type Expr, combine, not, uniqueSymbol } from './expr.js';
import { MatchParser } from './match-parser.js';
import type { Sym, SymbolTable } from './symbols.js';

export class Annotator {
  private readonly cache = new Map<string, Expr>();
  constructor(readonly symbols: SymbolTable) {}

  annotate(e: Expr, source = ''): Expr {
    return this.annotate_(e, true, [], source);
  }

  /** Parses and annotates the text of a predicate or prerequisite (memoised; these are fixed strings). */
  private expansion(text: string, nesting: string[], source: string): Expr {
    const hit = this.cache.get(text);
    if (hit) return hit;
    let parsed: Expr;
    try {
      parsed = new MatchParser(new Cursor(text), { symbols: this.symbols }).parseAll();
    } catch (e) {
      const msg = e instanceof ExprError ? e.message : String(e);
      throw new ExprError(
        'symbol',
        `Error parsing expression \`${text}' encountered as prerequisite or predicate of initial expression: ${msg}`,
        0,
        source,
      );
    }
    const out = this.annotate_(parsed, true, nesting, source);
    this.cache.set(text, out);
    return out;
  }

  private withPrereqs(e: Expr, sym: Sym, nesting: string[], source: string): Expr {
    return sym.prereqs ? combine('and', e, this.expansion(sym.prereqs, nesting, source)) : e;
  }

  private annotate_(e: Expr, appendPrereqs: boolean, nesting: string[], source: string): Expr {
    switch (e.t) {
      case 'cmp':
      case 'scmp': {
        const sym = e.sym;
        if (nesting.includes(sym.name))
          throw new ExprError('symbol', `Recursive expansion of symbol \`${sym.name}'.`, 0, source);
        // A stack of a few names (a Set's add and delete reallocated its table on every comparison).
        nesting.push(sym.name);
        try {
          const prereqs = appendPrereqs && sym.prereqs ? this.expansion(sym.prereqs, nesting, source) : undefined;
          let out: Expr = e;
          if (e.t === 'cmp' && sym.kind === 'subfield') {
            let ofs = 0;
            let cur: Sym = sym;
            while (cur.kind === 'subfield') {
              ofs += cur.ofs;
              cur = this.symbols.get(cur.parent)!;
            }
            out = { ...e, sym: cur, value: e.value << BigInt(ofs), mask: e.mask << BigInt(ofs) };
          } else if (e.t === 'cmp' && sym.kind === 'predicate') {
            const pred = this.expansion(sym.expansion, nesting, source);
            const positive = ((e.value & 1n) !== 0n) !== (e.op === '!=');
            out = positive ? pred : not(pred);
          }
          return prereqs ? combine('and', out, prereqs) : out;
        } finally {
          nesting.pop();
        }
      }
      case 'and':
      case 'or': {
        let subsPrereqs = appendPrereqs;
        let wrapSym: Sym | undefined;
        if (appendPrereqs) {
          wrapSym = uniqueSymbol(e);
          if (wrapSym) subsPrereqs = false;
        }
        const subs = e.subs.map((s) => this.annotate_(s, subsPrereqs, nesting, source));
        const out: Expr = { t: e.t, subs: subs.flatMap((s) => (s.t === e.t ? s.subs : [s])) };
        return wrapSym ? this.withPrereqs(out, wrapSym, nesting, source) : out;
      }
      default:
        return e;
    }
  }
}
