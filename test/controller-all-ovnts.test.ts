// The all-ovnts stack: ovnts-northd + ovnts-controller on real ovsdb-servers and a real netdev ovs-vswitchd.
// VM↔VM on a switch, VM→router IP, across subnets through the router. ACLs, load balancers and SNAT through
// a localnet port on the all-ovnts stack are in all-ovnts-stateful.test.ts.
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { startController } from '@ovnts/controller';
import { addRouterWithSwitches, addVif, startCentral } from './controller-fixtures.js';
import { startOvntsNorthd } from '@ovnts/northd/testing';

describe('ovnts-northd + ovnts-controller', () => {
  const sandbox = useSandbox();

  it('switching and routing with real packets', async () => {
    const sb = sandbox();
    const { sbdb, nbctl } = await startCentral(sb, (n, s) => startOvntsNorthd(sb, n, s));
    await addRouterWithSwitches(nbctl, [['192.168.1.1/24'], ['192.168.2.1/24']]);
    await addVif(nbctl, 'ls1', 'vm1', '02:ac:10:ff:01:10 192.168.1.10');
    await addVif(nbctl, 'ls1', 'vm2', '02:ac:10:ff:01:11 192.168.1.11');
    await addVif(nbctl, 'ls2', 'vm3', '02:ac:10:ff:02:10 192.168.2.10');
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
