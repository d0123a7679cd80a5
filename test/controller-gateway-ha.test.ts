// Gateway HA through BFD with ovnts-controller under the real ovn-northd and under ovnts-northd: a VM on hv1 reaches an outside host
// through a distributed gateway port whose gateway chassis are gw1 (priority 20) and gw2 (10). The three
// chassis share one L2 segment (a Linux bridge that is also the outside host, 172.18.1.1): the Geneve underlay
// and, on the gateways, the physical network of the localnet port. gw1's ovs-vswitchd is killed; the BFD
// sessions to it go down, gw2 claims the chassisredirect port, and the VM's pings come back through gw2.
// hv1's controller is frozen (SIGSTOP) across the kill: hv1 sends the port's traffic through an active_backup
// bundle over its tunnels to gw1 and gw2, so its switch moves to gw2 on the BFD state alone, as with
// ovn-controller.
import { describe, expect, it } from 'vitest';
import { type Chassis, useSandbox, waitFor } from '@ovnts/test-harness';
import { startController } from '@ovnts/controller';
import { startOvntsNorthd } from '@ovnts/northd/testing';
import { addGatewayTopology, sharedSegment, startCentral } from './controller-fixtures.js';

describe('ovnts-controller: gateway HA through BFD', () => {
  const sandbox = useSandbox();

  async function failover(northd: 'real' | 'ovnts'): Promise<void> {
    const sb = sandbox();
    const { sbdb, nbctl } = await startCentral(
      sb,
      northd === 'real' ? undefined : (n, s) => startOvntsNorthd(sb, n, s),
    );
    const sbctl = async (...a: string[]) => (await sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, ...a])).trim();
    // Fast BFD (100 ms × 3) so that detection is well under the failover budget.
    await nbctl('set', 'NB_Global', '.', 'options:bfd-min-rx=100', 'options:bfd-min-tx=100', 'options:bfd-mult=3');
    await addGatewayTopology(nbctl, {
      gatewayChassis: [
        ['gw1', 20],
        ['gw2', 10],
      ],
    });

    const underlay = '10.213.0';
    const hv1 = await sb.startChassis({ sbRemote: sbdb.remotes.unix, name: 'hv1', encapIp: `${underlay}.1` });
    const gws = [];
    for (const [i, name] of ['gw1', 'gw2'].entries())
      gws.push(
        await sb.startChassis({
          sbRemote: sbdb.remotes.unix,
          name,
          encapIp: `${underlay}.${i + 2}`,
          bridgeMappings: 'physnet:br-phy',
        }),
      );
    const [gw1, gw2] = gws as [Chassis, Chassis];
    await sharedSegment(sb, [hv1, gw1, gw2], '172.18.1.1/24', underlay);
    // hv1's controller as a process, to be frozen across the failover.
    const hv1Controller = await hv1.startOvntsController();
    for (const hv of [gw1, gw2]) sb.own(await startController({ ovsRemote: hv.db.remotes.unix, rundir: hv.rundir }));
    const vm1 = await hv1.addVm('vm1', '02:ac:10:ff:01:10', '192.168.1.10/24', '192.168.1.1');
    await nbctl('--timeout=30', '--wait=hv', 'sync');

    const boundTo = async () => {
      const uuid = await sbctl('--bare', '--columns=chassis', 'find', 'Port_Binding', 'logical_port=cr-lr1-pub');
      return uuid ? sbctl('--bare', '--columns=name', 'list', 'Chassis', uuid) : '';
    };
    // BFD comes up on the tunnels (hv1 ↔ gw1, gw2; gw1 ↔ gw2) and gw1 takes the port.
    await waitFor('cr-lr1-pub on gw1', async () => (await boundTo()) === 'gw1', 30_000);
    expect(await hv1.vsctl('--bare', '--columns=bfd', 'find', 'Interface', 'type=geneve')).toMatch(/enable=true/);
    const toGateway = await hv1.ofctl('-O', 'OpenFlow15', 'dump-flows', hv1.mgmt(), 'table=39');
    expect(toGateway).toMatch(/bundle\(eth_src,0,active_backup,ofport,members:\d+,\d+\)/);
    const ping = async (count: number) =>
      /[1-9]\d* received/.test(
        (await vm1.exec('ping', ['-c', String(count), '-i', '0.2', '-W', '0.5', '172.18.1.1'])).stdout,
      );
    await waitFor('ping through gw1', () => ping(1), 20_000);

    // One ping stream across the kill (every 100 ms, timestamped): the outage is the time from the kill to the
    // first reply after it, read from the replies themselves, not from how fast this test can poll.
    const stream = vm1.exec('ping', ['-D', '-i', '0.1', '-W', '0.3', '-w', '12', '172.18.1.1'], 20_000);
    await new Promise((r) => setTimeout(r, 1_000));
    hv1Controller.signal('SIGSTOP');
    let output: string;
    let t0: number;
    try {
      t0 = Date.now() / 1000;
      await gw1.vswitchd.kill();
      output = (await stream).stdout;
    } finally {
      hv1Controller.signal('SIGCONT');
    }
    const replies = [...output.matchAll(/^\[(\d+\.\d+)\] \d+ bytes from/gm)].map((m) => Number(m[1]));
    const after = replies.find((t) => t > t0);
    expect(after, 'no reply after the kill').toBeDefined();
    const failoverMs = Math.round((after! - t0) * 1000);
    process.stderr.write(`gateway failover (${northd} northd): pings resumed after ${failoverMs} ms\n`);
    expect(await boundTo()).toBe('gw2');
    expect(failoverMs).toBeLessThan(3_000);
  }

  // Three chassis, a daemon from source and BFD bring-up: well over the default 60 s on a loaded machine.
  const TIMEOUT = 300_000;
  it(
    'fails the chassisredirect port over to the backup gateway when the active one dies',
    () => failover('real'),
    TIMEOUT,
  );
  it('the same under ovnts-northd', () => failover('ovnts'), TIMEOUT);
});
