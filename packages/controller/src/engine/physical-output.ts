// Engine node physical_flow_output: the physical flows per port, per multicast group and per tunnel, each under
// its own owner in the desired flow table. Each unit remembers a signature of everything its flows are built
// from (its row versions, its datapath's key, its local role, the zones it loads, its patch peer, for a localnet
// port the external ports claimed here); a round
// recomputes only the units that the changed rows, ports, datapaths and zones can reach, and among those only
// the ones whose signature moved.
import type { Uuid } from 'ovsdb-client-ts';
import type { NodeData } from '@ovnts/daemon';
import type { MulticastGroup, PortBinding } from '@ovnts/schema/sb';
import { formatFlow } from '@ovnts/openflow';
import { type DesiredFlows, withSharedParts } from '../flow-table.js';
import { bridgedFlows } from '../chassis-mac.js';
import {
  type PhysicalContext,
  claimedExternalMacs,
  fixedPhysicalFlows,
  multicastFlows,
  multicastKey,
  portPhysicalFlows,
  tunnelFlows,
} from '../physical.js';
import { type LocalView, isPatchLike, tunnelType } from '../view.js';
import { dnatKey, snatKey } from '../zones.js';
import { type RoundInput, type SbTablesInput, statusOnly } from './inputs.js';
import type { RuntimeData } from './runtime-data.js';
import { SetIndex } from './set-index.js';

interface Unit {
  readonly sig: string;
  readonly dp: string;
}

export class PhysicalOutput implements NodeData {
  private readonly ports = new Map<Uuid<'Port_Binding'>, Unit>();
  private readonly mcs = new Map<Uuid<'Multicast_Group'>, Unit>();
  /** Port → the local multicast groups that list it (to revisit a group when a member's role changes). */
  private readonly mcsOfPort = new SetIndex<Uuid<'Port_Binding'>, Uuid<'Multicast_Group'>>();
  /**
   * The ports each group is indexed under in mcsOfPort, to take it out again when its member list changes or it
   * goes (else every port and group ever seen stayed: issue 24's soak).
   */
  private readonly portsOfMc = new Map<Uuid<'Multicast_Group'>, readonly Uuid<'Port_Binding'>[]>();
  private readonly patchPorts = new Set<Uuid<'Port_Binding'>>();
  private tunnels = new Set<string>();
  private bridgedText: string | undefined;
  private changed = false;
  /** Units a time-sliced sweep left for the next one (`sliceMs`); the engine runs again while any are left. */
  private readonly backlogPorts = new Set<Uuid<'Port_Binding'>>();
  private readonly backlogMcs = new Set<Uuid<'Multicast_Group'>>();
  /** Visit units for at most about this long per sweep (wall ms), then leave the rest in the backlog. */
  sliceMs: number | undefined;
  /** Units recomputed in the last round (for stats and tests). */
  lastRecomputedUnits = 0;

  constructor(
    private readonly input: () => RoundInput,
    private readonly rt: RuntimeData,
    private readonly sbIn: SbTablesInput,
    private readonly desired: DesiredFlows,
  ) {}

  clearTracked(): void {
    this.changed = false;
  }

  /** A sliced sweep left units: the next round (with no new changes) must settle before installing. */
  get pending(): boolean {
    return this.backlogPorts.size > 0 || this.backlogMcs.size > 0;
  }

  recompute(): void {
    this.backlogPorts.clear();
    this.backlogMcs.clear();
    for (const u of this.ports.keys()) this.desired.delete(portOwner(u));
    for (const u of this.mcs.keys()) this.desired.delete(mcOwner(u));
    for (const t of this.tunnels) this.desired.delete(`phys|tun|${t}`);
    this.tunnels = new Set();
    this.desired.delete('phys|bridged');
    this.ports.clear();
    this.mcs.clear();
    this.mcsOfPort.clear();
    this.portsOfMc.clear();
    this.patchPorts.clear();
    this.desired.set('phys|fixed', fixedPhysicalFlows());
    this.bridgedText = undefined;
    this.sweep(true);
  }

  /** runtime_data or port bindings / multicast groups changed: revisit what they reach. */
  handleChanges(): boolean {
    this.sweep(false);
    return true;
  }

  updated(): boolean {
    return this.changed;
  }

  private sweep(all: boolean): void {
    const view = this.rt.view;
    if (!view) return;
    const { sb } = this.input();
    const ctx: PhysicalContext = { view, sb, zone: (k) => this.rt.zones.get(k) ?? 0 };
    const ports = new Set<Uuid<'Port_Binding'>>();
    const mcs = new Set<Uuid<'Multicast_Group'>>();
    if (all) {
      for (const list of view.portsByDp.values()) for (const pb of list) ports.add(pb._uuid);
      for (const u of this.ports.keys()) ports.add(u);
      for (const mc of sb.Multicast_Group.values()) mcs.add(mc._uuid);
      for (const u of this.mcs.keys()) mcs.add(u);
    } else {
      const names = new Set<string>();
      const externalDps = new Set<string>();
      for (const c of this.sbIn.changes('Port_Binding')) {
        if (statusOnly(c)) continue;
        ports.add(c.uuid);
        if (c.old) names.add(c.old.logical_port);
        if (c.new) names.add(c.new.logical_port);
        if (c.old?.type === 'external') externalDps.add(c.old.datapath);
        if (c.new?.type === 'external') externalDps.add(c.new.datapath);
      }
      // A localnet port's flows read the external ports of its datapath claimed here.
      for (const d of externalDps)
        for (const pb of view.portsByDp.get(d as Uuid<'Datapath_Binding'>) ?? [])
          if (view.localnet.has(pb._uuid)) ports.add(pb._uuid);
      for (const u of this.rt.changedPorts) ports.add(u);
      // A switch's localnet port coming or going decides whether its groups tunnel to multi-chassis ports.
      const lnDps = new Set<string>();
      for (const c of this.sbIn.changes('Port_Binding'))
        for (const p of [c.old, c.new]) if (p?.type === 'localnet') lnDps.add(p.datapath);
      for (const u of this.rt.changedPorts) {
        const p = sb.Port_Binding.get(u);
        if (p?.type === 'localnet') lnDps.add(p.datapath);
      }
      for (const mc of lnDps.size ? sb.Multicast_Group.values() : []) if (lnDps.has(mc.datapath)) mcs.add(mc._uuid);
      for (const k of this.rt.changedZones) {
        const pb = view.pbByName.get(k);
        if (pb) ports.add(pb._uuid);
      }
      const dps = new Set<string>(this.rt.changedDps);
      for (const k of this.rt.changedZones) {
        const m = /^(.*)_(dnat|snat)$/.exec(k);
        if (m) dps.add(m[1]!);
      }
      for (const d of dps) {
        for (const pb of view.portsByDp.get(d as Uuid<'Datapath_Binding'>) ?? []) ports.add(pb._uuid);
        for (const [u, unit] of this.ports) if (unit.dp === d) ports.add(u);
        for (const [u, unit] of this.mcs) if (unit.dp === d) mcs.add(u);
        for (const mc of sb.Multicast_Group.values()) if (mc.datapath === d) mcs.add(mc._uuid);
      }
      // A patch port's flows read its peer (key, datapath, the datapath's zones).
      for (const u of this.patchPorts) {
        const pb = sb.Port_Binding.get(u);
        const peer = pb ? view.pbByName.get(pb.options['peer'] ?? '') : undefined;
        if (names.has(pb?.options['peer'] ?? '') || (peer && dps.has(peer.datapath))) ports.add(u);
      }
      for (const c of this.sbIn.changes('Multicast_Group')) mcs.add(c.uuid);
      for (const u of ports) for (const mc of this.mcsOfPort.get(u)) mcs.add(mc);
    }
    for (const u of ports) this.backlogPorts.add(u);
    for (const u of mcs) this.backlogMcs.add(u);
    // At least one unit per sweep; past the slice the rest waits (a start visits thousands of ports).
    const deadline = this.sliceMs === undefined ? Infinity : performance.now() + this.sliceMs;
    let n = 0;
    let visited = 0;
    for (const u of this.backlogPorts) {
      this.backlogPorts.delete(u);
      n += this.visitPort(ctx, u) ? 1 : 0;
      visited++;
      if (performance.now() > deadline) break;
    }
    if (!this.backlogPorts.size && (visited === 0 || performance.now() <= deadline))
      for (const u of this.backlogMcs) {
        this.backlogMcs.delete(u);
        n += this.visitMc(ctx, u) ? 1 : 0;
        if (performance.now() > deadline) break;
      }
    // Chassis-MAC and bridged-redirect flows read other chassis, localnet and router ports: few, so rebuilt
    // on every sweep and replaced only when their text changes.
    const bridged = bridgedFlows(ctx);
    const bridgedText = bridged.map(formatFlow).join('\n');
    if (bridgedText !== this.bridgedText) {
      this.bridgedText = bridgedText;
      this.desired.set('phys|bridged', bridged);
      n++;
    }
    // Keyed by ofport and type: a tunnel recreated with another type may keep its ofport.
    const tunnels = new Set([...view.tunnels.values()].map((t) => `${t}|${tunnelType(view, t)}`));
    for (const t of tunnels)
      if (!this.tunnels.has(t)) this.desired.set(`phys|tun|${t}`, tunnelFlows(view, Number(t.split('|')[0])));
    for (const t of this.tunnels) if (!tunnels.has(t)) this.desired.delete(`phys|tun|${t}`);
    if (!sameSet(tunnels, this.tunnels)) n++;
    this.tunnels = tunnels;
    this.lastRecomputedUnits = n;
    if (n) this.changed = true;
  }

  /** Brings one port's flows up to date; true when they were recomputed. */
  private visitPort(ctx: PhysicalContext, u: Uuid<'Port_Binding'>): boolean {
    const { view, sb } = ctx;
    const pb = sb.Port_Binding.get(u);
    const dp = pb ? view.localDps.get(pb.datapath) : undefined;
    const old = this.ports.get(u);
    if (!pb || !dp) {
      if (!old) return false;
      this.ports.delete(u);
      this.patchPorts.delete(u);
      this.desired.delete(portOwner(u));
      return true;
    }
    if (isPatchLike(pb, view.chassisName)) this.patchPorts.add(u);
    else this.patchPorts.delete(u);
    const sig = portSignature(ctx, pb);
    if (old && old.sig === sig) return false;
    this.ports.set(u, { sig, dp: dp._uuid });
    this.desired.set(portOwner(u), withSharedParts(portPhysicalFlows(ctx, dp, pb)));
    return true;
  }

  /** Indexes a multicast group under its member ports (none: unindexed), out of the ones it was under. */
  private indexMc(u: Uuid<'Multicast_Group'>, ports: readonly Uuid<'Port_Binding'>[]): void {
    const was = this.portsOfMc.get(u) ?? [];
    if (was.length === ports.length && was.every((p, i) => p === ports[i])) return;
    // By difference: a member added to a group of hundreds touches one entry, not every member's.
    const now = new Set(ports);
    const before = new Set(was);
    for (const p of was) if (!now.has(p)) this.mcsOfPort.delete(p, u);
    for (const p of ports) if (!before.has(p)) this.mcsOfPort.add(p, u);
    if (ports.length) this.portsOfMc.set(u, ports);
    else this.portsOfMc.delete(u);
  }

  /**
   * Index entries a full sweep would not make: a port listed under a group that is gone, not local or no
   * longer lists it, or a key left with no groups (the random walk checks there are none).
   */
  staleIndexEntries(): string[] {
    const view = this.rt.view;
    const { sb } = this.input();
    const out: string[] = [];
    for (const [p, set, n] of this.mcsOfPort.entries()) {
      if (n === 0) out.push(`mcsOfPort ${p} (empty)`);
      for (const u of set) {
        const mc = sb.Multicast_Group.get(u);
        if (!mc || !view?.localDps.has(mc.datapath) || !mc.ports.includes(p)) out.push(`mcsOfPort ${p} ${u}`);
      }
    }
    return out;
  }

  private visitMc(ctx: PhysicalContext, u: Uuid<'Multicast_Group'>): boolean {
    const { view, sb } = ctx;
    const mc = sb.Multicast_Group.get(u);
    const old = this.mcs.get(u);
    if (!mc || !view.localDps.has(mc.datapath)) {
      this.indexMc(u, []);
      if (!old) return false;
      this.mcs.delete(u);
      this.desired.delete(mcOwner(u));
      return true;
    }
    this.indexMc(u, mc.ports);
    const sig = multicastKey(ctx, mc);
    if (old && old.sig === sig) return false;
    this.mcs.set(u, { sig, dp: mc.datapath });
    this.desired.set(mcOwner(u), withSharedParts(multicastFlows(ctx, mc)));
    return true;
  }
}

const portOwner = (u: string) => `phys|pb|${u}`;
const mcOwner = (u: string) => `phys|mc|${u}`;

/** Everything portPhysicalFlows reads for this port. */
function portSignature(ctx: PhysicalContext, pb: PortBinding): string {
  const { view } = ctx;
  const dp = view.localDps.get(pb.datapath)!;
  const peer = isPatchLike(pb, view.chassisName) ? view.pbByName.get(pb.options['peer'] ?? '') : undefined;
  const peerDp = peer ? view.localDps.get(peer.datapath) : undefined;
  const zones = (d: string) => `${ctx.zone(dnatKey(d))}/${ctx.zone(snatKey(d))}`;
  return [
    pb._version,
    pb.tunnel_key,
    dp.tunnel_key,
    zones(dp._uuid),
    ctx.zone(pb.logical_port),
    view.localVifs.get(pb._uuid) ?? '-',
    view.localnet.get(pb._uuid) ?? '-',
    tunnelSig(view, view.remotePorts.get(pb._uuid)),
    view.haRemotes
      .get(pb._uuid)
      ?.map((t) => tunnelSig(view, t))
      .join(',') ?? '-',
    view.viaLocalnet.get(pb._uuid)?._version ?? '-',
    view.localRedirects.get(pb._uuid)?._version ?? '-',
    peer ? `${peer._version}:${peer.tunnel_key}:${peer.datapath}` : '-',
    peerDp ? `${peerDp.tunnel_key}:${zones(peerDp._uuid)}` : '-',
    view.localnet.has(pb._uuid) ? claimedExternalMacs(view, pb.datapath).join(',') : '-',
    view.multiTunnels
      .get(pb._uuid)
      ?.map((t) => tunnelSig(view, t))
      .join(',') ?? '-',
    view.viaLocalnet.has(pb._uuid) ? multichassisSignature(ctx, pb) : '-',
  ].join('|');
}

/** What a localnet-reached port's tunnelling for the multi-chassis ports of its switch reads. */
function multichassisSignature(ctx: PhysicalContext, pb: PortBinding): string {
  const { view, sb } = ctx;
  const from = view.multichassisByDp.get(pb.datapath);
  if (!from) return '';
  const keys = [...from].map((u) => sb.Port_Binding.get(u)?.tunnel_key ?? '-');
  const main = pb.chassis ? sb.Chassis.get(pb.chassis)?.name : undefined;
  return `${keys.join(',')}>${tunnelSig(view, main ? view.tunnels.get(main) : undefined)}`;
}

/** A tunnel as the flows through it depend on it: ofport and type. */
function tunnelSig(view: LocalView, ofport: number | undefined): string {
  return ofport === undefined ? '-' : `${ofport}/${tunnelType(view, ofport)}`;
}

function sameSet<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}
