// IGMP/MLD snooping on the local switches, as ovn-controller does it: the `igmp` action's packet-ins
// update a group table per snooping switch (mcast-snooping.ts), reports and leaves are passed on to the
// switch's multicast routers (`_MC_mrouter_flood`) and queries flooded on it (`_MC_flood_l2`); the tables
// are written to the SB as this chassis's IGMP_Group rows (one per group and switch, plus one `mrouters`
// row per snooping switch naming its router ports), memberships age out after the switch's idle timeout,
// and a switch with a querier gets IGMPv3/MLDv2 general queries from here every query interval, flooded
// to its ports on this chassis.
import type { Logger } from 'pino';
import { formatIpv4 } from '@ovnts/net';
import type { PacketIn2, SwitchConnection } from '@ovnts/openflow';
import { model as sbModel } from '@ovnts/schema/sb';
import type { OvsdbClient, Uuid } from 'ovsdb-client-ts';
import { igmpQuery, mldQuery, parseSnoopMessage } from './igmp-packets.js';
import { sameMcastConfig, type McastConfig } from './ip-mcast-config.js';
import { McastSnoopTable } from './mcast-snooping.js';
import { localOutput, outputFrom } from './packet-out.js';
import { parseEth, PacketError } from './packets.js';
import type { SbSnapshot } from './view.js';

/** Fixed multicast group keys (ovn-northd's): all ports, multicast routers, all but router ports. */
const MC_FLOOD = 32768;
const MC_MROUTER_FLOOD = 32770;
const MC_FLOOD_L2 = 32772;
export const MROUTERS = 'mrouters';

interface Snooping {
  cfg: McastConfig;
  table: McastSnoopTable | undefined;
  /** When the next general query is due (ms). */
  nextQuery: number;
}

/** One IGMP_Group row this chassis should have. */
export interface WantedGroup {
  readonly dp: Uuid<'Datapath_Binding'>;
  readonly address: string;
  readonly ports: readonly Uuid<'Port_Binding'>[];
}

export class IpMcast {
  private readonly dps = new Map<number, Snooping>();
  private me: Uuid<'Chassis'> | undefined;
  private queryTimer: NodeJS.Timeout | undefined;
  private ageTimer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;
  private syncAgain = false;
  private stopped = false;
  /** The configurations last applied and the IGMP_Group table then (configure skips a round that changes neither). */
  private configured: { cfgs: readonly McastConfig[]; igmp: unknown } | undefined;
  /** Rows inserted by us that the replica may not show yet: `dp|address` → uuid. */
  private readonly inserted = new Map<string, Uuid<'IGMP_Group'>>();

  constructor(
    private readonly of: SwitchConnection,
    private readonly sb: OvsdbClient,
    private readonly snapshot: () => SbSnapshot,
    private readonly log: Logger,
  ) {}

  stop(): void {
    this.stopped = true;
    clearTimeout(this.queryTimer);
    clearTimeout(this.ageTimer);
  }

  /** The local switches' configurations (every round): new, changed and gone switches, flushes. */
  configure(cfgs: readonly McastConfig[], me: Uuid<'Chassis'>): void {
    // The same configurations (McastConfigsMemo's array), none snooping, and our IGMP_Group rows as the last
    // sync saw them: nothing to set up, and no row to write or clean up.
    const igmp = this.snapshot().IGMP_Group;
    if (cfgs === this.configured?.cfgs && me === this.me && igmp === this.configured.igmp && !this.snooping()) return;
    this.configured = { cfgs, igmp };
    this.me = me;
    const now = Date.now();
    const keep = new Set<number>();
    let changed = false;
    for (const cfg of cfgs) {
      keep.add(cfg.dpKey);
      const s = this.dps.get(cfg.dpKey);
      if (s && sameMcastConfig(s.cfg, cfg)) continue;
      changed = true;
      for (const w of cfg.warnings) this.log.warn(w);
      if (!s) {
        this.dps.set(cfg.dpKey, {
          cfg,
          table: cfg.enabled ? new McastSnoopTable(cfg.tableSize, cfg.idleS) : undefined,
          nextQuery: now,
        });
        continue;
      }
      if (!cfg.enabled) s.table = undefined;
      else if (!s.table) s.table = new McastSnoopTable(cfg.tableSize, cfg.idleS);
      else {
        if (s.cfg.seqNo !== cfg.seqNo) s.table.flush();
        s.table.configure(cfg.tableSize, cfg.idleS, now);
      }
      // A shorter interval than the time left: query now.
      if (s.nextQuery > now + cfg.queryIntervalS * 1000) s.nextQuery = now;
      s.cfg = cfg;
    }
    for (const k of this.dps.keys())
      if (!keep.has(k)) {
        this.dps.delete(k);
        changed = true;
      }
    if (changed) {
      this.sendQueries();
      this.scheduleAging();
    }
    // The SB rows follow the tables, and a round may have brought rows to clean up (a flush, a switch gone).
    this.sync();
  }

  /** Whether some local switch snoops (its group table follows packets and timers, not only the rows). */
  private snooping(): boolean {
    for (const s of this.dps.values()) if (s.table) return true;
    return false;
  }

  /** The `igmp` action: an IGMP or MLD packet from logical port `inport` of switch `dpKey`. */
  handle(pin: PacketIn2, dpKey: number, inport: number): void {
    const s = this.dps.get(dpKey);
    if (!s?.table) return;
    let msg;
    try {
      msg = parseSnoopMessage(parseEth(pin.packet));
    } catch (e) {
      if (e instanceof PacketError) return;
      throw e;
    }
    if (!msg) {
      this.log.debug({ dpKey, inport }, 'multicast snooping received a bad IGMP/MLD packet');
      return;
    }
    const now = Date.now();
    let changed = false;
    if (msg.type === 'query') changed = msg.fromRouter && s.table.addMrouter(inport, now);
    for (const ev of msg.events)
      changed =
        (ev.kind === 'join' ? s.table.join(ev.address, inport, now) : s.table.leave(ev.address, inport)) || changed;
    // Reports go on to every multicast router, queries to the whole switch.
    this.forward(pin.packet, dpKey, inport, msg.type === 'report' ? MC_MROUTER_FLOOD : MC_FLOOD_L2);
    // A refreshed membership changes no row; a new member or router, or one that left, does.
    if (changed || msg.events.some((e) => e.kind === 'join')) this.sync();
    this.scheduleAging();
  }

  /** The IGMP_Group rows this chassis should have, per snooping switch. */
  wanted(sb: SbSnapshot): WantedGroup[] {
    const out: WantedGroup[] = [];
    for (const s of this.dps.values()) {
      if (!s.table) continue;
      const ports = new Map<number, Uuid<'Port_Binding'>>();
      for (const pb of sb.Port_Binding.values()) if (pb.datapath === s.cfg.dp) ports.set(pb.tunnel_key, pb._uuid);
      const resolve = (keys: Iterable<number>) => [...keys].flatMap((k) => (ports.has(k) ? [ports.get(k)!] : []));
      for (const g of s.table.entries()) out.push({ dp: s.cfg.dp, address: g.address, ports: resolve(g.ports.keys()) });
      out.push({ dp: s.cfg.dp, address: MROUTERS, ports: resolve(s.table.mrouters()) });
    }
    return out;
  }

  /** Write the rows (one transaction at a time; a request meanwhile runs once more after it). */
  private sync(): void {
    if (this.stopped) return;
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    this.syncing = this.writeRows()
      .catch((e: unknown) =>
        this.log.warn({ err: e instanceof Error ? e.message : String(e) }, 'IGMP_Group sync failed'),
      )
      .finally(() => {
        this.syncing = undefined;
        if (this.syncAgain) {
          this.syncAgain = false;
          this.sync();
        }
      });
  }

  private async writeRows(): Promise<void> {
    const me = this.me;
    if (!me) return;
    const sb = this.snapshot();
    const local = new Map<Uuid<'Datapath_Binding'>, Snooping>();
    for (const s of this.dps.values()) local.set(s.cfg.dp, s);
    const rowKey = (dp: string, address: string) => `${dp}|${address}`;
    const current = new Map<string, { uuid: Uuid<'IGMP_Group'>; ports: readonly string[] }>();
    const txn = this.sb.transaction(sbModel);
    let ops = 0;
    for (const r of sb.IGMP_Group.values()) {
      if (r.chassis !== me || !r.datapath) continue;
      // Rows of switches no longer local are left alone, as ovn-controller does.
      const s = local.get(r.datapath);
      if (!s) continue;
      const key = rowKey(r.datapath, r.address);
      this.inserted.delete(key);
      if (!s.table || (r.address !== MROUTERS && !s.table.has(r.address)) || current.has(key)) {
        txn.delete('IGMP_Group', [['_uuid', '==', r._uuid]]);
        ops++;
      } else current.set(key, { uuid: r._uuid, ports: r.ports });
    }
    for (const [key, uuid] of this.inserted) if (!current.has(key)) current.set(key, { uuid, ports: [] });
    const inserts: [string, ReturnType<typeof txn.insert>][] = [];
    for (const w of this.wanted(sb)) {
      const key = rowKey(w.dp, w.address);
      const cur = current.get(key);
      if (!cur) {
        inserts.push([
          key,
          txn.insert('IGMP_Group', { address: w.address, datapath: w.dp, chassis: me, ports: [...w.ports] }),
        ]);
        ops++;
      } else if (!sameSet(cur.ports, w.ports)) {
        txn.update('IGMP_Group', [['_uuid', '==', cur.uuid]], { ports: [...w.ports] });
        ops++;
      }
    }
    if (!ops) return;
    const res = await txn.commit();
    for (const [key, ref] of inserts) this.inserted.set(key, res.uuidOf(ref) as Uuid<'IGMP_Group'>);
  }

  /** Sends the general queries that are due and arms the timer for the next ones. */
  private sendQueries(): void {
    clearTimeout(this.queryTimer);
    if (this.stopped) return;
    const now = Date.now();
    let earliest = Infinity;
    for (const s of this.dps.values()) {
      const { querier4, querier6 } = s.cfg;
      if (!s.table || (!querier4 && !querier6)) continue;
      if (s.nextQuery <= now && this.of.isConnected) {
        if (querier4) this.query(s.cfg.dpKey, igmpQuery(querier4.eth, querier4.ip, s.cfg.queryMaxRespS));
        if (querier6) this.query(s.cfg.dpKey, mldQuery(querier6.eth, querier6.ip, s.cfg.queryMaxRespS));
        s.nextQuery = now + s.cfg.queryIntervalS * 1000;
        this.log.debug({ dpKey: s.cfg.dpKey, src: querier4 ? formatIpv4(querier4.ip) : undefined }, 'multicast query');
      }
      earliest = Math.min(earliest, Math.max(s.nextQuery, now + 1000));
    }
    if (earliest !== Infinity) this.queryTimer = setTimeout(() => this.sendQueries(), earliest - now).unref();
  }

  /** Expire memberships and routers when the first of them is due; the rows follow. */
  private scheduleAging(): void {
    clearTimeout(this.ageTimer);
    if (this.stopped) return;
    let next = Infinity;
    for (const s of this.dps.values()) if (s.table) next = Math.min(next, s.table.nextExpiry());
    if (next === Infinity) return;
    this.ageTimer = setTimeout(
      () => {
        const now = Date.now();
        let changed = false;
        for (const s of this.dps.values()) if (s.table?.expire(now)) changed = true;
        if (changed) this.sync();
        this.scheduleAging();
      },
      Math.max(0, next - Date.now()) + 10,
    ).unref();
  }

  /** A query onto the switch's ports on this chassis only (as ovn-controller: local output, local only). */
  private query(dpKey: number, packet: Buffer): void {
    this.of.send(localOutput(packet, dpKey, MC_FLOOD));
  }

  /** The packet again, from its port, to multicast group `group` of its switch (all chassis). */
  private forward(packet: Buffer, dpKey: number, inport: number, group: number): void {
    this.of.send(outputFrom(packet, dpKey, inport, group));
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((x) => s.has(x));
}
