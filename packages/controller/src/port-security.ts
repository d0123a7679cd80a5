// Port-security flows for the VIFs bound here (pure): the check_in_port_sec() / check_out_port_sec() actions of
// the logical pipeline resubmit to tables 73/74/75, which set flags bit 12 ("check port sec failed") unless
// the packet's addresses are among the port's port_security addresses. Mirrors ovn-controller 23.03,
// including its quirks (the ND checks match nw_ttl=225), so packets are judged the same way.
import {
  broadcastOf4,
  formatIpv4,
  formatIpv6,
  isMac,
  isNetworkPrefix,
  linkLocalOf,
  parseCidr,
  parseMac,
  widthOf,
} from '@ovnts/net';
import { type Flow, parseFlow } from '@ovnts/openflow';
import { MLF, OFTABLE } from '@ovnts/expr';
import type { PortBinding } from '@ovnts/schema/sb';
import { type LocalView, type SbSnapshot, uuidCookie } from './view.js';

interface Prefix {
  readonly addr: string;
  readonly plen: number;
  /** The host bits are zero: match the network (masked); otherwise the exact address. */
  readonly network: boolean;
  readonly bcast?: string;
}

interface PsEntry {
  readonly mac: string;
  readonly v4: readonly Prefix[];
  readonly v6: readonly Prefix[];
}

/** "MAC [IP[/plen]…]" as in Port_Binding.port_security; undefined without a leading MAC. */
export function parsePortSecurity(s: string): PsEntry | undefined {
  const [mac, ...rest] = s.trim().split(/\s+/);
  if (!mac || !isMac(mac)) return undefined;
  const v4: Prefix[] = [];
  const v6: Prefix[] = [];
  for (const tok of rest) {
    const n = parseCidr(tok, true);
    if (!n) continue;
    const addr = tok.split('/')[0]!;
    const host = n.plen === widthOf(n.addr.family);
    const network = !host && isNetworkPrefix(n);
    if (n.addr.family === 4) {
      const bcast = host || network ? undefined : formatIpv4(broadcastOf4({ addr: n.addr, plen: n.plen }));
      v4.push({ addr, plen: n.plen, network, ...(bcast ? { bcast } : {}) });
    } else v6.push({ addr, plen: n.plen, network });
  }
  return { mac: mac.toLowerCase(), v4, v6 };
}

/** The IPv6 link-local address derived from a MAC (EUI-64). */
export function linkLocal(mac: string): string {
  const m = parseMac(mac);
  if (m === null) throw new TypeError(`bad MAC ${mac}`);
  return formatIpv6(linkLocalOf(m));
}

export function portSecurityFlows(view: LocalView, sb: SbSnapshot): Flow[] {
  const out: Flow[] = [];
  for (const pbUuid of view.localVifs.keys()) {
    const pb = sb.Port_Binding.get(pbUuid);
    const dp = pb ? view.localDps.get(pb.datapath) : undefined;
    if (pb && dp && pb.port_security.length) out.push(...portFlows(pb, dp.tunnel_key));
  }
  return out;
}

/** The port-security flows of one local VIF. */
export function portFlows(pb: PortBinding, dpKey: number): Flow[] {
  const entries = pb.port_security.map(parsePortSecurity).filter((e): e is PsEntry => e !== undefined);
  if (!entries.length) return [];
  const bit = 1 << MLF.checkPortSec;
  const deny = `set_field:0x${bit.toString(16)}/0x${bit.toString(16)}->reg10`;
  const allow = `set_field:0/0x${bit.toString(16)}->reg10`;
  const nd = `resubmit(,${OFTABLE.chkInPortSecNd})`;
  const inp = `reg14=${pb.tunnel_key},metadata=${dpKey}`;
  const outp = `reg15=${pb.tunnel_key},metadata=${dpKey}`;
  const cookie = `cookie=0x${uuidCookie(pb._uuid).toString(16)}`;
  const lines: string[] = [];
  const add = (table: number, prio: number, match: string, actions: string) =>
    lines.push(`${cookie},table=${table},priority=${prio},${match} actions=${actions}`);
  const IN = OFTABLE.chkInPortSec;
  const ND = OFTABLE.chkInPortSecNd;
  const OUT = OFTABLE.chkOutPortSec;
  const v4m = (p: Prefix) => (p.network ? `${p.addr}/${p.plen}` : p.addr);
  const v6m = (p: Prefix) => (p.network ? `${p.addr}/${p.plen}` : p.addr);

  add(IN, 80, inp, deny);
  add(IN, 95, `arp,${inp}`, nd);
  add(ND, 80, `arp,${inp}`, deny);
  add(ND, 80, `icmp6,${inp},nw_ttl=255,icmp_type=136`, deny);
  add(ND, 80, `icmp6,${inp},nw_ttl=255,icmp_type=135`, allow);
  for (const e of entries) {
    const src = `${inp},dl_src=${e.mac}`;
    if (!e.v4.length && !e.v6.length) add(IN, 90, src, nd);
    if (e.v4.length) {
      for (const p of e.v4) add(IN, 90, `ip,${src},nw_src=${v4m(p)}`, allow);
      add(IN, 90, `udp,${src},nw_src=0.0.0.0,nw_dst=255.255.255.255,tp_src=68,tp_dst=67`, allow);
    }
    if (e.v4.length || !e.v6.length) {
      if (!e.v4.length) add(ND, 90, `arp,${src},arp_sha=${e.mac}`, allow);
      for (const p of e.v4) add(ND, 90, `arp,${src},arp_spa=${v4m(p)},arp_sha=${e.mac}`, allow);
    }
    const lla = linkLocal(e.mac);
    if (e.v6.length) {
      for (const p of e.v6) add(IN, 90, `ipv6,${src},ipv6_src=${v6m(p)}`, nd);
      add(IN, 90, `ipv6,${src},ipv6_src=${lla}`, nd);
      for (const t of [131, 143])
        add(IN, 90, `icmp6,${src},ipv6_src=::,ipv6_dst=ff02::/16,icmp_type=${t},icmp_code=0`, allow);
      add(IN, 90, `icmp6,${src},ipv6_src=::,ipv6_dst=ff02::/16,icmp_type=135,icmp_code=0`, nd);
    }
    const ns = `icmp6,${inp},nw_ttl=225,icmp_type=135,icmp_code=0`;
    add(ND, 90, `${ns},nd_sll=00:00:00:00:00:00`, allow);
    add(ND, 90, `${ns},nd_sll=${e.mac}`, allow);
    const na = `icmp6,${inp},nw_ttl=225,icmp_type=136,icmp_code=0`;
    if (e.v6.length) {
      add(ND, 90, `${na},nd_target=${lla},nd_tll=00:00:00:00:00:00`, allow);
      add(ND, 90, `${na},nd_target=${lla},nd_tll=${e.mac}`, allow);
      for (const p of e.v6) {
        const m = `icmp6,${src},icmp_type=136,icmp_code=0,nd_target=${v6m(p)}`;
        add(ND, 90, `${m},nd_tll=00:00:00:00:00:00`, allow);
        add(ND, 90, `${m},nd_tll=${e.mac}`, allow);
      }
    } else {
      add(ND, 90, `${na},nd_tll=00:00:00:00:00:00`, allow);
      add(ND, 90, `${na},nd_tll=${e.mac}`, allow);
    }
  }
  add(OUT, 80, outp, deny);
  for (const e of entries) {
    const dst = `${outp},dl_dst=${e.mac}`;
    const lla = linkLocal(e.mac);
    add(OUT, 85, dst, allow);
    if (!e.v4.length && !e.v6.length) continue;
    add(OUT, 90, `ip,${dst}`, deny);
    if (e.v4.length) {
      for (const p of e.v4) {
        if (p.bcast) add(OUT, 95, `ip,${dst},nw_dst=${p.bcast}`, allow);
        add(OUT, 95, `ip,${dst},nw_dst=${v4m(p)}`, allow);
      }
      add(OUT, 95, `ip,${dst},nw_dst=255.255.255.255`, allow);
      add(OUT, 95, `ip,${dst},nw_dst=224.0.0.0/4`, allow);
    }
    add(OUT, 90, `ipv6,${dst}`, deny);
    if (e.v6.length) {
      for (const p of e.v6) add(OUT, 95, `ipv6,${dst},ipv6_dst=${v6m(p)}`, allow);
      add(OUT, 95, `ipv6,${dst},ipv6_dst=${lla}`, allow);
      add(OUT, 95, `ipv6,${dst},ipv6_dst=ff00::/8`, allow);
    }
  }
  return lines.map((l) => parseFlow(l));
}
