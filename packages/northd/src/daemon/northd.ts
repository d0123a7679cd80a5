// The ovnts-northd control loop: replicate NB and the SB tables northd owns, hold the "ovn_northd" SB
// lock (standby instances wait in the server's queue), and on every change recompute the SB content and
// write only the difference, in one SB transaction per round. Also runs the nb_cfg handshake that
// `ovn-nbctl --wait=sb|hv` waits on, and publishes the NB_Global options real northd maintains.
import type { Logger } from 'pino';
import { parallelScavenge, type Stopwatches } from '@ovnts/daemon';
import { chassisFeatures } from '../chassis-features.js';
import { OvsdbClient, type NamedUuid, type Replica, type SslFiles, type Uuid } from 'ovsdb-client-ts';
import { model as nbModel } from '@ovnts/schema/nb';
import { model as sbModel } from '@ovnts/schema/sb';
import { NORTHD_INTERNAL_VERSION, northdNbOptions, sbGlobalOptions } from '../global-options.js';
import { syncRbac, type RbacWriter } from '../rbac.js';
import { NorthdEngine, type EngineChange } from '../engine/northd-engine.js';
import { FlowIndex, type SbLookup } from '../engine/sb-sync.js';
import { writeRound } from '../sb-writer.js';
import { formatDiagnostic } from '../diagnostics.js';
import { isSbInputChange, NB_INPUT_TABLES, type NbInput, type SbKeyInput } from '../input.js';
import {
  SB_OWNED_TABLES,
  type DiffStats,
  type FlowRow,
  type NamingSbWriter,
  type Ref,
  type SbState,
  type SbWriter,
} from '../sb-diff.js';
import { portUpUpdates, portUpUpdatesFor } from '../port-up.js';
import { affectsCompile, lspUpMatters, sbHandledIncrementally } from '../change-filter.js';
import { loadSbFlows } from './sb-flows.js';
import { groupSetKey } from '../lb-groups.js';
import { WireWriter } from './wire-writer.js';
import { streamColdRecompute, type ColdStreamStats } from './cold-stream.js';
import { connectBoth } from './connect-both.js';
import { fullGc } from './heap-trim.js';
import { SB_DEPENDENT_TABLES, type SbDependents } from '../stale-rows.js';
import { refChassisUpdates } from '../ha-ref-chassis.js';
import { CURRENT_KEY, smbKey, type KeyedTable } from '../sync/keyed-rows.js';
import { bfdNbUpdates } from '../sync/bfd.js';
import { monitorsGoneOffline } from '../stateful/svc-monitor.js';
import { agedMacBindings, agingRouters, smapUint } from '../mac-binding-aging.js';
import { LoggedOnce } from './logged-once.js';
import { BOOTSTRAP_NB_TABLES, BOOTSTRAP_SB_TABLES, bootstrapInputChanged, liveView } from './live-view.js';
import type { Tables as SbTables } from '@ovnts/schema/sb';

export const NORTHD_LOCK = 'ovn_northd';

/**
 * A server committing a cold SB of ~400k rows is silent for tens of seconds; a short probe would drop
 * the connection (and the lock) in the middle of every such commit and never finish.
 */
const PROBE_MS = 180_000;
/** Round statistics kept for tests and the demo: the most recent ones only (a long-running daemon must not grow). */
export const ROUNDS_KEPT = 1000;
/** Distinct diagnostics remembered as logged (so each is logged once); the oldest are forgotten past this. */
export const LOGGED_DIAGNOSTICS_KEPT = 10_000;

const NO_FLOWS: ReadonlyMap<Uuid<'Logical_Flow'>, FlowRow> = new Map();

const DEPENDENT_SET: ReadonlySet<string> = new Set(SB_DEPENDENT_TABLES);

const SB_VIEW_TABLES = [...SB_OWNED_TABLES, 'Chassis', 'Encap', 'Chassis_Private', 'IGMP_Group'] as const;

export interface NorthdOptions {
  readonly nbRemote: string;
  readonly sbRemote: string;
  readonly logger: Logger;
  /** Compute and log, write nothing. */
  readonly dryRun?: boolean;
  /** Recompute everything on every change (the pre-incremental behaviour; for comparisons). */
  readonly noIncremental?: boolean;
  /** Key, certificate and CA files for ssl: remotes (-p/-c/-C). */
  readonly ssl?: SslFiles;
  /** Start paused (ovn-northd --dry-run): read, write nothing, do not take the lock. */
  readonly paused?: boolean;
  /** Where the rounds' times go (`stopwatch/show`), under ovn-northd's names (NORTHD_STOPWATCHES). */
  readonly stopwatches?: Stopwatches;
}

/**
 * ovn-northd's stopwatches that ovnts times: each round (`ovn-northd-loop`), the NB → SB computation with
 * the difference written (`ovnnb_db_run`), the engine alone (`build_lflows`), the SB commit (`lflows_to_sb`),
 * and what follows from the SB (`ovnsb_db_run`: ref_chassis, monitor status, MAC_Binding aging, port up and
 * nb_cfg to the NB).
 */
export const NORTHD_STOPWATCHES = [
  'ovn-northd-loop',
  'ovnnb_db_run',
  'ovnsb_db_run',
  'build_lflows',
  'lflows_to_sb',
] as const;
type NorthdStopwatch = (typeof NORTHD_STOPWATCHES)[number];

export interface RoundStats extends DiffStats {
  readonly nbCfg: number;
  /** Whether the round recomputed everything (and why) or ran the incremental handlers. */
  readonly full: boolean;
  readonly reason: string;
  readonly computeMs: number;
  /** The engine's part of computeMs (the rest is writing the SB difference). */
  readonly engineMs: number;
  /** Encoding, sending and the server's commit. */
  readonly commitMs: number;
  /** Until the SB replica shows the transaction. */
  readonly syncMs: number;
  /** A cold start's transactions streamed before the final one (cold-stream.ts). */
  readonly streamed?: ColdStreamStats;
}

type NbReplica = Replica<typeof nbModel>;
type SbReplica = Replica<typeof sbModel>;
type SbReplicaChanges = ReturnType<SbReplica['takeChanges']>['changes'];

/** RBAC rows through a round's SB transaction. */
function rbacWriter(w: WireWriter): RbacWriter<Ref<'RBAC_Permission'>> {
  return {
    insertPermission: (row) => w.insert('RBAC_Permission', row) as Ref<'RBAC_Permission'>,
    insertRole: (row) => void w.insert('RBAC_Role', row),
    updateRole: (uuid, permissions) => w.update('RBAC_Role', uuid, { permissions }),
    deletePermission: (uuid) => w.delete('RBAC_Permission', uuid),
    deleteRole: (uuid) => w.delete('RBAC_Role', uuid),
  };
}

export class Northd {
  private running = false;
  private again = false;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  /** The next MAC_Binding aging pass (a round runs it). */
  private agingTimer: NodeJS.Timeout | undefined;
  private readonly logged = new LoggedOnce(LOGGED_DIAGNOSTICS_KEPT);
  /** The last ROUNDS_KEPT rounds that wrote to the SB (tests and the demo read these). */
  readonly rounds: RoundStats[] = [];
  private idleWaiters: (() => void)[] = [];
  /** A full recompute is due (start, lock gained, resync, failure, changes by others to SB rows we own). */
  private dirty = true;
  /** Whether bootstrap() must look again (what it reads changed since it last found nothing to write). */
  private bootstrapDue = true;
  /** The routers with a MAC_Binding age threshold, and it (seconds); undefined after a Logical_Router change. */
  private agingRouters: { uuid: string; thresholdS: number }[] | undefined;
  readonly engine = new NorthdEngine();
  /** Paused (`pause`, --dry-run): the lock is released and rounds do nothing. */
  private paused = false;
  private readonly flowIndex = new FlowIndex();
  /** Health check verdicts others wrote while we waited for our own transaction (noteEcho). */
  private readonly carriedSb: SbReplicaChanges[number][] = [];
  /** Logical ports whose NB `up` may be stale ('all' after a full round or a chassis change). */
  private portUpDirty: Set<string> | 'all' = 'all';

  private constructor(
    private readonly opts: NorthdOptions,
    private readonly nb: OvsdbClient,
    private readonly sb: OvsdbClient,
    private readonly nbReplica: NbReplica,
    private readonly sbReplica: SbReplica,
  ) {}

  static async start(opts: NorthdOptions): Promise<Northd> {
    const log = opts.logger;
    // Both databases at once, each monitored as soon as it is connected (connectBoth).
    const [nb, sb, nbReplica, sbReplica] = await connectBoth(
      OvsdbClient.connect(opts.nbRemote, {
        logger: log.child({ db: 'nb' }),
        database: 'OVN_Northbound',
        inactivityProbeMs: PROBE_MS,
        waitForServer: true,
        ...(opts.ssl ? { ssl: opts.ssl } : {}),
      }),
      OvsdbClient.connect(opts.sbRemote, {
        logger: log.child({ db: 'sb' }),
        database: 'OVN_Southbound',
        inactivityProbeMs: PROBE_MS,
        waitForServer: true,
        ...(opts.ssl ? { ssl: opts.ssl } : {}),
        // A cold start streams SB transactions while the engine computes (cold-stream.ts).
        ioThread: true,
      }),
      (c) => c.monitor(nbModel, { tables: [...NB_INPUT_TABLES], versions: false }),
      (c) =>
        c.monitor(sbModel, {
          tables: [
            ...new Set([
              ...SB_OWNED_TABLES.filter((t) => t !== 'Logical_Flow'),
              'Chassis',
              'Encap',
              'IGMP_Group',
              'Chassis_Private',
              'RBAC_Role',
              'RBAC_Permission',
              ...SB_DEPENDENT_TABLES,
            ] as const),
          ],
          versions: false,
        }),
    );
    sbReplica.addIndex(
      'Datapath_Binding',
      'dp_by_nb',
      (d) => d.external_ids['logical-switch'] ?? d.external_ids['logical-router'],
    );
    sbReplica.addIndex('Multicast_Group', 'mc_by_dp', (m) => m.datapath);
    sbReplica.addIndex('Port_Binding', 'pb_by_dp', (p) => p.datapath);
    sbReplica.addIndex('Load_Balancer', 'lb_by_id', (l) => l.external_ids['lb_id']);
    sbReplica.addIndex('Mirror', 'mirror_by_name', (m) => m.name);
    sbReplica.addIndex('Static_MAC_Binding', 'smb_by_key', (m) => smbKey(m.logical_port, m.ip));
    sbReplica.addIndex('Chassis_Template_Var', 'ctv_by_chassis', (v) => v.chassis);
    sbReplica.addIndex('IP_Multicast', 'ipm_by_dp', (m) => m.datapath);
    sbReplica.addIndex('Service_Monitor', 'sm_by_key', (m) => CURRENT_KEY.Service_Monitor(m, () => undefined));
    sbReplica.addIndex('DNS', 'dns_by_id', (m) => CURRENT_KEY.DNS(m, () => undefined));
    const d = new Northd(opts, nb, sb, nbReplica, sbReplica);
    nbReplica.on('change', (batch) => {
      if (bootstrapInputChanged(batch, BOOTSTRAP_NB_TABLES)) d.bootstrapDue = true;
      if (batch.resync || batch.changes.some((c) => c.table === 'Logical_Router')) d.agingRouters = undefined;
      d.schedule();
    });
    sbReplica.on('change', (batch) => {
      if (bootstrapInputChanged(batch, BOOTSTRAP_SB_TABLES)) d.bootstrapDue = true;
      d.schedule();
    });
    nbReplica.on('resumed', () => {
      d.bootstrapDue = true;
      d.agingRouters = undefined;
      d.schedule();
    });
    sbReplica.on('resumed', () => {
      d.flowIndex.invalidate();
      d.dirty = true;
      d.bootstrapDue = true;
      d.schedule();
    });
    sb.on('locked', () => {
      d.flowIndex.invalidate();
      d.dirty = true;
      d.bootstrapDue = true;
      log.info('ovn-northd lock acquired. This ovn-northd instance is now active.');
      d.schedule();
    });
    // ovn-northd's words for losing the lock, whether stolen or gone with the connection.
    const lost = () => log.info('ovn-northd lock lost. This ovn-northd instance is now on standby.');
    sb.on('stolen', lost);
    sb.on('lockLost', lost);
    d.paused = opts.paused ?? false;
    const got = d.paused || (await sb.lock(NORTHD_LOCK));
    if (!got) log.info('another instance holds lock %s: standing by', NORTHD_LOCK);
    d.schedule();
    return d;
  }

  /**
   * Stop writing (ovn-northd's `pause`): release the lock so that another instance takes over; keep
   * the replicas current. The next resume recomputes in full.
   */
  async pause(): Promise<void> {
    if (this.paused) return;
    this.paused = true;
    this.opts.logger.info('This ovn-northd instance is now paused.');
    await this.sb.unlock(NORTHD_LOCK).catch(() => {});
  }

  /** Queue for the lock again (`resume`); on getting it, the instance is active and recomputes. */
  async resume(): Promise<void> {
    if (!this.paused) return;
    this.paused = false;
    this.dirty = true;
    await this.sb.lock(NORTHD_LOCK).catch(() => false);
  }

  /** `inc-engine/recompute`: a full recompute on the next round. */
  forceRecompute(): void {
    this.dirty = true;
    this.schedule();
  }

  /** Features every (local) chassis supports, from Chassis.other_config, as ovn-northd derives them. */
  chassisFeatures(): Record<string, boolean> {
    const f = chassisFeatures(this.sbReplica.table('Chassis').values());
    return {
      ct_no_masked_label: f.ctNoMaskedLabel,
      ct_lb_related: f.ctLbRelated,
      mac_binding_timestamp: f.macBindingTimestamp,
    };
  }

  get active(): boolean {
    return this.sb.isLockHolder(NORTHD_LOCK);
  }

  /** Resolves when no round is running or pending. */
  idle(): Promise<void> {
    if (!this.running && !this.again) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.agingTimer);
    await Promise.allSettled([this.nbReplica.close(), this.sbReplica.close()]);
    await Promise.allSettled([this.sb.unlock(NORTHD_LOCK)]);
    await Promise.allSettled([this.nb.close(), this.sb.close()]);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.again = true;
    if (!this.running) setImmediate(() => void this.loop());
  }

  private async loop(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.again && !this.stopped) {
        this.again = false;
        const t = performance.now();
        try {
          await this.round();
          this.lap('ovn-northd-loop', t);
        } catch (e) {
          this.dirty = true;
          this.bootstrapDue = true;
          this.opts.logger.warn({ err: (e as Error).message }, 'round failed; retrying');
          clearTimeout(this.retryTimer);
          this.retryTimer = setTimeout(() => this.schedule(), 500);
        }
      }
    } finally {
      this.running = false;
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private async round(): Promise<void> {
    if (!this.active || this.paused) return;
    const log = this.opts.logger;
    // Without an index of our flows, the SB's rows are read for this round's full diff: asked for at once,
    // so the read goes with bootstrap()'s writes (they write no flows, and we hold the lock) rather than after them.
    const flowsRead = this.flowIndex.loaded ? undefined : loadSbFlows(this.sb);
    flowsRead?.catch(() => undefined); // awaited below, unless the round ends first
    // The global rows come before anything else, with or without NB content.
    if (!this.opts.dryRun && this.bootstrapDue) {
      // Cleared first: a change arriving during its awaits sets it again.
      this.bootstrapDue = false;
      if (await this.bootstrap()) return;
    }
    // The replicas' live tables, not snapshots: nothing changes them while a round computes, and a
    // snapshot would make the next update copy whole tables (tens of thousands of rows).
    const nbSnap = liveView(this.nbReplica, NB_INPUT_TABLES) as unknown as NbInput;
    const global = [...nbSnap.NB_Global.values()][0];
    if (!global) return; // dry run on an uninitialised NB

    const sbFlows = flowsRead ? await flowsRead : NO_FLOWS;
    const nbChanges = this.nbReplica.takeChanges();
    const taken = this.sbReplica.takeChanges();
    const sbChanges = { ...taken, changes: [...this.carriedSb.splice(0), ...taken.changes] };
    this.notePortUp(nbChanges.changes, sbChanges.changes);
    // Chassis and encapsulations only matter through the tunnel key ranges (the engine checks those), health
    // check verdicts through the balancers using them; anything else written into the SB tables northd
    // owns, by someone else, is overwritten in full.
    if (
      nbChanges.resync ||
      sbChanges.resync ||
      this.opts.noIncremental ||
      sbChanges.changes.some((c) => !sbHandledIncrementally(c) && affectsCompile(c))
    )
      this.dirty = true;
    const lspUp = lspUpMatters(global);
    const nbRelevant = nbChanges.changes.filter((c) => affectsCompile(c, lspUp)) as readonly EngineChange[];
    // MAC_Binding/FDB rows others wrote are checked against the ports (stale-rows.ts), nothing recomputed.
    const dependentsChanged = new Set<string>();
    for (const c of sbChanges.changes)
      if (c.kind !== 'delete' && DEPENDENT_SET.has(c.table)) dependentsChanged.add((c.new as { _uuid: string })._uuid);
    const encapsChanged = sbChanges.changes.some((c) => sbHandledIncrementally(c) && affectsCompile(c));
    const nbCfg = global.nb_cfg;
    if (!this.dirty && !nbRelevant.length && !encapsChanged && !dependentsChanged.size) {
      // Nothing the compiler reads changed: only the handshake and port state need work.
      this.noteHandshake(nbSnap, nbChanges.changes as readonly EngineChange[]);
      await this.publishNbCfgOnly(nbCfg);
      if (!this.opts.dryRun) await this.syncFromSb(nbCfg);
      return;
    }
    const forceFull = this.dirty || !this.flowIndex.loaded;
    if (forceFull) this.portUpDirty = 'all';
    this.dirty = false;
    const t0 = performance.now();
    const replicaSnap = liveView(this.sbReplica, SB_VIEW_TABLES) as unknown as ReturnType<SbReplica['snapshot']>;
    const sbSnap: SbState = { ...replicaSnap, Logical_Flow: sbFlows };
    const sbGlobal = [...sbSnap.SB_Global.values()][0];
    const publishNbCfg = sbGlobal?.nb_cfg !== nbCfg;
    // The round's transaction; a cold start's rows go through its stream instead.
    const txn = new WireWriter(NORTHD_LOCK);
    const firstInsert: { table?: string; ref?: Ref<string> } = {};
    const deleted: [string, Uuid][] = [];
    const track = (out: SbWriter): NamingSbWriter => ({
      insert: (table, row) => {
        const ref = out.insert(table, row);
        if (table !== 'Logical_Flow' && !firstInsert.ref) Object.assign(firstInsert, { table, ref });
        // Named on incremental rounds (the only ones syncSb writes); UUIDs only in a cold round's full diff.
        return ref as NamedUuid<typeof table>;
      },
      update: (table, uuid, row) => {
        out.update(table, uuid, row);
      },
      ...(out.mutateSet ? { mutateSet: out.mutateSet.bind(out) } : {}),
      delete: (table, uuid) => {
        if (table !== 'Logical_Flow') deleted.push([table, uuid]);
        out.delete(table, uuid);
      },
    });
    const written = writeRound(
      this.engine,
      this.flowIndex,
      {
        nb: nbSnap,
        changes: nbRelevant,
        sbChanges: sbChanges.changes.filter(isSbInputChange).filter((c) => affectsCompile(c)),
        sb: sbSnap,
        sbKeys: replicaSnap,
        sbPort: (name) => {
          const pb = this.sbReplica.lookup('Port_Binding', { logical_port: name });
          const dp = pb && this.nbIdOf(pb.datapath);
          return pb && dp ? { datapath: dp, tunnelKey: pb.tunnel_key } : undefined;
        },
        lookup: () => this.lookup(),
        full: forceFull,
        dependents: { rows: this.dependents(), changed: dependentsChanged },
        ...(publishNbCfg ? { nbCfg } : {}),
        // Into an SB with none of northd's rows, the rows final early are streamed while computing.
        ...(this.opts.dryRun
          ? {}
          : {
              stream: (e, nb, sb, index) =>
                streamColdRecompute(e, nb, sb, this.sb, NORTHD_LOCK, index, (line) => log.info(line)),
            }),
      },
      txn,
      track,
    );
    const { result, stats, engineMs } = written;
    const streamed = written.streamed ? { writer: written.streamed } : undefined;
    for (const d of this.engine.takeDiagnostics()) {
      const msg = formatDiagnostic(d);
      if (!this.logged.first(msg)) continue;
      if (d.level === 'error') log.error(msg);
      else log.warn(msg);
    }
    const computeMs = performance.now() - t0;
    this.lap('ovnnb_db_run', t0);
    this.opts.stopwatches?.add('build_lflows', engineMs);
    const writes = stats.inserted + stats.updated + stats.deleted;
    if (writes && this.opts.dryRun) {
      this.flowIndex.invalidate();
      this.dirty = true;
      log.info({ ...stats, full: result.full }, 'dry run: would write %d changes', writes);
    } else if (writes || streamed) {
      // The SB server works from now on: the other core is its (a cold stream switched already at its first send).
      parallelScavenge(false);
      const t1 = performance.now();
      let uuidOf: (ref: Ref<string>) => Uuid;
      try {
        if (streamed) {
          await streamed.writer.finish();
          uuidOf = (ref) => ref as Uuid; // the stream chose them
        } else {
          const res = await txn.commit(this.sb);
          uuidOf = (ref) => (typeof ref === 'string' ? ref : res.uuidOf(ref));
        }
      } catch (e) {
        // Whether it committed is unknown: re-read the flows before the next round.
        this.flowIndex.invalidate();
        throw e;
      }
      this.flowIndex.commit(uuidOf);
      const commitMs = performance.now() - t1;
      this.lap('lflows_to_sb', t1);
      // Wait until our own write is visible in the replica, so the next round diffs against it.
      const ins = firstInsert.ref ? ([firstInsert.table!, uuidOf(firstInsert.ref)] as const) : undefined;
      const del = deleted[0];
      await this.sbReplica
        .waitFor(
          (r) =>
            (!ins || r.get(ins[0] as never, ins[1]) !== undefined) &&
            (!del || r.get(del[0] as never, del[1]) === undefined) &&
            (!publishNbCfg || [...r.table('SB_Global').values()][0]?.nb_cfg === nbCfg),
          10_000,
        )
        .catch(() => log.warn('SB replica did not show our transaction within 10 s'));
      // Our own writes echo back through the monitor; they need no recompute. Changes by others to
      // what the compiler reads (encaps) in the same window still force one.
      this.noteEcho(this.sbReplica.takeChanges().changes);
      const round: RoundStats = {
        ...stats,
        nbCfg,
        full: result.full,
        reason: result.reason,
        ...(streamed ? { streamed: streamed.writer.stats } : {}),
        computeMs,
        engineMs,
        commitMs,
        syncMs: performance.now() - t1 - commitMs,
      };
      this.rounds.push(round);
      if (this.rounds.length > ROUNDS_KEPT) this.rounds.splice(0, this.rounds.length - ROUNDS_KEPT);
      const t2 = performance.now();
      await this.syncRefChassis();
      await this.syncMonitorStatus();
      await this.syncMacBindingAging();
      // The NB handshake first: `--wait=sb` callers wait on it, not on our log line.
      const t3 = performance.now();
      await this.publishNb(nbCfg);
      this.lap('ovnsb_db_run', t2);
      log.info({ ...round, nbMs: performance.now() - t3 }, 'SB updated');
      // After the handshake, so no `--wait=sb` caller waits on it.
      if (result.full) this.trimHeap();
      return;
    }
    if (!writes) log.info({ computeMs, full: result.full }, 'SB unchanged after recompute');
    if (!this.opts.dryRun) await this.syncFromSb(nbCfg);
    if (result.full) this.trimHeap();
  }

  /**
   * What follows from the SB after a round: ref_chassis, monitor status, MAC_Binding aging, then port `up` and
   * nb_cfg to the NB.
   */
  private async syncFromSb(nbCfg: number): Promise<void> {
    const t = performance.now();
    await this.syncRefChassis();
    await this.syncMonitorStatus();
    await this.syncMacBindingAging();
    await this.publishNb(nbCfg);
    this.lap('ovnsb_db_run', t);
  }

  /** One sample of stopwatch `name`: from `t0` until now. */
  private lap(name: NorthdStopwatch, t0: number): void {
    this.opts.stopwatches?.add(name, performance.now() - t0);
  }

  /** One full collection after a full round (heap-trim.ts). */
  private trimHeap(): void {
    parallelScavenge(false); // the first full round is over, written or not
    const t = performance.now();
    const heap = fullGc();
    this.opts.logger.info({ ...heap, gcMs: Math.round(performance.now() - t) }, 'heap collected after a full round');
  }

  /** The rows others write that name northd's datapaths and ports (live tables). */
  private dependents(): SbDependents {
    const r = this.sbReplica;
    return { MAC_Binding: r.table('MAC_Binding'), FDB: r.table('FDB'), IGMP_Group: r.table('IGMP_Group') };
  }

  /**
   * An NB_Global change the compiler does not read (nb_cfg, sb_cfg…) still reaches the engine, whose
   * sync_to_sb_addr_set recomputes on any NB_Global change as ovn-northd's does: it finds nothing to
   * write (no set changed), which is checked; anything else found is written by a full round.
   */
  private noteHandshake(nb: NbInput, changes: readonly EngineChange[]): void {
    const global = changes.filter((c) => c.table === 'NB_Global');
    if (!global.length || !this.flowIndex.loaded || this.opts.noIncremental) return;
    const sb = liveView(this.sbReplica, SB_VIEW_TABLES) as unknown as SbKeyInput;
    const r = this.engine.run(nb, global, sb, () => undefined);
    const t = r.touched;
    if (r.full || t.flows.size || t.ports.size || t.addressSets.size || t.sbGlobal || t.meters.size) {
      this.dirty = true;
      this.schedule();
    }
  }

  /** The NB datapath a SB Datapath_Binding stands for. */
  private nbIdOf(sbDatapath: string): string | undefined {
    const d = this.sbReplica.get('Datapath_Binding', sbDatapath);
    return d ? (d.external_ids['logical-switch'] ?? d.external_ids['logical-router']) : undefined;
  }

  /**
   * A group's NB datapath set, per member list as the replica holds it (a new list when the row changes):
   * a load balancer's change compares its group of 300 switches without 300 lookups and a sort.
   */
  private readonly groupSets = new WeakMap<readonly string[], string>();
  private groupSet(datapaths: readonly string[] | undefined): string | undefined {
    if (!datapaths) return undefined;
    const known = this.groupSets.get(datapaths);
    if (known !== undefined) return known;
    const key = groupSetKey(datapaths, (u) => this.nbIdOf(u));
    if (key !== undefined) this.groupSets.set(datapaths, key);
    return key;
  }

  /** Current SB rows by identity, through the replica's indexes. */
  private lookup(): SbLookup {
    const r = this.sbReplica;
    return {
      datapath: (id) => r.index<'Datapath_Binding'>('dp_by_nb').first(id)?._uuid,
      portBinding: (name) => r.lookup('Port_Binding', { logical_port: name }),
      multicastGroups: (dp) => r.index<'Multicast_Group'>('mc_by_dp').get(dp),
      portGroup: (name) => r.lookup('Port_Group', { name }),
      addressSet: (name) => r.lookup('Address_Set', { name }),
      loadBalancer: (id) => r.index<'Load_Balancer'>('lb_by_id').first(id),
      loadBalancers: () => r.table('Load_Balancer').values(),
      groupSet: (g) => this.groupSet(r.get('Logical_DP_Group', g as Uuid<'Logical_DP_Group'>)?.datapaths),
      sbGlobal: () => [...r.table('SB_Global').values()][0],
      haChassisGroup: (name) => r.lookup('HA_Chassis_Group', { name }),
      haChassis: (u) => r.get('HA_Chassis', u),
      chassis: () => r.table('Chassis').values(),
      meter: (name) => r.lookup('Meter', { name }),
      meterBand: (uuid) => r.get('Meter_Band', uuid),
      keyedRow: (table, key) => this.keyedRow(table, key),
      bfdRows: () => r.table('BFD').values(),
    };
  }

  /** A keyed SB row (sync/keyed-rows.ts) through the replica's indexes. */
  private keyedRow<T extends KeyedTable>(table: T, key: string): SbTables[T] | undefined;
  private keyedRow(table: KeyedTable, key: string): SbTables[KeyedTable] | undefined {
    const r = this.sbReplica;
    switch (table) {
      case 'Mirror':
        return r.index<'Mirror'>('mirror_by_name').first(key);
      case 'Static_MAC_Binding':
        return r.index<'Static_MAC_Binding'>('smb_by_key').first(key);
      case 'Chassis_Template_Var':
        return r.index<'Chassis_Template_Var'>('ctv_by_chassis').first(key);
      case 'IP_Multicast': {
        const dp = r.index<'Datapath_Binding'>('dp_by_nb').first(key)?._uuid;
        return dp === undefined ? undefined : r.index<'IP_Multicast'>('ipm_by_dp').first(dp);
      }
      case 'Service_Monitor':
        return r.index<'Service_Monitor'>('sm_by_key').first(key);
      case 'DNS':
        return r.index<'DNS'>('dns_by_id').first(key);
    }
  }

  /**
   * HA_Chassis_Group.ref_chassis from the SB's port claims (ha-ref-chassis.ts), in its own transaction
   * after the round's (the groups exist by then). Nothing to do without groups of 2+ chassis.
   */
  private async syncRefChassis(): Promise<void> {
    const r = this.sbReplica;
    const groups = r.table('HA_Chassis_Group');
    if (!groups.size) return;
    const updates = refChassisUpdates(groups.values(), this.engine.haRefSwitches(), (sw) => {
      const dp = r.index<'Datapath_Binding'>('dp_by_nb').first(sw)?._uuid;
      return dp ? r.index<'Port_Binding'>('pb_by_dp').get(dp) : [];
    });
    if (!updates.length) return;
    const w = new WireWriter(NORTHD_LOCK);
    for (const u of updates) w.update('HA_Chassis_Group', u.group, { ref_chassis: u.refChassis });
    await w.commit(this.sb);
    const last = updates[updates.length - 1]!;
    await r
      .waitFor((x) => x.get('HA_Chassis_Group', last.group)?.ref_chassis.length === last.refChassis.length, 10_000)
      .catch(() => this.opts.logger.warn('SB replica did not show ref_chassis within 10 s'));
  }

  /**
   * Service_Monitor rows ovn-controller left online while their port's binding is not up are set offline,
   * as ovn-northd does (in its own transaction after the round's; the echo is a verdict like any other).
   */
  private async syncMonitorStatus(): Promise<void> {
    const r = this.sbReplica;
    const monitors = r.table('Service_Monitor');
    if (!monitors.size) return;
    const gone = monitorsGoneOffline(
      monitors.values(),
      (m) => {
        const key = CURRENT_KEY.Service_Monitor(m, () => undefined);
        return key !== undefined && this.engine.keyedRow('Service_Monitor', key) !== undefined;
      },
      (port) => {
        const pb = r.lookup('Port_Binding', { logical_port: port });
        return pb ? pb.up === true : undefined;
      },
    );
    if (!gone.length) return;
    const w = new WireWriter(NORTHD_LOCK);
    for (const m of gone) w.update('Service_Monitor', m._uuid, { status: 'offline' });
    await w.commit(this.sb);
  }

  /**
   * MAC_Binding aging (mac-binding-aging.ts), after each round in its own transaction: the rows past their
   * router's mac_binding_age_threshold are deleted, and a round is due when the next one expires. Only
   * when every chassis stamps its rows (the mac-binding-timestamp feature), as ovn-northd.
   */
  private async syncMacBindingAging(): Promise<void> {
    clearTimeout(this.agingTimer);
    this.agingTimer = undefined;
    // Found again only after a Logical_Router change (the change listener forgets them), not every round.
    const routers = (this.agingRouters ??= agingRouters(this.nbReplica.table('Logical_Router').values()));
    if (!routers.length) return;
    const r = this.sbReplica;
    if (!chassisFeatures(r.table('Chassis').values()).macBindingTimestamp) return;
    const thresholds = new Map<string, number>();
    for (const lr of routers) {
      const dp = r.index<'Datapath_Binding'>('dp_by_nb').first(lr.uuid);
      if (dp) thresholds.set(dp._uuid, lr.thresholdS * 1000);
    }
    const global = [...this.nbReplica.table('NB_Global').values()][0];
    const pass = agedMacBindings(
      r.table('MAC_Binding').values(),
      (dp) => thresholds.get(dp),
      Date.now(),
      smapUint(global?.options, 'mac_binding_removal_limit'),
    );
    if (pass.expired.length) {
      const w = new WireWriter(NORTHD_LOCK);
      for (const u of pass.expired) w.delete('MAC_Binding', u);
      await w.commit(this.sb);
      const last = pass.expired[pass.expired.length - 1]!;
      await r
        .waitFor((x) => x.get('MAC_Binding', last) === undefined, 10_000)
        .catch(() => this.opts.logger.warn('SB replica did not show the aged MAC bindings gone within 10 s'));
    }
    if (pass.nextCheckMs !== undefined) this.agingTimer = setTimeout(() => this.schedule(), pass.nextCheckMs);
  }

  /** Publish NB nb_cfg in SB_Global when nothing else needs writing. */
  private async publishNbCfgOnly(nbCfg: number): Promise<void> {
    const g = [...this.sbReplica.table('SB_Global').values()][0];
    if (!g || g.nb_cfg === nbCfg || this.opts.dryRun) return;
    const w = new WireWriter(NORTHD_LOCK);
    w.update('SB_Global', g._uuid, { nb_cfg: nbCfg });
    await w.commit(this.sb);
    await this.sbReplica
      .waitFor((r) => [...r.table('SB_Global').values()][0]?.nb_cfg === nbCfg, 10_000)
      .catch(() => this.opts.logger.warn('SB replica did not show nb_cfg within 10 s'));
    this.noteEcho(this.sbReplica.takeChanges().changes);
  }

  /**
   * The SB changes taken while waiting for our own transaction: ours need nothing, but others' in the same
   * window still count — chassis and encapsulations force a recompute, health check verdicts are kept
   * for the next round's engine pass.
   */
  private noteEcho(echo: SbReplicaChanges): void {
    this.notePortUp([], echo);
    if (echo.some((c) => (c.table === 'Chassis' || c.table === 'Encap') && affectsCompile(c))) this.dirty = true;
    for (const c of echo) if (c.table === 'Service_Monitor' && sbHandledIncrementally(c)) this.carriedSb.push(c);
  }

  /** Remember which ports' `up` to revisit, from NB and SB changes. */
  private notePortUp(nb: readonly { table: string; old: unknown; new: unknown }[], sb: typeof nb): void {
    if (this.portUpDirty === 'all') return;
    const names = this.portUpDirty;
    for (const c of [...nb, ...sb]) {
      if (c.table === 'Chassis') {
        this.portUpDirty = 'all';
        return;
      }
      const key = c.table === 'Logical_Switch_Port' ? 'name' : c.table === 'Port_Binding' ? 'logical_port' : undefined;
      if (!key) continue;
      for (const r of [c.old, c.new] as (Record<string, unknown> | undefined)[]) if (r) names.add(r[key] as string);
    }
  }

  /** NB Logical_Switch_Port.up from the SB bindings: the updates due (none when nothing is dirty). */
  private portUpChanges(): { uuid: Uuid<'Logical_Switch_Port'>; up: boolean }[] {
    const dirty = this.portUpDirty;
    this.portUpDirty = new Set();
    if (dirty !== 'all' && !dirty.size) return [];
    return dirty === 'all'
      ? portUpUpdates(
          liveView(this.nbReplica, NB_INPUT_TABLES) as unknown as NbInput,
          liveView(this.sbReplica, SB_VIEW_TABLES) as never,
        )
      : portUpUpdatesFor(
          dirty,
          (name) => this.nbReplica.lookup('Logical_Switch_Port', { name }),
          (name) => this.sbReplica.lookup('Port_Binding', { logical_port: name }),
          this.sbReplica.table('Chassis'),
        );
  }

  /**
   * What northd writes back to the NB after a round, in one transaction: port `up` from the SB, BFD status, and
   * the second half of the handshake (sb_cfg follows SB nb_cfg, hv_cfg the slowest chassis).
   */
  private async publishNb(nbCfg: number): Promise<void> {
    const txn = this.nb.transaction(nbModel);
    let writes = 0;
    for (const u of this.portUpChanges()) {
      txn.update('Logical_Switch_Port', [['_uuid', '==', u.uuid]], { up: u.up });
      writes++;
    }
    // BFD sessions' status: admin_down when unused, ovn-controller's state when used (sync/bfd.ts).
    for (const u of bfdNbUpdates(this.engine.bfdInput(), this.sbReplica.table('BFD').values())) {
      txn.update('BFD', [['_uuid', '==', u.uuid]], { status: u.status });
      writes++;
    }
    const cfg = this.cfgRow(nbCfg);
    if (cfg) {
      txn.update('NB_Global', [['_uuid', '==', cfg.global]], cfg.row);
      writes++;
    }
    if (writes) await txn.commit();
  }

  /**
   * What the real northd keeps from its first loop on, empty NB included: SB_Global with its options and
   * the RBAC rows (in one SB transaction, first: a 23.03 ovn-controller reads SB_Global.options without
   * checking that the row exists), and NB_Global with the options northd owns, both sent at once. Returns
   * true when it wrote the NB and the replica does not show it yet (its echo starts the next round).
   */
  private async bootstrap(): Promise<boolean> {
    const global = [...this.nbReplica.table('NB_Global').values()][0];
    const vxlan = [...this.sbReplica.table('Encap').values()].some((e) => e.type === 'vxlan');
    const current = global?.options ?? {};
    const options = northdNbOptions(current, vxlan);

    const sbOptions = () => sbGlobalOptions(options, vxlan, chassisFeatures(this.sbReplica.table('Chassis').values()));
    const w = new WireWriter(NORTHD_LOCK);
    let sbWrites = 0;
    // An SB_Global that `ovn-sbctl init` created has no options yet: fill them in as well.
    const sbGlobal = [...this.sbReplica.table('SB_Global').values()][0];
    if (!sbGlobal) {
      w.insert('SB_Global', { options: sbOptions() });
      sbWrites++;
    } else if (sbGlobal.options['northd_internal_version'] === undefined) {
      w.update('SB_Global', sbGlobal._uuid, { options: sbOptions() });
      sbWrites++;
    }
    const sb = this.sbReplica;
    sbWrites += syncRbac(sb.table('RBAC_Role').values(), sb.table('RBAC_Permission').values(), rbacWriter(w));
    // The SB and the NB writes go out together (a cold start waited for one round trip after the other).
    const sbWritten = sbWrites
      ? w
          .commit(this.sb)
          .then(() =>
            this.sbReplica
              .waitFor((r) => r.table('SB_Global').size > 0 && r.table('RBAC_Role').size > 0, 10_000)
              .catch(() => this.opts.logger.warn('SB replica did not show SB_Global within 10 s')),
          )
      : undefined;
    let nbWritten: Promise<boolean> | undefined;
    if (!global || options !== current) {
      const txn = this.nb.transaction(nbModel);
      if (global) txn.update('NB_Global', [['_uuid', '==', global._uuid]], { options });
      else txn.insert('NB_Global', { options });
      nbWritten = txn.commit().then(() =>
        this.nbReplica
          .waitFor(
            (r) => [...r.table('NB_Global').values()][0]?.options['northd_internal_version'] !== undefined,
            5_000,
          )
          .then(
            () => true,
            () => false,
          ),
      );
    }
    const [sbDone, nbDone] = await Promise.allSettled([sbWritten, nbWritten]);
    if (sbDone.status === 'rejected') throw sbDone.reason;
    if (nbDone.status === 'rejected') throw nbDone.reason;
    // The round goes on once the replica shows the NB options it wrote (the compiler reads them); if it
    // does not yet, their echo starts the next round.
    return nbDone.value === false;
  }

  /** The NB_Global columns of the handshake that need writing, if any. */
  private cfgRow(nbCfg: number): { global: Uuid<'NB_Global'>; row: Record<string, number> } | undefined {
    const sbGlobal = [...this.sbReplica.table('SB_Global').values()][0];
    const global = [...this.nbReplica.table('NB_Global').values()][0];
    if (!sbGlobal || !global || sbGlobal.nb_cfg !== nbCfg) return undefined;
    let hvCfg = nbCfg;
    let hvTs = 0;
    for (const c of this.sbReplica.table('Chassis_Private').values()) {
      if (c.nb_cfg < hvCfg) hvCfg = c.nb_cfg;
      if (c.nb_cfg_timestamp > hvTs) hvTs = c.nb_cfg_timestamp;
    }
    const row: Record<string, number> = {};
    if (global.sb_cfg !== nbCfg) Object.assign(row, { sb_cfg: nbCfg, sb_cfg_timestamp: Date.now() });
    if (global.hv_cfg !== hvCfg) Object.assign(row, { hv_cfg: hvCfg, hv_cfg_timestamp: hvTs || Date.now() });
    return Object.keys(row).length ? { global: global._uuid, row } : undefined;
  }
}
