// The physical flows ovn-controller installs around the logical pipeline (pure): table 0 (physical → logical),
// 37–41 (output: large packets, remote via tunnels, local, loopback check), 64–65 (logical → physical, patch
// ports re-entering the pipeline of the peer datapath) and multicast-group fan-out.
import { type Action, type FieldName, type Flow, type MatchEntry, OFPP, load, m, sub } from '@ovnts/openflow';
import { MLF, OFTABLE, REG } from '@ovnts/expr';
import type { DatapathBinding, MulticastGroup, PortBinding } from '@ovnts/schema/sb';
import type { Uuid } from 'ovsdb-client-ts';
import { type LocalView, type SbSnapshot, isPatchLike, isVtepChassis, tunnelType, uuidCookie } from './view.js';
import { encapActions, fanOut, tunnelDecapFlows } from './tunnel-encap.js';
import { dnatKey, snatKey } from './zones.js';
import { bridgedFlows, isBridgedRemoteRedirect } from './chassis-mac.js';
import { awaitsRarp, rarpActivationFlows } from './activation.js';
import { parseMac } from '@ovnts/net';

const reg = (n: number) => `reg${n}` as FieldName;
const setReg = (n: number, v: number | bigint, start = 0, bits = 32): Action => load(sub(reg(n), start, bits), v);
const resubmit = (table: number): Action => ({ type: 'resubmit', table });
const flag = (bit: number): MatchEntry => m(reg(REG.flags), 1n << BigInt(bit), 1n << BigInt(bit));
const clearScratchRegs = (): Action[] => Array.from({ length: 10 }, (_, i) => setReg(i, 0));

/**
 * Runs `then` with in_port = OFPP_NONE (OFPP_ANY in 32-bit numbering), so output to the packet's own ingress
 * port is allowed, and restores in_port afterwards (the encoder writes it as the 16-bit NXM field OVS accepts).
 */
function clearInPortThen(then: Action): Action[] {
  return [
    { type: 'push', field: sub('in_port', 0, 16) },
    { type: 'set_field', field: 'in_port', value: BigInt(OFPP.ANY) },
    then,
    { type: 'pop', field: sub('in_port', 0, 16) },
  ];
}

export { GENEVE_TLV } from './tunnel-encap.js';

export interface PhysicalContext {
  readonly view: LocalView;
  readonly sb: SbSnapshot;
  /** Conntrack zone for a key (see zones.ts); 0 when none was allocated. */
  zone(key: string): number;
}

function dpZones(ctx: PhysicalContext, dp: string): Action[] {
  return [setReg(REG.dnatZone, ctx.zone(dnatKey(dp))), setReg(REG.snatZone, ctx.zone(snatKey(dp)))];
}

/** Encapsulation towards a remote chassis through the tunnel at `ofport`. */
function encapsulate(view: LocalView, dpKey: number, outKey: number, ofport: number): Action[] {
  return fanOut([{ ofport, type: tunnelType(view, ofport) }], dpKey, outKey);
}

export function physicalFlows(ctx: PhysicalContext): Flow[] {
  const { view, sb } = ctx;
  const out: Flow[] = [];
  for (const [dpUuid, dp] of view.localDps)
    for (const pb of view.portsByDp.get(dpUuid) ?? []) out.push(...portPhysicalFlows(ctx, dp, pb));
  for (const mc of sb.Multicast_Group.values())
    if (view.localDps.has(mc.datapath)) out.push(...multicastFlows(ctx, mc));
  for (const ofport of new Set(view.tunnels.values())) out.push(...tunnelFlows(view, ofport));
  out.push(...bridgedFlows(ctx));
  out.push(...fixedPhysicalFlows());
  return out;
}

/**
 * The MACs of the external ports of a datapath that this chassis has claimed (the first word of each `mac`
 * entry, as ovn-controller parses them; unparsable ones are skipped), in port order.
 */
export function claimedExternalMacs(view: LocalView, dp: Uuid<'Datapath_Binding'>): bigint[] {
  const me = view.chassis?._uuid;
  if (!me) return [];
  return (view.portsByDp.get(dp) ?? [])
    .filter((pb) => pb.type === 'external' && pb.chassis === me)
    .flatMap((pb) => pb.mac.map((entry) => parseMac(entry.trim().split(/\s+/)[0] ?? '')))
    .filter((mac): mac is bigint => mac !== null);
}

function collector(out: Flow[]) {
  return (table: number, priority: number, match: MatchEntry[], actions: Action[], cookie?: bigint) =>
    out.push(cookie ? { table, priority, cookie, match, actions } : { table, priority, match, actions });
}

/** The flows of one port of a local datapath (tables 0, 37–41, 64–65); empty for ports with no role here. */
export function portPhysicalFlows(ctx: PhysicalContext, dp: DatapathBinding, pb: PortBinding): Flow[] {
  const { view } = ctx;
  const out: Flow[] = [];
  const add = collector(out);
  const dpUuid = dp._uuid;
  const md = m('metadata', dp.tunnel_key);
  const cookie = uuidCookie(pb._uuid);
  const key = pb.tunnel_key;
  const portMatch = [m(reg(REG.outport), key), md];
  const vifOfport = view.localVifs.get(pb._uuid) ?? view.localnet.get(pb._uuid);
  const peer = isPatchLike(pb, view.chassisName) ? view.pbByName.get(pb.options['peer'] ?? '') : undefined;
  const peerDp = peer ? view.localDps.get(peer.datapath) : undefined;
  const remote = view.remotePorts.get(pb._uuid);
  const haTunnels = view.haRemotes.get(pb._uuid);
  const multi = view.multiTunnels.get(pb._uuid);
  // Output to a multi-chassis port goes to each of its other chassis, then (bound here) to the local VIF.
  const toAllChassis = (tuns: readonly number[]) =>
    add(
      OFTABLE.remoteOutput,
      100,
      portMatch,
      [...tuns.flatMap((t) => encapsulate(view, dp.tunnel_key, key, t)), resubmit(OFTABLE.localOutput)],
      cookie,
    );

  if (vifOfport !== undefined) {
    const isVif = view.localVifs.has(pb._uuid);
    const zoneLoad = isVif ? [setReg(REG.ctZone, ctx.zone(pb.logical_port))] : [];
    const inMatch: MatchEntry[] = [m('in_port', vifOfport)];
    const inActions: Action[] = [
      ...zoneLoad,
      ...dpZones(ctx, dpUuid),
      load(sub('metadata', 0, 64), dp.tunnel_key),
      setReg(REG.inport, key),
      // A localport's packets are marked so that the localnet port drops them (table 41, priority 160).
      ...(pb.type === 'localport' ? [setReg(REG.flags, 1, MLF.localport, 1)] : []),
      resubmit(OFTABLE.ingress),
    ];
    // Container ports (parent_port) and VLAN-backed localnet ports are tagged; a plain VIF is not.
    const tag = isVif && !pb.parent_port ? 0 : (pb.tag ?? 0);
    if (isVif && !tag) add(OFTABLE.phyToLog, 100, inMatch, inActions, cookie);
    else if (tag) {
      // A tagged port takes only frames of its VLAN, tag stripped.
      add(
        OFTABLE.phyToLog,
        150,
        [...inMatch, m('vlan_tci', 0x1000 | tag, 0x1fff)],
        [{ type: 'pop_vlan' }, ...inActions],
        cookie,
      );
    } else {
      // A localnet port takes untagged frames, and priority-tagged ones with the tag stripped.
      add(
        OFTABLE.phyToLog,
        100,
        [...inMatch, m('vlan_tci', 0x1000, 0x1fff)],
        [{ type: 'pop_vlan' }, ...inActions],
        cookie,
      );
      add(OFTABLE.phyToLog, 100, [...inMatch, m('vlan_tci', 0, 0x1000)], inActions, cookie);
    }
    if (!isVif) {
      // Neither localport traffic nor local-only traffic may leave through the physical network.
      add(OFTABLE.checkLoopback, 160, [flag(MLF.localport), ...portMatch], [], cookie);
      add(OFTABLE.checkLoopback, 160, [flag(MLF.localOnly), ...portMatch], [], cookie);
      // …except a localport's traffic to an external port claimed here: that machine is only reachable there.
      for (const mac of claimedExternalMacs(view, dp._uuid))
        add(
          OFTABLE.checkLoopback,
          170,
          [flag(MLF.localport), ...portMatch, m('eth_dst', mac)],
          [...clearScratchRegs(), resubmit(OFTABLE.egress)],
          cookie,
        );
    }
    add(
      OFTABLE.localOutput,
      100,
      portMatch,
      [...zoneLoad, ...dpZones(ctx, dpUuid), resubmit(OFTABLE.checkLoopback)],
      cookie,
    );
    const out: Action = { type: 'output', port: vifOfport };
    const ethertype = Number(pb.options['ethtype'] === '802.1ad' ? 0x88a8 : 0x8100);
    add(
      OFTABLE.logToPhy,
      100,
      portMatch,
      tag
        ? [
            { type: 'push_vlan', ethertype },
            { type: 'set_field', field: 'vlan_vid', value: BigInt(0x1000 | tag) },
            out,
            { type: 'pop_vlan' },
          ]
        : [out],
      cookie,
    );
    if (isVif && multi) toAllChassis(multi);
    if (isVif && awaitsRarp(view, pb))
      for (const f of rarpActivationFlows(pb, portMatch, vifOfport, inActions.slice(0, -1), resubmit(OFTABLE.ingress)))
        add(f.table, f.priority, [...f.match], [...f.actions], f.cookie);
  } else if (peer && peerDp) {
    add(OFTABLE.localOutput, 100, portMatch, [...dpZones(ctx, dpUuid), resubmit(OFTABLE.checkLoopback)], cookie);
    // Re-enter the peer datapath's ingress pipeline with a clean slate (the clone keeps our state intact).
    add(
      OFTABLE.logToPhy,
      100,
      portMatch,
      [
        {
          type: 'clone',
          actions: [
            { type: 'ct_clear' },
            setReg(REG.dnatZone, 0),
            setReg(REG.snatZone, 0),
            setReg(REG.ctZone, 0),
            ...dpZones(ctx, peer.datapath),
            load(sub('metadata', 0, 64), peerDp.tunnel_key),
            setReg(REG.inport, peer.tunnel_key),
            setReg(REG.flags, 0),
            setReg(REG.outport, 0),
            ...clearScratchRegs(),
            resubmit(OFTABLE.ingress),
          ],
        },
      ],
      cookie,
    );
  } else if (view.localRedirects.has(pb._uuid)) {
    // Output to a gateway port hosted here continues as output to the distributed router port.
    const dist = view.localRedirects.get(pb._uuid)!;
    add(
      OFTABLE.localOutput,
      100,
      portMatch,
      [setReg(REG.outport, dist.tunnel_key), ...dpZones(ctx, dpUuid), resubmit(OFTABLE.checkLoopback)],
      cookie,
    );
    return out;
  } else if (multi) {
    toAllChassis(multi);
    return out;
  } else if (view.viaLocalnet.has(pb._uuid)) {
    // Output to a VIF on another chassis of a localnet-backed switch continues as output to the localnet port.
    add(
      OFTABLE.localOutput,
      100,
      portMatch,
      [setReg(REG.outport, view.viaLocalnet.get(pb._uuid)!.tunnel_key), resubmit(OFTABLE.localOutput)],
      cookie,
    );
    out.push(...multichassisTunnelling(ctx, dp, pb));
    return out;
  } else if (haTunnels && !isBridgedRemoteRedirect(view, pb)) {
    // To the first gateway by priority whose tunnel is live: OVS decides per packet from the tunnels' BFD
    // state, so a dead gateway is skipped before any controller round or SB claim.
    add(
      OFTABLE.remoteOutput,
      100,
      portMatch,
      [
        // One header for all members (ovn-controller takes the first gateway's tunnel type).
        ...encapActions(tunnelType(view, haTunnels[0]!), dp.tunnel_key, key),
        { type: 'bundle', algorithm: 'active_backup', fields: 'eth_src', basis: 0, members: haTunnels },
      ],
      cookie,
    );
    return out;
  } else if (remote !== undefined && pb.type === 'vtep') {
    out.push(...vtepPortFlows(view, dp, pb, remote));
    return out;
  } else if (remote !== undefined && !isBridgedRemoteRedirect(view, pb)) {
    add(
      OFTABLE.remoteOutput,
      100,
      portMatch,
      [...encapsulate(view, dp.tunnel_key, key, remote), resubmit(OFTABLE.localOutput)],
      cookie,
    );
    return out;
  } else return out;

  // Loopback protection and the in_port reset that lets a packet leave where it came in when allowed.
  add(
    OFTABLE.checkLoopback,
    100,
    [m(reg(REG.flags), 0, 1n << BigInt(MLF.allowLoopback)), m(reg(REG.inport), key), m(reg(REG.outport), key), md],
    [],
    cookie,
  );
  add(
    OFTABLE.saveInport,
    100,
    [flag(MLF.allowLoopback), m(reg(REG.outport), key), md],
    [...clearInPortThen(resubmit(OFTABLE.logToPhy))],
    cookie,
  );
  return out;
}

/**
 * A `vtep` port on a VTEP gateway (a ramp switch), which knows logical switches only by VNI = datapath key:
 * output goes through its tunnel with that VNI (in_port cleared, as a reply such as the ARP responder's goes back
 * where it came from), and a packet from its VXLAN tunnel with that VNI enters the ingress pipeline with the port
 * as inport and the from-ramp flag, so that it is delivered locally only.
 */
function vtepPortFlows(view: LocalView, dp: DatapathBinding, pb: PortBinding, ofport: number): Flow[] {
  const cookie = uuidCookie(pb._uuid);
  const type = tunnelType(view, ofport);
  const flows: Flow[] = [
    {
      table: OFTABLE.remoteOutput,
      priority: 100,
      cookie,
      match: [m(reg(REG.outport), pb.tunnel_key), m('metadata', dp.tunnel_key)],
      actions: [
        { type: 'set_field', field: 'in_port', value: BigInt(OFPP.ANY) },
        ...encapActions(type, dp.tunnel_key, pb.tunnel_key, true),
        { type: 'output', port: ofport },
        resubmit(OFTABLE.localOutput),
      ],
    },
  ];
  if (type === 'vxlan')
    flows.push({
      table: OFTABLE.phyToLog,
      priority: 110,
      cookie,
      match: [m('in_port', ofport), m('tun_id', dp.tunnel_key)],
      actions: [
        { type: 'move', src: sub('tun_id', 0, 24), dst: sub('metadata', 0, 24) },
        setReg(REG.inport, pb.tunnel_key, 0, 15),
        setReg(REG.flags, 1, MLF.rcvFromRamp, 1),
        resubmit(OFTABLE.ingress),
      ],
    });
  return flows;
}

/**
 * While a switch has multi-chassis ports, their traffic to a port reached through the localnet port is
 * tunnelled to that port's chassis instead: the physical network must not learn the migrating port's MAC at
 * one of its chassis only.
 */
export function multichassisTunnelling(ctx: PhysicalContext, dp: DatapathBinding, pb: PortBinding): Flow[] {
  const { view, sb } = ctx;
  const from = view.multichassisByDp.get(dp._uuid);
  const main = pb.chassis && pb.chassis !== view.chassis?._uuid ? sb.Chassis.get(pb.chassis) : undefined;
  const tun = main ? view.tunnels.get(main.name) : undefined;
  if (!from || tun === undefined) return [];
  const flows: Flow[] = [];
  for (const u of from) {
    const mp = sb.Port_Binding.get(u);
    if (!mp || mp._uuid === pb._uuid) continue;
    flows.push({
      table: OFTABLE.remoteOutput,
      priority: 110,
      cookie: uuidCookie(pb._uuid),
      match: [m(reg(REG.outport), pb.tunnel_key), m('metadata', dp.tunnel_key), m(reg(REG.inport), mp.tunnel_key)],
      actions: encapsulate(view, dp.tunnel_key, pb.tunnel_key, tun),
    });
  }
  return flows;
}

/** Table 0 for packets from the tunnel at `ofport` (its type decides what the header carries). */
export function tunnelFlows(view: Pick<LocalView, 'vxlanTunnels'>, ofport: number): Flow[] {
  return tunnelDecapFlows(ofport, tunnelType(view, ofport));
}

/** Flows that do not depend on the SB. */
export function fixedPhysicalFlows(): Flow[] {
  const out: Flow[] = [];
  const add = collector(out);
  add(OFTABLE.phyToLog, 0, [], []);
  add(OFTABLE.outputInit, 0, [], [resubmit(OFTABLE.remoteOutput)]);
  add(OFTABLE.outputLargePktProcess, 10, [flag(MLF.allowLoopback)], [resubmit(OFTABLE.localOutput)]);
  add(OFTABLE.outputLargePktProcess, 0, [], [resubmit(OFTABLE.remoteOutput)]);
  const rampMask = (1n << BigInt(MLF.rcvFromRamp)) | (1n << BigInt(MLF.allowLoopback));
  add(
    OFTABLE.remoteOutput,
    150,
    [m(reg(REG.flags), 1n << BigInt(MLF.rcvFromRamp), rampMask)],
    [resubmit(OFTABLE.localOutput)],
  );
  add(OFTABLE.remoteOutput, 150, [flag(MLF.localOnly)], [resubmit(OFTABLE.localOutput)]);
  add(OFTABLE.remoteOutput, 0, [], [resubmit(OFTABLE.localOutput)]);
  add(OFTABLE.localOutput, 0, [], []);
  add(OFTABLE.checkLoopback, 0, [], [...clearScratchRegs(), resubmit(OFTABLE.egress)]);
  add(OFTABLE.saveInport, 0, [], [resubmit(OFTABLE.logToPhy)]);
  add(OFTABLE.logToPhy, 0, [], []);
  return out;
}

/**
 * A multicast group fans out in table 40 to local VIFs (each through the loopback check) and chassisredirect
 * ports bound here (as their distributed port), and in table 39 to patch/localnet ports and to each remote
 * chassis once (the receiving chassis fans out again locally).
 */
export function multicastFlows(ctx: PhysicalContext, mc: MulticastGroup): Flow[] {
  const { view } = ctx;
  const dp = view.localDps.get(mc.datapath)!;
  const cookie = uuidCookie(mc._uuid);
  const match = [m(reg(REG.outport), mc.tunnel_key), m('metadata', dp.tunnel_key)];
  const local: Action[] = [];
  const remote: Action[] = [];
  const tunnels = new Set<number>();
  const vtepTunnels = new Set<number>();
  let localnet: boolean | undefined;
  const hasLocalnet = () =>
    (localnet ??= (view.portsByDp.get(mc.datapath) ?? []).some((p) => view.localnet.has(p._uuid)));
  const ports = mc.ports
    .map((u) => ctx.sb.Port_Binding.get(u as Uuid<'Port_Binding'>))
    .filter((p): p is PortBinding => p !== undefined);
  for (const pb of ports) {
    const toPort = [setReg(REG.outport, pb.tunnel_key), resubmit(OFTABLE.checkLoopback)];
    if (view.localVifs.has(pb._uuid)) local.push(setReg(REG.ctZone, ctx.zone(pb.logical_port)), ...toPort);
    else if (view.localnet.has(pb._uuid)) local.push(...toPort);
    else if (view.localRedirects.has(pb._uuid)) {
      // A chassisredirect port bound here stands for its distributed port (a relaying router's group member).
      const d = view.localRedirects.get(pb._uuid)!;
      if (d.datapath === pb.datapath) local.push(setReg(REG.outport, d.tunnel_key), resubmit(OFTABLE.checkLoopback));
    } else if (
      isPatchLike(pb, view.chassisName) &&
      view.localDps.has(view.pbByName.get(pb.options['peer'] ?? '')?.datapath ?? ('' as Uuid<'Datapath_Binding'>))
    )
      remote.push(...toPort);
    else {
      const tun = view.remotePorts.get(pb._uuid);
      const chassis = pb.chassis ? ctx.sb.Chassis.get(pb.chassis) : undefined;
      if (tun !== undefined) (isVtepChassis(chassis) ? vtepTunnels : tunnels).add(tun);
      // Every chassis of a multi-chassis port, unless the switch's localnet port reaches them all.
      const multi = view.multiTunnels.get(pb._uuid);
      if (multi && !hasLocalnet()) for (const t of multi) tunnels.add(t);
    }
  }
  const flows: Flow[] = [];
  if (local.length)
    flows.push({
      table: OFTABLE.localOutput,
      priority: 100,
      cookie,
      match,
      actions: [...local, setReg(REG.outport, mc.tunnel_key)],
    });
  if (remote.length || tunnels.size || vtepTunnels.size) {
    if (remote.length) remote.push(setReg(REG.outport, mc.tunnel_key));
    const sorted = (s: Set<number>) =>
      [...s].sort((a, b) => a - b).map((ofport) => ({ ofport, type: tunnelType(view, ofport) }));
    remote.push(...fanOut(sorted(tunnels), dp.tunnel_key, mc.tunnel_key));
    // VTEP gateways after the hypervisors, with their VNI (datapath only).
    remote.push(...fanOut(sorted(vtepTunnels), dp.tunnel_key, mc.tunnel_key, true));
    if (local.length) remote.push(resubmit(OFTABLE.localOutput));
    flows.push({ table: OFTABLE.remoteOutput, priority: 100, cookie, match, actions: remote });
  }
  return flows;
}

/**
 * Everything multicastFlows builds a group's flows from, as text: the same text, the same flows. Members
 * reached through a tunnel count once per tunnel (a pod added on another chassis's switch, or claimed there,
 * leaves the group's flows as they were when that chassis's tunnel is in them already), and a member nothing
 * reaches from here adds nothing, so a group's flows are rebuilt only when they change. The cases follow
 * multicastFlows's, in its order; keep the two in step.
 */
export function multicastKey(ctx: PhysicalContext, mc: MulticastGroup): string {
  const { view, sb } = ctx;
  const dp = view.localDps.get(mc.datapath)!;
  let local = '';
  let remote = '';
  let tunnels: Set<number> | undefined;
  let vtepTunnels: Set<number> | undefined;
  let localnet: boolean | undefined;
  const hasLocalnet = () =>
    (localnet ??=
      view.localnet.size > 0 && (view.portsByDp.get(mc.datapath) ?? []).some((p) => view.localnet.has(p._uuid)));
  for (const u of mc.ports) {
    const pb = sb.Port_Binding.get(u as Uuid<'Port_Binding'>);
    if (!pb) continue;
    if (view.localVifs.has(pb._uuid)) local += `v${ctx.zone(pb.logical_port)}:${pb.tunnel_key},`;
    else if (view.localnet.has(pb._uuid)) local += `n${pb.tunnel_key},`;
    else if (view.localRedirects.has(pb._uuid)) {
      const d = view.localRedirects.get(pb._uuid)!;
      if (d.datapath === pb.datapath) local += `r${d.tunnel_key},`;
    } else if (
      isPatchLike(pb, view.chassisName) &&
      view.localDps.has(view.pbByName.get(pb.options['peer'] ?? '')?.datapath ?? ('' as Uuid<'Datapath_Binding'>))
    )
      remote += `${pb.tunnel_key},`;
    else {
      const tun = view.remotePorts.get(pb._uuid);
      if (tun !== undefined) {
        const chassis = pb.chassis ? sb.Chassis.get(pb.chassis) : undefined;
        if (isVtepChassis(chassis)) (vtepTunnels ??= new Set()).add(tun);
        else (tunnels ??= new Set()).add(tun);
      }
      const multi = view.multiTunnels.get(pb._uuid);
      if (multi && !hasLocalnet()) for (const t of multi) (tunnels ??= new Set()).add(t);
    }
  }
  const sorted = (x: Set<number> | undefined) =>
    x
      ? [...x]
          .sort((a, b) => a - b)
          .map((t) => `${t}/${tunnelType(view, t)}`)
          .join(',')
      : '';
  return `${mc._uuid}|${mc.tunnel_key}|${dp.tunnel_key}|${local}|${remote}|${sorted(tunnels)}|${sorted(vtepTunnels)}`;
}
