// Gratuitous ARPs (and RARPs for addresses without IPv4) that let the physical network learn where OVN
// addresses live (pure part): on every local datapath with a localnet port bridged here, the VIFs bound
// here and the NAT addresses of router ports resident here (Port_Binding.nat_addresses, e.g. from
// nat-addresses=router: "MAC [IP...] [is_chassis_resident(\"cr-port\")]"). Each enters the switch from
// its own port and floods out through the localnet port; the schedule (announce, then back off) lives in
// pinctrl.
import { formatMac, macToBytes, parseIpv4, parseMac } from '@ovnts/net';
import type { PortBinding } from '@ovnts/schema/sb';
import type { LocalView, SbSnapshot } from './view.js';

export interface Announcement {
  /** Identity for the schedule: what is announced where. */
  readonly key: string;
  readonly mac: string;
  /** Absent: a RARP for the MAC. */
  readonly ipv4?: string;
  readonly dpKey: number;
  /** The port the announcement enters the switch from (the VIF, or the router port owning the NAT addresses). */
  readonly portKey: number;
}

/** "MAC IP IP … [is_chassis_resident(...)]" → MAC, IPv4 addresses and the resident port named, if any. */
export function parseNatAddresses(text: string): { mac: string; ipv4: string[]; resident?: string } | undefined {
  const resident = /is_chassis_resident\(\s*"([^"]+)"\s*\)/.exec(text)?.[1];
  const words = text
    .replace(/is_chassis_resident\([^)]*\)/, '')
    .trim()
    .split(/\s+/);
  const mac = parseMac(words[0] ?? '');
  if (!mac) return undefined;
  const ipv4 = words
    .slice(1)
    .filter((w) => parseIpv4(w.split('/')[0]!) !== null)
    .map((w) => w.split('/')[0]!);
  return { mac: formatMac(mac), ipv4, ...(resident ? { resident } : {}) };
}

export function announcements(view: LocalView, sb: SbSnapshot): Announcement[] {
  // Only switches with a localnet port bridged here announce: none, nothing to walk (every port of every
  // local datapath, each round).
  if (!view.localnet.size) return [];
  const out = new Map<string, Announcement>();
  const me = view.chassis?._uuid;
  const add = (mac: string, ips: readonly string[], dpKey: number, portKey: number) => {
    for (const ipv4 of ips.length ? ips : [undefined]) {
      const key = `${dpKey}/${portKey}/${mac}/${ipv4 ?? ''}`;
      out.set(key, { key, mac, ...(ipv4 ? { ipv4 } : {}), dpKey, portKey });
    }
  };
  for (const [dpUuid, dp] of view.localDps) {
    const ports = view.portsByDp.get(dpUuid) ?? [];
    if (!ports.some((p) => view.localnet.has(p._uuid))) continue;
    const resident = (name: string | undefined, pb: PortBinding) =>
      name === undefined
        ? pb.type !== 'l3gateway' || pb.options['l3gateway-chassis'] === view.chassisName
        : view.pbByName.get(name)?.chassis === me && me !== undefined;
    for (const pb of ports) {
      if (view.localVifs.has(pb._uuid) && pb.type === '') {
        for (const m of pb.mac) {
          const a = parseNatAddresses(m);
          if (a) add(a.mac, a.ipv4, dp.tunnel_key, pb.tunnel_key);
        }
      }
      const nat = pb.nat_addresses.length ? pb.nat_addresses : natOption(pb);
      for (const text of nat) {
        const a = parseNatAddresses(text);
        if (a && resident(a.resident, pb)) add(a.mac, a.ipv4, dp.tunnel_key, pb.tunnel_key);
      }
    }
  }
  return [...out.values()];
}

/** options:nat-addresses given as addresses (not "router", which northd expands into nat_addresses). */
function natOption(pb: PortBinding): string[] {
  const v = pb.options['nat-addresses'];
  return v && v !== 'router' ? [v] : [];
}

/** The frame: a gratuitous ARP request for the IPv4 address, or a RARP for the MAC. */
export function announcementFrame(a: Announcement): Buffer {
  const mac = macToBytes(parseMac(a.mac)!);
  const frame = Buffer.alloc(42);
  frame.fill(0xff, 0, 6);
  mac.copy(frame, 6);
  frame.writeUInt16BE(a.ipv4 ? 0x0806 : 0x8035, 12);
  frame.writeUInt16BE(1, 14);
  frame.writeUInt16BE(0x0800, 16);
  frame[18] = 6;
  frame[19] = 4;
  frame.writeUInt16BE(a.ipv4 ? 1 : 3, 20);
  mac.copy(frame, 22);
  if (a.ipv4) {
    const ip = parseIpv4(a.ipv4)!;
    frame.writeUInt32BE(ip, 28);
    frame.writeUInt32BE(ip, 38);
  } else mac.copy(frame, 32);
  return frame;
}
