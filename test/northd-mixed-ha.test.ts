// Start order between the real ovn-northd 23.03 and ovnts-northd, both directions: one holds the SB lock
// and builds the SB, the other stands by; the active one is killed and the other takes over the SB it
// finds. The takeover must rewrite nothing that was right (same flow rows, same tunnel keys), and the
// real ovn-controller's VMs keep pinging through it.
import { describe, expect, it } from 'vitest';
import { routerPortArgs, useSandbox, waitFor, type Daemon, type Sandbox } from '@ovnts/test-harness';
import { startOvntsNorthd } from '@ovnts/northd/testing';

/** What a takeover must keep: flow rows by UUID, tunnel keys by name. */
async function sbIdentity(sb: Sandbox, remote: string) {
  const col = async (table: string, columns: string) =>
    (
      await sb.runOk('ovn-sbctl', [
        `--db=${remote}`,
        '--bare',
        '--format=csv',
        '--no-headings',
        `--columns=${columns}`,
        'list',
        table,
      ])
    )
      .trim()
      .split('\n')
      .filter(Boolean)
      .sort();
  return {
    flows: await col('Logical_Flow', '_uuid'),
    ports: await col('Port_Binding', 'logical_port,tunnel_key'),
    datapaths: await col('Datapath_Binding', 'tunnel_key,external_ids'),
  };
}

const topology = [
  ['ls-add', 'ls1'],
  ['ls-add', 'ls2'],
  ['lr-add', 'lr1'],
  ['lsp-add', 'ls1', 'vm1', '--', 'lsp-set-addresses', 'vm1', '02:ac:10:ff:00:11 192.168.100.10'],
  ['lsp-add', 'ls2', 'vm2', '--', 'lsp-set-addresses', 'vm2', '02:ac:10:ff:01:22 192.168.200.10'],
  ['lrp-add', 'lr1', 'lr1-ls1', '02:ac:10:ff:00:01', '192.168.100.1/24'],
  ['lrp-add', 'lr1', 'lr1-ls2', '02:ac:10:ff:01:01', '192.168.200.1/24'],
  routerPortArgs('ls1', 'ls1-lr1', 'lr1-ls1'),
  routerPortArgs('ls2', 'ls2-lr1', 'lr1-ls2'),
  ['acl-add', 'ls1', 'to-lport', '1000', 'ip4 && tcp.dst == 22', 'drop'],
  ['lb-add', 'lb1', '192.168.100.100:80', '192.168.200.10:8080'],
  ['ls-lb-add', 'ls1', 'lb1'],
];

describe('start order: the real ovn-northd and ovnts-northd as active and standby', () => {
  const sandbox = useSandbox('test');

  for (const first of ['real', 'ovnts'] as const) {
    it(`${first} first: the other takes over the SB it finds without rewriting it`, async () => {
      const sb = sandbox();
      const nb = await sb.startDb('nb');
      const sbdb = await sb.startDb('sb');
      const start = (who: 'real' | 'ovnts', name: string): Promise<Daemon> =>
        who === 'real'
          ? sb.startRealNorthd(nb.remotes.unix, sbdb.remotes.unix, name)
          : startOvntsNorthd(sb, nb.remotes.unix, sbdb.remotes.unix, { name });
      const nbctl = (...a: string[]) => sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, '--timeout=30', ...a]);
      const active = await start(first, 'northd-a');
      await waitFor(
        'SB_Global options',
        async () =>
          (
            await sb.runOk('ovn-sbctl', [
              `--db=${sbdb.remotes.unix}`,
              '--bare',
              '--columns=options',
              'list',
              'SB_Global',
            ])
          ).includes('northd_internal_version'),
        30_000,
      );
      for (const args of topology) await nbctl(...args);
      await nbctl('--wait=sb', 'sync');
      const standby = await start(first === 'real' ? 'ovnts' : 'real', 'northd-b');
      await waitFor(
        'the standby to connect',
        async () => /standby|standing by|sb\.sock: connected/i.test(await standby.log()),
        30_000,
      );

      const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
      await hv.startRealController();
      const vm1 = await hv.addVm('vm1', '02:ac:10:ff:00:11', '192.168.100.10/24', '192.168.100.1');
      await hv.addVm('vm2', '02:ac:10:ff:01:22', '192.168.200.10/24', '192.168.200.1');
      await nbctl('--wait=hv', 'sync');
      const ping = async () => (await vm1.exec('ping', ['-c', '2', '-i', '0.2', '-W', '2', '192.168.200.10'])).stdout;
      expect(await ping()).toMatch(/ 0% packet loss/);
      const before = await sbIdentity(sb, sbdb.remotes.unix);

      await active.kill();
      await nbctl(
        '--wait=sb',
        'lsp-add',
        'ls2',
        'vm3',
        '--',
        'lsp-set-addresses',
        'vm3',
        '02:ac:10:ff:01:33 192.168.200.11',
      );
      expect(await standby.log()).toMatch(/This ovn-northd instance is now active/);
      const after = await sbIdentity(sb, sbdb.remotes.unix);
      // Nothing that was right was rewritten: every flow row and every key is still there.
      expect(before.flows.filter((u) => !after.flows.includes(u))).toEqual([]);
      expect(before.ports.filter((p) => !after.ports.includes(p))).toEqual([]);
      expect(after.datapaths).toEqual(before.datapaths);
      expect(after.ports.some((p) => p.startsWith('vm3,'))).toBe(true);
      await nbctl('--wait=hv', 'sync');
      expect(await ping()).toMatch(/ 0% packet loss/);
    }, 180_000);
  }
});
