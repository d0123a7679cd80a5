// OVS checks OXM prerequisites while parsing a match, in order: eth_type must come before arp_op, nw_proto
// before tp_dst, icmpv6_type before nd_target. The codec writes entries in the order given, so flows are put
// into prerequisite order before they go to the switch (pure).
import type { FieldName, Flow, MatchEntry } from '@ovnts/openflow';

const RANK: Partial<Record<FieldName, number>> = {
  in_port: 0,
  eth_type: 1,
  vlan_tci: 2,
  nw_proto: 3,
  icmp_type: 4,
  icmpv6_type: 4,
  icmp_code: 5,
  icmpv6_code: 5,
};
const rank = (e: MatchEntry) => RANK[e.field] ?? 10;

export function prereqOrder(f: Flow): Flow {
  const ms = f.match;
  for (let i = 1; i < ms.length; i++)
    if (rank(ms[i - 1]!) > rank(ms[i]!)) return { ...f, match: [...ms].sort((a, b) => rank(a) - rank(b)) };
  return f;
}
