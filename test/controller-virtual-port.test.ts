// Virtual ports with ovnts-controller under the real ovn-northd and under ovnts-northd: switch ls1 (10.0.0.0/24
// on router lr1) has vm1 (on hv1), vm2 (on hv2) and the virtual port vip (virtual-ip 10.0.0.100,
// virtual-parents vm1,vm2); a client vm3 (on hv1) sits on ls2 (10.0.1.0/24) behind the same router. The VM that
// takes the VIP makes it its interface's primary address and bounces the link: the kernel's gratuitous ARP
// (arp_notify) reaches OVN through its port, and the chassis of that parent binds vip to it (bind_vport: SB
// chassis and virtual_parent). Northd then resolves the VIP to the active parent's MAC on the router, so the
// client's traffic to the VIP reaches that VM. Then the VIP moves to vm2 on the other chassis, and the binding
// and the traffic follow.
import { describe, expect, it } from 'vitest';
import { type Vm, useSandbox, waitFor } from '@ovnts/test-harness';
import { startController } from '@ovnts/controller';
import { startOvntsNorthd } from '@ovnts/northd/testing';
import { addRouterWithSwitches, addVif, connectUnderlay, startCentral } from './controller-fixtures.js';

const UNDERLAY = '172.31.7';
const VIP = '10.0.0.100';
const GW = '10.0.0.1';

/** The VM's addresses on its interface, the first one primary, announced by a gratuitous ARP (link bounce). */
async function readdress(vm: Vm, addrs: readonly string[]): Promise<void> {
  await vm.exec('sysctl', ['-qw', `net.ipv4.conf.${vm.ifname}.arp_notify=1`]);
  await vm.exec('ip', ['addr', 'flush', 'dev', vm.ifname]);
  for (const a of addrs) await vm.exec('ip', ['addr', 'add', `${a}/24`, 'dev', vm.ifname]);
  await vm.exec('ip', ['link', 'set', vm.ifname, 'down']);
  await vm.exec('ip', ['link', 'set', vm.ifname, 'up']);
  await vm.exec('ip', ['route', 'replace', 'default', 'via', GW]);
}

describe('ovnts-controller: virtual ports', () => {
  const sandbox = useSandbox();

  async function vipFollowsItsOwner(northd: 'real' | 'ovnts'): Promise<void> {
    const sb = sandbox();
    const { sbdb, nbctl } = await startCentral(
      sb,
      northd === 'real' ? undefined : (n, s) => startOvntsNorthd(sb, n, s),
    );
    const sbctl = async (...a: string[]) => (await sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, ...a])).trim();
    await addRouterWithSwitches(nbctl, [['10.0.0.1/24'], ['10.0.1.1/24']]);
    await addVif(nbctl, 'ls1', 'vm1', '02:ac:10:ff:00:11 10.0.0.11');
    await addVif(nbctl, 'ls1', 'vm2', '02:ac:10:ff:00:22 10.0.0.22');
    await addVif(nbctl, 'ls2', 'vm3', '02:ac:10:ff:00:33 10.0.1.33');
    await nbctl('lsp-add', 'ls1', 'vip', '--', 'lsp-set-type', 'vip', 'virtual');
    await nbctl('lsp-set-options', 'vip', `virtual-ip=${VIP}`, 'virtual-parents=vm1,vm2');

    const hv1 = await sb.startChassis({ sbRemote: sbdb.remotes.unix, name: 'hv1', encapIp: `${UNDERLAY}.1` });
    const hv2 = await sb.startChassis({ sbRemote: sbdb.remotes.unix, name: 'hv2', encapIp: `${UNDERLAY}.2` });
    await connectUnderlay(sb, hv1, hv2, UNDERLAY);
    for (const hv of [hv1, hv2]) sb.own(await startController({ ovsRemote: hv.db.remotes.unix, rundir: hv.rundir }));
    const vm1 = await hv1.addVm('vm1', '02:ac:10:ff:00:11', '10.0.0.11/24', GW);
    const vm2 = await hv2.addVm('vm2', '02:ac:10:ff:00:22', '10.0.0.22/24', GW);
    const vm3 = await hv1.addVm('vm3', '02:ac:10:ff:00:33', '10.0.1.33/24', '10.0.1.1');
    await nbctl('--timeout=30', '--wait=hv', 'sync');

    const binding = async () => {
      const row = await sbctl('--bare', '--columns=chassis,virtual_parent', 'find', 'Port_Binding', 'logical_port=vip');
      const [chassis = '', parent = ''] = row.split('\n').filter((l) => l.trim() !== '');
      const name = chassis ? await sbctl('--bare', '--columns=name', 'list', 'Chassis', chassis) : '';
      return `${name} ${parent}`.trim();
    };
    const pingVip = async () => (await vm3.exec('ping', ['-c', '1', '-W', '1', VIP])).code === 0;
    expect(await binding()).toBe('');

    await readdress(vm1, [VIP, '10.0.0.11']);
    await waitFor('vip bound to hv1 through vm1', async () => (await binding()) === 'hv1 vm1', 20_000);
    await waitFor('VIP answers from vm1', pingVip, 20_000);

    // The VIP moves: vm1 drops it, vm2 (on hv2) takes it; only vm2 can answer now.
    await readdress(vm1, ['10.0.0.11']);
    await readdress(vm2, [VIP, '10.0.0.22']);
    await waitFor('vip bound to hv2 through vm2', async () => (await binding()) === 'hv2 vm2', 20_000);
    await waitFor('VIP answers from vm2', pingVip, 20_000);
  }

  const TIMEOUT = 300_000;
  it(
    'binds the virtual port to the parent that announces the VIP, and the router reaches it there; it follows the VIP',
    () => vipFollowsItsOwner('real'),
    TIMEOUT,
  );
  it('the same under ovnts-northd', () => vipFollowsItsOwner('ovnts'), TIMEOUT);
});
