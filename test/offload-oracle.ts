// The acceptance oracle for @ovnts/offload: judges raw `ovs-appctl ofproto/trace --ct-next` output per NIC
// profile with rules written here, apart from the pass (it imports nothing from @ovnts/offload), straight
// from OVS v3.1.0 facts:
//  - a flow ofproto/trace reports as "handled by the userspace slow path" is installed as userspace(slow_path):
//    no offload provider sees it (lib/odp-util.c commit_set_{arp,icmp,nd}_action return SLOW_ACTION);
//  - TC (lib/netdev-offload-tc.c): refuses hash, userspace, sample, clone (other than an encap), ct helpers,
//    dp_hash / ND / pkt_mark / IPv6-fragment matches; check_pkt_len needs both branches offloadable; act_ct
//    offloads a connection once established, so a new connection's ct is partial; mlx5: one ct per rule,
//    ConnectX-5: no meters, no Geneve option matches;
//  - rte_flow (lib/netdev-offload-dpdk.c): only the first pass meets the NIC; a match with ct/dp_hash/ARP/ND/
//    Geneve-option/pkt_mark fields does not parse (not offloaded); otherwise actions beyond output, vlan,
//    eth/ip/l4 rewrites and tunnel push fall back to MARK+RSS (partial), except on a tunnel in-port.
// Reasons use the report's vocabulary (`action hash`, `match nd`, `slow_path set(arp)`, `limit ct x2`) so
// the test can compare them; the first blocker wins (passes in order; in a pass: slow path, matches, per-rule
// limits, actions), else the first partial finding.

export type OracleVerdict = 'offloadable' | 'partial' | 'not';
export type OracleProfile = 'tc-flower' | 'mlx5-cx5' | 'mlx5-cx6dx' | 'dpdk-rte-flow';
export interface OracleResult {
  readonly verdict: OracleVerdict;
  readonly reason: string;
}

interface RawPass {
  readonly megaflow: string;
  readonly actions: string;
  readonly slow: boolean;
  /** The OpenFlow translation paused at a controller action (ofproto/trace leaves the userspace action out). */
  readonly paused: boolean;
}

export function rawPasses(trace: string): RawPass[] {
  const out: RawPass[] = [];
  let megaflow = '';
  let paused = false;
  for (const line of trace.split('\n')) {
    if (/^\s+controller\(.*\bpause\b/.test(line)) paused = true;
    else if (line.startsWith('Megaflow: ')) megaflow = line.slice(10);
    else if (line.startsWith('Datapath actions: ')) {
      out.push({ megaflow, actions: line.slice(18).trim(), slow: false, paused });
      paused = false;
    } else if (line.startsWith('This flow is handled by the userspace slow path') && out.length > 0)
      out[out.length - 1] = { ...out[out.length - 1]!, slow: true };
  }
  return out;
}

function split(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) parts.push(cur.trim());
  return parts;
}

const inner = (tok: string) => tok.slice(tok.indexOf('(') + 1, tok.lastIndexOf(')'));
const name = (tok: string) => (tok.includes('(') ? tok.slice(0, tok.indexOf('(')) : tok);

interface Act {
  readonly key: string; // report vocabulary: ct(commit,nat), set(eth), userspace(controller), hash…
  readonly kind: string;
}

/** Datapath actions as a flat list (check_pkt_len branches per `branch`; encap clones read as the encap). */
function acts(text: string, branch: 'both' | 'gt'): Act[] {
  if (text === 'drop' || text === '') return [];
  const out: Act[] = [];
  for (const tok of split(text)) {
    const n = name(tok);
    if (/^\d+$/.test(n)) out.push({ key: 'output', kind: 'output' });
    else if (n === 'drop') continue;
    else if (n === 'set' || n === 'masked_set') out.push({ key: `set(${name(inner(tok))})`, kind: 'set' });
    else if (n === 'ct') {
      const args = split(inner(tok)).map(name);
      const flags = ['commit', 'nat', 'helper'].filter((f) =>
        f === 'commit' ? args.includes('commit') || args.includes('force_commit') : args.includes(f),
      );
      out.push({
        key: flags.length ? `ct(${flags.join(',')})` : 'ct',
        kind: flags.includes('helper') ? 'ct_helper' : 'ct',
      });
    } else if (n === 'userspace') {
      const a = inner(tok);
      const why = /controller\(/.test(a) ? 'controller' : /slow_path\(/.test(a) ? 'slow_path' : 'other';
      out.push({ key: `userspace(${why})`, kind: 'userspace' });
    } else if (n === 'check_pkt_len') {
      const args = split(inner(tok));
      const size = /size=(\d+)/.exec(tok)?.[1] ?? '0';
      const br = (b: string) => inner(args.find((x) => x.startsWith(`${b}(`)) ?? `${b}()`);
      if (branch === 'gt') out.push(...acts(br('gt'), branch));
      else
        out.push(
          { key: `check_pkt_len(size=${size})`, kind: 'check_pkt_len' },
          ...acts(br('gt'), branch),
          ...acts(br('le'), branch),
        );
    } else if (n === 'clone' && inner(tok).startsWith('tnl_push('))
      out.push({ key: 'set(tunnel)', kind: 'encap' }, { key: 'output', kind: 'output' });
    else if (n === 'tnl_push') out.push({ key: 'set(tunnel)', kind: 'encap' }, { key: 'output', kind: 'output' });
    else out.push({ key: n, kind: n });
  }
  return out;
}

/** Megaflow fields that matter, in the report's order. */
function matchTraits(megaflow: string): string[] {
  const keys = split(megaflow).map((t) => t.split('=')[0]!);
  const vals = new Map(split(megaflow).map((t) => [t.split('=')[0]!, t.split('=')[1] ?? '']));
  const t: string[] = [];
  if (keys.includes('recirc_id') && !/^(0x)?0+$/.test(vals.get('recirc_id')!)) t.push('recirc_id');
  if (keys.some((k) => /^ct_(state|zone|mark|label)$/.test(k))) t.push('ct_state');
  if (keys.includes('dp_hash')) t.push('dp_hash');
  if (keys.some((k) => k === 'arp' || k.startsWith('arp_'))) t.push('arp');
  if (keys.some((k) => k.startsWith('nd_'))) t.push('nd');
  if (keys.some((k) => k.startsWith('tun_') && !k.startsWith('tun_metadata'))) t.push('tunnel');
  if (keys.some((k) => k.startsWith('tun_metadata'))) t.push('tun_metadata');
  if (keys.includes('pkt_mark')) t.push('pkt_mark');
  return t;
}

type Finding = { readonly support: 'partial' | 'none'; readonly reason: string };

const SLOW_SETS = ['set(arp)', 'set(nd)', 'set(icmp)', 'set(icmpv6)'];

function slowFinding(list: readonly Act[]): Finding {
  const s = list.find((a) => SLOW_SETS.includes(a.key));
  return { support: 'none', reason: `slow_path ${s ? s.key : 'flow'}` };
}

function tcPass(profile: OracleProfile, p: RawPass, list: readonly Act[], scenario: string): Finding[] {
  if (p.slow) return [slowFinding(list)];
  const out: Finding[] = [];
  const refusedMatches = ['dp_hash', 'nd', 'pkt_mark', ...(profile === 'mlx5-cx5' ? ['tun_metadata'] : [])];
  for (const t of matchTraits(p.megaflow))
    if (refusedMatches.includes(t)) out.push({ support: 'none', reason: `match ${t}` });
  const cts = list.filter((a) => a.kind === 'ct' || a.kind === 'ct_helper').length;
  if (profile !== 'tc-flower' && cts > 1) out.push({ support: 'none', reason: `limit ct x${cts}` });
  for (const a of list) {
    if (
      ['hash', 'userspace', 'sample', 'clone', 'ct_helper', 'trunc'].includes(a.kind) ||
      (a.kind === 'set' &&
        !['set(eth)', 'set(ipv4)', 'set(ipv6)', 'set(tcp)', 'set(udp)', 'set(tunnel)'].includes(a.key))
    )
      out.push({ support: 'none', reason: `action ${a.key}` });
    else if (a.kind === 'meter' && profile === 'mlx5-cx5') out.push({ support: 'none', reason: `action ${a.key}` });
    else if (a.kind === 'ct' && scenario === 'new') out.push({ support: 'partial', reason: `action ${a.key}` });
  }
  if (p.paused && !list.some((a) => a.kind === 'userspace'))
    out.push({ support: 'none', reason: 'action userspace(controller)' });
  return out;
}

const DPDK_ACTIONS = new Set(['output', 'push_vlan', 'pop_vlan', 'encap']);
const DPDK_SETS = new Set(['set(eth)', 'set(ipv4)', 'set(ipv6)', 'set(tcp)', 'set(udp)', 'set(tunnel)']);

function dpdkFirstPass(p: RawPass, list: readonly Act[], tunnelIn: boolean): OracleResult {
  if (p.slow) return { verdict: 'not', reason: slowFinding(list).reason };
  const refused = matchTraits(p.megaflow).filter((t) =>
    ['recirc_id', 'ct_state', 'dp_hash', 'arp', 'nd', 'tun_metadata', 'pkt_mark'].includes(t),
  );
  if (refused.length) return { verdict: 'not', reason: `match ${refused[0]}` };
  const all =
    p.paused && !list.some((a) => a.kind === 'userspace')
      ? [...list, { key: 'userspace(controller)', kind: 'userspace' }]
      : list;
  const bad = all.find((a) => !(DPDK_ACTIONS.has(a.kind) || (a.kind === 'set' && DPDK_SETS.has(a.key))));
  // No MARK+RSS fallback for a packet from a tunnel (netdev_offload_dpdk_add_flow: vport in-port).
  if (bad && tunnelIn) return { verdict: 'not', reason: `action ${bad.key}` };
  if (matchTraits(p.megaflow).includes('tunnel')) return { verdict: 'partial', reason: 'match tunnel' };
  if (bad) return { verdict: 'partial', reason: `action ${bad.key}` };
  return { verdict: 'offloadable', reason: '' };
}

/**
 * One scenario of one class: `trace` is the ofproto/trace output; `oversize` judges only the check_pkt_len
 * "greater" branch (and stops at the pass that checks); `scenario` is new/est/reply.
 */
export function oracle(
  trace: string,
  profile: OracleProfile,
  scenario: 'new' | 'est' | 'reply',
  oversize: boolean,
): OracleResult {
  let passes = rawPasses(trace);
  if (oversize) {
    const k = passes.findIndex((p) => p.actions.includes('check_pkt_len('));
    if (k >= 0) passes = passes.slice(0, k + 1);
  }
  const lists = passes.map((p) => acts(p.actions, oversize ? 'gt' : 'both'));
  if (profile === 'dpdk-rte-flow') {
    const tunnelIn = matchTraits(passes[0]!.megaflow).some((t) => t === 'tunnel' || t === 'tun_metadata');
    return dpdkFirstPass(passes[0]!, lists[0]!, tunnelIn);
  }
  const findings = passes.flatMap((p, i) => tcPass(profile, p, lists[i]!, scenario));
  const block = findings.find((f) => f.support === 'none');
  if (block) return { verdict: 'not', reason: block.reason };
  const part = findings.find((f) => f.support === 'partial');
  return part ? { verdict: 'partial', reason: part.reason } : { verdict: 'offloadable', reason: '' };
}
