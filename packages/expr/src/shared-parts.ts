// One object per distinct match entry and per distinct simple action, shared by every compiled flow that has
// it: a chassis holds every flow it installs, and most of their parts repeat (100×50: 44.7k `metadata=<dp>`
// entries for ~100 datapaths, 45k register loads, 27k register moves, 24k resubmits, ~2k distinct of each).
// Compiled flows are immutable, so sharing is invisible to their users. Each field keeps at most
// MAX_PER_FIELD distinct values (fields of wide domains — MACs, addresses — fill theirs and stop: a bounded
// cost for no sharing), as sharedBigint does.
import type { Action, FieldName, MatchEntry, MoveAction, Subfield } from '@ovnts/openflow';

const MAX_PER_FIELD = 2048;

/** field → value → (mask → shared) with the count of values kept per field. */
class PerField<K, T> {
  private readonly byField = new Map<FieldName, Map<K, T>>();

  get(field: FieldName, k: K, make: () => T): T {
    let m = this.byField.get(field);
    if (!m) this.byField.set(field, (m = new Map()));
    let t = m.get(k);
    if (t === undefined) {
      t = make();
      if (m.size < MAX_PER_FIELD) m.set(k, t);
    }
    return t;
  }
}

/** value → shared, for one (field, mask). */
class PerValue<T> {
  private readonly m = new Map<bigint, T>();
  get(v: bigint, make: () => T): T {
    let t = this.m.get(v);
    if (t === undefined) {
      t = make();
      if (this.m.size < MAX_PER_FIELD) this.m.set(v, t);
    }
    return t;
  }
}

const exact = new PerField<bigint, MatchEntry>();
const masked = new PerField<bigint, PerValue<MatchEntry>>();
const setExact = new PerField<bigint, Action>();
const setMasked = new PerField<bigint, PerValue<Action>>();
const subfields = new PerField<number, Subfield>();
const moves = new Map<Subfield, Map<Subfield, MoveAction>>();
const resubmits = new Map<number, Action>();
const outputs = new Map<number, Action>();

/** The shared entry equal to `e`. */
export function sharedEntry(e: MatchEntry): MatchEntry {
  const { field, value, mask } = e;
  if (mask === undefined) return exact.get(field, value, () => e);
  return masked.get(field, mask, () => new PerValue()).get(value, () => e);
}

function sharedSubfield(s: Subfield): Subfield {
  return subfields.get(s.field, s.start * 4096 + s.nBits, () => s);
}

/** The shared action equal to `a` (set_field, move, resubmit to a table, output to a port; others as they are). */
export function sharedAction(a: Action): Action {
  switch (a.type) {
    case 'set_field':
      return a.mask === undefined
        ? setExact.get(a.field, a.value, () => a)
        : setMasked.get(a.field, a.mask, () => new PerValue()).get(a.value, () => a);
    case 'move': {
      const src = sharedSubfield(a.src);
      const dst = sharedSubfield(a.dst);
      let m = moves.get(src);
      if (!m) moves.set(src, (m = new Map()));
      let s = m.get(dst);
      if (!s) m.set(dst, (s = src === a.src && dst === a.dst ? a : { type: 'move', src, dst }));
      return s;
    }
    case 'resubmit':
      return sharedByNumber(resubmits, a, a.port === undefined && a.ct === undefined ? a.table : undefined);
    case 'output':
      return sharedByNumber(outputs, a, a.maxLen === undefined ? a.port : undefined);
    default:
      return a;
  }
}

function sharedByNumber(m: Map<number, Action>, a: Action, k: number | undefined): Action {
  if (k === undefined) return a;
  let s = m.get(k);
  if (!s) {
    s = a;
    if (m.size < MAX_PER_FIELD) m.set(k, s);
  }
  return s;
}
