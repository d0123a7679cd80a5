// Normalized expression → OpenFlow matches. A conjunction of clauses where two or more clauses are
// disjunctions becomes an OpenFlow conjunctive match (one flow per disjunct per clause, tagged
// conjunction(id, k/n), plus one conj_id flow), instead of a cross product.
import { type FieldName, type MatchEntry, field, fieldBits, ones } from '@ovnts/openflow';
import type { Expr, NumCmp, StrCmp } from './expr.js';
import { uniqueSymbol } from './expr.js';
import type { FieldSymbol, StringSymbol } from './symbols.js';

export interface Conjunction {
  readonly id: number;
  readonly clause: number;
  readonly nClauses: number;
}

/** One flow's match: field → value/mask, plus its role in a conjunctive match. */
export interface ExprMatch {
  readonly fields: Map<FieldName, { value: bigint; mask: bigint }>;
  /** Non-empty: this flow is a conjunction clause (its actions are conjunction(…)). */
  conjunctions: Conjunction[];
  /** Set on the flow that matches `conj_id` (1-based id local to the expression). */
  readonly conjId?: number;
}

/** Port name → tunnel key in the flow's datapath (logical port or multicast group); undefined = no such port. */
export type PortLookup = (name: string) => number | undefined;

function copy(m: ExprMatch['fields']): ExprMatch['fields'] {
  const out: ExprMatch['fields'] = new Map();
  for (const [k, v] of m) out.set(k, { value: v.value, mask: v.mask });
  return out;
}

/** Applies one comparison to a match, overwriting the compared bits. False if a port is unknown. */
function constrain(cmp: NumCmp | StrCmp, fields: ExprMatch['fields'], lookupPort: PortLookup): boolean {
  if (cmp.t === 'cmp') {
    const of = (cmp.sym as FieldSymbol).of;
    const old = fields.get(of) ?? { value: 0n, mask: 0n };
    fields.set(of, { value: (old.value & ~cmp.mask) | (cmp.value & cmp.mask), mask: old.mask | cmp.mask });
    return true;
  }
  const port = cmp.value === 'none' ? 0 : lookupPort(cmp.value);
  if (port === undefined) return false;
  fields.set((cmp.sym as StringSymbol).of, { value: BigInt(port), mask: 0xffffffffn });
  return true;
}

function matchKey(fields: ExprMatch['fields'], conjId?: number): string {
  const parts = [...fields]
    .filter(([, v]) => v.mask !== 0n)
    .map(([k, v]) => `${k}=${v.value.toString(16)}/${v.mask.toString(16)}`);
  if (parts.length > 1) parts.sort();
  if (conjId !== undefined) parts.push(`conj_id=${conjId}`);
  return parts.join(',');
}

/** Matches in insertion order, the same match merged; keyed only once there are two (most flows have one). */
class MatchSet {
  private first: ExprMatch | undefined;
  private byKey: Map<string, ExprMatch> | undefined;
  add(m: ExprMatch): void {
    if (!this.first) {
      this.first = m;
      return;
    }
    if (!this.byKey) this.byKey = new Map([[matchKey(this.first.fields, this.first.conjId), this.first]]);
    const key = matchKey(m.fields, m.conjId);
    const old = this.byKey.get(key);
    if (!old) {
      this.byKey.set(key, m);
      return;
    }
    // The same match as an ordinary flow wins over conjunction clauses; clauses accumulate.
    if (!old.conjunctions.length || !m.conjunctions.length) old.conjunctions = [];
    else old.conjunctions.push(...m.conjunctions);
  }
  values(): ExprMatch[] {
    return this.byKey ? [...this.byKey.values()] : this.first ? [this.first] : [];
  }
}

function addDisjunction(
  or: Expr & { t: 'or' },
  base: ExprMatch['fields'],
  conj: Conjunction | undefined,
  out: MatchSet,
  lookupPort: PortLookup,
): boolean {
  let n = 0;
  for (const sub of or.subs) {
    const fields = copy(base);
    if (constrain(sub as NumCmp | StrCmp, fields, lookupPort)) {
      out.add({ fields, conjunctions: conj ? [conj] : [] });
      n++;
    }
  }
  return n > 0;
}

function addConjunction(and: Expr & { t: 'and' }, out: MatchSet, lookupPort: PortLookup, nConjs: { n: number }): void {
  const fields: ExprMatch['fields'] = new Map();
  let nClauses = 0;
  for (const sub of and.subs) {
    if (sub.t === 'cmp' || sub.t === 'scmp') {
      if (!constrain(sub, fields, lookupPort)) return;
    } else if (sub.t === 'or') nClauses++;
  }
  if (nClauses === 0) {
    out.add({ fields, conjunctions: [] });
    return;
  }
  if (nClauses === 1) {
    for (const sub of and.subs) if (sub.t === 'or') addDisjunction(sub, fields, undefined, out, lookupPort);
    return;
  }
  const id = ++nConjs.n;
  let clause = 0;
  for (const sub of and.subs) {
    if (sub.t !== 'or') continue;
    // If one clause can never match, the whole conjunction cannot; stop adding clauses.
    if (!addDisjunction(sub, fields, { id, clause: clause++, nClauses }, out, lookupPort)) return;
  }
  out.add({ fields: copy(fields), conjunctions: [], conjId: id });
}

function addCmp(cmp: Expr, out: MatchSet, lookupPort: PortLookup): void {
  const fields: ExprMatch['fields'] = new Map();
  if (constrain(cmp as NumCmp | StrCmp, fields, lookupPort)) out.add({ fields, conjunctions: [] });
}

/** Matches of a normalized expression and the number of conjunction ids it used (ids 1..n). */
export function toMatches(e: Expr, lookupPort: PortLookup): { matches: ExprMatch[]; nConjs: number } {
  const out = new MatchSet();
  const nConjs = { n: 0 };
  switch (e.t) {
    case 'cmp':
    case 'scmp':
      addCmp(e, out, lookupPort);
      break;
    case 'and':
      addConjunction(e, out, lookupPort, nConjs);
      break;
    case 'or':
      if (uniqueSymbol(e)) for (const s of e.subs) addCmp(s, out, lookupPort);
      else
        for (const s of e.subs) s.t === 'and' ? addConjunction(s, out, lookupPort, nConjs) : addCmp(s, out, lookupPort);
      break;
    case 'bool':
      if (e.value) out.add({ fields: new Map(), conjunctions: [] });
      break;
    case 'cond':
      break;
  }
  return { matches: out.values(), nConjs: nConjs.n };
}

// xxregN and xregN overlay the 32-bit registers; OpenFlow keeps (and ovs-ofctl prints) the 32-bit ones.
interface FieldShape {
  /** All ones over the field's width. */
  readonly full: bigint;
  /** A wide register: its first 32-bit register and how many it spans. */
  readonly wide?: { readonly first: number; readonly words: number };
}

/** Per field name (a few dozen): the regular expressions and field look-ups ran for every entry of every flow. */
const shapes = new Map<FieldName, FieldShape>();
function shapeOf(name: FieldName): FieldShape {
  let s = shapes.get(name);
  if (!s) {
    const xx = /^xxreg(\d)$/.exec(name);
    const x = xx ? null : /^xreg(\d)$/.exec(name);
    const words = xx ? 4 : 2;
    const m = xx ?? x;
    s = { full: ones(fieldBits(field(name))), ...(m ? { wide: { first: Number(m[1]) * words, words } } : {}) };
    shapes.set(name, s);
  }
  return s;
}

/** Model entries for a match, with wide registers split and all-ones masks dropped. */
export function toEntries(fields: ExprMatch['fields']): MatchEntry[] {
  const merged = new Map<FieldName, { value: bigint; mask: bigint }>();
  const put = (f: FieldName, value: bigint, mask: bigint) => {
    const old = merged.get(f);
    merged.set(f, old ? { value: (old.value & ~mask) | value, mask: old.mask | mask } : { value, mask });
  };
  for (const [name, { value, mask }] of fields) {
    if (!mask) continue;
    const wide = shapeOf(name).wide;
    if (!wide) {
      put(name, value & mask, mask);
      continue;
    }
    for (let i = 0; i < wide.words; i++) {
      const shift = BigInt(32 * (wide.words - 1 - i));
      const wm = (mask >> shift) & 0xffffffffn;
      if (wm) put(`reg${wide.first + i}` as FieldName, (value >> shift) & wm, wm);
    }
  }
  const out: MatchEntry[] = [];
  for (const [f, { value, mask }] of merged)
    out.push(mask === shapeOf(f).full ? { field: f, value } : { field: f, value, mask });
  return out;
}
