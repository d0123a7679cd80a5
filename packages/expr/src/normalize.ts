// Normalization to "OR of ANDs of clauses", where a clause is one comparison or a disjunction of
// comparisons over a single symbol. Terms over the same symbol are crushed together (intersected),
// ORs over symbols that may not be conjunctive dimensions are distributed (cross product). The result
// maps directly onto OpenFlow flows and conjunctive matches.
import {
  type And,
  type AndOr,
  type Expr,
  FALSE,
  type NumCmp,
  type Or,
  type StrCmp,
  TRUE,
  bool,
  uniqueSymbol,
} from './expr.js';
import type { Sym } from './symbols.js';

type Cmp = NumCmp | StrCmp;

/** Intersection of two value/mask pairs, or undefined when they conflict. */
export function intersect(av: bigint, am: bigint, bv: bigint, bm: bigint): { value: bigint; mask: bigint } | undefined {
  if ((av ^ bv) & am & bm) return undefined;
  return { value: (av & am) | (bv & bm), mask: am | bm };
}

function cmpOrder(a: Cmp, b: Cmp): number {
  if (a.t === 'scmp' && b.t === 'scmp') return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  const x = a as NumCmp;
  const y = b as NumCmp;
  if (x.value !== y.value) return x.value < y.value ? -1 : 1;
  return x.mask < y.mask ? -1 : x.mask > y.mask ? 1 : 0;
}

function orOrSingle(subs: Expr[]): Expr {
  if (subs.length === 0) return FALSE;
  if (subs.length === 1) return subs[0]!;
  return { t: 'or', subs };
}

function crushOr(e: Or, sym: Sym): Expr {
  const flat: Cmp[] = [];
  for (const s of e.subs) {
    const c = crush(s, sym);
    if (c.t === 'bool') {
      if (c.value) return TRUE;
      continue;
    }
    if (c.t === 'or') flat.push(...(c.subs as Cmp[]));
    else flat.push(c as Cmp);
  }
  if (flat.length === 0) return FALSE;
  if (flat.length > 1) flat.sort(cmpOrder);
  const out: Cmp[] = [flat[0]!];
  for (let i = 1; i < flat.length; i++) if (cmpOrder(out[out.length - 1]!, flat[i]!) !== 0) out.push(flat[i]!);
  return orOrSingle(out);
}

function crushAndString(e: And, sym: Sym): Expr {
  let singleton: StrCmp | undefined;
  const ors: Or[] = [];
  for (const s of e.subs) {
    const c = crush(s, sym);
    if (c.t === 'scmp') {
      if (!singleton) singleton = c;
      else if (singleton.value !== c.value) return FALSE;
    } else if (c.t === 'or') ors.push(c);
    else if (c.t === 'bool' && !c.value) return FALSE;
  }
  if (singleton) {
    const v = singleton.value;
    for (const o of ors) if (!o.subs.some((x) => (x as StrCmp).value === v)) return FALSE;
    return singleton;
  }
  let result: Set<string> | undefined;
  for (const o of ors) {
    const strs = new Set(o.subs.map((x) => (x as StrCmp).value));
    result = result ? new Set([...result].filter((x) => strs.has(x))) : strs;
    if (result.size === 0) return FALSE;
  }
  if (!result) return TRUE;
  const first = ors[0]!.subs[0] as StrCmp;
  return orOrSingle([...result].sort().map((value) => ({ ...first, op: '==' as const, value })));
}

function crushAndNumeric(e: And, sym: Sym): Expr {
  let value = 0n;
  let mask = 0n;
  const ors: Or[] = [];
  for (const s of e.subs) {
    const c = crush(s, sym);
    if (c.t === 'cmp') {
      const r = intersect(value, mask, c.value, c.mask);
      if (!r) return FALSE;
      ({ value, mask } = r);
    } else if (c.t === 'or') ors.push(c);
    else if (c.t === 'bool' && !c.value) return FALSE;
  }
  const mk = (v: bigint, m: bigint): NumCmp => ({ t: 'cmp', sym, op: '==', value: v, mask: m });
  if (ors.length === 0) return mask === 0n ? TRUE : mk(value, mask);
  if (ors.length === 1) {
    const subs: Expr[] = [];
    for (const x of ors[0]!.subs as NumCmp[]) {
      const r = intersect(value, mask, x.value, x.mask);
      if (r) subs.push(mk(r.value, r.mask));
    }
    if (subs.length <= 1) return orOrSingle(subs);
    return crush({ t: 'or', subs }, sym);
  }
  // x && (a0 || a1) && (b0 || b1) && rest  →  (x·a0·b0 || x·a0·b1 || …) && rest
  const [as, bs, ...rest] = ors as [Or, Or, ...Or[]];
  const product: Expr[] = [];
  for (const a of as.subs as NumCmp[]) {
    const ax = intersect(value, mask, a.value, a.mask);
    if (!ax) continue;
    for (const b of bs.subs as NumCmp[]) {
      const r = intersect(ax.value, ax.mask, b.value, b.mask);
      if (r) product.push(mk(r.value, r.mask));
    }
  }
  if (product.length === 0) return FALSE;
  if (product.length === 1)
    return rest.length === 0 ? crush(product[0]!, sym) : crush({ t: 'and', subs: [product[0]!, ...rest] }, sym);
  const or: Expr = { t: 'or', subs: product };
  return rest.length ? crush({ t: 'and', subs: [or, ...rest] }, sym) : crush(or, sym);
}

/** Reduces an expression over the single symbol `sym` to a comparison, an OR of them, or a boolean. */
function crush(e: Expr, sym: Sym): Expr {
  switch (e.t) {
    case 'or':
      return crushOr(e, sym);
    case 'and':
      return sym.width ? crushAndNumeric(e, sym) : crushAndString(e, sym);
    default:
      return e;
  }
}

// Expression kinds in the order OVN sorts AND terms: comparisons (incl. single-symbol subtrees) first.
const KIND_ORDER: Record<Expr['t'], number> = { cmp: 0, scmp: 0, and: 1, or: 2, bool: 3, cond: 4 };

/** Groups AND terms by symbol and crushes each group; other terms follow. */
function sortAnd(e: And): Expr {
  const items = e.subs.map((expr) => {
    const symbol = uniqueSymbol(expr);
    return { expr, symbol, kind: symbol ? 0 : KIND_ORDER[expr.t] };
  });
  if (items.length > 1)
    items.sort((a, b) => {
      if (a.kind !== b.kind) return a.kind - b.kind;
      if (a.symbol && b.symbol) return a.symbol.name < b.symbol.name ? -1 : a.symbol.name > b.symbol.name ? 1 : 0;
      if (a.expr.t === 'and' || a.expr.t === 'or') return (a.expr as AndOr).subs.length - (b.expr as AndOr).subs.length;
      return 0;
    });
  const out: Expr[] = [];
  for (let i = 0; i < items.length;) {
    const it = items[i]!;
    if (!it.symbol) {
      out.push(it.expr);
      i++;
      continue;
    }
    let j = i + 1;
    while (j < items.length && items[j]!.symbol === it.symbol) j++;
    const group = items.slice(i, j).map((x) => x.expr);
    const crushed = crush(
      group.length === 1 ? group[0]! : { t: 'and', subs: group.flatMap((g) => (g.t === 'and' ? g.subs : [g])) },
      it.symbol,
    );
    if (crushed.t === 'bool') {
      if (!crushed.value) return FALSE;
    } else out.push(crushed);
    i = j;
  }
  if (out.length === 0) return TRUE;
  if (out.length === 1) return out[0]!;
  return { t: 'and', subs: out };
}

function normalizeAnd(e0: And): Expr {
  const e = sortAnd(e0);
  if (e.t !== 'and') return e;
  const subs = [...e.subs];
  for (let i = 0; i + 1 < subs.length;) {
    const a = subs[i]!;
    const b = subs[i + 1]!;
    if ((a.t === 'cmp' || a.t === 'scmp') && (b.t === 'cmp' || b.t === 'scmp') && a.sym === b.sym) {
      if (a.t === 'cmp' && b.t === 'cmp') {
        const r = intersect(a.value, a.mask, b.value, b.mask);
        if (!r) return FALSE;
        subs[i + 1] = { ...b, ...r };
      } else if ((a as StrCmp).value !== (b as StrCmp).value) return FALSE;
      subs.splice(i, 1);
    } else i++;
  }
  if (subs.length === 1) return subs[0]!;
  for (const sub of subs) {
    if (sub.t !== 'or') continue;
    const sym = uniqueSymbol(sub);
    if (sym && !(sym.kind === 'field' && sym.mustCrossproduct)) continue;
    // Distribute: (k0 || k1) && rest → (k0 && rest) || (k1 && rest).
    const ors: Expr[] = sub.subs.map((k) => {
      const terms: Expr[] = [];
      for (const m of subs) {
        const term = m === sub ? k : m;
        if (term.t === 'and') terms.push(...term.subs);
        else terms.push(term);
      }
      return { t: 'and', subs: terms };
    });
    return normalizeOr({ t: 'or', subs: ors });
  }
  return { t: 'and', subs };
}

function normalizeOr(e: Or): Expr {
  const out: Expr[] = [];
  for (const sub of e.subs) {
    if (sub.t !== 'and') {
      out.push(sub);
      continue;
    }
    const n = normalizeAnd(sub);
    if (n.t === 'bool') {
      if (n.value) return TRUE;
      continue;
    }
    if (n.t === 'or') out.push(...n.subs);
    else out.push(n);
  }
  if (out.length === 0) return FALSE;
  if (out.length === 1) return out[0]!;
  return { t: 'or', subs: out };
}

/** Normal form of a simplified, condition-free expression (see the module comment). */
export function normalize(e: Expr): Expr {
  switch (e.t) {
    case 'and':
      return normalizeAnd(e);
    case 'or':
      return normalizeOr(e);
    case 'cond':
      return bool(false);
    default:
      return e;
  }
}
