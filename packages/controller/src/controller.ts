// The ovnts-controller runtime: keeps replicas of the local OVS DB and the southbound DB, and on every change
// recomputes this chassis's state (bindings, tunnels, zones, OpenFlow) and applies the difference. The switch
// is never flushed: after a (re)connect we read what it has and sync from there.
import os from 'node:os';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { OvsdbClient, type Replica, type SslFiles, type Uuid } from 'ovsdb-client-ts';
import { model as sbModel } from '@ovnts/schema/sb';
import { model as vswitchModel } from '@ovnts/schema/vswitch';
import { type Flow, type Group, SwitchConnection } from '@ovnts/openflow';
import { trimMalloc } from '@ovnts/daemon';
import { type ChassisConfig, ConfigError, chassisScopedIds, parseChassisConfig } from './config.js';
import { registerChassis, unregisterChassis } from './chassis.js';
import { planBindings } from './bindings.js';
import { activeTunnels, bfdChassis, bfdSettings, planBfd, syncBfd } from './bfd.js';
import { groupText } from './groups.js';
import { ChassisEngine } from './engine/graph.js';
import { type RoundInput, groupChanges } from './engine/inputs.js';
import { equivalenceReport } from './engine/equivalence.js';
import {
  type LocalnetPatch,
  type VsSnapshot,
  bridgeIfaces,
  ensureBridge,
  findBridge,
  markInstalled,
  ovsMonitorTables,
  persistZones,
  setBridgeNbCfg,
  syncLocalnetPatches,
  syncTunnels,
  tunnelsAwaitingOfport,
  type TunnelSpec,
} from './ovs-state.js';
import { ClaimOverlay } from './claim-overlay.js';
import { handsOver, PortArrivals } from './port-arrivals.js';
import { type LocalDatapaths, LocalDatapathsMemo, type LocalView, type OvsIface, type SbSnapshot } from './view.js';
import { Pinctrl } from './pinctrl.js';
import { localMonitors } from './svc-monitor.js';
import { affectsFlows, bumpsNbCfg } from './relevance.js';
import { RetryBackoff } from './retry-backoff.js';
import { FlowInstaller } from './flow-installer.js';
import { type SbConditions, SbConditionsMemo, SbMonitor, monitorTables, sbConditions } from './sb-monitor.js';
import type { ControllerControl } from './appctl.js';
import { formatLocalBindings, localBindings } from './local-bindings.js';
import { clearChassisIndex, syncOtherConfig } from './ovs-config.js';
import { Coverage } from './coverage.js';
import { announcements } from './garp.js';
import { McastConfigsMemo } from './ip-mcast-config.js';
import { periodicRas } from './periodic-ra.js';
import { desiredMeters } from './meters.js';
import { checkNorthdVersion, mismatchMessage } from './northd-version.js';

export interface ControllerOptions {
  /** The local Open_vSwitch database, e.g. unix:/var/run/openvswitch/db.sock. */
  readonly ovsRemote: string;
  /** Where `<bridge>.mgmt` lives (default $OVS_RUNDIR or /var/run/openvswitch). */
  readonly rundir?: string;
  readonly logger?: Logger;
  /** How long to wait for system-id / ovn-remote to appear (default 30 s). */
  readonly configTimeoutMs?: number;
  /** Key, certificate (CN = the chassis name, for an SB under RBAC) and CA for an ssl: ovn-remote (-p/-c/-C). */
  readonly ssl?: SslFiles;
  /**
   * Test mode: after every round, compute everything again from scratch and compare with the flows the
   * incremental engine keeps; differences are logged and counted (stats().equivalenceFailures).
   */
  readonly checkEquivalence?: boolean;
  /**
   * Time limit of every SB request (ms; default $OVNTS_SB_REQUEST_TIMEOUT_MS or 60000). A request the SB
   * leaves unanswered that long ends the session (the client reconnects) and fails the round, which is
   * retried: an SB that answers echoes but nothing else is never waited on forever.
   */
  readonly sbRequestTimeoutMs?: number;
}

/** How long a stop waits for the round in progress, and then for the SB clean-up (ms each). */
const STOP_ROUND_WAIT_MS = 2000;
const STOP_CLEANUP_MS = 3000;

export interface ControllerStats {
  readonly recomputes: number;
  readonly flows: number;
  readonly groups: number;
  readonly lflowErrors: number;
  readonly lastRecomputeMs: number;
  /** Milliseconds of the last engine round (the computation alone, no database or switch I/O). */
  readonly lastEngineMs: number;
  /** Milliseconds of this process's own work since the start: engine rounds, and flow installation (wall). */
  readonly engineMsTotal: number;
  readonly installMsTotal: number;
  /** Rounds whose incremental result differed from a full computation (checkEquivalence only). */
  readonly equivalenceFailures: number;
  /** Engine rounds run on a slice still arriving (a widening's steps), their flows not installed. */
  readonly computedAhead: number;
  /**
   * The last round that set `ovn-installed` on an interface: milliseconds from the round's start (the SB or
   * OVS update that made the port ours) until the flows were in the switch and the marks written, split
   * into computing, installing the flows, and writing the status (`up`, `ovn-installed`, nb_cfg).
   */
  readonly lastPortReady: {
    totalMs: number;
    computeMs: number;
    installMs: number;
    reportMs: number;
    /**
     * From the update that let the port be claimed (the later of its SB binding's arrival and its interface's
     * getting an OpenFlow port with its iface-id, port-arrivals.ts; or the claiming round's first change, if
     * later) until the transaction writing `ovn-installed` completed, across the claim's round and the
     * installing one; 0 for a port this controller did not claim itself.
     */
    sinceUpdateMs: number;
  };
  readonly lastInstall: { add: number; modify: number; remove: number };
  /** Flow mods sent since the start, summed over every install. */
  readonly totalInstalled: { add: number; modify: number; remove: number };
  /** Rows replicated per SB table (conditional monitoring keeps only this chassis's slice). */
  readonly sbRows: Readonly<Record<string, number>>;
  /** SB monitor condition changes the server applied. */
  readonly conditionChanges: number;
  /** Rows × columns replicated from the SB (ovn-controller's idl-cells-OVN_Southbound). */
  readonly sbCells: number;
  /** Bytes received from the SB so far (all sessions). */
  readonly sbBytesIn: number;
}

export interface ControllerHandle {
  readonly chassisName: string;
  readonly config: ChassisConfig;
  /** Resolves once no recomputation is pending or running. */
  whenIdle(): Promise<void>;
  /** The flows and groups last computed for the switch. */
  desired(): { flows: readonly Flow[]; groups: readonly Group[] };
  /** `inc-engine/show-stats`: per engine node, recomputes, computes, unchanged rounds and time. */
  engineStats(): string;
  /** `inc-engine/recompute`: the next round recomputes every node (scheduled now). */
  recomputeAll(): void;
  stats(): ControllerStats;
  /** Stops; with `cleanup` (the default) releases bindings and removes the chassis from the SB. */
  stop(opts?: { cleanup?: boolean }): Promise<void>;
  /** What the control commands (appctl.ts) read and drive. */
  readonly control: ControllerControl;
}

export async function startController(opts: ControllerOptions): Promise<ControllerHandle> {
  // `module` (vlog's name for ovn-controller's main loop), not `component`: the clients below add their own
  // `component`, and pino would repeat the key in one record.
  const log = (opts.logger ?? pino({ level: process.env['OVNTS_LOG_LEVEL'] ?? 'warn' })).child({ module: 'main' });
  // A daemon waits for its databases to come up (the client's default is to fail at once).
  // The local database over a unix: socket needs no keepalive (OVS's jsonrpc sessions probe only other streams).
  const ovs = await OvsdbClient.connect(opts.ovsRemote, {
    logger: log,
    waitForServer: true,
    inactivityProbeMs: opts.ovsRemote.startsWith('unix:') ? 0 : 5000,
  });
  let ovsRep: Replica<typeof vswitchModel> | undefined;
  let sb: OvsdbClient | undefined;
  try {
    ovsRep = await ovs.monitor(vswitchModel, { tables: ovsMonitorTables() });
    let cfg: ChassisConfig | undefined;
    let lastErr: unknown;
    const tryCfg = () => {
      const root = [...ovsRep!.table('Open_vSwitch').values()][0];
      if (!root) return false;
      try {
        cfg = parseChassisConfig(root.external_ids, os.hostname());
        return true;
      } catch (e) {
        lastErr = e;
        return false;
      }
    };
    if (!tryCfg()) {
      await ovsRep.waitFor(tryCfg, opts.configTimeoutMs ?? 30_000).catch(() => {
        throw lastErr instanceof ConfigError ? lastErr : new ConfigError('Open_vSwitch table is empty');
      });
    }
    const sbTimeoutMs = opts.sbRequestTimeoutMs ?? (Number(process.env['OVNTS_SB_REQUEST_TIMEOUT_MS']) || 60_000);
    sb = await OvsdbClient.connect(cfg!.remote, {
      logger: log,
      inactivityProbeMs: cfg!.probeIntervalMs,
      requestTimeoutMs: sbTimeoutMs,
      unansweredRequestMs: sbTimeoutMs,
      setupTimeoutMs: Math.min(30_000, sbTimeoutMs),
      waitForServer: true,
      // As ovn-controller, keep trying for as long as it takes: an SB that does not answer at start-up (down,
      // silent, a Raft member without a leader) is retried with backoff, never a reason to exit.
      initialConnectTimeoutMs: 0,
      // A big SB download (the initial slice, a condition change) is parsed and decoded in slices: the event
      // loop keeps answering the switch and the SB meanwhile.
      sliceMs: ENGINE_SLICE_MS,
      ...(opts.ssl ? { ssl: opts.ssl } : {}),
    });
    // The first slice: what the chassis can know before its Chassis row and bindings are read.
    const initial = sbConditions(emptySb, {
      monitorAll: cfg!.monitorAll,
      chassisName: cfg!.systemId,
      chassis: undefined,
      ifaceIds: localIfaceIds(ovsRep.snapshot(), cfg!.bridge),
      localDps: new Map(),
    });
    // No limit on the initial monitor either: an unanswered one drops the session (unansweredRequestMs) and is
    // sent again on the next.
    const sbRep = await sb.monitor(sbModel, { tables: monitorTables(initial) }, { timeoutMs: 0 });
    const c = new Controller(
      cfg!,
      ovs,
      ovsRep,
      sb,
      sbRep,
      initial,
      opts.rundir ?? process.env['OVS_RUNDIR'] ?? '/var/run/openvswitch',
      log,
      { checkEquivalence: opts.checkEquivalence ?? process.env['OVNTS_CONTROLLER_CHECK_EQUIVALENCE'] === '1' },
    );
    await c.start();
    return c;
  } catch (e) {
    await sb?.close();
    await ovs.close();
    throw e;
  }
}

/** No datapath groups: the conditions computed before the SB is read. */
const emptySb: Pick<SbSnapshot, 'Logical_DP_Group'> = { Logical_DP_Group: new Map() };

/**
 * A round's compilation runs in slices this long (wall ms) with the event loop served in between, so echo
 * requests and inactivity probes are answered while thousands of logical flows compile.
 */
const ENGINE_SLICE_MS = 50;

/** Lets the event loop run what is due (timers, I/O: echo replies, probes) before going on. */
const serveLoop = () => new Promise<void>((r) => setImmediate(r));

/** No CPU reading (the debug line's figures are taken only when it is logged). */
const NO_CPU: NodeJS.CpuUsage = { user: 0, system: 0 };

/** A claimed port not marked installed within this long is no longer tracked for the port-ready figure. */
const PORT_READY_FORGET_MS = 60_000;

/** A port another chassis took is not claimed back sooner than this after our own claim (no tug-of-war storm). */
const CLAIM_THROTTLE_MS = 500;
/** How long nb_cfg's report waits at most for new tunnels' OpenFlow ports (awaitingTunnels). */
const TUNNEL_OFPORT_WAIT_MS = 5000;

/** This chassis's Encap rows, geneve before vxlan (the type a port's encap-ip names). */
function myEncaps(sb: SbSnapshot, me: Uuid<'Chassis'>): { uuid: Uuid<'Encap'>; ip: string }[] {
  const order = ['geneve', 'stt', 'vxlan'];
  const rows = (sb.Chassis.get(me)?.encaps ?? []).map((u) => sb.Encap.get(u)).filter((e) => e !== undefined);
  rows.sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
  return rows.map((e) => ({ uuid: e._uuid, ip: e.ip }));
}

/** external_ids:iface-id of the interfaces on the integration bridge. */
function localIfaceIds(vs: VsSnapshot, bridgeName: string): Set<string> {
  const bridge = findBridge(vs, bridgeName);
  return new Set(bridge ? bridgeIfaces(vs, bridge).flatMap((i) => (i.ifaceId ? [i.ifaceId] : [])) : []);
}

class Controller implements ControllerHandle {
  readonly chassisName: string;
  private readonly of: SwitchConnection;
  /** Logical-flow compilation in slices of about this long, the event loop served in between. */
  private readonly engine = new ChassisEngine(undefined, { sliceMs: ENGINE_SLICE_MS });
  private readonly pinctrl: Pinctrl;
  private readonly monitor: SbMonitor;
  /** Aborted on stop: ends a wait for the SB to apply new conditions. */
  private readonly stopping = new AbortController();
  private firstInstallLogged = false;
  private readonly failures = new RetryBackoff();
  private readonly installer: FlowInstaller;
  private desiredGroups: readonly Group[] = [];
  private running: Promise<void> | undefined;
  private dirty = false;
  private reportDirty = false;
  /** What the flows on the switch were computed from, for status-only rounds. */
  private current: { view: LocalView; me: Uuid<'Chassis'> } | undefined;
  private stopped = false;
  private timer: NodeJS.Immediate | undefined;
  private idleWaiters: (() => void)[] = [];
  /** debug/pause: no rounds run until debug/resume (changes accumulate). */
  private paused = false;
  /** ovn-match-northd-version is on and northd's version differs: rounds are skipped (northd-version.ts). */
  private versionMismatch = false;
  private lastZones: ReadonlyMap<string, number> = new Map();
  /** The zones and the bridge's external_ids persistZones last found already written (skipped while the same). */
  private zonesInOrder: { zones: ReadonlyMap<string, number>; ids: object } | undefined;
  private nbCfgDelayMs = 0;
  /**
   * When this chassis last claimed each port (the tug-of-war throttle). Only claims younger than the
   * throttle matter: older ones are dropped at each claim, so it holds the ports claimed in the last 500 ms.
   */
  private readonly claimedAt = new Map<string, number>();
  private nbCfgSeen: { value: number; at: number } | undefined;
  /** Since when nb_cfg's report waits for new tunnels' OpenFlow ports (awaitingTunnels). */
  private tunnelWaitSince: number | undefined;
  /** When the oldest change not yet computed came in (performance.now()); the running round's in `roundSince`. */
  private pendingSince: number | undefined;
  private roundSince = 0;
  /** Rounds restarted in a row because updates came in before their bindings were applied. */
  private prefixRestarts = 0;
  /** An interface became claimable since the running round started (PortArrivals.note). */
  private claimableArrived = false;
  /** Rounds in a row that left their install to the next one (a claim's round: see recompute). */
  private handovers = 0;
  private readonly conditions = new SbConditionsMemo();
  private readonly mcastConfigs = new McastConfigsMemo();
  private readonly localDps = new LocalDatapathsMemo();
  /** The external_ids and host name the configuration was last parsed from. */
  private configRead: { ids: object; host: string } | undefined;
  /** What registerChassis last found in order: the tables and configuration it read (skipped while the same). */
  private registered: readonly unknown[] = [];
  /**
   * Ports claimed and not yet marked installed: when the change that let each be claimed came in (for the
   * port-ready figure). Entries go at the mark, at release, or after PORT_READY_FORGET_MS.
   */
  private readonly claimSince = new Map<string, number>();
  /** When each port's binding and claimable interface last arrived (the port-ready figure's start). */
  private readonly arrivals = new PortArrivals();
  /** Claims sent whose echo the replica does not show yet: the engine computes with them (claim-overlay.ts). */
  private readonly claims = new ClaimOverlay();
  readonly coverage = new Coverage();
  readonly control: ControllerControl = this.makeControl();
  private st = {
    recomputes: 0,
    flows: 0,
    groups: 0,
    lflowErrors: 0,
    lastRecomputeMs: 0,
    lastEngineMs: 0,
    engineMsTotal: 0,
    installMsTotal: 0,
    equivalenceFailures: 0,
    computedAhead: 0,
    lastPortReady: { totalMs: 0, computeMs: 0, installMs: 0, reportMs: 0, sinceUpdateMs: 0 },
    lastInstall: { add: 0, modify: 0, remove: 0 },
    totalInstalled: { add: 0, modify: 0, remove: 0 },
  };

  constructor(
    private cfg: ChassisConfig,
    private readonly ovs: OvsdbClient,
    private readonly ovsRep: Replica<typeof vswitchModel>,
    private readonly sb: OvsdbClient,
    private readonly sbRep: Replica<typeof sbModel>,
    initialConditions: SbConditions,
    rundir: string,
    private readonly log: Logger,
    private readonly opts: { readonly checkEquivalence: boolean },
  ) {
    this.chassisName = cfg.systemId;
    this.of = new SwitchConnection({
      target: `unix:${path.join(rundir, cfg.bridge + '.mgmt')}`,
      logger: log,
      backoffMaxMs: 1000,
      echoIntervalMs: cfg.openflowProbeIntervalS * 1000,
    });
    this.pinctrl = new Pinctrl(this.of, sb, () => this.sbRep.snapshot(), log, this.chassisName);
    this.monitor = new SbMonitor(sbRep, initialConditions, undefined, () => this.schedule());
    this.installer = new FlowInstaller(this.of, log, { onRetryDue: () => this.schedule() });
  }

  async start(): Promise<void> {
    await ensureBridge(this.ovs, this.ovsRep.snapshot(), this.config);
    this.ovsRep.on('change', (b) => this.onChanges(b.changes));
    this.sbRep.on('change', (b) => this.onChanges(b.changes));
    this.sbRep.on('resumed', () => this.schedule());
    this.of.on('connected', () => {
      this.installer.reset(); // re-read the switch before the next sync
      this.schedule();
    });
    this.of.on('disconnected', () => {
      this.installer.reset();
      this.schedule(); // BFD sessions died with the switch: a gateway here must give its ports up
    });
    this.of.on('packet_in', (p) => this.pinctrl.handle(p));
    void this.of.connect().catch((e: unknown) => this.log.warn({ err: String(e) }, 'OpenFlow connect failed'));
    this.schedule();
  }

  private onChanges(
    changes: readonly { kind: 'insert' | 'modify' | 'delete'; table: string; old: unknown; new: unknown }[],
  ): void {
    if (this.arrivals.note(changes, performance.now())) this.claimableArrived = true;
    if (changes.some(affectsFlows)) this.schedule();
    else if (changes.some(bumpsNbCfg)) this.schedule('report');
  }

  /** A full recomputation, or (`report`) only re-reporting status for flows that are already current. */
  private schedule(what: 'all' | 'report' = 'all'): void {
    if (this.stopped) return;
    if (what === 'all') {
      this.dirty = true;
      this.pendingSince ??= performance.now();
    } else this.reportDirty = true;
    if (this.running || this.timer || this.paused) return;
    // The next turn of the event loop: what already arrived is one batch, and nothing waits on a timer.
    this.timer = setImmediate(() => {
      this.timer = undefined;
      this.running = this.loop().finally(() => {
        this.running = undefined;
        if (this.dirty && !this.stopped) this.schedule();
        else if (this.reportDirty && !this.stopped) this.schedule('report');
        else for (const w of this.idleWaiters.splice(0)) w();
      });
    });
  }

  private async loop(): Promise<void> {
    while ((this.dirty || this.reportDirty) && !this.stopped && !this.paused) {
      const full = this.dirty;
      this.dirty = false;
      this.reportDirty = false;
      if (full) {
        this.roundSince = this.pendingSince ?? performance.now();
        this.pendingSince = undefined;
      }
      try {
        if (full) await this.recompute();
        else await this.report();
        this.failures.reset();
      } catch (e) {
        // A refusal that will not go away by itself (RBAC, a constraint) must not hammer the SB nor
        // flood the log: back off, and say it again only when it changes or every few rounds.
        const { delayMs, log } = this.failures.next(e instanceof Error ? e.message : String(e));
        if (log) this.log.warn({ err: log.err, failures: log.count }, `recompute failed; retrying in ${delayMs} ms`);
        await new Promise((r) => setTimeout(r, delayMs));
        this.dirty = true;
      }
    }
  }

  whenIdle(): Promise<void> {
    if (!this.running && !this.timer && ((!this.dirty && !this.reportDirty) || this.paused)) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  desired(): { flows: readonly Flow[]; groups: readonly Group[] } {
    return { flows: this.engine.desired.flows(), groups: this.desiredGroups };
  }

  engineStats(): string {
    return this.engine.engine.showStats();
  }

  recomputeAll(): void {
    this.engine.forceRecompute();
    this.schedule();
  }

  private checkEquivalence(round: RoundInput, groups: readonly Group[]): void {
    const r = equivalenceReport(this.engine.desired, groups, round, undefined, this.engine.lflows.meters.table);
    if (r.equal) return;
    this.st.equivalenceFailures++;
    this.log.error(
      { onlyIncremental: r.onlyIncremental.slice(0, 5), onlyFull: r.onlyFull.slice(0, 5) },
      'incremental result differs from a full computation',
    );
  }

  stats(): ControllerStats {
    const sbRows: Record<string, number> = {};
    let sbCells = 0;
    const tables: Record<string, { columns: object }> = sbModel.schema.tables;
    for (const [t, rows] of Object.entries(this.sbRep.snapshot())) {
      sbRows[t] = rows.size;
      sbCells += rows.size * Object.keys(tables[t]?.columns ?? {}).length;
    }
    return {
      ...this.st,
      sbRows,
      sbCells,
      conditionChanges: this.monitor.changes,
      sbBytesIn: this.sb.traffic().bytesIn,
    };
  }

  private async recompute(): Promise<void> {
    const t0 = performance.now();
    // Only for the debug line: each reading is a system call.
    const debug = this.log.isLevelEnabled('debug');
    const cpu0 = debug ? process.cpuUsage() : NO_CPU;
    this.claimableArrived = false;
    // The round's phases (debug only): wall and CPU at the end of each, for the `port ready` line.
    const marks: RoundMark[] | undefined = debug ? [{ phase: 'start', at: t0, cpu: cpu0 }] : undefined;
    const mark = (phase: string) => marks?.push({ phase, at: performance.now(), cpu: process.cpuUsage() });
    // When each of the round's awaited requests completed (debug only).
    const doneAt = new Map<string, number>();
    const stamp: Stamp = (name, p) => (marks ? p.then((x) => (doneAt.set(name, performance.now()), x)) : p);
    const vs: VsSnapshot = this.ovsRep.snapshot();
    const root = [...vs.Open_vSwitch.values()][0];
    if (root && (await syncOtherConfig(this.ovs, root, this.chassisName))) return; // the change re-triggers us
    this.rereadConfig(root?.external_ids);
    const sbSnap: SbSnapshot = this.sbRep.snapshot();
    const ids = chassisScopedIds(root?.external_ids ?? {});
    const version = checkNorthdVersion(ids, [...sbSnap.SB_Global.values()][0]?.options);
    if (!version.match) {
      if (!this.versionMismatch && version.northd !== undefined) this.log.warn(mismatchMessage(version.northd));
      this.versionMismatch = true;
      return;
    }
    if (this.versionMismatch) {
      this.versionMismatch = false;
      this.engine.forceRecompute(); // northd caught up: everything skipped meanwhile is due
    }
    // The Chassis and Encap tables, our Chassis_Private's chassis, the configuration and the datapath's interface
    // types as when they were last found in order: nothing to check (each is replaced, never changed in place;
    // our own nb_cfg reports replace the Chassis_Private row, not its chassis).
    const priv = [...sbSnap.Chassis_Private.values()].find((p) => p.name === this.chassisName);
    const registration = [sbSnap.Chassis, sbSnap.Encap, priv?.chassis, this.config, root?.iface_types];
    if (!sameItems(registration, this.registered)) {
      if (await registerChassis(this.sb, sbSnap, this.config, root?.iface_types ?? [])) return; // the change re-triggers us
      this.registered = registration;
    }
    const chassis = [...sbSnap.Chassis.values()].find((c) => c.name === this.chassisName);
    const bridge = findBridge(vs, this.config.bridge);
    if (!chassis || !bridge) return;

    const ifaces = bridgeIfaces(vs, bridge);
    // What is local by this snapshot (the engine builds its own view later, from the snapshot it computes on).
    const localNow = this.localDps.get(sbSnap, this.chassisName, ifaces);
    // The slice this state needs; when it changed, compute again once the server has applied the change.
    const slice = this.conditions.get(sbSnap, {
      monitorAll: ids['ovn-monitor-all'] === 'true',
      chassisName: this.chassisName,
      chassis: chassis._uuid,
      ifaceIds: new Set(ifaces.flatMap((i) => (i.ifaceId ? [i.ifaceId] : []))),
      localDps: localNow.localDps,
    });
    // Each step above reads the whole slice (30k rows at a start): the event loop is served between them.
    await serveLoop();
    if (this.stopped) return;
    const tCond = debug ? performance.now() : 0;
    // A widening in steps (a start's slice): each step's rows are compiled as they come, while the server
    // composes the next (computeAhead); the round after the last computes the rest and installs.
    const onStep = () => this.computeAhead(ifaces, bridge);
    if (await this.monitor.apply(slice, this.stopping.signal, onStep)) {
      // (debug) How long the SB took to apply a change of the slice and send what it adds: at a start, the
      // local datapaths' logical flows, a wait of the whole round.
      if (debug) this.log.debug({ waitMs: Math.round(performance.now() - tCond) }, 'SB monitor conditions applied');
      return this.again();
    }
    // What came in while the loop was served (a pod's binding, its interface) is claimed from a fresh start
    // rather than after a whole round computed without it (then a second one with the claim): a port is
    // ready one round sooner. Twice at most in a row, so a stream of updates cannot hold the flows back.
    if ((this.sbRep.snapshot() !== sbSnap || this.ovsRep.snapshot() !== vs) && this.prefixRestarts < 2) {
      this.prefixRestarts++;
      return this.again();
    }
    this.prefixRestarts = 0;
    mark('slice');
    // Without the switch, bfd_status in its database is stale: no session counts as up.
    const live = this.of.isConnected ? activeTunnels(vs, bridge) : new Set<string>();
    const bound = await this.applyBindings(sbSnap, chassis._uuid, ifaces, live, localNow);
    if (bound === true) return;
    mark('bind');
    // Claims of ports on datapaths already local go on without waiting for their commit: the engine computes
    // them now (the overlay), the commit is awaited before anything is reported up.
    const claimed = typeof bound === 'boolean' ? undefined : bound.committed;
    claimed?.catch(() => undefined); // observed below; no unhandled rejection meanwhile
    if (await syncTunnels(this.ovs, vs, bridge, this.tunnelSpecs(sbSnap))) return;
    const bfdWrites = planBfd(vs, bridge, bfdChassis(sbSnap, chassis), bfdSettings(sbSnap));
    for (const w of bfdWrites) this.log.info(`${w.bfd['enable'] ? 'Enabled' : 'Disabled'} BFD on interface ${w.name}`);
    await syncBfd(this.ovs, bfdWrites);
    if (await syncLocalnetPatches(this.ovs, vs, bridge, this.localnetPatches(localNow))) return;
    mark('ovs');

    const tEngine = performance.now();
    const cpuPrefix = debug ? process.cpuUsage(cpu0) : NO_CPU;
    // Taken now, after the awaits above; what ran above from the older snapshot runs again next round.
    const { sbNow, round } = this.engineInput(ifaces, bridge);
    const sbEng = round.sb;
    await serveLoop(); // after taking a start's 30k changes, before the engine's first slice
    if (this.stopped) return;
    // The SB download's socket chunks, freed once parsed, stay resident in the C heap (malloc-trim.ts) through
    // the start's peak RSS unless handed back: at the first computation, and again after the first install.
    if (!this.firstInstallLogged) void trimMalloc();
    // Debug: what the round's first run recomputed, and in how many slices the round ran.
    let recomputeWhy = '';
    const ran = await this.runSlices(round, () => {
      if (debug) recomputeWhy = this.engine.engine.lastRecompute;
    });
    if (!ran) return;
    const { result, slices, changeNotInSnapshot, lflowsRecomputed } = ran;
    const { view, zones, groups, errors } = result;
    mark('engine');
    if (lflowsRecomputed) this.coverage.inc('lflow_run');
    if (changeNotInSnapshot)
      this.log.error({ change: changeNotInSnapshot }, 'SB changes newer than the snapshot; recomputing next round');
    if (sbNow !== sbSnap) this.dirty = true;
    this.st.lastEngineMs = performance.now() - tEngine;
    const cpuEngine = debug ? process.cpuUsage(cpu0) : NO_CPU;
    this.st.engineMsTotal += this.st.lastEngineMs;
    if (this.opts.checkEquivalence) this.checkEquivalence(round, groups);
    // The zones are in the flows already; persisting them is bookkeeping for the next start, written while
    // the flows go in (awaited before this round ends).
    // The same zones map and the same external_ids as when they were last found in order: nothing to compare.
    const zonesWritten =
      zones === this.zonesInOrder?.zones && bridge.external_ids === this.zonesInOrder.ids
        ? Promise.resolve(false)
        : persistZones(this.ovs, bridge, zones).then((wrote) => {
            if (!wrote) this.zonesInOrder = { zones, ids: bridge.external_ids };
            return wrote;
          });
    zonesWritten.catch(() => undefined); // observed below; no unhandled rejection while the install runs
    this.lastZones = zones;
    if (errors.length && errors.length !== this.st.lflowErrors)
      this.log.warn({ count: errors.length, first: errors[0] }, 'logical flows that did not compile');
    this.desiredGroups = groups;
    this.st = {
      ...this.st,
      recomputes: this.st.recomputes + 1,
      flows: this.engine.desired.size,
      groups: groups.length,
      lflowErrors: errors.length,
    };

    this.current = undefined;
    if (!this.of.isConnected) return void (await Promise.all([zonesWritten, claimed]));
    // An interface became claimable while this round computed (typically a pod's binding and logical flows
    // arrived just before its interface's OpenFlow port): the round that claims it installs this round's flows
    // with its own, instead of starting after this one's install and report (their round trips to the switch
    // and both databases); see handsOver.
    if (handsOver({ claimableArrived: this.claimableArrived, claimed: !!claimed, handoversInARow: this.handovers })) {
      this.handovers++;
      this.dirty = true;
      if (debug) this.log.debug('an interface became claimable: its round installs this one');
      return void (await zonesWritten);
    }
    this.handovers = 0;
    const t1 = performance.now();
    await Promise.all([
      stamp('flows', this.install(groups)),
      stamp('zones', zonesWritten),
      claimed && stamp('claim', claimed),
    ]);
    mark('install');
    this.st.installMsTotal += performance.now() - t1;
    if (debug)
      this.log.debug(
        {
          computeMs: Math.round(t1 - t0),
          engineMs: Math.round(this.st.lastEngineMs),
          nodesMs: Object.fromEntries(
            [...this.engine.engine.lastRoundMs].filter(([, ms]) => ms >= 0.5).map(([n, ms]) => [n, Math.round(ms)]),
          ),
          lflowsCompiled: this.engine.lflows.lastCompiled,
          // The round's inputs: SB changes per table, the first node recomputed and why, the slices it took.
          sbChanges: Object.fromEntries(Object.entries(round.sbChanges).map(([t, c]) => [t, c.length])),
          recompute: recomputeWhy,
          slices,
          heapUsedMb: Math.round(process.memoryUsage().heapUsed / 1e5) / 10,
          // CPU (user + system) of this process so far in the round: before the engine, after it, now.
          cpuMs: [cpuPrefix, cpuEngine, process.cpuUsage(cpu0)].map((c) => Math.round((c.user + c.system) / 100) / 10),
          installMs: Math.round(performance.now() - t1),
          flows: this.st.flows,
          ...this.st.lastInstall,
        },
        'recomputed',
      );
    this.st.lastRecomputeMs = performance.now() - t0;
    this.current = { view, me: chassis._uuid };
    const t2 = performance.now();
    const { marked: ready, markedAt } = await this.afterInstall(view, sbEng, chassis._uuid, vs, bridge, stamp);
    if (ready.length) {
      // `ovn-installed` is in effect once its own transaction is: the SB writes sent with it may answer later.
      const t3 = markedAt;
      const since = ready.map((p) => this.claimSince.get(p)).find((s) => s !== undefined);
      this.st.lastPortReady = {
        totalMs: t3 - t0,
        computeMs: t1 - t0,
        installMs: t2 - t1,
        reportMs: t3 - t2,
        sinceUpdateMs: since === undefined ? 0 : t3 - since,
      };
      mark('report');
      for (const p of ready) {
        const s = this.claimSince.get(p);
        if (s !== undefined && marks) {
          const waits = [...doneAt].map(([k, at]) => `${k}=${Math.round((at - t0) * 10) / 10}`).join(' ');
          this.log.debug(
            { lport: p, sinceUpdateMs: Math.round(t3 - s), phases: phaseText(s, marks), doneSinceStart: waits },
            'port ready',
          );
        }
        this.claimSince.delete(p);
      }
    }
    this.pinctrl.setAnnouncements(announcements(view, sbEng));
    this.pinctrl.setPeriodicRas(periodicRas(view, sbEng));
    this.pinctrl.setServiceMonitors(localMonitors(sbEng, chassis._uuid));
    this.pinctrl.setIpMulticast(this.mcastConfigs.get(view, sbEng), chassis._uuid);
  }

  /**
   * An engine round on the slice so far, while the rest of a widening is still arriving (SbMonitor.apply's
   * steps): its rows compile now instead of after the whole slice came in; nothing is installed or reported
   * (the flows of a connection's first install go ahead into the open bundle, streamAhead, which only the
   * install commits). The round after the widening takes what came since, as any round's changes.
   */
  private async computeAhead(ifaces: OvsIface[], bridge: { external_ids: Record<string, string> }): Promise<void> {
    if (this.stopped) return;
    const t0 = performance.now();
    const { sbNow, round } = this.engineInput(ifaces, bridge);
    await serveLoop();
    if (this.stopped) return;
    if (!(await this.runSlices(round))) return;
    if (this.of.isConnected) this.installer.streamAhead(this.engine.desired);
    this.st.computedAhead++;
    if (this.log.isLevelEnabled('debug'))
      this.log.debug(
        { ms: Math.round(performance.now() - t0), flows: this.engine.desired.size, lflows: sbNow.Logical_Flow.size },
        'computed ahead of the slice',
      );
  }

  /**
   * The engine's input: the SB snapshot and its changes taken at one instant (updates that arrived during a
   * round's awaits are in the changes, so they must be in the snapshot too, else a row deleted and re-created
   * meanwhile keeps its old flows and cookie until a restart), with this chassis's pending claims overlaid.
   */
  private engineInput(
    ifaces: OvsIface[],
    bridge: { external_ids: Record<string, string> },
  ): { sbNow: SbSnapshot; round: RoundInput } {
    const taken = this.sbRep.takeChanges();
    const sbNow: SbSnapshot = this.sbRep.snapshot();
    if (taken.resync) this.engine.forceRecompute(); // a full re-download: the changes are not a delta
    const overlaid = this.claims.apply(sbNow, taken.changes);
    const round = {
      sb: overlaid.sb,
      sbChanges: groupChanges(overlaid.changes),
      chassisName: this.chassisName,
      ifaces,
      bridgeExternalIds: bridge.external_ids,
    };
    return { sbNow, round };
  }

  /**
   * Runs the engine on a round to its end, a slice at a time: between slices the event loop is served (changes
   * arriving meanwhile wait for the next round, as they would during an unsliced one; nothing is installed
   * half-compiled). A connection's first install goes to the switch a slice at a time while the rest compiles,
   * in a bundle the install commits: the switch decodes ~40k flows of a start on the other core instead of
   * after the whole table is compiled. `afterFirst` runs after the first slice. Undefined: the controller stopped.
   */
  private async runSlices(
    round: RoundInput,
    afterFirst?: () => void,
  ): Promise<
    | {
        result: ReturnType<ChassisEngine['run']>;
        slices: number;
        changeNotInSnapshot: ReturnType<ChassisEngine['run']>['changeNotInSnapshot'];
        lflowsRecomputed: boolean;
      }
    | undefined
  > {
    const ahead = () => {
      if (this.of.isConnected) this.installer.streamAhead(this.engine.desired);
    };
    ahead();
    let result = this.engine.run(round);
    afterFirst?.();
    let slices = 1;
    const changeNotInSnapshot = result.changeNotInSnapshot;
    let lflowsRecomputed = result.lflowsRecomputed;
    while (this.engine.pending) {
      ahead();
      await serveLoop();
      if (this.stopped) return undefined;
      result = this.engine.run({ ...round, sbChanges: {} });
      slices++;
      lflowsRecomputed ||= result.lflowsRecomputed;
    }
    return { result, slices, changeNotInSnapshot, lflowsRecomputed };
  }

  /** This round stops before computing: the next one starts over, its changes counted from this one's start. */
  private again(): void {
    this.dirty = true;
    this.pendingSince = Math.min(this.pendingSince ?? Infinity, this.roundSince);
  }

  private async report(): Promise<void> {
    const vs = this.ovsRep.snapshot();
    const bridge = findBridge(vs, this.config.bridge);
    if (!this.current || !bridge || !this.of.isConnected || !this.installer.synced) return;
    const { marked, markedAt } = await this.afterInstall(
      this.current.view,
      this.sbRep.snapshot(),
      this.current.me,
      vs,
      bridge,
    );
    for (const p of marked) {
      const s = this.claimSince.get(p);
      if (s !== undefined) this.log.debug({ lport: p, sinceUpdateMs: Math.round(markedAt - s) }, 'port ready');
      this.claimSince.delete(p);
    }
  }

  private async applyBindings(
    sbSnap: SbSnapshot,
    me: Uuid<'Chassis'>,
    ifaces: readonly OvsIface[],
    live: ReadonlySet<string>,
    local: Pick<LocalDatapaths, 'localDps'>,
  ): Promise<boolean | { readonly committed: Promise<void> }> {
    const ifaceIds = new Set(ifaces.filter((i) => i.ofport > 0 && i.ifaceId).map((i) => i.ifaceId!));
    const encapIps = new Map(ifaces.flatMap((i) => (i.ifaceId && i.encapIp ? [[i.ifaceId, i.encapIp] as const] : [])));
    const ifaceIdVers = new Map(
      ifaces.flatMap((i) => (i.ifaceId && i.ifaceIdVer ? [[i.ifaceId, i.ifaceIdVer] as const] : [])),
    );
    const now = Date.now();
    for (const [port, at] of this.claimedAt) if (now - at >= CLAIM_THROTTLE_MS) this.claimedAt.delete(port);
    const tooOld = performance.now() - PORT_READY_FORGET_MS;
    for (const [port, at] of this.claimSince) if (at < tooOld) this.claimSince.delete(port);
    this.arrivals.prune(tooOld);
    const plan = planBindings(sbSnap, me, ifaceIds, this.chassisName, {
      encapIps,
      ifaceIdVers,
      myEncaps: myEncaps(sbSnap, me),
      postpone: (port) => now - (this.claimedAt.get(port) ?? 0) < CLAIM_THROTTLE_MS,
      activeTunnels: live,
    });
    if (plan.postponed.length) setTimeout(() => this.schedule(), CLAIM_THROTTLE_MS).unref();
    const { release, addAdditional, removeAdditional, encap } = plan;
    // A claim sent in an earlier round whose echo is not in yet is not sent again.
    const claim = plan.claim.filter((pb) => !this.claims.inFlight(pb));
    if (!claim.length && !release.length && !addAdditional.length && !removeAdditional.length && !encap.length)
      return false;
    const txn = this.sb.transaction(sbModel);
    const name = (c: Uuid<'Chassis'> | null) => (c ? (sbSnap.Chassis.get(c)?.name ?? c) : '');
    for (const pb of claim) {
      // ovn-controller's words: OVN's tests and operators grep for them.
      if (pb.chassis && pb.chassis !== me)
        this.log.info(`Changing chassis for lport ${pb.logical_port} from ${name(pb.chassis)} to ${this.chassisName}.`);
      this.log.info(`Claiming lport ${pb.logical_port} for this chassis.`);
      this.claimedAt.set(pb.logical_port, now);
      // From the update that made the claim possible: the later of the binding's and the interface's arrival
      // (the round may have started on an earlier change), or, when both were there before, the round's first.
      this.claimSince.set(pb.logical_port, Math.max(this.arrivals.since(pb.logical_port) ?? 0, this.roundSince));
      this.arrivals.forget(pb.logical_port);
      // A port with no interface here is up once claimed (ovn-controller marks those at the claim).
      const up = pb.type === 'external' ? { up: true } : {};
      txn.update('Port_Binding', [['_uuid', '==', pb._uuid]], { chassis: me, ...up });
    }
    for (const pb of release) {
      this.log.info(`Releasing lport ${pb.logical_port} from this chassis.`);
      this.claimSince.delete(pb.logical_port);
      // Only if still ours: another chassis may have taken it meanwhile.
      // A virtual port forgets its parent with its chassis.
      const parent = pb.virtual_parent ? { virtual_parent: null } : {};
      txn.update(
        'Port_Binding',
        [
          ['_uuid', '==', pb._uuid],
          ['chassis', '==', me],
        ],
        { chassis: null, up: false, ...parent },
      );
    }
    for (const pb of addAdditional) {
      this.log.info(`Claiming lport ${pb.logical_port} for this additional chassis.`);
      txn.mutate('Port_Binding', [['_uuid', '==', pb._uuid]], [['additional_chassis', 'insert', [me]]]);
    }
    for (const pb of removeAdditional) {
      this.log.info(`Releasing lport ${pb.logical_port} from this additional chassis.`);
      txn.mutate('Port_Binding', [['_uuid', '==', pb._uuid]], [['additional_chassis', 'delete', [me]]]);
    }
    const mine = myEncaps(sbSnap, me).map((e) => e.uuid);
    for (const e of encap) {
      const where = [['_uuid', '==', e.pb._uuid]] as const;
      if (e.column === 'encap') txn.update('Port_Binding', where, { encap: e.encap });
      else {
        if (mine.length) txn.mutate('Port_Binding', where, [['additional_encap', 'delete', mine]]);
        if (e.encap) txn.mutate('Port_Binding', where, [['additional_encap', 'insert', [e.encap]]]);
      }
    }
    // Plain VIF claims on datapaths already local (the slice holds all they need): computed in this round.
    if (
      claim.length &&
      !release.length &&
      !addAdditional.length &&
      !removeAdditional.length &&
      !encap.length &&
      claim.every((pb) => pb.type === '' && local.localDps.has(pb.datapath))
    ) {
      for (const pb of claim) this.claims.add(pb, { ...pb, chassis: me });
      const committed = txn.commit().then(
        () => undefined,
        (e: unknown) => {
          this.claims.fail(claim.map((pb) => pb._uuid));
          this.schedule(); // the overlaid flows go at once
          throw e;
        },
      );
      return { committed };
    }
    await txn.commit();
    return true;
  }

  /** Localnet ports of the datapaths local to this chassis whose network has a bridge mapping. */
  private localnetPatches(view: Pick<LocalDatapaths, 'portsByDp'>): LocalnetPatch[] {
    const out: LocalnetPatch[] = [];
    for (const ports of view.portsByDp.values())
      for (const pb of ports) {
        const bridge =
          pb.type === 'localnet' ? this.config.bridgeMappings.get(pb.options['network_name'] ?? '') : undefined;
        if (bridge) out.push({ port: pb.logical_port, bridge });
      }
    return out;
  }

  private tunnelSpecs(sbSnap: SbSnapshot): TunnelSpec[] {
    const out: TunnelSpec[] = [];
    const localIp = this.config.encapIps.length > 1 ? this.config.encapIps[0] : undefined;
    for (const ch of sbSnap.Chassis.values()) {
      if (ch.name === this.chassisName) continue;
      const encaps = ch.encaps.map((u) => sbSnap.Encap.get(u)).filter((e) => e !== undefined);
      // The most preferred type (Geneve over VXLAN, whatever the configured order) that both chassis offer.
      const e = (['geneve', 'vxlan'] as const)
        .filter((t) => this.config.encapTypes.includes(t))
        .map((t) => encaps.find((x) => x.type === t))
        .find((x) => x !== undefined);
      if (e) out.push({ chassis: ch.name, type: e.type, remoteIp: e.ip, ...(localIp ? { localIp } : {}) });
    }
    return out;
  }

  private async install(groups: readonly Group[]): Promise<void> {
    const plan = await this.installer.sync(
      this.engine.desired,
      groups,
      desiredMeters(this.sbRep.snapshot(), this.engine.lflows.meters.table),
    );
    const add = plan.add.length + plan.streamed;
    this.st.lastInstall = { add, modify: plan.modify.length, remove: plan.remove.length };
    const total = this.st.totalInstalled;
    this.st.totalInstalled = {
      add: total.add + add,
      modify: total.modify + plan.modify.length,
      remove: total.remove + plan.remove.length,
    };
    if (add + plan.modify.length + plan.remove.length) this.log.debug(this.st.lastInstall, 'flows installed');
    // A progress line for operators: the first full flow table is in the switch.
    if (!this.firstInstallLogged) {
      this.firstInstallLogged = true;
      this.log.info({ flows: this.st.flows, groups: groups.length }, 'first flow installation complete');
      void trimMalloc();
    }
  }

  /**
   * Reports what is now in effect: ports up, interfaces installed, and the nb_cfg the flows reflect. Returns the
   * ports whose interface it newly marked installed.
   */
  private async afterInstall(
    view: LocalView,
    sbSnap: SbSnapshot,
    me: Uuid<'Chassis'>,
    vs: VsSnapshot,
    bridge: NonNullable<ReturnType<typeof findBridge>>,
    stamp: Stamp = (_, p) => p,
  ): Promise<{ marked: string[]; markedAt: number }> {
    const txn = this.sb.transaction(sbModel);
    let n = 0;
    const upNames = new Set<string>();
    for (const pbUuid of view.localVifs.keys()) {
      const pb = sbSnap.Port_Binding.get(pbUuid);
      if (pb && pb.chassis !== me && (pb.additional_chassis ?? []).includes(me)) upNames.add(pb.logical_port);
      if (!pb || pb.chassis !== me) continue;
      upNames.add(pb.logical_port);
      if (pb.up !== true) {
        // ovn-controller's words.
        this.log.info(`Setting lport ${pb.logical_port} up in Southbound`);
        txn.update('Port_Binding', [['_uuid', '==', pb._uuid]], { up: true });
        n++;
      }
    }
    // A virtual port bound here rides on its parent's interface: up with it.
    for (const ports of view.portsByDp.values())
      for (const pb of ports) {
        if (pb.type !== 'virtual' || pb.chassis !== me || pb.up === true) continue;
        if (!pb.virtual_parent || !upNames.has(pb.virtual_parent)) continue;
        txn.update('Port_Binding', [['_uuid', '==', pb._uuid]], { up: true });
        n++;
      }
    const nbCfg = [...sbSnap.SB_Global.values()][0]?.nb_cfg ?? 0;
    const priv = [...sbSnap.Chassis_Private.values()].find((p) => p.name === this.chassisName);
    if (priv && priv.nb_cfg !== nbCfg && this.nbCfgDelayMs) {
      // debug/delay-nb-cfg-report: each new nb_cfg is reported only after the delay (tests use it to see
      // `--wait=hv` wait).
      if (this.nbCfgSeen?.value !== nbCfg) {
        this.nbCfgSeen = { value: nbCfg, at: Date.now() };
        setTimeout(() => this.schedule('report'), this.nbCfgDelayMs).unref();
      }
    }
    if (priv && priv.nb_cfg !== nbCfg && !this.nbCfgHeld(nbCfg) && !this.awaitingTunnels(vs, bridge)) {
      txn.update('Chassis_Private', [['_uuid', '==', priv._uuid]], { nb_cfg: nbCfg, nb_cfg_timestamp: Date.now() });
      n++;
    }
    // The SB and the local OVS DB are independent: both writes go out at once.
    let markedAt = 0;
    const [, marked] = await Promise.all([
      n ? stamp('sbStatus', txn.commit()) : undefined,
      stamp(
        'ovnInstalled',
        markInstalled(this.ovs, vs, bridge, upNames).then((m) => ((markedAt = performance.now()), m)),
      ),
      stamp('bridgeNbCfg', setBridgeNbCfg(this.ovs, bridge, nbCfg)),
    ]);
    for (const p of marked) this.log.info(`Setting lport ${p} ovn-installed in OVS`);
    return { marked, markedAt };
  }

  /** The chassis's configuration as it is now (bridge mappings, encaps… change at run time; the chassis name does not). */
  get config(): ChassisConfig {
    return this.cfg;
  }

  private rereadConfig(ids: Readonly<Record<string, string>> | undefined): void {
    if (!ids) return;
    // The same external_ids object (the Open_vSwitch row's column unchanged) and host name: nothing to parse.
    const host = os.hostname();
    if (ids === this.configRead?.ids && host === this.configRead.host) return;
    this.configRead = { ids, host };
    try {
      const c = parseChassisConfig(ids, host);
      if (c.systemId === this.cfg.systemId && c.bridge === this.cfg.bridge) this.cfg = c;
    } catch {
      // keep the last good configuration
    }
  }

  /**
   * Whether nb_cfg waits for tunnels just made: until vswitchd gives them OpenFlow ports the remote ports
   * behind them have no flows, and `--wait=hv` would return with them unreachable (a chassis's start makes
   * all its tunnels at once). The ofport's arrival runs a round; past TUNNEL_OFPORT_WAIT_MS (vswitchd
   * failing to add the port) the report goes out anyway.
   */
  private awaitingTunnels(vs: VsSnapshot, bridge: NonNullable<ReturnType<typeof findBridge>>): boolean {
    if (!tunnelsAwaitingOfport(vs, bridge)) {
      this.tunnelWaitSince = undefined;
      return false;
    }
    const now = Date.now();
    if (this.tunnelWaitSince === undefined) {
      this.tunnelWaitSince = now;
      setTimeout(() => this.schedule('report'), TUNNEL_OFPORT_WAIT_MS).unref();
    }
    return now - this.tunnelWaitSince < TUNNEL_OFPORT_WAIT_MS;
  }

  private nbCfgHeld(nbCfg: number): boolean {
    return !!this.nbCfgDelayMs && this.nbCfgSeen?.value === nbCfg && Date.now() - this.nbCfgSeen.at < this.nbCfgDelayMs;
  }

  private makeControl(): ControllerControl {
    const c = this; // eslint-disable-line @typescript-eslint/no-this-alias
    return {
      localBindingsText: () => {
        const vs = c.ovsRep.snapshot();
        const bridge = findBridge(vs, c.config.bridge);
        const sb = c.sbRep.snapshot();
        const me = [...sb.Chassis.values()].find((ch) => ch.name === c.chassisName)?._uuid;
        return formatLocalBindings(localBindings(sb, bridge ? bridgeIfaces(vs, bridge) : [], me));
      },
      ctZones: () => c.lastZones,
      groupNames: () => new Map(c.desiredGroups.map((g) => [groupText(g), g.groupId])),
      meterNames: () => c.engine.lflows.meters.table,
      sbConnected: () => c.sb.state === 'connected',
      get paused() {
        return c.paused;
      },
      pause: () => {
        if (!c.paused) c.log.info('User triggered execution pause.');
        c.paused = true;
      },
      resume: () => {
        if (c.paused) c.log.info('User triggered execution resume.');
        c.paused = false;
        c.schedule(c.dirty ? 'all' : 'report');
      },
      forceRecompute: (flushCache) => {
        if (flushCache) {
          c.log.info('User triggered lflow cache flush.');
        }
        c.recomputeAll();
      },
      counter: (name) => c.coverage.get(name) + (c.engine.lflows.counts.get(name) ?? 0),
      counters: () => new Map([...c.coverage.all(), ...c.engine.lflows.counts]),
      lflowCacheStats: () => ({ entries: c.engine.lflows.size, hits: 0, misses: c.engine.lflows.compiledTotal }),
      engineStats: () => c.engine.engine.showStats(),
      clearEngineStats: () => c.engine.engine.clearStats(),
      delayNbCfgReport: (seconds) => {
        c.nbCfgDelayMs = seconds * 1000;
      },
      injectPacket: (microflow) => {
        const vs = c.ovsRep.snapshot();
        const bridge = findBridge(vs, c.config.bridge);
        const ifaces = bridge ? bridgeIfaces(vs, bridge) : [];
        return c.pinctrl.inject(microflow, (port) => ifaces.find((i) => i.ifaceId === port && i.ofport > 0)?.ofport);
      },
    };
  }

  async stop(opts: { cleanup?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopping.abort(new Error('controller stopping'));
    this.installer.close();
    if (this.timer) clearImmediate(this.timer);
    this.timer = undefined;
    // A round waiting on an unresponsive SB must not hold the exit: it is abandoned after a short wait.
    if (this.running) {
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = await Promise.race([
        this.running.then(
          () => false,
          () => false,
        ),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(true), STOP_ROUND_WAIT_MS))),
      ]);
      clearTimeout(timer);
      if (gaveUp) this.log.warn(`round still waiting after ${STOP_ROUND_WAIT_MS} ms; stopping without it`);
    }
    this.pinctrl.stop();
    await this.of.close();
    if (opts.cleanup !== false) {
      // Bounded: an unreachable SB gets a few seconds, then the chassis stays registered (as after a crash).
      const call = { timeoutMs: STOP_CLEANUP_MS };
      try {
        const root = [...this.ovsRep.snapshot().Open_vSwitch.values()][0];
        if (root) await clearChassisIndex(this.ovs, root, this.chassisName, call);
        await unregisterChassis(this.sb, this.sbRep.snapshot(), this.chassisName, call);
      } catch (e) {
        this.log.warn({ err: e instanceof Error ? e.message : String(e) }, 'could not remove chassis from the SB');
      }
    }
    await this.sb.close();
    await this.ovs.close();
    for (const w of this.idleWaiters.splice(0)) w();
  }
}

/** Notes when a request of the round completed (debug), passing its result on. */
type Stamp = <T>(name: string, p: Promise<T>) => Promise<T>;

/** The end of one of a round's phases (debug): wall clock and this process's CPU so far. */
interface RoundMark {
  readonly phase: string;
  readonly at: number;
  readonly cpu: NodeJS.CpuUsage;
}

/**
 * `phase=wall/cpu` ms per phase of a round from its marks, `queued` being from the update that let the port be
 * claimed (`since`) to the round's start (no CPU figure: the process did other things meanwhile).
 */
export function phaseText(since: number, marks: readonly RoundMark[]): string {
  const ms = (x: number) => Math.round(x * 10) / 10;
  const out = [`queued=${ms(marks[0]!.at - since)}`];
  for (let i = 1; i < marks.length; i++) {
    const a = marks[i - 1]!;
    const b = marks[i]!;
    const cpu = (b.cpu.user - a.cpu.user + b.cpu.system - a.cpu.system) / 1000;
    out.push(`${b.phase}=${ms(b.at - a.at)}/${ms(cpu)}`);
  }
  return out.join(' ');
}

function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
