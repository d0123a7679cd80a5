// Parity of the SB rows northd fills row by row — IP_Multicast per switch, Mirror, Static_MAC_Binding,
// Chassis_Template_Var — and Port_Binding.mirror_rules: the same ovn-nbctl commands on two NB/SB pairs,
// one served by the real ovn-northd 23.03, the other by ovnts-northd (its incremental rounds, then a
// restart's full diff), and the rows compared column by column with datapaths and mirrors named.
import { describe, expect, it } from 'vitest';
import { routerPortArgs, useSandbox } from '@ovnts/test-harness';
import { startOvntsNorthd } from '@ovnts/northd/testing';

type Row = Record<string, unknown>;

const STEPS: readonly (readonly string[])[][] = [
  [
    ['ls-add', 'sw0'],
    ['ls-add', 'sw1'],
    ['set', 'Logical_Switch', 'sw1', 'other_config:mcast_snoop=true', 'other_config:mcast_querier=false'],
    ['ls-add', 'sw2'],
    [
      'set',
      'Logical_Switch',
      'sw2',
      'other_config:mcast_snoop=TRUE',
      'other_config:mcast_idle_timeout=5',
      'other_config:mcast_table_size=100',
      'other_config:mcast_query_max_response=7',
      'other_config:mcast_eth_src=00:00:00:00:01:fe',
      'other_config:mcast_ip4_src=10.0.0.254',
      'other_config:mcast_ip6_src=fe80::fe',
    ],
    ['lsp-add', 'sw0', 'sw0-p1'],
    ['lsp-add', 'sw0', 'sw0-p2'],
    ['lr-add', 'lr0'],
    ['lrp-add', 'lr0', 'lr0-sw0', '00:00:00:00:ff:01', '10.0.0.1/24'],
    routerPortArgs('sw0', 'sw0-lr0', 'lr0-sw0'),
  ],
  [
    ['set', 'Logical_Switch', 'sw0', 'other_config:mcast_idle_timeout=99999', 'other_config:mcast_query_interval=0'],
    ['remove', 'Logical_Switch', 'sw2', 'other_config', 'mcast_eth_src'],
    ['set', 'Logical_Switch', 'sw2', 'other_config:mcast_query_interval=20'],
    ['mirror-add', 'mirror1', 'erspan', '1', 'from-lport', '10.10.10.2'],
    ['mirror-add', 'mirror2', 'gre', '2', 'to-lport', '10.10.10.3'],
    ['lsp-attach-mirror', 'sw0-p1', 'mirror1'],
    ['lsp-attach-mirror', 'sw0-p1', 'mirror2'],
    ['lsp-attach-mirror', 'sw0-p2', 'mirror2'],
    ['static-mac-binding-add', 'lr0-sw0', '10.0.0.10', '00:00:11:22:33:44'],
    ['create', 'Chassis_Template_Var', 'chassis=hv1', 'variables:vip=10.0.0.100'],
  ],
  [
    ['mirror-del', 'mirror1'],
    ['lsp-detach-mirror', 'sw0-p1', 'mirror2'],
    ['--may-exist', 'static-mac-binding-add', 'lr0-sw0', '10.0.0.10', '00:00:22:33:55:66'],
    ['ls-del', 'sw1'],
  ],
];

/** One table of an SB as JSON rows (ovsdb-client's wire format decoded to plain values). */
function decode(v: unknown): unknown {
  if (!Array.isArray(v)) return v;
  if (v[0] === 'uuid') return v[1];
  if (v[0] === 'set') return (v[1] as unknown[]).map(decode);
  if (v[0] === 'map') return Object.fromEntries((v[1] as [string, unknown][]).map(([k, x]) => [k, decode(x)]));
  return v;
}

describe('parity: IP_Multicast, Mirror, Static_MAC_Binding, Chassis_Template_Var rows', () => {
  const sandbox = useSandbox();
  it('ovnts-northd writes the rows the real ovn-northd writes, step by step and after a restart', async () => {
    const sb = sandbox();
    const { nb: nb1, sb: sb1 } = await sb.startCentral();
    const nb2 = await sb.startDb('nb', { name: 'nb2' });
    const sb2 = await sb.startDb('sb', { name: 'sb2' });
    await sb.runOk('ovn-nbctl', [`--db=${nb2.remotes.unix}`, 'init']);
    await sb.startRealNorthd(nb1.remotes.unix, sb1.remotes.unix);
    let ours = await startOvntsNorthd(sb, nb2.remotes.unix, sb2.remotes.unix);

    const select = async (remote: string, table: string): Promise<Row[]> => {
      const op = { op: 'select', table, where: [] };
      const out = await sb.runOk('ovsdb-client', ['transact', remote, JSON.stringify(['OVN_Southbound', op])]);
      const [res] = JSON.parse(out) as { rows: Row[] }[];
      return (res?.rows ?? []).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, decode(v)])));
    };
    /** The rows, with datapaths and mirrors named and row identities left out. */
    const summary = async (remote: string) => {
      const dps = new Map(
        (await select(remote, 'Datapath_Binding')).map((d) => [d['_uuid'], (d['external_ids'] as Row)['name']]),
      );
      const mirrors = await select(remote, 'Mirror');
      const mirrorName = new Map(mirrors.map((m) => [m['_uuid'], m['name']]));
      const strip = (r: Row): Row => {
        const { _uuid: _u, _version: _v, ...rest } = r;
        if ('datapath' in rest) rest['datapath'] = dps.get(rest['datapath']);
        return rest;
      };
      const sorted = (rows: Row[]) => rows.map(strip).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
      const pbs = await select(remote, 'Port_Binding');
      return {
        ipMulticast: sorted(await select(remote, 'IP_Multicast')),
        mirrors: sorted(mirrors),
        staticMacBindings: sorted(await select(remote, 'Static_MAC_Binding')),
        templateVars: sorted(await select(remote, 'Chassis_Template_Var')),
        mirrorRules: Object.fromEntries(
          pbs
            .map((p) => [
              p['logical_port'],
              [p['mirror_rules']]
                .flat()
                .map((u) => mirrorName.get(u))
                .sort(),
            ])
            .sort(),
        ),
      };
    };

    for (const step of STEPS) {
      for (const remote of [nb1.remotes.unix, nb2.remotes.unix])
        for (const args of step) await sb.runOk('ovn-nbctl', [`--db=${remote}`, '--timeout=20', '--wait=sb', ...args]);
      expect(await summary(sb2.remotes.unix)).toEqual(await summary(sb1.remotes.unix));
    }
    const want = await summary(sb1.remotes.unix);
    expect(want.ipMulticast.length).toBe(2);
    expect(want.mirrors.length).toBe(1);

    // A restart: the full diff of the rows written finds nothing to change.
    await ours.stop();
    ours = await startOvntsNorthd(sb, nb2.remotes.unix, sb2.remotes.unix, { name: 'ovnts-northd-2' });
    await sb.runOk('ovn-nbctl', [`--db=${nb2.remotes.unix}`, '--timeout=20', '--wait=sb', 'sync']);
    expect(await summary(sb2.remotes.unix)).toEqual(want);
  }, 180_000); // ~40 serial --wait=sb steps against two stacks: ~20 s quiet, near 60 s at load 15
});
