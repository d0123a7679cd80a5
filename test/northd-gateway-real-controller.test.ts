// examples/gateway.sh compiled by ovnts-northd and run by the REAL ovn-controller 23.03: a VM behind the
// distributed router1 → join → gateway router gw1 (pinned to hv1) reaches a host on the outside network
// through the localnet port phyNet, and that host sees the SNAT address 172.18.1.2.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { startOvntsNorthd } from '@ovnts/northd/testing';

const GATEWAY_SH = path.join(path.dirname(fileURLToPath(import.meta.url)), '../examples/gateway.sh');

describe('gateway topology: ovnts-northd + the real ovn-controller', () => {
  const sandbox = useSandbox();

  it('a VM behind gw1 reaches the outside host, which sees 172.18.1.2', async () => {
    const sb = sandbox();
    const { nb, sb: sbdb } = await sb.startCentral();
    await startOvntsNorthd(sb, nb.remotes.unix, sbdb.remotes.unix);
    // The topology script, driven by the real ovn-nbctl (the script is nbctl-agnostic).
    await sb.runOk('sh', [GATEWAY_SH, 'hv1'], { env: { NBCTL: 'ovn-nbctl', OVN_NB_DB: nb.remotes.unix } });

    const hv = await sb.startChassis({
      sbRemote: sbdb.remotes.unix,
      systemId: 'hv1',
      bridgeMappings: 'phyNet:br-phys',
    });
    // The physical network: br-phys with the outside host 172.18.0.1/16.
    const outside = await hv.addPhysicalHost('outside', '172.18.0.1/16');
    await sb.startHttpServer(outside.netns, '172.18.0.1');

    await hv.startRealController();
    const vm1 = await hv.addVm('vm1', '02:ac:10:ff:00:11', '192.168.100.10/24', '192.168.100.1');
    await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, '--timeout=30', '--wait=hv', 'sync']);

    // The first packet makes gw1 resolve the outside host's MAC; retry briefly until it is learned.
    let ping = { stdout: '' };
    for (let i = 0; i < 5 && !/ 0% packet loss/.test(ping.stdout); i++)
      ping = await vm1.exec('ping', ['-c', '2', '-i', '0.2', '-W', '1', '172.18.0.1']);
    expect(ping.stdout).toMatch(/ 0% packet loss/);
    const r = await vm1.exec('curl', ['-s', '--max-time', '3', 'http://172.18.0.1/']);
    expect(r.stdout).toBe('172.18.1.2');
  });
});
