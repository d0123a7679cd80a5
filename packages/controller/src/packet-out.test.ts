import { describe, expect, it } from 'vitest';
import { OFPP, Writer, encodeActions, type MatchEntry } from '@ovnts/openflow';
import { MLF, OFTABLE, REG } from '@ovnts/expr';
import { ingressInput, localOutput, nestedActionsOut, outputFrom, portInput } from './packet-out.js';

const pkt = Buffer.from('aabbcc', 'hex');
const md = (dp: number, ...regs: MatchEntry[]): MatchEntry[] => [{ field: 'metadata', value: BigInt(dp) }, ...regs];
const inport = (value: bigint): MatchEntry => ({ field: `reg${REG.inport}`, value });
const outport = (value: bigint): MatchEntry => ({ field: `reg${REG.outport}`, value });
const localOnly: MatchEntry = { field: `reg${REG.flags}`, value: 1n << BigInt(MLF.localOnly) };

describe('packet-out builders', () => {
  it('enter the pipeline at the table each service needs, with the datapath, ports and flags set', () => {
    const resubmit = (table: number) => [{ type: 'resubmit', table }];
    expect(localOutput(pkt, 3, 7)).toEqual({
      type: 'packet_out',
      inPort: OFPP.CONTROLLER,
      actions: resubmit(OFTABLE.localOutput),
      packet: pkt,
      metadata: md(3, outport(7n), localOnly),
    });
    expect(ingressInput(pkt, 3, 2)).toMatchObject({
      actions: resubmit(OFTABLE.ingress),
      metadata: md(3, inport(2n)),
    });
    expect(ingressInput(pkt, 3, 2, true)).toMatchObject({
      metadata: md(3, inport(2n), localOnly),
    });
    expect(outputFrom(pkt, 3, 2, 0x8000)).toMatchObject({
      actions: resubmit(OFTABLE.outputInit),
      metadata: md(3, inport(2n), outport(0x8000n)),
    });
    expect(portInput(pkt, 5)).toEqual({ type: 'packet_out', inPort: 5, actions: resubmit(0), packet: pkt });
  });

  it('runs nested actions in the packet-in’s pipeline state, without its other fields', () => {
    const w = new Writer(64);
    encodeActions(w, [{ type: 'resubmit', table: 37 }]);
    const pin: MatchEntry[] = [
      ...md(4, inport(1n)),
      { field: 'xxreg0', value: 9n },
      { field: 'tun_id', value: 12n },
      { field: 'eth_type', value: 0x800n },
    ];
    expect(nestedActionsOut(pkt, w.finish(), pin)).toEqual({
      type: 'packet_out',
      inPort: OFPP.CONTROLLER,
      actions: [{ type: 'resubmit', table: 37 }],
      packet: pkt,
      metadata: pin.slice(0, 4),
    });
  });
});
