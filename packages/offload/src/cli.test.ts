import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runOffloadReport, type OffloadIo } from './cli.js';

const fx = (n: string) => fileURLToPath(new URL(`../fixtures/${n}`, import.meta.url));

function io(extra: Partial<OffloadIo> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), ...extra } satisfies OffloadIo,
  };
}

describe('ovnts offload-report', () => {
  it('table report from a flow dump + SB JSON', async () => {
    const t = io();
    expect(await runOffloadReport(['--flows', fx('lab-flows.txt'), '--sb-json', fx('lab-sb.json')], t.io)).toBe(0);
    const text = t.out.join('');
    expect(text).toMatch(/\nport\s+class\s+tc-flower\s+mlx5-cx5\s+mlx5-cx6dx\s+dpdk-rte-flow/);
    // Established traffic to a dp_hash LB VIP is offloaded on TC; only the new connection's hash pass is not.
    expect(text).toMatch(/vm1\s+lb-vip 192\.168\.100\.100:80\s+✓\/✗\s+✓\/✗\s+✓\/✗\s+partial\/partial/);
    expect(text).toMatch(
      /  vm1 lb-vip \(to a load-balancer VIP: → 192\.168\.100\.100:80\)\n    packet: tcp,in_port=1,.*nw_dst=192\.168\.100\.100.*\n    new ✗ tc-flower: action hash \[ovs-provider, pass 1\]/,
    );
    expect(text).toMatch(
      /new ✗ mlx5-cx5, mlx5-cx6dx: action hash .*\[ls_in_lb: ct\.new && ip4\.dst == 192\.168\.100\.100/,
    );
    expect(text).toMatch(/est partial dpdk-rte-flow: action ct\(nat\) \[ovs-provider, pass 0\].*MARK\+RSS/);
    expect(text).toMatch(
      /Summary:\n  tc-flower: \d+ offloadable, \d+ partial, \d+ not: established traffic stays in software for \d+ of \d+ classes \(\d+%\); connection setups run in software for \d+ of \d+ conntrack classes/,
    );
    expect(text).toMatch(/fix: .*disable the OVN LB/);
    expect(t.err).toEqual([]);
  });

  it('JSON for one profile', async () => {
    const t = io();
    expect(
      await runOffloadReport(
        ['--profile', 'cx7', '--format=json', '--flows', fx('lab-flows.txt'), '--sb-json', fx('lab-sb.json')],
        t.io,
      ),
    ).toBe(0);
    const doc = JSON.parse(t.out.join('')) as {
      profiles: { id: string }[];
      classes: {
        port: string;
        class: string;
        recirculations: number;
        verdicts: { est: { verdict: string; reason: string; layer: string } }[];
      }[];
    };
    expect(doc.profiles.map((p) => p.id)).toEqual(['mlx5-cx6dx']);
    const arp = doc.classes.find((c) => c.port === 'vm1' && c.class === 'arp-router')!;
    expect(arp.verdicts).toMatchObject([
      { est: { verdict: 'not', reason: 'slow_path set(arp)', layer: 'ovs-slow-path' } },
    ]);
    expect(arp.recirculations).toBe(0);
    expect(doc.classes.find((c) => c.port === 'vm1' && c.class === 'lb-vip')!.recirculations).toBe(4);
  });

  it('without SB the ports are named by keys', async () => {
    const t = io();
    expect(await runOffloadReport(['--flows', fx('lab-flows.txt'), '--profile', 'tc-flower'], t.io)).toBe(0);
    expect(t.out.join('')).toMatch(/dp1:port1\s+dhcp/);
  });

  it('live mode runs ovs-ofctl and ovn-sbctl', async () => {
    const sb = JSON.parse(readFileSync(fx('lab-sb.json'), 'utf8')) as Record<string, unknown>;
    const calls: string[] = [];
    const t = io({
      exec: async (cmd, args) => {
        calls.push(`${cmd} ${args.join(' ')}`);
        if (cmd === 'ovs-ofctl')
          return {
            code: 0,
            stdout: args.includes('dump-flows') ? readFileSync(fx('lab-flows.txt'), 'utf8') : '',
            stderr: '',
          };
        const table = args[args.length - 1]!;
        if (table === 'Static_MAC_Binding')
          return { code: 1, stdout: '', stderr: 'ovn-sbctl: unknown table "Static_MAC_Binding"' };
        return { code: 0, stdout: JSON.stringify(sb[table] ?? { headings: ['_uuid'], data: [] }), stderr: '' };
      },
    });
    expect(
      await runOffloadReport(['--bridge', 'unix:/x/br-int.mgmt', '--sb', 'unix:/x/sb.sock', '--profile', 'tc'], t.io),
    ).toBe(0);
    expect(calls).toContain('ovs-ofctl -O OpenFlow15 dump-flows unix:/x/br-int.mgmt');
    expect(calls).toContain('ovn-sbctl --db=unix:/x/sb.sock -f json list Port_Binding');
    expect(t.out.join('')).toMatch(/vm1\s+lb-vip 192\.168\.100\.100:80\s+✓\/✗/);
    // An SB without Static_MAC_Binding (older schema) still reports; only the gateway classes need it.
    expect(t.out.join('')).not.toMatch(/snat-out/);
  });

  it('exits 3 with the reasons when an environment check reports an error', async () => {
    const list = (headings: string[], row: unknown[]) => JSON.stringify({ headings, data: [row] });
    // --ovs-db goes with --flows too: the checks read the Open_vSwitch DB only.
    const withDb = async (otherConfig: [string, string][]) => {
      const t = io({
        exec: async (_cmd, args) => {
          const table = args[args.length - 1]!;
          if (table === 'Open_vSwitch')
            return {
              code: 0,
              stdout: list(
                ['_uuid', 'other_config', 'external_ids'],
                [
                  ['uuid', 'u1'],
                  ['map', otherConfig],
                  ['map', []],
                ],
              ),
              stderr: '',
            };
          if (table === 'Bridge')
            return {
              code: 0,
              stdout: list(
                ['_uuid', 'name', 'datapath_type', 'ports'],
                [['uuid', 'b1'], 'br-int', 'system', ['set', []]],
              ),
              stderr: '',
            };
          return { code: 0, stdout: JSON.stringify({ headings: ['_uuid'], data: [] }), stderr: '' };
        },
      });
      const code = await runOffloadReport(
        [
          '--flows',
          fx('lab-flows.txt'),
          '--sb-json',
          fx('lab-sb.json'),
          '--ovs-db',
          'unix:/x/db.sock',
          '--profile',
          'cx6dx',
        ],
        t.io,
      );
      return { code, t };
    };
    const off = await withDb([['tc-policy', 'skip_hw']]);
    expect(off.code).toBe(3);
    expect(off.t.out.join('')).toMatch(/Summary:/);
    expect(off.t.err.join('')).toMatch(
      /environment error: mlx5-cx6dx: hw-offload: other_config:hw-offload is not true/,
    );
    expect(off.t.err.join('')).toMatch(
      /environment error: mlx5-cx6dx: tc-policy: tc-policy=skip_hw keeps every TC rule in software/,
    );
    const on = await withDb([['hw-offload', 'true']]);
    expect(on.t.err.join('')).toBe('');
    expect(on.code).toBe(0);
  });

  it('what-if (--nb): NB dump → SB → the chassis tables → report, no OVS; the same twice; a remote is read with ovsdb-client', async () => {
    const args = [
      '--nb',
      fx('lab-nb.json'),
      '--chassis',
      'hv1',
      ...['vm1', 'vm2', 'vm3', 'vm5', 'vm6', 'vm7', 'vm8'].flatMap((v) => ['--bind', `${v}=hv1`]),
      '--bind',
      'vm4=hv2',
      '--bridge-mappings',
      'phyNet:br-phys',
      '--profile',
      'tc-flower',
    ];
    const a = io();
    expect(await runOffloadReport(args, a.io)).toBe(0);
    const text = a.out.join('');
    expect(text).toMatch(/vm1\s+lb-vip 192\.168\.100\.100:80\s+✓\/✗/);
    expect(text).toMatch(/vm8\s+dnat-in\s+✓\/partial\/✓/);
    expect(text).toMatch(/vm1\s+from-tunnel/);
    const b = io();
    await runOffloadReport(args, b.io);
    expect(b.out.join('')).toBe(text);
    const calls: string[] = [];
    const remote = io({
      exec: async (cmd, argv) => {
        calls.push(`${cmd} ${argv.join(' ')}`);
        return { code: 0, stdout: readFileSync(fx('lab-nb.json'), 'utf8'), stderr: '' };
      },
    });
    expect(await runOffloadReport(['--nb', 'unix:/x/nb.sock', ...args.slice(2)], remote.io)).toBe(0);
    expect(calls).toEqual(['ovsdb-client -f json dump unix:/x/nb.sock OVN_Northbound']);
    expect(remote.out.join('')).toBe(text);
  });

  it("what-if --set: the changed NB's report, then the verdicts that change (selection_fields removes the dp_hash)", async () => {
    const t = io();
    const args = [
      '--nb',
      fx('lab-nb.json'),
      '--chassis',
      'hv1',
      ...['vm1', 'vm2'].flatMap((v) => ['--bind', `${v}=hv1`]),
      '--profile',
      'mlx5-cx6dx',
      '--set',
      'Load_Balancer:lb1:selection_fields=ip_src,ip_dst,tp_src,tp_dst',
    ];
    expect(await runOffloadReport(args, t.io)).toBe(0);
    const text = t.out.join('');
    expect(text).toMatch(
      /What-if delta \(Load_Balancer:lb1:selection_fields=ip_src,ip_dst,tp_src,tp_dst\): \d+ verdicts change/,
    );
    expect(text).toMatch(
      /  vm1 lb-vip 192\.168\.100\.100:80 mlx5-cx6dx new: not \(action hash\) → partial \(action ct\(nat\)\)\n/,
    );
    const bad = io();
    expect(await runOffloadReport([...args.slice(0, -1), 'Load_Balancer:nolb:selection_fields=ip_src'], bad.io)).toBe(
      1,
    );
    expect(bad.err.join('')).toMatch(/--set Load_Balancer:nolb:selection_fields: no Load_Balancer named "nolb"/);
  });

  it('what-if --set removing gateway_mtu: the north–south passes leave the controller branch', async () => {
    const t = io();
    const args = [
      '--nb',
      fx('lab-nb.json'),
      '--chassis',
      'hv1',
      ...['vm1', 'vm2', 'vm3', 'vm5', 'vm6', 'vm7', 'vm8'].flatMap((v) => ['--bind', `${v}=hv1`]),
      ...['--bind', 'vm4=hv2', '--bridge-mappings', 'phyNet:br-phys', '--profile', 'tc-flower'],
      '--set',
      'Logical_Router_Port:lr1-pub:options:gateway_mtu=',
    ];
    expect(await runOffloadReport(args, t.io)).toBe(0);
    const text = t.out.join('');
    expect(text).toMatch(/What-if delta \(Logical_Router_Port:lr1-pub:options:gateway_mtu=\): 20 verdicts change/);
    expect(text).toMatch(/  vm1 snat-out tc-flower est: not \(action userspace\(controller\)\) → offloadable\n/);
    expect(text).toMatch(/  vm1 oversize tc-flower new: not \(action userspace\(controller\)\) → no such class\n/);
  });

  it('usage errors exit 2 with a clear message', async () => {
    for (const [argv, msg] of [
      [['--profile', 'cx9', '--flows', 'x'], /unknown NIC profile "cx9" \(known: tc-flower/],
      [[], /give one of --bridge \(with --sb\), --flows or --nb \(with --chassis\)/],
      [['--flows', 'a', '--bridge', 'b'], /give one of/],
      [['--nb', 'nb.json'], /--nb needs --chassis/],
      [['--nb', 'nb.json', '--chassis', 'hv1', '--bind', 'vm1'], /--bind takes PORT=CHASSIS/],
      [['--flows', 'a', '--chassis', 'hv1'], /--chassis, --bind, --bridge-mappings and --set go with --nb/],
      [['--bridge', 'b'], /--bridge needs --sb/],
      [['--format', 'xml', '--flows', 'a'], /--format must be table, json or html/],
      [['--frob'], /unknown option --frob/],
    ] as const) {
      const t = io();
      expect(await runOffloadReport(argv, t.io), argv.join(' ')).toBe(2);
      expect(t.err.join('')).toMatch(msg);
    }
  });

  it('bad input exits 1 with the file and line', async () => {
    const t = io({
      readFile: async () => ' table=0, priority=1 actions=drop\n table=0, priority=1 actions=frobnicate\n',
    });
    expect(await runOffloadReport(['--flows', 'dump.txt'], t.io)).toBe(1);
    expect(t.err.join('')).toMatch(/ovnts offload-report: dump\.txt line 2: /);
    const missing = io();
    expect(await runOffloadReport(['--flows', '/nonexistent/flows.txt'], missing.io)).toBe(1);
    expect(missing.err.join('')).toMatch(/cannot read \/nonexistent\/flows\.txt/);
    const badSb = io();
    expect(await runOffloadReport(['--flows', fx('lab-flows.txt'), '--sb-json', fx('lab-flows.txt')], badSb.io)).toBe(
      1,
    );
    expect(badSb.err.join('')).toMatch(/SB JSON: not JSON/);
    const failing = io({
      exec: async () => ({ code: 1, stdout: '', stderr: 'ovs-ofctl: unix:/x: connection failed' }),
    });
    expect(await runOffloadReport(['--bridge', 'unix:/x', '--sb', 'unix:/y'], failing.io)).toBe(1);
    expect(failing.err.join('')).toMatch(/ovs-ofctl .* failed \(1\): ovs-ofctl: unix:\/x: connection failed/);
  });

  it('--help prints usage', async () => {
    const t = io();
    expect(await runOffloadReport(['--help'], t.io)).toBe(0);
    expect(t.out.join('')).toMatch(/usage: ovnts offload-report/);
  });
});
