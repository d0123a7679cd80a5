// Parity of native DNS and DHCPv6 on switches against the real ovn-northd 23.03: the flows (DNS lookup and
// response, DHCPv6 options and response, the egress ACL exceptions for the answers), which of them carry
// the CoPP meters `dns` and `dhcpv6-opts`, and the SB DNS rows (records, switches, external_ids:dns_id) —
// compiled, and written by the daemon round after round and after a restart.
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { formatFlowDiff, runParityCase, startOvntsNorthd } from '@ovnts/northd/testing';

const vm = (sw: string, name: string, addresses: string) => [
  ['lsp-add', sw, name],
  ['lsp-set-addresses', name, addresses],
];

/** `ovn-nbctl` arguments creating a DNS row named `name` (external_ids:name) and adding it to switches. */
const dns = (name: string, records: string, switches: readonly string[]) => [
  '--',
  `--id=@${name}`,
  'create',
  'DNS',
  `records=${records}`,
  `external_ids:name=${name}`,
  ...switches.flatMap((sw) => ['--', 'add', 'Logical_Switch', sw, 'dns_records', `@${name}`]),
];

const dhcp6 = (name: string, cidr: string, options: readonly string[], ports: readonly string[]) => [
  '--',
  `--id=@${name}`,
  'create',
  'DHCP_Options',
  `cidr="${cidr}"`,
  ...options.map((o) => `options:${o}`),
  ...ports.flatMap((p) => ['--', 'set', 'Logical_Switch_Port', p, `dhcpv6_options=@${name}`]),
];

const switches = [
  ['ls-add', 'sw1'],
  ['ls-add', 'sw2'],
  ['ls-add', 'sw3'],
  ...vm('sw1', 'vm1', '00:00:00:00:01:01 10.0.0.4 fd01::4'),
  ...vm('sw1', 'vm2', '00:00:00:00:01:02 10.0.0.5 fd01::5 fd02::5'),
  ...vm('sw2', 'vm3', '00:00:00:00:02:03 10.0.1.3 fd01::13'),
];

describe('parity: native DNS', () => {
  const sandbox = useSandbox();
  const cases: [string, string[][]][] = [
    [
      'records on two switches (one stateful), a row without records, a metered lookup',
      [
        dns('d1', '{"VM1.ovn.org"="10.0.0.4 FD01::4", vm2="10.0.0.5"}', ['sw1', 'sw2']),
        // No records: an SB row, but no flows on sw3 (sw1 has d1's).
        dns('d2', '{}', ['sw1', 'sw3']),
        ['acl-add', 'sw2', 'from-lport', '1001', 'tcp', 'allow-related'],
        ['meter-add', 'm1', 'drop', '10', 'pktps'],
        ['copp-add', 'c1', 'dns', 'm1'],
        ['ls-copp-add', 'c1', 'sw1'],
      ],
    ],
    ['a DNS row named by no switch: no SB row', [['create', 'DNS', 'records={a="10.0.0.9"}']]],
  ];
  for (const [name, extra] of cases) {
    it(name, async () => {
      const r = await runParityCase(sandbox(), { name, nbctl: [...switches, ...extra], packets: [] });
      console.log(formatFlowDiff(name, r));
      expect({ missing: r.missing, extra: r.extra }).toEqual({ missing: [], extra: [] });
      expect(r.bindings.ours).toEqual(r.bindings.real);
      expect(r.meteredFlows.ours).toEqual(r.meteredFlows.real);
      expect(r.realFlows).toBe(r.ourFlows);
      const dnsRows = (r.bindings.real as { dns: unknown[] }).dns;
      expect(dnsRows.length).toBe(name.startsWith('records') ? 2 : 0);
      if (name.startsWith('records')) expect(r.meteredFlows.ours.some((l) => l.includes('dns_lookup'))).toBe(true);
    });
  }

  it(
    'ovnts-northd writes the DNS rows and flows the real one writes, step by step and after a restart',
    { timeout: 240_000 },
    async () => {
      const sb = sandbox();
      const { nb: nb1, sb: sb1 } = await sb.startCentral();
      const nb2 = await sb.startDb('nb', { name: 'nb2' });
      const sb2 = await sb.startDb('sb', { name: 'sb2' });
      await sb.runOk('ovn-nbctl', [`--db=${nb2.remotes.unix}`, 'init']);
      await sb.startRealNorthd(nb1.remotes.unix, sb1.remotes.unix);
      let ours = await startOvntsNorthd(sb, nb2.remotes.unix, sb2.remotes.unix);

      // `{dN}` stands for the UUID of the NB DNS row named dN in the NB the step runs on.
      const steps: string[][][] = [
        [...switches, dns('d1', '{a="10.0.0.4"}', ['sw1'])],
        [['set', 'DNS', '{d1}', 'records:B="10.0.0.5 FD01::5"'], dns('d2', '{}', ['sw2'])],
        [dns('d3', '{c="10.0.1.3"}', ['sw2', 'sw3'])],
        [['remove', 'DNS', '{d3}', 'records', 'c']],
        [['clear', 'Logical_Switch', 'sw1', 'dns_records']],
        [['destroy', 'DNS', '{d3}']],
      ];
      const resolve = async (remote: string, args: string[]) => {
        const out: string[] = [];
        for (const a of args) {
          const m = /^\{(\w+)\}$/.exec(a);
          out.push(
            m
              ? (
                  await sb.runOk('ovn-nbctl', [
                    `--db=${remote}`,
                    '--bare',
                    '--columns=_uuid',
                    'find',
                    'DNS',
                    `external_ids:name=${m[1]}`,
                  ])
                ).trim()
              : a,
          );
        }
        return out;
      };
      /** Each SB DNS row named by its NB row's name, with its switches named; the DNS flows. */
      const summary = async (nbRemote: string, sbRemote: string) => {
        const nbDns = await sb.runOk('ovn-nbctl', [
          `--db=${nbRemote}`,
          '--format=csv',
          '--data=bare',
          '--no-headings',
          '--columns=_uuid,external_ids',
          'list',
          'DNS',
        ]);
        const nameOf = new Map(
          nbDns
            .trim()
            .split('\n')
            .filter(Boolean)
            .map((l) => [l.split(',')[0]!, /name=(\w+)/.exec(l)?.[1] ?? '?'] as const),
        );
        const dps = await sb.runOk('ovn-sbctl', [
          `--db=${sbRemote}`,
          '--format=csv',
          '--data=bare',
          '--no-headings',
          '--columns=_uuid,external_ids',
          'list',
          'Datapath_Binding',
        ]);
        const dpName = new Map(
          dps
            .trim()
            .split('\n')
            .filter(Boolean)
            .map((l) => [l.split(',')[0]!, /name=(\w+)/.exec(l)?.[1] ?? '?'] as const),
        );
        const rows = await sb.runOk('ovn-sbctl', [
          `--db=${sbRemote}`,
          '--format=json',
          '--columns=records,datapaths,external_ids',
          'list',
          'DNS',
        ]);
        const decode = (v: unknown): unknown =>
          Array.isArray(v)
            ? v[0] === 'uuid'
              ? dpName.get(v[1] as string)
              : v[0] === 'set'
                ? (v[1] as unknown[]).map(decode).sort()
                : v[0] === 'map'
                  ? Object.fromEntries((v[1] as [string, string][]).map(([k, x]) => [k, nameOf.get(x) ?? x]))
                  : v
            : v;
        const { data } = JSON.parse(rows) as { data: unknown[][] };
        const dnsRows = data.map((r) => r.map(decode)).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
        const flows = (await sb.runOk('ovn-sbctl', [`--db=${sbRemote}`, 'lflow-list']))
          .split('\n')
          .filter((l) => /dns|udp\.src == 53/.test(l) || l.startsWith('Datapath'))
          .map((l) => l.replace(/\(dp[^)]*\)|\([0-9a-f-]{36}\)/g, '').trim());
        return { dnsRows, flows };
      };

      let most = 0;
      for (const step of steps) {
        for (const remote of [nb1.remotes.unix, nb2.remotes.unix])
          for (const args of step)
            await sb.runOk('ovn-nbctl', [
              `--db=${remote}`,
              '--timeout=20',
              '--wait=sb',
              ...(await resolve(remote, args)),
            ]);
        expect(await summary(nb2.remotes.unix, sb2.remotes.unix)).toEqual(
          await summary(nb1.remotes.unix, sb1.remotes.unix),
        );
        most = Math.max(most, (await summary(nb1.remotes.unix, sb1.remotes.unix)).dnsRows.length);
      }
      expect(most).toBe(3);
      const want = await summary(nb1.remotes.unix, sb1.remotes.unix);
      await ours.stop();
      ours = await startOvntsNorthd(sb, nb2.remotes.unix, sb2.remotes.unix, { name: 'ovnts-northd-2' });
      await sb.runOk('ovn-nbctl', [`--db=${nb2.remotes.unix}`, '--timeout=20', '--wait=sb', 'sync']);
      expect(await summary(nb2.remotes.unix, sb2.remotes.unix)).toEqual(want);
    },
  );
});

describe('parity: native DHCPv6', () => {
  const sandbox = useSandbox();
  const base = [
    ...switches,
    ...vm('sw1', 'vm-off', '00:00:00:00:01:09 fd01::9'),
    ['lsp-set-enabled', 'vm-off', 'disabled'],
    ...vm('sw1', 'vm-out', '00:00:00:00:01:0a fd09::a'),
    ['lr-add', 'r0'],
    ['lrp-add', 'r0', 'r0-sw1', '00:00:00:00:00:01', '10.0.0.1/24', 'fd01::1/64'],
    ['lsp-add', 'sw1', 'sw1-r0'],
    ['lsp-set-type', 'sw1-r0', 'router'],
    ['lsp-set-options', 'sw1-r0', 'router-port=r0-sw1'],
    ['lsp-set-addresses', 'sw1-r0', 'router'],
  ];
  const cases: [string, string[][]][] = [
    [
      'stateful and stateless options, a disabled port, an address outside the cidr, metered',
      [
        dhcp6(
          'o1',
          'fd01::/64',
          ['server_id=00:00:00:00:10:01', 'dns_server="{fd01::1}"', 'domain_search=ovn.org'],
          ['vm1', 'vm2', 'vm-off', 'vm-out', 'sw1-r0'],
        ),
        dhcp6(
          'o2',
          'fd01::/64',
          ['server_id=00:00:00:00:10:02', 'dhcpv6_stateless=true', 'dns_server="{fd01::1}"'],
          ['vm3'],
        ),
        ['acl-add', 'sw2', 'to-lport', '1001', 'tcp', 'allow-related'],
        ['meter-add', 'm1', 'drop', '10', 'pktps'],
        ['copp-add', 'c1', 'dhcpv6-opts', 'm1'],
        ['ls-copp-add', 'c1', 'sw1'],
        ['ls-copp-add', 'c1', 'sw2'],
      ],
    ],
    [
      'options without a usable server_id, a bad cidr, both DHCPv4 and DHCPv6 on one port',
      [
        dhcp6('o1', 'fd01::/64', ['server_id=not-a-mac'], ['vm1']),
        dhcp6('o2', 'bogus', ['server_id=00:00:00:00:10:02'], ['vm2']),
        [
          '--id=@d4',
          'create',
          'DHCP_Options',
          'cidr=10.0.1.0/24',
          'options:server_id=10.0.1.1',
          'options:server_mac="00:00:00:00:10:04"',
          'options:lease_time=3600',
          '--',
          'set',
          'Logical_Switch_Port',
          'vm3',
          'dhcpv4_options=@d4',
        ],
        dhcp6('o3', 'fd01::/120', ['server_id=00:00:00:00:10:03', 'dhcpv6_stateless=false'], ['vm3']),
      ],
    ],
  ];
  for (const [name, extra] of cases) {
    it(name, async () => {
      const r = await runParityCase(sandbox(), { name, nbctl: [...base, ...extra], packets: [] });
      console.log(formatFlowDiff(name, r));
      expect({ missing: r.missing, extra: r.extra }).toEqual({ missing: [], extra: [] });
      expect(r.bindings.ours).toEqual(r.bindings.real);
      expect(r.meteredFlows.ours).toEqual(r.meteredFlows.real);
      expect(r.ourFlows).toBe(r.realFlows);
      expect(r.compiled.logicalFlows.some((f) => f.actions.includes('put_dhcpv6_opts'))).toBe(true);
    });
  }
});
