// Conditional monitoring (ovn-monitor-all=false, the default): two chassis over Geneve, each hosting its own
// switch, each ovnts-controller replicating only its slice of the SB; binding a port of the other switch
// widens the slice (its flows appear, the port pings across the tunnel), unbinding narrows it again, and
// ovn-monitor-all=true replicates the whole SB.
import { describe, expect, it } from 'vitest';
import { useSandbox, waitFor } from '@ovnts/test-harness';
import { type ControllerHandle, startController } from '@ovnts/controller';
import { OvsdbClient, type Replica } from 'ovsdb-client-ts';
import { formatFlow } from '@ovnts/openflow';
import { model as sbModel } from '@ovnts/schema/sb';
import { addVif, connectUnderlay, startCentral } from './controller-fixtures.js';

const UNDERLAY = '172.31.1';

type SbReplica = Replica<typeof sbModel>;

/** The lflows (uuids) that apply to any of the named switches, in the full SB. */
function lflowsOf(full: SbReplica, switches: readonly string[]): Set<string> {
  const dps = new Set(
    [...full.table('Datapath_Binding').values()]
      .filter((d) => switches.includes(d.external_ids['name'] ?? ''))
      .map((d) => d._uuid as string),
  );
  const out = new Set<string>();
  for (const lf of full.table('Logical_Flow').values()) {
    const on = lf.logical_dp_group
      ? (full.get('Logical_DP_Group', lf.logical_dp_group)?.datapaths ?? [])
      : lf.logical_datapath
        ? [lf.logical_datapath]
        : [];
    if (on.some((d) => dps.has(d))) out.add(lf._uuid);
  }
  return out;
}

describe('ovnts-controller: conditional monitoring', () => {
  const sandbox = useSandbox();

  it('each chassis holds its slice; a bound port widens it, a released one narrows it; monitor-all holds everything', async () => {
    const sb = sandbox();
    const { sbdb, nbctl } = await startCentral(sb);
    for (const [ls, ports] of [
      ['ls1', ['vm1 02:ac:10:01:00:11 192.168.1.11', 'vm3 02:ac:10:01:00:13 192.168.1.13']],
      [
        'ls2',
        [
          'vm2 02:ac:10:02:00:12 192.168.2.12',
          'vm4 02:ac:10:02:00:14 192.168.2.14',
          'vm5 02:ac:10:02:00:15 192.168.2.15',
        ],
      ],
      ['ls3', ['p3a 02:ac:10:03:00:01 192.168.3.1', 'p3b 02:ac:10:03:00:02 192.168.3.2']],
    ] as const) {
      await nbctl('ls-add', ls);
      for (const p of ports) {
        const [name, ...addr] = p.split(' ');
        await addVif(nbctl, ls, name!, addr.join(' '));
      }
    }
    const hv1 = await sb.startChassis({ sbRemote: sbdb.remotes.unix, name: 'hv1', encapIp: `${UNDERLAY}.1` });
    const hv2 = await sb.startChassis({ sbRemote: sbdb.remotes.unix, name: 'hv2', encapIp: `${UNDERLAY}.2` });
    await connectUnderlay(sb, hv1, hv2, UNDERLAY);
    const c1 = sb.own(await startController({ ovsRemote: hv1.db.remotes.unix, rundir: hv1.rundir }));
    const c2 = sb.own(await startController({ ovsRemote: hv2.db.remotes.unix, rundir: hv2.rundir }));
    const vm1 = await hv1.addVm('vm1', '02:ac:10:01:00:11', '192.168.1.11/24');
    await hv1.addVm('vm3', '02:ac:10:01:00:13', '192.168.1.13/24');
    const vm2 = await hv2.addVm('vm2', '02:ac:10:02:00:12', '192.168.2.12/24');
    await hv2.addVm('vm4', '02:ac:10:02:00:14', '192.168.2.14/24');
    await nbctl('--timeout=30', '--wait=hv', 'sync');

    // The whole SB, for reference.
    const client = await OvsdbClient.connect(sbdb.remotes.unix);
    sb.own({ stop: () => client.close() });
    const full = await client.monitor(sbModel);
    // What each controller replicates: its row counts per table.
    const rows = (c: ControllerHandle, t: string) => c.stats().sbRows[t] ?? 0;
    // Logical flows of ls2 installed on hv1: logical tables (8 and up) matching ls2's metadata.
    const ls2Key = [...full.table('Datapath_Binding').values()].find(
      (d) => d.external_ids['name'] === 'ls2',
    )!.tunnel_key;
    const ls2FlowsOn = (c: ControllerHandle) =>
      c
        .desired()
        .flows.filter((f) => f.table >= 8 && new RegExp(`metadata=0x${ls2Key.toString(16)}\\b`).test(formatFlow(f)))
        .length;

    // Each chassis: the ports and lflows of its own switch, nothing of the others.
    const ls1Flows = lflowsOf(full, ['ls1']);
    const ls2Flows = lflowsOf(full, ['ls2']);
    expect(rows(c1, 'Port_Binding')).toBe(2); // vm1, vm3
    expect(rows(c2, 'Port_Binding')).toBe(3); // vm2, vm4, vm5 (not bound yet, but on a local switch)
    expect(rows(c1, 'Logical_Flow')).toBe(ls1Flows.size);
    expect(rows(c2, 'Logical_Flow')).toBe(ls2Flows.size);
    expect(ls1Flows.size).toBeLessThan(full.table('Logical_Flow').size);
    expect(rows(c1, 'Multicast_Group')).toBeLessThan(full.table('Multicast_Group').size);
    expect(rows(c1, 'Chassis_Private')).toBe(1);
    // Whole tables stay whole: both chassis and their encaps (for tunnels), every datapath.
    expect(rows(c1, 'Chassis')).toBe(2);
    expect(rows(c1, 'Encap')).toBe(2);
    expect(rows(c1, 'Datapath_Binding')).toBe(3); // ls1, ls2, ls3
    expect(ls2FlowsOn(c1)).toBe(0);
    expect(ls2FlowsOn(c2)).toBeGreaterThan(0);

    // Packets still flow on each chassis.
    const ping = async (from: { exec: (typeof vm1)['exec'] }, ip: string) =>
      (await from.exec('ping', ['-c', '2', '-i', '0.3', '-W', '2', ip])).stdout;
    expect(await ping(vm1, '192.168.1.13')).toMatch(/ 0% packet loss/);
    expect(await ping(vm2, '192.168.2.14')).toMatch(/ 0% packet loss/);

    // A new switch: northd moves the shared lflows to a new datapath group (one that also holds ls4), so
    // under hv1's old condition they leave the slice. hv1 asks for the new group before computing again:
    // its ls1 flows are never removed, not even for a round.
    const ls1Key = [...full.table('Datapath_Binding').values()].find(
      (d) => d.external_ids['name'] === 'ls1',
    )!.tunnel_key;
    const ls1FlowText = (c: ControllerHandle) =>
      c
        .desired()
        .flows.filter((f) => f.table >= 8)
        .map(formatFlow)
        .filter((t) => new RegExp(`metadata=0x${ls1Key.toString(16)}\\b`).test(t))
        .sort();
    const ls1Before = ls1FlowText(c1);
    const removedBefore = c1.stats().totalInstalled.remove;
    await nbctl('ls-add', 'ls4');
    await addVif(nbctl, 'ls4', 'p4a', '02:ac:10:04:00:01 192.168.4.1');
    await nbctl('--timeout=30', '--wait=hv', 'sync');
    await waitFor('the full replica to catch up', () => lflowsOf(full, ['ls4']).size > 0, 10_000, 50);
    expect(rows(c1, 'Logical_Flow')).toBe(lflowsOf(full, ['ls1']).size);
    expect(ls1FlowText(c1)).toEqual(ls1Before);
    expect(c1.stats().totalInstalled.remove).toBe(removedBefore);

    // A port of ls2 bound on hv1: hv1's slice widens to ls2, its flows appear, the port reaches hv2's VMs.
    const changesBefore = c1.stats().conditionChanges;
    const vm5 = await hv1.addVm('vm5', '02:ac:10:02:00:15', '192.168.2.15/24');
    await nbctl('--timeout=30', '--wait=hv', 'sync');
    expect(c1.stats().conditionChanges).toBeGreaterThan(changesBefore);
    expect(rows(c1, 'Port_Binding')).toBe(5); // vm1, vm3 and all of ls2
    expect(rows(c1, 'Logical_Flow')).toBe(lflowsOf(full, ['ls1', 'ls2']).size);
    expect(ls2FlowsOn(c1)).toBeGreaterThan(0);
    expect(await ping(vm5, '192.168.2.12')).toMatch(/ 0% packet loss/);

    // Released again: hv1's slice narrows back to ls1.
    await hv1.vsctl('del-port', 'br-int', vm5.ifname);
    await waitFor('hv1 to drop ls2 from its slice', () => rows(c1, 'Port_Binding') === 2, 20_000, 100);
    await c1.whenIdle();
    expect(rows(c1, 'Logical_Flow')).toBe(ls1Flows.size);
    expect(ls2FlowsOn(c1)).toBe(0);
    expect(await ping(vm1, '192.168.1.13')).toMatch(/ 0% packet loss/);

    // ovn-monitor-all=true on hv2: the whole SB (every table, every row), and still working.
    await hv2.vsctl('set', 'Open_vSwitch', '.', 'external_ids:ovn-monitor-all=true');
    const sameAsFull = () =>
      Object.entries(full.snapshot()).every(([t, m]) => rows(c2, t) === (m as ReadonlyMap<string, unknown>).size);
    await waitFor('hv2 to replicate the whole SB', sameAsFull, 20_000, 100);
    await nbctl('--timeout=30', '--wait=hv', 'sync');
    expect(rows(c2, 'Logical_Flow')).toBe(full.table('Logical_Flow').size);
    expect(rows(c2, 'Port_Binding')).toBe(full.table('Port_Binding').size);
    expect(await ping(vm2, '192.168.2.14')).toMatch(/ 0% packet loss/);
  });
});
