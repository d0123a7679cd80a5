// MAC bindings (learned MAC_Binding rows and Static_MAC_Binding) → the two helper tables the logical
// actions consult: get_arp/get_nd (table 66: IP + outport → eth.dst) and lookup_arp/lookup_nd (table 67:
// IP + inport + source MAC known?). Pure.
import {
  type Action,
  type Flow,
  type MatchEntry,
  ETH_TYPE,
  IP_PROTO,
  ipv4,
  ipv6,
  load,
  m,
  mac,
  sub,
} from '@ovnts/openflow';
import { MLF, OFTABLE, REG } from '@ovnts/expr';
import { type LocalView, type SbSnapshot, uuidCookie } from './view.js';

interface Neighbor {
  readonly uuid: string;
  readonly port: string;
  readonly ip: string;
  readonly mac: string;
  readonly priority: number;
}

export function neighborFlows(view: LocalView, sb: SbSnapshot): Flow[] {
  const all: Neighbor[] = [];
  for (const b of sb.MAC_Binding.values())
    all.push({ uuid: b._uuid, port: b.logical_port, ip: b.ip, mac: b.mac, priority: 100 });
  for (const s of sb.Static_MAC_Binding.values())
    all.push({
      uuid: s._uuid,
      port: s.logical_port,
      ip: s.ip,
      mac: s.mac,
      priority: s.override_dynamic_mac ? 150 : 50,
    });
  const out: Flow[] = [];
  for (const n of all) {
    const pb = view.pbByName.get(n.port);
    const dp = pb ? view.localDps.get(pb.datapath) : undefined;
    if (!pb || !dp) continue;
    let macValue: bigint;
    let ipMatch: MatchEntry[];
    let lookupExtra: MatchEntry[];
    try {
      macValue = mac(n.mac);
      if (n.ip.includes('.')) {
        ipMatch = [m('reg0', ipv4(n.ip))];
        lookupExtra = [m('eth_type', ETH_TYPE.ARP)];
      } else {
        ipMatch = [m('xxreg0', ipv6(n.ip))];
        lookupExtra = [m('eth_type', ETH_TYPE.IPV6), m('nw_proto', IP_PROTO.ICMPV6), m('icmpv6_code', 0)];
      }
    } catch {
      continue; // a malformed row written by someone else; ovn-controller skips it too
    }
    const found: Action = load(sub(`reg${REG.flags}`, MLF.lookupMac, 1), 1);
    const md = m('metadata', dp.tunnel_key);
    const cookie = uuidCookie(n.uuid);
    out.push({
      table: OFTABLE.macBinding,
      priority: n.priority,
      cookie,
      match: [...ipMatch, md, m(`reg${REG.outport}`, pb.tunnel_key)],
      actions: [{ type: 'set_field', field: 'eth_dst', value: macValue }, found],
    });
    out.push({
      table: OFTABLE.macLookup,
      priority: n.priority,
      cookie,
      match: [...ipMatch, ...lookupExtra, md, m(`reg${REG.inport}`, pb.tunnel_key), m('eth_src', macValue)],
      actions: [found],
    });
  }
  return out;
}
