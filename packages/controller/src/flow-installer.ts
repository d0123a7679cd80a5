// Brings the switch in line with the desired flows and groups. After a (re)connect the switch's tables are
// read once and diffed in full; from then on only what we sent is tracked and each sync diffs the keys whose
// desired flows changed, applied as one atomic bundle (groups added before the flows, removed after them).
// Flows the switch refuses stay out and are sent again later (refused-flows.ts), each logged once.
import type { Logger } from 'pino';
import {
  type Flow,
  type Group,
  type Meter,
  type OfMessage,
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
}

/** What the installer needs of the switch connection. */
export type FlowSwitch = FlowModSwitch &
  Pick<SwitchConnection, 'ensureTlvMap' | 'sendChecked' | 'dumpFlows' | 'dumpGroups'>;

export interface FlowInstallerOptions {
  /** Called when a refused flow is due to be sent again (the caller runs a sync then). */
  readonly onRetryDue?: () => void;
  readonly now?: () => number;
}

/** Refused flows logged: as VLOG_WARN_RL's limits, 20 lines a minute in bursts of 50. */
const REFUSAL_LOG_PER_MINUTE = 20;
const REFUSAL_LOG_BURST = 50;

export class FlowInstaller {
  private installed: InstalledFlows | undefined;
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
    try {
      return await this.trySync(desired, groups, meters);
    } catch (e) {
      // Whatever part of the bundle the switch took is unknown now: read it again next time.
      this.installed = undefined;
      throw e;
    }
  }

  private async trySync(
    desired: DesiredFlows,
    groups: readonly Group[],
    meters: readonly Meter[],
  ): Promise<SyncResult> {
    let full = false;
    let installed = this.installed;
    if (!installed) {
      full = true;
      await this.conn.ensureTlvMap([GENEVE_TLV]);
      // Meters cannot be read back cheaply: start from none (before the flows are read, since deleting
      // a meter deletes the flows that use it).
      await this.sendMeters([
        { type: 'meter_mod', command: 'delete', meter: { meterId: ALL_METERS, flags: [], bands: [] } },
      ]);
      this.installedMeters = new Map();
      installed = new InstalledFlows((await this.conn.dumpFlows()).map((s) => s.flow));
      this.installedGroups = new Map((await this.conn.dumpGroups()).map((g) => [g.groupId, groupText(g)]));
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
    const refused = await applyFlowMods(this.conn, planFlowMods(plan));
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
    return { ...plan, full };
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

/** Install planning runs in slices this long (wall ms), the event loop served in between. */
const PLAN_SLICE_MS = 50;
