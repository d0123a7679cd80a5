// Packet-outs that pinctrl's services (DHCP/ND replies, IGMP queries, RAs, GARPs…) send into the OpenFlow
// pipeline: each enters one table of the logical pipeline with the datapath, logical ports and flags set as
// the flows there expect, or runs a controller action's nested actions with the packet-in's pipeline state.
import { OFPP, Reader, decodeActionList, type MatchEntry, type OfMessage } from '@ovnts/openflow';
import { MLF, OFTABLE, REG } from '@ovnts/expr';

/** The logical pipeline state a packet-out starts with. */
interface PipelineState {
  readonly dpKey: number;
  readonly inport?: number;
  /** A port or multicast group key. */
  readonly outport?: number;
  /** MLF_LOCAL_ONLY: output on this chassis only. */
  readonly localOnly?: boolean;
}

/** `packet` into OpenFlow table `table` of the pipeline with state `s`. */
function pipelineOut(packet: Buffer, table: number, s: PipelineState): OfMessage {
  const metadata: MatchEntry[] = [{ field: 'metadata', value: BigInt(s.dpKey) }];
  if (s.inport !== undefined) metadata.push({ field: `reg${REG.inport}`, value: BigInt(s.inport) });
  if (s.outport !== undefined) metadata.push({ field: `reg${REG.outport}`, value: BigInt(s.outport) });
  if (s.localOnly) metadata.push({ field: `reg${REG.flags}`, value: 1n << BigInt(MLF.localOnly) });
  return { type: 'packet_out', inPort: OFPP.CONTROLLER, actions: [{ type: 'resubmit', table }], packet, metadata };
}

/**
 * `packet` straight to `outport` (a port or multicast group key) of datapath `dpKey`, through the egress
 * pipeline, on this chassis only.
 */
export function localOutput(packet: Buffer, dpKey: number, outport: number): OfMessage {
  return pipelineOut(packet, OFTABLE.localOutput, { dpKey, outport, localOnly: true });
}

/**
 * `packet` through datapath `dpKey`'s ingress pipeline as if logical port `inport` had sent it (GARPs; RAs
 * with `localOnly`, as ovn-controller keeps them on this chassis).
 */
export function ingressInput(packet: Buffer, dpKey: number, inport: number, localOnly = false): OfMessage {
  return pipelineOut(packet, OFTABLE.ingress, { dpKey, inport, localOnly });
}

/** `packet` from logical port `inport` to `outport` (a multicast group: every chassis), from output on. */
export function outputFrom(packet: Buffer, dpKey: number, inport: number, outport: number): OfMessage {
  return pipelineOut(packet, OFTABLE.outputInit, { dpKey, inport, outport });
}

/** `packet` into the bridge as if it arrived on OpenFlow port `ofport` (inject-pkt), at table 0. */
export function portInput(packet: Buffer, ofport: number): OfMessage {
  return { type: 'packet_out', inPort: ofport, actions: [{ type: 'resubmit', table: 0 }], packet };
}

/** The pipeline state to restore on a packet sent back for a packet-in (datapath, registers, tunnel id). */
export function pipelineMetadata(md: readonly MatchEntry[]): MatchEntry[] {
  return md.filter((e) => e.field === 'metadata' || /^(x{0,2})reg\d+$/.test(e.field) || e.field === 'tun_id');
}

/**
 * `packet` (built by a controller action such as `arp {…}` or `icmp4 {…}`) through the action's nested
 * actions (`nested`, as the packet-in's userdata encodes them), in the pipeline state of packet-in `md`.
 */
export function nestedActionsOut(packet: Buffer, nested: Buffer, md: readonly MatchEntry[]): OfMessage {
  return {
    type: 'packet_out',
    inPort: OFPP.CONTROLLER,
    actions: decodeActionList(new Reader(nested)),
    packet,
    metadata: pipelineMetadata(md),
  };
}
