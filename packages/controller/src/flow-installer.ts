// Brings the switch in line with the desired flows and groups. After a (re)connect the switch's tables are
// read once and diffed in full; from then on only what we sent is tracked and each sync diffs the keys whose
// desired flows changed, applied as one atomic bundle (groups added before the flows, removed after them).
// Flows the switch refuses stay out and are sent again later (refused-flows.ts), each logged once.
import type { Logger } from 'pino';
import {
  type Action,
  type Flow,
  type Group,
  type Meter,
  type OfMessage,
  type StreamedBundle,
  type SwitchConnection,
  formatActions,
  formatMatch,
} from '@ovnts/openflow';
import { groupText } from './groups.js';
import { ALL_METERS, meterText } from './meters.js';
import { GENEVE_TLV } from './physical.js';
import { type FlowModSwitch, type Refused, applyFlowMods } from './install.js';
import { LogRateLimit } from './rate-limit.js';
import { RefusedFlows } from './refused-flows.js';
import {
  type DesiredFlows,
  type FlowPlan,
  InstalledFlows,
  applyPlan,
  keyOf,
  planFlowMods,
  planFlowsSliced,
  stateOf,
} from './flow-table.js';

export interface SyncResult extends FlowPlan {
  /** The switch's tables were read first (first sync of a connection). */
  readonly full: boolean;
  /** Flows added ahead of the sync (streamAhead), in the same bundle, besides `add`. */
  readonly streamed: number;
}

/** What the installer needs of the switch connection. */
export type FlowSwitch = FlowModSwitch &
  Pick<SwitchConnection, 'ensureTlvMap' | 'sendChecked' | 'dumpFlows' | 'dumpGroups'> &
  Partial<Pick<SwitchConnection, 'openBundle'>>;

/**
 * A connection's first install sent ahead, while the flows compile (streamAhead): the switch's tables as read,
 * with the flows already in the open bundle added (tentatively: they are the switch's only once it commits).
 */
interface Ahead {
  /** The switch's tables read, the bundle opened; false if that failed (the sync then starts over). */
  ready: Promise<boolean>;
  installed?: InstalledFlows;
  groups?: Map<number, string>;
  bundle?: StreamedBundle;
  /** Flows added to the bundle so far. */
  streamed: number;
  /** Keys set since the last batch went ahead (the rest of the table is planned by the sync: in full). */
  readonly keys: Set<string>;
  /** An add failed to be written or the switch refused one: the sync discards the bundle and starts over. */
  failed: boolean;
}

export interface FlowInstallerOptions {
  /** Called when a refused flow is due to be sent again (the caller runs a sync then). */
  readonly onRetryDue?: () => void;
  readonly now?: () => number;
  /** Flows sent ahead of the first sync per batch (default AHEAD_BATCH). */
  readonly aheadBatch?: number;
}

/** Refused flows logged: as VLOG_WARN_RL's limits, 20 lines a minute in bursts of 50. */
const REFUSAL_LOG_PER_MINUTE = 20;
const REFUSAL_LOG_BURST = 50;

export class FlowInstaller {
  private installed: InstalledFlows | undefined;
  /** The first sync of a connection, sent ahead while the flows compile (streamAhead). */
  private ahead: Ahead | undefined;
  private installedGroups = new Map<number, string>();
  private installedMeters = new Map<number, string>();
  private meterError: string | undefined;
  private readonly refused = new RefusedFlows();
  private readonly refusalLog: LogRateLimit;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(
    private readonly conn: FlowSwitch,
    private readonly log?: Logger,
    private readonly opts: FlowInstallerOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.refusalLog = new LogRateLimit(REFUSAL_LOG_PER_MINUTE, REFUSAL_LOG_BURST, this.now);
  }

  /** How many refused flows are waiting to be sent again (bounded by MAX_REFUSED). */
  get refusedCount(): number {
    return this.refused.size;
  }

  /** Stops the retry timer (the controller is stopping). */
  close(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /** Forget what the switch has (a new connection): the next sync reads it again. */
  reset(): void {
    this.installed = undefined;
    this.ahead = undefined; // its bundle went with the connection, or the sync that failed discarded it
  }

  /**
   * Sends the desired flows set since the last call into a bundle that the next sync commits, while the caller
   * is still computing the rest: for the first sync of a connection only (a start's ~40k flows), whose switch
   * would otherwise sit idle until the whole table is compiled, then decode them all at once. Only flows whose
   * key the switch does not have yet and that use no group or meter go ahead (groups and meters must exist
   * first; a key the switch has may need a modify); the sync plans everything as usual against the switch's
   * tables plus what went ahead, so a flow that went ahead and changed or went since is replaced or deleted in
   * the same bundle, and nothing is applied before it commits. Any failure (a refused flow, a lost connection)
   * discards the bundle and the sync starts over from the switch's tables, as without it.
   */
  streamAhead(desired: DesiredFlows): void {
    if (this.installed || !this.conn.openBundle || this.refused.size) return;
    if (!this.ahead) {
      const ahead: Ahead = { ready: Promise.resolve(false), streamed: 0, keys: new Set(), failed: false };
      this.ahead = ahead;
      ahead.ready = this.readAhead(ahead);
      return;
    }
    const ahead = this.ahead;
    const { installed, bundle } = ahead;
    if (!installed || !bundle || ahead.failed) return;
    for (const k of desired.takeDirty()) ahead.keys.add(k);
    // Written in batches of a few hundred kB (the connection's full-size buffers), not one small write per slice.
    if (ahead.keys.size < (this.opts.aheadBatch ?? AHEAD_BATCH)) return;
    const msgs: OfMessage[] = [];
    for (const k of ahead.keys) {
      const f = desired.get(k);
      if (!f || installed.byKey.has(k) || usesGroupOrMeter(f.actions)) continue;
      installed.byKey.set(k, f);
      msgs.push({ type: 'flow_mod', command: 'add', flow: f });
    }
    ahead.keys.clear();
    if (!msgs.length) return;
    ahead.streamed += msgs.length;
    bundle.add(msgs).catch(() => {
      ahead.failed = true;
    });
  }

  /** A full sync's first steps, for streamAhead: the TLV map, no meters, the switch's tables, a bundle opened. */
  private async readAhead(mine: Ahead): Promise<boolean> {
    try {
      const { installed, groups } = await this.readSwitch();
      if (this.ahead !== mine) return false; // reset meanwhile (a new connection)
      mine.installed = installed;
      mine.groups = groups;
      mine.bundle = this.conn.openBundle!();
      return true;
    } catch {
      mine.failed = true;
      return false;
    }
  }

  /** What a full sync starts with: the TLV map set, every meter deleted, the switch's flows and groups read. */
  private async readSwitch(): Promise<{ installed: InstalledFlows; groups: Map<number, string> }> {
    await this.conn.ensureTlvMap([GENEVE_TLV]);
    // Meters cannot be read back cheaply: start from none (before the flows are read, since deleting
    // a meter deletes the flows that use it).
    await this.sendMeters([
      { type: 'meter_mod', command: 'delete', meter: { meterId: ALL_METERS, flags: [], bands: [] } },
    ]);
    this.installedMeters = new Map();
    const installed = new InstalledFlows((await this.conn.dumpFlows()).map((s) => s.flow));
    const groups = new Map((await this.conn.dumpGroups()).map((g) => [g.groupId, groupText(g)]));
    return { installed, groups };
  }

  /** The switch's tables are known (a sync succeeded on this connection). */
  get synced(): boolean {
    return this.installed !== undefined;
  }

  /** Flows on the switch as tracked (for tests and stats). */
  installedFlows(): Flow[] {
    return [...(this.installed?.byKey.values() ?? [])];
  }

  async sync(desired: DesiredFlows, groups: readonly Group[], meters: readonly Meter[] = []): Promise<SyncResult> {
    const ahead = this.ahead;
    this.ahead = undefined;
    if (ahead) {
      try {
        const r = (await ahead.ready) && !ahead.failed ? await this.trySync(desired, groups, meters, ahead) : undefined;
        if (r) return r;
      } catch {
        // Whatever happened to the bundle, the sync below reads the switch's tables again.
      }
      void ahead.bundle?.discard();
      this.installed = undefined;
    }
    try {
      return (await this.trySync(desired, groups, meters))!; // (undefined only with flows sent ahead)
    } catch (e) {
      // Whatever part of the bundle the switch took is unknown now: read it again next time.
      this.installed = undefined;
      throw e;
    }
  }

  /**
   * `ahead`: the flows sent ahead (streamAhead) are committed with the rest; undefined when its bundle could
   * not take the rest (a refused flow: the caller starts over without it).
   */
  private async trySync(
    desired: DesiredFlows,
    groups: readonly Group[],
    meters: readonly Meter[],
    ahead?: Ahead,
  ): Promise<SyncResult | undefined> {
    let full = false;
    let installed = this.installed;
    if (ahead) {
      full = true;
      installed = ahead.installed!;
      this.installedGroups = ahead.groups!;
    } else if (!installed) {
      full = true;
      const read = await this.readSwitch();
      installed = read.installed;
      this.installedGroups = read.groups;
    }
    const now = this.now();
    const dirty = desired.takeDirty();
    this.refused.prune((k) => {
      const f = desired.get(k);
      return f && stateOf(f);
    });
    const wantGroups = new Map(groups.map((g) => [g.groupId, g]));
    const groupAdds: OfMessage[] = [];
    for (const g of groups) {
      const have = this.installedGroups.get(g.groupId);
      if (have === undefined) groupAdds.push({ type: 'group_mod', command: 'add', group: g });
      else if (have !== groupText(g)) groupAdds.push({ type: 'group_mod', command: 'modify', group: g });
    }
    const groupDels: OfMessage[] = [...this.installedGroups.keys()]
      .filter((id) => !wantGroups.has(id))
      .map((groupId) => ({ type: 'group_mod', command: 'delete', group: { groupId, type: 'all', buckets: [] } }));

    const meterAdds: OfMessage[] = [];
    for (const m of meters) {
      const have = this.installedMeters.get(m.meterId);
      if (have !== meterText(m))
        meterAdds.push({ type: 'meter_mod', command: have === undefined ? 'add' : 'modify', meter: m });
    }
    const meterDels: OfMessage[] = [...this.installedMeters.keys()]
      .filter((id) => !meters.some((m) => m.meterId === id))
      .map((meterId) => ({ type: 'meter_mod', command: 'delete', meter: { meterId, flags: [], bands: [] } }));

    // A refused flow goes again at a full sync (as ovn-controller's reconnect does), when a group or meter it
    // uses appears, or when its back-off ends.
    if (full) this.refused.retryAll();
    else
      this.refused.retryUsers(
        new Set(groupAdds.flatMap((m) => (m.type === 'group_mod' ? [m.group.groupId] : []))),
        new Set(meterAdds.flatMap((m) => (m.type === 'meter_mod' ? [m.meter.meterId] : []))),
      );
    const skip = this.refused.size ? (f: Flow, k: string) => this.refused.holds(k, stateOf(f), now) : undefined;
    const visit = full ? undefined : this.refused.size ? [...dirty, ...this.refused.due(now)] : dirty;
    // In slices: a start plans every flow, and the switch's and the SB's probes must be answered meanwhile.
    const pause = () => new Promise<void>((r) => setImmediate(r));
    const plan = await planFlowsSliced(desired, installed, visit, skip, PLAN_SLICE_MS, pause);

    // Groups and meters exist before the flows that use them and go away after them.
    if (groupAdds.length) await this.conn.sendChecked(groupAdds);
    if (meterAdds.length) await this.sendMeters(meterAdds);
    let refused: Awaited<ReturnType<typeof applyFlowMods>>;
    if (ahead) {
      const bundle = ahead.bundle!;
      try {
        await bundle.add(planFlowMods(plan));
        await bundle.commit();
      } catch {
        return undefined; // nothing applied; groups and meters sent are what the sync that follows wants too
      }
      refused = [];
    } else refused = await applyFlowMods(this.conn, planFlowMods(plan));
    const bad = new Set<Flow>();
    for (const r of refused) bad.add(r.flow);
    plan.add.forEach((f, i) => {
      if (!bad.has(f)) this.refused.forget(plan.addKeys[i]!);
    });
    plan.modify.forEach((f, i) => {
      if (!bad.has(f)) this.refused.forget(plan.modifyKeys[i]!);
    });
    for (const r of refused) this.noteRefused(r, keyOf(r.flow), now);
    if (groupDels.length) await this.conn.sendChecked(groupDels);
    if (meterDels.length) await this.sendMeters(meterDels);
    this.installedMeters = new Map(meters.map((m) => [m.meterId, meterText(m)]));
    applyPlan(installed, plan, bad);
    this.installed = installed;
    this.installedGroups = new Map(groups.map((g) => [g.groupId, groupText(g)]));
    this.armRetry();
    return { ...plan, full, streamed: ahead?.streamed ?? 0 };
  }

  /** Records a refused flow; the first refusal of a flow is logged (rate-limited), its retries are not. */
  private noteRefused(r: Refused, key: string, now: number): void {
    if (!this.refused.refuse(key, stateOf(r.flow), r.flow, now)) return;
    const pass = this.refusalLog.take();
    if (!pass) return;
    this.log?.warn(
      {
        table: r.flow.table,
        match: formatMatch(r.flow.match, r.flow.priority),
        actions: formatActions(r.flow.actions),
        error: r.error,
        ...(pass.dropped ? { suppressed: pass.dropped } : {}),
      },
      'switch refused flow; it is sent again with back-off',
    );
  }

  /** One timer for the next refused flow due again. */
  private armRetry(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const at = this.refused.nextRetryAt();
    if (at === undefined || !this.opts.onRetryDue) return;
    const wake = this.opts.onRetryDue;
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = undefined;
        wake();
      },
      Math.max(0, at - this.now()),
    );
    this.retryTimer.unref();
  }

  /**
   * Meter changes; a switch without meter support refuses them, which must not stop the flows (those that
   * use a meter are then refused and reported like any other).
   */
  private async sendMeters(msgs: readonly OfMessage[]): Promise<void> {
    try {
      await this.conn.sendChecked(msgs);
    } catch (e) {
      const err = e instanceof Error ? e.message : String(e);
      if (err !== this.meterError) this.log?.warn({ err }, 'switch refused meters');
      this.meterError = err;
    }
  }
}

/** Flows go ahead of the first sync in batches of at least this many (~300 B each encoded). */
const AHEAD_BATCH = 1024;

/** Whether a flow's actions name a group or a meter (which must exist before the flow is added). */
function usesGroupOrMeter(actions: readonly Action[]): boolean {
  for (const a of actions) {
    if (a.type === 'group' || a.type === 'meter') return true;
    if ((a.type === 'clone' || a.type === 'write_actions') && usesGroupOrMeter(a.actions)) return true;
    if (a.type === 'ct' && a.exec && usesGroupOrMeter(a.exec)) return true;
  }
  return false;
}

/** Install planning runs in slices this long (wall ms), the event loop served in between. */
const PLAN_SLICE_MS = 50;
