// Recompute equivalence of the controller's incremental engine: a random walk of SB and OVS changes (ports
// added, bound, moved, removed, marked up; interfaces plugged; patch links; logical flows, datapath groups, address sets,
// port groups, multicast groups, MAC bindings, load balancers, SB_Global's hairpin option and HA chassis groups
// edited; tunnels switching between Geneve and VXLAN; additional chassis set and cleared, localnet ports
// bridged; 1–3 changes a round, the world kept small so a round
// stays cheap) and after every round the engine's desired flows must equal a full computation from scratch.
// EQUIV_STEPS (rounds, default 1000: about 2000 changes) and EQUIV_SEED change the walk.
import { describe, expect, it } from 'vitest';
import { Compiler } from '@ovnts/expr';
import { TABLE_NAMES, type Tables as SbTables } from '@ovnts/schema/sb';
import type { OvsIface, SbSnapshot } from '../view.js';
import { ZONE_PREFIX } from '../zones.js';
import { normalizeFlows } from '../parity.js';
import { ChassisEngine, type RoundResult } from './graph.js';
import { equivalenceReport } from './equivalence.js';
import type { SbChanges } from './inputs.js';

type AnyRow = Record<string, unknown> & { _uuid: string };
type TableName = keyof SbTables;

const U = (n: number) => `${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;

/** A mutable SB: tables of immutable rows, each write recorded as a change for the next round. */
class Db {
  readonly tables = new Map<TableName, Map<string, AnyRow>>(
    TABLE_NAMES.map((t) => [t as TableName, new Map<string, AnyRow>()]),
  );
  private changes: { table: TableName; uuid: string; old?: AnyRow; new?: AnyRow }[] = [];
  private next = 1;
  private version = 1;

  uuid(): string {
    return U(this.next++);
  }
  put(table: TableName, row: AnyRow): void {
    const t = this.tables.get(table)!;
    const old = t.get(row._uuid);
    const r = { ...row, _version: U(0x7000000 + this.version++) };
    t.set(row._uuid, r);
    this.changes.push({ table, uuid: row._uuid, ...(old ? { old } : {}), new: r });
  }
  update(table: TableName, uuid: string, patch: Record<string, unknown>): void {
    const old = this.tables.get(table)!.get(uuid);
    if (old) this.put(table, { ...old, ...patch });
  }
  del(table: TableName, uuid: string): void {
    const t = this.tables.get(table)!;
    const old = t.get(uuid);
    if (!old) return;
    t.delete(uuid);
    this.changes.push({ table, uuid, old });
  }
  rows(table: TableName): AnyRow[] {
    return [...this.tables.get(table)!.values()];
  }
  /** The snapshot as of now (fresh maps: later writes do not show through) and the changes since last time. */
  take(): { sb: SbSnapshot; changes: SbChanges } {
    const snap: Record<string, Map<string, AnyRow>> = {};
    for (const [t, m] of this.tables) snap[t] = new Map(m);
    const grouped: Record<string, { uuid: string; old: AnyRow | undefined; new: AnyRow | undefined }[]> = {};
    for (const c of this.changes) (grouped[c.table] ??= []).push({ uuid: c.uuid, old: c.old, new: c.new });
    this.changes = [];
    return { sb: snap as unknown as SbSnapshot, changes: grouped as unknown as SbChanges };
  }
}

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
}

/** Logical-flow texts: port names, port groups, address sets, residency, conjunctions, port-free shared ones. */
const LFLOWS: ((p: string, k: number) => [string, string, string, number])[] = [
  (p) => ['ingress', `inport == "${p}"`, 'next;', 0],
  (p) => ['egress', `outport == "${p}"`, 'output;', 9],
  (_, k) => ['ingress', `ip4.dst == $as${k % 3}`, 'next;', 1],
  (_, k) => ['egress', `outport == @pg${k % 2} && ip4`, 'drop;', 4],
  (p) => ['ingress', `ip4 && is_chassis_resident("${p}")`, 'next;', 2],
  (_, k) => ['ingress', `ip4.src == {10.0.0.${k % 4}, 10.0.0.9} && tcp.dst == {80, 443}`, 'next;', 3],
  (_, k) => ['ingress', `eth.src == 00:00:00:00:00:0${k % 9}`, 'next;', 5],
  (p) => ['ingress', `inport == "${p}" && arp`, 'outport = "_MC_flood"; output;', 6],
  (_, k) => [
    'egress',
    `ip4 && udp.dst == ${k}`,
    `log(name="a${k}", severity=info, verdict=drop, meter="m${k % 3}"); drop;`,
    7,
  ],
];

class World {
  readonly db = new Db();
  readonly r: () => number;
  readonly me: string;
  readonly switches: string[] = [];
  readonly routers: string[] = [];
  readonly chassis: string[] = [];
  readonly group: string;
  ifaces: OvsIface[] = [];
  zones: Record<string, string> = {};
  private nextKey = new Map<string, number>();
  private portN = 0;
  private ofport = 10;

  constructor(seed: number) {
    this.r = rng(seed);
    const db = this.db;
    for (const name of ['hv1', 'hv2', 'hv3']) {
      const u = db.uuid();
      db.put('Chassis', { _uuid: u, name, encaps: [], other_config: {}, external_ids: {} });
      this.chassis.push(u);
    }
    this.me = this.chassis[0]!;
    for (let i = 0; i < 5; i++) {
      const u = db.uuid();
      db.put('Datapath_Binding', { _uuid: u, tunnel_key: i + 1, external_ids: { 'logical-switch': `s${i}` } });
      this.switches.push(u);
    }
    for (let i = 0; i < 2; i++) {
      const u = db.uuid();
      db.put('Datapath_Binding', { _uuid: u, tunnel_key: 10 + i, external_ids: { 'logical-router': `r${i}` } });
      this.routers.push(u);
    }
    this.group = db.uuid();
    db.put('Logical_DP_Group', { _uuid: this.group, datapaths: this.switches.slice(0, 3) });
    for (let k = 0; k < 3; k++) db.put('Address_Set', { _uuid: db.uuid(), name: `as${k}`, addresses: [`10.1.${k}.1`] });
    for (const d of this.switches) {
      db.put('Multicast_Group', { _uuid: db.uuid(), datapath: d, name: '_MC_flood', tunnel_key: 32768, ports: [] });
      db.put('Multicast_Group', { _uuid: db.uuid(), datapath: d, name: '_MC_unknown', tunnel_key: 32769, ports: [] });
    }
    this.lflow(this.group);
    this.ifaces = [
      { name: 'ovn-hv2-0', ofport: 100, type: 'geneve', tunnelChassis: 'hv2' },
      { name: 'ovn-hv3-0', ofport: 101, type: 'geneve', tunnelChassis: 'hv3' },
    ];
  }

  pick<T>(xs: readonly T[]): T | undefined {
    return xs.length ? xs[Math.floor(this.r() * xs.length)] : undefined;
  }
  /** A port key on the datapath: half the time the lowest free one, as northd reuses a deleted port's key. */
  private key(dp: string): number {
    const used = new Set(
      this.ports()
        .filter((p) => p['datapath'] === dp)
        .map((p) => Number(p['tunnel_key'])),
    );
    let k = this.r() < 0.5 ? 1 : (this.nextKey.get(dp) ?? 0) + 1;
    while (used.has(k)) k++;
    this.nextKey.set(dp, Math.max(k, this.nextKey.get(dp) ?? 0));
    return k;
  }
  private ports(type?: string): AnyRow[] {
    return this.db.rows('Port_Binding').filter((p) => type === undefined || p['type'] === type);
  }
  private portNames(dp: string): string[] {
    return this.ports()
      .filter((p) => p['datapath'] === dp)
      .map((p) => String(p['logical_port']));
  }

  lflow(where?: string): void {
    const dp = where ?? this.pick([...this.switches, ...this.routers])!;
    const onGroup = dp === this.group;
    const names = onGroup ? [] : this.portNames(dp);
    const k = Math.floor(this.r() * 100);
    const t = onGroup ? 6 : Math.floor(this.r() * LFLOWS.length);
    const port = this.pick(names) ?? `ghost${k}`;
    const [pipeline, match, actions, table] = LFLOWS[t]!(port, k);
    this.db.put('Logical_Flow', {
      _uuid: this.db.uuid(),
      pipeline,
      table_id: table,
      priority: 50 + (k % 5) * 10,
      match,
      actions,
      controller_meter: t === 2 && k % 2 ? `m${k % 3}` : null,
      logical_datapath: onGroup ? null : dp,
      logical_dp_group: onGroup ? dp : null,
      external_ids: {},
      // Half of the flows about one port carry it as northd tags them (skipped where it is not related).
      tags: [0, 1, 7].includes(t) && k % 2 ? { in_out_port: port } : {},
    });
  }

  /** One random change. */
  step(): void {
    const db = this.db;
    let op = Math.floor(this.r() * 22);
    const vifs = this.ports('');
    // Keep the world small: past a size, additions become removals.
    if ((op === 0 || op === 1) && vifs.length > 30) op = 2;
    if ((op === 6 || op === 7) && db.rows('Logical_Flow').length > 40) op = 8;
    if (op === 5 && this.ports('patch').length > 8) op = 2;
    switch (op) {
      case 0:
      case 1: {
        const dp = this.pick(this.switches)!;
        const name = `vm${this.portN++}`;
        const chassis = this.pick([this.me, this.me, this.chassis[1]!, this.chassis[2]!, null]);
        db.put('Port_Binding', {
          _uuid: db.uuid(),
          logical_port: name,
          datapath: dp,
          tunnel_key: this.key(dp),
          type: '',
          options: {},
          chassis,
          requested_chassis: null,
          up: false,
          tag: null,
          mac: [],
          port_security:
            this.r() < 0.5
              ? [`00:00:00:00:01:${(this.portN % 256).toString(16).padStart(2, '0')} 10.0.0.${this.portN % 250}`]
              : [],
          external_ids: {},
        });
        if (chassis === this.me && this.r() < 0.8) this.plug(name);
        return;
      }
      case 2: {
        const p = this.pick(vifs);
        if (p) db.del('Port_Binding', p._uuid);
        return;
      }
      case 3: {
        const p = this.pick(vifs);
        // A claim, or (as the hosting chassis writes right after one) only `up`: a change no flow reads.
        if (p && this.r() < 0.3) db.update('Port_Binding', p._uuid, { up: p['up'] !== true });
        else if (p) db.update('Port_Binding', p._uuid, { chassis: this.pick([this.me, ...this.chassis, null]) });
        return;
      }
      case 4: {
        const p = this.pick(vifs);
        if (!p) return;
        const name = String(p['logical_port']);
        if (this.ifaces.some((i) => i.ifaceId === name)) this.ifaces = this.ifaces.filter((i) => i.ifaceId !== name);
        else this.plug(name);
        return;
      }
      case 5: {
        // A patch link between a switch and a router, or removing one.
        const patches = this.ports('patch');
        if (patches.length && this.r() < 0.4) {
          const p = this.pick(patches)!;
          const peer = patches.find((q) => q['logical_port'] === (p['options'] as Record<string, string>)['peer']);
          db.del('Port_Binding', p._uuid);
          if (peer) db.del('Port_Binding', peer._uuid);
          return;
        }
        const s = this.pick(this.switches)!;
        const rt = this.pick(this.routers)!;
        const n = this.portN++;
        const a = `ls-lr-${n}`;
        const b = `lr-ls-${n}`;
        const row = (name: string, dp: string, peer: string) => ({
          _uuid: db.uuid(),
          logical_port: name,
          datapath: dp,
          tunnel_key: this.key(dp),
          type: 'patch',
          options: { peer },
          chassis: null,
          requested_chassis: null,
          up: false,
          tag: null,
          mac: [],
          port_security: [],
          external_ids: {},
        });
        db.put('Port_Binding', row(a, s, b));
        db.put('Port_Binding', row(b, rt, a));
        return;
      }
      case 6:
      case 7:
        this.lflow();
        return;
      case 8: {
        const lf = this.pick(db.rows('Logical_Flow'));
        if (lf && lf['logical_dp_group'] === null) db.del('Logical_Flow', lf._uuid);
        return;
      }
      case 9: {
        const lf = this.pick(db.rows('Logical_Flow'));
        if (lf) db.update('Logical_Flow', lf._uuid, { priority: 10 + Math.floor(this.r() * 90) });
        return;
      }
      case 10: {
        const as = this.pick(db.rows('Address_Set'))!;
        const n = Math.floor(this.r() * 4);
        db.update('Address_Set', as._uuid, {
          addresses: Array.from({ length: n }, (_, i) => `10.2.${i}.${Math.floor(this.r() * 200)}`),
        });
        return;
      }
      case 11: {
        // Port groups, per datapath as ovn-northd writes them (<dp key>_<name>).
        const dp = this.pick(this.switches)!;
        const key = this.db.tables.get('Datapath_Binding')!.get(dp)!['tunnel_key'];
        const name = `${key}_pg${Math.floor(this.r() * 2)}`;
        const old = db.rows('Port_Group').find((g) => g['name'] === name);
        const ports = this.portNames(dp).filter(() => this.r() < 0.5);
        if (old) db.update('Port_Group', old._uuid, { ports });
        else db.put('Port_Group', { _uuid: db.uuid(), name, ports });
        return;
      }
      case 12: {
        const mc = this.pick(db.rows('Multicast_Group'))!;
        const ports = this.ports()
          .filter((p) => p['datapath'] === mc['datapath'] && this.r() < 0.7)
          .map((p) => p._uuid);
        db.update('Multicast_Group', mc._uuid, { ports });
        return;
      }
      case 13: {
        const n = 1 + Math.floor(this.r() * this.switches.length);
        db.update('Logical_DP_Group', this.group, { datapaths: this.switches.slice(0, n) });
        return;
      }
      case 14: {
        const p = this.pick(vifs);
        if (!p) return;
        if (this.r() < 0.5)
          db.update('Port_Binding', p._uuid, {
            port_security: this.r() < 0.5 ? [] : [`00:00:00:00:02:01 10.9.0.${Math.floor(this.r() * 200)}`],
          });
        else {
          const mb = this.pick(db.rows('MAC_Binding'));
          if (mb && this.r() < 0.3) db.del('MAC_Binding', mb._uuid);
          else
            db.put('MAC_Binding', {
              _uuid: db.uuid(),
              logical_port: p['logical_port'],
              datapath: p['datapath'],
              ip: `10.3.0.${Math.floor(this.r() * 200)}`,
              mac: '00:00:00:00:03:01',
              timestamp: 0,
            });
        }
        return;
      }
      case 15: {
        // Meters come and go (ids must stay put for the others) or change their rate.
        const name = `m${Math.floor(this.r() * 3)}`;
        const old = db.rows('Meter').find((m) => m['name'] === name);
        if (old && this.r() < 0.6) db.del('Meter', old._uuid);
        else if (old) db.update('Meter', old._uuid, { unit: this.r() < 0.5 ? 'kbps' : 'pktps' });
        else db.put('Meter', { _uuid: db.uuid(), name, unit: 'pktps', bands: [] });
        return;
      }
      case 16:
        this.moveLflow();
        return;
      case 17: {
        // A load balancer (hairpin flows) on some switches, with or without hairpin_snat_ip, comes, changes or goes.
        const name = `lb${Math.floor(this.r() * 3)}`;
        const old = db.rows('Load_Balancer').find((l) => l['name'] === name);
        const options: Record<string, string> = { hairpin_orig_tuple: 'true' };
        if (this.r() < 0.5) options['hairpin_snat_ip'] = this.pick(['10.9.9.9', '10.9.9.9 fd09::9', 'fd09::9', 'bad'])!;
        const row = {
          name,
          protocol: this.pick(['tcp', 'udp'])!,
          datapaths: this.switches.filter(() => this.r() < 0.4),
          datapath_group: null,
          vips: {
            '10.8.0.1:80': '10.0.0.5:8080,10.0.0.6:8080',
            '[fd08::1]:80': '[fd00::5]:8080',
            '10.8.0.2': '10.0.0.7',
          },
          options,
          external_ids: {},
        };
        if (old && this.r() < 0.4) db.del('Load_Balancer', old._uuid);
        else if (old) db.update('Load_Balancer', old._uuid, row);
        else db.put('Load_Balancer', { _uuid: db.uuid(), ...row });
        return;
      }
      case 18:
        this.loadBalancer();
        return;
      case 19: {
        // A tunnel recreated as the other type (ovn-encap-type changed) keeps its OpenFlow port number.
        const t = this.pick(this.ifaces.filter((i) => i.tunnelChassis))!;
        const type = t.type === 'vxlan' ? 'geneve' : 'vxlan';
        this.ifaces = this.ifaces.map((i) => (i === t ? { ...i, type } : i));
        return;
      }
      case 20:
        this.haGroup();
        return;
      case 21:
        this.multichassis();
        return;
    }
  }

  /**
   * An HA chassis group (members hv2 and hv3; hv1, this chassis, joins and leaves) serving an external port
   * and a chassisredirect port: members come and go and priorities change (northd rewriting the group), which
   * moves the local datapaths (a member's switch is local) and the order of the gateways' tunnels.
   */
  haGroup(): void {
    const db = this.db;
    const group = db.rows('HA_Chassis_Group')[0];
    if (!group) {
      const members = [this.chassis[1]!, this.chassis[2]!].map((chassis, i) => {
        const u = db.uuid();
        db.put('HA_Chassis', { _uuid: u, chassis, priority: 20 - i * 10, external_ids: {} });
        return u;
      });
      const g = db.uuid();
      db.put('HA_Chassis_Group', { _uuid: g, name: 'hg', ha_chassis: members, ref_chassis: [], external_ids: {} });
      const port = (name: string, dp: string, type: string) =>
        db.put('Port_Binding', {
          _uuid: db.uuid(),
          logical_port: name,
          datapath: dp,
          tunnel_key: this.key(dp),
          type,
          options: {},
          chassis: this.chassis[1]!,
          requested_chassis: null,
          up: false,
          tag: null,
          mac: type === 'external' ? ['00:00:00:00:04:01 10.5.0.1'] : [],
          port_security: [],
          ha_chassis_group: g,
          external_ids: {},
        });
      const ls = this.pick(this.switches)!;
      port(`ext${this.portN++}`, ls, 'external');
      // The switch's localnet port: where this chassis claims the external port, a localport may reach it.
      const ln = `ln${this.portN++}`;
      port(ln, ls, 'localnet');
      db.update('Port_Binding', db.rows('Port_Binding').find((p) => p['logical_port'] === ln)!._uuid, {
        chassis: null,
        ha_chassis_group: null,
        options: { network_name: 'phys' },
      });
      this.ifaces = [...this.ifaces, { name: `patch-${ln}`, ofport: 150, type: 'patch', localnetPort: ln }];
      port(`cr-lr${this.portN++}`, this.pick(this.routers)!, 'chassisredirect');
      return;
    }
    const members = db.rows('HA_Chassis').filter((m) => (group['ha_chassis'] as string[]).includes(m._uuid));
    const mine = members.find((m) => m['chassis'] === this.me);
    const x = this.r();
    if (x < 0.4) {
      const m = this.pick(members);
      if (m) db.update('HA_Chassis', m._uuid, { priority: Math.floor(this.r() * 40) });
    } else if (x < 0.7) {
      if (mine) {
        db.update('HA_Chassis_Group', group._uuid, {
          ha_chassis: (group['ha_chassis'] as string[]).filter((u) => u !== mine._uuid),
        });
        db.del('HA_Chassis', mine._uuid);
      } else {
        const u = db.uuid();
        db.put('HA_Chassis', { _uuid: u, chassis: this.me, priority: Math.floor(this.r() * 40), external_ids: {} });
        db.update('HA_Chassis_Group', group._uuid, { ha_chassis: [...(group['ha_chassis'] as string[]), u] });
      }
    } else if (x < 0.85) {
      // The gateway ports move between members (the active one claims them).
      for (const p of this.ports().filter((q) => q['ha_chassis_group'] === group._uuid && q['type'] !== 'localnet'))
        db.update('Port_Binding', p._uuid, { chassis: this.pick(this.chassis) });
    } else {
      // An external port is deleted (claimed here or not), or a new one takes its place on the same switch.
      const ext = this.ports('external')[0];
      if (ext) return void db.del('Port_Binding', ext._uuid);
      const ln = this.ports('localnet')[0];
      if (!ln) return;
      const dp = String(ln['datapath']);
      db.put('Port_Binding', {
        _uuid: db.uuid(),
        logical_port: `ext${this.portN++}`,
        datapath: dp,
        tunnel_key: this.key(dp),
        type: 'external',
        options: {},
        chassis: this.pick([this.me, this.chassis[1]!]),
        requested_chassis: null,
        up: false,
        tag: null,
        mac: [`00:00:00:00:04:${(this.portN % 256).toString(16).padStart(2, '0')} 10.5.0.2`],
        port_security: [],
        ha_chassis_group: group._uuid,
        external_ids: {},
      });
    }
  }

  /** A VIF gains or loses additional chassis (a live migration), or a switch gets a localnet port bridged here. */
  multichassis(): void {
    const db = this.db;
    if (this.r() < 0.25) {
      const dp = this.pick(this.switches)!;
      if (this.ports('localnet').some((p) => p['datapath'] === dp)) return;
      const name = `ln${this.portN++}`;
      db.put('Port_Binding', {
        _uuid: db.uuid(),
        logical_port: name,
        datapath: dp,
        tunnel_key: this.key(dp),
        type: 'localnet',
        options: { network_name: 'phys' },
        chassis: null,
        requested_chassis: null,
        up: false,
        tag: null,
        mac: ['unknown'],
        port_security: [],
        external_ids: {},
      });
      this.ifaces = [
        ...this.ifaces,
        { name: `patch-${name}`, ofport: this.ofport++, type: 'patch', localnetPort: name },
      ];
      return;
    }
    const p = this.pick(this.ports(''));
    if (!p) return;
    const additional = this.chassis.filter(() => this.r() < 0.4);
    db.update('Port_Binding', p._uuid, { additional_chassis: additional });
  }

  /** LBs on the datapath group or one switch come, go or change VIPs; SB_Global's hairpin option flips. */
  loadBalancer(): void {
    const db = this.db;
    const lbs = db.rows('Load_Balancer');
    const x = this.r();
    if (x < 0.2) {
      const g = db.rows('SB_Global')[0];
      const options = { lb_hairpin_use_ct_mark: this.r() < 0.5 ? 'false' : 'true' };
      if (g) db.update('SB_Global', g._uuid, { options });
      else
        db.put('SB_Global', {
          _uuid: db.uuid(),
          nb_cfg: 0,
          options,
          external_ids: {},
          ssl: null,
          connections: [],
          ipsec: false,
        });
      return;
    }
    if (lbs.length && x < 0.45) return void db.del('Load_Balancer', this.pick(lbs)!._uuid);
    const vip = `10.4.0.${Math.floor(this.r() * 200)}:80`;
    const vips = { [vip]: `10.0.0.${1 + Math.floor(this.r() * 30)}:8080` };
    if (lbs.length && x < 0.7) return void db.update('Load_Balancer', this.pick(lbs)!._uuid, { vips });
    const onGroup = this.r() < 0.4;
    db.put('Load_Balancer', {
      _uuid: db.uuid(),
      name: `lb${this.portN++}`,
      vips,
      protocol: 'tcp',
      datapaths: onGroup ? [] : [this.pick(this.switches)!],
      datapath_group: onGroup ? this.group : null,
      options: this.r() < 0.3 ? { hairpin_orig_tuple: 'true' } : {},
      external_ids: {},
    });
  }

  /**
   * A logical flow moved to a new SB row with the same content (northd re-creating it, e.g. moving it between a
   * datapath and a datapath group): one transaction deletes the old row and inserts the new one.
   */
  moveLflow(): void {
    const lf = this.pick(this.db.rows('Logical_Flow'));
    if (!lf || lf['logical_dp_group'] !== null) return;
    this.db.del('Logical_Flow', lf._uuid);
    this.db.put('Logical_Flow', { ...lf, _uuid: this.db.uuid() });
  }

  private plug(name: string): void {
    this.ifaces = [
      ...this.ifaces.filter((i) => i.ifaceId !== name),
      { name: `tap-${name}`, ofport: this.ofport++, type: '', ifaceId: name },
    ];
  }

  /** What the controller does with the zones a round assigned: persist them on the bridge. */
  persist(zones: ReadonlyMap<string, number>): void {
    this.zones = Object.fromEntries([...zones].map(([k, z]) => [`${ZONE_PREFIX}${k}`, String(z)]));
  }
}

async function walk(
  seed: number,
  steps: number,
  sliceMs?: number,
): Promise<{ rounds: number; changes: number; compiledIncrementally: number; slices: number; perPort: number }> {
  const w = new World(seed);
  const engine = new ChassisEngine(undefined, sliceMs === undefined ? {} : { sliceMs });
  let slices = 0;
  const compiler = new Compiler();
  let compiled = 0;
  let nChanges = 0;
  for (let i = 0; i <= steps; i++) {
    if (i % 50 === 0) await new Promise((r) => setImmediate(r)); // let the test runner breathe
    if (i > 0)
      for (let n = 1 + Math.floor(w.r() * 3); n > 0; n--) {
        w.step();
        nChanges++;
      }
    const { sb, changes } = w.db.take();
    const input = { sb, sbChanges: changes, chassisName: 'hv1', ifaces: w.ifaces, bridgeExternalIds: w.zones };
    let r = engine.run(input);
    if (i > 0) compiled += engine.lflows.lastCompiled;
    // A sliced round: the controller runs the engine again, with no new changes, until nothing is left.
    while (engine.pending) {
      r = engine.run({ ...input, sbChanges: {} });
      if (i > 0) compiled += engine.lflows.lastCompiled;
      slices++;
    }
    w.persist(r.zones);
    const rep = equivalenceReport(engine.desired, r.groups, input, compiler, engine.lflows.meters.table);
    if (!rep.equal)
      throw new Error(
        `seed ${seed}, round ${i}: incremental ≠ full\n` +
          `only incremental:\n  ${rep.onlyIncremental.slice(0, 8).join('\n  ')}\n` +
          `only full:\n  ${rep.onlyFull.slice(0, 8).join('\n  ')}`,
      );
    // The indexes shrink as keys go (a long-running controller sees endless new datapaths, groups, names).
    const stale = [
      ...engine.lflows.staleIndexEntries(),
      ...engine.physical.staleIndexEntries(),
      ...engine.runtime.staleIndexEntries(),
    ];
    if (stale.length)
      throw new Error(`seed ${seed}, round ${i}: stale index entries kept: ${stale.slice(0, 5).join(', ')}`);
    // What goes to the switch (one flow per key, the winning owner's, cookie included) equals what a
    // freshly started engine installs.
    if (i % 5 === 0) {
      const fresh = new ChassisEngine();
      const mine = installed(engine, r);
      const theirs = installed(fresh, fresh.run(input));
      if (mine.join('\n') !== theirs.join('\n'))
        throw new Error(
          `seed ${seed}, round ${i}: installed flows differ from a fresh engine's\n` +
            `only incremental:\n  ${minus(mine, theirs).slice(0, 8).join('\n  ')}\n` +
            `only fresh:\n  ${minus(theirs, mine).slice(0, 8).join('\n  ')}`,
        );
    }
  }
  if (process.env['EQUIV_VERBOSE'])
    console.log({
      flows: engine.desired.size,
      errors: engine.lflows.errors.slice(0, 3),
      nerrors: engine.lflows.errors.length,
      lflows: w.db.rows('Logical_Flow').length,
      ports: w.db.rows('Port_Binding').length,
      compiled,
      rounds: steps,
      sbChanges: nChanges,
    });
  return {
    rounds: steps,
    changes: nChanges,
    compiledIncrementally: compiled,
    slices,
    perPort: engine.runtime.perPortRounds,
  };
}

/** The flows a sync would install (the winner of each key), normalised and sorted. */
function installed(engine: ChassisEngine, r: RoundResult): string[] {
  return normalizeFlows(engine.desired.flows(), r.groups).sort();
}

function minus(a: readonly string[], b: readonly string[]): string[] {
  const have = new Set(b);
  return a.filter((x) => !have.has(x));
}

/** Long walks (EQUIV_STEPS in the thousands, on a loaded machine) get time in proportion: ~1 s a round. */
const WALK_TIMEOUT_MS = Math.max(600_000, Number(process.env['EQUIV_STEPS'] ?? 0) * 1000);

describe('controller engine: recompute equivalence', () => {
  it(
    'matches a full computation after every round of a random walk',
    async () => {
      const steps = Number(process.env['EQUIV_STEPS'] ?? 1000);
      const seed = Number(process.env['EQUIV_SEED'] ?? 1);
      const r = await walk(seed, steps);
      expect(r.rounds).toBe(steps);
      expect(r.changes).toBeGreaterThan(steps);
      // Incremental: far fewer compilations than rounds × logical flows.
      expect(r.compiledIncrementally).toBeGreaterThan(0);
      // runtime_data took the per-port path for many rounds (VIFs bound, moved, plugged), not only rebuilds.
      expect(r.perPort).toBeGreaterThan(steps / 20);
    },
    WALK_TIMEOUT_MS,
  );

  it('matches a full computation when each round compiles one logical flow at a time (sliced)', async () => {
    const r = await walk(Number(process.env['EQUIV_SEED'] ?? 1) + 1, 300, 0);
    expect(r.slices).toBeGreaterThan(20);
    expect(r.compiledIncrementally).toBeGreaterThan(0);
  }, 600_000);

  it('logical flows moved to new rows while the snapshot lagged the changes: the next round catches up, cookies too', () => {
    const w = new World(3);
    const engine = new ChassisEngine();
    const run = (sb: SbSnapshot, sbChanges: SbChanges) => {
      const r = engine.run({ sb, sbChanges, chassisName: 'hv1', ifaces: w.ifaces, bridgeExternalIds: w.zones });
      w.persist(r.zones);
      return r;
    };
    for (let i = 0; i < 80; i++) {
      w.step();
      if (i % 10 === 0) for (const dp of w.switches) w.lflow(dp);
      const t = w.db.take();
      run(t.sb, t.changes);
    }
    const moved = w.db.rows('Logical_Flow').filter((lf) => lf['logical_dp_group'] === null);
    const before = w.db.take().sb;
    // What a daemon that took the changes after the snapshot would hand over: the moves are in the changes
    // but the snapshot still has the old rows.
    for (const lf of moved) {
      w.db.del('Logical_Flow', lf._uuid);
      w.db.put('Logical_Flow', { ...lf, _uuid: w.db.uuid() });
    }
    const t = w.db.take();
    expect(run(before, t.changes).changeNotInSnapshot).toMatch(/^Logical_Flow /);
    const r = run(t.sb, {});
    const fresh = new ChassisEngine();
    const want = installed(
      fresh,
      fresh.run({ sb: t.sb, sbChanges: {}, chassisName: 'hv1', ifaces: w.ifaces, bridgeExternalIds: w.zones }),
    );
    expect(installed(engine, r)).toEqual(want);
    // The moved flows are really installed here (with their new cookies).
    const cookie = (u: string) => `cookie=0x${u.slice(0, 8).replace(/^0+/, '')}`;
    const newRows = [...t.sb.Logical_Flow.values()].filter((lf) => !before.Logical_Flow.has(lf._uuid));
    const shown = newRows.filter((lf) => want.some((f) => f.includes(cookie(lf._uuid))));
    expect(shown.length).toBeGreaterThan(0);
  });

  it('shows per-node stats in ovn-controller’s format', () => {
    const w = new World(7);
    const engine = new ChassisEngine();
    const { sb, changes } = w.db.take();
    engine.run({ sb, sbChanges: changes, chassisName: 'hv1', ifaces: w.ifaces, bridgeExternalIds: {} });
    const stats = engine.engine.showStats();
    expect(stats).toContain('Node: lflow_output\n- recompute:');
    expect(stats).toContain('Node: physical_flow_output');
  });
});
