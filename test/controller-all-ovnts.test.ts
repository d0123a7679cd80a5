// The all-ovnts stack: ovnts-northd + ovnts-controller on real ovsdb-servers and a real netdev ovs-vswitchd.
// VM↔VM on a switch, VM→router IP, across subnets through the router. (ACLs: ovnts-northd does not emit
// ACL flows yet, so they are covered with the real ovn-northd in controller-routing.test.ts.)
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { startController } from '@ovnts/controller';
import { startOvntsNorthd } from '../packages/northd/src/testing/daemon.js';

describe('ovnts-northd + ovnts-controller', () => {
  const sandbox = useSandbox();

  it('switching and routing with real packets', async () => {
    const sb = sandbox();
    const { nb, sb: sbdb } = await sb.startCentral();
    await startOvntsNorthd(sb, nb.remotes.unix, sbdb.remotes.unix);
    const nbctl = async (...a: string[]) => (await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, ...a])).trim();
    await nbctl('lr-add', 'lr1');
    for (const n of [1, 2]) {
      await nbctl('ls-add', `ls${n}`);
      await nbctl('lrp-add', 'lr1', `lr1-ls${n}`, `02:ac:10:ff:0${n}:01`, `192.168.${n}.1/24`);
      await nbctl(
        'lsp-add',
        `ls${n}`,
        `ls${n}-lr1`,
        '--',
        'lsp-set-type',
        `ls${n}-lr1`,
        'router',
        '--',
        'lsp-set-addresses',
        `ls${n}-lr1`,
        'router',
        '--',
        'lsp-set-options',
        `ls${n}-lr1`,
        `router-port=lr1-ls${n}`,
      );
    }
    await nbctl('lsp-add', 'ls1', 'vm1', '--', 'lsp-set-addresses', 'vm1', '02:ac:10:ff:01:10 192.168.1.10');
    await nbctl('lsp-add', 'ls1', 'vm2', '--', 'lsp-set-addresses', 'vm2', '02:ac:10:ff:01:11 192.168.1.11');
    await nbctl('lsp-add', 'ls2', 'vm3', '--', 'lsp-set-addresses', 'vm3', '02:ac:10:ff:02:10 192.168.2.10');
    const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
    const ctl = sb.own(await startController({ ovsRemote: hv.db.remotes.unix, rundir: hv.rundir }));
    const vm1 = await hv.addVm('vm1', '02:ac:10:ff:01:10', '192.168.1.10/24', '192.168.1.1');
    await hv.addVm('vm2', '02:ac:10:ff:01:11', '192.168.1.11/24', '192.168.1.1');
    await hv.addVm('vm3', '02:ac:10:ff:02:10', '192.168.2.10/24', '192.168.2.1');
    await nbctl('--timeout=30', '--wait=hv', 'sync');
    expect(ctl.stats().lflowErrors).toBe(0);
    const ping = async (dst: string) => (await vm1.exec('ping', ['-c', '2', '-i', '0.2', '-W', '1', dst])).stdout;

    expect(await ping('192.168.1.11')).toMatch(/ 0% packet loss/);
    expect(await ping('192.168.1.1')).toMatch(/ 0% packet loss/);
    expect(await ping('192.168.2.10')).toMatch(/ 0% packet loss/);
  });
});
