// External ports with ovnts-controller under the real ovn-northd and under ovnts-northd: a machine on the physical
// network (the segment's namespace, MAC of the external port ext1) asks OVN's native DHCP for its address. ext1
// belongs to HA chassis group hagrp1 (gw1, gw2: both bridge the physical network through switch ls1's localnet
// port); only the group's active member — the highest priority among the members whose BFD session is up —
// claims ext1 and answers. The answer moves with the group: to gw2 when the NB raises its priority, and back to
// gw1 when gw2's controller exits (its Chassis row goes, leaving gw1 the only candidate), as ovn-controller does.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Chassis, localnetPortArgs, runOk, useSandbox, waitFor } from '@ovnts/test-harness';
import { startController } from '@ovnts/controller';
import { startOvntsNorthd } from '@ovnts/northd/testing';
import { sharedSegment, startCentral } from './controller-fixtures.js';

const CLIENT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'dhcp-dns-client.mjs');
const EXT_MAC = 'f0:00:00:00:00:03';

/** Packets the chassis's DHCP flows sent to its controller (put_dhcp_opts: `controller(…)` on UDP port 67). */
async function dhcpPacketIns(hv: Chassis): Promise<number> {
  const flows = await hv.ofctl('-O', 'OpenFlow15', 'dump-flows', hv.mgmt());
  return flows
    .split('\n')
    .filter((l) => /tp_dst=67\b/.test(l) && l.includes('controller('))
    .reduce((n, l) => n + Number(/n_packets=(\d+)/.exec(l)?.[1] ?? 0), 0);
}

describe('ovnts-controller: external ports', () => {
  const sandbox = useSandbox();

  async function dhcpFollowsTheGroup(northd: 'real' | 'ovnts'): Promise<void> {
    const sb = sandbox();
    const { sbdb, nbctl } = await startCentral(
      sb,
      northd === 'real' ? undefined : (n, s) => startOvntsNorthd(sb, n, s),
    );
    const sbctl = async (...a: string[]) => (await sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, ...a])).trim();
    await nbctl('set', 'NB_Global', '.', 'options:bfd-min-rx=100', 'options:bfd-min-tx=100', 'options:bfd-mult=3');
    await nbctl('ls-add', 'ls1', '--', ...localnetPortArgs('ls1', 'ln1', 'physnet'));
    await nbctl('lsp-add', 'ls1', 'ext1', '--', 'lsp-set-type', 'ext1', 'external');
    await nbctl('lsp-set-addresses', 'ext1', `${EXT_MAC} 10.0.0.6`);
    const dhcp = await nbctl('create', 'DHCP_Options', 'cidr=10.0.0.0/24');
    await nbctl(
      'dhcp-options-set-options',
      dhcp,
      'lease_time=3600',
      'router=10.0.0.1',
      'server_id=10.0.0.1',
      'server_mac=02:ac:10:ff:00:01',
    );
    await nbctl('lsp-set-dhcpv4-options', 'ext1', dhcp);
    await nbctl('ha-chassis-group-add', 'hagrp1');
    await nbctl('ha-chassis-group-add-chassis', 'hagrp1', 'gw1', '20');
    await nbctl('ha-chassis-group-add-chassis', 'hagrp1', 'gw2', '10');
    const group = await nbctl('--bare', '--columns=_uuid', 'find', 'HA_Chassis_Group', 'name=hagrp1');
    await nbctl('set', 'Logical_Switch_Port', 'ext1', `ha_chassis_group=${group}`);

    const underlay = '10.214.0';
    const gws: Chassis[] = [];
    for (const [i, name] of ['gw1', 'gw2'].entries())
      gws.push(
        await sb.startChassis({
          sbRemote: sbdb.remotes.unix,
          name,
          encapIp: `${underlay}.${i + 1}`,
          bridgeMappings: 'physnet:br-phy',
        }),
      );
    // The segment's namespace is the external machine: br0 carries ext1's MAC and no address yet.
    const host = await sharedSegment(sb, gws, '', underlay);
    await runOk('ip', ['-n', host, 'link', 'set', 'br0', 'address', EXT_MAC]);
    await runOk('ip', ['-n', host, 'route', 'add', '255.255.255.255', 'dev', 'br0']);
    const controllers = [];
    for (const hv of gws)
      controllers.push(sb.own(await startController({ ovsRemote: hv.db.remotes.unix, rundir: hv.rundir })));
    await nbctl('--timeout=30', '--wait=hv', 'sync');

    const boundTo = async () => {
      const uuid = await sbctl('--bare', '--columns=chassis', 'find', 'Port_Binding', 'logical_port=ext1');
      return uuid ? sbctl('--bare', '--columns=name', 'list', 'Chassis', uuid) : '';
    };
    /** One DISCOVER/REQUEST exchange from the external machine; which gateway's controller answered it. */
    const lease = async (): Promise<{ yiaddr: string; from: string[] }> => {
      const before = await Promise.all(gws.map(dhcpPacketIns));
      const r = await runOk('ip', ['netns', 'exec', host, process.execPath, CLIENT, 'dhcp', EXT_MAC], {
        timeoutMs: 20_000,
      });
      const { ack } = JSON.parse(r) as { ack: { type: number; yiaddr: string } };
      expect(ack.type).toBe(5);
      const after = await Promise.all(gws.map(dhcpPacketIns));
      return { yiaddr: ack.yiaddr, from: ['gw1', 'gw2'].filter((_, i) => after[i]! > before[i]!) };
    };

    // BFD comes up between the members and gw1 (priority 20) claims ext1; only gw1 answers.
    await waitFor('ext1 on gw1', async () => (await boundTo()) === 'gw1', 30_000);
    await nbctl('--timeout=30', '--wait=hv', 'sync');
    expect(await lease()).toEqual({ yiaddr: '10.0.0.6', from: ['gw1'] });

    // The NB raises gw2 above gw1: gw2 takes ext1 over and answers.
    await nbctl('ha-chassis-group-add-chassis', 'hagrp1', 'gw2', '30');
    await waitFor('ext1 on gw2', async () => (await boundTo()) === 'gw2', 30_000);
    await nbctl('--timeout=30', '--wait=hv', 'sync');
    expect(await lease()).toEqual({ yiaddr: '10.0.0.6', from: ['gw2'] });

    // gw2's controller exits (its Chassis goes): gw1 is the group's only candidate and serves ext1 again.
    await controllers[1]!.stop();
    await waitFor('ext1 back on gw1', async () => (await boundTo()) === 'gw1', 30_000);
    await waitFor('ext1 up on gw1', async () => (await lease().catch(() => undefined))?.from[0] === 'gw1', 30_000);
  }

  // Two chassis, BFD bring-up and three DHCP exchanges: well over the default 60 s on a loaded machine.
  const TIMEOUT = 300_000;
  it(
    'the active member of the HA chassis group answers the external port’s DHCP, and the answer follows the group',
    () => dhcpFollowsTheGroup('real'),
    TIMEOUT,
  );
  it('the same under ovnts-northd', () => dhcpFollowsTheGroup('ovnts'), TIMEOUT);
});
