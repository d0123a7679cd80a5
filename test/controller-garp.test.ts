// Gratuitous ARPs for floating IPs on the provider network, from ovnts-controller, under the real ovn-northd
// and under ovnts-northd: router lr1 has a distributed gateway port on a localnet-attached switch, gateway
// chassis hv1, and two floating IPs: a centralized one (announced with the gateway port's MAC wherever the
// chassisredirect port is bound) and a distributed one with its own external MAC (announced where its VM is
// bound). The provider bridge of hv1 copies every ARP it forwards to `ovs-ofctl monitor`: the distributed
// one crosses it at once, the centralized one only once hv1 becomes the gateway chassis and claims the
// chassisredirect port.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { type Chassis, localnetPortArgs, routerPortArgs, tool, useSandbox, waitFor } from '@ovnts/test-harness';
import { startController } from '@ovnts/controller';
import { startOvntsNorthd } from '@ovnts/northd/testing';
import { addRouterWithSwitches, addVif, startCentral } from './controller-fixtures.js';

const GW_MAC = '02:ac:10:ff:ee:01';
const FIP_CENTRAL = '172.18.1.100';
const FIP_DISTRIBUTED = '172.18.1.101';
const FIP_DISTRIBUTED_MAC = '02:ac:10:ff:ee:65';

interface Arp {
  readonly op: number;
  readonly spa: string;
  readonly tpa: string;
  readonly sha: string;
  readonly dst: string;
}

/**
 * Every ARP frame the bridge forwards, as `ovs-ofctl monitor` prints the packet-ins of a flow that both
 * forwards (NORMAL) and copies to the controller. stop() ends the monitor and returns what it saw.
 */
async function arpMonitor(hv: Chassis, bridge: string): Promise<{ seen(): Arp[]; stop(): void }> {
  await hv.ofctl('add-flow', hv.mgmt(bridge), 'priority=100,arp,actions=NORMAL,CONTROLLER:65535');
  const child = spawn(tool('ovs-ofctl'), ['monitor', hv.mgmt(bridge), '65535'], { env: hv.env });
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (text += d));
  // It prints the messages it receives on stderr.
  child.stderr.setEncoding('utf8').on('data', (d: string) => (text += d));
  // It prints nothing until a message arrives: give it a moment to connect, and fail loudly if it could not.
  await new Promise((r) => setTimeout(r, 1_000));
  expect(child.exitCode, text).toBeNull();
  const seen = () =>
    [...text.matchAll(/^arp,.*$/gm)].map((m) => {
      const field = (k: string) => new RegExp(`\\b${k}=([^,\\s]+)`).exec(m[0])?.[1] ?? '';
      return {
        op: Number(field('arp_op')),
        spa: field('arp_spa'),
        tpa: field('arp_tpa'),
        sha: field('arp_sha'),
        dst: field('dl_dst'),
      };
    });
  return { seen, stop: () => child.kill() };
}

describe('ovnts-controller: GARPs for floating IPs on the localnet bridge', () => {
  const sandbox = useSandbox();

  async function garp(northd: 'real' | 'ovnts'): Promise<void> {
    const sb = sandbox();
    const { sbdb, nbctl } = await startCentral(
      sb,
      northd === 'real' ? undefined : (n, s) => startOvntsNorthd(sb, n, s),
    );
    await addRouterWithSwitches(nbctl, [['192.168.1.1/24']]);
    await addVif(nbctl, 'ls1', 'vm1', '02:ac:10:01:00:10 192.168.1.10');
    await addVif(nbctl, 'ls1', 'vm2', '02:ac:10:01:00:11 192.168.1.11');
    await nbctl('ls-add', 'pub', '--', ...localnetPortArgs('pub', 'pub-ln', 'physnet'));
    await nbctl('lrp-add', 'lr1', 'lr1-pub', GW_MAC, '172.18.1.2/24');
    await nbctl(...routerPortArgs('pub', 'pub-lr1', 'lr1-pub'));
    await nbctl('lsp-set-options', 'pub-lr1', 'router-port=lr1-pub', 'nat-addresses=router');
    // At first the gateway port's only gateway chassis is one that never connects: nobody claims it.
    await nbctl('lrp-set-gateway-chassis', 'lr1-pub', 'elsewhere', '10');
    await nbctl('lr-nat-add', 'lr1', 'dnat_and_snat', FIP_CENTRAL, '192.168.1.10');
    await nbctl('lr-nat-add', 'lr1', 'dnat_and_snat', FIP_DISTRIBUTED, '192.168.1.11', 'vm2', FIP_DISTRIBUTED_MAC);

    const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix, bridgeMappings: 'physnet:br-phys' });
    // The provider bridge with a host on it, and the capture, before the controller claims anything.
    await hv.addPhysicalHost('outside', '172.18.1.1/24');
    const monitor = await arpMonitor(hv, 'br-phys');
    try {
      await hv.addVm('vm1', '02:ac:10:01:00:10', '192.168.1.10/24', '192.168.1.1');
      await hv.addVm('vm2', '02:ac:10:01:00:11', '192.168.1.11/24', '192.168.1.1');
      sb.own(await startController({ ovsRemote: hv.db.remotes.unix, rundir: hv.rundir }));
      const garpFor = (ip: string, mac: string) =>
        monitor
          .seen()
          .some((a) => a.op === 1 && a.spa === ip && a.tpa === ip && a.sha === mac && a.dst === 'ff:ff:ff:ff:ff:ff');
      // The distributed floating IP is announced where its VM is bound, claimed or not.
      await waitFor(
        `a GARP for ${FIP_DISTRIBUTED} from ${FIP_DISTRIBUTED_MAC}`,
        async () => garpFor(FIP_DISTRIBUTED, FIP_DISTRIBUTED_MAC),
        20_000,
      );
      await nbctl('--timeout=20', '--wait=hv', 'sync');
      expect(garpFor(FIP_CENTRAL, GW_MAC)).toBe(false);
      // hv1 becomes the gateway chassis and claims cr-lr1-pub: the centralized floating IP follows.
      await nbctl('lrp-set-gateway-chassis', 'lr1-pub', 'hv1', '20');
      await waitFor(`a GARP for ${FIP_CENTRAL} from ${GW_MAC}`, async () => garpFor(FIP_CENTRAL, GW_MAC), 20_000);
      // The gateway port's own address is announced too, and nothing claims a floating IP with a wrong MAC.
      await waitFor('a GARP for the gateway port itself', async () => garpFor('172.18.1.2', GW_MAC), 10_000);
      const fips = monitor
        .seen()
        .filter((a) => a.op === 1 && a.spa === a.tpa && [FIP_CENTRAL, FIP_DISTRIBUTED].includes(a.spa));
      for (const a of fips) expect(a.sha).toBe(a.spa === FIP_CENTRAL ? GW_MAC : FIP_DISTRIBUTED_MAC);
    } finally {
      monitor.stop();
    }
  }

  it('announces a distributed FIP at once and a centralized one when the gateway port is claimed (real northd)', () =>
    garp('real'));
  it('the same under ovnts-northd', () => garp('ovnts'));
});
