// ovnts-controller under the REAL ovn-northd on a real netdev ovs-vswitchd: VMs in namespaces ping each other
// on a logical switch and the router's IP; the chassis registers, claims its ports and answers --wait=hv.
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { startController } from '@ovnts/controller';
import { addTwoVmSwitch, startCentral } from './controller-fixtures.js';

describe('ovnts-controller with the real ovn-northd', () => {
  const sandbox = useSandbox();

  it('VM↔VM on a switch and VM→router IP', async () => {
    const sb = sandbox();
    const { nb, sbdb, nbctl } = await startCentral(sb);
    const sbctl = async (...a: string[]) => (await sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, ...a])).trim();
    await addTwoVmSwitch(nbctl, true);
    const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
    const ctl = sb.own(await startController({ ovsRemote: hv.db.remotes.unix, rundir: hv.rundir }));
    const vm1 = await hv.addVm('vm1', '02:ac:10:ff:00:11', '192.168.100.10/24', '192.168.100.1');
    await hv.addVm('vm2', '02:ac:10:ff:00:22', '192.168.100.11/24', '192.168.100.1');
    await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, '--timeout=20', '--wait=hv', 'sync']);

    // Chassis, Encap and the claimed ports look as with the real controller.
    const show = await sbctl('show');
    expect(show).toMatch(/Chassis hv1/);
    expect(show).toMatch(/Encap geneve\s+ip: "127.0.0.1"/);
    expect(show).toMatch(/Port_Binding vm1/);
    expect(show).toMatch(/Port_Binding vm2/);
    expect(await sbctl('--bare', '--columns=up', 'find', 'Port_Binding', 'logical_port=vm1')).toBe('true');
    expect(await nbctl('lsp-get-up', 'vm1')).toBe('up');
    expect(await hv.ofctl('-O', 'OpenFlow15', 'dump-tlv-map', hv.mgmt())).toMatch(/0x102\s+0x80\s+4\s+tun_metadata0/);

    const ping = await vm1.exec('ping', ['-c', '3', '-i', '0.2', '-W', '2', '192.168.100.11']);
    expect(ping.stdout).toMatch(/ 0% packet loss/);
    const gw = await vm1.exec('ping', ['-c', '2', '-i', '0.2', '-W', '2', '192.168.100.1']);
    expect(gw.stdout).toMatch(/ 0% packet loss/);
    expect(ctl.stats().lflowErrors).toBe(0);

    // Graceful stop removes the chassis and releases the ports.
    await ctl.stop();
    expect(await sbctl('--bare', '--columns=name', 'list', 'Chassis')).toBe('');
    expect(await sbctl('--bare', '--columns=chassis', 'find', 'Port_Binding', 'logical_port=vm1')).toBe('');
  });
});
