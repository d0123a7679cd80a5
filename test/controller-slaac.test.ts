// IPv6 SLAAC from ovnts-controller's periodic router advertisements, under the real ovn-northd and under
// ovnts-northd: a router port with ipv6_ra_configs address_mode=slaac and send_periodic=true (4 s at most
// between advertisements); the VM namespace sends no router solicitation at all (router_solicitations=0), so
// the address it forms from the advertised prefix and its default route via the router's link-local address
// can only come from the unsolicited, periodic advertisements. The VM then reaches the router from that address.
import { describe, expect, it } from 'vitest';
import { useSandbox, waitFor } from '@ovnts/test-harness';
import { startController } from '@ovnts/controller';
import { startOvntsNorthd } from '@ovnts/northd/testing';
import { addRouterWithSwitches, addVif, startCentral } from './controller-fixtures.js';

const VM_MAC = '02:ac:10:01:00:11';
/** The EUI-64 address of VM_MAC in fd00:1::/64 (U/L bit flipped, ff:fe in the middle). */
const VM_SLAAC = 'fd00:1::ac:10ff:fe01:11';
/** The router port's link-local address (EUI-64 of 02:ac:10:ff:01:01), the RA's source. */
const ROUTER_LLA = 'fe80::ac:10ff:feff:101';

describe('ovnts-controller: IPv6 SLAAC from periodic router advertisements', () => {
  const sandbox = useSandbox();

  async function slaac(northd: 'real' | 'ovnts'): Promise<void> {
    const sb = sandbox();
    const { sbdb, nbctl } = await startCentral(
      sb,
      northd === 'real' ? undefined : (n, s) => startOvntsNorthd(sb, n, s),
    );
    await addRouterWithSwitches(nbctl, [['fd00:1::1/64']]);
    await nbctl(
      'set',
      'Logical_Router_Port',
      'lr1-ls1',
      'ipv6_ra_configs:address_mode=slaac',
      'ipv6_ra_configs:send_periodic=true',
      'ipv6_ra_configs:min_interval=3',
      'ipv6_ra_configs:max_interval=4',
    );
    await addVif(nbctl, 'ls1', 'vm1', `${VM_MAC} ${VM_SLAAC}`);

    const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
    sb.own(await startController({ ovsRemote: hv.db.remotes.unix, rundir: hv.rundir }));
    // No IPv4, and the interface down while its IPv6 settings change: it must neither solicit nor forward.
    const vm1 = await hv.addVm('vm1', VM_MAC, '10.255.255.1/32');
    const nsOk = async (...args: string[]) => expect((await vm1.exec(args[0]!, args.slice(1))).code).toBe(0);
    await nsOk('ip', 'link', 'set', vm1.ifname, 'down');
    await nsOk('ip', 'addr', 'flush', 'dev', vm1.ifname);
    for (const [key, value] of [
      ['forwarding', '0'],
      ['accept_ra', '1'],
      ['autoconf', '1'],
      ['accept_dad', '0'],
      ['router_solicitations', '0'],
    ])
      await nsOk('sysctl', '-q', '-w', `net.ipv6.conf.${vm1.ifname}.${key}=${value}`);
    await nbctl('--timeout=20', '--wait=hv', 'sync');
    await nsOk('ip', 'link', 'set', vm1.ifname, 'up');

    const addrs = async () => (await vm1.exec('ip', ['-6', 'addr', 'show', 'dev', vm1.ifname])).stdout;
    await waitFor(
      'the SLAAC address from a periodic RA',
      async () => (await addrs()).includes(`${VM_SLAAC}/64`),
      15_000,
    );
    expect(await addrs()).toMatch(/scope global dynamic/);
    const routes = (await vm1.exec('ip', ['-6', 'route', 'show', 'default'])).stdout;
    expect(routes).toContain(`default via ${ROUTER_LLA} dev ${vm1.ifname} proto ra`);
    const ping = await vm1.exec('ping', ['-6', '-c', '2', '-i', '0.2', '-W', '2', '-I', VM_SLAAC, 'fd00:1::1']);
    expect(ping.stdout).toMatch(/ 0% packet loss/);
  }

  it('a VM configures its address and default route from unsolicited RAs (real northd)', () => slaac('real'));
  it('the same under ovnts-northd', () => slaac('ovnts'));
});
