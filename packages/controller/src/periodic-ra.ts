// Periodic Router Advertisements (pure part): a router port whose Port_Binding has
// options:ipv6_ra_send_periodic=true (northd copies its ipv6_ra_configs there) advertises itself to all
// nodes (ff02::1) every min..max interval, from ipv6_ra_src_eth / ipv6_ra_src_addr, with the address mode's
// M/O flags and router preference, its MTU, prefixes, RDNSS, DNSSL and route information. The
// advertisement enters the switch the router port is attached to, as if sent by its peer port.
import { dnsslOption, routeInfoOptions } from '@ovnts/expr';
import { ipv6ToBytes, macToBytes, parseIpv6, parseMac } from '@ovnts/net';
import type { PortBinding } from '@ovnts/schema/sb';
import { inetChecksum } from './packets.js';
import type { LocalView, SbSnapshot } from './view.js';

export interface PeriodicRa {
  /** The router port's name (the schedule's key). */
  readonly port: string;
  readonly minIntervalS: number;
  readonly maxIntervalS: number;
  /** The switch-side peer the advertisement enters from. */
  readonly dpKey: number;
  readonly portKey: number;
  readonly packet: Buffer;
}

const MAX_INTERVAL_DEFAULT = 600;

/** The advertisement of one router port, or undefined when its options are incomplete or invalid. */
export function periodicRa(pb: PortBinding, peer: PortBinding, peerDpKey: number): PeriodicRa | undefined {
  const o = pb.options;
  if (o['ipv6_ra_send_periodic'] !== 'true') return undefined;
  const max = Number(o['ipv6_ra_max_interval'] ?? MAX_INTERVAL_DEFAULT);
  const min = Number(o['ipv6_ra_min_interval'] ?? (max >= 9 ? Math.floor(max / 3) : Math.floor((max * 3) / 4)));
  const mtu = Number(o['ipv6_ra_mtu'] ?? 0);
  const mode = o['ipv6_ra_address_mode'];
  let mo = 0;
  let la = 0x80; // on-link
  if (mode === 'dhcpv6_stateless') {
    mo |= 0x40;
    la |= 0x40;
  } else if (mode === 'dhcpv6_stateful') mo |= 0x80;
  else if (mode === 'slaac') la |= 0x40;
  else return undefined;
  const prf = o['ipv6_ra_prf'];
  if (prf === 'HIGH') mo |= 0x08;
  else if (prf === 'LOW') mo |= 0x18;
  const mac = parseMac(o['ipv6_ra_src_eth'] ?? '');
  const src = parseIpv6(o['ipv6_ra_src_addr'] ?? '');
  if (!mac || src === null || !Number.isFinite(max) || !Number.isFinite(min)) return undefined;

  const opts: number[] = [1, 1, ...macToBytes(mac)];
  if (mtu) opts.push(5, 1, 0, 0, ...u32(mtu));
  for (const p of (o['ipv6_ra_prefixes'] ?? '').split(/\s+/).filter((w) => w)) {
    const [addr, len] = p.split('/');
    const a = parseIpv6(addr ?? '');
    if (a === null) return undefined;
    opts.push(3, 4, Number(len ?? 128), la, ...u32(0xffffffff), ...u32(0xffffffff), 0, 0, 0, 0, ...ipv6ToBytes(a));
  }
  const rdnss = o['ipv6_ra_rdnss'];
  if (rdnss !== undefined) {
    const a = parseIpv6(rdnss);
    if (a === null) return undefined;
    opts.push(25, 3, 0, 0, ...u32(0xffffffff), ...ipv6ToBytes(a));
  }
  if (o['ipv6_ra_dnssl']) opts.push(...dnsslOption(o['ipv6_ra_dnssl']));
  if (o['ipv6_ra_route_info']) opts.push(...routeInfoOptions(o['ipv6_ra_route_info']));

  const icmp = Buffer.from([134, 0, 0, 0, 255, mo, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, ...opts]);
  const ip6 = Buffer.alloc(40);
  ip6[0] = 0x60;
  ip6.writeUInt16BE(icmp.length, 4);
  ip6[6] = 58;
  ip6[7] = 255;
  ipv6ToBytes(src).copy(ip6, 8);
  ipv6ToBytes(parseIpv6('ff02::1')!).copy(ip6, 24);
  const pseudo = Buffer.concat([ip6.subarray(8, 40), Buffer.from(u32(icmp.length)), Buffer.from([0, 0, 0, 58])]);
  icmp.writeUInt16BE(inetChecksum(Buffer.concat([pseudo, icmp])), 2);
  const eth = Buffer.concat([Buffer.from([0x33, 0x33, 0, 0, 0, 1]), macToBytes(mac), Buffer.from([0x86, 0xdd])]);
  return {
    port: pb.logical_port,
    minIntervalS: min,
    maxIntervalS: max,
    dpKey: peerDpKey,
    portKey: peer.tunnel_key,
    packet: Buffer.concat([eth, ip6, icmp]),
  };
}

function u32(v: number): number[] {
  return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}

/**
 * The router ports of local datapaths that advertise from this chassis: a gateway router's port where the
 * router lives, a distributed router port where its chassisredirect port is bound (or anywhere when it has
 * none).
 */
export function periodicRas(view: LocalView, sb: SbSnapshot): PeriodicRa[] {
  const out: PeriodicRa[] = [];
  for (const ports of view.portsByDp.values())
    for (const pb of ports) {
      if (pb.options['ipv6_ra_send_periodic'] !== 'true') continue;
      if (pb.type === 'l3gateway' && pb.options['l3gateway-chassis'] !== view.chassisName) continue;
      if (pb.type !== 'l3gateway' && pb.type !== 'patch') continue;
      const cr = view.pbByName.get(`cr-${pb.logical_port}`);
      if (cr?.type === 'chassisredirect' && (!view.chassis || cr.chassis !== view.chassis._uuid)) continue;
      const peer = view.pbByName.get(pb.options['peer'] ?? '');
      const peerDp = peer ? sb.Datapath_Binding.get(peer.datapath) : undefined;
      if (!peer || !peerDp) continue;
      const ra = periodicRa(pb, peer, peerDp.tunnel_key);
      if (ra) out.push(ra);
    }
  return out;
}
