// Node `keyed_rows`: the SB rows copied from the NB row by row (Mirror, Static_MAC_Binding,
// Chassis_Template_Var), one IP_Multicast row per switch and the Service_Monitor rows of the
// service_monitors node, and one DNS row per NB DNS row some switch names, by key (sync/keyed-rows.ts).
// Each NB table's handler re-derives the rows of the changed NB rows; topology changes re-derive the
// switches' IP_Multicast rows and the DNS rows they named or name, and, when a router changed, every
// static MAC binding (a handful of rows).
import type { DNS, Mirror } from '@ovnts/schema/nb';
import {
  KEYED_TABLES,
  perKeyedTable,
  smbKey,
  type KeyedRow,
  type KeyedRows,
  type KeyedTable,
} from '../../sync/keyed-rows.js';
import { dnsRow, ipMulticastRow, mirrorRow, staticMacBindingRow, templateVarRow } from '../../sync/keyed-sources.js';
import type { NodeData } from '../inc-engine.js';
import type { BindingsNode } from './bindings.js';
import type { NbInputs } from './inputs.js';
import type { ServiceMonitorsNode } from './service-monitors.js';
import type { TopologyNode } from './topology.js';

type Tables<V> = { [T in KeyedTable]: V };

export class KeyedRowsNode implements NodeData {
  private readonly tables: Tables<Map<string, KeyedRow>> = perKeyedTable(() => new Map());
  /** NB Mirror UUID → name (Port_Binding.mirror_rules names SB mirrors by it). */
  readonly mirrorNames = new Map<string, string>();
  /** Bound switch → the NB DNS rows it names (what its DNS rows' datapaths were built from). */
  private readonly switchDns = new Map<string, readonly string[]>();
  /** NB DNS row → the bound switches naming it. */
  private readonly dnsSwitches = new Map<string, Set<string>>();

  // Tracked output.
  recomputed = false;
  readonly touched: Tables<Set<string>> = perKeyedTable(() => new Set());

  constructor(
    private readonly nb: NbInputs,
    private readonly topo: TopologyNode,
    private readonly bindings: BindingsNode,
    private readonly svc: ServiceMonitorsNode,
  ) {}

  clearTracked(): void {
    this.recomputed = false;
    for (const t of KEYED_TABLES) this.touched[t].clear();
  }
  updated(): boolean {
    return this.recomputed || KEYED_TABLES.some((t) => this.touched[t].size > 0);
  }

  recompute(): void {
    for (const t of KEYED_TABLES) this.tables[t].clear();
    this.mirrorNames.clear();
    this.switchDns.clear();
    this.dnsSwitches.clear();
    this.recomputed = true;
    const nb = this.nb.view;
    for (const m of nb.Mirror.values()) this.setMirror(m);
    for (const v of nb.Chassis_Template_Var.values()) this.set('Chassis_Template_Var', v.chassis, templateVarRow(v));
    this.staticMacBindings();
    for (const ls of this.topo.switches.keys()) this.ipMulticast(ls);
    for (const [k, row] of this.svc.allRows()) this.set('Service_Monitor', k, row);
    for (const ls of this.topo.switches.keys()) this.noteSwitchDns(ls);
    for (const d of this.dnsSwitches.keys()) this.dns(d);
  }

  // ---- handlers ----

  /** A renamed mirror changes what the port bindings naming it point at: recompute (rare). */
  onMirror(): boolean {
    for (const c of this.nb.tables.Mirror.changes) {
      if (c.kind === 'modify' && c.old.name !== c.new.name) return false;
      if (c.old) this.drop('Mirror', c.old.name);
      if (c.kind === 'delete') this.mirrorNames.delete(c.uuid);
      if (c.new) this.setMirror(c.new);
    }
    return true;
  }
  onTemplateVar(): boolean {
    for (const c of this.nb.tables.Chassis_Template_Var.changes) {
      if (c.old) this.drop('Chassis_Template_Var', c.old.chassis);
      if (c.new) this.set('Chassis_Template_Var', c.new.chassis, templateVarRow(c.new));
    }
    return true;
  }
  onStaticMacBinding(): boolean {
    for (const c of this.nb.tables.Static_MAC_Binding.changes) {
      if (c.old) this.drop('Static_MAC_Binding', smbKey(c.old.logical_port, c.old.ip));
      if (c.new) this.staticMacBinding(c.new);
    }
    return true;
  }
  /** A DNS row's records: its SB row (the switches naming it are the topology's business). */
  onDns(): boolean {
    for (const c of this.nb.tables.DNS.changes) this.dns(c.uuid);
    return true;
  }
  /** Switches re-read (their other_config, dns_records) and routers whose ports may have come or gone. */
  onTopology(): boolean {
    const t = this.topo;
    if (t.recomputed) return false;
    const dns = new Set<string>();
    for (const ls of new Set([...t.rebuiltSw, ...t.switchesChanged])) {
      this.ipMulticast(ls);
      for (const d of this.switchDns.get(ls) ?? []) dns.add(d);
      for (const d of this.noteSwitchDns(ls)) dns.add(d);
    }
    for (const d of dns) this.dns(d);
    if (t.routersChanged.size) this.staticMacBindings();
    return true;
  }
  /** The monitors whose rows changed; all of them after a recompute of service_monitors. */
  onServiceMonitors(): boolean {
    const keys = this.svc.recomputed
      ? [...this.tables.Service_Monitor.keys(), ...this.svc.allRows().keys()]
      : this.svc.touched;
    for (const k of keys) {
      const row = this.svc.row(k);
      if (row) this.set('Service_Monitor', k, row);
      else this.drop('Service_Monitor', k);
    }
    return true;
  }
  /** Datapath keys move only in a recompute of the bindings. */
  onBindings(): boolean {
    return !this.bindings.recomputed;
  }

  // ---- outputs ----

  row(table: KeyedTable, key: string): KeyedRow | undefined {
    return this.tables[table].get(key);
  }
  all(): KeyedRows {
    return this.tables;
  }

  private set(table: KeyedTable, key: string, row: KeyedRow): void {
    this.tables[table].set(key, row);
    this.touched[table].add(key);
  }
  private drop(table: KeyedTable, key: string): void {
    this.tables[table].delete(key);
    this.touched[table].add(key);
  }
  private setMirror(m: Mirror): void {
    this.mirrorNames.set(m._uuid, m.name);
    this.set('Mirror', m.name, mirrorRow(m));
  }

  private staticMacBinding(s: Parameters<typeof staticMacBindingRow>[0]): void {
    const key = smbKey(s.logical_port, s.ip);
    const lr = this.topo.lrps.get(s.logical_port)?.dp.uuid;
    const row = staticMacBindingRow(s, lr !== undefined && this.bindings.dpKeys.has(lr) ? lr : undefined);
    if (row) this.set('Static_MAC_Binding', key, row);
    else this.drop('Static_MAC_Binding', key);
  }
  private staticMacBindings(): void {
    const before = new Set(this.tables.Static_MAC_Binding.keys());
    for (const s of this.nb.view.Static_MAC_Binding.values()) {
      before.delete(smbKey(s.logical_port, s.ip));
      this.staticMacBinding(s);
    }
    for (const k of before) this.drop('Static_MAC_Binding', k);
  }

  /** Records which DNS rows a switch names now (none unless bound); returns them. */
  private noteSwitchDns(ls: string): readonly string[] {
    for (const d of this.switchDns.get(ls) ?? []) {
      const s = this.dnsSwitches.get(d);
      s?.delete(ls);
      if (s?.size === 0) this.dnsSwitches.delete(d);
    }
    const sw = this.topo.switches.get(ls);
    const now = sw && this.bindings.dpKeys.has(ls) ? sw.nb.dns_records : [];
    if (now.length) this.switchDns.set(ls, now);
    else this.switchDns.delete(ls);
    for (const d of now) {
      let s = this.dnsSwitches.get(d);
      if (!s) this.dnsSwitches.set(d, (s = new Set()));
      s.add(ls);
    }
    return now;
  }

  private dns(uuid: string): void {
    const row = this.nb.view.DNS.get(uuid as DNS['_uuid']);
    const switches = this.dnsSwitches.get(uuid);
    if (row && switches?.size) this.set('DNS', uuid, dnsRow(row, [...switches].sort()));
    else this.drop('DNS', uuid);
  }

  private ipMulticast(ls: string): void {
    const sw = this.topo.switches.get(ls);
    if (sw && this.bindings.dpKeys.has(ls)) this.set('IP_Multicast', ls, ipMulticastRow(sw.nb));
    else this.drop('IP_Multicast', ls);
  }
}
