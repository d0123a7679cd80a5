// ARP requests / neighbour solicitations for a peer router's DNAT addresses are sent straight to
// that router's port on the switch (and still flooded to the other non-router ports), like the
// router's own addresses; SNAT-only addresses are not answered this way.
import type { StageName } from '../stages.js';
import type { SwitchDatapath } from '../topology.js';
import type { RouterNat } from './nat-types.js';
import { vipsReaching, type RouterLbs } from './router-lb.js';

type Add = (st: StageName, prio: number, match: string, actions: string) => void;

export function buildRouterNatArpFlows(
  sw: SwitchDatapath,
  natOf: (routerUuid: string) => RouterNat,
  lbsOf: (routerUuid: string) => RouterLbs,
  add: Add,
): void {
  const onlyRouterPorts = sw.routerPorts.length === sw.nb.ports.length;
  for (const p of sw.routerPorts) {
    const rp = p.peer;
    if (!rp || !rp.enabled) continue;
    const port = JSON.stringify(p.name);
    const action = onlyRouterPorts
      ? `outport = ${port}; output;`
      : `clone {outport = ${port}; output; }; outport = "_MC_flood_l2"; output;`;
    const toRouter = (ip: string) =>
      add(
        'ls_in_l2_lkup',
        80,
        `flags[1] == 0 && ${ip.includes(':') ? `nd_ns && nd.target == ${ip}` : `arp.op == 1 && arp.tpa == ${ip}`}`,
        action,
      );
    const lbIps = lbsOf(rp.dp.uuid).ips;
    // VIPs only where the router port's networks reach them.
    for (const ip of vipsReaching(rp, lbIps)) toRouter(ip);
    const nat = natOf(rp.dp.uuid);
    for (const e of nat.entries) if (e.nb.type !== 'snat' && !lbIps.has(e.externalIp)) toRouter(e.externalIp);
    // A distributed floating IP's MAC leads to the router on the chassis of its logical port.
    if (nat.redirect.has(rp.name)) {
      for (const e of nat.entries) {
        const n = e.nb;
        if (n.type !== 'dnat_and_snat' || n.logical_port === null || n.external_mac === null) continue;
        add(
          'ls_in_l2_lkup',
          50,
          `eth.dst == ${n.external_mac} && is_chassis_resident(${JSON.stringify(n.logical_port)})`,
          `outport = ${port}; output;`,
        );
      }
    }
  }
}
