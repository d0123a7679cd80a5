// Port_Binding.nat_addresses of a switch port of type router, as ovn-northd 23.03 writes it: the
// addresses ovn-controller sends gratuitous ARPs for on the peer router's behalf. With
// options:nat-addresses=router, the router port's MAC with its NAT external IPv4 addresses and its
// balancer VIPs (unless exclude-lb-vips-from-garp), distributed floating IPs as entries of their own;
// with nat-addresses="MAC IP…", that text; and the router port's own MAC and IPv4 addresses where a
// gateway chassis answers for them.
import type { NAT } from '@ovnts/schema/nb';
import { formatMac, netContains, parseIp, parseIpv4, parseMac } from '../addresses.js';
import type { NbInput } from '../input.js';
import { ssetOrder } from '../ovs-hash-order.js';
import type { RouterPort, SwitchPort } from '../topology.js';
import { hasLocalnet, redirectPorts } from './gateway-bindings.js';

/** What nat_addresses reads beyond the topology: NAT rows and a router's balancer VIPs. */
export interface NatAddressInputs {
  readonly nb: Pick<NbInput, 'NAT'>;
  /** The VIP addresses of the balancers applied to a router (IPv4 first), in ovn-northd's set order. */
  lbIps(lr: RouterPort['dp']): readonly string[];
}

const q = (s: string) => JSON.stringify(s);
const isTrue = (v: string | undefined) => v?.toLowerCase() === 'true';

/** get_nat_addresses of ovn-northd for router port `rp` (all rules, not only routable ones). */
function routerPortNatAddresses(rp: RouterPort, inp: NatAddressInputs, includeLb: boolean): string[] {
  const lr = rp.dp;
  const nats = lr.nb.nat.map((u) => inp.nb.NAT.get(u)).filter((n): n is NAT => n !== undefined);
  const lbIps = inp.lbIps(lr);
  if (!nats.length && !lbIps.length) return [];
  const redirect = redirectPorts(lr);
  const own = new Set([...rp.ipv4, ...rp.ipv6].map((n) => n.addrS));
  const out: string[] = [];
  let central = `${rp.macS}`;
  let hasCentral = false;
  for (const n of nats) {
    // Only single IPv4 external addresses.
    if (!parseIpv4(n.external_ip)) continue;
    if (redirect.size > 1) {
      // With several gateway ports, a rule belongs to the one it names or whose network holds it.
      const ext = parseIp(n.external_ip)!;
      const mine = n.gateway_port ? n.gateway_port === rp.nb._uuid : rp.ipv4.some((x) => netContains(x.net, ext));
      if (!mine) continue;
    }
    const mac = n.external_mac ? parseMac(n.external_mac) : null;
    if (redirect.size && n.type === 'dnat_and_snat' && n.logical_port && n.external_mac) {
      if (mac) out.push(`${formatMac(mac)} ${n.external_ip} is_chassis_resident(${q(n.logical_port)})`);
    } else if (!own.has(n.external_ip)) {
      central += ` ${n.external_ip}`;
      hasCentral = true;
    }
  }
  if (includeLb && lbIps.length) {
    central += ` ${lbIps.join(' ')}`;
    hasCentral = true;
  }
  if (hasCentral) {
    const cr = redirect.get(rp.name);
    out.push(cr ? `${central} is_chassis_resident(${q(cr)})` : central);
  }
  return out;
}

/** Whether `text` reads as "MAC IP…" (extract_lsp_addresses). */
function validLspAddresses(text: string): boolean {
  const [mac, ...ips] = text.trim().split(/\s+/);
  return !!mac && parseMac(mac) !== null && ips.every((ip) => parseIp(ip.split('/')[0]!) !== null);
}

/** nat_addresses of switch port `p` (empty unless it is a router-type port with a peer router). */
export function switchPortNatAddresses(p: SwitchPort, inp: NatAddressInputs): string[] {
  const rp = p.type === 'router' ? p.peer : null;
  if (!rp) return [];
  const lr = rp.dp;
  const chassis = lr.nb.options['chassis'];
  const redirect = redirectPorts(lr);
  const gwPort = redirect.get(rp.name) ?? [...redirect.values()][0];
  const opt = p.nb.options['nat-addresses'];
  const out: string[] = [];
  if (opt === 'router') {
    if (chassis !== undefined || redirect.size)
      out.push(...routerPortNatAddresses(rp, inp, !isTrue(p.nb.options['exclude-lb-vips-from-garp'])));
  } else if (opt !== undefined && (chassis !== undefined || redirect.size) && validLspAddresses(opt)) {
    out.push(gwPort && redirect.size ? `${opt} is_chassis_resident(${q(gwPort)})` : opt);
  }
  // The router port's own addresses, where one chassis answers for them.
  const ownGarp = redirect.size
    ? redirect.has(rp.name) || (isTrue(rp.nb.options['reside-on-redirect-chassis']) && redirect.size === 1)
    : chassis !== undefined && hasLocalnet(p.dp);
  if (ownGarp) {
    const addrs = [rp.macS, ...rp.ipv4.map((n) => n.addrS)].join(' ');
    out.push(redirect.size ? `${addrs} is_chassis_resident(${q(gwPort!)})` : addrs);
  }
  return out;
}

/** The VIPs of a router's balancers as ovn-northd's lb_ips set iterates them: IPv4, then IPv6. */
export function lbIpsInSetOrder(vips: readonly { readonly ip: string; readonly family: 4 | 6 }[]): string[] {
  return [
    ...ssetOrder(vips.filter((v) => v.family === 4).map((v) => v.ip)),
    ...ssetOrder(vips.filter((v) => v.family === 6).map((v) => v.ip)),
  ];
}
