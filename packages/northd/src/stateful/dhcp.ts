// Native DHCPv4 and DHCPv6 on a switch, as ovn-northd 23.03 builds them: a VIF whose NB row points at a
// DHCP_Options row covering one of its addresses gets its requests answered by ovn-controller
// (put_dhcp_opts / put_dhcpv6_opts, metered by the switch's CoPP) and the reply sent back out of the same
// port; the egress ACL stage lets the server's replies through. An external port (type=external: a
// machine on the physical network behind the switch's localnet ports) is answered as it arrives through
// each localnet port, only on the chassis where the port is resident (its HA_Chassis_Group's active one).
import type { DHCPOptions } from '@ovnts/schema/nb';
import { formatIpv4, formatIpv6, linkLocalOf, parseCidr, parseIpv4, parseIpv6, parseMac } from '../addresses.js';
import type { NbInput } from '../input.js';
import type { SwitchDatapath, SwitchPort } from '../topology.js';
import type { AddFlow } from '../lflow-table.js';

/** `ioPort`: the port the flow is about (SB tags:in_out_port). */
type Add = AddFlow;

const DHCP_RESULT = 'reg0[3]';

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The three options without which no DHCPv4 answer is generated. */
function serverOf(d: DHCPOptions): { id: string; mac: string; lease: string } | null {
  const { server_id: id, server_mac: mac, lease_time: lease } = d.options;
  return id && mac && lease ? { id, mac, lease } : null;
}

/** A DHCPv6 server: its MAC (options:server_id, as written) and the link-local address derived from it. */
function server6Of(d: DHCPOptions): { mac: string; ip: string } | null {
  const mac = d.options['server_id'];
  const parsed = mac === undefined ? null : parseMac(mac);
  return mac === undefined || parsed === null ? null : { mac, ip: formatIpv6(linkLocalOf(parsed)) };
}

export function buildDhcpFlows(sw: SwitchDatapath, nb: NbInput, hasStateful: boolean, add: Add): void {
  const commit = hasStateful ? 'ct_commit; next;' : 'next;';
  for (const p of sw.ports) {
    if (p.type === 'external') continue;
    const d4 = p.nb.dhcpv4_options ? nb.DHCP_Options.get(p.nb.dhcpv4_options) : undefined;
    const d6 = p.nb.dhcpv6_options ? nb.DHCP_Options.get(p.nb.dhcpv6_options) : undefined;
    const port = JSON.stringify(p.name);
    // Let the servers' replies through egress ACLs (committed when conntrack is in use), whatever the
    // port's state.
    const server = d4 && serverOf(d4);
    if (server)
      add(
        'ls_out_acl',
        34000,
        `outport == ${port} && eth.src == ${server.mac} && ip4.src == ${server.id} && udp && udp.src == 67 && udp.dst == 68`,
        commit,
        p.name,
      );
    const server6 = d6 && server6Of(d6);
    if (server6)
      add(
        'ls_out_acl',
        34000,
        `outport == ${port} && eth.src == ${server6.mac} && ip6.src == ${server6.ip} && udp && udp.src == 547 && udp.dst == 546`,
        commit,
        p.name,
      );
    if (!p.enabled || p.type === 'router') continue;
    const via = { inport: p.name, resident: '' };
    if (d4 && server) buildDhcpv4PortFlows(p, via, d4, server, add);
    if (d6 && server6) buildDhcpv6PortFlows(p, via, d6, server6, add);
  }
  buildExternalDhcpFlows(sw, nb, add);
}

/**
 * Where a port's DHCP requests come in: the port itself, or for an external port each localnet port,
 * with `resident` the ` && is_chassis_resident(...)` clause that keeps the answer on its chassis.
 */
interface Via {
  readonly inport: string;
  readonly resident: string;
}

/**
 * External ports in an HA chassis group on a switch with localnet ports: their requests arrive through
 * the localnet ports and are answered where the port is resident. Without a group or a localnet port
 * no chassis would answer, so ovn-northd writes nothing for them.
 */
function buildExternalDhcpFlows(sw: SwitchDatapath, nb: NbInput, add: Add): void {
  const localnets = sw.ports.filter((p) => p.type === 'localnet');
  if (localnets.length === 0) return;
  for (const p of sw.ports) {
    if (p.type !== 'external' || !p.enabled || p.nb.ha_chassis_group === null) continue;
    const d4 = p.nb.dhcpv4_options ? nb.DHCP_Options.get(p.nb.dhcpv4_options) : undefined;
    const d6 = p.nb.dhcpv6_options ? nb.DHCP_Options.get(p.nb.dhcpv6_options) : undefined;
    const server = d4 && serverOf(d4);
    const server6 = d6 && server6Of(d6);
    const resident = ` && is_chassis_resident(${JSON.stringify(p.name)})`;
    for (const ln of localnets) {
      const via = { inport: ln.name, resident };
      if (d4 && server) buildDhcpv4PortFlows(p, via, d4, server, add);
      if (d6 && server6) buildDhcpv6PortFlows(p, via, d6, server6, add);
    }
  }
}

/** Per address entry, the first IPv4 address inside the options' cidr is offered. */
function buildDhcpv4PortFlows(
  p: SwitchPort,
  via: Via,
  d: DHCPOptions,
  server: { id: string; mac: string },
  add: Add,
): void {
  const cidr = parseCidr(d.cidr, true);
  if (!cidr || cidr.addr.family !== 4) return;
  const mask = cidr.plen === 0 ? 0 : (0xffffffff << (32 - cidr.plen)) >>> 0;
  const net = (Number(cidr.addr.value) & mask) >>> 0;

  const opts: Record<string, string> = { ...d.options, netmask: formatIpv4(mask) };
  delete opts['server_mac'];
  // The port's own hostname takes precedence over the options'.
  const hostname = p.nb.options['hostname'];
  if (hostname !== undefined) opts['hostname'] = hostname;
  const list = Object.keys(opts)
    .sort(byKey)
    .map((k) => `${k} = ${opts[k]}`)
    .join(', ');
  const port = JSON.stringify(via.inport);
  const { resident } = via;

  for (const a of p.addresses) {
    const ip = a.ipv4.find((s) => {
      const v = parseIpv4(s);
      return v !== null && (v & mask) >>> 0 === net;
    });
    if (ip === undefined) continue;
    const put = `${DHCP_RESULT} = put_dhcp_opts(offerip = ${ip}, ${list}); next;`;
    const who = `inport == ${port} && eth.src == ${a.macS}`;
    add(
      'ls_in_dhcp_options',
      100,
      `${who} && ip4.src == 0.0.0.0 && ip4.dst == 255.255.255.255 && udp.src == 68 && udp.dst == 67${resident}`,
      put,
      via.inport,
      'dhcpv4-opts',
    );
    add(
      'ls_in_dhcp_options',
      100,
      `${who} && ip4.src == ${ip} && ip4.dst == {${server.id}, 255.255.255.255} && udp.src == 68 && udp.dst == 67${resident}`,
      put,
      via.inport,
      'dhcpv4-opts',
    );
    add(
      'ls_in_dhcp_response',
      100,
      `${who} && ip4 && udp.src == 68 && udp.dst == 67 && ${DHCP_RESULT}${resident}`,
      `eth.dst = eth.src; eth.src = ${server.mac}; ip4.src = ${server.id}; udp.src = 67; udp.dst = 68; outport = inport; flags.loopback = 1; output;`,
      via.inport,
    );
  }
}

/**
 * Per address entry, the first IPv6 address inside the options' cidr: its solicits to the
 * All_DHCP_Relay_Agents_and_Servers group are answered, with an IA address unless the options say
 * `dhcpv6_stateless=true`.
 */
function buildDhcpv6PortFlows(
  p: SwitchPort,
  via: Via,
  d: DHCPOptions,
  server: { mac: string; ip: string },
  add: Add,
): void {
  const cidr = parseCidr(d.cidr, true);
  if (!cidr || cidr.addr.family !== 6) return;
  const mask = cidr.plen === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - cidr.plen)) - 1n);
  const net = (cidr.addr.value as bigint) & mask;
  const stateless = d.options['dhcpv6_stateless'] === 'true';
  const list = Object.keys(d.options)
    .filter((k) => k !== 'dhcpv6_stateless')
    .sort(byKey)
    .map((k) => `${k} = ${d.options[k]}`);
  const port = JSON.stringify(via.inport);

  for (const a of p.addresses) {
    const ip = a.ipv6.find((s) => {
      const v = parseIpv6(s);
      return v !== null && (v & mask) === net;
    });
    if (ip === undefined) continue;
    const opts = stateless ? list : [`ia_addr = ${ip}`, ...list];
    // The residency check comes before the result bit here (after it in DHCPv4's response), as ovn-northd writes them.
    const match = `inport == ${port} && eth.src == ${a.macS} && ip6.dst == ff02::1:2 && udp.src == 546 && udp.dst == 547${via.resident}`;
    add(
      'ls_in_dhcp_options',
      100,
      match,
      `${DHCP_RESULT} = put_dhcpv6_opts(${opts.join(', ')}); next;`,
      via.inport,
      'dhcpv6-opts',
    );
    add(
      'ls_in_dhcp_response',
      100,
      `${match} && ${DHCP_RESULT}`,
      `eth.dst = eth.src; eth.src = ${server.mac}; ip6.dst = ip6.src; ip6.src = ${server.ip}; udp.src = 547; udp.dst = 546; outport = inport; flags.loopback = 1; output;`,
      via.inport,
    );
  }
}
