// What a tunnel header carries between chassis, per tunnel type, as ovn-controller 23.03 encodes it (pure).
//
// Geneve: VNI = logical datapath key (24 bits); option tun_metadata0 = logical inport (15 bits at bit 16) |
// logical outport (16 bits).
// VXLAN has only the 24-bit VNI: datapath key in the low 12 bits, outport in the high 12. The inport is lost
// (the receiver runs the egress pipeline with inport 0), which is why northd keeps datapath keys below 4096 and
// port keys below 2048 once any chassis uses VXLAN: a multicast group key (>= 32768) travels as bit 11 set
// over its low 11 bits and is widened back to bit 15 on receipt.
import { type Action, type Flow, load, m, sub, type FieldName } from '@ovnts/openflow';
import { OFTABLE, REG } from '@ovnts/expr';

export type TunnelType = 'geneve' | 'vxlan';

/** Tun_metadata0 layout: 0 (1 bit) | logical inport (15) | logical outport (16). */
export const GENEVE_TLV = { optClass: 0x0102, optType: 0x80, optLen: 4, index: 0 } as const;

/** First multicast group key (SB Multicast_Group.tunnel_key) and its VXLAN 12-bit counterpart. */
const MIN_MULTICAST = 0x8000;
const VXLAN_MIN_MULTICAST = 0x800;

const reg = (n: number) => `reg${n}` as FieldName;
const resubmit = (table: number): Action => ({ type: 'resubmit', table });

/** An SB port or group key as VXLAN's 12-bit outport field holds it. */
export function vxlanPortKey(key: number): number {
  return key >= MIN_MULTICAST ? VXLAN_MIN_MULTICAST | (key & (VXLAN_MIN_MULTICAST - 1)) : key;
}

/**
 * The header fields for output to logical port (or group) `outKey` of datapath `dpKey` through a tunnel of
 * `type`. `ramp`: towards a VTEP gateway (a `vtep` port), which knows only the datapath from the VNI.
 */
export function encapActions(type: TunnelType, dpKey: number, outKey: number, ramp = false): Action[] {
  if (type === 'vxlan') return [load(sub('tun_id', 0, 24), ramp ? dpKey : dpKey | (vxlanPortKey(outKey) << 12))];
  return [
    load(sub('tun_id', 0, 24), dpKey),
    { type: 'set_field', field: 'tun_metadata0', value: BigInt(outKey) },
    { type: 'move', src: sub(reg(REG.inport), 0, 15), dst: sub('tun_metadata0', 16, 15) },
  ];
}

/**
 * Output through each tunnel of `tunnels` (ofport, type), the header written again only where the type
 * differs from the previous tunnel's (a group's fan-out over mixed tunnel types).
 */
export function fanOut(
  tunnels: readonly { ofport: number; type: TunnelType }[],
  dpKey: number,
  outKey: number,
  ramp = false,
): Action[] {
  const out: Action[] = [];
  let prev: TunnelType | undefined;
  for (const t of tunnels) {
    if (t.type !== prev) out.push(...encapActions(t.type, dpKey, outKey, ramp));
    prev = t.type;
    out.push({ type: 'output', port: t.ofport });
  }
  return out;
}

/**
 * Table 0 for packets from a tunnel: the logical datapath, inport (Geneve only) and outport from the header,
 * then local output only (a packet is never tunneled twice).
 */
export function tunnelDecapFlows(ofport: number, type: TunnelType): Flow[] {
  const inPort = m('in_port', ofport);
  if (type === 'geneve')
    return [
      {
        table: OFTABLE.phyToLog,
        priority: 100,
        match: [inPort],
        actions: [
          { type: 'move', src: sub('tun_id', 0, 24), dst: sub('metadata', 0, 24) },
          { type: 'move', src: sub('tun_metadata0', 16, 15), dst: sub(reg(REG.inport), 0, 15) },
          { type: 'move', src: sub('tun_metadata0', 0, 16), dst: sub(reg(REG.outport), 0, 16) },
          resubmit(OFTABLE.localOutput),
        ],
      },
    ];
  const mcBit = BigInt(VXLAN_MIN_MULTICAST << 12);
  return [
    {
      table: OFTABLE.phyToLog,
      priority: 100,
      match: [inPort],
      actions: [
        { type: 'move', src: sub('tun_id', 12, 12), dst: sub(reg(REG.outport), 0, 12) },
        { type: 'move', src: sub('tun_id', 0, 12), dst: sub('metadata', 0, 12) },
        resubmit(OFTABLE.localOutput),
      ],
    },
    {
      // A multicast group: bit 11 of the port field becomes bit 15 of the group key.
      table: OFTABLE.phyToLog,
      priority: 105,
      match: [inPort, m('tun_id', mcBit, mcBit)],
      actions: [
        load(sub(reg(REG.outport), 15, 1), 1),
        { type: 'move', src: sub('tun_id', 12, 11), dst: sub(reg(REG.outport), 0, 11) },
        { type: 'move', src: sub('tun_id', 0, 12), dst: sub('metadata', 0, 12) },
        resubmit(OFTABLE.localOutput),
      ],
    },
  ];
}
