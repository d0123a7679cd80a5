// Fuzz: random and mutated match/action strings must either parse or fail with a positioned ExprError —
// never throw, never report an internal error. Deterministic (fixed seed).
import { describe, expect, it } from 'vitest';
import { Compiler, type DatapathContext } from './compile.js';
import { parseActions, parseMatch } from './parse.js';

const MATCHES = [
  'inport == "lr1-ls1" && arp.op == 1 && arp.tpa == 192.168.100.1 && arp.spa == 192.168.100.0/24',
  'nd || nd_rs || nd_ra || mldv1 || mldv2',
  'eth.mcast && inport == "lr1-ls1"',
  'ip6 && ip6.dst == fd00::1 && !ip.later_frag && tcp',
  '!ct.trk',
  'ct.est && ct_mark.blocked == 0',
  'outport == @pg_web && ip4.src == $as_admin && tcp.dst == {22, 80, 443}',
  'outport == @pg_web && tcp.dst >= 1000 && tcp.dst <= 1999',
  'ip && ct.new && ct.trk && reg0[6] == 1',
  'eth.src == {02:ac:10:ff:00:02} && (arp.op == 1 || rarp.op == 3 || nd_ns)',
  'flags[1] == 0 && nd_ns && nd.target == fe80::ac:10ff:feff:1',
  'ip4.dst == 10.0.0.200 && tcp && tcp.dst == 80 && is_chassis_resident("cr-lr0-ext")',
  'reg9[6] == 0 && ct.new && ip4 && reg0 == 172.16.0.100 && reg9[16..31] == 80',
  '1 < tcp.src < 4 && !(ip4.src == 10.0.0.0/8 || ip4.dst != 10.1.2.3)',
  'vlan.vid == 5 && eth.type == 0x8100 && xreg0[0..47] == 02:00:00:00:00:01',
];
const ACTIONS = [
  'put_arp(inport, arp.spa, arp.sha); next;',
  'eth.dst = eth.src; eth.src = xreg0[0..47]; arp.op = 2; /* ARP reply */ arp.tha = arp.sha; arp.tpa <-> arp.spa; outport = inport; flags.loopback = 1; output;',
  'tcp_reset {eth.dst <-> eth.src; ip6.dst <-> ip6.src; next; };',
  'reg0[3] = put_dhcp_opts(offerip = 192.168.100.10, lease_time = 3600, netmask = 255.255.255.0, router = 192.168.100.1);',
  'ct_commit { ct_mark.blocked = 0; ct_label.label = reg3; }; next;',
  'reg0[1] = 0; ct_lb_mark(backends=192.168.100.10:8080,[fd00::1]:80; hash_fields="ip_dst,ip_src"; skip_snat);',
  'ip.ttl--; reg8[0..15] = 0; xxreg0 = ip6.dst; xxreg1 = fe80::ac:10ff:feff:1; eth.src = 02:ac:10:ff:00:01; outport = "lr1-ls1"; next;',
  'icmp4_error {reg9[0] = 1; eth.dst = 02:ac:10:ff:01:02; ip4.dst = ip4.src; icmp4.frag_mtu = 1400; next(pipeline=ingress, table=0); };',
  'reg0[5] = put_nd_ra_opts(addr_mode = "dhcpv6_stateful", slla = 02:ac:10:ff:01:01, prefix = fd10::/64); next;',
  'commit_lb_aff(vip = "172.16.0.100:80", backend = "10.0.0.10:80", proto = tcp, timeout = 60); /* drop */',
  'log(name="acl1", severity=info, verdict=allow, meter="m1"); next;',
  'reg8[16..31] = select(1, 2=50); clone { outport = "ls1-lr1"; output; }; drop;',
  'ct_dnat(10.0.0.10, 8000-9000); ct_snat_in_czone(172.16.0.1); ct_commit_nat;',
  'trigger_event(event = "empty_lb_backends", vip = "10.0.0.200:80", protocol = "tcp", load_balancer = "x");',
];
const TOKENS = [
  ' ',
  '&&',
  '||',
  '!',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  '..',
  '==',
  '!=',
  '<',
  '<=',
  '>=',
  '=',
  '<->',
  '--',
  ';',
  ',',
  '"',
  '$',
  '@',
  '/',
  '*',
  ':',
  '.',
  '0',
  '1',
  '0x',
  '255',
  'ip4',
  'reg0',
  'inport',
  'next',
  'output',
  'ct_lb',
  'fd00::',
  '10.0.0.1',
  'ff:ff:ff:ff:ff:ff',
  '\\',
  '\n',
  '\u00e9',
  '#',
];

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(s: string, r: () => number): string {
  let out = s;
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * (out.length + 1));
    const tok = TOKENS[Math.floor(r() * TOKENS.length)]!;
    switch (Math.floor(r() * 5)) {
      case 0:
        out = out.slice(0, at) + tok + out.slice(at);
        break;
      case 1:
        out = out.slice(0, at) + out.slice(at + 1 + Math.floor(r() * 6));
        break;
      case 2:
        out = out.slice(0, at) + tok + out.slice(at + 1);
        break;
      case 3: {
        const from = Math.floor(r() * out.length);
        out = out.slice(0, at) + out.slice(from, from + Math.floor(r() * 12)) + out.slice(at);
        break;
      }
      default:
        out = out.slice(0, at) + String.fromCharCode(Math.floor(r() * 128)) + out.slice(at);
    }
  }
  return out;
}

function random(r: () => number): string {
  let s = '';
  const n = Math.floor(r() * 12);
  for (let i = 0; i < n; i++) s += TOKENS[Math.floor(r() * TOKENS.length)]! + (r() < 0.5 ? ' ' : '');
  return s;
}

const env = {
  addressSet: (n: string) => (n === 'as_admin' ? ['10.0.0.1', '10.1.0.0/16'] : undefined),
  portGroup: (n: string) => (n.endsWith('pg_web') ? ['vm1', 'vm2'] : undefined),
  dpKey: 1,
};

const dp: DatapathContext = {
  dpKey: 1,
  isSwitch: true,
  lookupPort: (n) => ({ vm1: 1, vm2: 2 })[n],
  isChassisResident: () => true,
  addressSet: env.addressSet,
  portGroup: env.portGroup,
  groupId: () => 1,
};

const KINDS = new Set(['lex', 'syntax', 'type', 'symbol', 'compile']);

describe('fuzz', () => {
  it('100k random and mutated strings give only positioned parse errors', () => {
    const r = rng(0x0e1f);
    const compiler = new Compiler();
    let ok = 0;
    let failed = 0;
    // Collected rather than asserted one by one: expect() per iteration would dominate the run time.
    const violations: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      const kind = i % 2 === 0 ? 'match' : 'actions';
      const seeds = kind === 'match' ? MATCHES : ACTIONS;
      const text = r() < 0.8 ? mutate(seeds[Math.floor(r() * seeds.length)]!, r) : random(r);
      const res =
        kind === 'match'
          ? parseMatch(text, env)
          : parseActions(text, { ...env, pipeline: 'ingress', table: Math.floor(r() * 28) });
      if (res.ok) {
        ok++;
        // Parsed matches must also compile without internal errors (a bounded sample keeps this fast).
        if (kind === 'match' && i % 16 === 0) {
          const c = compiler.compile(
            {
              uuid: '00000000-0000-0000-0000-000000000000',
              pipeline: 'ingress',
              table: 0,
              priority: 1,
              match: text,
              actions: 'next;',
            },
            dp,
          );
          if (!c.ok && /internal error/.test(c.error.message)) violations.push(`${text}: ${c.error.message}`);
        }
        continue;
      }
      failed++;
      const e = res.error;
      if (/internal error/.test(e.message) || e.pos < 0 || e.pos > text.length || !KINDS.has(e.kind))
        violations.push(`${text}: ${e.kind} ${e.pos} ${e.message}`);
    }
    expect(violations).toEqual([]);
    // Both outcomes must be well represented, or the fuzzer is not exercising the parser.
    expect(ok).toBeGreaterThan(2_000);
    expect(failed).toBeGreaterThan(20_000);
  });
});
