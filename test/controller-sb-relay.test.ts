// Issue 24: ovnts-controller reaches the SB through an ovsdb-server relay (`relay:OVN_Southbound:<remote>`),
// as large deployments scale the SB read load: monitors are served by the relay, writes (chassis, port
// claims, nb_cfg) are forwarded to the source. The chassis registers, claims its ports, reports nb_cfg
// for --wait=hv, and the VMs ping each other.
import { describe, expect, it } from 'vitest';
import { startDetached, useSandbox, waitFor } from '@ovnts/test-harness';
import { addTwoVmSwitch, startCentral } from './controller-fixtures.js';

describe('ovnts-controller through an SB relay', () => {
  const sandbox = useSandbox();

  it('binds its ports, reports nb_cfg and forwards packets with the SB behind ovsdb-server relay', async () => {
    const sb = sandbox();
    const { sbdb, nbctl } = await startCentral(sb);
    const sbctl = async (...a: string[]) => (await sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, ...a])).trim();
    const f = (s: string) => sb.file(`sb-relay.${s}`);
    sb.own(
      await startDetached(
        'ovsdb-server relay',
        'ovsdb-server',
        [
          `--pidfile=${f('pid')}`,
          `--log-file=${f('log')}`,
          `--unixctl=${f('ctl')}`,
          `--remote=punix:${f('sock')}`,
          `relay:OVN_Southbound:${sbdb.remotes.unix}`,
        ],
        f('pid'),
        f('log'),
        sb.env,
      ),
    );
    await addTwoVmSwitch(nbctl);
    const hv = await sb.startChassis({ sbRemote: `unix:${f('sock')}` });
    await hv.startOvntsController();
    const vm1 = await hv.addVm('vm1', '02:ac:10:ff:00:11', '192.168.100.10/24');
    await hv.addVm('vm2', '02:ac:10:ff:00:22', '192.168.100.11/24');
    // The writes went through the relay to the source SB.
    await waitFor(
      'the chassis and both claims in the source SB',
      async () => {
        const ch = await sbctl('--bare', '--columns=_uuid', 'find', 'Chassis', 'name=hv1');
        if (!ch) return false;
        const claims = await sbctl('--bare', '--columns=logical_port', 'find', 'Port_Binding', `chassis=${ch}`);
        return claims.split('\n').filter(Boolean).sort().join(' ') === 'vm1 vm2';
      },
      60_000,
      100,
    );
    await nbctl('--timeout=60', '--wait=hv', 'sync');
    const ping = await vm1.exec('ping', ['-c', '3', '-i', '0.3', '-W', '2', '192.168.100.11']);
    expect(ping.stdout).toMatch(/ 0% packet loss/);
    // A later NB change reaches the chassis through the relay too: an ACL dropping vm1 → vm2 ICMP.
    await nbctl('--wait=hv', '--timeout=60', 'acl-add', 'ls1', 'to-lport', '1000', 'outport == "vm2" && icmp4', 'drop');
    const dropped = await vm1.exec('ping', ['-c', '2', '-i', '0.3', '-W', '1', '192.168.100.11']);
    expect(dropped.stdout).toMatch(/ 100% packet loss/);
  }, 180_000);
});
