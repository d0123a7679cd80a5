// One object per distinct match entry and per distinct simple action, shared by every compiled flow that has
// it: a chassis holds every flow it installs, and most of their parts repeat (100×50: 44.7k `metadata=<dp>`
// entries for ~100 datapaths, 45k register loads, 27k register moves, 24k resubmits, ~2k distinct of each).
// Compiled flows are immutable, so sharing is invisible to their users.
//
// Bounded state: the tables keep their working set, not every value ever seen. They have two generations (as
// northd's BoundedMemo), counted over all tables together: a part handed out goes into the current one; once
// `generation` parts went in, the current generation becomes the old one (the previous old one is forgotten).
// A part found in the old generation moves to the current one, so a part in use survives every turn and one
// unused for two generations is dropped (flows holding it keep it; a later equal part is a new object). The
// owner sizes the generation to the flows it holds (`sizeSharedParts`), within SHARED_PARTS_MIN_GENERATION and
// SHARED_PARTS_MAX_GENERATION, so the tables hold at most 2 × that many parts. (Before, each field kept the
// first 2048 distinct values it saw: over issue 24's soak, values of deleted flows — addresses, register
// loads of port keys — kept filling them, +2.2 MB per controller over 55k NB edits.)
import type { Action, FieldName, MatchEntry, MoveAction, Subfield } from '@ovnts/openflow';

/** The smallest generation sizeSharedParts sets (parts; each ~100 bytes with its key). */
export const SHARED_PARTS_MIN_GENERATION = 4096;
/** The largest generation sizeSharedParts sets. */
export const SHARED_PARTS_MAX_GENERATION = 65536;
/** Masks kept per field for masked entries and loads (masks come from the compiler: prefixes, bit ranges). */
const MAX_MASKS_PER_FIELD = 2048;

let generation = SHARED_PARTS_MIN_GENERATION;
/** Parts that went into the current generation. */
let inserted = 0;
/** Every table, to turn them all at once. */
const tables: Generations<unknown, unknown>[] = [];

/** One table's two generations. */
class Generations<K, T> {
  private current = new Map<K, T>();
  private old = new Map<K, T>();

  constructor() {
    tables.push(this as Generations<unknown, unknown>);
  }

  get size(): number {
    return this.current.size + this.old.size;
  }

  get(k: K, make: () => T): T {
    let t = this.current.get(k);
    if (t !== undefined) return t;
    t = this.old.get(k);
    if (t !== undefined) this.old.delete(k);
    else t = make();
    this.current.set(k, t);
    if (++inserted >= generation) turn();
    return t;
  }

  turn(): void {
    this.old = this.current;
    this.current = new Map();
  }
}

function turn(): void {
  inserted = 0;
  for (const t of tables) t.turn();
}

/** field → that field's table. */
class PerField<K, T> {
  private readonly byField = new Map<FieldName, Generations<K, T>>();
  get(field: FieldName, k: K, make: () => T): T {
    let m = this.byField.get(field);
    if (!m) this.byField.set(field, (m = new Generations()));
    return m.get(k, make);
  }
}

/** field → mask → that (field, mask)'s table. */
class PerMask<T> {
  private readonly byField = new Map<FieldName, Map<bigint, Generations<bigint, T>>>();
  get(field: FieldName, mask: bigint, v: bigint, make: () => T): T {
    let masks = this.byField.get(field);
    if (!masks) this.byField.set(field, (masks = new Map()));
    let m = masks.get(mask);
    if (!m) {
      if (masks.size >= MAX_MASKS_PER_FIELD) return make();
      masks.set(mask, (m = new Generations()));
    }
    return m.get(v, make);
  }
}

const exact = new PerField<bigint, MatchEntry>();
const masked = new PerMask<MatchEntry>();
const setExact = new PerField<bigint, Action>();
const setMasked = new PerMask<Action>();
const subfields = new PerField<number, Subfield>();
/** Keyed by both subfields' fields, starts and widths. */
const moves = new Generations<string, MoveAction>();
const resubmits = new Generations<number, Action>();
const outputs = new Generations<number, Action>();

/**
 * Sizes the generation to the owner's working set: `flows`, the flows it holds (their distinct parts are at
 * most a few per flow, mostly far fewer), within SHARED_PARTS_MIN_GENERATION..SHARED_PARTS_MAX_GENERATION.
 * Takes effect from the next part that goes in.
 */
export function sizeSharedParts(flows: number): void {
  generation = Math.min(SHARED_PARTS_MAX_GENERATION, Math.max(SHARED_PARTS_MIN_GENERATION, Math.ceil(flows)));
  if (inserted >= generation) turn();
}

/** Parts the tables hold now (at most 2 × the generation). */
export function sharedPartsSize(): number {
  let n = 0;
  for (const t of tables) n += t.size;
  return n;
}

/** The shared entry equal to `e`. */
export function sharedEntry(e: MatchEntry): MatchEntry {
  const { field, value, mask } = e;
  if (mask === undefined) return exact.get(field, value, () => e);
  return masked.get(field, mask, value, () => e);
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
        : setMasked.get(a.field, a.mask, a.value, () => a);
    case 'move': {
      const { src, dst } = a;
      const key = `${src.field}/${src.start}/${src.nBits}>${dst.field}/${dst.start}/${dst.nBits}`;
      return moves.get(key, () => {
        const s = sharedSubfield(src);
        const d = sharedSubfield(dst);
        return s === src && d === dst ? a : { type: 'move', src: s, dst: d };
      });
    }
    case 'resubmit':
      return a.port === undefined && a.ct === undefined && a.table !== undefined ? resubmits.get(a.table, () => a) : a;
    case 'output':
      return a.maxLen === undefined ? outputs.get(a.port, () => a) : a;
    default:
      return a;
  }
}
