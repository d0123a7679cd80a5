// Packet-outs that pinctrl's services (DHCP/ND replies, IGMP queries…) send into the OpenFlow pipeline.
import { OFPP, type OfMessage } from '@ovnts/openflow';
import { MLF, OFTABLE, REG } from '@ovnts/expr';

/**
 * `packet` straight to `outport` (a port or multicast group key) of datapath `dpKey`, through the egress
 * pipeline, on this chassis only.
 */
export function localOutput(packet: Buffer, dpKey: number, outport: number): OfMessage {
  return {
    type: 'packet_out',
    inPort: OFPP.CONTROLLER,
    actions: [{ type: 'resubmit', table: OFTABLE.localOutput }],
    packet,
    metadata: [
      { field: 'metadata', value: BigInt(dpKey) },
      { field: `reg${REG.outport}`, value: BigInt(outport) },
      { field: `reg${REG.flags}`, value: 1n << BigInt(MLF.localOnly) },
    ],
  };
}
