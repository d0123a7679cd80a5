// Real packets with ovnts-northd in place of ovn-northd: the REAL ovn-controller 23.03 and a netdev
// ovs-vswitchd consume our SB; VMs in network namespaces ping across a switch, the router IP, and
// across two subnets through the router.
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { startOvntsNorthd } from '@ovnts/northd/testing';

describe('real packets through ovnts-northd', () => {
  const sandbox = useSandbox();

  it('pings VM↔VM on a switch, the router IP, and across two subnets', async () => {
    const sb = sandbox();
    const { nb, sb: sbdb } = await sb.startCentral();
    const northd = await startOvntsNorthd(sb, nb.remotes.unix, sbdb.remotes.unix);
    const nbctl = (...a: string[]) => sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, '--timeout=20', ...a]);
    await nbctl('ls-add', 'ls1', '--', 'ls-add', 'ls2', '--', 'lr-add', 'lr1');
    await nbctl('lsp-add', 'ls1', 'vm1', '--', 'lsp-set-addresses', 'vm1', '02:ac:10:ff:00:11 192.168.100.10');
    await nbctl('lsp-add', 'ls1', 'vm2', '--', 'lsp-set-addresses', 'vm2', '02:ac:10:ff:00:22 192.168.100.11');
    await nbctl('lsp-add', 'ls2', 'vm3', '--', 'lsp-set-addresses', 'vm3', '02:ac:10:ff:01:33 192.168.200.10');
    for (const [ls, mac, net] of [
      ['ls1', '02:ac:10:ff:00:01', '192.168.100.1/24'],
      ['ls2', '02:ac:10:ff:01:01', '192.168.200.1/24'],
    ] as const) {
      await nbctl('lrp-add', 'lr1', `lr1-${ls}`, mac, net);
      await nbctl(
        'lsp-add',
        ls,
        `${ls}-lr1`,
        '--',
        'lsp-set-type',
        `${ls}-lr1`,
        'router',
        '--',
        'lsp-set-addresses',
        `${ls}-lr1`,
        'router',
        '--',
        'lsp-set-options',
        `${ls}-lr1`,
        `router-port=lr1-${ls}`,
      );
    }
    const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
    await hv.startRealController();
    const vm1 = await hv.addVm('vm1', '02:ac:10:ff:00:11', '192.168.100.10/24', '192.168.100.1');
    await hv.addVm('vm2', '02:ac:10:ff:00:22', '192.168.100.11/24', '192.168.100.1');
    const vm3 = await hv.addVm('vm3', '02:ac:10:ff:01:33', '192.168.200.10/24', '192.168.200.1');
    await nbctl('--wait=hv', 'sync');

    const ping = (vm: typeof vm1, ip: string) => vm.exec('ping', ['-c', '3', '-i', '0.2', '-W', '2', ip]);
    expect((await ping(vm1, '192.168.100.11')).stdout).toMatch(/ 0% packet loss/);
    expect((await ping(vm1, '192.168.100.1')).stdout).toMatch(/ 0% packet loss/);
    expect((await ping(vm1, '192.168.200.10')).stdout).toMatch(/ 0% packet loss/);
    expect((await ping(vm3, '192.168.100.11')).stdout).toMatch(/ 0% packet loss/);
    // The controller saw our bindings and claimed the VIFs.
    const show = await sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, 'show']);
    expect(show).toMatch(/Port_Binding vm1/);
    // NB Logical_Switch_Port.up follows the binding.
    expect((await nbctl('lsp-get-up', 'vm1')).trim()).toBe('up');
    expect((await nbctl('lsp-get-up', 'ls1-lr1')).trim()).toBe('up');
    expect(await northd.log()).not.toMatch(/\|(ERR|EMER)\|/);
  });
});
