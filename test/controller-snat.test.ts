// ovnts-controller under the REAL ovn-northd: a gateway router SNATs a VM's traffic to 172.18.1.2 out through a
// localnet port (ovn-bridge-mappings physnet:br-phys, patch ports created by the controller) to an "outside"
// namespace on br-phys, which sees the connection come from 172.18.1.2. The router resolves the outside
// host's MAC with arp {} / put_arp through pinctrl. Once with a gateway router, once with a distributed router
// whose gateway port is hosted here (chassisredirect).
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { startController } from '@ovnts/controller';
import { addGatewayTopology, startCentral } from './controller-fixtures.js';

describe('ovnts-controller: SNAT through a localnet port', () => {
  const sandbox = useSandbox();

  async function scenario(gateway: 'gateway-router' | 'distributed-gateway-port', vlan?: number): Promise<void> {
    const sb = sandbox();
    const { sbdb, nbctl } = await startCentral(sb);
    await addGatewayTopology(
      nbctl,
      gateway === 'gateway-router' ? { routerChassis: 'hv1' } : { gatewayChassis: [['hv1', 10]] },
      vlan,
    );
    await nbctl('lr-route-add', 'lr1', '0.0.0.0/0', '172.18.1.1');

    const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix, bridgeMappings: 'physnet:br-phys' });
    // The physical network: br-phys with the outside host; with a VLAN it is an access port of that VLAN
    // (the patch port is a trunk).
    const outside = await hv.addPhysicalHost('outside', '172.18.1.1/24', vlan ? { vlan } : {});
    await sb.startHttpServer(outside.netns, '172.18.1.1');

    sb.own(await startController({ ovsRemote: hv.db.remotes.unix, rundir: hv.rundir }));
    const vm1 = await hv.addVm('vm1', '02:ac:10:ff:01:10', '192.168.1.10/24', '192.168.1.1');
    await nbctl('--timeout=20', '--wait=hv', 'sync');
    expect(await hv.vsctl('list-ports', 'br-phys')).toMatch(/patch-pub-ln-to-br-int/);

    // The first packet to the outside triggers the router's ARP (pinctrl); retry briefly until learned.
    let ping = { stdout: '' };
    for (let i = 0; i < 5 && !/ 0% packet loss/.test(ping.stdout); i++)
      ping = await vm1.exec('ping', ['-c', '2', '-i', '0.2', '-W', '1', '172.18.1.1']);
    expect(ping.stdout).toMatch(/ 0% packet loss/);
    const mb = await sb.runOk('ovn-sbctl', [
      `--db=${sbdb.remotes.unix}`,
      '--bare',
      '--columns=ip',
      'list',
      'MAC_Binding',
    ]);
    expect(mb).toContain('172.18.1.1');
    const r = await vm1.exec('curl', ['-s', '--max-time', '3', 'http://172.18.1.1/']);
    expect(r.stdout).toBe('172.18.1.2');
  }

  it('gateway router (l3gateway ports): the outside host sees 172.18.1.2', () => scenario('gateway-router'));
  it('distributed gateway port (chassisredirect): the outside host sees 172.18.1.2', () =>
    scenario('distributed-gateway-port'));
  it('VLAN-backed localnet (tag 100): the outside host on VLAN 100 sees 172.18.1.2', () =>
    scenario('gateway-router', 100));
});
