// External switch ports (type=external): machines on the physical network behind a switch's localnet
// ports whose ARP/ND, DHCP and DNS are served by OVN on one chassis, the one where the port is resident
// (the active member of its HA_Chassis_Group). Every chassis bridged to that network sees their
// broadcasts, so ovn-northd 23.03 keeps the router pipeline to the resident chassis: elsewhere, what such
// a machine sends through a localnet port to the switch's routers (an ARP or ND solicitation for a router
// address, or a frame to a router MAC) is dropped in ls_in_external_port. The DHCP answers are in
// stateful/dhcp.ts.
import { formatIpv6, parseIpv6, solicitedNode } from './addresses.js';
import type { AddFlow } from './lflow-table.js';
import type { SwitchDatapath } from './topology.js';

const q = (s: string) => JSON.stringify(s);

export function buildExternalPortFlows(sw: SwitchDatapath, add: AddFlow): void {
  const localnets = sw.ports.filter((p) => p.type === 'localnet');
  if (localnets.length === 0) return;
  // Router-type ports attached to a router port: the addresses the router answers for.
  const routers = sw.routerPorts.filter((rp) => rp.peer !== null);
  for (const p of sw.ports) {
    if (p.type !== 'external') continue;
    const notHere = `!is_chassis_resident(${q(p.name)})`;
    for (const a of p.addresses)
      for (const ln of localnets) {
        const from = `inport == ${q(ln.name)} && eth.src == ${a.macS}`;
        for (const rp of routers)
          for (const ra of rp.addresses) {
            for (const ip of ra.ipv4)
              add(
                'ls_in_external_port',
                100,
                `${from} && ${notHere} && arp.tpa == ${ip} && arp.op == 1`,
                'drop;',
                ln.name,
              );
            for (const ip of ra.ipv6) {
              const sn = formatIpv6(solicitedNode(parseIpv6(ip)!));
              add(
                'ls_in_external_port',
                100,
                `${from} && ${notHere} && nd_ns && ip6.dst == {${ip}, ${sn}} && nd.target == ${ip}`,
                'drop;',
                ln.name,
              );
            }
            add('ls_in_external_port', 100, `${from} && eth.dst == ${ra.macS} && ${notHere}`, 'drop;', ln.name);
          }
      }
  }
}
