// Logical flows that differ only in their literals compile once per datapath context: most of a chassis's
// compilations are a few shapes repeated per pod with other addresses and port names (100×50: the ARP
// responder `arp.tpa == <ip> && arp.op == 1`, the L2 look-up `eth.dst == <mac>` → `outport = "<pod>"`, the
// router's `outport == "<port>" && reg0 == <ip>` → `eth.dst = <mac>`: 16k of the 17.6k flows compiled, on
// 3 texts once their literals are abstracted). The text's exact IPv4 and IPv6 addresses, MACs and strings are
// slots; two full compilations of one shape whose slot values all differ show which parts of the output each
// slot becomes (its value, shifted by whole bytes into a wider register or not, or the port key a string
// names; a controller action's userdata only when no value reaches it); later flows of the shape copy the
// first output with their own values put there (the parts nothing replaces stay the same shared objects). What
// compiles differently for other values is kept out: texts with masks, ranges, address sets or port groups, a
// slot in a bit slice narrower than its kind, flows tagged with a port, outputs with groups, conjunctions,
// residency or relatedness look-ups or errors, and instances whose values coincide otherwise than in the
// learnt shape (the equality pattern of the slots is part of the key) or with another number of the text.
import { sharedAction, sharedEntry, type CompiledFlow, type LogicalFlow } from '@ovnts/expr';
import type { Action, MatchEntry } from '@ovnts/openflow';
import { parseIpv4, parseIpv6, parseMac } from '@ovnts/net';

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
  /"((?:[^"\\]|\\.)*)"|(?<![\w.:])((?:[0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2})(?![\w.:/])|(?<![\w.:[])([0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7})(?![\w.:/\]])|(?<![\w.:])(\d{1,3}(?:\.\d{1,3}){3})(?![\w.:/])|(?<![\w.:])(0x[0-9a-fA-F]+|\d+)(?![\w.:])/g;
/** What compiles differently for other values of a literal: masks, ranges, address sets and port groups. */
const UNSAFE = /[/$@]|<(?!->)|(?<!<-)>/;
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
 * it is tagged with a port (skipped or not by the port's relatedness).
 */
export function abstractFlow(lf: LogicalFlow): AbstractFlow | undefined {
  if (lf.ioPort !== undefined) return undefined;
  const text = `${lf.pipeline}|${lf.table}|${lf.priority}|${lf.controllerMeter ?? ''}|${lf.match}\u0000${lf.actions.replace(COMMENT, '')}`;
  if (UNSAFE.test(text.replace(/"(?:[^"\\]|\\.)*"/g, '""'))) return undefined;
  const classes: (bigint | string)[] = [];
  const verbatim: bigint[] = [];
  const classOf = new Map<bigint | string, number>();
  let bad = false;
  const key = text.replace(TOKEN, (m: string, str?: string, mac?: string, ip6?: string, ip?: string, num?: string) => {
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
    }
    let c = classOf.get(v);
    if (c === undefined) {
      classOf.set(v, (c = classes.length));
      classes.push(v);
    }
    const kind = str !== undefined ? 's' : mac !== undefined ? 'm' : ip6 !== undefined ? '6' : '4';
    return `\u0001${kind}${c}\u0001`;
  });
  if (bad || !classes.length || !slicesFit(key)) return undefined;
  return { key, classes, verbatim };
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

/** Where a slot's value goes in a compiled flow: a path of properties and indexes, and the class. */
interface Patch {
  readonly path: readonly (string | number)[];
  readonly cls: number;
  /** Bits the value is shifted left by (a slice of a wider field). */
  readonly shift?: bigint;
}

interface Learnt {
  readonly flows: readonly CompiledFlow[];
  /** Per flow: patches of its match entries and actions (by index), none for most. */
  readonly patches: readonly Patch[];
  readonly deps: readonly string[];
  /** Per dep: the string class whose `n:<name>` it is, or -1 (kept as is). */
  readonly depClass: readonly number[];
}

interface Sample {
  readonly values: readonly bigint[];
  readonly names: readonly (string | undefined)[];
  readonly flows: readonly CompiledFlow[];
  readonly deps: readonly string[];
}

type State = { readonly first: Sample; tries: number } | { readonly learnt: Learnt } | 'no';

/** Gives up on a shape after this many instances none of which differed from the first in every slot. */
const MAX_TRIES = 16;

/**
 * One datapath context's templates (they read its port keys, meters and the rest: they live and go with it).
 * `lookupPort` is the context's (it records the `n:` look-ups as a compilation would).
 */
export class LflowTemplates {
  private readonly states = new Map<string, State>();

  /**
   * `lookupPort`: the context's port and group keys by name (no look-up recorded); `nameDep`: the `n:<name>`
   * look-up string it records for a name.
   */
  constructor(
    private readonly lookupPort: (name: string) => number | undefined,
    private readonly nameDep: (name: string) => string = (n) => `n:${n}`,
  ) {}

  /** Output values of an instance's classes (strings as port keys), or undefined when it cannot be templated. */
  private values(a: AbstractFlow): { values: bigint[]; names: (string | undefined)[] } | undefined {
    const values: bigint[] = [];
    const names: (string | undefined)[] = [];
    const seen = new Set<bigint>(a.verbatim);
    for (const c of a.classes) {
      let v: bigint;
      if (typeof c === 'string') {
        const k = this.lookupPort(c);
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
  instantiate(a: AbstractFlow, cookie: bigint): { flows: CompiledFlow[]; deps: string[] } | undefined {
    const s = this.states.get(a.key);
    if (s === undefined || s === 'no' || !('learnt' in s)) return undefined;
    const inst = this.values(a);
    if (!inst) return undefined;
    const { flows, patches, deps, depClass } = s.learnt;
    const out: CompiledFlow[] = flows.map((f) => ('cookie' in f && f.cookie !== undefined ? { ...f, cookie } : f));
    for (const p of patches)
      out[p.path[0] as number] = patched(
        out[p.path[0] as number]!,
        p.path,
        1,
        p.shift === undefined ? inst.values[p.cls]! : inst.values[p.cls]! << p.shift,
      );
    // Patched parts are shared again (a patched flow's entries and actions are fresh objects by now).
    for (const p of patches) {
      const i = p.path[0] as number;
      const f = out[i]!;
      const j = p.path[2] as number;
      if (p.path[1] === 'match') (f.match as MatchEntry[])[j] = sharedEntry(f.match[j]!);
      else if (p.path[1] === 'actions') (f.actions as Action[])[j] = sharedAction(f.actions[j]!);
    }
    return {
      flows: out,
      deps: deps.map((d, i) => (depClass[i]! < 0 ? d : this.nameDep(a.classes[depClass[i]!] as string))),
    };
  }

  /** A full compilation of `a` (no groups, no error), to learn its shape from. */
  learn(a: AbstractFlow, flows: readonly CompiledFlow[], deps: readonly string[]): void {
    const s = this.states.get(a.key);
    if (s === 'no' || (s && 'learnt' in s)) return;
    const inst = this.values(a);
    if (!inst) return;
    if (flows.some((f) => f.clause || f.match.some((e) => e.field === 'conj_id'))) return this.give(a.key);
    if (deps.some((d) => !d.startsWith('n:') && d !== 'meter')) return this.give(a.key);
    const sample: Sample = { ...inst, flows, deps };
    if (!s) return void this.states.set(a.key, { first: sample, tries: 0 });
    const first = s.first;
    if (
      first.values.some(
        (v, i) => v === sample.values[i] || (first.names[i] !== undefined && first.names[i] === sample.names[i]),
      )
    ) {
      if (++s.tries >= MAX_TRIES) this.give(a.key);
      return;
    }
    const learnt = diff(first, sample);
    this.states.set(a.key, learnt ? { learnt } : 'no');
  }

  private give(key: string): void {
    this.states.set(key, 'no');
  }
}

/** The shape two samples share: where they differ, each must be one class's value in both. */
function diff(a: Sample, b: Sample): Learnt | undefined {
  if (a.flows.length !== b.flows.length || a.deps.length !== b.deps.length) return undefined;
  const depClass: number[] = [];
  for (const [i, d] of a.deps.entries()) {
    if (d === b.deps[i]) {
      depClass.push(-1);
      continue;
    }
    const c = a.names.findIndex((n, k) => n !== undefined && d === `n:${n}` && b.deps[i] === `n:${b.names[k]}`);
    if (c < 0) return undefined;
    depClass.push(c);
  }
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
    const { cookie: ca, ...ra } = fa as CompiledFlow & { cookie?: bigint };
    const { cookie: cb, ...rb } = fb as CompiledFlow & { cookie?: bigint };
    if ((ca === undefined) !== (cb === undefined)) return undefined;
    walk(ra, rb, [i]);
  }
  // Patches deeper than a flow's match entry or action only.
  if (!ok || patches.some((p) => p.path.length < 4 || (p.path[1] !== 'match' && p.path[1] !== 'actions')))
    return undefined;
  return { flows: a.flows, patches, deps: a.deps, depClass };
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
  if (Array.isArray(o)) {
    const c = o.slice();
    c[k as number] = patched(c[k as number], path, at + 1, v);
    return c as T;
  }
  const r = o as Record<string, unknown>;
  return { ...r, [k]: patched(r[k], path, at + 1, v) } as T;
}
