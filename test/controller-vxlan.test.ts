// Two chassis with ovn-encap-type=vxlan (each its own OVS DB, netdev ovs-vswitchd and ovnts-controller, joined
// by a veth underlay), under the real ovn-northd and under ovnts-northd. VXLAN carries only the datapath key
// (low 12 bits of the VNI) and the logical outport (high 12 bits): vm1 on hv1 pings vm2 on hv2 on the same
// switch (the ARP request travels as the flood group, key 0x8000 as 0x800) and vm3 on hv2 behind the router.
import { describe, expect, it } from 'vitest';
import { type Sandbox, useSandbox } from '@ovnts/test-harness';
import { startController } from '@ovnts/controller';
import { startOvntsNorthd } from '@ovnts/northd/testing';
import { addRouterWithSwitches, addVif, connectUnderlay, startCentral } from './controller-fixtures.js';

const UNDERLAY = '172.31.2';

const northds = [
  ['the real ovn-northd', undefined],
  ['ovnts-northd', (sb: Sandbox) => (n: string, s: string) => startOvntsNorthd(sb, n, s)],
] as const;

describe.each(northds)('ovnts-controller: two chassis over VXLAN, %s', (_name, northd) => {
  const sandbox = useSandbox();

  it('switched and routed pings cross the VXLAN tunnel', { timeout: 180_000 }, async () => {
    const sb = sandbox();
    const { sbdb, nbctl } = await startCentral(sb, northd?.(sb));
    const sbctl = (...a: string[]) => sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, '--bare', ...a]);
    await addRouterWithSwitches(nbctl, [['192.168.1.1/24'], ['192.168.2.1/24']]);
    await addVif(nbctl, 'ls1', 'vm1', '02:ac:10:ff:01:10 192.168.1.10');
    await addVif(nbctl, 'ls1', 'vm2', '02:ac:10:ff:01:11 192.168.1.11');
    await addVif(nbctl, 'ls2', 'vm3', '02:ac:10:ff:02:10 192.168.2.10');
    const chassis = (name: string, ip: string) =>
      sb.startChassis({ sbRemote: sbdb.remotes.unix, name, encapIp: ip, encapType: 'vxlan' });
    const hv1 = await chassis('hv1', `${UNDERLAY}.1`);
    const hv2 = await chassis('hv2', `${UNDERLAY}.2`);
    await connectUnderlay(sb, hv1, hv2, UNDERLAY);
    sb.own(await startController({ ovsRemote: hv1.db.remotes.unix, rundir: hv1.rundir }));
    sb.own(await startController({ ovsRemote: hv2.db.remotes.unix, rundir: hv2.rundir }));
    const vm1 = await hv1.addVm('vm1', '02:ac:10:ff:01:10', '192.168.1.10/24', '192.168.1.1');
    await hv2.addVm('vm2', '02:ac:10:ff:01:11', '192.168.1.11/24', '192.168.1.1');
    await hv2.addVm('vm3', '02:ac:10:ff:02:10', '192.168.2.10/24', '192.168.2.1');
    await nbctl('--timeout=30', '--wait=hv', 'sync');

    // The tunnel port is VXLAN; northd saw the VXLAN chassis and limits datapath keys to 12 bits.
    expect(await hv1.vsctl('--bare', '--columns=options', 'find', 'Interface', 'type=vxlan')).toMatch(
      /remote_ip="?172\.31\.2\.2/,
    );
    expect(await nbctl('get', 'NB_Global', '.', 'options:max_tunid')).toBe('"4095"');

    const ping = async (dst: string) => (await vm1.exec('ping', ['-c', '3', '-i', '0.3', '-W', '2', dst])).stdout;
    expect(await ping('192.168.1.11')).toMatch(/ 0% packet loss/);
    expect(await ping('192.168.2.10')).toMatch(/ 0% packet loss/);

    // ofproto/trace on hv1: the VNI is the datapath key | outport << 12.
    const dpKey = Number(await sbctl('get', 'Datapath_Binding', 'ls1', 'tunnel_key'));
    const outKey = Number(await sbctl('--columns=tunnel_key', 'find', 'Port_Binding', 'logical_port=vm2'));
    const ofport = (
      await hv1.vsctl('--bare', '--columns=ofport', 'find', 'Interface', 'external_ids:iface-id=vm1')
    ).trim();
    const trace = await hv1.appctl(
      'ofproto/trace',
      'br-int',
      `in_port=${ofport},icmp,dl_src=02:ac:10:ff:01:10,dl_dst=02:ac:10:ff:01:11,nw_src=192.168.1.10,nw_dst=192.168.1.11,nw_ttl=64`,
    );
    expect(trace).toMatch(new RegExp(`vxlan\\(flags=0x8000000,vni=0x${(dpKey | (outKey << 12)).toString(16)}\\)`));
  });
});
