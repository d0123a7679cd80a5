// One Logical_Flow → OpenFlow flows, as the OVN 23.03 controller installs them for one local datapath:
// parse actions (collecting their match prerequisites), parse + annotate + simplify the match, evaluate
// is_chassis_resident(), normalize, expand to matches (with conjunctions), then attach metadata, table,
// priority, cookie and the encoded actions.
import { sharedBigint } from './shared-bigint.js';
import { sharedAction, sharedEntry } from './shared-parts.js';
import type { Action, Flow, Group, MatchEntry } from '@ovnts/openflow';
import { ActionParser, type ParsedActions } from './action-parser.js';
import { Annotator } from './annotate.js';
import { Cursor } from './cursor.js';
import { type Result, capture } from './errors.js';
import { type Expr, combine } from './expr.js';
import { encodeOrError } from './encode.js';
import { MatchParser } from './match-parser.js';
import { type ExprMatch, toEntries, toMatches } from './matches.js';
import { normalize } from './normalize.js';
import { evaluateConditions, simplify } from './simplify.js';
import { SYMBOLS, type SymbolTable } from './symbols.js';
import { DATAPATH_FIELD, type Pipeline, REG, pipelineTable } from './tables.js';

export interface LogicalFlow {
  /** Logical_Flow row UUID; the cookie is its first 32 bits. */
  readonly uuid: string;
  readonly pipeline: Pipeline;
  readonly table: number;
  readonly priority: number;
  readonly match: string;
  readonly actions: string;
  readonly controllerMeter?: string;
  /**
   * The logical port the flow is about (SB `tags:in_out_port`): on a switch, a flow about a port that is not
   * related to this chassis is skipped before it is parsed, as ovn-controller does (it would compile to flows
   * on that port's inport/outport, all dropped by `isPortRelated`).
   */
  readonly ioPort?: string;
}

/** What the controller knows about the chassis and the southbound DB, for one logical datapath. */
export interface DatapathContext {
  readonly dpKey: number;
  readonly isSwitch: boolean;
  /** Logical port or multicast group of this datapath → tunnel key. */
  lookupPort(name: string): number | undefined;
  isChassisResident(port: string): boolean;
  /**
   * Whether a port key of this (switch) datapath is local or related to this chassis; flows that match
   * on another port's inport (ingress) / outport (egress) are not installed. Absent = all ports related.
   */
  isPortRelated?(portKey: number): boolean;
  addressSet?(name: string): readonly string[] | undefined;
  /**
   * Port group members by SB name (`<dpKey>_<name>`). As in ovn-controller, only the members related to
   * this chassis should be returned: that turns `outport == @pg` into plain matches instead of conjunctions.
   */
  portGroup?(sbName: string): readonly string[] | undefined;
  groupId(group: Omit<Group, 'groupId'>): number;
  meterId?(name: string): number | undefined;
  /** First id of `n` fresh conjunction ids (unique across the flow table). */
  allocConjIds?(n: number): number;
  readonly snatCtZone?: boolean;
  /** Flow_Sample_Collector_Set ids configured on br-int (for sample()). */
  readonly flowCollectorIds?: ReadonlySet<number>;
  readonly dhcpOptions?: ReadonlyMap<string, { code: number; type: string }>;
  readonly dhcpv6Options?: ReadonlyMap<string, { code: number; type: string }>;
}

export interface CompiledFlow extends Flow {
  /** The OpenFlow flow is a conjunction clause (cookie 0, as the real controller installs them). */
  readonly clause?: boolean;
}

export interface CompilerOptions {
  /**
   * Reuse the parsed actions and the annotated, simplified match of a logical flow across datapaths and
   * calls when its text does not refer to address sets or port groups (whose contents vary). Default on;
   * use a new Compiler when the SB DHCP option tables change.
   */
  readonly cache?: boolean;
}

interface Prepared {
  readonly actions: ParsedActions['actions'];
  readonly expr: Expr;
}

/**
 * Prepared flows per generation of a Compiler's cache at most; it holds at most twice its generation. Two
 * generations: when the current one is full it becomes the old one (the previous old one is dropped), and a hit
 * in the old one moves the entry back, so the flow texts in use stay and those of deleted logical flows (a
 * long-running controller sees endless new ones: port names, addresses) go.
 */
export const COMPILER_CACHE_GENERATION = 8192;

/**
 * The smallest generation `sizeCache` sets. An entry is ~2 KB, so a full cache of the largest generation is
 * ~30 MB: on a chassis holding a few thousand logical flows, texts of deleted flows filled it over a long run
 * (issue 24's soak: the controller's live heap 57 → 86 MB over 200k NB edits).
 */
export const COMPILER_CACHE_MIN_GENERATION = 1024;

export class Compiler {
  private readonly annotator: Annotator;
  private readonly cacheOn: boolean;
  private cache = new Map<string, Prepared>();
  private oldCache = new Map<string, Prepared>();
  private generation = COMPILER_CACHE_GENERATION;
  constructor(
    readonly symbols: SymbolTable = SYMBOLS,
    opts: CompilerOptions = {},
  ) {
    this.annotator = new Annotator(symbols);
    this.cacheOn = opts.cache !== false;
  }

  /** Prepared flows cached now (at most 2 × the generation). */
  get cacheSize(): number {
    return this.cache.size + this.oldCache.size;
  }

  /** Entries per cache generation now. */
  get cacheGeneration(): number {
    return this.generation;
  }

  /**
   * Sizes the cache to its working set: `flows`, the logical flows its owner compiles (their distinct texts are
   * at most that many), within COMPILER_CACHE_MIN_GENERATION..COMPILER_CACHE_GENERATION. The cache then holds at
   * most twice the flows in use rather than a fixed number of texts, most of them of deleted flows.
   */
  sizeCache(flows: number): void {
    this.generation = Math.min(COMPILER_CACHE_GENERATION, Math.max(COMPILER_CACHE_MIN_GENERATION, Math.ceil(flows)));
  }

  private cached(key: string): Prepared | undefined {
    const hit = this.cache.get(key);
    if (hit) return hit;
    const old = this.oldCache.get(key);
    if (old) {
      this.oldCache.delete(key);
      this.remember(key, old);
    }
    return old;
  }

  private remember(key: string, prep: Prepared): void {
    if (this.cache.size >= this.generation) {
      this.oldCache = this.cache;
      this.cache = new Map();
    }
    this.cache.set(key, prep);
  }

  /**
   * Compiles one logical flow for one datapath; never throws (errors are positioned ExprErrors). `cache: false`
   * leaves this text out of the cache (a caller that knows it compiles the text once: no other datapath shares it).
   */
  compile(lf: LogicalFlow, dp: DatapathContext, opts: { readonly cache?: boolean } = {}): Result<CompiledFlow[]> {
    return capture(lf.match, () => this.compileOrThrow(lf, dp, opts));
  }

  compileOrThrow(lf: LogicalFlow, dp: DatapathContext, opts: { readonly cache?: boolean } = {}): CompiledFlow[] {
    if (lf.ioPort !== undefined && !ioPortRelated(lf.ioPort, dp)) return [];
    const cacheable = this.cacheOn && opts.cache !== false && !/[$@]/.test(lf.match) && !/[$@]/.test(lf.actions);
    const key = cacheable ? `${lf.pipeline}/${lf.table}/${lf.match}\u0000${lf.actions}` : '';
    let prep = cacheable ? this.cached(key) : undefined;
    if (!prep) {
      prep = this.prepare(lf, dp);
      if (cacheable) this.remember(key, prep);
    }
    const expr = normalize(evaluateConditions(prep.expr, (p) => dp.isChassisResident(p)));
    return this.emit(lf, dp, prep.actions, expr);
  }

  /** Parse, annotate and simplify: everything that does not depend on the chassis or datapath keys. */
  private prepare(lf: LogicalFlow, dp: DatapathContext): Prepared {
    const env = {
      symbols: this.symbols,
      dpKey: dp.dpKey,
      ...(dp.addressSet ? { addressSet: (n: string) => dp.addressSet!(n) } : {}),
      ...(dp.portGroup ? { portGroup: (n: string) => dp.portGroup!(n) } : {}),
    };
    const parsed = new ActionParser(lf.actions, {
      ...env,
      pipeline: lf.pipeline,
      table: lf.table,
      ...(dp.dhcpOptions ? { dhcpOptions: dp.dhcpOptions } : {}),
      ...(dp.dhcpv6Options ? { dhcpv6Options: dp.dhcpv6Options } : {}),
    }).parseAll();
    let expr: Expr = new MatchParser(new Cursor(lf.match), env).parseAll();
    for (const p of parsed.prereqs) expr = combine('and', expr, this.prereq(p));
    return { actions: parsed.actions, expr: simplify(this.annotator.annotate(expr, lf.match)) };
  }

  private emit(lf: LogicalFlow, dp: DatapathContext, parsedActions: Prepared['actions'], expr: Expr): CompiledFlow[] {
    const { matches, nConjs } = toMatches(expr, (n) => dp.lookupPort(n));
    if (!matches.length) return [];

    const ctrlMeterId = lf.controllerMeter ? dp.meterId?.(lf.controllerMeter) : undefined;
    const actions: Action[] = encodeOrError(
      {
        symbols: this.symbols,
        pipeline: lf.pipeline,
        table: lf.table,
        lflowUuid: lf.uuid,
        dpKey: dp.dpKey,
        ...(dp.flowCollectorIds ? { flowCollectorIds: dp.flowCollectorIds } : {}),
        isSwitch: dp.isSwitch,
        ...(dp.meterId ? { meterId: (n: string) => dp.meterId!(n) } : {}),
        lookupPort: (n) => dp.lookupPort(n),
        groupId: (g) => dp.groupId(g),
        ...(ctrlMeterId !== undefined ? { ctrlMeterId } : {}),
        ...(dp.snatCtZone ? { snatCtZone: true } : {}),
        ...(dp.dhcpOptions ? { dhcpOptions: dp.dhcpOptions } : {}),
        ...(dp.dhcpv6Options ? { dhcpv6Options: dp.dhcpv6Options } : {}),
      },
      parsedActions,
      lf.actions,
    ).map(sharedAction);
    const conjBase = nConjs ? (dp.allocConjIds?.(nConjs) ?? 1) - 1 : 0;
    const cookie = BigInt('0x' + lf.uuid.replaceAll('-', '').slice(0, 8));
    const table = pipelineTable(lf.pipeline, lf.table);
    const portReg = `reg${lf.pipeline === 'ingress' ? REG.inport : REG.outport}`;
    const kept: { m: ExprMatch; entries: MatchEntry[] }[] = [];
    for (const m of matches) {
      const entries = toEntries(m.fields).map(sharedEntry);
      if (dp.isSwitch && dp.isPortRelated) {
        const port = entries.find((e) => e.field === portReg && e.mask === undefined);
        if (port && port.value !== 0n && !dp.isPortRelated(Number(port.value))) continue;
      }
      kept.push({ m, entries });
    }
    const dead = incompleteConjunctions(kept.map((k) => k.m));
    const out: CompiledFlow[] = [];
    for (const { m, entries } of kept) {
      if (m.conjId !== undefined && dead.has(m.conjId)) continue;
      const conjunctions = dead.size ? m.conjunctions.filter((c) => !dead.has(c.id)) : m.conjunctions;
      if (m.conjunctions.length && !conjunctions.length) continue;
      // Built at their final size: a controller holds every flow it installs, and an array grown by push keeps
      // ~17 slots (~120 bytes of slack per array, ~15 MB at 100×50).
      const tail: MatchEntry[] = [sharedEntry({ field: DATAPATH_FIELD, value: sharedBigint(BigInt(dp.dpKey)) })];
      if (m.conjId !== undefined) tail.push({ field: 'conj_id', value: BigInt(conjBase + m.conjId) });
      const match = entries.concat(tail);
      if (conjunctions.length) {
        out.push({
          table,
          priority: lf.priority,
          match,
          actions: conjunctions.map((c) => ({
            type: 'conjunction',
            id: conjBase + c.id,
            clause: c.clause + 1,
            nClauses: c.nClauses,
          })),
          clause: true,
        });
      } else out.push({ table, priority: lf.priority, cookie, match, actions });
    }
    return out.slice();
  }

  private readonly prereqCache = new Map<string, Expr>();
  private prereq(text: string): Expr {
    let e = this.prereqCache.get(text);
    if (!e) {
      e = new MatchParser(new Cursor(text), { symbols: this.symbols }).parseAll();
      this.prereqCache.set(text, e);
    }
    return e;
  }
}

/** Whether a flow tagged with `ioPort` is installed on `dp` (see LogicalFlow.ioPort); only switches filter ports. */
function ioPortRelated(ioPort: string, dp: DatapathContext): boolean {
  if (!dp.isSwitch || !dp.isPortRelated) return true;
  const key = dp.lookupPort(ioPort);
  return key !== undefined && dp.isPortRelated(key);
}

const NO_IDS: ReadonlySet<number> = new Set();

/**
 * Conjunction ids (expression-local) that can never fire: some clause has no flow left, because the port
 * filter dropped all of its flows or a clause could not match at all. ovn-controller installs nothing of such
 * a conjunction, neither the remaining clauses nor the conj_id flow.
 */
function incompleteConjunctions(matches: readonly ExprMatch[]): ReadonlySet<number> {
  // Most flows are no conjunction at all: no map and set for them.
  if (!matches.some((m) => m.conjunctions.length || m.conjId !== undefined)) return NO_IDS;
  const seen = new Map<number, { n: number; clauses: Set<number> }>();
  for (const m of matches)
    for (const c of m.conjunctions) {
      let e = seen.get(c.id);
      if (!e) seen.set(c.id, (e = { n: c.nClauses, clauses: new Set() }));
      e.clauses.add(c.clause);
    }
  const dead = new Set<number>();
  for (const [id, e] of seen) if (e.clauses.size < e.n) dead.add(id);
  for (const m of matches) if (m.conjId !== undefined && !seen.has(m.conjId)) dead.add(m.conjId);
  return dead;
}
