// IP multicast snooping on a switch (other_config:mcast_snoop=true), the flows of its L2 lookup as
// ovn-northd 23.03 builds them: IGMP and MLD go to ovn-controller (metered by the switch's Copp
// `igmp` meter), link-local groups flood, and unregistered multicast goes to the routers relaying it
// and the ports flooding statically, or is dropped. Switches interconnecting availability zones
// (other_config:interconn-ts) also punt IGMP/MLD arriving from remote ports.
// The groups those actions name, snooping or not: `_MC_mrouter_flood` (router ports towards relaying
// routers, ports with options:mcast_flood_reports) and `_MC_static` (ports with options:mcast_flood).
// The groups ovn-controller learns (SB IGMP_Group) get their flows in igmp-flows.ts.
import type { AddFlow } from './lflow-table.js';
import { mcastRelay } from './router-mcast.js';
import { smapBool } from './router-options.js';
import type { SwitchDatapath, SwitchPort } from './topology.js';

/** Whether the switch attaches to a router relaying multicast. */
export const switchFloodRelay = (sw: SwitchDatapath): boolean =>
  sw.routerPorts.some((p) => p.peer !== null && mcastRelay(p.peer.dp));

/** An enabled switch port's membership of the switch's `_MC_mrouter_flood` and `_MC_static` groups. */
export function switchPortMcast(p: SwitchPort, relay: boolean): { mrouter: boolean; static: boolean } {
  const towardsRelay = relay && p.peer !== null && mcastRelay(p.peer.dp);
  return {
    mrouter: towardsRelay || smapBool(p.nb.options, 'mcast_flood_reports', false),
    static: smapBool(p.nb.options, 'mcast_flood', false),
  };
}

export const mcastSnoop = (sw: SwitchDatapath): boolean => smapBool(sw.nb.other_config, 'mcast_snoop', false);

export function buildSwitchMcastFlows(sw: SwitchDatapath, add: AddFlow): void {
  if (!mcastSnoop(sw)) return;
  add('ls_in_l2_lkup', 100, 'igmp', 'igmp;', undefined, 'igmp');
  add('ls_in_l2_lkup', 100, 'mldv1 || mldv2', 'igmp;', undefined, 'igmp');
  add('ls_in_l2_lkup', 85, 'ip4.mcast && ip4.dst == 224.0.0.0/24', 'outport = "_MC_flood_l2"; output;');
  add('ls_in_l2_lkup', 85, 'ip6.mcast_flood', 'outport = "_MC_flood"; output;');
  if (!smapBool(sw.nb.other_config, 'mcast_flood_unregistered', false)) {
    const relay = switchFloodRelay(sw);
    const flood = sw.ports.some((p) => p.enabled && smapBool(p.nb.options, 'mcast_flood', false));
    let actions = '';
    if (relay) actions += 'clone { outport = "_MC_mrouter_flood"; output; }; ';
    if (flood) actions += 'outport ="_MC_static"; output;';
    if (!relay && !flood) actions += 'drop;';
    add('ls_in_l2_lkup', 80, 'ip4.mcast || ip6.mcast', actions);
  }
  if (sw.nb.other_config['interconn-ts'] === undefined) return;
  for (const p of sw.ports) {
    if (p.type !== 'remote') continue;
    const inp = `inport == ${JSON.stringify(p.name)}`;
    add('ls_out_pre_lb', 120, `${inp} && igmp`, 'clone { igmp; }; next;', undefined, 'igmp');
    add('ls_out_pre_lb', 120, `${inp} && (mldv1 || mldv2)`, 'clone { igmp; }; next;', undefined, 'igmp');
  }
}
