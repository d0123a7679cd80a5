// Encoders for the pinctrl-bound actions that carry structured arguments: log, trigger_event,
// put_nd_ra_opts, the icmp frag-MTU fields, and commit_lb_aff (which becomes a `learn` action).
import type { Action, LearnAction, LearnSpec } from '@ovnts/openflow';
import type { GenOption, KeyArg } from './actions.js';
import { MLF, OFTABLE, REG } from './tables.js';
import { UnencodableAction } from './userdata.js';
import { parseIp, prefixLength } from '@ovnts/net';

const SEVERITY: Record<string, number> = { alert: 1, warning: 4, notice: 5, info: 6, debug: 7 };
const VERDICT: Record<string, number> = { allow: 0, drop: 1, reject: 2 };
/** Option codes of the empty_lb_backends controller event (ovn-controller's controller_event_opts). */
const EVENT_OPTS: Record<string, number> = { vip: 1, protocol: 2, load_balancer: 3 };
const EVENTS: Record<string, number> = { empty_lb_backends: 0 };

function be(v: bigint | number, bytes: number): number[] {
  const x = BigInt(v);
  const out: number[] = [];
  for (let i = bytes - 1; i >= 0; i--) out.push(Number((x >> BigInt(8 * i)) & 0xffn));
  return out;
}

const argText = (a: KeyArg | undefined): string | undefined =>
  a === undefined ? undefined : typeof a.value === 'string' ? a.value : undefined;

export function logBody(args: readonly KeyArg[]): { body: number[]; meter?: string } {
  const get = (k: string) => args.find((a) => a.key === k);
  const verdict = VERDICT[argText(get('verdict')) ?? 'allow'];
  const severity = SEVERITY[argText(get('severity')) ?? 'info'];
  if (verdict === undefined || severity === undefined) throw new UnencodableAction('invalid log verdict or severity');
  const name = argText(get('name'));
  const meter = argText(get('meter'));
  return { body: [verdict, severity, ...(name ? [...Buffer.from(name, 'utf8')] : [])], ...(meter ? { meter } : {}) };
}

export function eventBody(args: readonly KeyArg[]): number[] {
  const ev = argText(args.find((a) => a.key === 'event'));
  const type = ev === undefined ? undefined : EVENTS[ev];
  if (type === undefined) throw new UnencodableAction(`unknown controller event ${ev ?? ''}`);
  const out = be(type, 4);
  for (const a of args) {
    if (a.key === 'event' || a.key === 'meter') continue;
    const code = EVENT_OPTS[a.key];
    const s = argText(a);
    if (code === undefined || s === undefined) throw new UnencodableAction(`invalid event option ${a.key}`);
    const bytes = [...Buffer.from(s, 'utf8')];
    out.push(...be(code, 2), ...be(bytes.length, 2), ...bytes);
  }
  return out;
}

/** The ICMPv6 Router Advertisement (header + options) pinctrl sends in reply to an RS. */
export function ndRaBody(options: readonly GenOption[]): number[] {
  let flags = 0;
  const opts: number[] = [];
  const str = (o: GenOption) => (o.values.type === 'string' ? (o.values.values[0] ?? '') : '');
  const int = (o: GenOption) => (o.values.type === 'int' ? o.values.values[0] : undefined);
  for (const o of options) {
    switch (o.name) {
      case 'addr_mode':
        if (str(o) === 'dhcpv6_stateful') flags |= 0x80;
        else if (str(o) === 'dhcpv6_stateless') flags |= 0x40;
        break;
      case 'router_preference':
        flags |= str(o) === 'LOW' ? 0x18 : str(o) === 'HIGH' ? 0x08 : 0;
        break;
      case 'slla':
        opts.push(1, 1, ...be(int(o)?.value ?? 0n, 6));
        break;
      case 'mtu':
        opts.push(5, 1, 0, 0, ...be(int(o)?.value ?? 0n, 4));
        break;
      case 'prefix': {
        const c = int(o);
        const plen = c?.mask === undefined ? 128 : (prefixLength(c.mask, 128) ?? 128);
        // On-link always; autonomous unless addresses come from stateful DHCPv6.
        const la = 0x80 | (flags & 0x80 ? 0 : 0x40);
        opts.push(3, 4, plen, la, ...be(0xffffffff, 4), ...be(0xffffffff, 4), 0, 0, 0, 0, ...be(c?.value ?? 0n, 16));
        break;
      }
      case 'rdnss':
        opts.push(25, 3, 0, 0, ...be(0xffffffff, 4), ...be(int(o)?.value ?? 0n, 16));
        break;
      case 'dnssl':
        opts.push(...dnsslOption(str(o)));
        break;
      case 'route_info':
        opts.push(...routeInfoOptions(str(o)));
        break;
      default:
        throw new UnencodableAction(`put_nd_ra_opts option ${o.name} is not supported by this encoder`);
    }
  }
  // type 134, code 0, checksum 0, hop limit 255, M/O/prf flags, lifetime 0xffff, reachable 0, retrans 0
  return [134, 0, 0, 0, 255, flags, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, ...opts];
}

/** RFC 8106 DNS Search List: comma-separated domains as DNS labels, padded to 8-byte units. */
export function dnsslOption(list: string): number[] {
  const names: number[] = [];
  for (const domain of list.split(',').filter((d) => d.length)) {
    for (const label of domain.split('.').filter((l) => l.length)) {
      const bytes = [...Buffer.from(label, 'utf8')].slice(0, 255);
      names.push(bytes.length, ...bytes);
    }
    names.push(0);
  }
  const size = Math.ceil((8 + names.length) / 8) * 8;
  while (8 + names.length < size) names.push(0);
  return [31, size / 8, 0, 0, ...be(0xffffffff, 4), ...names];
}

/** RFC 4191 Route Information: `PRF-prefix` pairs, comma-separated (PRF: HIGH, LOW, anything else medium). */
export function routeInfoOptions(list: string): number[] {
  const out: number[] = [];
  for (const entry of list.split(',').filter((e) => e.length)) {
    const [prf, prefix] = entry.split('-');
    const [addr, lenText] = (prefix ?? '').split('/');
    const a = parseIp(addr ?? '');
    if (!a || a.family !== 6) continue;
    const plen = lenText === undefined ? 128 : Number(lenText);
    const words = Math.ceil(plen / 64);
    const flags = prf === 'HIGH' ? 0x08 : prf === 'LOW' ? 0x18 : 0;
    const net = plen ? (a.value >> BigInt(128 - plen)) << BigInt(128 - plen) : 0n;
    out.push(24, 1 + words, plen, flags, ...be(0xffffffff, 4), ...be(net, 16).slice(0, words * 8));
  }
  return out;
}

function hostPort(s: string): { v6: boolean; ip: bigint; port: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(s) ?? /^([^:]+)(?::(\d+))?$/.exec(s);
  const ipText = m?.[1] ?? s;
  const a = parseIp(ipText);
  if (!a) throw new UnencodableAction(`invalid address ${s}`);
  return { v6: a.family === 6, ip: BigInt(a.value), port: m?.[2] ? Number(m[2]) : 0 };
}

const PROTO: Record<string, { num: number; dst: 'tcp_dst' | 'udp_dst' | 'sctp_dst' }> = {
  tcp: { num: 6, dst: 'tcp_dst' },
  udp: { num: 17, dst: 'udp_dst' },
  sctp: { num: 132, dst: 'sctp_dst' },
};

/** commit_lb_aff: learn a flow in the affinity table that maps client+VIP to the chosen backend. */
export function lbAffinityLearn(args: readonly KeyArg[], isSwitch: boolean): Action {
  const get = (k: string) => args.find((a) => a.key === k)?.value;
  const vip = hostPort(String(get('vip') ?? ''));
  const backend = hostPort(String(get('backend') ?? ''));
  const protoName = get('proto');
  const timeoutArg = get('timeout');
  const timeout = typeof timeoutArg === 'object' && 'value' in timeoutArg ? Number(timeoutArg.value) : 0;
  const sf = (field: Parameters<typeof whole>[0]) => whole(field);
  const specs: LearnSpec[] = [
    { type: 'match', dst: sf('metadata'), src: sf('metadata') },
    { type: 'match', dst: sf('eth_type'), value: vip.v6 ? 0x86ddn : 0x0800n },
    { type: 'match', dst: sf(vip.v6 ? 'ipv6_src' : 'ip_src'), src: sf(vip.v6 ? 'ipv6_src' : 'ip_src') },
    { type: 'match', dst: sf(vip.v6 ? 'ipv6_dst' : 'ip_dst'), value: vip.ip },
  ];
  if (vip.port) {
    const p = PROTO[typeof protoName === 'string' ? protoName : 'tcp'];
    if (!p) throw new UnencodableAction('invalid commit_lb_aff proto');
    specs.push({ type: 'match', dst: sf('nw_proto'), value: BigInt(p.num) });
    specs.push({ type: 'match', dst: sf(p.dst), value: BigInt(vip.port) });
  }
  specs.push({
    type: 'load',
    dst: { field: `reg${REG.flags}` as 'reg10', start: MLF.useLbAffSession, nBits: 1 },
    value: 1n,
  });
  specs.push({ type: 'load', dst: sf(backend.v6 ? (isSwitch ? 'xxreg0' : 'xxreg1') : 'reg4'), value: backend.ip });
  if (backend.port)
    specs.push({ type: 'load', dst: { field: 'reg8', start: 0, nBits: 16 }, value: BigInt(backend.port) });
  const learn: LearnAction = {
    type: 'learn',
    table: OFTABLE.chkLbAffinity,
    idleTimeout: timeout,
    deleteLearned: true,
    specs,
  };
  return learn;
}

const WIDTH: Record<string, number> = {
  metadata: 64,
  eth_type: 16,
  ip_src: 32,
  ip_dst: 32,
  ipv6_src: 128,
  ipv6_dst: 128,
  nw_proto: 8,
  tcp_dst: 16,
  udp_dst: 16,
  sctp_dst: 16,
  reg4: 32,
  xxreg0: 128,
  xxreg1: 128,
};

function whole(
  name:
    | 'metadata'
    | 'eth_type'
    | 'ip_src'
    | 'ip_dst'
    | 'ipv6_src'
    | 'ipv6_dst'
    | 'nw_proto'
    | 'tcp_dst'
    | 'udp_dst'
    | 'sctp_dst'
    | 'reg4'
    | 'xxreg0'
    | 'xxreg1',
) {
  return { field: name, start: 0, nBits: WIDTH[name]! };
}

/**
 * commit_ecmp_nh: two learn actions remembering, per connection, the ECMP next hop's MAC (keyed by the
 * original direction and source MAC) and the reply direction, for symmetric replies.
 */
export function ecmpNhLearns(args: readonly KeyArg[]): Action[] {
  const ipv6 = args.find((a) => a.key === 'ipv6')?.value === true;
  const protoName = args.find((a) => a.key === 'proto')?.value;
  const p = PROTO[typeof protoName === 'string' ? protoName : ''];
  if (!p) throw new UnencodableAction('invalid commit_ecmp_nh proto');
  const ports = { 6: ['tcp_src', 'tcp_dst'], 17: ['udp_src', 'udp_dst'], 132: ['sctp_src', 'sctp_dst'] } as const;
  const [srcPort, dstPort] = ports[p.num as 6 | 17 | 132];
  const f16 = (field: string) => ({ field: field as 'tcp_src', start: 0, nBits: 16 });
  const learn = (nwConn: boolean): LearnAction => {
    const [ipSrc, ipDst] = ipv6 ? (['ipv6_src', 'ipv6_dst'] as const) : (['ip_src', 'ip_dst'] as const);
    const specs: LearnSpec[] = [{ type: 'match', dst: whole('metadata'), src: whole('metadata') }];
    if (nwConn)
      specs.push({
        type: 'match',
        dst: { field: 'eth_src', start: 0, nBits: 48 },
        src: { field: 'eth_src', start: 0, nBits: 48 },
      });
    specs.push(
      { type: 'match', dst: whole('eth_type'), value: ipv6 ? 0x86ddn : 0x0800n },
      { type: 'match', dst: whole(ipSrc), src: whole(nwConn ? ipSrc : ipDst) },
      { type: 'match', dst: whole(ipDst), src: whole(nwConn ? ipDst : ipSrc) },
      { type: 'match', dst: whole('nw_proto'), value: BigInt(p.num) },
      { type: 'match', dst: f16(srcPort), src: f16(nwConn ? srcPort : dstPort) },
      { type: 'match', dst: f16(dstPort), src: f16(nwConn ? dstPort : srcPort) },
      {
        type: 'load',
        dst: { field: `reg${REG.flags}` as 'reg10', start: MLF.lookupCommitEcmpNh, nBits: 1 },
        value: 1n,
      },
    );
    return {
      type: 'learn',
      table: nwConn ? OFTABLE.ecmpNhMac : OFTABLE.ecmpNh,
      idleTimeout: 20,
      hardTimeout: 30,
      deleteLearned: true,
      specs,
    };
  };
  return [learn(true), learn(false)];
}

/** sample(): an OVS sample action; dropped (as in ovn-controller) when the collector set is not configured. */
export function sampleAction(
  args: readonly KeyArg[],
  dpKey: number,
  cookie: number,
  collectors: ReadonlySet<number> | undefined,
): Action[] {
  const num = (k: string) => {
    const v = args.find((a) => a.key === k)?.value;
    return typeof v === 'object' && 'value' in v ? v : undefined;
  };
  const collector = Number(num('collector_set')?.value ?? 0n);
  if (!collectors?.has(collector)) return [];
  const obsPoint = num('obs_point');
  const obsArg = args.find((a) => a.key === 'obs_point')?.value;
  const useCookie = typeof obsArg === 'object' && 'macro' in obsArg;
  return [
    {
      type: 'sample',
      probability: Number(num('probability')?.value ?? 0n),
      collectorSetId: collector,
      obsDomainId: ((Number(num('obs_domain')?.value ?? 0n) << 24) | (dpKey & 0xffffff)) >>> 0,
      obsPointId: useCookie ? cookie : Number(obsPoint?.value ?? 0n),
    },
  ];
}
