// The flows of multicast groups learned by IGMP/MLD snooping (igmp-groups.ts), as ovn-northd 23.03 builds
// them: one L2 lookup flow per group on its switch, one routing flow per group on a relaying router.
import type { LearnedGroup } from './igmp-groups.js';
import type { AddFlow } from './lflow-table.js';
import { mcastFloodPorts, mcastRelay } from './router-mcast.js';
import { smapBool } from './router-options.js';
import { switchFloodRelay } from './switch-mcast.js';
import type { RouterDatapath, SwitchDatapath } from './topology.js';

/** IPv6 groups never given a flow of their own (RFC 4291 2.7.1): all hosts, all routers, all site routers. */
const V6_RESERVED = new Set([(0xff02n << 112n) | 1n, (0xff02n << 112n) | 2n, (0xff05n << 112n) | 2n]);
const DEFAULT_TABLE_SIZE = 2048;

/** The number of learned groups per family a switch gets flows for (other_config:mcast_table_size). */
export function mcastTableSize(sw: SwitchDatapath): number {
  const v = sw.nb.other_config['mcast_table_size'];
  const n = v === undefined ? NaN : Number(v);
  return Number.isInteger(n) && n >= 0 ? n : DEFAULT_TABLE_SIZE;
}

/**
 * One L2 lookup flow per learned group: to the group's members, and also to the relaying routers and
 * the statically flooding ports. Link-local IPv4 groups (224.0.0.X) and reserved IPv6 ones keep
 * flooding; past mcast_table_size groups of a family, the rest are left to the unregistered flow.
 */
export function buildLearnedSwitchFlows(sw: SwitchDatapath, groups: readonly LearnedGroup[], add: AddFlow): void {
  const size = mcastTableSize(sw);
  let v4 = 0;
  let v6 = 0;
  let clones = '';
  if (switchFloodRelay(sw)) clones += 'clone { outport = "_MC_mrouter_flood"; output; };';
  if (sw.ports.some((p) => p.enabled && smapBool(p.nb.options, 'mcast_flood', false)))
    clones += 'clone { outport ="_MC_static"; output; };';
  for (const g of groups) {
    let match: string;
    if (g.v4) {
      if ((g.addr as number) >>> 8 === 0xe00000 || v4 >= size) continue;
      v4++;
      match = `eth.mcast && ip4 && ip4.dst == ${g.name} `;
    } else {
      if (V6_RESERVED.has(g.addr as bigint) || v6 >= size) continue;
      v6++;
      match = `eth.mcast && ip6 && ip6.dst == ${g.name} `;
    }
    add('ls_in_l2_lkup', 90, match, `${clones}outport = "${g.name}"; output; `);
  }
}

/** A relaying router's flow per group its switches learned (the group's members are its ports towards them). */
export function buildLearnedRouterFlows(lr: RouterDatapath, groups: readonly LearnedGroup[], add: AddFlow): void {
  if (!mcastRelay(lr)) return;
  const clone = mcastFloodPorts(lr).length ? 'clone { outport = "_MC_static"; ip.ttl--; next; };' : '';
  for (const g of groups)
    add(
      'lr_in_ip_routing',
      10500,
      `${g.v4 ? 'ip4 && ip4.dst' : 'ip6 && ip6.dst'} == ${g.name} `,
      `${clone}outport = "${g.name}"; ip.ttl--; next;`,
    );
}
