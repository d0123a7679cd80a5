// Conditional monitoring of the southbound DB (ovn-controller's default, `ovn-monitor-all=false`): the chassis
// replicates only what it can use, so its memory and the SB's sending scale with its local slice.
//
// What is kept, per table (the server keeps a row when ANY clause matches):
// - Port_Binding: every patch, chassisredirect and external port (patch peers tell which datapaths become
//   local next, so their slice can be asked for in the same round); ports bound to or requested on this
//   chassis; l2/l3 gateway ports naming it; ports named by a local interface's iface-id (so they can be
//   claimed); every port of a local datapath.
// - Logical_Flow, Load_Balancer: rows of a local datapath, or of a datapath group that holds one. (Upstream
//   takes every grouped lflow; the groups themselves are replicated whole, so the slice can name them.)
// - MAC_Binding, Static_MAC_Binding, Multicast_Group, IP_Multicast, DNS, FDB: rows of local datapaths.
// - Chassis_Private, Controller_Event, IGMP_Group, Chassis_Template_Var: this chassis's rows.
// - Everything else (Chassis and Encap for tunnels, Datapath_Binding, Logical_DP_Group, HA groups, address
//   sets, port groups, meters, SB_Global…) whole.
// `ovn-monitor-all=true` lifts every condition.
//
// The slice depends on what is replicated (a claimed port makes its datapath local, whose patch ports lead
// further): the daemon recomputes the conditions each round and, when they changed, waits for the server to
// apply them before computing flows, so flows are never computed from a slice that is still arriving, and a
// row that only moved between datapath groups is back before anything is installed without it.
import type { ConditionMap, MonitorCondition, Replica, TableMonitorOptions, Uuid } from 'ovsdb-client-ts';
import { model as sbModel, type DatapathBinding, type Tables as SbTables } from '@ovnts/schema/sb';
import type { SbSnapshot } from './view.js';

type SbModel = typeof sbModel;
export type SbConditions = ConditionMap<SbModel>;

/** The tables whose rows are filtered by conditions (all others are replicated whole). */
export const CONDITIONED_TABLES = [
  'Port_Binding',
  'Logical_Flow',
  'Load_Balancer',
  'MAC_Binding',
  'Static_MAC_Binding',
  'Multicast_Group',
  'IP_Multicast',
  'DNS',
  'FDB',
  'Chassis_Private',
  'Controller_Event',
  'IGMP_Group',
  'Chassis_Template_Var',
] as const satisfies readonly (keyof SbTables)[];

export interface MonitorInterest {
  /** `ovn-monitor-all=true`: replicate everything. */
  readonly monitorAll: boolean;
  readonly chassisName: string;
  /** This chassis's Chassis row, once registered. */
  readonly chassis: Uuid<'Chassis'> | undefined;
  /** external_ids:iface-id of the interfaces on the integration bridge. */
  readonly ifaceIds: ReadonlySet<string>;
  readonly localDps: ReadonlyMap<Uuid<'Datapath_Binding'>, DatapathBinding>;
}

/** No clause: nothing (an empty condition would mean every row). */
function anyOf<R>(clauses: MonitorCondition<R>): MonitorCondition<R> {
  return clauses.length ? clauses : [false];
}

/** The SB conditions for this chassis's slice (pure; stable order, so equal slices give equal conditions). */
export function sbConditions(sb: Pick<SbSnapshot, 'Logical_DP_Group'>, want: MonitorInterest): SbConditions {
  if (want.monitorAll) return Object.fromEntries(CONDITIONED_TABLES.map((t) => [t, undefined])) as SbConditions;
  const dps = [...want.localDps.keys()].sort();
  const local = new Set<string>(dps);
  const groups = [...sb.Logical_DP_Group.values()]
    .filter((g) => g.datapaths.some((d) => local.has(d)))
    .map((g) => g._uuid)
    .sort();
  const keys = [...want.localDps.values()].map((d) => d.tunnel_key).sort((a, b) => a - b);
  const ifaceIds = [...want.ifaceIds].sort();
  const name = want.chassisName;
  const me = want.chassis;
  return {
    Port_Binding: [
      ['type', '==', 'patch'],
      ['type', '==', 'chassisredirect'],
      ['type', '==', 'external'],
      ...(me
        ? ([
            ['chassis', '==', me],
            ['requested_chassis', '==', me],
          ] as const)
        : []),
      ['options', 'includes', { 'l2gateway-chassis': name }],
      ['options', 'includes', { 'l3gateway-chassis': name }],
      ...ifaceIds.flatMap((id) => [['logical_port', '==', id] as const, ['parent_port', '==', id] as const]),
      ...dps.map((d) => ['datapath', '==', d] as const),
    ],
    Logical_Flow: anyOf([
      ...dps.map((d) => ['logical_datapath', '==', d] as const),
      ...groups.map((g) => ['logical_dp_group', '==', g] as const),
    ]),
    Load_Balancer: anyOf([
      ...dps.map((d) => ['datapaths', 'includes', d] as const),
      ...groups.map((g) => ['datapath_group', '==', g] as const),
    ]),
    MAC_Binding: anyOf(dps.map((d) => ['datapath', '==', d] as const)),
    Static_MAC_Binding: anyOf(dps.map((d) => ['datapath', '==', d] as const)),
    Multicast_Group: anyOf(dps.map((d) => ['datapath', '==', d] as const)),
    IP_Multicast: anyOf(dps.map((d) => ['datapath', '==', d] as const)),
    DNS: anyOf(dps.map((d) => ['datapaths', 'includes', d] as const)),
    FDB: anyOf(keys.map((k) => ['dp_key', '==', k] as const)),
    Chassis_Private: [['name', '==', name]],
    Controller_Event: me ? [['chassis', '==', me]] : [false],
    IGMP_Group: me ? [['chassis', '==', me]] : [false],
    Chassis_Template_Var: [['chassis', '==', name]],
  };
}

/**
 * sbConditions, built again only when what it reads moved (the local datapaths and their keys, the interfaces'
 * iface-ids, the chassis, the datapath groups table): otherwise the same object, which SbMonitor.apply then
 * skips without comparing clause by clause (each clause as JSON, every round).
 */
export class SbConditionsMemo {
  private key: string | undefined;
  private groups: unknown;
  private last: SbConditions | undefined;

  get(sb: Pick<SbSnapshot, 'Logical_DP_Group'>, want: MonitorInterest): SbConditions {
    const key = want.monitorAll
      ? 'all'
      : [
          want.chassisName,
          want.chassis ?? '',
          [...want.localDps.values()].map((d) => `${d._uuid}:${d.tunnel_key}`).join(','),
          [...want.ifaceIds].join(','),
        ].join('|');
    if (this.last && key === this.key && (want.monitorAll || sb.Logical_DP_Group === this.groups)) return this.last;
    this.key = key;
    this.groups = sb.Logical_DP_Group;
    return (this.last = sbConditions(sb, want));
  }
}

/**
 * Columns never read, left out of the monitor as ovn-controller omits them (their bytes, decoding and the
 * replica's memory: every Logical_Flow's `stage-name`/`source`/`stage-hint`, every pod port's CNI ids). A row
 * whose only change is in such a column is not sent at all. The Connection table is not monitored.
 */
export const OMITTED_COLUMNS: { readonly [T in keyof SbTables]?: readonly (keyof SbTables[T] & string)[] } = {
  SB_Global: ['external_ids'],
  Logical_Flow: ['external_ids'],
  Port_Binding: ['external_ids'],
  SSL: ['external_ids'],
  Gateway_Chassis: ['external_ids'],
  HA_Chassis: ['external_ids'],
  HA_Chassis_Group: ['external_ids'],
  Chassis_Private: ['external_ids'],
};
const UNMONITORED_TABLES: ReadonlySet<string> = new Set(['Connection']);

/**
 * Tables monitored without their rows' `_version` (it reads as the zero UUID): Logical_Flow, most of a chassis's
 * rows (23.7k of 29k at 100x50), is read by its columns only; its version was a 56-byte string a row kept for
 * the process's life (~1.3 MB at the first install, a chassis's peak RSS) and ~50 bytes a row on the wire.
 */
export const UNVERSIONED_TABLES: ReadonlySet<string> = new Set(['Logical_Flow']);

type SbMonitorTables = { [T in keyof SbTables]?: TableMonitorOptions<SbTables[T]> | true };

/** Monitor options for the first subscription: every table (less OMITTED_COLUMNS), with the given conditions. */
export function monitorTables(conds: SbConditions): SbMonitorTables {
  const out: Record<string, { where?: unknown; columns?: string[]; versions?: false } | true> = {};
  const omitted: Record<string, readonly string[] | undefined> = OMITTED_COLUMNS;
  const where: Record<string, unknown> = conds;
  for (const [t, schema] of Object.entries(sbModel.schema.tables)) {
    if (UNMONITORED_TABLES.has(t)) continue;
    const drop = omitted[t];
    const columns = drop ? Object.keys(schema.columns).filter((c) => !drop.includes(c)) : undefined;
    const w = where[t];
    const versions = !UNVERSIONED_TABLES.has(t);
    out[t] =
      w || columns || !versions
        ? { ...(w ? { where: w } : {}), ...(columns ? { columns } : {}), ...(versions ? {} : { versions }) }
        : true;
  }
  return out as SbMonitorTables;
}

/** Sends condition changes, only for tables whose condition differs from what was last sent. */
export class SbMonitor {
  /** Per table, the clauses last sent (each as JSON; `null`: every row). */
  private readonly sent = new Map<string, readonly string[] | null>();
  /** Condition changes the server applied. */
  changes = 0;
  /** Steps of a split widening applied before its last (widenSteps). */
  stepsApplied = 0;
  /** The conditions last applied as a whole (or sent without waiting and not refused since). */
  private applied: SbConditions | undefined;

  constructor(
    private readonly replica: Pick<Replica<SbModel>, 'setConditions'> &
      Partial<Pick<Replica<SbModel>, 'setConditionSteps'>>,
    initial: SbConditions,
    private readonly timeoutMs = 30_000,
    /** A change sent without waiting (see apply) was refused or timed out: it is sent again next round. */
    private readonly onLateFailure: () => void = () => undefined,
    /** Into how many steps a widening of Logical_Flow is split (widenSteps); 1: one change. */
    private readonly widenStepCount = WIDEN_STEPS,
  ) {
    for (const [t, w] of Object.entries(initial)) this.sent.set(t, clausesOf(w));
  }

  /**
   * Applies `conds`; true when the round must compute again once the new slice is in the replica (it is when
   * this resolves). A change that only names more local interfaces' ports (iface-id clauses) is sent without
   * waiting and gives false: the rows it adds are ports to claim, and their arrival is a change that starts a
   * round of its own, while a port already replicated (its datapath is local) is claimed at once.
   * A change that adds many datapaths' logical flows (a start: the whole slice) goes in steps (widenSteps),
   * sent back to back; `onStep` runs once each step but the last is in the replica (the server composing the
   * next meanwhile), to use the rows so far — never to install them: the slice is whole only when this resolves.
   */
  async apply(conds: SbConditions, signal?: AbortSignal, onStep?: () => Promise<void>): Promise<boolean> {
    if (conds === this.applied) return false;
    const changed: Record<string, unknown> = {};
    const next = new Map<string, readonly string[] | null>();
    for (const [t, w] of Object.entries(conds)) {
      const clauses = clausesOf(w);
      if (sameClauses(this.sent.get(t), clauses)) continue;
      changed[t] = w;
      next.set(t, clauses);
    }
    if (!next.size) {
      this.applied = conds;
      return false;
    }
    this.applied = undefined;
    const before = new Map([...next.keys()].map((t) => [t, this.sent.get(t)]));
    if ([...next].every(([t, c]) => onlyMorePortNames(t, before.get(t), c))) {
      for (const [t, c] of next) this.sent.set(t, c);
      this.applied = conds;
      this.replica.setConditions(changed as SbConditions, { timeoutMs: this.timeoutMs }).then(
        () => void this.changes++,
        () => {
          for (const [t, c] of next) if (this.sent.get(t) === c) this.sent.delete(t);
          if (this.applied === conds) this.applied = undefined;
          this.onLateFailure();
        },
      );
      return false;
    }
    // Forget what was sent until the server confirms: after a failure the next round sends it again.
    for (const t of next.keys()) this.sent.delete(t);
    const call = { timeoutMs: this.timeoutMs, ...(signal ? { signal } : {}) };
    const steps = this.replica.setConditionSteps
      ? widenSteps(changed as SbConditions, before.get('Logical_Flow'), this.widenStepCount)
      : [changed as SbConditions];
    if (steps.length > 1) {
      const done = this.replica.setConditionSteps!(steps, call);
      for (const d of done) d.catch(() => undefined); // awaited in order below; a failure ends the wait
      for (let i = 0; i < done.length - 1; i++) {
        await done[i];
        this.stepsApplied++;
        if (onStep) await onStep();
      }
      await done[done.length - 1];
    } else await this.replica.setConditions(changed as SbConditions, call);
    for (const [t, c] of next) this.sent.set(t, c);
    this.applied = conds;
    this.changes++;
    return true;
  }
}

/**
 * Parts of a big Logical_Flow widening (OVNTS_SB_WIDEN_STEPS; 1, the default, sends the change as one). Off by
 * default: on a loaded 2-core box the steps measured no faster and used more CPU (issue 20, session 19); the
 * overlap needs the server's core free.
 */
const WIDEN_STEPS = Math.max(1, Number(process.env['OVNTS_SB_WIDEN_STEPS'] ?? 1) || 1);
/** Fewer new Logical_Flow clauses than this per part: one change. */
const WIDEN_MIN_CLAUSES_PER_STEP = 2;

/**
 * A condition change that adds Logical_Flow clauses (datapaths, datapath groups) in a number worth splitting,
 * as steps: first every other table's change (the ports, groups, balancers… the flows compile against), then
 * the new Logical_Flow clauses in `count` parts (dealt round-robin, in the condition's order), the last step
 * bringing Logical_Flow to `changed`'s. The server sends each step's rows as it applies it, so the slice
 * arrives in parts the daemon decodes and compiles while the server composes the next. Otherwise `[changed]`.
 */
export function widenSteps(
  changed: SbConditions,
  before: readonly string[] | null | undefined,
  count: number,
): SbConditions[] {
  const lf = changed.Logical_Flow;
  if (count <= 1 || !Array.isArray(lf) || before === null) return [changed];
  const had = new Set((before ?? []).filter((c) => c !== 'false'));
  const texts = lf.map((c) => JSON.stringify(c));
  const now = new Set(texts);
  if ([...had].some((c) => !now.has(c))) return [changed]; // a clause goes: not a widening
  const fresh = texts.flatMap((t, i) => (had.has(t) ? [] : [i]));
  if (fresh.length < count * WIDEN_MIN_CLAUSES_PER_STEP) return [changed];
  const partOf = new Map(fresh.map((i, n) => [i, n % count]));
  const upTo = (k: number) => lf.filter((_, i) => (partOf.get(i) ?? -1) <= k) as typeof lf;
  const { Logical_Flow: _, ...others } = changed;
  const steps: SbConditions[] = Object.keys(others).length ? [others] : [];
  for (let k = 0; k < count - 1; k++) steps.push({ Logical_Flow: upTo(k) });
  steps.push({ Logical_Flow: lf });
  return steps;
}

function clausesOf(w: unknown): readonly string[] | null {
  return Array.isArray(w) ? w.map((c) => JSON.stringify(c)) : null;
}

function sameClauses(a: readonly string[] | null | undefined, b: readonly string[] | null): boolean {
  if (a === undefined) return false;
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

/** Port_Binding's condition gained only `logical_port ==` / `parent_port ==` clauses (nothing removed). */
function onlyMorePortNames(
  table: string,
  before: readonly string[] | null | undefined,
  after: readonly string[] | null,
): boolean {
  if (table !== 'Port_Binding' || !before || !after) return false;
  const had = new Set(before);
  const now = new Set(after);
  if (before.some((c) => !now.has(c))) return false;
  return after.every((c) => had.has(c) || /^\["(logical_port|parent_port)","==",/.test(c));
}
