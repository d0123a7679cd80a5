// Resilience of ovnts-controller: the SB server restarts without the switch being flushed (packets keep
// flowing), a restarted controller changes nothing, and a restarted ovs-vswitchd gets its flows back within 5 s.
import { describe, expect, it } from 'vitest';
import { startDetached, useSandbox, waitFor } from '@ovnts/test-harness';
import { startController } from '@ovnts/controller';
import { addTwoVmSwitch, startCentral } from './controller-fixtures.js';

describe('ovnts-controller: restarts', () => {
  const sandbox = useSandbox();

  it('keeps flows across an SB restart and restores them after an ovs-vswitchd restart', async () => {
    const sb = sandbox();
    const { sbdb, nbctl } = await startCentral(sb);
    await addTwoVmSwitch(nbctl);
    const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
    let ctl = sb.own(await startController({ ovsRemote: hv.db.remotes.unix, rundir: hv.rundir }));
    const vm1 = await hv.addVm('vm1', '02:ac:10:ff:00:11', '192.168.100.10/24');
    await hv.addVm('vm2', '02:ac:10:ff:00:22', '192.168.100.11/24');
    await nbctl('--timeout=20', '--wait=hv', 'sync');
    const dump = async () =>
      (await hv.ofctl('-O', 'OpenFlow15', '--no-stats', 'dump-flows', hv.mgmt()))
        .split('\n')
        .filter((l) => l.includes('actions='))
        .sort();
    const before = await dump();
    expect(before.length).toBeGreaterThan(50);

    // SB restart: a ping runs across it; the flow table is never flushed, and nothing changes afterwards.
    const pinging = vm1.exec('ping', ['-c', '15', '-i', '0.2', '-W', '1', '192.168.100.11']);
    await new Promise((r) => setTimeout(r, 600));
    await sbdb.restart();
    expect((await pinging).stdout).toMatch(/ 0% packet loss/);
    await ctl.whenIdle();
    expect(await dump()).toEqual(before);

    // Controller restart (no cleanup): the new one finds the same flows and zones and changes nothing.
    const zones = await hv.vsctl('get', 'Bridge', 'br-int', 'external_ids');
    await ctl.stop({ cleanup: false });
    ctl = sb.own(await startController({ ovsRemote: hv.db.remotes.unix, rundir: hv.rundir }));
    await nbctl('--timeout=20', '--wait=hv', 'sync');
    await ctl.whenIdle();
    expect(ctl.stats().recomputes).toBeGreaterThan(0);
    expect(ctl.stats().lastInstall).toEqual({ add: 0, modify: 0, remove: 0 });
    expect(await dump()).toEqual(before);
    expect((await hv.vsctl('get', 'Bridge', 'br-int', 'external_ids')).match(/ct-zone-[^,}]*/g)).toEqual(
      zones.match(/ct-zone-[^,}]*/g),
    );

    // ovs-vswitchd restart: it comes back with an empty table; the controller reinstalls everything.
    await hv.vswitchd.kill();
    const f = (s: string) => sb.file(`${hv.name}-vswitchd.${s}`);
    const vswitchd = await startDetached(
      'ovs-vswitchd (restarted)',
      'ovs-vswitchd',
      [`--pidfile=${f('pid')}`, `--log-file=${f('log')}`, `--unixctl=${f('ctl')}`, hv.db.remotes.unix],
      f('pid'),
      f('log'),
      hv.env,
      hv.netns,
    );
    sb.own(vswitchd);
    const t0 = Date.now();
    await waitFor('flows restored', async () => (await dump().catch(() => [])).length === before.length, 5_000);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(await dump()).toEqual(before);
    expect(await hv.ofctl('-O', 'OpenFlow15', 'dump-tlv-map', hv.mgmt())).toMatch(/tun_metadata0/);
  });
});
