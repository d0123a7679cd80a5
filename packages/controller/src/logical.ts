// Logical_Flow rows → OpenFlow through @ovnts/expr, for the datapaths local to this chassis (datapath groups
// expanded). Flows that fail to compile are reported, not fatal: one bad row must not stop the chassis.
import {
  Compiler,
  sharedEntry,
  type DatapathContext,
  type LogicalFlow as ExprFlow,
  type CompiledFlow,
} from '@ovnts/expr';
import type { Uuid } from 'ovsdb-client-ts';
import { createHash } from 'node:crypto';
import type { Group } from '@ovnts/openflow';
import type { DatapathBinding, LogicalFlow, PortBinding } from '@ovnts/schema/sb';
import type { GroupTable } from './groups.js';
import { flowWith } from './flow-table.js';
import { MeterIds } from './meters.js';
import { type LocalView, type SbSnapshot, VIF_TYPES } from './view.js';

export interface LogicalResult {
  readonly flows: CompiledFlow[];
  readonly errors: { readonly lflow: string; readonly error: string }[];
}

/**
 * Port types whose inport/outport flows every chassis of the datapath installs, wherever they are bound; a
 * `vtep` port's packets arrive at every hypervisor from its gateway's tunnel.
 */
export const RELATED_TYPES: ReadonlySet<string> = new Set(['patch', 'localport', 'localnet', 'l3gateway', 'vtep']);

/** Lookups over the SB shared by every datapath of one recomputation. */
export class SbIndex {
  readonly addressSets = new Map<string, readonly string[]>();
  readonly portGroups = new Map<string, readonly string[]>();
  readonly mcByDp = new Map<string, Map<string, number>>();
  readonly dhcp = new Map<string, { code: number; type: string }>();
  readonly dhcp6 = new Map<string, { code: number; type: string }>();
  readonly meters: ReadonlyMap<string, number>;
  /** `meterIds`: the chassis's meter id table (MeterIds); fresh positions in name order by default. */
  constructor(sb: SbSnapshot, meterIds?: ReadonlyMap<string, number>) {
    for (const a of sb.Address_Set.values()) this.addressSets.set(a.name, a.addresses);
    for (const p of sb.Port_Group.values()) this.portGroups.set(p.name, p.ports);
    for (const mc of sb.Multicast_Group.values()) {
      let byName = this.mcByDp.get(mc.datapath);
      if (!byName) this.mcByDp.set(mc.datapath, (byName = new Map()));
      byName.set(mc.name, mc.tunnel_key);
    }
    for (const d of sb.DHCP_Options.values()) this.dhcp.set(d.name, { code: d.code, type: d.type });
    for (const d of sb.DHCPv6_Options.values()) this.dhcp6.set(d.name, { code: d.code, type: d.type });
    this.meters = meterIds ?? MeterIds.fresh([...sb.Meter.values()].map((r) => r.name));
  }
}

/**
 * Compiled flows per (logical flow, datapath), reused while the logical flow row and everything its
 * compilation can depend on are unchanged: the datapath's ports (names, keys, locality), multicast groups,
 * and the SB-wide address sets, port groups, meters and DHCP options. Conjunction ids come from a counter
 * that never restarts, so reused flows keep ids no fresh compilation hands out again.
 */
export class LflowCache {
  private entries = new Map<string, CacheEntry>();
  private nextConj = 1;
  hits = 0;
  misses = 0;

  get size(): number {
    return this.entries.size;
  }

  allocConj(n: number): number {
    const first = this.nextConj;
    this.nextConj += n;
    if (this.nextConj > 0xf0000000) this.nextConj = 1; // far beyond any live table; ids are per recompute-generation
    return first;
  }

  get(key: string, fingerprint: string): CacheEntry | undefined {
    const e = this.entries.get(key);
    return e && e.fingerprint === fingerprint ? e : undefined;
  }

  /** Replaces the whole cache with the entries used this round (evicting rows and datapaths that went away). */
  swap(used: Map<string, CacheEntry>): void {
    this.entries = used;
  }
}

interface CacheEntry {
  readonly fingerprint: string;
  readonly flows: readonly CompiledFlow[];
  readonly groups: readonly Omit<Group, 'groupId'>[];
  readonly error?: string;
}

function sbFingerprint(sb: SbSnapshot): string {
  const h = createHash('sha1');
  for (const t of ['Address_Set', 'Port_Group', 'Meter', 'DHCP_Options', 'DHCPv6_Options'] as const)
    for (const r of sb[t].values()) h.update(`${t}|${r._uuid}|${r._version}\n`);
  return h.digest('hex');
}

export function logicalFlows(
  view: LocalView,
  sb: SbSnapshot,
  groups: GroupTable,
  compiler = new Compiler(),
  cache = new LflowCache(),
  /** Compile port-free flows shared by several datapaths once per datapath kind (off: once per datapath). */
  shareCompiles = true,
  meterIds?: ReadonlyMap<string, number>,
): LogicalResult {
  const idx = new SbIndex(sb, meterIds);
  const me = view.chassis?._uuid;
  const global = sbFingerprint(sb);
  // is_chassis_resident() may name a port of another datapath (a gateway's redirect port, from its external
  // switch): flows that call it also depend on which ports are bound here, beyond their datapath's ports.
  const residentFp = createHash('sha1')
    .update(
      [...sb.Port_Binding.values()]
        .filter((p) => me !== undefined && p.chassis === me)
        .map((p) => p.logical_port)
        .sort()
        .join('|'),
    )
    .digest('hex');
  const contexts = new Map<string, { ctx: DatapathContext; fingerprint: string; used: Omit<Group, 'groupId'>[] }>();
  const contextFor = (dp: DatapathBinding) => {
    let c = contexts.get(dp._uuid);
    if (c) return c;
    const ports = view.portsByDp.get(dp._uuid) ?? [];
    const byName = new Map(ports.map((p) => [p.logical_port, p.tunnel_key]));
    const mcs = idx.mcByDp.get(dp._uuid);
    const isRelated = (p: PortBinding) =>
      (VIF_TYPES.has(p.type) && p.chassis === me && me !== undefined) || RELATED_TYPES.has(p.type);
    const related = new Set(ports.filter(isRelated).map((p) => p.tunnel_key));
    const fp = createHash('sha1').update(`${global}|${dp.tunnel_key}|${JSON.stringify(dp.external_ids)}`);
    for (const p of ports)
      fp.update(
        `|${p.logical_port}:${p.tunnel_key}:${isRelated(p) ? 1 : 0}:${me !== undefined && p.chassis === me ? 1 : 0}`,
      );
    for (const [n, k] of mcs ?? []) fp.update(`|mc:${n}:${k}`);
    const used: Omit<Group, 'groupId'>[] = [];
    const ctx: DatapathContext = {
      dpKey: dp.tunnel_key,
      isSwitch: dp.external_ids['logical-switch'] !== undefined,
      lookupPort: (name) => byName.get(name) ?? mcs?.get(name),
      isChassisResident: (name) => {
        const pb = view.pbByName.get(name);
        return pb !== undefined && me !== undefined && pb.chassis === me;
      },
      isPortRelated: (key) => related.has(key),
      addressSet: (n) => idx.addressSets.get(n),
      portGroup: (n) => idx.portGroups.get(n),
      groupId: (g) => {
        used.push(g);
        return groups.id(g);
      },
      meterId: (n) => idx.meters.get(n),
      allocConjIds: (n) => cache.allocConj(n),
      ...(dp.external_ids['snat-ct-zone'] !== undefined ? { snatCtZone: true } : {}),
      dhcpOptions: idx.dhcp,
      dhcpv6Options: idx.dhcp6,
    };
    c = { ctx, fingerprint: fp.digest('hex'), used };
    contexts.set(dp._uuid, c);
    return c;
  };

  const flows: CompiledFlow[] = [];
  const errors: { lflow: string; error: string }[] = [];
  const usedEntries = new Map<string, CacheEntry>();
  for (const lf of sb.Logical_Flow.values()) {
    const dps = datapathsOf(lf, sb);
    let input: ExprFlow | undefined;
    // A flow shared by several datapaths that names no port (no string literal, no port group) compiles to
    // the same OpenFlow on each of them but for the datapath key: compile it once per datapath kind.
    const shared = shareCompiles && dps.length > 1 && !/["@]/.test(lf.match) && !/["@]/.test(lf.actions);
    const templates = shared ? new Map<string, { dpKey: number; entry: CacheEntry }>() : undefined;
    // Every column the compile reads (the SB monitor leaves Logical_Flow's _version out: UNVERSIONED_TABLES).
    const text = `${lf.pipeline}|${lf.table_id}|${lf.priority}|${lf.controller_meter ?? ''}|${lf.tags['in_out_port'] ?? ''}|${lf.match}|${lf.actions}`;
    for (const d of dps) {
      const dp = view.localDps.get(d);
      if (!dp) continue;
      const c = contextFor(dp);
      const key = `${lf._uuid}|${d}`;
      const kind = `${c.ctx.isSwitch}|${c.ctx.snatCtZone === true}`;
      const resident = lf.match.includes('is_chassis_resident') ? `|${residentFp}` : '';
      const fingerprint = shared
        ? `${global}|shared|${kind}|${dp.tunnel_key}|${text}`
        : `${c.fingerprint}${resident}|${text}`;
      let entry = cache.get(key, fingerprint);
      const template = templates?.get(kind);
      if (entry) {
        cache.hits++;
        for (const g of entry.groups) groups.id(g);
      } else if (template && template.entry.error === undefined) {
        cache.hits++;
        entry = {
          fingerprint,
          flows: retarget(template.entry.flows, dp.tunnel_key, cache),
          groups: template.entry.groups,
        };
        for (const g of entry.groups) groups.id(g);
      } else {
        cache.misses++;
        input ??= {
          uuid: lf._uuid,
          pipeline: lf.pipeline,
          table: lf.table_id,
          priority: lf.priority,
          match: lf.match,
          actions: lf.actions,
          ...(lf.controller_meter ? { controllerMeter: lf.controller_meter } : {}),
          ...(lf.tags['in_out_port'] !== undefined ? { ioPort: lf.tags['in_out_port'] } : {}),
        };
        c.used.length = 0;
        const r = compiler.compile(input, c.ctx);
        entry = r.ok
          ? { fingerprint, flows: r.value, groups: [...c.used] }
          : { fingerprint, flows: [], groups: [], error: r.error.describe() };
      }
      if (templates && !template) templates.set(kind, { dpKey: dp.tunnel_key, entry });
      usedEntries.set(key, entry);
      if (entry.error !== undefined)
        errors.push({ lflow: `${lf._uuid} ${lf.match} => ${lf.actions}`, error: entry.error });
      else for (const f of entry.flows) flows.push(f);
    }
  }
  cache.swap(usedEntries);
  return { flows, errors };
}

export function datapathsOf(lf: LogicalFlow, sb: SbSnapshot): readonly Uuid<'Datapath_Binding'>[] {
  if (lf.logical_datapath) return [lf.logical_datapath];
  if (lf.logical_dp_group) return sb.Logical_DP_Group.get(lf.logical_dp_group)?.datapaths ?? [];
  return [];
}

/** A shared flow's compilation moved to another datapath: new metadata, fresh conjunction ids. */
export function retarget(
  flows: readonly CompiledFlow[],
  dpKey: number,
  cache: Pick<LflowCache, 'allocConj'>,
): CompiledFlow[] {
  const ids = new Set<number>();
  for (const f of flows) {
    for (const e of f.match) if (e.field === 'conj_id') ids.add(Number(e.value));
    for (const a of f.actions) if (a.type === 'conjunction') ids.add(a.id);
  }
  const remap = new Map<number, number>();
  if (ids.size) {
    const base = cache.allocConj(ids.size);
    [...ids].sort((a, b) => a - b).forEach((id, i) => remap.set(id, base + i));
  }
  const md = BigInt(dpKey);
  return flows.map((f) =>
    flowWith(
      f,
      f.match.map((e) =>
        e.field === 'metadata'
          ? sharedEntry({ ...e, value: md })
          : e.field === 'conj_id'
            ? { ...e, value: BigInt(remap.get(Number(e.value))!) }
            : e,
      ),
      ids.size ? f.actions.map((a) => (a.type === 'conjunction' ? { ...a, id: remap.get(a.id)! } : a)) : f.actions,
    ),
  );
}
