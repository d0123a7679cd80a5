// IGMP snooping end to end with ovnts-controller, under the real ovn-northd and under ovnts-northd: on a
// switch with mcast_snoop=true, two VM namespaces join 239.1.1.1 (the kernel's own IGMP reports, punted by
// the `igmp` action), the chassis writes the group to SB IGMP_Group, northd builds its Multicast_Group and
// flow, and a third VM's pings to the group reach the two members (both answer) and not a fourth VM on the
// same switch. With snooping turned off the fourth VM gets them again (the measurement can see them).
import { describe, expect, it } from 'vitest';
import { useSandbox, waitFor } from '@ovnts/test-harness';
import { startController } from '@ovnts/controller';
import { startOvntsNorthd } from '@ovnts/northd/testing';
import { addVif, startCentral } from './controller-fixtures.js';

const GROUP = '239.1.1.1';
const vms = [1, 2, 3, 4].map((i) => ({ name: `vm${i}`, mac: `02:00:00:00:00:0${i}`, ip: `10.0.0.${i}` }));

describe('ovnts-controller: IGMP snooping', () => {
  const sandbox = useSandbox();

  async function snooping(northd: 'real' | 'ovnts'): Promise<void> {
    const sb = sandbox();
    const { sbdb, nbctl } = await startCentral(
      sb,
      northd === 'real' ? undefined : (n, s) => startOvntsNorthd(sb, n, s),
    );
    await nbctl('ls-add', 'ls1');
    await nbctl('set', 'Logical_Switch', 'ls1', 'other_config:mcast_snoop=true', 'other_config:mcast_querier=false');
    for (const v of vms) await addVif(nbctl, 'ls1', v.name, `${v.mac} ${v.ip}`);
    const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
    sb.own(await startController({ ovsRemote: hv.db.remotes.unix, rundir: hv.rundir }));
    const [vm1, vm2, vm3, vm4] = await Promise.all(vms.map((v) => hv.addVm(v.name, v.mac, `${v.ip}/24`)));
    await nbctl('--timeout=20', '--wait=hv', 'sync');
    const sbctl = async (...a: string[]) => (await sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, ...a])).trim();

    // Members answer pings to the group; nobody ignores them.
    for (const vm of [vm1!, vm2!, vm4!])
      expect((await vm.exec('sysctl', ['-q', '-w', 'net.ipv4.icmp_echo_ignore_broadcasts=0'])).code).toBe(0);
    for (const vm of [vm1!, vm2!])
      expect((await vm.exec('ip', ['addr', 'add', `${GROUP}/32`, 'dev', vm.ifname, 'autojoin'])).code).toBe(0);
    await waitFor(
      'the group learned with both members',
      async () => {
        const ports = await sbctl('--bare', '--columns=ports', 'find', 'IGMP_Group', `address=${GROUP}`);
        return ports.split(/\s+/).filter(Boolean).length === 2;
      },
      20_000,
    );
    await nbctl('--timeout=20', '--wait=hv', 'sync');
    expect(await sbctl('--bare', '--columns=name', 'find', 'Multicast_Group', `name=${GROUP}`)).toBe(GROUP);

    const rxPackets = async () => {
      const out = (await vm4!.exec('cat', [`/sys/class/net/${vm4!.ifname}/statistics/rx_packets`])).stdout;
      return Number(out.trim());
    };
    const pingGroup = () =>
      vm3!.exec('ping', ['-c', '5', '-i', '0.2', '-W', '2', '-I', vm3!.ifname, '-t', '1', GROUP], 30_000);
    const before = await rxPackets();
    const ping = await pingGroup();
    // Replies from both members (the second one counted as a duplicate).
    expect(ping.stdout).toContain(`from ${vms[0]!.ip}`);
    expect(ping.stdout).toContain(`from ${vms[1]!.ip}`);
    expect(await rxPackets()).toBeLessThan(before + 5);

    // Without snooping the group traffic floods: vm4 sees it (what it did not see above was held back).
    await nbctl('--wait=hv', 'set', 'Logical_Switch', 'ls1', 'other_config:mcast_snoop=false');
    const before2 = await rxPackets();
    await pingGroup();
    expect(await rxPackets()).toBeGreaterThanOrEqual(before2 + 5);
  }

  it('only members receive group traffic (real northd)', { timeout: 180_000 }, () => snooping('real'));
  it('the same under ovnts-northd', { timeout: 180_000 }, () => snooping('ovnts'));
});
