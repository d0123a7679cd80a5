// ovnts-controller under the REAL ovn-northd: routing between two subnets through a logical router, then an
// ACL that drops ICMP and one that allows it again (stateful, through conntrack zones).
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { startController } from '@ovnts/controller';

describe('ovnts-controller: router and ACLs', () => {
  const sandbox = useSandbox();

  it('pings across subnets, then ACL drop, then allow-related', async () => {
    const sb = sandbox();
    const { nb, sb: sbdb } = await sb.startCentral();
    await sb.startRealNorthd(nb.remotes.unix, sbdb.remotes.unix);
    const nbctl = async (...a: string[]) => (await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, ...a])).trim();
    const waitHv = () => nbctl('--timeout=20', '--wait=hv', 'sync');
    await nbctl('lr-add', 'lr1');
    for (const [n, net] of [
      [1, '192.168.100'],
      [2, '192.168.200'],
    ] as const) {
      await nbctl('ls-add', `ls${n}`);
      await nbctl('lrp-add', 'lr1', `lr1-ls${n}`, `02:ac:10:ff:0${n}:01`, `${net}.1/24`);
      await nbctl('lsp-add', `ls${n}`, `ls${n}-lr1`, '--', 'lsp-set-type', `ls${n}-lr1`, 'router', '--', 'lsp-set-addresses', `ls${n}-lr1`, 'router', '--', 'lsp-set-options', `ls${n}-lr1`, `router-port=lr1-ls${n}`);
    }
    await nbctl('lsp-add', 'ls1', 'vm1', '--', 'lsp-set-addresses', 'vm1', '02:ac:10:ff:01:10 192.168.100.10');
    await nbctl('lsp-add', 'ls2', 'vm3', '--', 'lsp-set-addresses', 'vm3', '02:ac:10:ff:02:10 192.168.200.10');
    const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
    sb.own(await startController({ ovsRemote: hv.db.remotes.unix, rundir: hv.rundir }));
    const vm1 = await hv.addVm('vm1', '02:ac:10:ff:01:10', '192.168.100.10/24', '192.168.100.1');
    await hv.addVm('vm3', '02:ac:10:ff:02:10', '192.168.200.10/24', '192.168.200.1');
    await waitHv();
    const ping = (dst: string) => vm1.exec('ping', ['-c', '2', '-i', '0.2', '-W', '1', dst]);

    expect((await ping('192.168.200.10')).stdout).toMatch(/ 0% packet loss/);
    expect((await ping('192.168.200.1')).stdout).toMatch(/ 0% packet loss/);

    await nbctl('acl-add', 'ls2', 'to-lport', '1001', 'ip4.src == 192.168.100.10 && icmp4', 'drop');
    await waitHv();
    expect((await ping('192.168.200.10')).stdout).toMatch(/ 100% packet loss/);

    await nbctl('acl-del', 'ls2');
    await nbctl('acl-add', 'ls2', 'to-lport', '1001', 'ip4.src == 192.168.100.10 && icmp4', 'allow-related');
    await nbctl('acl-add', 'ls2', 'to-lport', '1000', 'ip4', 'drop');
    await waitHv();
    expect((await ping('192.168.200.10')).stdout).toMatch(/ 0% packet loss/);
  });
});
