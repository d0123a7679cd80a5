// The harness can stand up the whole real OVN stack: real ovn-northd, real ovn-controller, a netdev
// ovs-vswitchd and two VMs in namespaces that ping each other. Later suites swap in ovnts pieces.
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { addTwoVmSwitch, startCentral } from './controller-fixtures.js';

describe('real OVN lab through the harness', () => {
  const sandbox = useSandbox();

  it('pings between two VMs on a logical switch and to the router', async () => {
    const sb = sandbox();
    const { nb, sbdb, nbctl } = await startCentral(sb);
    await addTwoVmSwitch(nbctl, true);
    const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
    await hv.startRealController();
    const vm1 = await hv.addVm('vm1', '02:ac:10:ff:00:11', '192.168.100.10/24', '192.168.100.1');
    await hv.addVm('vm2', '02:ac:10:ff:00:22', '192.168.100.11/24', '192.168.100.1');
    await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, '--timeout=30', '--wait=hv', 'sync']);
    const ping = await vm1.exec('ping', ['-c', '3', '-i', '0.2', '-W', '2', '192.168.100.11']);
    expect(ping.stdout).toMatch(/ 0% packet loss/);
    const gw = await vm1.exec('ping', ['-c', '2', '-i', '0.2', '-W', '2', '192.168.100.1']);
    expect(gw.stdout).toMatch(/ 0% packet loss/);
  });
});
