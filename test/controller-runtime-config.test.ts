// ovnts-controller reads its Open_vSwitch configuration every round, as ovn-controller does: bridge mappings
// set after start-up take effect (the localnet patch ports appear, the Chassis row publishes them), and
// the chassis keeps vlan-limit=0 and its chassis index in other_config.
import { describe, expect, it } from 'vitest';
import { useSandbox, waitFor } from '@ovnts/test-harness';
import { startController } from '@ovnts/controller';
import { addVif, startCentral } from './controller-fixtures.js';

describe('ovnts-controller: configuration changes at run time', () => {
  const sandbox = useSandbox();

  it('ovn-bridge-mappings set after start creates the localnet patch ports', async () => {
    const sb = sandbox();
    const { sbdb, nbctl } = await startCentral(sb);
    await nbctl('ls-add', 'ls1');
    await addVif(nbctl, 'ls1', 'vm1', '02:ac:10:01:00:11 192.168.1.11');
    await nbctl(
      'lsp-add',
      'ls1',
      'ln',
      '--',
      'lsp-set-type',
      'ln',
      'localnet',
      '--',
      'lsp-set-addresses',
      'ln',
      'unknown',
    );
    await nbctl('lsp-set-options', 'ln', 'network_name=physnet1');
    const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
    sb.own(await startController({ ovsRemote: hv.db.remotes.unix, rundir: hv.rundir }));
    await hv.addVm('vm1', '02:ac:10:01:00:11', '192.168.1.11/24');
    await nbctl('--timeout=20', '--wait=hv', 'sync');
    const vsctl = (...a: string[]) => hv.vsctl(...a);
    expect(await vsctl('get', 'Open_vSwitch', '.', 'other_config:vlan-limit')).toContain('0');
    expect((await vsctl('list-ports', 'br-int')).includes('patch-br-int-to-ln')).toBe(false);

    await vsctl('add-br', 'br-phys');
    await vsctl('set', 'Open_vSwitch', '.', 'external_ids:ovn-bridge-mappings=physnet1:br-phys');
    await waitFor(
      'patch ports',
      async () => (await vsctl('list-ports', 'br-int')).includes('patch-br-int-to-ln'),
      15_000,
    );
    expect(await vsctl('list-ports', 'br-phys')).toContain('patch-ln-to-br-int');
    const sbctl = (...a: string[]) => sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, ...a]);
    await waitFor(
      'Chassis other_config',
      async () =>
        (await sbctl('get', 'Chassis', '.', 'other_config:ovn-bridge-mappings').catch(() => '')).includes(
          'physnet1:br-phys',
        ),
      15_000,
    );
  });
});
