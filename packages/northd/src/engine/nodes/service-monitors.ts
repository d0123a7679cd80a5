// Node `service_monitors`: load balancer health checks (stateful/svc-monitor.ts). It looks only at the
// balancers that have Load_Balancer_Health_Check rows (none in most deployments, so its handlers cost
// nothing then) and holds, per such balancer, its monitors, the switches answering ARP/ND for the
// monitors' source addresses (their flows, in a FlowSet of its own) and what ct_lb balances over given
// the monitors' SB status. Every input is handled: a changed balancer or health check, any topology
// change (a mapped port enabled, moved or gone), a new svc_monitor_mac re-derive the balancers
// concerned; an SB status change re-derives the ct_lb targets of the balancers using that monitor.
import type { LoadBalancer, LoadBalancerHealthCheck } from '@ovnts/schema/nb';
import type { ServiceMonitor } from '@ovnts/schema/sb';
import { Diagnostics } from '../../diagnostics.js';
import { parseLb, type ParsedLb } from '../../stateful/lb-vip.js';
import {
  buildSvcResponderFlows,
  healthSig,
  lbHealth,
  normalizedMac,
  svcMonKey,
  withHealth,
  type LbHealth,
  type MappedPort,
  type Responder,
} from '../../stateful/svc-monitor.js';
import type { KeyedRow } from '../../sync/keyed-rows.js';
import { collect, FlowSet } from '../flow-set.js';
import type { NodeData } from '../inc-engine.js';
import type { NbInputs, SbInputs } from './inputs.js';
import type { TopologyNode } from './topology.js';
import { addTo, delFrom } from './util.js';

const monitorKeyOf = (r: ServiceMonitor) => svcMonKey(r.logical_port, r.ip, r.port, r.protocol ?? '');

export class ServiceMonitorsNode implements NodeData {
  /** ARP/ND answers for the monitors' source addresses: unit `svc:<balancer>` on each switch concerned. */
  flows = new FlowSet();
  /** Balancers with health check rows, and what their checks are. */
  private readonly health = new Map<string, LbHealth>();
  /** Balancer → its ct_lb targets' signature (healthSig). */
  private readonly sigs = new Map<string, string>();
  /** Balancer → switches with its responder unit. */
  private readonly responderSwitches = new Map<string, Set<string>>();
  /** Monitor key → balancers requiring it. */
  private readonly owners = new Map<string, Set<string>>();
  /** Desired Service_Monitor rows by key. */
  private readonly rows = new Map<string, KeyedRow>();
  /** Monitor key → ovn-controller's verdict, as the SB holds it. */
  private readonly status = new Map<string, ServiceMonitor['status']>();
  /** Balancers' rows parsed for this node (its diagnostics are load_balancers' to report). */
  private readonly parsedRows = new WeakMap<LoadBalancer, ParsedLb>();
  /** Per balancer parse (of load_balancers), its health-applied form and the signature it was made for. */
  private readonly applied = new WeakMap<ParsedLb, { readonly sig: string; readonly lb: ParsedLb }>();
  private mac = '';

  // Tracked output.
  recomputed = false;
  /** Balancers whose ct_lb targets changed (their flow units are to be rebuilt). */
  readonly lbsChanged = new Set<string>();
  /** Service_Monitor keys whose desired rows may differ from what was last written. */
  readonly touched = new Set<string>();
  private derived = false;

  constructor(
    private readonly nb: NbInputs,
    private readonly sb: SbInputs,
    private readonly topo: TopologyNode,
  ) {}

  clearTracked(): void {
    this.recomputed = this.derived = false;
    this.lbsChanged.clear();
    this.touched.clear();
  }
  updated(): boolean {
    return this.recomputed || this.derived || this.lbsChanged.size + this.touched.size > 0;
  }

  recompute(): void {
    for (const m of [this.health, this.sigs, this.responderSwitches, this.owners, this.rows, this.status]) m.clear();
    this.recomputed = true;
    this.mac = this.currentMac();
    for (const r of this.sb.view?.Service_Monitor?.values() ?? []) this.status.set(monitorKeyOf(r), r.status);
    this.flows = new FlowSet();
    this.flows.rebuild(() => {
      for (const lb of this.nb.view.Load_Balancer.values()) if (lb.health_check.length) this.derive(lb._uuid);
    });
  }

  // ---- handlers ----

  /** A mapped port may have been enabled, disabled, added, moved or deleted: every checked balancer again. */
  onTopology(): boolean {
    if (this.topo.recomputed) return false;
    this.deriveAll();
    return true;
  }

  onLoadBalancer(): boolean {
    for (const c of this.nb.tables.Load_Balancer.changes)
      if (c.new?.health_check.length || this.health.has(c.uuid)) this.derive(c.uuid);
    return true;
  }

  /** A check's VIP or options changed (adding or removing one changes its balancer's row too). */
  onHealthCheck(): boolean {
    const changed = new Set<string>(this.nb.tables.Load_Balancer_Health_Check.changes.map((c) => c.uuid));
    for (const lb of this.nb.view.Load_Balancer.values())
      if (lb.health_check.some((u) => changed.has(u))) this.derive(lb._uuid);
    return true;
  }

  /** svc_monitor_mac is in every monitor row and responder flow. */
  onGlobal(): boolean {
    const mac = this.currentMac();
    if (mac === this.mac) return true;
    this.mac = mac;
    this.deriveAll();
    return true;
  }

  /** ovn-controller's verdicts: the ct_lb targets of the balancers using the monitor. */
  onStatus(): boolean {
    const lbs = new Set<string>();
    for (const c of this.sb.serviceMonitors) {
      if (c.old) {
        const k = monitorKeyOf(c.old);
        this.status.delete(k);
        for (const lb of this.owners.get(k) ?? []) lbs.add(lb);
      }
      if (c.new) {
        const k = monitorKeyOf(c.new);
        this.status.set(k, c.new.status);
        for (const lb of this.owners.get(k) ?? []) lbs.add(lb);
      }
    }
    for (const lb of lbs) this.resig(lb);
    return true;
  }

  // ---- outputs ----

  /** The balancer with its health-checked VIPs' ct_lb targets narrowed to the backends online. */
  withHealth(lb: ParsedLb): ParsedLb {
    const h = this.health.get(lb.nb._uuid);
    if (!h) return lb;
    const sig = this.sigs.get(lb.nb._uuid) ?? '';
    const memo = this.applied.get(lb);
    if (memo && memo.sig === sig) return memo.lb;
    const out = withHealth(lb, h, (k) => this.status.get(k));
    this.applied.set(lb, { sig, lb: out });
    return out;
  }

  row(key: string): KeyedRow | undefined {
    return this.rows.get(key);
  }
  allRows(): ReadonlyMap<string, KeyedRow> {
    return this.rows;
  }

  // ---- deriving ----

  private currentMac(): string {
    const g = [...this.nb.view.NB_Global.values()][0];
    return normalizedMac(g?.options['svc_monitor_mac']) ?? '';
  }

  private deriveAll(): void {
    for (const lb of [...this.health.keys()]) this.derive(lb);
  }

  private parsed(row: LoadBalancer): ParsedLb {
    let p = this.parsedRows.get(row);
    if (!p) this.parsedRows.set(row, (p = parseLb(row, new Diagnostics())));
    return p;
  }

  private mappedPort(name: string): MappedPort | undefined {
    const p = this.topo.lsps.get(name);
    return p && { switch: p.dp.uuid, enabled: p.enabled };
  }

  private check(uuid: string): LoadBalancerHealthCheck | undefined {
    return this.nb.view.Load_Balancer_Health_Check.get(uuid as LoadBalancerHealthCheck['_uuid']);
  }

  /** A balancer's monitors, responders and ct_lb targets from its current row. */
  private derive(uuid: string): void {
    this.derived = true;
    const row = this.nb.view.Load_Balancer.get(uuid as LoadBalancer['_uuid']);
    const old = this.health.get(uuid);
    const h = row
      ? lbHealth(
          this.parsed(row),
          (u) => this.check(u),
          (n) => this.mappedPort(n),
          this.mac,
        )
      : undefined;
    if (h) this.health.set(uuid, h);
    else this.health.delete(uuid);
    for (const k of old?.monitors.keys() ?? []) if (!h?.monitors.has(k)) this.unown(k, uuid);
    for (const k of h?.monitors.keys() ?? []) {
      addTo(this.owners, k, uuid);
      this.setRow(k);
    }
    this.setResponders(uuid, h?.responders ?? []);
    this.resig(uuid);
  }

  private unown(key: string, lb: string): void {
    delFrom(this.owners, key, lb);
    // A monitor no balancer requires is deleted, and with it the verdict it had.
    if (!this.owners.has(key)) this.status.delete(key);
    this.setRow(key);
  }

  /** A monitor's row from the balancers requiring it (the last in UUID order gives its options). */
  private setRow(key: string): void {
    this.touched.add(key);
    const lbs = [...(this.owners.get(key) ?? [])].sort();
    const cols = lbs.length ? this.health.get(lbs[lbs.length - 1]!)?.monitors.get(key) : undefined;
    if (cols) this.rows.set(key, { columns: { ...cols, options: { ...cols.options } } });
    else this.rows.delete(key);
  }

  private setResponders(lb: string, responders: readonly Responder[]): void {
    const bySwitch = new Map<string, Responder[]>();
    for (const r of responders) {
      const l = bySwitch.get(r.switch);
      if (l) l.push(r);
      else bySwitch.set(r.switch, [r]);
    }
    const id = `svc:${lb}`;
    for (const sw of this.responderSwitches.get(lb) ?? []) if (!bySwitch.has(sw)) this.flows.dropUnit(sw, id);
    for (const [sw, rs] of bySwitch)
      this.flows.setUnit(
        sw,
        id,
        collect((add) => buildSvcResponderFlows(rs, this.mac, add)),
      );
    if (bySwitch.size) this.responderSwitches.set(lb, new Set(bySwitch.keys()));
    else this.responderSwitches.delete(lb);
  }

  /** Recompute a balancer's ct_lb targets; report it when they changed. */
  private resig(uuid: string): void {
    const row = this.nb.view.Load_Balancer.get(uuid as LoadBalancer['_uuid']);
    const h = this.health.get(uuid);
    const sig = row && h ? healthSig(withHealth(this.parsed(row), h, (k) => this.status.get(k))) : '';
    if ((this.sigs.get(uuid) ?? '') === sig) return;
    this.lbsChanged.add(uuid);
    if (sig) this.sigs.set(uuid, sig);
    else this.sigs.delete(uuid);
  }
}
