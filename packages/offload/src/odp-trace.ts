// Parser for `ovs-appctl ofproto/trace` output: each "Megaflow:" / "Datapath actions:" pair is one pass
// (one recirculation). Used to compare our translation with the real datapath, and by tools that have traces.
import type { DpAction, DpPass, MatchTrait, SetTarget, SlowReason } from './datapath.js';
import { OffloadError } from './errors.js';

/** Split on top-level commas (parentheses nest). */
export function splitTop(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** `name(args)` → [name, args]; bare words give args ''. */
function head(tok: string): [string, string] {
  const i = tok.indexOf('(');
  if (i < 0) return [tok, ''];
  return [tok.slice(0, i), tok.slice(i + 1, tok.lastIndexOf(')'))];
}

const SET_TARGETS: Readonly<Record<string, SetTarget>> = {
  eth: 'eth',
  ipv4: 'ipv4',
  ipv6: 'ipv6',
  tcp: 'tcp',
  udp: 'udp',
  sctp: 'sctp',
  icmp: 'icmp',
  icmpv6: 'icmpv6',
  arp: 'arp',
  nd: 'nd',
  tunnel: 'tunnel',
  skb_mark: 'skb_mark',
  skb_priority: 'skb_priority',
};

/** Parse an ODP action list as ofproto/trace prints it. */
export function parseOdpActions(text: string): DpAction[] {
  const t = text.trim();
  if (t === '' || t === 'drop') return [];
  const out: DpAction[] = [];
  for (const tok of splitTop(t)) {
    const [name, args] = head(tok);
    if (/^\d+$/.test(name)) out.push({ kind: 'output', port: name });
    else if (name === 'drop') continue;
    else if (name === 'set') {
      const [inner] = head(args);
      out.push({ kind: 'set', target: SET_TARGETS[inner] ?? 'other' });
    } else if (name === 'ct') {
      const parts = splitTop(args).map((p) => head(p)[0]);
      out.push({
        kind: 'ct',
        commit: parts.includes('commit') || parts.includes('force_commit'),
        nat: parts.includes('nat'),
        helper: parts.some((p) => p.startsWith('helper')),
      });
    } else if (name === 'ct_clear' || name === 'recirc' || name === 'hash') out.push({ kind: name });
    else if (name === 'userspace') {
      const why = /controller\(/.test(args)
        ? 'controller'
        : /slow_path\(/.test(args)
          ? 'slow_path'
          : /(sFlow|flow_sample|ipfix)\(/.test(args)
            ? 'sample'
            : 'other';
      out.push({ kind: 'userspace', why });
    } else if (name === 'check_pkt_len') {
      const parts = splitTop(args);
      const size = Number(/size=(\d+)/.exec(args)?.[1] ?? 0);
      const branch = (b: string) => head(parts.find((p) => p.startsWith(`${b}(`)) ?? `${b}()`)[1];
      out.push({ kind: 'check_pkt_len', size, gt: parseOdpActions(branch('gt')), le: parseOdpActions(branch('le')) });
    } else if (name === 'clone') {
      const body = parseOdpActions(args);
      // Userspace native tunnelling wraps an encap that is not the last action in clone(tnl_push(…),out);
      // the kernel datapath says the same with set(tunnel),output. Normalise to the latter.
      if (
        /^tnl_push\(/.test(args) &&
        body.every((a) => a.kind === 'output' || (a.kind === 'set' && a.target === 'tunnel'))
      )
        out.push(...body);
      else out.push({ kind: 'clone', actions: body });
    } else if (name === 'tnl_push') {
      // Userspace-datapath encap; normalised to what the kernel datapath does (set(tunnel) then output).
      out.push({ kind: 'set', target: 'tunnel' });
      const port = /out_port\((\d+)\)/.exec(args)?.[1];
      out.push(port === undefined ? { kind: 'output' } : { kind: 'output', port });
    } else if (['push_vlan', 'pop_vlan', 'meter', 'sample', 'trunc', 'tnl_pop', 'push_mpls', 'pop_mpls'].includes(name))
      out.push({ kind: name as 'meter', detail: args || undefined });
    else out.push({ kind: 'other', detail: tok });
  }
  return out;
}

/** Match traits from a "Megaflow:" line (OpenFlow-style `k=v` list). */
export function megaflowTraits(text: string): Set<MatchTrait> {
  const s = new Set<MatchTrait>();
  for (const tok of splitTop(text)) {
    const [k, v = ''] = tok.split('=', 2) as [string, string?];
    if (k === 'recirc_id' && !/^0x0*$|^0$/.test(v)) s.add('recirc_id');
    else if (k.startsWith('ct_') && k !== 'ct_nw_proto') s.add('ct_state');
    else if (k === 'dp_hash') s.add('dp_hash');
    else if (k === 'arp' || k.startsWith('arp_')) s.add('arp');
    else if (k.startsWith('nd_')) s.add('nd');
    else if (k.startsWith('tun_metadata')) s.add('tun_metadata');
    else if (k.startsWith('tun_')) s.add('tunnel');
    else if (k === 'pkt_mark') s.add('pkt_mark');
  }
  return s;
}

/**
 * All passes of one ofproto/trace output, in order.
 *
 * One correction: a pausing controller action (OVN's put_dhcp_opts, icmp4 errors…) becomes a userspace
 * action with a continuation only when the translation may have side effects; ofproto/trace has none, so it
 * prints the pass without it (OVS v3.1.0 ofproto-dpif-xlate.c finish_freezing()). We add it back so the
 * trace says what the datapath does.
 */
export function parseTrace(text: string): DpPass[] {
  const passes: DpPass[] = [];
  let megaflow: string | undefined;
  let paused = false;
  let slowFor: number | undefined;
  for (const line of text.split('\n')) {
    if (/^\s+controller\(.*\bpause\b.*\)\s*$/.test(line)) paused = true;
    else if (line.startsWith('Megaflow: ')) megaflow = line.slice('Megaflow: '.length);
    else if (line.startsWith('Datapath actions: ')) {
      const actions = parseOdpActions(line.slice('Datapath actions: '.length));
      if (paused && !actions.some((a) => a.kind === 'userspace'))
        actions.push({ kind: 'userspace', why: 'controller' });
      passes.push({ matches: megaflowTraits(megaflow ?? ''), actions });
      megaflow = undefined;
      paused = false;
      slowFor = undefined;
    } else if (line.startsWith('This flow is handled by the userspace slow path')) slowFor = passes.length - 1;
    else if (slowFor !== undefined && /^\s+- /.test(line)) {
      // The reasons of OVS's slow_path_reason, as ofproto/trace prints them under the pass.
      const why: SlowReason = /not supported by datapath/.test(line) ? 'action' : 'other';
      const p = passes[slowFor]!;
      if (!p.slow || (p.slow === 'other' && why === 'action')) passes[slowFor] = { ...p, slow: why };
    }
  }
  if (passes.length === 0) throw new OffloadError('bad-trace', 'no "Datapath actions:" line in the trace output');
  return passes;
}
