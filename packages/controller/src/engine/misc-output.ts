// Smaller flow nodes. Port security is per local VIF (its row and datapath key); MAC bindings and LB hairpin
// are small tables recomputed whole, but only when a change reaches what they read (handlers below): a pod
// added elsewhere changes runtime_data on every chassis and must not rebuild them.
import type { Uuid } from 'ovsdb-client-ts';
import type { NodeData } from '@ovnts/daemon';
import type { Flow } from '@ovnts/openflow';
import { type DesiredFlows, withSharedParts } from '../flow-table.js';
import { portFlows as portSecurityFlowsOf } from '../port-security.js';
import type { LocalView, SbSnapshot } from '../view.js';
import { type RoundInput, type SbTablesInput, statusOnly } from './inputs.js';
import type { RuntimeData } from './runtime-data.js';

/** One owner's flows, recomputed whole from the view and the SB. */
export class WholeFlows implements NodeData {
  private changed = false;
  constructor(
    private readonly owner: string,
    private readonly compute: (view: LocalView, sb: SbSnapshot) => Flow[],
    private readonly input: () => RoundInput,
    private readonly rt: RuntimeData,
    private readonly desired: DesiredFlows,
  ) {}
  clearTracked(): void {
    this.changed = false;
  }
  recompute(): void {
    if (!this.rt.view) return;
    this.desired.set(this.owner, this.compute(this.rt.view, this.input().sb));
    this.changed = true;
  }
  updated(): boolean {
    return this.changed;
  }
  /** A handler: recompute when `reaches` says the round's changes reach these flows, else nothing to do. */
  handle(reaches: () => boolean): boolean {
    if (reaches()) this.recompute();
    return true;
  }
}

/**
 * mac_binding_output's runtime_data / port binding handler: its flows read, per binding, the port named by
 * it (key, datapath) and whether that datapath is local (its key).
 */
export function neighborsReached(rt: RuntimeData, sbIn: SbTablesInput, sb: SbSnapshot): boolean {
  if (rt.changedDps.size || rt.chassisChanged) return true;
  const named = new Set<string>();
  for (const b of sb.MAC_Binding.values()) named.add(b.logical_port);
  for (const b of sb.Static_MAC_Binding.values()) named.add(b.logical_port);
  if (!named.size) return false;
  for (const u of rt.changedPorts) {
    const pb = sb.Port_Binding.get(u);
    if (!pb || named.has(pb.logical_port)) return true;
  }
  for (const c of sbIn.changes('Port_Binding'))
    if ((c.old && named.has(c.old.logical_port)) || (c.new && named.has(c.new.logical_port))) return true;
  return false;
}

/** lb_hairpin_output: its flows read the LBs, which datapaths are local, their groups and one SB_Global option. */
export function hairpinReached(
  what: 'runtime_data' | 'load_balancer' | 'dp_group',
  rt: RuntimeData,
  sbIn: SbTablesInput,
  sb: SbSnapshot,
): boolean {
  if (what === 'runtime_data') return rt.changedDps.size > 0 || rt.chassisChanged;
  if (what === 'load_balancer') {
    if (sbIn.changes('Load_Balancer').length) return true;
    const opt = (o: { options: Readonly<Record<string, string>> } | undefined) => o?.options['lb_hairpin_use_ct_mark'];
    return sbIn.changes('SB_Global').some((c) => opt(c.old) !== opt(c.new));
  }
  const groups = new Set<string>(sbIn.changes('Logical_DP_Group').map((c) => c.uuid));
  for (const lb of sb.Load_Balancer.values()) if (lb.datapath_group && groups.has(lb.datapath_group)) return true;
  return false;
}

export class PortSecurityOutput implements NodeData {
  private readonly ports = new Map<Uuid<'Port_Binding'>, string>();
  private changed = false;
  /** Ports a time-sliced round left for the next one (`sliceMs`); the engine runs again while any are left. */
  private readonly backlog = new Set<Uuid<'Port_Binding'>>();
  /** Visit ports for at most about this long per round (wall ms), then leave the rest in the backlog. */
  sliceMs: number | undefined;
  constructor(
    private readonly input: () => RoundInput,
    private readonly rt: RuntimeData,
    private readonly sbIn: SbTablesInput,
    private readonly desired: DesiredFlows,
  ) {}
  clearTracked(): void {
    this.changed = false;
  }
  /** A sliced round left ports: the next round (with no new changes) must settle before installing. */
  get pending(): boolean {
    return this.backlog.size > 0 && this.rt.view !== undefined;
  }
  recompute(): void {
    for (const u of this.ports.keys()) this.desired.delete(owner(u));
    this.ports.clear();
    this.backlog.clear();
    for (const u of this.rt.view?.localVifs.keys() ?? []) this.backlog.add(u);
    this.visitBacklog();
    this.changed = true;
  }
  handleChanges(): boolean {
    const view = this.rt.view;
    if (!view) return true;
    const todo = this.backlog;
    for (const u of this.rt.changedPorts) todo.add(u);
    for (const c of this.sbIn.changes('Port_Binding')) if (!statusOnly(c)) todo.add(c.uuid);
    if (this.rt.changedDps.size)
      for (const u of [...view.localVifs.keys(), ...this.ports.keys()]) {
        const pb = this.input().sb.Port_Binding.get(u);
        if (!pb || this.rt.changedDps.has(pb.datapath)) todo.add(u);
      }
    this.visitBacklog();
    return true;
  }
  /** Visits the backlog's ports, at least one, until the slice is over. */
  private visitBacklog(): void {
    if (!this.rt.view) return;
    const deadline = this.sliceMs === undefined ? Infinity : performance.now() + this.sliceMs;
    for (const u of this.backlog) {
      this.backlog.delete(u);
      this.visit(u);
      if (performance.now() > deadline) break;
    }
  }
  updated(): boolean {
    return this.changed;
  }
  private visit(u: Uuid<'Port_Binding'>): void {
    const view = this.rt.view!;
    const pb = this.input().sb.Port_Binding.get(u);
    const dp = pb && view.localVifs.has(u) ? view.localDps.get(pb.datapath) : undefined;
    const old = this.ports.get(u);
    if (!pb || !dp) {
      if (old === undefined) return;
      this.ports.delete(u);
      this.desired.delete(owner(u));
      this.changed = true;
      return;
    }
    const sig = `${pb._version}|${dp.tunnel_key}`;
    if (old === sig) return;
    this.ports.set(u, sig);
    this.desired.set(owner(u), pb.port_security.length ? withSharedParts(portSecurityFlowsOf(pb, dp.tunnel_key)) : []);
    this.changed = true;
  }
}

const owner = (u: string) => `ps|${u}`;
