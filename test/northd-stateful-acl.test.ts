// Parity of ACLs, port groups and address sets with the real ovn-northd 23.03: identical ovn-trace
// verdicts on both SBs for new and established connections (`--ct`), the same SB Port_Group and
// Address_Set rows; the flow-level diff against the real lflow-list is printed.
import { describe, expect, it } from 'vitest';
import { useSandbox, routerPortArgs, localnetPortArgs } from '@ovnts/test-harness';
import { formatFlowDiff, runParityCase, type ParityCase, type TracePacket, packets as P } from '@ovnts/northd/testing';

const vm = (port: string, mac: string, ip: string): P.Host => ({ port, mac, ip });
const lsp = (ls: string, name: string, h: P.Host) => [
  'lsp-add',
  ls,
  name,
  '--',
  'lsp-set-addresses',
  name,
  `${h.mac} ${h.ip}`,
];
const R1 = '02:ac:10:ff:00:01';
const a1 = vm('a1', '02:ac:10:00:00:11', '10.0.1.11');
const a2 = vm('a2', '02:ac:10:00:00:12', '10.0.1.12');
const a3 = vm('a3', '02:ac:10:00:00:13', '10.0.1.13');
const b1 = vm('b1', '02:ac:10:00:01:11', '10.0.2.11');

const NEW = ['new'];
const EST = ['est', 'est', 'est', 'est'];
/** Every packet traced as a new connection and as an established one. */
const both = (dp: string, flow: string): TracePacket[] => [
  { dp, flow, ct: NEW },
  { dp, flow, ct: EST },
];

const base: string[][] = [
  ['ls-add', 'ls1'],
  ['ls-add', 'ls2'],
  ['lr-add', 'lr1'],
  lsp('ls1', 'a1', a1),
  lsp('ls1', 'a2', a2),
  lsp('ls1', 'a3', a3),
  lsp('ls2', 'b1', b1),
  ['lrp-add', 'lr1', 'lr1-ls1', R1, '10.0.1.1/24'],
  routerPortArgs('ls1', 'ls1-lr1', 'lr1-ls1'),
  ['lrp-add', 'lr1', 'lr1-ls2', '02:ac:10:ff:01:01', '10.0.2.1/24'],
  routerPortArgs('ls2', 'ls2-lr1', 'lr1-ls2'),
  localnetPortArgs('ls1', 'ln1', 'phys'),
];

const CASES: readonly ParityCase[] = [
  {
    name: 'port group + address set: allow-related, drop, reject, allow-stateless',
    nbctl: [
      ...base,
      ['pg-add', 'pg_web', 'a1', 'a2'],
      ['create', 'Address_Set', 'name=as_clients', 'addresses="10.0.1.13","10.0.2.0/24"'],
      ['acl-add', 'pg_web', 'to-lport', '1002', 'outport == @pg_web && ip4.src == $as_clients', 'allow-related'],
      ['acl-add', 'pg_web', 'to-lport', '1001', 'outport == @pg_web && ip4', 'drop'],
      ['acl-add', 'ls1', 'from-lport', '1003', 'inport == "a3" && tcp.dst == 22', 'reject'],
      ['acl-add', 'ls1', 'from-lport', '1004', 'inport == "a3" && udp', 'allow-stateless'],
      ['acl-add', 'pg_web', 'from-lport', '1000', 'inport == @pg_web && ip4.dst == $pg_web_ip4', 'allow'],
    ],
    packets: [
      ...both('ls1', P.icmp4(a3, a1.mac, a1.ip)),
      ...both('ls1', P.icmp4(a2, a1.mac, a1.ip)),
      ...both('ls1', P.icmp4(a1, a3.mac, a3.ip)),
      ...both('ls1', P.tcp4(a3, a1.mac, a1.ip, 22)),
      ...both('ls1', P.tcp4(a3, a1.mac, a1.ip, 80)),
      ...both('ls1', P.udp4(a3, a1.mac, a1.ip)),
      ...both('ls2', P.icmp4(b1, '02:ac:10:ff:01:01', a1.ip)),
      ...both('ls2', P.tcp4(b1, '02:ac:10:ff:01:01', a2.ip)),
      ...both('ls1', P.icmp4(vm('ln1', '02:00:00:00:00:99', '10.0.1.99'), a1.mac, a1.ip)),
      { dp: 'ls1', flow: P.arpRequest(a3, a1.ip) },
      { dp: 'ls1', flow: P.icmp4(a3, a1.mac, a1.ip), ct: ['inv'] },
      { dp: 'ls1', flow: P.icmp4(a2, a1.mac, a1.ip), ct: ['est', 'est', 'est+rpl', 'est+rpl'] },
      { dp: 'ls1', flow: P.icmp4(a2, a1.mac, a1.ip), ct: ['rel', 'rel', 'rel', 'rel'] },
    ],
  },
  {
    name: 'stateless ACLs only: drop, reject, allow (no conntrack)',
    nbctl: [
      ...base,
      ['pg-add', 'pg_db', 'a2'],
      ['acl-add', 'pg_db', 'to-lport', '200', 'outport == @pg_db && tcp.dst == 5432', 'allow'],
      ['acl-add', 'pg_db', 'to-lport', '100', 'outport == @pg_db && ip', 'drop'],
      ['acl-add', 'ls1', 'from-lport', '300', 'inport == "a3" && icmp4', 'reject'],
      [
        '--log',
        '--name=audit',
        '--severity=warning',
        'acl-add',
        'ls1',
        'from-lport',
        '250',
        'inport == "a1" && udp',
        'drop',
      ],
    ],
    packets: [
      { dp: 'ls1', flow: P.tcp4(a1, a2.mac, a2.ip, 5432) },
      { dp: 'ls1', flow: P.tcp4(a1, a2.mac, a2.ip, 80) },
      { dp: 'ls1', flow: P.icmp4(a1, a2.mac, a2.ip) },
      { dp: 'ls1', flow: P.icmp4(a3, a1.mac, a1.ip) },
      { dp: 'ls1', flow: P.udp4(a1, a3.mac, a3.ip) },
      { dp: 'ls1', flow: P.icmp4(a1, a3.mac, a3.ip) },
      { dp: 'ls2', flow: P.icmp4(b1, '02:ac:10:ff:01:01', a2.ip) },
    ],
  },
  {
    name: 'labels, logging, apply-after-lb, port group spanning two switches',
    nbctl: [
      ...base,
      ['pg-add', 'pg_all', 'a1', 'b1'],
      [
        '--label=1234',
        '--log',
        '--severity=info',
        'acl-add',
        'pg_all',
        'to-lport',
        '1000',
        'outport == @pg_all && icmp4',
        'allow-related',
      ],
      ['--label=77', 'acl-add', 'pg_all', 'from-lport', '900', 'inport == @pg_all && ip4', 'allow'],
      ['--apply-after-lb', 'acl-add', 'ls1', 'from-lport', '800', 'inport == "a3" && udp.dst == 53', 'drop'],
      ['acl-add', 'ls2', 'to-lport', '100', 'outport == "b1" && tcp', 'reject'],
    ],
    packets: [
      ...both('ls1', P.icmp4(a3, a1.mac, a1.ip)),
      ...both('ls1', P.icmp4(a1, a3.mac, a3.ip)),
      ...both('ls1', P.udp4(a3, a1.mac, a1.ip)),
      ...both('ls1', P.tcp4(a1, R1, b1.ip)),
      ...both('ls2', P.icmp4(b1, '02:ac:10:ff:01:01', a1.ip)),
    ],
  },
];

describe('stateful parity: ACLs, port groups, address sets', () => {
  const sandbox = useSandbox();
  for (const c of CASES) {
    it(`${c.name}: identical ovn-trace verdicts`, async () => {
      const r = await runParityCase(sandbox(), c);
      console.log(formatFlowDiff(c.name, r));
      expect(r.compiled.diagnostics).toEqual([]);
      expect(r.bindings.ours).toEqual(r.bindings.real);
      for (const v of r.verdicts) expect({ ...v.packet, verdict: v.ours }).toEqual({ ...v.packet, verdict: v.real });
    });
  }
});
