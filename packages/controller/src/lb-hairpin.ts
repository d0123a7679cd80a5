// Load-balancer hairpin flows (pure): when a backend reaches itself through its LB's VIP, table 68 flags the
// packet and learns a reply flow into table 69, and table 70 SNATs it to the VIP so the reply comes back
// through conntrack. With northd's hairpin_orig_tuple (ovn-northd 23.03 always sets it) the original VIP/port
// is read from reg1/xxreg1 and reg2; without it (an older northd) from the conntrack original tuple, which
// needs ct_state=+trk+dnat in the match. A balancer's options:hairpin_snat_ip (an IPv4 and/or an IPv6
// address) replaces the VIP as the hairpin source, with a table-70 flow per local datapath of that balancer
// (metadata match, priority above the VIP-wide flows another balancer with the same VIP may have).
import { formatIp, parseIp, parsePrefixText } from '@ovnts/net';
import { type Flow, parseFlow } from '@ovnts/openflow';
import { OFTABLE } from '@ovnts/expr';
import type { DatapathBinding, LoadBalancer } from '@ovnts/schema/sb';
import { type LocalView, type SbSnapshot, uuidCookie } from './view.js';

interface Endpoint {
  readonly ip: string;
  readonly v6: boolean;
  readonly port?: number;
}

/**
 * "10.0.0.1:80", "[fd00::1]:80", "10.0.0.1"; undefined for anything else, including an address or port out of
 * range ("10.128.0.300:8080" reaches the SB as the CMS wrote it: one bad backend must not fail every flow).
 */
export function parseEndpoint(s: string): Endpoint | undefined {
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(s);
  const v4 = /^(\d+\.\d+\.\d+\.\d+)(?::(\d+))?$/.exec(s);
  const bare6 = /^[0-9a-fA-F:]+$/.test(s) && s.includes(':');
  const m = v6 ?? v4;
  const ip = m ? m[1]! : bare6 ? s : undefined;
  const port = m?.[2] !== undefined ? Number(m[2]) : undefined;
  if (ip === undefined || parseIp(ip)?.family !== (v4 ? 4 : 6)) return undefined;
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  return { ip, v6: !v4, ...(port !== undefined ? { port } : {}) };
}

const PROTO = { tcp: 6, udp: 17, sctp: 132 } as const;

/**
 * options:hairpin_snat_ip: space-separated addresses, the first of each family counts; one malformed word
 * voids the option (ovn-controller warns and SNATs to the VIP).
 */
export function hairpinSnatIps(text: string | undefined): { v4?: string; v6?: string } {
  if (!text) return {};
  const out: { v4?: string; v6?: string } = {};
  for (const w of text
    .trim()
    .split(/\s+/)
    .filter((x) => x)) {
    const n = parsePrefixText(w);
    if (!n) return {};
    const text = formatIp(n.addr);
    if (n.addr.family === 4) out.v4 ??= text;
    else out.v6 ??= text;
  }
  return out;
}

type HairpinSb = Pick<SbSnapshot, 'Load_Balancer' | 'SB_Global' | 'Logical_DP_Group'>;

/** The balancer's datapaths that are local here (its own list, then its group's). */
function localDpsOf(lb: LoadBalancer, view: Pick<LocalView, 'localDps'>, sb: HairpinSb): DatapathBinding[] {
  const dps = [
    ...lb.datapaths,
    ...(lb.datapath_group ? (sb.Logical_DP_Group.get(lb.datapath_group)?.datapaths ?? []) : []),
  ];
  return dps.flatMap((d) => {
    const dp = view.localDps.get(d);
    return dp ? [dp] : [];
  });
}

export function lbHairpinFlows(view: Pick<LocalView, 'localDps'>, sb: HairpinSb): Flow[] {
  const out: Flow[] = [];
  // ct_mark carries "natted" unless northd says some chassis still needs the older ct_label bit.
  const natted =
    [...sb.SB_Global.values()][0]?.options['lb_hairpin_use_ct_mark'] === 'false'
      ? 'ct_label=0x2/0x2'
      : 'ct_mark=0x2/0x2';
  for (const lb of sb.Load_Balancer.values()) {
    const local = localDpsOf(lb, view, sb);
    if (!local.length) continue;
    const snatIps = hairpinSnatIps(lb.options['hairpin_snat_ip']);
    const origTuple = lb.options['hairpin_orig_tuple'] === 'true';
    const protoName = lb.protocol ?? 'tcp';
    const proto = PROTO[protoName];
    const cookie = `0x${uuidCookie(lb._uuid).toString(16)}`;
    for (const [vipText, backendsText] of Object.entries(lb.vips)) {
      const vip = parseEndpoint(vipText);
      if (!vip) continue;
      const l3 = vip.v6 ? 'ipv6' : 'ip';
      const vipAddr = parseIp(vip.ip);
      if (!vipAddr) continue;
      const origDst = origTuple
        ? `${vip.v6 ? 'xxreg1' : 'reg1'}=0x${vipAddr.value.toString(16)}`
        : `ct_state=+trk+dnat,${vip.v6 ? 'ct_ipv6_dst' : 'ct_nw_dst'}=${vip.ip}`;
      const origPort =
        vip.port === undefined
          ? ''
          : origTuple
            ? `,reg2=0x${vip.port.toString(16)}/0xffff`
            : `,ct_nw_proto=${proto},ct_tp_dst=${vip.port}`;
      const l4 = vip.port !== undefined ? protoName + (vip.v6 ? '6' : '') : l3;
      const snatIp = vip.v6 ? snatIps.v6 : snatIps.v4;
      const hairpinSrc = snatIp ?? vip.ip;
      for (const b of backendsText.split(',')) {
        const be = parseEndpoint(b.trim());
        if (!be || be.v6 !== vip.v6) continue;
        const src = vip.v6 ? 'ipv6_src' : 'nw_src';
        const dst = vip.v6 ? 'ipv6_dst' : 'nw_dst';
        const tp = be.port !== undefined && vip.port !== undefined ? `,tp_dst=${be.port}` : '';
        const learnL4 =
          vip.port !== undefined
            ? `,nw_proto=${proto},NXM_OF_${protoName.toUpperCase()}_SRC[]=NXM_OF_${protoName.toUpperCase()}_DST[]`
            : ',NXM_OF_IP_PROTO[]'; // a VIP without port: the reply's protocol is the request's
        const learn =
          `learn(table=${OFTABLE.chkLbHairpinReply},delete_learned,cookie=${cookie},OXM_OF_METADATA[],eth_type=${vip.v6 ? '0x86dd' : '0x800'},` +
          `${vip.v6 ? 'NXM_NX_IPV6_SRC[]' : 'NXM_OF_IP_SRC[]'},${vip.v6 ? 'ipv6_dst' : 'ip_dst'}=${hairpinSrc}${learnL4},load:0x1->NXM_NX_REG10[7])`;
        out.push(
          parseFlow(
            `cookie=${cookie},table=${OFTABLE.chkLbHairpin},priority=100,${natted},${l4},${origDst}${origPort},${src}=${be.ip},${dst}=${be.ip}${tp} actions=set_field:0x80/0x80->reg10,${learn}`,
          ),
        );
      }
      // Without a port, a little below the VIPs with one (those are more specific).
      const portless = vip.port !== undefined ? 0 : 10;
      const snat = `actions=ct(commit,zone=NXM_NX_REG12[0..15],nat(src=${vip.v6 ? `[${hairpinSrc}]` : hairpinSrc}))`;
      if (snatIp === undefined)
        out.push(
          parseFlow(
            `cookie=${cookie},table=${OFTABLE.ctSnatHairpin},priority=${100 - portless},${l4},${origDst}${origPort} ${snat}`,
          ),
        );
      else
        for (const dp of local)
          out.push(
            parseFlow(
              `cookie=${cookie},table=${OFTABLE.ctSnatHairpin},priority=${200 - portless},${l4},metadata=0x${dp.tunnel_key.toString(16)},${origDst}${origPort} ${snat}`,
            ),
          );
    }
  }
  return out;
}
