// Logical flows that differ only in their literals compile once per datapath context: most of a chassis's
// compilations are a few shapes repeated per pod with other addresses and port names (100×50: the ARP
// responder `arp.tpa == <ip> && arp.op == 1`, the L2 look-up `eth.dst == <mac>` → `outport = "<pod>"`, the
// router's `outport == "<port>" && reg0 == <ip>` → `eth.dst = <mac>`: 16k of the 17.6k flows compiled, on
// 3 texts once their literals are abstracted). The text's exact IPv4 and IPv6 addresses, MACs and strings are
// slots; two full compilations of one shape whose slot values all differ show which parts of the output each
// slot becomes (its value, shifted by whole bytes into a wider register or not, or the port key a string
// names; a controller action's userdata only when no value reaches it); later flows of the shape copy the
// first output with their own values put there (the parts nothing replaces stay the same shared objects); a slot
// whose value both compilations share is pinned (an instance must have that value: `outport = "_MC_flood"`, a
// group of the same key on every switch). A store may serve every datapath of one kind (switch or router, SNAT
// zone or not: the compiler reads nothing else of a datapath but its key, which goes in the `metadata` match
// and nowhere a template would copy it from: its two samples come from datapaths of other keys) or one
// datapath. What compiles differently for other values is kept out: texts with masks, ranges, address sets or
// port groups, a slot in a bit slice narrower than its kind, outputs with groups, conjunctions, residency
// look-ups or errors, relatedness look-ups of a key no slot holds or that was not related (a port-tagged flow
// and a switch's port match are templated while every port they name is related, the answer they compiled
// with), and instances whose values coincide otherwise than in the learnt shape (the equality pattern of the
// slots is part of the key) or with another number of the text.
import { DATAPATH_FIELD, sharedAction, sharedEntry, type CompiledFlow, type LogicalFlow } from '@ovnts/expr';
import { parseIpv4, parseIpv6, parseMac } from '@ovnts/net';
import { flowWith } from '../flow-table.js';

/** A flow's text with its literals abstracted, and the literals' values. */
export interface AbstractFlow {
  /** The texts with slots, the slots' kinds and equality pattern. */
  readonly key: string;
  /** Values of the equality classes: a number for addresses, the name for strings (a port's key stands for it). */
  readonly classes: readonly (bigint | string)[];
  /** The other numbers of the text (a class value that equals one compiles differently). */
  readonly verbatim: readonly bigint[];
}

// Strings, then MACs, IPv6 and IPv4 addresses not followed by a mask, then other numbers (decimal, hex). An IPv6
// address has two colons at least (six groups of two digits are a MAC, as for OVN's lexer).
const TOKEN =
  /"((?:[^"\\]|\\.)*)"|(?<![\w.:])((?:[0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2})(?![\w.:/])|(?<![\w.:[])([0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7})(?![\w.:/\]])|(?<![\w.:])(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?(?![\w.:/])|(?<![\w.:])(0x[0-9a-fA-F]+|\d+)(?![\w.:])/g;
/** What compiles differently for other values of a literal: masks (but an IPv4 prefix, see NET), ranges, address sets and port groups. */
const UNSAFE = /[/$@]|<(?!->)|(?<!<-)>/;
/** An IPv4 network (address/prefix length): its slot (kind `n`, the length in the key) is checked in netsFit. */
const NET = /(?<![\w.:])\d{1,3}(?:\.\d{1,3}){3}\/\d{1,2}(?![\w.:/])/g;
/** A match's comparison of an IPv4 slot with a field, and the field; a network's field must be one of NET_FIELDS. */
const SLOT4_COMPARED = /([\w.]+)\s*==\s*\u0001[4n]\d+\u0001/g;
const NET_FIELDS = new Set(['ip4.src', 'ip4.dst', 'arp.spa', 'arp.tpa']);
/**
 * A bit slice compared with or assigned an operand (up to the next `&&`, `||`, `;`, `)` or the match's end):
 * its slots must fit whatever value they take (see slicesFit).
 */
const SLICE_OPERAND = /\[(\d+)(?:\.\.(\d+))?\]\s*(?:==|!=|=(?!=))([^;&|)\u0000]*)/g;
/** A slot on the left of a comparison or assignment with a field. */
const SLOT_OPERATOR = /\u0001\s*(?:==|!=|=)/;
/** Bits a slot's value may need, by kind (strings: a port's key, compiled differently: never in a slice). */
const SLOT_BITS: Record<string, number> = { m: 48, '4': 32, '6': 128 };
const COMMENT = /\/\*.*?\*\//g;

/**
 * The flow's abstract form, or undefined when its text has no slot or something its values could change, or
 * it is tagged with a port its text does not name (skipped or not by the port's relatedness).
 */
export function abstractFlow(lf: LogicalFlow): AbstractFlow | undefined {
  // (The stage and priority are part of the key, not numbers of the text: a class value equal to one compiles no
  // differently, where counting them made a switch's ports of keys 25 and 50 compile its L2 look-up in full.)
  const text = `${lf.match}\u0000${lf.actions.replace(COMMENT, '')}`;
  if (UNSAFE.test(text.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(NET, ''))) return undefined;
  const classes: (bigint | string)[] = [];
  const verbatim: bigint[] = [];
  const classOf = new Map<bigint | string, number>();
  let bad = false;
  let key = text.replace(
    TOKEN,
    (m: string, str?: string, mac?: string, ip6?: string, ip?: string, plen?: string, num?: string) => {
      if (num !== undefined) {
        verbatim.push(BigInt(num));
        return m;
      }
      let v: bigint | string;
      if (str !== undefined) {
        if (str.includes('\\')) bad = true;
        v = str;
      } else if (mac !== undefined) {
        const n = parseMac(mac);
        if (n === null) bad = true;
        v = BigInt(n ?? 0);
      } else if (ip6 !== undefined) {
        const n = parseIpv6(ip6);
        if (n === null) bad = true;
        v = n ?? 0n;
      } else {
        const n = parseIpv4(ip!);
        if (n === null) bad = true;
        v = BigInt(n ?? 0);
        // A network: its address has no bit past the prefix (one that has compiles as the compiler says, in full).
        if (
          plen !== undefined &&
          (Number(plen) < 1 || Number(plen) > 32 || v & ((1n << BigInt(32 - Number(plen))) - 1n))
        )
          bad = true;
      }
      let c = classOf.get(v);
      if (c === undefined) {
        classOf.set(v, (c = classes.length));
        classes.push(v);
      }
      const kind = str !== undefined ? 's' : mac !== undefined ? 'm' : ip6 !== undefined ? '6' : plen ? 'n' : '4';
      return plen ? `\u0001n${c}\u0001/${plen}` : `\u0001${kind}${c}\u0001`;
    },
  );
  if (bad || !classes.length || !slicesFit(key) || !netsFit(key)) return undefined;
  key = `${lf.pipeline}|${lf.table}|${lf.priority}|${lf.controllerMeter ?? ''}|${key}`;
  if (lf.ioPort === undefined) return { key, classes, verbatim };
  // The tag's port is one of the text's strings (its relatedness is a look-up of that slot's key).
  const io = classes.indexOf(lf.ioPort);
  return io < 0 ? undefined : { key: `${key}\u0000io${io}`, classes, verbatim };
}

/**
 * Whether every slot compared with or assigned to a bit slice fits it whatever its value: a slice at least as
 * wide as the slot's kind (`xreg0[0..47] = <MAC>`); a narrower one would refuse some values. Where the value
 * lands shifted (a slice not from bit 0, or of a register that is part of a wider one) the template learns
 * the shift.
 */
function slicesFit(key: string): boolean {
  if (SLOT_OPERATOR.test(key)) return false;
  for (const m of key.matchAll(SLICE_OPERAND)) {
    const start = Number(m[1]);
    const end = m[2] === undefined ? start : Number(m[2]);
    for (const slot of m[3]!.matchAll(/\u0001(.)\d+\u0001/g)) {
      const bits = SLOT_BITS[slot[1]!];
      if (bits === undefined || end - start + 1 < bits) return false;
    }
  }
  return true;
}

/**
 * Whether the networks compare as they did in the learnt shape whatever their values: a network with an address
 * of the same field compiles to one match or none by how they relate (`arp.spa == 10.0.0.0/24 && arp.spa ==
 * 10.1.0.1`), so a text with a network compares IPv4 slots only with distinct fields of NET_FIELDS (ones no other
 * field overlaps), each slot once, with no negation or alternative, and uses networks nowhere else (a set, an action).
 */
function netsFit(key: string): boolean {
  if (!key.includes('\u0001n')) return true;
  const match = key.slice(0, key.indexOf('\u0000'));
  // (A negated or alternative network compiles to matches of its bits, or several flows: not learnt.)
  if (/!|\|\|/.test(match)) return false;
  const fields = new Set<string>();
  let nets = 0;
  for (const m of match.matchAll(SLOT4_COMPARED)) {
    if (!NET_FIELDS.has(m[1]!) || fields.has(m[1]!)) return false;
    fields.add(m[1]!);
    if (m[0].includes('\u0001n')) nets++;
  }
  const slots = match.match(/\u0001[4n]\d+\u0001/g) ?? [];
  const all = key.match(/\u0001n\d+\u0001/g) ?? [];
  return slots.length === fields.size && nets === all.length;
}

/** Where a slot's value goes in a compiled flow: a path of properties and indexes, and the class. */
interface Patch {
  readonly path: readonly (string | number)[];
  readonly cls: number;
  /** Bits the value is shifted left by (a slice of a wider field). */
  readonly shift?: bigint;
}

/** A recorded look-up of a learnt shape: as it is (-1), or the class whose name (`n:`) or key (`k:`) it names. */
interface DepSlot {
  readonly cls: number;
  readonly kind: 'n' | 'k';
}

/** The patches of one flow's match entry or action (its index in the flow's list). */
interface PartPatches {
  readonly at: number;
  readonly patches: readonly Patch[];
}

/** A learnt flow's patches, by part. */
interface FlowPatches {
  readonly match: readonly PartPatches[];
  readonly actions: readonly PartPatches[];
}

interface Learnt {
  readonly flows: readonly CompiledFlow[];
  /**
   * Per flow (undefined: none), the patches of its match entries and actions (each patch's path: the flow's
   * index, `match` or `actions`, the part's index, then inside the part).
   */
  readonly byFlow: readonly (FlowPatches | undefined)[];
  readonly deps: readonly string[];
  /** Per dep: the class it names, or undefined (kept as is). */
  readonly depSlots: readonly (DepSlot | undefined)[];
  /** Per class: the value an instance must have (both samples had it), or undefined (patched). */
  readonly pinned: readonly (bigint | undefined)[];
  /** Classes whose key the compilations asked the relatedness of (an instance's must be related too). */
  readonly related: readonly number[];
}

interface Sample {
  readonly values: readonly bigint[];
  readonly names: readonly (string | undefined)[];
  readonly flows: readonly CompiledFlow[];
  readonly deps: readonly string[];
  readonly dpKey: number;
}

type State = { readonly first: Sample; tries: number } | { readonly learnt: Learnt } | 'no';

/** Gives up on a shape after this many instances that could not be compared with the first. */
const MAX_TRIES = 16;

/** What a template reads of the datapath it compiles for. */
export interface TemplateScope {
  readonly dpKey: number;
  /** The datapath's port and group keys by name (no look-up recorded). */
  lookupPort(name: string): number | undefined;
  /** Whether a port key is related (a switch's; routers ask nothing), no look-up recorded. */
  readonly isRelated?: (key: number) => boolean;
  /** The `n:<name>` and `k:<key>` look-up strings recorded for a name or key. */
  nameDep(name: string): string;
  keyDep(key: number): string;
}

/**
 * A store of learnt shapes. `crossDp`: it serves several datapaths (of one kind, the caller's key prefix), and
 * learns only from two samples of datapaths of different keys; otherwise it is one datapath context's (it goes
 * with it).
 */
export class LflowTemplates {
  private readonly states = new Map<string, State>();

  constructor(private readonly crossDp = false) {}

  /** Shapes learnt, and given up on. */
  counts(): { learnt: number; no: number; waiting: number } {
    let learnt = 0;
    let no = 0;
    for (const s of this.states.values())
      if (s === 'no') no++;
      else if ('learnt' in s) learnt++;
    return { learnt, no, waiting: this.states.size - learnt - no };
  }

  /** Whether the shape is given up on (its instances compile in full, or go to another store). */
  givenUp(key: string): boolean {
    return this.states.get(key) === 'no';
  }

  /** Output values of an instance's classes (strings as port keys), or undefined when it cannot be templated. */
  private values(
    a: AbstractFlow,
    scope: TemplateScope,
  ): { values: bigint[]; names: (string | undefined)[] } | undefined {
    const values: bigint[] = [];
    const names: (string | undefined)[] = [];
    const seen = new Set<bigint>(a.verbatim);
    for (const c of a.classes) {
      let v: bigint;
      if (typeof c === 'string') {
        const k = scope.lookupPort(c);
        if (k === undefined) return undefined;
        v = BigInt(k);
        names.push(c);
      } else {
        v = c;
        names.push(undefined);
      }
      // Coinciding with another class or a number of the text (or zero): not the shape learnt.
      if (v === 0n || seen.has(v)) return undefined;
      seen.add(v);
      values.push(v);
    }
    return { values, names };
  }

  /** The flows and look-ups of `a` from its learnt shape, or undefined (compile it, then `learn`). */
  instantiate(
    a: AbstractFlow,
    cookie: bigint,
    scope: TemplateScope,
    key = a.key,
  ): { flows: CompiledFlow[]; deps: string[] } | undefined {
    const s = this.states.get(key);
    if (s === undefined || s === 'no' || !('learnt' in s)) return undefined;
    const inst = this.values(a, scope);
    if (!inst) return undefined;
    const { flows, byFlow, deps, depSlots, pinned, related } = s.learnt;
    for (const [i, p] of pinned.entries()) if (p !== undefined && inst.values[i] !== p) return undefined;
    for (const c of related) if (!scope.isRelated?.(Number(inst.values[c]!))) return undefined;
    const metadata = this.crossDp ? sharedEntry({ field: DATAPATH_FIELD, value: BigInt(scope.dpKey) }) : undefined;
    const values = inst.values;
    // Each flow copied once, with its own cookie, datapath and values; its match entries and actions that
    // nothing patches stay the learnt flow's (shared) objects, the patched ones are shared again.
    const out: CompiledFlow[] = new Array<CompiledFlow>(flows.length);
    for (let i = 0; i < flows.length; i++) {
      const f = flows[i]!;
      const fp = byFlow[i];
      let match = f.match;
      if (metadata || fp?.match.length) {
        const m = metadata ? f.match.map((e) => (e.field === DATAPATH_FIELD ? metadata : e)) : f.match.slice();
        if (fp) for (const { at, patches } of fp.match) m[at] = sharedEntry(patchPart(m[at]!, patches, values));
        match = m;
      }
      let actions = f.actions;
      if (fp?.actions.length) {
        const a = f.actions.slice();
        for (const { at, patches } of fp.actions) a[at] = sharedAction(patchPart(a[at]!, patches, values));
        actions = a;
      }
      // (flowWith: copies of the compiler's shape, not spread copies, which hold a field out of the object.)
      const c = f.cookie === undefined ? undefined : cookie;
      out[i] = match === f.match && actions === f.actions && c === undefined ? f : flowWith(f, match, actions, c);
    }
    return {
      flows: out,
      deps: deps.map((d, i) => {
        const slot = depSlots[i];
        if (slot === undefined) return d;
        return slot.kind === 'n'
          ? scope.nameDep(a.classes[slot.cls] as string)
          : scope.keyDep(Number(inst.values[slot.cls]!));
      }),
    };
  }

  /**
   * A full compilation of `a` (no groups, no error), to learn its shape from (not one whose relatedness
   * look-ups were not all answered yes: its flows were filtered).
   */
  learn(
    a: AbstractFlow,
    flows: readonly CompiledFlow[],
    deps: readonly string[],
    scope: TemplateScope,
    key = a.key,
  ): void {
    const s = this.states.get(key);
    if (s === 'no' || (s && 'learnt' in s)) return;
    const inst = this.values(a, scope);
    if (!inst) return;
    if (flows.some((f) => f.clause || f.match.some((e) => e.field === 'conj_id'))) return this.give(key);
    for (const d of deps) {
      if (d.startsWith('n:') || d === 'meter') continue;
      if (!d.startsWith('k:')) return this.give(key);
      // Compiled with a port not related: its flows were filtered (another instance's may not be).
      if (!scope.isRelated?.(Number(d.slice(2)))) return;
    }
    const sample: Sample = { ...inst, flows, deps, dpKey: scope.dpKey };
    if (!s) return void this.states.set(key, { first: sample, tries: 0 });
    const first = s.first;
    // Learnt from two compilations that differ where a template may differ: for a store of several datapaths,
    // two of them (values that both share are pinned: the same text on every switch is learnt too); for one
    // datapath's, another value in at least one slot.
    // (Another instance on the first's datapath is no failure for a store of several: a router's shapes
    // wait for good, the per-datapath store learns them.)
    if (this.crossDp && first.dpKey === sample.dpKey) return;
    const comparable = this.crossDp || first.values.some((v, i) => v !== sample.values[i]);
    if (!comparable) {
      if (++s.tries >= MAX_TRIES) this.give(key);
      return;
    }
    const learnt = diff(first, sample);
    this.states.set(key, learnt ? { learnt } : 'no');
  }

  private give(key: string): void {
    this.states.set(key, 'no');
  }
}

/**
 * The shape two samples share: where they differ, each must be one class's value in both (the datapath's
 * `metadata` match aside: an instance gets its own); a class whose value they share is pinned.
 */
function diff(a: Sample, b: Sample): Learnt | undefined {
  if (a.flows.length !== b.flows.length || a.deps.length !== b.deps.length) return undefined;
  const depSlots: (DepSlot | undefined)[] = [];
  const related = new Set<number>();
  for (const [i, d] of a.deps.entries()) {
    const e = b.deps[i]!;
    // A look-up of a slot's name or key names that slot's (all names differ between the samples).
    if (d.startsWith('n:')) {
      const c = a.names.findIndex((n, k) => n !== undefined && d === `n:${n}` && e === `n:${b.names[k]}`);
      if (c < 0) return undefined;
      depSlots.push({ cls: c, kind: 'n' });
    } else if (d.startsWith('k:')) {
      const c = a.names.findIndex((n, k) => n !== undefined && d === `k:${a.values[k]}` && e === `k:${b.values[k]}`);
      if (c < 0) return undefined;
      depSlots.push({ cls: c, kind: 'k' });
      related.add(c);
    } else if (d === e) depSlots.push(undefined);
    else return undefined;
  }
  const pinned = a.values.map((v, k) => (v === b.values[k] ? v : undefined));
  const patches: Patch[] = [];
  let ok = true;
  const walk = (x: unknown, y: unknown, path: (string | number)[]): void => {
    if (!ok || x === y) return;
    if (typeof x === 'bigint' || typeof x === 'number') {
      if (typeof y !== typeof x) return void (ok = false);
      const vx = BigInt(x);
      const vy = BigInt(y as bigint | number);
      // A value as it is, or shifted into place by whole bytes (a slice of a wider register: xreg0 is xxreg0's
      // upper half).
      let shift = 0;
      let c = a.values.findIndex((v, k) => v === vx && b.values[k] === vy);
      if (c < 0 && typeof x === 'bigint')
        c = a.values.findIndex((v, k) => {
          shift = vx.toString(2).length - v.toString(2).length;
          return shift > 0 && shift % 8 === 0 && v << BigInt(shift) === vx && b.values[k]! << BigInt(shift) === vy;
        });
      if (c < 0) return void (ok = false);
      // A number (a port key in an output action) stays one.
      patches.push(shift > 0 ? { path: [...path], cls: c, shift: BigInt(shift) } : { path: [...path], cls: c });
      return;
    }
    if (Array.isArray(x)) {
      if (!Array.isArray(y) || x.length !== y.length) return void (ok = false);
      for (let i = 0; i < x.length && ok; i++) walk(x[i], y[i], [...path, i]);
      return;
    }
    if (x && y && typeof x === 'object' && typeof y === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
      if (Object.getPrototypeOf(y) !== Object.prototype) return void (ok = false);
      const kx = Object.keys(x);
      const ky = Object.keys(y);
      if (kx.length !== ky.length || kx.some((k, i) => k !== ky[i])) return void (ok = false);
      for (const k of kx)
        if (ok) walk((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], [...path, k]);
      return;
    }
    // Byte arrays (a controller action's encoded userdata) only when equal: a value inside them is not patched.
    if (x instanceof Uint8Array && y instanceof Uint8Array && sameBytes(x, y)) return;
    ok = false; // differing strings, booleans, byte arrays, other objects
  };
  for (let i = 0; i < a.flows.length && ok; i++) {
    const fa = a.flows[i]!;
    const fb = b.flows[i]!;
    const { cookie: ca, match: ma, ...ra } = fa as CompiledFlow & { cookie?: bigint };
    const { cookie: cb, match: mb, ...rb } = fb as CompiledFlow & { cookie?: bigint };
    if ((ca === undefined) !== (cb === undefined)) return undefined;
    if (ma.length !== mb.length) return undefined;
    for (let j = 0; j < ma.length && ok; j++) {
      const ea = ma[j]!;
      const eb = mb[j]!;
      // The datapath's key: an instance's own (both samples' datapaths, whichever their keys).
      if (
        ea.field === DATAPATH_FIELD &&
        eb.field === DATAPATH_FIELD &&
        ea.mask === undefined &&
        eb.mask === undefined
      ) {
        if (ea.value !== BigInt(a.dpKey) || eb.value !== BigInt(b.dpKey)) ok = false;
        continue;
      }
      walk(ea, eb, [i, 'match', j]);
    }
    walk(ra, rb, [i]);
  }
  // Patches deeper than a flow's match entry or action only.
  if (!ok || patches.some((p) => p.path.length < 4 || (p.path[1] !== 'match' && p.path[1] !== 'actions')))
    return undefined;
  // A pinned class's value found where the samples differ: not pinned after all.
  if (patches.some((p) => pinned[p.cls] !== undefined)) return undefined;
  return {
    flows: a.flows,
    byFlow: byFlow(a.flows.length, patches),
    deps: a.deps,
    depSlots,
    pinned,
    related: [...related],
  };
}

/** The patches grouped by flow, then by match entry or action (in the order found). */
function byFlow(n: number, patches: readonly Patch[]): (FlowPatches | undefined)[] {
  const out: ({ match: PartPatches[]; actions: PartPatches[] } | undefined)[] = new Array(n).fill(undefined);
  for (const p of patches) {
    const i = p.path[0] as number;
    const fp = (out[i] ??= { match: [], actions: [] });
    const parts = p.path[1] === 'match' ? fp.match : fp.actions;
    const at = p.path[2] as number;
    let part = parts.find((x) => x.at === at);
    if (!part) parts.push((part = { at, patches: [] }));
    (part.patches as Patch[]).push(p);
  }
  return out;
}

/** A match entry or action with its patches' values put in (a copy along each patch's path). */
function patchPart<T>(part: T, patches: readonly Patch[], values: readonly bigint[]): T {
  let o = part;
  for (const p of patches)
    o = patched(o, p.path, 3, p.shift === undefined ? values[p.cls]! : values[p.cls]! << p.shift);
  return o;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `o` with the value at `path[at..]` replaced by `v` (copies along the path; a number stays a number). */
function patched<T>(o: T, path: readonly (string | number)[], at: number, v: bigint): T {
  if (at === path.length) return (typeof o === 'number' ? Number(v) : v) as T;
  const k = path[at]!;
  if (at === 1 && (k === 'match' || k === 'actions')) {
    // The flow itself: copied at its own shape (flowWith).
    const f = o as CompiledFlow;
    return (
      k === 'match'
        ? flowWith(f, patched(f.match, path, 2, v), f.actions)
        : flowWith(f, f.match, patched(f.actions, path, 2, v))
    ) as T;
  }
  if (Array.isArray(o)) {
    const c = o.slice();
    c[k as number] = patched(c[k as number], path, at + 1, v);
    return c as T;
  }
  const r = o as Record<string, unknown>;
  return { ...r, [k]: patched(r[k], path, at + 1, v) } as T;
}
