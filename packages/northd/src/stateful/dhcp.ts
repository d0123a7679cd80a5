// Native DHCPv4 on a switch: a VIF whose NB row points at a DHCP_Options row covering its address
// gets its DISCOVER/REQUEST answered by ovn-controller (put_dhcp_opts) and the reply sent back out of
// the same port; the egress ACL stage lets the server's replies through.
import type { DHCPOptions } from '@ovnts/schema/nb';
import { formatIpv4, parseCidr, parseIpv4 } from '../addresses.js';
import type { NbInput } from '../input.js';
import type { StageName } from '../stages.js';
import type { SwitchDatapath } from '../topology.js';
import type { AddFlow } from '../lflow-table.js';

/** `ioPort`: the port the flow is about (SB tags:in_out_port). */
type Add = AddFlow;

const DHCP_RESULT = 'reg0[3]';

/** The three options without which no DHCPv4 answer is generated. */
function serverOf(d: DHCPOptions): { id: string; mac: string; lease: string } | null {
  const { server_id: id, server_mac: mac, lease_time: lease } = d.options;
  return id && mac && lease ? { id, mac, lease } : null;
}

export function buildDhcpFlows(sw: SwitchDatapath, nb: NbInput, hasStateful: boolean, add: Add): void {
  for (const p of sw.ports) {
    if (p.type === 'external' || p.type === 'router') continue;
    const d = p.nb.dhcpv4_options ? nb.DHCP_Options.get(p.nb.dhcpv4_options) : undefined;
    if (!d) continue;
    const server = serverOf(d);
    if (!server) continue;
    const port = JSON.stringify(p.name);
    // Let the server's replies through egress ACLs (committed when conntrack is in use).
    add(
      'ls_out_acl',
      34000,
      `outport == ${port} && eth.src == ${server.mac} && ip4.src == ${server.id} && udp && udp.src == 67 && udp.dst == 68`,
      hasStateful ? 'ct_commit; next;' : 'next;',
      p.name,
    );
    if (!p.enabled) continue;
    const cidr = parseCidr(d.cidr);
    if (!cidr || cidr.addr.family !== 4) continue;
    const mask = cidr.plen === 0 ? 0 : (0xffffffff << (32 - cidr.plen)) >>> 0;
    const net = Number(cidr.addr.value) & mask;

    const opts: Record<string, string> = { ...d.options, netmask: formatIpv4(mask) };
    delete opts['server_mac'];
    const hostname = p.nb.options['hostname'];
    if (hostname !== undefined) opts['hostname'] = hostname;
    const sorted = Object.keys(opts).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

    for (const a of p.addresses) {
      for (const ip of a.ipv4) {
        const v = parseIpv4(ip);
        if (v === null || (v & mask) >>> 0 !== net >>> 0) continue;
        const put = `${DHCP_RESULT} = put_dhcp_opts(offerip = ${ip}, ${sorted.map((k) => `${k} = ${opts[k]}`).join(', ')}); next;`;
        const who = `inport == ${port} && eth.src == ${a.macS}`;
        add(
          'ls_in_dhcp_options',
          100,
          `${who} && ip4.src == 0.0.0.0 && ip4.dst == 255.255.255.255 && udp.src == 68 && udp.dst == 67`,
          put,
          p.name,
          'dhcpv4-opts',
        );
        add(
          'ls_in_dhcp_options',
          100,
          `${who} && ip4.src == ${ip} && ip4.dst == {${server.id}, 255.255.255.255} && udp.src == 68 && udp.dst == 67`,
          put,
          p.name,
          'dhcpv4-opts',
        );
        add(
          'ls_in_dhcp_response',
          100,
          `${who} && ip4 && udp.src == 68 && udp.dst == 67 && ${DHCP_RESULT}`,
          `eth.dst = eth.src; eth.src = ${server.mac}; ip4.src = ${server.id}; udp.src = 67; udp.dst = 68; outport = inport; flags.loopback = 1; output;`,
          p.name,
        );
      }
    }
  }
}
