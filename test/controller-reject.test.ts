// ovnts-controller under the REAL ovn-northd: an ACL "reject" answers through pinctrl — a TCP connection to a
// listening server is refused at once (RST from the pipeline) and a ping gets an ICMP unreachable.
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { startController } from '@ovnts/controller';
import { addTwoVmSwitch, startCentral } from './controller-fixtures.js';

describe('ovnts-controller: ACL reject', () => {
  const sandbox = useSandbox();

  it('TCP gets a reset and ICMP an unreachable', async () => {
    const sb = sandbox();
    const { sbdb, nbctl } = await startCentral(sb);
    await addTwoVmSwitch(nbctl);
    const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
    sb.own(await startController({ ovsRemote: hv.db.remotes.unix, rundir: hv.rundir }));
    const vm1 = await hv.addVm('vm1', '02:ac:10:ff:00:11', '192.168.100.10/24');
    const vm2 = await hv.addVm('vm2', '02:ac:10:ff:00:22', '192.168.100.11/24');
    await sb.startHttpServer(vm2.netns, vm2.ip, 'vm2');
    await nbctl('--timeout=20', '--wait=hv', 'sync');
    expect((await vm1.exec('curl', ['-s', '--max-time', '3', 'http://192.168.100.11/'])).stdout).toBe('vm2');

    await nbctl('acl-add', 'ls1', 'to-lport', '1001', 'ip4.src == 192.168.100.10', 'reject');
    await nbctl('--timeout=20', '--wait=hv', 'sync');
    const t0 = Date.now();
    const curl = await vm1.exec('curl', ['-s', '--max-time', '3', 'http://192.168.100.11/']);
    expect(curl.code).toBe(7); // connection refused, not a timeout (28)
    expect(Date.now() - t0).toBeLessThan(2500);
    const ping = await vm1.exec('ping', ['-c', '1', '-W', '2', '192.168.100.11']);
    expect(ping.stdout).toMatch(/From 192\.168\.100\.11 .*Destination (Host|Port) Unreachable/);
  });
});
