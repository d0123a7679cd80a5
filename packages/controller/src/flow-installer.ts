// Brings the switch in line with the desired flows and groups. After a (re)connect the switch's tables are
// read once and diffed in full; from then on only what we sent is tracked and each sync diffs the keys whose
// desired flows changed, applied as one atomic bundle (groups added before the flows, removed after them).
import type { Logger } from 'pino';
import { type Flow, type Group, type Meter, type OfMessage, type SwitchConnection } from '@ovnts/openflow';
import { groupText } from './groups.js';
import { ALL_METERS, meterText } from './meters.js';
import { GENEVE_TLV } from './physical.js';
import { applyFlowMods, describeRefused } from './install.js';
import {
  type DesiredFlows,
  type FlowPlan,
  InstalledFlows,
  applyPlan,
  keyOf,
  planFlowMods,
  planFlows,
  stateOf,
} from './flow-table.js';

export interface SyncResult extends FlowPlan {
  /** The switch's tables were read first (first sync of a connection). */
  readonly full: boolean;
}

export class FlowInstaller {
  private installed: InstalledFlows | undefined;
  private installedGroups = new Map<number, string>();
  private installedMeters = new Map<number, string>();
  private meterError: string | undefined;
  /** Flows the switch refused (key + state): they stay out until they change, no retry storm. */
  private readonly refused = new Set<string>();

  constructor(
    private readonly conn: SwitchConnection,
    private readonly log?: Logger,
  ) {}

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
    const dirty = desired.takeDirty();
    const skip = this.refused.size ? (f: Flow, k: string) => this.refused.has(refusalKey(f, k)) : undefined;
    const plan = planFlows(desired, installed, full ? undefined : dirty, skip);

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

    // Groups and meters exist before the flows that use them and go away after them.
    if (groupAdds.length) await this.conn.sendChecked(groupAdds);
    if (meterAdds.length) await this.sendMeters(meterAdds);
    const refused = await applyFlowMods(this.conn, planFlowMods(plan));
    const bad = new Set<Flow>();
    if (refused.length) {
      this.log?.warn(
        { count: refused.length, examples: refused.slice(0, 5).map(describeRefused) },
        'switch refused flows',
      );
      for (const r of refused) {
        bad.add(r.flow);
        this.refused.add(refusalKey(r.flow, plan.keys.get(r.flow) ?? keyOf(r.flow)));
      }
    }
    if (groupDels.length) await this.conn.sendChecked(groupDels);
    if (meterDels.length) await this.sendMeters(meterDels);
    this.installedMeters = new Map(meters.map((m) => [m.meterId, meterText(m)]));
    applyPlan(installed, plan, bad);
    this.installed = installed;
    this.installedGroups = new Map(groups.map((g) => [g.groupId, groupText(g)]));
    return { ...plan, full };
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

const refusalKey = (f: Flow, key: string) => `${key}#${stateOf(f)}`;
