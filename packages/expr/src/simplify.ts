// Simplification: every numeric comparison becomes an equality on masked bits. `!=` becomes an OR of
// single flipped bits; `<`, `<=`, `>`, `>=` become an OR of masked prefixes (one per relevant bit of the
// bound), which is how ranges turn into OpenFlow value/mask matches.
import { type Expr, type NumCmp, TRUE, bool, fix, orOf } from './expr.js';

function bitsOf(mask: bigint, width: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < width; i++) if ((mask >> BigInt(i)) & 1n) out.push(i);
  return out;
}

function simplifyNe(e: NumCmp): Expr {
  const subs: Expr[] = bitsOf(e.mask, e.sym.width).map((i) => {
    const bit = 1n << BigInt(i);
    return { t: 'cmp', sym: e.sym, op: '==', value: e.value & bit ? 0n : bit, mask: bit };
  });
  return subs.length ? orOf(subs) : bool(false);
}

function simplifyRelational(e: NumCmp): Expr {
  const bits = bitsOf(e.mask, e.sym.width);
  const start = bits[0]!;
  const end = bits[bits.length - 1]! + 1;
  const lt = e.op === '<' || e.op === '<=';
  const eq = e.op === '<=' || e.op === '>=';
  const bit = (i: number) => ((e.value >> BigInt(i)) & 1n) === 1n;
  // `x <= max` and `x >= 0` are always true; `x < max` and `x > 0` are just `!=`.
  let found = false;
  for (let i = start; i < end; i++) if (bit(i) !== lt) found = true;
  if (!found) return eq ? TRUE : simplifyNe(e);
  const subs: Expr[] = [];
  if (eq) subs.push({ ...e, op: '==' });
  for (let z = start; z < end; z++) {
    if (bit(z) !== lt) continue;
    const low = ((1n << BigInt(z)) - 1n) ^ ((1n << BigInt(start)) - 1n);
    const value = (e.value ^ (1n << BigInt(z))) & ~low;
    subs.push({ t: 'cmp', sym: e.sym, op: '==', value, mask: e.mask & ~low });
  }
  return subs.length ? orOf(subs) : bool(false);
}

export function simplify(e: Expr): Expr {
  switch (e.t) {
    case 'cmp':
      if (e.op === '==') return e.mask === 0n ? TRUE : e;
      if (e.op === '!=') return simplifyNe(e);
      return simplifyRelational(e);
    case 'and':
    case 'or':
      return fix({ t: e.t, subs: e.subs.map(simplify) });
    default:
      return e;
  }
}

/**
 * Replaces `is_chassis_resident()` conditions by their truth on this chassis. `e` is simplified (simplify's
 * output: every and/or already fixed), so a subtree without conditions is returned as it is, not rebuilt: most
 * flows have none, and this runs for every flow on every datapath.
 */
export function evaluateConditions(e: Expr, isChassisResident: (port: string) => boolean): Expr {
  switch (e.t) {
    case 'cond':
      return bool(isChassisResident(e.port) !== e.not);
    case 'and':
    case 'or': {
      let subs: Expr[] | undefined;
      for (let i = 0; i < e.subs.length; i++) {
        const s = e.subs[i]!;
        const r = evaluateConditions(s, isChassisResident);
        if (r !== s && !subs) subs = e.subs.slice(0, i);
        subs?.push(r);
      }
      return subs ? fix({ t: e.t, subs }) : e;
    }
    default:
      return e;
  }
}
