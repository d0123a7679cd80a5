// Two chassis, each its own OVS DB, netdev ovs-vswitchd (in its own namespace) and ovnts-controller, joined by
// an underlay: a veth pair between the two namespaces, each end on a br-phy bridge that holds the encap IP
// (OVS userspace tunneling). A VM on hv1 pings a VM on hv2 through Geneve.
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { startController } from '@ovnts/controller';
import { addTwoVmSwitch, connectUnderlay, startCentral } from './controller-fixtures.js';

const UNDERLAY = '172.31.0';

describe('ovnts-controller: two chassis over Geneve', () => {
  const sandbox = useSandbox();

  it('VM on hv1 pings VM on hv2 through a Geneve tunnel', async () => {
    const sb = sandbox();
    const { sbdb, nbctl } = await startCentral(sb);
    await addTwoVmSwitch(nbctl);
    const hv1 = await sb.startChassis({ sbRemote: sbdb.remotes.unix, name: 'hv1', encapIp: `${UNDERLAY}.1` });
    const hv2 = await sb.startChassis({ sbRemote: sbdb.remotes.unix, name: 'hv2', encapIp: `${UNDERLAY}.2` });
    await connectUnderlay(sb, hv1, hv2, UNDERLAY);
    sb.own(await startController({ ovsRemote: hv1.db.remotes.unix, rundir: hv1.rundir }));
    sb.own(await startController({ ovsRemote: hv2.db.remotes.unix, rundir: hv2.rundir }));
    const vm1 = await hv1.addVm('vm1', '02:ac:10:ff:00:11', '192.168.100.10/24');
    await hv2.addVm('vm2', '02:ac:10:ff:00:22', '192.168.100.11/24');
    await nbctl('--timeout=20', '--wait=hv', 'sync');

    // One tunnel port per remote chassis, and the Geneve option mapped to tun_metadata0.
    expect(await hv1.vsctl('--bare', '--columns=options', 'find', 'Interface', 'type=geneve')).toMatch(
      /remote_ip="?172\.31\.0\.2/,
    );
    expect(await hv1.ofctl('-O', 'OpenFlow15', 'dump-tlv-map', hv1.mgmt())).toMatch(/0x102\s+0x80\s+4\s+tun_metadata0/);

    const ping = await vm1.exec('ping', ['-c', '3', '-i', '0.3', '-W', '2', '192.168.100.11']);
    expect(ping.stdout).toMatch(/ 0% packet loss/);

    // ofproto/trace: the packet leaves on the tunnel with tun_id = datapath key, tun_metadata0 = inport<<16|outport.
    const key = (lp: string) =>
      sb.runOk('ovn-sbctl', [
        `--db=${sbdb.remotes.unix}`,
        '--bare',
        '--columns=tunnel_key',
        'find',
        'Port_Binding',
        `logical_port=${lp}`,
      ]);
    const dpKey = Number(
      await sb.runOk('ovn-sbctl', [
        `--db=${sbdb.remotes.unix}`,
        '--bare',
        '--columns=tunnel_key',
        'list',
        'Datapath_Binding',
      ]),
    );
    const [in1, out2] = [Number(await key('vm1')), Number(await key('vm2'))];
    const ofport = (
      await hv1.vsctl('--bare', '--columns=ofport', 'find', 'Interface', 'external_ids:iface-id=vm1')
    ).trim();
    const trace = await hv1.appctl(
      'ofproto/trace',
      'br-int',
      `in_port=${ofport},icmp,dl_src=02:ac:10:ff:00:11,dl_dst=02:ac:10:ff:00:22,nw_src=192.168.100.10,nw_dst=192.168.100.11,nw_ttl=64`,
    );
    // The datapath pushes a Geneve header: VNI = datapath key, option {0x102, 0x80, 4} = inport << 16 | outport.
    const opt = ((in1 << 16) | out2).toString(16);
    expect(trace).toMatch(
      new RegExp(`geneve\\([^)]*vni=0x${dpKey.toString(16)},options\\(\\{class=0x102,type=0x80,len=4,0x${opt}\\}\\)`),
    );
    expect(trace).toMatch(/Datapath actions:.*tnl_push/);
  });
});
